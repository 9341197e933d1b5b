using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;
using RnnToolkit.Runner.Packages;

namespace RnnToolkit.Runner.Kernel;

/// <summary>
/// One C# kernel session: a Roslyn script submission chain with the .NET Interactive C# kernel's options, default
/// imports and startup submission. A run-time exception still advances the chain; a compile error does not.
/// </summary>
internal sealed class CSharpSession
{
    /// <summary>The namespaces the C# kernel imports by default.</summary>
    public static readonly ImmutableArray<string> DefaultImports = ImmutableArray.Create(
        "System", "System.Text", "System.Collections", "System.Collections.Generic", "System.Threading.Tasks", "System.Linq");

    private const string StartupCode = "using static Microsoft.DotNet.Interactive.Kernel;";

    private readonly string _workingDirectory;
    private readonly PackageRestorer _packages;
    private ScriptOptions _options;
    private ScriptState<object>? _state;

    private CSharpSession(string workingDirectory, PackageRestorer packages, ScriptOptions options)
    {
        _workingDirectory = workingDirectory;
        _packages = packages;
        _options = options;
    }

    /// <summary>Creates a session based at <paramref name="workingDirectory"/> and runs the kernel's startup submission.</summary>
    public static async Task<CSharpSession> StartAsync(string workingDirectory, PackageRestorer packages, CancellationToken cancellationToken)
    {
        var options = ScriptOptions.Default
            .WithLanguageVersion(LanguageVersion.Latest)
            .WithImports(DefaultImports)
            .AddReferences(
                typeof(Enumerable).Assembly,
                typeof(IEnumerable<>).Assembly,
                typeof(Task<>).Assembly,
                typeof(Microsoft.DotNet.Interactive.Kernel).Assembly,
                typeof(Microsoft.DotNet.Interactive.Formatting.Formatter).Assembly,
                typeof(Microsoft.AspNetCore.Html.IHtmlContent).Assembly)
            .WithMetadataResolver(ScriptMetadataResolver.Default.WithBaseDirectory(workingDirectory))
            .WithSourceResolver(new SourceFileResolver(ImmutableArray<string>.Empty, workingDirectory));
        options = options.WithReferences(ResolveOnce(options));
        var session = new CSharpSession(workingDirectory, packages, options);
        session._state = await CSharpScript.RunAsync(StartupCode, options, cancellationToken: cancellationToken).ConfigureAwait(false);
        return session;
    }

    // ScriptOptions.Default names its framework references (System.Runtime, System.Console, ...) unresolved, and Roslyn
    // resolves unresolved references again for every submission: new reference objects each time, so every cell re-read
    // the metadata of ~26 assemblies (~14 ms of a trivial cell here). Resolved once, the same references (and the symbols
    // Roslyn caches on them) serve every submission.
    private static IEnumerable<MetadataReference> ResolveOnce(ScriptOptions options)
    {
        foreach (var reference in options.MetadataReferences)
        {
            if (reference is not UnresolvedMetadataReference unresolved)
            {
                yield return reference;
                continue;
            }
            var resolved = options.MetadataResolver.ResolveReference(unresolved.Reference, baseFilePath: null, unresolved.Properties);
            if (resolved.IsDefaultOrEmpty)
                throw new InvalidOperationException($"The C# kernel could not resolve its default reference '{unresolved.Reference}'.");
            foreach (var r in resolved) yield return r;
        }
    }

    /// <summary>Runs one code cell, publishing its outputs to <paramref name="sink"/>.</summary>
    public async Task<CellOutcome> RunAsync(Submission submission, OutputSink sink, CancellationToken cancellationToken)
    {
        if (submission.Error is { } directiveError)
        {
            sink.WriteStream("stderr", "\n" + directiveError.Diagnostic + "\n\n");
            sink.Error("Error", directiveError.Message, Array.Empty<string>());
            return new CellOutcome(CellStatus.Failed, "Error", directiveError.Message);
        }

        var stopwatch = Stopwatch.StartNew();
        if (submission.Packages.Count > 0 || submission.PackageSources.Count > 0)
        {
            var restore = await _packages.AddAsync(submission.Packages, submission.PackageSources, sink, cancellationToken).ConfigureAwait(false);
            if (!restore.Succeeded)
            {
                sink.Error("Error", restore.ErrorMessage!, Array.Empty<string>());
                return new CellOutcome(CellStatus.Failed, "Error", restore.ErrorMessage);
            }
            if (restore.NewReferences.Count > 0)
                _options = _options.AddReferences(restore.NewReferences.Select(p => MetadataReference.CreateFromFile(p)));
        }

        if (submission.Code.Trim().Length == 0)
        {
            PrintTime(submission, sink, stopwatch);
            return new CellOutcome(CellStatus.Completed);
        }

        var script = _state!.Script.ContinueWith(submission.Code, _options);
        var diagnostics = script.Compile(cancellationToken).Where(IsReported).ToList();
        if (diagnostics.Count > 0)
        {
            sink.WriteStream("stderr", "\n" + string.Join("\n\n", diagnostics.Select(d => d.ToString())) + "\n\n");
        }
        if (diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error))
        {
            // The notebook gets the kernel's "compilation error" (the diagnostics are on stderr); the run result gets them all.
            sink.Error("Error", "compilation error", Array.Empty<string>());
            return new CellOutcome(CellStatus.Failed, "Error",
                string.Join("\n", diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString())));
        }

        var state = await script.RunFromAsync(_state, _ => true, cancellationToken).ConfigureAwait(false);
        _state = state;
        if (state.Exception is { } exception)
        {
            var traceback = new List<string> { exception.ToString() };
            if (exception.StackTrace is { } stack)
                traceback.AddRange(stack.Split(new[] { '\r', '\n' }, StringSplitOptions.RemoveEmptyEntries));
            sink.Error("Error", exception.ToString(), traceback);
            return new CellOutcome(CellStatus.Failed, exception.GetType().FullName, exception.Message);
        }

        if (HasReturnValue(script.GetCompilation()) && state.ReturnValue is not Microsoft.DotNet.Interactive.DisplayedValue)
        {
            sink.ExecuteResult(ValueFormatter.ToMimeBundle(state.ReturnValue, null));
        }
        PrintTime(submission, sink, stopwatch);
        return new CellOutcome(CellStatus.Completed);
    }

    /// <summary>
    /// The warnings the .NET SDK suppresses in every C# build (its default NoWarn 1701;1702): "assuming assembly reference
    /// X, Version=8.0.0.0 matches identity X, Version=10.0.0.0" — a package built for .NET 8 (TorchSharp) running on .NET 10,
    /// not something the cell's author can act on.
    /// </summary>
    internal static readonly ImmutableHashSet<string> SuppressedWarnings = ImmutableHashSet.Create("CS1701", "CS1702");

    /// <summary>Errors, and warnings other than <see cref="SuppressedWarnings"/>, are shown (warnings on stderr).</summary>
    internal static bool IsReported(Diagnostic d) =>
        d.Severity == DiagnosticSeverity.Error || d.Severity == DiagnosticSeverity.Warning && !SuppressedWarnings.Contains(d.Id);

    // A submission has a value when its last statement is an expression without ';' whose type is not void.
    private static bool HasReturnValue(Compilation compilation)
    {
        var tree = compilation.SyntaxTrees.LastOrDefault();
        if (tree?.GetRoot() is not Microsoft.CodeAnalysis.CSharp.Syntax.CompilationUnitSyntax root) return false;
        if (root.Members.LastOrDefault() is not Microsoft.CodeAnalysis.CSharp.Syntax.GlobalStatementSyntax
            {
                Statement: Microsoft.CodeAnalysis.CSharp.Syntax.ExpressionStatementSyntax { SemicolonToken.IsMissing: true } statement,
            })
            return false;
        var type = compilation.GetSemanticModel(tree).GetTypeInfo(statement.Expression).Type;
        return type is not null && type.SpecialType != SpecialType.System_Void;
    }

    private static void PrintTime(Submission submission, OutputSink sink, Stopwatch stopwatch)
    {
        if (submission.Time)
            sink.WriteStream("stdout", "Wall time: " + stopwatch.Elapsed.TotalMilliseconds.ToString("0.####", CultureInfo.InvariantCulture) + "ms\n");
    }
}
