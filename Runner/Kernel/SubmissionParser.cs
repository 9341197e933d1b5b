using System.Text;
using System.Text.RegularExpressions;

namespace RnnToolkit.Runner.Kernel;

/// <summary>
/// Reads a cell's kernel selectors (<c>#!csharp</c>, <c>#!markdown</c>, ...), magic commands and NuGet directives
/// the way .NET Interactive does, leaving the C# code for Roslyn.
/// </summary>
internal static partial class SubmissionParser
{
    private static readonly HashSet<string> CSharpNames = new(StringComparer.Ordinal) { "csharp", "c#", "C#" };
    private static readonly HashSet<string> SkippedNames = new(StringComparer.Ordinal) { "markdown", "md" };
    private static readonly HashSet<string> OtherKernelNames = new(StringComparer.Ordinal)
    {
        "fsharp", "f#", "F#", "pwsh", "powershell", "javascript", "js", "html", "mermaid", "sql", "kql", "value",
        "http", "python", "r",
    };
    private static readonly HashSet<string> UnsupportedMagics = new(StringComparer.Ordinal)
    {
        "about", "lsmagic", "who", "whos", "set", "share", "connect", "import", "log", "!",
    };

    [GeneratedRegex("""^\s*#r\s+"\s*nuget\s*:\s*(?<name>[^,"]*?)\s*(,\s*(?<version>[^"]*?)\s*)?"\s*(//.*)?$""", RegexOptions.CultureInvariant)]
    private static partial Regex NuGetReference();

    [GeneratedRegex("""^\s*#i\s+"\s*nuget\s*:\s*(?<source>[^"]*?)\s*"\s*(//.*)?$""", RegexOptions.CultureInvariant)]
    private static partial Regex NuGetSource();

    [GeneratedRegex("""^\s*#!(?<name>\S*)""", RegexOptions.CultureInvariant)]
    private static partial Regex Magic();

    /// <summary>Parses a code cell's source.</summary>
    public static Submission Parse(string source)
    {
        var lines = source.Replace("\r\n", "\n").Split('\n');
        var code = new StringBuilder();
        var packages = new List<PackageReferenceDirective>();
        var sources = new List<string>();
        bool inCSharp = true, anyCSharp = false, anyOther = false, time = false;
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var keep = "";
            var magic = Magic().Match(line);
            if (magic.Success)
            {
                var name = magic.Groups["name"].Value;
                if (CSharpNames.Contains(name))
                {
                    inCSharp = true;
                }
                else if (SkippedNames.Contains(name))
                {
                    inCSharp = false;
                    anyOther = true;
                }
                else if (OtherKernelNames.Contains(name))
                {
                    return Fail(i, magic.Index + 1, "NI0002",
                        $"The runner executes only C# cells; kernel '#!{name}' is not available (use #!csharp).");
                }
                else if (inCSharp && name == "time")
                {
                    time = true;
                }
                else if (inCSharp && UnsupportedMagics.Contains(name))
                {
                    return Fail(i, magic.Index + 1, "NI0003", $"The magic command '#!{name}' is not supported by the runner.");
                }
                else if (inCSharp)
                {
                    return Fail(i, magic.Index + 1, "NI0001", "Unrecognized magic command", $"Unrecognized magic command: '#!{name}'");
                }
            }
            else if (inCSharp)
            {
                var nuget = NuGetReference().Match(line);
                var nugetSource = NuGetSource().Match(line);
                if (nuget.Success)
                {
                    var name = nuget.Groups["name"].Value;
                    if (name.Length == 0)
                        return Fail(i, 1, "NI0004", "Expected a package name in #r \"nuget: Name, Version\", got none.");
                    var version = nuget.Groups["version"].Success && nuget.Groups["version"].Value.Length > 0
                        ? nuget.Groups["version"].Value
                        : null;
                    packages.Add(new PackageReferenceDirective(name, version));
                }
                else if (nugetSource.Success)
                {
                    if (nugetSource.Groups["source"].Value.Length == 0)
                        return Fail(i, 1, "NI0005", "Expected a folder or feed URL in #i \"nuget: source\", got none.");
                    sources.Add(nugetSource.Groups["source"].Value);
                }
                else
                {
                    keep = line;
                    if (line.Trim().Length > 0) anyCSharp = true;
                }
            }
            else
            {
                // Part of a non-C# section (markdown): not compiled.
            }
            code.Append(keep);
            if (i < lines.Length - 1) code.Append('\n');
        }
        return new Submission
        {
            Code = anyCSharp ? code.ToString() : "",
            Skip = !anyCSharp && anyOther && packages.Count == 0 && sources.Count == 0,
            Packages = packages,
            PackageSources = sources,
            Time = time,
        };
    }

    private static Submission Fail(int line, int column, string code, string message, string? value = null) => new()
    {
        Error = new SubmissionError($"({line + 1},{column}): error {code}: {message}", value ?? message),
    };
}
