namespace RnnToolkit.Runner.Kernel;

/// <summary>A <c>#r "nuget: Name[, Version]"</c> directive; <see cref="Version"/> is null for "latest stable".</summary>
internal sealed record PackageReferenceDirective(string Name, string? Version);

/// <summary>
/// A cell's source split the way the kernel reads it: the C# code to compile (directives blanked out so line numbers
/// are kept), the NuGet directives hoisted ahead of it, and whether the cell runs at all.
/// </summary>
internal sealed class Submission
{
    /// <summary>C# code to compile; empty when the cell has no C# part.</summary>
    public string Code { get; init; } = "";

    /// <summary>True when the cell is entirely non-C# content the runner skips (e.g. <c>#!markdown</c>).</summary>
    public bool Skip { get; init; }

    /// <summary><c>#r "nuget:..."</c> directives in source order.</summary>
    public IReadOnlyList<PackageReferenceDirective> Packages { get; init; } = Array.Empty<PackageReferenceDirective>();

    /// <summary><c>#i "nuget:..."</c> package sources in source order, as written.</summary>
    public IReadOnlyList<string> PackageSources { get; init; } = Array.Empty<string>();

    /// <summary>True when the cell has <c>#!time</c>: its wall time is printed after it runs.</summary>
    public bool Time { get; init; }

    /// <summary>When set, the cell fails with this diagnostic before running (e.g. an unknown magic command).</summary>
    public SubmissionError? Error { get; init; }
}

/// <summary>A directive-level failure: a diagnostic line (<c>(line,col): error CODE: message</c>) and the error value.</summary>
internal sealed record SubmissionError(string Diagnostic, string Message);
