using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;
using Microsoft.DotNet.Interactive.PackageManagement;

namespace RnnToolkit.Runner.Kernel;

/// <summary>
/// The .NET Interactive C# kernel, hosted in this process and set up the way the <c>Microsoft.dotnet-interactive</c>
/// tool (1.0.712001) sets up its C# kernel for Jupyter: <c>#r "nuget:..."</c> / <c>#i</c> (the kernel's own package
/// management), <c>using static Microsoft.DotNet.Interactive.Kernel</c> (display, HTML, ...), <c>#!who</c>, value
/// sharing, <c>#!time</c> and <c>#!markdown</c>, package kernel extensions (<c>interactive-extensions/dotnet</c>), and
/// the browser front end's formatting defaults (text/html, strings as text/plain). Only C# is hosted.
/// </summary>
sealed class NotebookKernel : IDisposable
{
    /// <summary>The name of the C# kernel, as notebooks' metadata names it.</summary>
    public const string CSharp = "csharp";

    readonly CompositeKernel composite;

    NotebookKernel(CompositeKernel root) => composite = root;

    /// <summary>The root kernel (what <c>Kernel.Root</c> returns to a cell).</summary>
    public Microsoft.DotNet.Interactive.Kernel Root => composite;

    /// <summary>Builds a fresh kernel; formatters registered by an earlier kernel in this process are reset.</summary>
    public static NotebookKernel Create()
    {
        Formatter.ResetToDefault();
        var csharp = new CSharpKernel()
            .UseNugetDirective((kernel, packages) =>
            {
                kernel.AddAssemblyReferences(packages.SelectMany(p => p.AssemblyPaths));
                return Task.CompletedTask;
            })
            .UseKernelHelpers()
            .UseWho()
            .UseValueSharing();
        var root = new CompositeKernel { { csharp, new[] { "c#", "C#" } } };
        root.DefaultKernelName = CSharp;
        Magics.AddTime(root);
        Magics.AddMarkdown(root);
        PackageExtensions.Use(root);
        // The Jupyter front end is a browser: HTML by default, strings as plain text.
        Formatter.DefaultMimeType = HtmlFormatter.MimeType;
        Formatter.SetPreferredMimeTypesFor(typeof(string), PlainTextFormatter.MimeType);
        return new NotebookKernel(root);
    }

    /// <summary>
    /// Submits one cell's code and forwards what it publishes to <paramref name="sink"/> as nbclient records the kernel's
    /// Jupyter messages.
    /// </summary>
    public async Task<CellOutcome> SubmitAsync(string code, OutputSink sink, CancellationToken cancellationToken)
    {
        var command = new SubmitCode(code, CSharp);
        var token = command.GetOrCreateToken();
        var forwarder = new EventForwarder(sink, e => e.Command.GetOrCreateToken().StartsWith(token, StringComparison.Ordinal));
        KernelCommandResult result;
        using (composite.KernelEvents.Subscribe(forwarder))
            result = await composite.SendAsync(command, cancellationToken).ConfigureAwait(false);
        var failed = result.Events.OfType<CommandFailed>().FirstOrDefault(f => ReferenceEquals(f.Command, command))
                     ?? result.Events.OfType<CommandFailed>().LastOrDefault();
        return failed is null ? new CellOutcome(CellStatus.Completed) : Outcome(failed);
    }

    static CellOutcome Outcome(CommandFailed failed) => failed.Exception switch
    {
        null or CodeSubmissionCompilationErrorException => new CellOutcome(CellStatus.Failed, "Error", failed.Message),
        var e => new CellOutcome(CellStatus.Failed, e.GetType().FullName, e.Message),
    };

    /// <inheritdoc />
    public void Dispose() => composite.Dispose();
}
