using System.Diagnostics;
using System.Text.Json.Nodes;
using RnnToolkit.Reports;
using RnnToolkit.Runner.Kernel;
using RnnToolkit.Runner.Notebooks;
using RnnToolkit.Runner.Papermill;

namespace RnnToolkit.Runner;

/// <summary>
/// Runs a C# notebook the way papermill runs it on the .NET Interactive C# kernel: parameters injected, outputs
/// cleared, cells executed in order on one instance of the real kernel (hosted in this process), the output notebook saved (write-then-rename) at the start,
/// after every cell and periodically, and execution stopped at the first failing cell with papermill's error cells.
/// </summary>
public static class NotebookRunner
{
    // Runs in one process are serialised: the kernel's working folder is the process's current directory.
    static readonly SemaphoreSlim RunLock = new(1, 1);

    /// <summary>Runs the notebook at <paramref name="inputPath"/> and writes the executed notebook to <paramref name="outputPath"/>.</summary>
    /// <param name="inputPath">The .ipynb to run (never modified unless it is also <paramref name="outputPath"/>).</param>
    /// <param name="outputPath">Where to write the executed notebook; null to not write it.</param>
    /// <param name="options">Parameters and papermill options; null for defaults.</param>
    /// <param name="cancellationToken">Stops the run before the next cell.</param>
    /// <returns>Per-cell results; <see cref="NotebookRunResult.Succeeded"/> is false when a cell failed.</returns>
    /// <exception cref="NotebookFormatException">The input is not a readable C# nbformat 4 notebook.</exception>
    /// <exception cref="ArgumentException">A parameter cannot be written as C#.</exception>
    public static async Task<NotebookRunResult> RunAsync(string inputPath, string? outputPath, RunnerOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        options ??= new RunnerOptions();
        var input = Path.GetFullPath(inputPath);
        var output = outputPath is null ? null : Path.GetFullPath(outputPath);
        var notebook = NotebookDocument.Load(input);
        if (CellLanguage.NonCSharpNotebookLanguage(notebook) is { } language)
            throw new NotebookFormatException($"'{inputPath}' is not a C# notebook: expected kernel .net-csharp (language C#), got '{language}'.");
        var workingDirectory = Path.GetFullPath(options.WorkingDirectory ?? Path.GetDirectoryName(input)!);
        if (!Directory.Exists(workingDirectory))
            throw new DirectoryNotFoundException($"Working folder '{workingDirectory}' does not exist.");

        await RunLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        string previousDirectory;
        try
        {
            previousDirectory = Environment.CurrentDirectory;
        }
        catch (IOException)
        {
            previousDirectory = workingDirectory;
        }
        try
        {
            Environment.CurrentDirectory = workingDirectory;
            return await RunLockedAsync(notebook, input, output, workingDirectory, options, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            RestoreCurrentDirectory(previousDirectory);
            RunLock.Release();
        }
    }

    // The folder the process started in may be gone (e.g. a deleted temp folder): then stay where we are.
    static void RestoreCurrentDirectory(string previous)
    {
        try
        {
            if (Directory.Exists(previous)) Environment.CurrentDirectory = previous;
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    static async Task<NotebookRunResult> RunLockedAsync(NotebookDocument notebook, string input, string? output,
        string workingDirectory, RunnerOptions options, CancellationToken cancellationToken)
    {
        var log = options.Log;
        var start = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var warnings = new List<string>();
        var gate = new object();
        var saveLock = new object();

        void Save()
        {
            if (output is null) return;
            lock (saveLock)
            {
                string json;
                lock (gate) json = notebook.ToJson();
                AtomicFile.WriteAllText(output, json);
            }
        }

        log?.WriteLine($"Input Notebook:  {input}");
        if (output is not null) log?.WriteLine($"Output Notebook: {output}");
        log?.WriteLine($"Working Directory: {workingDirectory}");

        ErrorCells.RemoveExisting(notebook);
        var parameters = options.Parameters.ToList();
        if (parameters.Count > 0 && ParameterInjector.Inject(notebook, parameters) is { } warning)
        {
            warnings.Add(warning);
            log?.WriteLine("Warning: " + warning);
        }
        foreach (var node in notebook.Cells)
        {
            var cell = (JsonObject)node!;
            PapermillMetadata.Pending(cell);
            if (options.ReportMode && NotebookDocument.CellType(cell) == "code")
                NotebookDocument.GetOrCreateObject(NotebookDocument.GetOrCreateObject(cell, "metadata"), "jupyter")["source_hidden"] = true;
        }
        PapermillMetadata.StartNotebook(notebook, parameters, input, output, start);
        Save();

        var results = notebook.Cells.Select((n, i) => NewResult((JsonObject)n!, i)).ToList();
        TimeSpan startup = TimeSpan.Zero;
        var failed = false;
        if (!options.PrepareOnly)
        {
            Action<string, string>? echo = options.LogOutput && log is not null ? (kind, text) => Echo(log, kind, text) : null;
            var sink = new OutputSink(gate, echo);
            // Each notebook gets a fresh kernel: formatters registered by an earlier notebook in this process go.
            using var kernel = NotebookKernel.Create();
            startup = clock.Elapsed;
            log?.WriteLine($"Kernel ready in {startup.TotalSeconds:0.00} s");

            using var autosaveStop = new CancellationTokenSource();
            var autosave = AutosaveAsync(options.AutosaveInterval, sink, Save, autosaveStop.Token);
            try
            {
                failed = await ExecuteCellsAsync(notebook, results, kernel, sink, options, Save, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                autosaveStop.Cancel();
                await autosave.ConfigureAwait(false);
            }
        }

        var end = DateTimeOffset.UtcNow;
        lock (gate) PapermillMetadata.EndNotebook(notebook, start, end, failed);
        Save();

        // Indices may have moved (error cells): refresh them from the final cell list.
        var byId = results.ToDictionary(r => r.Id, StringComparer.Ordinal);
        var finalResults = new List<CellResult>();
        for (int i = 0; i < notebook.Cells.Count; i++)
        {
            var cell = (JsonObject)notebook.Cells[i]!;
            var id = (string)cell["id"]!;
            var r = byId.TryGetValue(id, out var existing) ? existing : NewResult(cell, i);
            finalResults.Add(new CellResult
            {
                Index = i,
                Id = r.Id,
                CellType = r.CellType,
                Source = r.Source,
                ExecutionCount = r.ExecutionCount,
                Status = r.Status,
                Duration = r.Duration,
                ErrorName = r.ErrorName,
                ErrorMessage = r.ErrorMessage,
                Outputs = r.Outputs,
            });
        }
        var result = new NotebookRunResult
        {
            InputPath = input,
            OutputPath = output,
            Notebook = notebook,
            Cells = finalResults,
            Duration = clock.Elapsed,
            StartupTime = startup,
            Warnings = warnings,
        };
        if (options.HtmlReportPath is { } html)
        {
            AtomicFile.WriteAllText(html, HtmlReportWriter.Render(notebook.Cells, notebook.Metadata, Path.GetFileNameWithoutExtension(input)));
            log?.WriteLine($"HTML report:     {Path.GetFullPath(html)}");
        }
        return result;
    }

    static async Task<bool> ExecuteCellsAsync(NotebookDocument notebook, List<CellResult> results, NotebookKernel kernel,
        OutputSink sink, RunnerOptions options, Action save, CancellationToken cancellationToken)
    {
        var executionCount = 0;
        for (int i = 0; i < notebook.Cells.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var cell = (JsonObject)notebook.Cells[i]!;
            var result = results[i];
            var cellStart = DateTimeOffset.UtcNow;
            var watch = Stopwatch.StartNew();
            lock (sink.Gate) PapermillMetadata.Running(cell, cellStart);

            CellOutcome outcome;
            if (result.CellType != "code")
            {
                outcome = new CellOutcome(CellStatus.Skipped);
            }
            else
            {
                var cellKernel = CellLanguage.KernelName(cell);
                var outputs = (JsonArray)cell["outputs"]!;
                result.Outputs = outputs;
                if (result.Source.Trim().Length == 0 || CellLanguage.IsMarkdown(cellKernel))
                {
                    outcome = new CellOutcome(CellStatus.Skipped);
                }
                else
                {
                    executionCount++;
                    lock (sink.Gate) cell["execution_count"] = executionCount;
                    result.ExecutionCount = executionCount;
                    sink.BeginCell(outputs, executionCount);
                    options.Log?.WriteLine($"Executing cell {i + 1}/{notebook.Cells.Count} (In [{executionCount}])");
                    if (!CellLanguage.IsCSharp(cellKernel))
                    {
                        var message = $"The runner executes only C# cells; kernel '{cellKernel}' is not available.";
                        sink.Error("Error", message, Array.Empty<string>());
                        outcome = new CellOutcome(CellStatus.Failed, "Error", message);
                    }
                    else
                    {
                        outcome = await RunWithTimeoutAsync(kernel, sink, options.ExecutionTimeout, result.Source, save, cancellationToken).ConfigureAwait(false);
                    }
                }
            }

            var cellEnd = DateTimeOffset.UtcNow;
            var isFailure = outcome.Status is CellStatus.Failed or CellStatus.TimedOut;
            result.Status = outcome.Status;
            result.Duration = watch.Elapsed;
            result.ErrorName = outcome.ErrorName;
            result.ErrorMessage = outcome.ErrorValue;
            lock (sink.Gate)
            {
                PapermillMetadata.Finished(cell, cellStart, cellEnd, isFailure);
                if (isFailure) ErrorCells.Insert(notebook, i, result.ExecutionCount);
            }
            sink.ClearDirty();
            save();
            if (isFailure)
            {
                options.Log?.WriteLine($"Cell In [{result.ExecutionCount}] failed: {outcome.ErrorName}: {FirstLine(outcome.ErrorValue)}");
                return true;
            }
        }
        return false;
    }

    static async Task<CellOutcome> RunWithTimeoutAsync(NotebookKernel kernel, OutputSink sink,
        TimeSpan? timeout, string source, Action save, CancellationToken cancellationToken)
    {
        // The cell runs on its own task; a cell that never returns cannot be aborted, so on timeout its later outputs
        // are dropped and the run stops.
        var run = Task.Run(async () =>
        {
            try
            {
                return await kernel.SubmitAsync(source, sink, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A failure of the kernel itself fails the cell, not the run.
                sink.Error("Error", e.ToString(), new[] { e.ToString() });
                return new CellOutcome(CellStatus.Failed, e.GetType().FullName, e.Message);
            }
        }, CancellationToken.None);
        // Quick cells are saved once when they finish; a cell still running after a moment is saved as "running".
        var grace = TimeSpan.FromMilliseconds(250);
        if (timeout is { } limit && limit < grace) grace = limit;
        if (await Task.WhenAny(run, Task.Delay(grace, CancellationToken.None)).ConfigureAwait(false) != run)
            save();
        if (timeout is null)
            return await run.ConfigureAwait(false);
        var remaining = timeout.Value - grace;
        var finished = remaining <= TimeSpan.Zero ? (run.IsCompleted ? run : Task.CompletedTask)
            : await Task.WhenAny(run, Task.Delay(remaining, cancellationToken)).ConfigureAwait(false);
        if (finished == run)
            return await run.ConfigureAwait(false);
        var seconds = timeout.Value.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
        var message = $"A cell timed out while it was being executed, after {seconds} seconds.\n" +
                      "The message was: Cell execution timed out.\n" +
                      "Here is a preview of the cell contents:\n-------------------\n" +
                      Preview(source) + "\n-------------------\n";
        sink.Error("CellTimeoutError", message, Array.Empty<string>());
        sink.Detach();
        return new CellOutcome(CellStatus.TimedOut, "CellTimeoutError", message);
    }

    static async Task AutosaveAsync(TimeSpan interval, OutputSink sink, Action save, CancellationToken stop)
    {
        if (interval <= TimeSpan.Zero) return;
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                if (!sink.IsDirty) continue;
                sink.ClearDirty();
                save();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    static CellResult NewResult(JsonObject cell, int index) => new()
    {
        Index = index,
        Id = (string)cell["id"]!,
        CellType = NotebookDocument.CellType(cell),
        Source = NotebookDocument.Source(cell),
        Outputs = cell["outputs"] as JsonArray ?? new JsonArray(),
    };

    static string Preview(string source)
    {
        var lines = source.Split('\n');
        return string.Join("\n", lines.Take(5)) + (lines.Length > 5 ? "\n..." : "");
    }

    static string FirstLine(string? text) => text is null ? "" : text.Split('\n')[0];

    static void Echo(TextWriter log, string kind, string text)
    {
        lock (log)
        {
            if (kind is "stdout" or "stderr") log.Write(text);
            else log.WriteLine($"[{kind}] {text}");
        }
    }
}
