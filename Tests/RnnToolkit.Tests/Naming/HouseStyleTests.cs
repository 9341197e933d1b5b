using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace RnnToolkit.Tests.Naming;

/// <summary>
/// The house style that .editorconfig cannot express (IDE1006 cannot tell a math name such as <c>W_hh</c> from a
/// prefix): no field is named with a leading underscore, and every test method is a sentence in snake_case (its name
/// has words joined by underscores, as <c>Stateful_pieces_equal_the_whole_sequence</c>). Explicit default modifiers
/// (<c>private</c>, <c>internal</c> on types) are refused by the build itself (IDE0040 in .editorconfig). Reads the
/// repository's sources with Roslyn's parser.
/// </summary>
public class HouseStyleTests
{
    static readonly string Root = FindRoot();

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "toolkit.sln")))
                return dir.FullName;
        throw new DirectoryNotFoundException($"no toolkit.sln above {AppContext.BaseDirectory}");
    }

    static IEnumerable<(string File, SyntaxNode Root)> Sources(params string[] folders) =>
        folders.SelectMany(f => Directory.EnumerateFiles(Path.Combine(Root, f), "*.cs", SearchOption.AllDirectories))
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .Select(p => (Path.GetRelativePath(Root, p), CSharpSyntaxTree.ParseText(File.ReadAllText(p)).GetRoot()));

    static readonly string[] Code = ["Toolkit", "Runner", "Formatters", "Shared", "Bench", "Tests"];

    [Fact]
    public void No_field_is_named_with_a_leading_underscore()
    {
        var offenders = Sources(Code)
            .SelectMany(s => s.Root.DescendantNodes().OfType<FieldDeclarationSyntax>()
                .SelectMany(f => f.Declaration.Variables)
                .Where(v => v.Identifier.ValueText.StartsWith('_'))
                .Select(v => $"{s.File}:{v.GetLocation().GetLineSpan().StartLinePosition.Line + 1} {v.Identifier.ValueText}"))
            .ToList();
        Assert.True(offenders.Count == 0, "fields named _x (the house style has no prefix):\n" + string.Join("\n", offenders));
    }

    [Fact]
    public void Every_test_method_is_named_as_a_snake_case_sentence()
    {
        var tests = Sources("Tests")
            .SelectMany(s => s.Root.DescendantNodes().OfType<MethodDeclarationSyntax>()
                .Where(m => m.AttributeLists.SelectMany(a => a.Attributes).Any(a => a.Name.ToString() is "Fact" or "Theory" or "Xunit.Fact" or "Xunit.Theory"))
                .Select(m => (s.File, Name: m.Identifier.ValueText)))
            .ToList();
        Assert.True(tests.Count > 400, $"found only {tests.Count} test methods: the parser missed the test sources");
        var offenders = tests.Where(t => !t.Name.Contains('_')).Select(t => $"{t.File}: {t.Name}").ToList();
        Assert.True(offenders.Count == 0, $"{offenders.Count} test methods not in snake_case (words joined by underscores):\n" + string.Join("\n", offenders));
    }
}
