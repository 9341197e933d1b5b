using System.Diagnostics;
using Markdig;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.Directives;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;

namespace RnnToolkit.Runner.Kernel;

/// <summary>
/// The magic commands the <c>dotnet-interactive</c> tool adds for Jupyter that live outside the kernel packages
/// (in its Jupyter assembly, which NuGet does not serve): <c>#!time</c> and <c>#!markdown</c>, with the tool's output.
/// </summary>
static class Magics
{
    /// <summary><c>#!time</c>: after the cell, a display "Wall time: {ms}ms".</summary>
    public static void AddTime(Microsoft.DotNet.Interactive.Kernel kernel) =>
        kernel.AddDirective(new KernelActionDirective("#!time") { Description = "Time the execution of the rest of the cell." }, (_, context) =>
        {
            var timer = Stopwatch.StartNew();
            context.OnComplete(done =>
            {
                var elapsed = timer.Elapsed;
                done.Publish(new DisplayedValueProduced(elapsed, context.Command,
                    [new FormattedValue(PlainTextFormatter.MimeType, $"Wall time: {elapsed.TotalMilliseconds}ms")]));
            });
            return Task.CompletedTask;
        });

    static readonly MarkdownPipeline Markdown = new MarkdownPipelineBuilder().UseMathematics().UseAdvancedExtensions().Build();

    /// <summary><c>#!markdown</c> in a code cell: the rest of the cell rendered as HTML.</summary>
    public static void AddMarkdown(Microsoft.DotNet.Interactive.Kernel kernel) =>
        kernel.AddDirective(new KernelActionDirective("#!markdown") { Description = "Render the rest of the cell as Markdown." }, (_, context) =>
        {
            if (context.Command is SubmitCode submit)
            {
                var html = Markdig.Markdown.ToHtml(submit.Code.Replace("#!markdown", "").Trim(), Markdown);
                context.Publish(new DisplayedValueProduced(html, context.Command, [new FormattedValue(HtmlFormatter.MimeType, html)]));
                context.Complete(submit);
            }
            return Task.CompletedTask;
        });
}
