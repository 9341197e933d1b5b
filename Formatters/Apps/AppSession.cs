using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.DotNet.Interactive.Formatting;
using RnnToolkit.Reports;

namespace RnnToolkit.Formatting;

/// <summary>
/// The state of a running notebook app: the outputs of each cell (console text captured as it is written, displays,
/// an unhandled exception), the parameters given, and the HTML report written from them and the app's source.
/// </summary>
sealed class AppSession
{
    readonly object gate = new();
    readonly string title;
    readonly string? sourcePath;
    readonly TextWriter console;
    readonly Dictionary<int, List<AppOutput>> outputs = [];
    readonly Dictionary<int, int> executionCounts = [];
    readonly List<(string Name, object? Value)> parameters = [];
    readonly DateTimeOffset started = DateTimeOffset.UtcNow;
    readonly Stopwatch clock = Stopwatch.StartNew();
    int current = -1;
    bool finished;
    bool failed;

    AppSession(string title, string? sourcePath, TextWriter console)
    {
        this.title = title;
        this.sourcePath = sourcePath;
        this.console = console;
        ReportPath = Path.GetFullPath(sourcePath is null ? title + ".html" : Path.ChangeExtension(sourcePath, ".html"));
    }

    /// <summary>Where the report is written: beside the app's source, named like it (<c>app.cs</c> → <c>app.html</c>).</summary>
    public string ReportPath { get; }

    /// <summary>Starts a session: captures the console and writes the report when the app ends, whether it finished or failed.</summary>
    public static AppSession Start(string title, string? sourcePath)
    {
        var session = new AppSession(title, sourcePath, Console.Out);
        var stderr = Console.Error;
        Console.SetOut(new ConsoleCapture(session.console, text => session.Capture("stdout", text)));
        Console.SetError(new ConsoleCapture(stderr, text => session.Capture("stderr", text)));
        AppDomain.CurrentDomain.UnhandledException += (_, e) => session.Fail(e.ExceptionObject as Exception ?? new Exception(e.ExceptionObject?.ToString()));
        AppDomain.CurrentDomain.ProcessExit += (_, _) => session.WriteReportQuietly();
        return session;
    }

    /// <summary>Starts collecting outputs for code cell <paramref name="index"/>; writes the report of the cells so far.</summary>
    public void Cell(int index)
    {
        lock (gate)
        {
            current = index;
            executionCounts[index] = executionCounts.Count + 1;
        }
        WriteReport();
    }

    /// <summary>Remembers a parameter given on the command line (the report's header lists them).</summary>
    public void RecordParameter(string name, object? value)
    {
        lock (gate) parameters.Add((name, value));
    }

    /// <summary>Shows <paramref name="value"/>: its text on the console, the value formatted as <paramref name="mimeTypes"/> in the report.</summary>
    public IDisplayHandle Show(object value, string[] mimeTypes)
    {
        var output = AppOutput.Display(Format(value, mimeTypes));
        lock (gate) OutputsOf(current).Add(output);
        console.WriteLine(PlainText(value));
        return new Handle(this, output, mimeTypes);
    }

    /// <summary>Marks the run passed and writes the report.</summary>
    public void Finish()
    {
        lock (gate) finished = true;
        WriteReport();
        console.WriteLine($"HTML report: {ReportPath}");
    }

    void Capture(string stream, string text)
    {
        lock (gate)
        {
            var list = OutputsOf(current);
            if (list.Count == 0 || list[^1] is not { OutputType: "stream" } last || last.StreamName != stream)
                list.Add(last = AppOutput.Stream(stream));
            last.Text.Append(text);
        }
    }

    void Fail(Exception error)
    {
        lock (gate)
        {
            failed = true;
            OutputsOf(current).Add(AppOutput.Failure(error));
        }
        WriteReportQuietly();
    }

    List<AppOutput> OutputsOf(int cell) => outputs.TryGetValue(cell, out var list) ? list : outputs[cell] = [];

    static IReadOnlyDictionary<string, string> Format(object value, string[] mimeTypes)
    {
        var mimes = mimeTypes.Length > 0 ? mimeTypes
            : value is string ? ["text/plain"]
            : Formatter.GetPreferredMimeTypesFor(value.GetType()).Append("text/plain").Distinct().ToArray();
        return mimes.ToDictionary(m => m, m => m == "text/plain" ? PlainText(value) : Formatter.ToDisplayString(value, m));
    }

    static string PlainText(object value) => value as string ?? Formatter.ToDisplayString(value, "text/plain");

    void WriteReportQuietly()
    {
        try
        {
            WriteReport();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            console.WriteLine($"warning: could not write the report {ReportPath}: {e.Message}");
        }
    }

    /// <summary>Writes the report by write-then-rename: cells in notebook order, each with its outputs so far.</summary>
    public void WriteReport()
    {
        string html;
        lock (gate)
        {
            var source = sourcePath is null ? [] : AppSource.Cells(File.ReadAllText(sourcePath));
            var cells = new JsonArray();
            foreach (var cell in source)
            {
                if (cell.Kind == AppCellKind.Markdown)
                    cells.Add(new JsonObject { ["cell_type"] = "markdown", ["metadata"] = new JsonObject(), ["source"] = cell.Text });
                else
                    cells.Add(CodeCell(cell.Index, cell.Text));
            }
            foreach (var index in outputs.Keys.Where(i => !source.Any(c => c.Index == i && c.Kind != AppCellKind.Markdown)).Order())
                cells.Add(CodeCell(index, ""));
            html = HtmlReportWriter.Render(cells, Metadata(), title);
        }
        AtomicFile.WriteAllText(ReportPath, html);
    }

    JsonObject CodeCell(int index, string source) => new()
    {
        ["cell_type"] = "code",
        ["metadata"] = new JsonObject(),
        ["source"] = source,
        ["execution_count"] = executionCounts.TryGetValue(index, out var count) ? count : null,
        ["outputs"] = new JsonArray(outputs.TryGetValue(index, out var list) ? list.Select(o => (JsonNode)o.ToJson()).ToArray() : []),
    };

    JsonObject Metadata()
    {
        var given = new JsonObject();
        foreach (var (name, value) in parameters) given[name] = JsonSerializer.SerializeToNode(value);
        var papermill = new JsonObject
        {
            ["start_time"] = started.ToString("o", CultureInfo.InvariantCulture),
            ["duration"] = clock.Elapsed.TotalSeconds,
            ["exception"] = failed,
            ["parameters"] = given,
        };
        if (finished && !failed) papermill["end_time"] = DateTimeOffset.UtcNow.ToString("o", CultureInfo.InvariantCulture);
        return new JsonObject { ["papermill"] = papermill };
    }

    sealed class Handle(AppSession session, AppOutput output, string[] mimeTypes) : IDisplayHandle
    {
        public void Update(object value)
        {
            ArgumentNullException.ThrowIfNull(value);
            var data = Format(value, mimeTypes);
            lock (session.gate) output.Data = data;
        }
    }
}
