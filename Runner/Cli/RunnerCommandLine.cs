using System.CommandLine;
using System.Diagnostics;
using RnnToolkit.Runner.Notebooks;

namespace RnnToolkit.Runner.Cli;

/// <summary>
/// The command line: <c>&lt;input.ipynb | folder&gt; [&lt;output.ipynb | folder&gt;] [options]</c>, with papermill's
/// option names plus <c>--html</c>; or <c>export &lt;notebook | folder&gt; --to app [&lt;folder&gt;]</c> (<see cref="ExportCommandLine"/>).
/// Exit codes are those of <see cref="ExitCodes"/>.
/// </summary>
public static class RunnerCommandLine
{
    /// <summary>Parses <paramref name="args"/>, runs the notebooks and returns the exit code.</summary>
    /// <param name="args">Command-line arguments.</param>
    /// <param name="stdout">Where the summary and help go.</param>
    /// <param name="stderr">Where progress and errors go.</param>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length > 0 && args[0] == ExportCommandLine.Name)
            return await ExportCommandLine.RunAsync(args[1..], stdout, stderr).ConfigureAwait(false);
        var input = new Argument<string>("input") { Description = "Notebook (.ipynb) to run, or a folder whose notebooks are all run (sorted)." };
        var output = new Argument<string?>("output")
        {
            Description = "Where to write the executed notebook (a file, or a folder for a folder input). Omit to not save it.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var parameters = new Option<List<string>>("--parameters", "-p")
        {
            Description = "Parameter name and value; ints, floats and True/False are converted, others are strings.",
            HelpName = "name value",
            Arity = new ArgumentArity(2, 2),
            AllowMultipleArgumentsPerToken = true,
        };
        var raw = new Option<List<string>>("--parameters_raw", "-r")
        {
            Description = "Parameter name and value, always a string.",
            HelpName = "name value",
            Arity = new ArgumentArity(2, 2),
            AllowMultipleArgumentsPerToken = true,
        };
        var yaml = new Option<List<string>>("--parameters_yaml", "-y") { Description = "YAML mapping of parameters.", HelpName = "yaml" };
        var file = new Option<List<string>>("--parameters_file", "-f") { Description = "YAML file of parameters.", HelpName = "file.yaml" };
        var cwd = new Option<string?>("--cwd") { Description = "Working folder for the kernel (default: the notebook's folder).", HelpName = "folder" };
        var timeout = new Option<double?>("--execution-timeout") { Description = "Maximum seconds one cell may run.", HelpName = "seconds" };
        var reportMode = new Option<bool>("--report-mode") { Description = "Hide code cell inputs in the output notebook." };
        var prepareOnly = new Option<bool>("--prepare-only") { Description = "Inject parameters and write the output without running." };
        var logOutput = new Option<bool>("--log-output") { Description = "Echo cell outputs to stderr while running." };
        var html = new Option<bool>("--html") { Description = "Also write a self-contained HTML report next to the output (or input)." };
        var root = new RootCommand("Runs C# Polyglot/Jupyter notebooks headlessly, the way papermill runs them on the .NET Interactive C# kernel.")
        {
            input, output, parameters, raw, yaml, file, cwd, timeout, reportMode, prepareOnly, logOutput, html,
        };

        var exitCode = ExitCodes.Usage;
        root.SetAction(async (parse, token) =>
        {
            exitCode = await ExecuteAsync(parse, stdout, stderr, token).ConfigureAwait(false);
            return exitCode;
        });

        async Task<int> ExecuteAsync(ParseResult parse, TextWriter o, TextWriter e, CancellationToken token)
        {
            var options = new RunnerOptions
            {
                ReportMode = parse.GetValue(reportMode),
                PrepareOnly = parse.GetValue(prepareOnly),
                LogOutput = parse.GetValue(logOutput),
                Log = e,
            };
            try
            {
                var merged = new List<KeyValuePair<string, object?>>();
                void Set(string name, object? value)
                {
                    CSharpParameterTranslatorCheck(name);
                    var index = merged.FindIndex(kv => kv.Key == name);
                    if (index >= 0) merged[index] = new(name, value);
                    else merged.Add(new(name, value));
                }
                foreach (var path in parse.GetValue(file) ?? new())
                {
                    if (!File.Exists(path)) throw new ArgumentException($"Parameters file '{path}' does not exist.");
                    foreach (var (k, v) in ParameterValues.FromYaml(File.ReadAllText(path), path)) Set(k, v);
                }
                foreach (var text in parse.GetValue(yaml) ?? new())
                    foreach (var (k, v) in ParameterValues.FromYaml(text, "-y")) Set(k, v);
                var p = parse.GetValue(parameters) ?? new();
                for (int i = 0; i + 1 < p.Count; i += 2) Set(p[i], ParameterValues.Resolve(p[i + 1]));
                var r = parse.GetValue(raw) ?? new();
                for (int i = 0; i + 1 < r.Count; i += 2) Set(r[i], r[i + 1]);
                foreach (var kv in merged) options.Parameters.Add(kv);

                if (parse.GetValue(timeout) is { } seconds)
                {
                    if (!(seconds > 0)) throw new ArgumentException($"--execution-timeout must be a positive number of seconds; got {seconds}.");
                    options.ExecutionTimeout = TimeSpan.FromSeconds(seconds);
                }
                if (parse.GetValue(cwd) is { } folder)
                {
                    if (!Directory.Exists(folder)) throw new ArgumentException($"--cwd folder '{folder}' does not exist.");
                    options.WorkingDirectory = Path.GetFullPath(folder);
                }
            }
            catch (ArgumentException ex)
            {
                e.WriteLine("error: " + ex.Message);
                return ExitCodes.Usage;
            }

            var inputPath = parse.GetValue(input)!;
            var outputPath = parse.GetValue(output);
            var writeHtml = parse.GetValue(html);
            if (Directory.Exists(inputPath))
                return await RunFolderAsync(inputPath, outputPath, options, writeHtml, o, e, token).ConfigureAwait(false);
            if (!File.Exists(inputPath))
            {
                e.WriteLine($"error: input '{inputPath}' does not exist: expected a notebook file or a folder of notebooks.");
                return ExitCodes.Usage;
            }
            if (outputPath is not null && Directory.Exists(outputPath))
                outputPath = Path.Combine(outputPath, Path.GetFileName(inputPath));
            var row = await RunOneAsync(inputPath, outputPath, options, writeHtml, e, token).ConfigureAwait(false);
            o.Write(RunSummary.Format(new[] { row.Row }));
            return row.ExitCode;
        }

        var result = root.Parse(args);
        var errors = result.Errors.Select(e => e.Message).ToList();
        foreach (var value in new[] { result.GetResult(input)?.Tokens, result.GetResult(output)?.Tokens })
        {
            foreach (var token in value ?? (IReadOnlyList<System.CommandLine.Parsing.Token>)Array.Empty<System.CommandLine.Parsing.Token>())
            {
                if (token.Value.StartsWith('-') && token.Value.Length > 1)
                    errors.Add($"Unrecognized option '{token.Value}': expected a notebook or folder path, or one of the options in --help.");
            }
        }
        if (errors.Count > 0)
        {
            foreach (var error in errors) stderr.WriteLine("error: " + error);
            stderr.WriteLine("Usage: RnnToolkit.Runner <input.ipynb | folder> [<output.ipynb | folder>] [options]  (--help for options)");
            return ExitCodes.Usage;
        }
        var invocation = new InvocationConfiguration { Output = stdout, Error = stderr };
        var code = await result.InvokeAsync(invocation).ConfigureAwait(false);
        return code;
    }

    static void CSharpParameterTranslatorCheck(string name) => Papermill.CSharpParameterTranslator.Identifier(name);

    static async Task<int> RunFolderAsync(string folder, string? outputFolder, RunnerOptions options, bool writeHtml,
        TextWriter stdout, TextWriter stderr, CancellationToken token)
    {
        if (outputFolder is not null && File.Exists(outputFolder))
        {
            stderr.WriteLine($"error: output '{outputFolder}' is a file: expected a folder for a folder input.");
            return ExitCodes.Usage;
        }
        var notebooks = Directory.GetFiles(folder, "*.ipynb")
            .Where(f => !Path.GetFileName(f).StartsWith('.'))
            .OrderBy(f => f, StringComparer.Ordinal)
            .ToList();
        if (notebooks.Count == 0)
        {
            stderr.WriteLine($"error: folder '{folder}' contains no .ipynb notebooks.");
            return ExitCodes.Usage;
        }
        var rows = new List<RunSummaryRow>();
        var exit = ExitCodes.Success;
        foreach (var notebook in notebooks)
        {
            var output = outputFolder is null ? null : Path.Combine(outputFolder, Path.GetFileName(notebook));
            var (row, code) = await RunOneAsync(notebook, output, options, writeHtml, stderr, token).ConfigureAwait(false);
            rows.Add(row);
            exit = Math.Max(exit, code);
        }
        stdout.Write(RunSummary.Format(rows));
        return exit;
    }

    static async Task<(RunSummaryRow Row, int ExitCode)> RunOneAsync(string input, string? output, RunnerOptions options,
        bool writeHtml, TextWriter stderr, CancellationToken token)
    {
        var name = Path.GetFileName(input);
        var watch = Stopwatch.StartNew();
        var perNotebook = new RunnerOptions
        {
            WorkingDirectory = options.WorkingDirectory,
            ExecutionTimeout = options.ExecutionTimeout,
            ReportMode = options.ReportMode,
            PrepareOnly = options.PrepareOnly,
            LogOutput = options.LogOutput,
            Log = options.Log,
            // Full path now: the run changes the current folder to the notebook's (--cwd), and a relative
            // report path would then land beside the notebook instead of beside the output.
            HtmlReportPath = writeHtml ? Path.GetFullPath(Path.ChangeExtension(output ?? input, ".html")) : null,
        };
        foreach (var kv in options.Parameters) perNotebook.Parameters.Add(kv);
        try
        {
            var result = await NotebookRunner.RunAsync(input, output, perNotebook, token).ConfigureAwait(false);
            if (result.FailedCell is { } failed)
            {
                var firstLine = failed.Source.Split('\n').FirstOrDefault(l => l.Trim().Length > 0)?.Trim() ?? "";
                if (firstLine.Length > 40) firstLine = firstLine[..37] + "...";
                var where = $"In [{failed.ExecutionCount}] {firstLine} ({failed.ErrorName})";
                stderr.WriteLine($"{name}: cell In [{failed.ExecutionCount}] failed: {failed.ErrorMessage?.Split('\n')[0]}");
                return (new RunSummaryRow(name, failed.Status == Kernel.CellStatus.TimedOut ? "timed out" : "failed", watch.Elapsed, where), ExitCodes.CellFailed);
            }
            return (new RunSummaryRow(name, options.PrepareOnly ? "prepared" : "passed", watch.Elapsed, ""), ExitCodes.Success);
        }
        catch (NotebookFormatException e)
        {
            stderr.WriteLine("error: " + e.Message);
            return (new RunSummaryRow(name, "unreadable", watch.Elapsed, ""), ExitCodes.Usage);
        }
        catch (ArgumentException e)
        {
            stderr.WriteLine("error: " + e.Message);
            return (new RunSummaryRow(name, "bad usage", watch.Elapsed, ""), ExitCodes.Usage);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"error: {name}: cannot read the input or write the output: {e.Message}");
            return (new RunSummaryRow(name, "io error", watch.Elapsed, ""), ExitCodes.Usage);
        }
        catch (OperationCanceledException)
        {
            stderr.WriteLine($"{name}: cancelled");
            return (new RunSummaryRow(name, "cancelled", watch.Elapsed, ""), ExitCodes.CellFailed);
        }
    }
}
