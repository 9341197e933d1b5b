using System.Text.Json.Nodes;
using RnnToolkit.Runner.Kernel;
using RnnToolkit.Runner.Tests.Support;
using static RnnToolkit.Runner.Tests.Support.TestNotebook;

namespace RnnToolkit.Runner.Tests;

public class KernelSemanticsTests
{
    [Fact]
    public async Task Display_handles_that_were_published_update_in_place_and_the_kernels_display_return_value_does_not()
    {
        // The 1.0.712001 kernel's display(x) publishes one DisplayedValue and returns another (a different display id),
        // so display(x).Update(y) changes nothing in the notebook; the value published through the invocation context
        // (what RnnToolkit.Formatting.NotebookDisplay.Show returns) updates in place, also from a later cell.
        using var folder = new TempFolder();
        var (result, output) = await Run.NotebookAsync(folder, null,
            Code("var k = display(\"kernel 0\");\nk.Update(\"kernel 1\");"),
            Code("var d = Microsoft.DotNet.Interactive.KernelInvocationContextExtensions.Display(Microsoft.DotNet.Interactive.KernelInvocationContext.Current, \"step 0\");\nfor (int i = 1; i <= 3; i++) d.Update($\"step {i}\");\nd.DisplayId"),
            Code("d.Update(\"from a later cell\"); // later"));
        Assert.True(result.Succeeded, result.FailedCell?.ErrorMessage);
        Assert.Equal("kernel 0", Text(Run.OutputsOf(output, "kernel 0").Single()!["data"]!["text/plain"]));
        var outputs = Run.OutputsOf(output, "var d =");
        Assert.Equal(2, outputs.Count);
        Assert.Equal("display_data", (string)outputs[0]!["output_type"]!);
        Assert.Equal("from a later cell", Text(outputs[0]!["data"]!["text/plain"]));
        Assert.Equal("execute_result", (string)outputs[1]!["output_type"]!);
        Assert.Empty(Run.OutputsOf(output, "// later"));
    }

    [Fact]
    public async Task Trailing_expression_is_an_execute_result_with_the_execution_count()
    {
        using var folder = new TempFolder();
        var (result, output) = await Run.NotebookAsync(folder, null,
            Code("var x = 20;"),
            Code("x + 22"),
            Code("\"a string\""),
            Code("Console.WriteLine(\"void call, no result\")"),
            Code("display(1)"),
            Code("var z = x;"));
        Assert.True(result.Succeeded, result.FailedCell?.ErrorMessage);
        var number = Run.OutputsOf(output, "x + 22").Single()!.AsObject();
        Assert.Equal("execute_result", (string)number["output_type"]!);
        Assert.Equal(2, (int)number["execution_count"]!);
        Assert.Contains("<pre>42</pre>", Text(number["data"]!["text/html"]));
        var text = Run.OutputsOf(output, "\"a string\"").Single()!;
        Assert.Equal("a string", Text(text["data"]!["text/plain"]));
        var voidCall = Run.OutputsOf(output, "void call").Single()!;
        Assert.Equal("stream", (string)voidCall["output_type"]!);
        // A DisplayedValue returned by the cell is not shown again.
        Assert.Equal("display_data", (string)Run.OutputsOf(output, "display(1)").Single()!["output_type"]!);
        Assert.Empty(Run.OutputsOf(output, "var z = x;"));
    }

    [Fact]
    public async Task Console_output_becomes_stdout_and_stderr_streams_in_order()
    {
        using var folder = new TempFolder();
        var (result, output) = await Run.NotebookAsync(folder, null,
            Code("Console.Write(\"a\");\nConsole.WriteLine(\"b\");\nConsole.Error.WriteLine(\"oops\");\nawait Task.Run(() => Console.WriteLine(\"from a task\"));"));
        Assert.True(result.Succeeded, result.FailedCell?.ErrorMessage);
        var outputs = Run.OutputsOf(output, "Console.Write(");
        Assert.Equal(3, outputs.Count);
        Assert.Equal(("stdout", "ab\n"), ((string)outputs[0]!["name"]!, Text(outputs[0]!["text"])));
        Assert.Equal(("stderr", "oops\n"), ((string)outputs[1]!["name"]!, Text(outputs[1]!["text"])));
        Assert.Equal(("stdout", "from a task\n"), ((string)outputs[2]!["name"]!, Text(outputs[2]!["text"])));
    }

    [Fact]
    public async Task Compile_error_gives_diagnostics_on_stderr_and_a_compilation_error()
    {
        using var folder = new TempFolder();
        var (result, output) = await Run.NotebookAsync(folder, null,
            Code("var fine = 1;"),
            Code("var y = undefinedName;"),
            Code("fine"));
        Assert.False(result.Succeeded);
        var outputs = Run.OutputsOf(output, "undefinedName");
        Assert.Equal(2, outputs.Count);
        Assert.Equal("stderr", (string)outputs[0]!["name"]!);
        Assert.Contains("(1,9): error CS0103: The name 'undefinedName' does not exist in the current context", Text(outputs[0]!["text"]));
        Assert.Equal("error", (string)outputs[1]!["output_type"]!);
        Assert.Equal("Error", (string)outputs[1]!["ename"]!);
        Assert.Equal("compilation error", (string)outputs[1]!["evalue"]!);
        Assert.Equal(CellStatus.Failed, result.FailedCell!.Status);
        Assert.Equal("(1,9): error CS0103: The name 'undefinedName' does not exist in the current context", result.FailedCell.ErrorMessage);
        // Execution stopped: the last cell did not run.
        Assert.Null(result.Cells.Single(c => c.Source == "fine").ExecutionCount);
    }

    [Fact]
    public async Task Runtime_error_output_has_exception_text_and_stack_lines()
    {
        using var folder = new TempFolder();
        var (result, output) = await Run.NotebookAsync(folder, null,
            Code("void Fail() => throw new InvalidOperationException(\"boom\");\nFail();"));
        Assert.False(result.Succeeded);
        var error = Run.OutputsOf(output, "Fail();").Single()!;
        Assert.Equal("error", (string)error["output_type"]!);
        Assert.StartsWith("System.InvalidOperationException: boom", (string)error["evalue"]!);
        var traceback = error["traceback"]!.AsArray().Select(t => (string)t!).ToList();
        Assert.StartsWith("System.InvalidOperationException: boom", traceback[0]);
        Assert.Contains(traceback.Skip(1), line => line.Contains("Fail()"));
        Assert.Equal("System.InvalidOperationException", result.FailedCell!.ErrorName);
        Assert.Equal("boom", result.FailedCell.ErrorMessage);
    }

    [Fact]
    public async Task Warnings_are_written_to_stderr_and_the_cell_still_runs()
    {
        using var folder = new TempFolder();
        var (result, output) = await Run.NotebookAsync(folder, null,
            Code("#warning careful here\n21 * 2"));
        Assert.True(result.Succeeded, result.FailedCell?.ErrorMessage);
        var outputs = Run.OutputsOf(output, "#warning");
        Assert.Equal("stderr", (string)outputs[0]!["name"]!);
        Assert.Contains("warning CS1030: #warning: 'careful here'", Text(outputs[0]!["text"]));
        Assert.Equal("execute_result", (string)outputs[1]!["output_type"]!);
    }

    [Fact]
    public async Task Session_keeps_state_after_runtime_errors_but_not_after_compile_errors()
    {
        using var kernel = NotebookKernel.Create();
        var sink = new OutputSink(new object(), null);
        var outputs = new JsonArray();
        sink.BeginCell(outputs, 1);
        async Task<CellStatus> RunCell(string code) => (await kernel.SubmitAsync(code, sink, CancellationToken.None)).Status;

        Assert.Equal(CellStatus.Completed, await RunCell("var a = 1;"));
        Assert.Equal(CellStatus.Failed, await RunCell("var a = \"text\"; var b = 2; nonsense();"));
        Assert.Equal(CellStatus.Failed, await RunCell("var c = 5; throw new Exception(\"after c\");"));
        outputs.Clear();
        Assert.Equal(CellStatus.Completed, await RunCell("a + c"));
        Assert.Contains("<pre>6</pre>", (string)outputs.Single()!["data"]!["text/html"]!);
        Assert.Equal(CellStatus.Failed, await RunCell("b"));
    }

    [Fact]
    public async Task Kernel_helpers_html_css_javascript_and_display_extensions()
    {
        using var folder = new TempFolder();
        var (result, output) = await Run.NotebookAsync(folder, null,
            Code("using static Microsoft.DotNet.Interactive.Kernel;\nHTML(\"<b>bold</b>\")"),
            Code("CSS(\"h1 { color: red; }\");\nJavascript(\"console.log(1)\");\n\"<svg></svg>\".DisplayAs(\"image/svg+xml\");\nnew[] { 1, 2 }.Display(\"text/plain\");\nnew[] { new { Name = \"row1\", Size = 3 } }.DisplayTable();"));
        Assert.True(result.Succeeded, result.FailedCell?.ErrorMessage);
        // The kernel also reports CS1701 (its Microsoft.DotNet.Interactive references Html.Abstractions 2.3 and the host
        // runs 10.0) on stderr, as the 1.0.712001 tool does under Jupyter; the value is the execute_result.
        var html = Run.OutputsOf(output, "HTML(").Single(o => (string)o!["output_type"]! == "execute_result")!;
        Assert.Equal("<b>bold</b>", Text(html["data"]!["text/html"]));
        var shown = Run.OutputsOf(output, "CSS(");
        Assert.Equal(5, shown.Count);
        var table = Text(shown[4]!["data"]!["text/html"]);
        Assert.Contains("<table", table);
        Assert.Contains("row1", table);
        Assert.Contains("Size", table);
        Assert.Contains("<script", Text(shown[0]!["data"]!["text/html"]));            // the kernel's CSS() injects a style element
        Assert.Contains("h1 { color: red; }", Text(shown[0]!["data"]!["text/html"]));
        Assert.Contains("Name,Size", Text(shown[4]!["data"]!["text/csv"]));
        Assert.Contains("<script type=\"text/javascript\">console.log(1)</script>", Text(shown[1]!["data"]!["text/html"]));
        Assert.Equal("<svg></svg>", Text(shown[2]!["data"]!["image/svg+xml"]));
        Assert.Equal(new[] { "text/plain" }, shown[3]!["data"]!.AsObject().Select(p => p.Key));
        Assert.Contains("1", Text(shown[3]!["data"]!["text/plain"]));
    }

    [Fact]
    public async Task Default_imports_and_formatter_registration_work_like_the_kernel()
    {
        using var folder = new TempFolder();
        var (result, output) = await Run.NotebookAsync(folder, null,
            Code("var sb = new StringBuilder(); var list = new List<int> { 3, 1, 2 }; IEnumerable e = list; Task t = Task.CompletedTask;\nlist.OrderBy(x => x).First()"),
            Code("using Microsoft.DotNet.Interactive.Formatting;\nrecord Point3(int X, int Y);\nFormatter.Register<Point3>(p => $\"<i>{p.X},{p.Y}</i>\", \"text/html\");\nnew Point3(1, 2)"));
        Assert.True(result.Succeeded, result.FailedCell?.ErrorMessage);
        Assert.Contains("<pre>1</pre>", Text(Run.OutputsOf(output, "StringBuilder")[0]!["data"]!["text/html"]));
        Assert.Equal("<i>1,2</i>", Text(Run.OutputsOf(output, "Point3(1, 2)")[0]!["data"]!["text/html"]));
    }

    [Fact]
    public async Task Kernel_selectors_and_magic_commands()
    {
        using var folder = new TempFolder();
        var (result, output) = await Run.NotebookAsync(folder, null,
            Code("#!csharp\n1 + 1"),
            Code("#!c#\nvar s = \"c# alias\";"),
            Code("#!markdown\n# not code"),
            Code("#!time\nvar timed = 1;"),
            Code("#!nonsense\n1"));
        Assert.False(result.Succeeded);
        Assert.Contains("<pre>2</pre>", Text(Run.OutputsOf(output, "1 + 1")[0]!["data"]!["text/html"]));
        // #!markdown in a code cell renders the rest of the cell, as the dotnet-interactive tool does.
        Assert.Contains("<h1 id=\"not-code\">not code</h1>", Text(Run.OutputsOf(output, "# not code").Single()!["data"]!["text/html"]));
        var timed = Run.OutputsOf(output, "#!time").Single()!;
        Assert.Equal("display_data", (string)timed["output_type"]!);
        Assert.Matches(@"^Wall time: [0-9.]+ms$", Text(timed["data"]!["text/plain"]));
        var failed = Run.OutputsOf(output, "#!nonsense").Last()!;
        Assert.Equal("error", (string)failed["output_type"]!);
        Assert.Contains("Unknown magic command '#!nonsense'", (string)failed["evalue"]!);
        Assert.Contains("#!nonsense", result.FailedCell!.ErrorMessage);
    }

    [Fact]
    public async Task Cells_for_other_kernels_fail_with_a_clear_message()
    {
        using var folder = new TempFolder();
        var fsharp = Code("let x = 1");
        fsharp["metadata"]!["polyglot_notebook"]!["kernelName"] = "fsharp";
        var (result, _) = await Run.NotebookAsync(folder, null, fsharp);
        Assert.False(result.Succeeded);
        Assert.Contains("kernel 'fsharp' is not available", result.FailedCell!.ErrorMessage);
    }

    [Fact]
    public async Task File_reference_is_relative_to_the_working_folder()
    {
        using var folder = new TempFolder();
        Directory.CreateDirectory(folder.File("lib"));
        File.Copy(typeof(Xunit.Assert).Assembly.Location, folder.File("lib/xunit.assert.dll"));
        File.WriteAllText(folder.File("data.txt"), "from the notebook folder");
        var (result, output) = await Run.NotebookAsync(folder, null,
            Code("#r \"lib/xunit.assert.dll\"\nXunit.Assert.True(true);\nSystem.IO.File.ReadAllText(\"data.txt\")"));
        Assert.True(result.Succeeded, result.FailedCell?.ErrorMessage);
        Assert.Equal("from the notebook folder", Text(Run.OutputsOf(output, "#r")[0]!["data"]!["text/plain"]));
    }
}
