using RnnToolkit.Runner.Cli;
using RnnToolkit.Runner.Tests.Support;
using static RnnToolkit.Runner.Tests.Support.TestNotebook;

namespace RnnToolkit.Runner.Tests;

public class CommandLineTests
{
    static async Task<(int Code, string Out, string Err)> Cli(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await RunnerCommandLine.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Passing_notebook_exits_0_and_failing_notebook_exits_1()
    {
        using var folder = new TempFolder();
        var ok = Write(folder.File("ok.ipynb"), Code("Console.WriteLine(1);"));
        var bad = Write(folder.File("bad.ipynb"), Code("throw new Exception(\"nope\");"));
        var (okCode, okOut, _) = await Cli(ok, folder.File("ok.out.ipynb"));
        Assert.Equal(ExitCodes.Success, okCode);
        Assert.Contains("ok.ipynb", okOut);
        Assert.Contains("passed", okOut);
        var (badCode, badOut, badErr) = await Cli(bad, folder.File("bad.out.ipynb"));
        Assert.Equal(ExitCodes.CellFailed, badCode);
        Assert.Contains("failed", badOut);
        Assert.Contains("In [1]", badOut);
        Assert.Contains("nope", badErr);
        Nbformat.AssertValid(folder.File("bad.out.ipynb"));
    }

    [Theory]
    [InlineData(new string[0], "input")]
    [InlineData(new[] { "{nb}", "-p", "onlyname" }, "-p")]
    [InlineData(new[] { "{nb}", "--execution-timeout", "-5" }, "--execution-timeout must be a positive number of seconds; got -5")]
    [InlineData(new[] { "{nb}", "--execution-timeout", "soon" }, "soon")]
    [InlineData(new[] { "{nb}", "-p", "1bad", "2" }, "must be a C# identifier")]
    [InlineData(new[] { "{dir}/missing.ipynb" }, "does not exist: expected a notebook file or a folder of notebooks")]
    [InlineData(new[] { "{nb}", "--cwd", "{dir}/nowhere" }, "--cwd folder")]
    [InlineData(new[] { "{nb}", "-y", "[1, 2]" }, "expected a YAML mapping of parameter names to values, got a sequence")]
    [InlineData(new[] { "{nb}", "--bogus" }, "--bogus")]
    public async Task Bad_usage_exits_2_with_a_clear_message(string[] args, string expected)
    {
        using var folder = new TempFolder();
        var nb = Write(folder.File("nb.ipynb"), Code("1"));
        var resolved = args.Select(a => a.Replace("{nb}", nb).Replace("{dir}", folder.Path)).ToArray();
        var (code, _, err) = await Cli(resolved);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains(expected, err);
    }

    [Fact]
    public async Task Unreadable_notebook_exits_2()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("broken.ipynb"), "[]");
        var (code, _, err) = await Cli(folder.File("broken.ipynb"));
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("expected a JSON object with \"cells\", got an array", err);
    }

    [Fact]
    public async Task Parameters_from_p_r_y_and_f_are_converted_and_merged()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("params.yaml"), "fromFile: 1.5\nname: file\nlist: [1, 2]\nquoted: '12'\n");
        var nb = Write(folder.File("nb.ipynb"),
            Code("// defaults", "parameters"),
            Code("$\"{fromFile.GetType().Name}:{fromFile}|{name}|{list.Length}|{quoted.GetType().Name}|{count.GetType().Name}:{count}|{neg}|{rate}|{raw.GetType().Name}:{raw}|{yes}|{text}\""));
        var (code, _, err) = await Cli(nb, folder.File("out.ipynb"),
            "-f", folder.File("params.yaml"), "-y", "name: yaml\nyes: true",
            "-p", "count", "3", "-p", "neg", "-3", "-p", "rate", "0.25", "-r", "raw", "42", "-p", "text", "hello world");
        Assert.True(code == 0, err);
        var result = Text(Run.OutputsOf(Read(folder.File("out.ipynb")), "fromFile.GetType")[0]!["data"]!["text/plain"]);
        Assert.Equal("Double:1.5|yaml|2|String|Int32:3|-3|0.25|String:42|True|hello world", result);
    }

    [Theory]
    [InlineData("True", true)]
    [InlineData("false", false)]
    [InlineData("TRUE", true)]
    [InlineData("None", null)]
    [InlineData("none", "none")]                      // only papermill's exact None is null
    [InlineData("7", 7L)]
    [InlineData("-12", -12L)]
    [InlineData("3000000000", 3000000000L)]
    [InlineData("1e-3", 0.001)]
    [InlineData("0.5", 0.5)]
    [InlineData("1.2.3", "1.2.3")]
    [InlineData("", "")]
    public void P_values_are_typed_as_papermill_types_them(string given, object? expected) =>
        Assert.Equal(expected, ParameterValues.Resolve(given));

    [Fact]
    public async Task R_wins_over_p_and_p_over_y_for_the_same_name_and_none_injects_null()
    {
        using var folder = new TempFolder();
        var nb = Write(folder.File("nb.ipynb"),
            Code("// defaults", "parameters"),
            Code("$\"{a.GetType().Name}:{a}|{b.GetType().Name}:{b}|{(c is null ? \"null\" : \"set\")}\""));
        var (code, _, err) = await Cli(nb, folder.File("out.ipynb"), "-y", "a: 1\nb: 2", "-r", "a", "5", "-p", "a", "6", "-p", "b", "3", "-p", "c", "None");
        Assert.True(code == 0, err);
        var result = Text(Run.OutputsOf(Read(folder.File("out.ipynb")), "a.GetType")[0]!["data"]!["text/plain"]);
        Assert.Equal("String:5|Int32:3|null", result);
    }

    [Fact]
    public async Task Formatters_registered_by_one_notebook_are_gone_in_the_next_of_a_folder_run()
    {
        using var folder = new TempFolder();
        var input = Directory.CreateDirectory(folder.File("notebooks")).FullName;
        Write(Path.Combine(input, "a.ipynb"), Code("using Microsoft.DotNet.Interactive.Formatting;\nFormatter.Register<int>(i => $\"<b>custom {i}</b>\", \"text/html\");\n41"));
        Write(Path.Combine(input, "b.ipynb"), Code("42"));
        var output = folder.File("executed");
        var (code, _, err) = await Cli(input, output);
        Assert.True(code == 0, err);
        Assert.Equal("<b>custom 41</b>", Text(Run.OutputsOf(Read(Path.Combine(output, "a.ipynb")), "41")[0]!["data"]!["text/html"]));
        Assert.DoesNotContain("custom", Text(Run.OutputsOf(Read(Path.Combine(output, "b.ipynb")), "42")[0]!["data"]!["text/html"]));
    }

    [Fact]
    public async Task Folder_input_runs_every_notebook_sorted_continues_past_failures_and_prints_a_summary()
    {
        using var folder = new TempFolder();
        var input = Directory.CreateDirectory(folder.File("notebooks")).FullName;
        Write(Path.Combine(input, "b_fails.ipynb"), Code("var a = 1;"), Code("throw new Exception(\"b broke\");"));
        Write(Path.Combine(input, "a_passes.ipynb"), Code("1"));
        Write(Path.Combine(input, "c_passes.ipynb"), Code("2"));
        File.WriteAllText(Path.Combine(input, "notes.txt"), "not a notebook");
        var output = folder.File("executed");
        var (code, stdout, _) = await Cli(input, output, "--html");
        Assert.Equal(ExitCodes.CellFailed, code);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("Notebook", lines[0]);
        Assert.Contains("Failing cell", lines[0]);
        Assert.StartsWith("a_passes.ipynb", lines[2]);
        Assert.StartsWith("b_fails.ipynb", lines[3]);
        Assert.Contains("failed", lines[3]);
        Assert.Contains("In [2] throw new Exception(\"b broke\"); (System.Exception)", lines[3]);
        Assert.StartsWith("c_passes.ipynb", lines[4]);
        Assert.Contains("passed", lines[4]);
        Assert.Equal("2/3 notebooks passed", lines[5]);
        foreach (var name in new[] { "a_passes", "b_fails", "c_passes" })
        {
            Nbformat.AssertValid(Path.Combine(output, name + ".ipynb"));
            Assert.True(File.Exists(Path.Combine(output, name + ".html")));
        }
    }

    [Fact]
    public async Task Relative_output_folder_receives_the_html_reports_too()
    {
        using var folder = new TempFolder();
        var input = Directory.CreateDirectory(folder.File("notebooks")).FullName;
        Write(Path.Combine(input, "a.ipynb"), Code("1"));
        // A child process with its own working folder: the test host's current folder is shared by tests running in parallel.
        var result = await RunnerLauncher.RunAsync(["notebooks", "executed", "--html"], TimeSpan.FromMinutes(2),
            workingDirectory: folder.Path);
        Assert.True(result.ExitCode == ExitCodes.Success, result.StandardError);
        Assert.True(File.Exists(folder.File(Path.Combine("executed", "a.ipynb"))));
        Assert.True(File.Exists(folder.File(Path.Combine("executed", "a.html"))), "the report goes beside the executed notebook");
        Assert.False(Directory.Exists(Path.Combine(input, "executed")), "nothing is written under the notebook's folder");
    }

    [Fact]
    public async Task Timeout_option_exits_1()
    {
        using var folder = new TempFolder();
        var nb = Write(folder.File("slow.ipynb"), Code("await Task.Delay(20000);"));
        var (code, stdout, _) = await Cli(nb, folder.File("out.ipynb"), "--execution-timeout", "1");
        Assert.Equal(ExitCodes.CellFailed, code);
        Assert.Contains("timed out", stdout);
    }

    [Fact]
    public async Task Cwd_option_sets_the_working_folder_and_log_output_echoes_outputs()
    {
        using var folder = new TempFolder();
        var data = Directory.CreateDirectory(folder.File("data")).FullName;
        File.WriteAllText(Path.Combine(data, "value.txt"), "seven");
        var nb = Write(folder.File("nb.ipynb"), Code("Console.WriteLine(System.IO.File.ReadAllText(\"value.txt\"));"));
        var (code, _, err) = await Cli(nb, folder.File("out.ipynb"), "--cwd", data, "--log-output");
        Assert.True(code == 0, err);
        Assert.Contains("seven", err);
        Assert.Contains("seven", Text(Run.OutputsOf(Read(folder.File("out.ipynb")), "value.txt")[0]!["text"]));
    }

    [Fact]
    public async Task Prepare_only_flag_injects_parameters_and_writes_the_notebook_without_running_it()
    {
        using var folder = new TempFolder();
        var marker = folder.File("ran.txt");
        // Run, this notebook would write a file and then fail.
        var nb = Write(folder.File("nb.ipynb"),
            Code("var flag = false;", "parameters"),
            Code($"System.IO.File.WriteAllText({Papermill.CSharpParameterTranslator.StringLiteral(marker)}, \"x\");"),
            Code("throw new Exception(\"would fail\");"));
        var (code, stdout, err) = await Cli(nb, folder.File("out.ipynb"), "--prepare-only", "-p", "flag", "True", "-p", "nothing", "None");
        Assert.True(code == ExitCodes.Success, err);
        Assert.Contains("| prepared |", stdout);           // the summary row's status (a run would say passed or failed)
        Assert.False(File.Exists(marker), "a cell ran");
        var cells = Cells(Read(folder.File("out.ipynb")));
        Assert.Equal(4, cells.Count);
        var injected = cells[1]!;
        Assert.Contains("injected-parameters", injected["metadata"]!["tags"]!.AsArray().Select(t => (string)t!));
        var source = Text(injected["source"]);
        Assert.Contains("var flag = true;", source);        // -p True: a bool, not the string "True"
        Assert.Contains("object nothing = null;", source);  // -p None: null
        Assert.All(cells, c => Assert.Empty(c!["outputs"]!.AsArray()));
        Assert.All(cells, c => Assert.Null(c!["execution_count"]?.GetValue<int?>()));
        Assert.All(cells, c => Assert.Null(c!["metadata"]!["jupyter"]));    // no --report-mode: inputs shown
        Nbformat.AssertValid(folder.File("out.ipynb"));

        // The same without the flag runs: the file is written and the notebook fails.
        var (runCode, runOut, _) = await Cli(nb, folder.File("run.ipynb"), "-p", "flag", "True");
        Assert.Equal(ExitCodes.CellFailed, runCode);
        Assert.Contains("failed", runOut);
        Assert.True(File.Exists(marker));
    }

    [Fact]
    public async Task Report_mode_flag_hides_code_inputs_of_an_executed_notebook()
    {
        using var folder = new TempFolder();
        var nb = Write(folder.File("nb.ipynb"), Markdown("# Title"), Code("var n = 1;", "parameters"), Code("Console.WriteLine(n * 10);"));
        var (code, _, err) = await Cli(nb, folder.File("out.ipynb"), "--report-mode", "-p", "n", "4");
        Assert.True(code == ExitCodes.Success, err);
        var output = Read(folder.File("out.ipynb"));
        var cells = Cells(output);
        Assert.Equal(["markdown", "code", "code", "code"], cells.Select(c => (string)c!["cell_type"]!).ToArray());
        Assert.Null(cells[0]!["metadata"]!["jupyter"]);                                    // markdown stays visible
        Assert.All(cells.Skip(1), c => Assert.True((bool)c!["metadata"]!["jupyter"]!["source_hidden"]!));
        // The cells ran: the injected n = 4 reached the output, which is kept.
        Assert.Equal("40\n", Text(Run.OutputsOf(output, "n * 10")[0]!["text"]));
        Assert.All(cells.Skip(1), c => Assert.NotNull(c!["execution_count"]?.GetValue<int?>()));

        // Without the flag no input is hidden.
        var (plainCode, _, plainErr) = await Cli(nb, folder.File("plain.ipynb"), "-p", "n", "4");
        Assert.True(plainCode == ExitCodes.Success, plainErr);
        Assert.All(Cells(Read(folder.File("plain.ipynb"))), c => Assert.Null(c!["metadata"]!["jupyter"]));
    }
}
