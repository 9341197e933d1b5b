using System.Text.Json.Nodes;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;

namespace RnnToolkit.Runner.Kernel;

/// <summary>
/// Turns the kernel's events for one cell into nbformat outputs, as the kernel's Jupyter front end turns them into
/// messages and nbclient records them: displays → <c>display_data</c> (updates rewrite it in place), return values →
/// <c>execute_result</c> (a returned <c>DisplayedValue</c> is not shown again), console and errors → <c>stream</c>,
/// diagnostics → one stderr stream, failures → <c>error</c> ("compilation error" when the diagnostics said why).
/// </summary>
sealed class EventForwarder(OutputSink sink, Func<KernelEvent, bool> belongsToCell) : IObserver<KernelEvent>
{
    /// <inheritdoc />
    public void OnNext(KernelEvent value)
    {
        if (!belongsToCell(value)) return;
        switch (value)
        {
            case ReturnValueProduced { Value: DisplayedValue }:
                break;
            case DisplayedValueProduced display:
                sink.Display(display.ValueId ?? Guid.NewGuid().ToString(), Bundle(display));
                break;
            case DisplayedValueUpdated update:
                sink.UpdateDisplay(update.ValueId, Bundle(update));
                break;
            case ReturnValueProduced result:
                sink.ExecuteResult(Bundle(result));
                break;
            case StandardOutputValueProduced stdout:
                sink.WriteStream("stdout", PlainText(stdout));
                break;
            case StandardErrorValueProduced or ErrorProduced:
                sink.WriteStream("stderr", PlainText((DisplayEvent)value));
                break;
            case DiagnosticsProduced { FormattedDiagnostics.Count: > 0 } diagnostics:
                sink.WriteStream("stderr", "\n" + string.Join("\n\n", diagnostics.FormattedDiagnostics.Select(d => d.Value)) + "\n\n");
                break;
            case CommandFailed failed:
                sink.Error("Error", ErrorValue(failed), Traceback(failed));
                break;
        }
    }

    /// <inheritdoc />
    public void OnError(Exception error)
    {
    }

    /// <inheritdoc />
    public void OnCompleted()
    {
    }

    static string ErrorValue(CommandFailed failed) =>
        failed.Exception is CodeSubmissionCompilationErrorException ? "compilation error" : failed.Message;

    static List<string> Traceback(CommandFailed failed) => failed.Exception switch
    {
        CodeSubmissionCompilationErrorException => [],
        null => [failed.Message],
        var e => [e.ToString(), .. (e.StackTrace ?? "").Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)],
    };

    static JsonObject Bundle(DisplayEvent display)
    {
        var bundle = new JsonObject();
        foreach (var formatted in display.FormattedValues)
            bundle[formatted.MimeType] = formatted.MimeType == JsonFormatter.MimeType ? JsonNode.Parse(formatted.Value) : JsonValue.Create(formatted.Value);
        return bundle;
    }

    static string PlainText(DisplayEvent display) =>
        display.FormattedValues.FirstOrDefault(f => f.MimeType == PlainTextFormatter.MimeType)?.Value ?? display.Value?.ToString() ?? "";
}
