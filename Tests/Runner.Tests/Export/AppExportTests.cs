using System.Text.Json.Nodes;
using RnnToolkit.Runner.Cli;
using RnnToolkit.Runner.Export;
using RnnToolkit.Runner.Notebooks;
using RnnToolkit.Runner.Tests.Support;

namespace RnnToolkit.Runner.Tests.Export;

/// <summary>Each translation rule and each error of <c>export --to app</c> (notebook → .NET file-based app).</summary>
public sealed class AppExportTests : IDisposable
{
    readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    static string App(params JsonObject[] cells) =>
        NotebookAppWriter.Write(NotebookDocument.Parse(TestNotebook.Create(cells).ToJsonString()), "nb").Text;

    static AppExportException Fails(params JsonObject[] cells) =>
        Assert.Throws<AppExportException>(() => App(cells));

    static int At(string text, string part)
    {
        var index = text.IndexOf(part, StringComparison.Ordinal);
        Assert.True(index >= 0, $"`{part}` not in:\n{text}");
        return index;
    }

    [Fact]
    public void Nuget_references_become_package_directives_and_stay_as_comments()
    {
        var app = App(TestNotebook.Code("#r \"nuget: RnnToolkit, 0.1.0\"\n#r \"nuget: Markdig\"\nvar x = 1;"));
        Assert.StartsWith("// nb: the notebook nb.ipynb", app);
        Assert.Contains("\n#:package RnnToolkit@0.1.0\n", app);
        Assert.Contains("\n#:package Markdig@*\n", app);
        Assert.Contains("\n#:package RnnToolkit.Formatters@", app);          // the host, added as the notebook does not reference it
        Assert.Contains("// #r \"nuget: RnnToolkit, 0.1.0\"   (the app's #:package directive)", app);
        Assert.True(At(app, "#:package") < At(app, "using System;"));
    }

    [Fact]
    public void Using_directives_are_hoisted_to_the_top_and_deduplicated()
    {
        var app = App(TestNotebook.Code("var a = 1;"), TestNotebook.Code("using System.Text;\nusing TorchSharp;\nvar b = 2;"), TestNotebook.Code("using TorchSharp;\nusing static System.Math;\nvar c = Abs(-1);"));
        Assert.Equal(1, app.Split("using TorchSharp;").Length - 1);
        Assert.Equal(1, app.Split("using System.Text;").Length - 1);
        Assert.True(At(app, "using static System.Math;") < At(app, "Notebook.Start(\"nb\");"));
        Assert.True(At(app, "Notebook.Start(\"nb\");") < At(app, "var a = 1;"));
    }

    [Fact]
    public void Cells_keep_their_order_each_opened_by_its_marker_and_cell_call()
    {
        var app = App(TestNotebook.Markdown("# Title\n\nText"), TestNotebook.Code("var a = 1;"), TestNotebook.Code("var b = a + 1;"));
        Assert.Contains("// ==== cell 0: markdown ====\n// # Title\n//\n// Text\n", app);
        Assert.Contains("// ==== cell 1: code ====\nNotebook.Cell(1);\nvar a = 1;\n", app);
        Assert.Contains("// ==== cell 2: code ====\nNotebook.Cell(2);\nvar b = a + 1;\n", app);
        Assert.True(At(app, "var b = a + 1;") < At(app, "Notebook.Finish();"));
    }

    [Fact]
    public void Type_declarations_move_after_the_top_level_statements()
    {
        var app = App(TestNotebook.Code("record Point(int X, int Y);\nvar p = new Point(1, 2);\nclass Box { public int V; }"), TestNotebook.Code("var q = new Box();"));
        Assert.True(At(app, "var q = new Box();") < At(app, "Notebook.Finish();"));
        Assert.True(At(app, "Notebook.Finish();") < At(app, "// ==== cell 0: types ===="));
        Assert.True(At(app, "// ==== cell 0: types ====") < At(app, "record Point(int X, int Y);"));
        Assert.True(At(app, "Notebook.Finish();") < At(app, "class Box { public int V; }"));
    }

    [Fact]
    public void A_trailing_expression_is_displayed_and_display_calls_stay()
    {
        var app = App(TestNotebook.Code("var xs = new[] { 1, 2 };\ndisplay(xs);\nxs.Select(x => x * 2).ToList()   // doubled"));
        Assert.Contains("display(xs);", app);
        Assert.Contains("display(xs.Select(x => x * 2).ToList());   // doubled", app);
        Assert.Contains("using static RnnToolkit.Formatting.NotebookAppDisplay;", app);
    }

    [Fact]
    public void The_parameters_cell_reads_the_command_line_with_the_notebooks_defaults()
    {
        var app = App(TestNotebook.Code("var seed = 42;         // the seed\ndouble rate = 1;\nvar name = \"x\";\nvar rates = new[] { 0.1, -0.2 };\nbool fast = false;", "parameters"),
            TestNotebook.Code("Console.WriteLine(seed);"));
        Assert.Contains("var notebookParameters = Notebook.Parameters(args, \"seed\", \"rate\", \"name\", \"rates\", \"fast\");", app);
        Assert.Contains("var seed = notebookParameters.Get(\"seed\", 42);         // the seed", app);
        Assert.Contains("double rate = notebookParameters.Get<double>(\"rate\", 1);", app);
        Assert.Contains("var name = notebookParameters.Get(\"name\", \"x\");", app);
        Assert.Contains("var rates = notebookParameters.Get(\"rates\", new[] { 0.1, -0.2 });", app);
        Assert.Contains("bool fast = notebookParameters.Get<bool>(\"fast\", false);", app);
    }

    [Fact]
    public void The_local_feed_cell_becomes_a_NuGet_config_naming_the_feed_relative_to_the_apps_folder()
    {
        var notebooks = Directory.CreateDirectory(temp.File("repo/notebooks")).FullName;
        var feed = Directory.CreateDirectory(temp.File("repo/artifacts/feed")).FullName;
        var nb = TestNotebook.Write(Path.Combine(notebooks, "nb.ipynb"),
            TestNotebook.Code("// tags: local-feed\nvar feed = \"x\";\nawait Microsoft.DotNet.Interactive.Kernel.Root.SendAsync(null!);", "local-feed"),
            TestNotebook.Code("#r \"nuget: RnnToolkit, 0.1.0\""));
        var written = AppExport.Export([nb], Path.Combine(notebooks, "apps"), feed);
        var config = File.ReadAllText(Path.Combine(notebooks, "apps", "NuGet.config"));
        Assert.Contains("<add key=\"rnntoolkit-local\" value=\"../../artifacts/feed\" />", config);
        var app = File.ReadAllText(Path.Combine(notebooks, "apps", "nb.cs"));
        Assert.DoesNotContain("Microsoft.DotNet.Interactive", app);
        Assert.Contains("this app gets it from the NuGet.config beside it", app);
        Assert.Contains(Path.Combine(notebooks, "apps", "Directory.Packages.props"), written);
        Assert.Contains("<ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>", File.ReadAllText(Path.Combine(notebooks, "apps", "Directory.Packages.props")));
        Assert.Empty(Directory.GetFiles(Path.Combine(notebooks, "apps"), "*.tmp"));
    }

    [Fact]
    public void No_NuGet_config_without_a_local_feed_cell()
    {
        var nb = TestNotebook.Write(temp.File("nb.ipynb"), TestNotebook.Code("var x = 1;"));
        AppExport.Export([nb], temp.File("apps"), temp.File("feed"));
        Assert.False(File.Exists(temp.File("apps/NuGet.config")));
        Assert.True(File.Exists(temp.File("apps/nb.cs")));
    }

    [Theory]
    [InlineData("#!time\nvar x = 1;", "line 1 `#!time`")]
    [InlineData("#i \"nuget:/feed\"", "line 1 `#i \"nuget:/feed\"`")]
    [InlineData("#r \"/lib/My.dll\"", "line 1 `#r \"/lib/My.dll\"`")]
    public void Kernel_directives_other_than_nuget_references_are_errors_naming_the_cell(string source, string expected)
    {
        var error = Fails(TestNotebook.Markdown("intro"), TestNotebook.Code(source));
        Assert.Contains("nb.ipynb, cell 1 (`", error.Message);
        Assert.Contains(expected, error.Message);
        Assert.Contains("expected only `#r \"nuget: Name, Version\"` directives", error.Message);
    }

    [Theory]
    [InlineData("var r = await Microsoft.DotNet.Interactive.Kernel.Root.SendAsync(null!);", "Microsoft.DotNet.Interactive.Kernel.Root.SendAsync")]
    [InlineData("Kernel.Root.ToString();", "Kernel.Root")]
    [InlineData("display(HTML(\"<b>x</b>\"));", "HTML(...)")]
    [InlineData("using Microsoft.DotNet.Interactive;\nvar x = 1;", "Microsoft.DotNet.Interactive")]
    public void Notebook_kernel_apis_are_errors_naming_the_cell(string source, string use)
    {
        var error = Fails(TestNotebook.Code(source));
        Assert.Contains("nb.ipynb, cell 0 (`", error.Message);
        Assert.Contains($"uses the notebook kernel's API (`{use}`)", error.Message);
    }

    [Fact]
    public void A_variable_redeclared_in_a_later_cell_is_an_error_naming_both_cells()
    {
        var error = Fails(TestNotebook.Code("var rows = 1;"), TestNotebook.Code("var other = 2;"), TestNotebook.Code("var rows = \"again\";"));
        Assert.Equal("nb.ipynb, cell 2 (`var rows = \"again\";`): declares `rows` again, which nb.ipynb, cell 0 (`var rows = 1;`) already declares: "
            + "a notebook may redeclare a variable in a later cell, a C# app (one scope for all top-level statements) may not; expected a new name.", error.Message);
    }

    [Theory]
    [InlineData("int.TryParse(\"1\", out var n);", "n")]
    [InlineData("var (a, b) = (1, 2);", "a")]
    [InlineData("int Square(int v) => v * v;", "Square")]
    public void Expression_variables_deconstructions_and_local_functions_count_as_declarations(string again, string name)
    {
        var error = Fails(TestNotebook.Code(again), TestNotebook.Code(again));
        Assert.Contains($"declares `{name}` again", error.Message);
    }

    [Fact]
    public void Variables_scoped_inside_statements_and_lambdas_are_not_top_level_declarations()
    {
        var app = App(TestNotebook.Code("if (\"1\" is string s) Console.WriteLine(s);\nFunc<int, int> f = x => x;"), TestNotebook.Code("if (\"2\" is string s) Console.WriteLine(s);\nFunc<int, int> g = x => x;"));
        Assert.Contains("Func<int, int> g = x => x;", app);
    }

    [Theory]
    [InlineData("var seed = 40 + 2;", "parameter `seed` = `40 + 2`: expected a literal value")]
    [InlineData("var seed = 42;\nConsole.WriteLine(seed);", "expected only declarations of one parameter each")]
    [InlineData("TimeSpan span = default;", "parameter `span` has type TimeSpan: expected one of int, long, double, float, decimal, bool, string")]
    [InlineData("int a = 1, b = 2;", "expected only declarations of one parameter each")]
    public void A_parameters_cell_the_command_line_cannot_set_is_an_error(string source, string expected)
    {
        var error = Fails(TestNotebook.Code(source, "parameters"));
        Assert.Contains("nb.ipynb, cell 0 (`", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void A_cell_that_does_not_parse_is_an_error_naming_the_cell_and_the_line()
    {
        var error = Fails(TestNotebook.Code("var ok = 1;\nvar x = (1;"));
        Assert.StartsWith("nb.ipynb, cell 0 (`var ok = 1;`): expected C# that compiles, got CS", error.Message);
        Assert.Contains("at line 2", error.Message);
    }

    [Fact]
    public void A_cell_for_another_kernel_is_an_error()
    {
        var cell = TestNotebook.Code("printfn \"x\"");
        cell["metadata"]!["polyglot_notebook"]!["kernelName"] = "fsharp";
        Assert.Contains("cell 0 (`printfn \"x\"`): expected a C# cell, got a cell for another kernel", Fails(cell).Message);
    }

    [Fact]
    public void A_package_referenced_with_two_versions_is_an_error()
    {
        var error = Fails(TestNotebook.Code("#r \"nuget: Markdig, 1.0.0\""), TestNotebook.Code("#r \"nuget: Markdig, 2.0.0\""));
        Assert.Equal("nb.ipynb: package Markdig is referenced with versions 1.0.0 and 2.0.0: expected one version.", error.Message);
    }

    [Fact]
    public void A_cell_declaring_a_name_the_app_uses_is_an_error()
    {
        Assert.Contains("declares `notebookParameters`, a name the exported app uses itself", Fails(TestNotebook.Code("var notebookParameters = 1;")).Message);
    }

    [Fact]
    public void A_notebook_that_cannot_be_exported_leaves_no_output_at_all()
    {
        var good = TestNotebook.Write(temp.File("a.ipynb"), TestNotebook.Code("var x = 1;"));
        var bad = TestNotebook.Write(temp.File("b.ipynb"), TestNotebook.Code("#!time\nvar y = 2;"));
        Assert.Throws<AppExportException>(() => AppExport.Export([good, bad], temp.File("apps"), temp.File("feed")));
        Assert.False(Directory.Exists(temp.File("apps")));
    }

    [Fact]
    public async Task The_export_command_writes_an_app_per_notebook_and_exits_0()
    {
        TestNotebook.Write(temp.File("a.ipynb"), TestNotebook.Code("var x = 1;\nx"));
        TestNotebook.Write(temp.File("b.ipynb"), TestNotebook.Markdown("# B"));
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var code = await RunnerCommandLine.RunAsync(["export", temp.Path, "--to", "app"], stdout, stderr);
        Assert.True(code == ExitCodes.Success, stderr.ToString());
        Assert.Contains("display(x);", File.ReadAllText(temp.File("apps/a.cs")));
        Assert.True(File.Exists(temp.File("apps/b.cs")));
        Assert.Contains("wrote ", stdout.ToString());
    }

    [Theory]
    [InlineData(new[] { "export", "NB", "--to", "html" }, "error: --to: expected app, got 'html'.")]
    [InlineData(new[] { "export", "missing.ipynb", "--to", "app" }, "error: input 'missing.ipynb' does not exist: expected a notebook file or a folder of notebooks.")]
    [InlineData(new[] { "export", "NB" }, "Option '--to' is required.")]
    [InlineData(new[] { "export", "BAD", "--to", "app" }, "error: b.ipynb, cell 0 (`#!time`): line 1 `#!time` is a notebook kernel directive")]
    public async Task The_export_command_reports_bad_usage_with_exit_code_2(string[] args, string expected)
    {
        var nb = TestNotebook.Write(temp.File("a.ipynb"), TestNotebook.Code("var x = 1;"));
        var bad = TestNotebook.Write(temp.File("b.ipynb"), TestNotebook.Code("#!time"));
        args = args.Select(a => a == "NB" ? nb : a == "BAD" ? bad : a).ToArray();
        var stderr = new StringWriter();
        Assert.Equal(ExitCodes.Usage, await RunnerCommandLine.RunAsync(args, new StringWriter(), stderr));
        Assert.Contains(expected, stderr.ToString());
        Assert.False(Directory.Exists(temp.File("apps")));
    }
}
