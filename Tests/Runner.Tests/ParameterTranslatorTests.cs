using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using RnnToolkit.Runner.Papermill;
using RnnToolkit.Runner.Tests.Support;
using static RnnToolkit.Runner.Tests.Support.TestNotebook;

namespace RnnToolkit.Runner.Tests;

public class ParameterTranslatorTests
{
    static readonly string[] Nasty =
    {
        "", "\"", "\\", "\\\"", "\"; System.Environment.Exit(3); var z = \"", "*/ Environment.Exit(4); /*", "#r \"nuget: Evil\"",
        "line1\nline2", "cr\rlf\r\n", "tab\t", "\0nul", "\u2028ls\u2029ps\u0085nel", "é ü 中文 ✓ 🙂", "\ud800 lone high",
        "lone low \udc00", "{0} {{}} $\"{x}\"", "@\"verbatim\"", "\"\"\"raw\"\"\"", "// comment", "\\u0022", "\u200b\u202e rtl", "\x7f\x01\x1b",
    };

    [Fact]
    public void Every_string_becomes_one_literal_token_with_exactly_that_value()
    {
        var random = new Random(12345);
        var alphabet = "\"\\/*#rn\n\r\t\0 '{}$@abc\u2028\u2029\u0085\u00a0é中\ud83d\ude42\ud800\udc00\x7f\x1b\u200b\ufeff".ToCharArray();
        var samples = Nasty.Concat(Enumerable.Range(0, 3000).Select(_ =>
        {
            var length = random.Next(0, 24);
            var chars = new char[length];
            for (int i = 0; i < length; i++)
                chars[i] = random.Next(4) == 0 ? (char)random.Next(0, 0x10000) : alphabet[random.Next(alphabet.Length)];
            return new string(chars);
        }));
        foreach (var s in samples)
        {
            var literal = CSharpParameterTranslator.StringLiteral(s);
            Assert.DoesNotContain('\n', literal);
            Assert.DoesNotContain('\r', literal);
            var statement = SyntaxFactory.ParseStatement("var p = " + literal + ";");
            Assert.Empty(statement.GetDiagnostics());
            var declaration = Assert.IsType<LocalDeclarationStatementSyntax>(statement);
            var value = Assert.IsType<LiteralExpressionSyntax>(declaration.Declaration.Variables.Single().Initializer!.Value);
            Assert.Equal(s, value.Token.ValueText);
            Assert.Equal(statement.ToFullString().Length, ("var p = " + literal + ";").Length);
        }
    }

    [Fact]
    public async Task Translated_cell_compiles_to_the_exact_values()
    {
        var parameters = Nasty.Select((s, i) => new KeyValuePair<string, object?>("s" + i, s)).ToList();
        parameters.Add(new("i", 42L));
        parameters.Add(new("l", long.MaxValue));
        parameters.Add(new("d", 1e-300));
        parameters.Add(new("whole", 3.0));
        parameters.Add(new("nan", double.NaN));
        parameters.Add(new("b", false));
        parameters.Add(new("n", null));
        parameters.Add(new("list", new List<object?> { 1L, 2L }));
        parameters.Add(new("mixed", new List<object?> { "a", 1L, null }));
        parameters.Add(new("map", new Dictionary<string, object?> { ["k\"ey"] = "v", ["n"] = 1.5 }));
        parameters.Add(new("class", "keyword name"));
        var code = CSharpParameterTranslator.Translate(parameters);
        var check = string.Join(",", Nasty.Select((_, i) => "s" + i)) ;
        var script = code + "\nnew object[] { " + check + ", i, l, d, whole, nan, b, n, list, mixed, map, @class }";
        var values = (object[])(await CSharpScript.EvaluateAsync(script))!;
        for (int i = 0; i < Nasty.Length; i++) Assert.Equal(Nasty[i], values[i]);
        var rest = values.Skip(Nasty.Length).ToArray();
        Assert.Equal(42, rest[0]);
        Assert.Equal(long.MaxValue, rest[1]);
        Assert.Equal(1e-300, rest[2]);
        Assert.Equal(3.0, rest[3]);
        Assert.True(double.IsNaN((double)rest[4]));
        Assert.Equal(false, rest[5]);
        Assert.Null(rest[6]);
        Assert.Equal(new[] { 1, 2 }, rest[7]);
        Assert.Equal(new object?[] { "a", 1, null }, rest[8]);
        var map = Assert.IsType<Dictionary<string, object>>(rest[9]);
        Assert.Equal("v", map["k\"ey"]);
        Assert.Equal(1.5, map["n"]);
        Assert.Equal("keyword name", rest[10]);
    }

    [Theory]
    [InlineData("1abc")]
    [InlineData("a b")]
    [InlineData("x;Evil()")]
    [InlineData("")]
    public void Invalid_parameter_names_are_rejected(string name)
    {
        var e = Assert.Throws<ArgumentException>(() => CSharpParameterTranslator.Translate(new[] { new KeyValuePair<string, object?>(name, 1L) }));
        Assert.Contains("must be a C# identifier", e.Message);
        Assert.Contains($"got '{name}'", e.Message);
    }

    [Fact]
    public async Task Nasty_string_parameters_reach_the_notebook_unchanged()
    {
        using var folder = new TempFolder();
        var options = new RunnerOptions();
        for (int i = 0; i < Nasty.Length; i++) options.Parameters.Add(new("p" + i, Nasty[i]));
        var names = string.Join(", ", Nasty.Select((_, i) => "p" + i));
        var (result, output) = await Run.NotebookAsync(folder, options,
            Code("// defaults", "parameters"),
            Code("var all = new[] { " + names + " };\nstring.Join(\"|\", all.Select(s => s.Length))"));
        Assert.True(result.Succeeded, result.FailedCell?.ErrorMessage);
        Assert.Equal(string.Join("|", Nasty.Select(s => s.Length)), Text(Run.OutputsOf(output, "all.Select")[0]!["data"]!["text/plain"]));
        Nbformat.AssertValid(folder.File("out.ipynb"));
    }
}
