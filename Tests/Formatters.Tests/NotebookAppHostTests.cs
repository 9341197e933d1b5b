using RnnToolkit.Formatting;
using RnnToolkit.Reports;

namespace RnnToolkit.FormatterTests;

/// <summary>The notebook-app host's pieces that need no running app: command-line parameters and reading the app's cells back.</summary>
public class NotebookAppHostTests
{
    static AppParameters Parse(params string[] args) => AppParameters.Parse(args, ["seed", "rate", "name", "rates", "fast"]);

    [Fact]
    public void Parameters_take_the_command_line_value_as_the_defaults_type_or_the_default()
    {
        var p = Parse("--seed", "7", "--rate=1e-3", "--rates", "0.1, 0.2", "--fast", "true");
        Assert.Equal(7, p.Read("seed", 42));
        Assert.Equal(0.001, p.Read("rate", 0.01));
        Assert.Equal("x", p.Read("name", "x"));
        Assert.Equal([0.1, 0.2], p.Read("rates", new[] { 0.5 }));
        Assert.True(p.Read("fast", false));
    }

    [Theory]
    [InlineData("seed", "abc", "parameter --seed: expected an integer (int), got 'abc'.")]
    [InlineData("rate", "fast", "parameter --rate: expected a number (double), got 'fast'.")]
    [InlineData("fast", "yes", "parameter --fast: expected true or false (bool), got 'yes'.")]
    [InlineData("rates", "0.1,x", "parameter --rates: expected a number (double), got 'x'.")]
    public void A_bad_value_names_the_parameter_the_expected_type_and_the_given_text(string name, string text, string message)
    {
        var p = Parse("--" + name, text);
        var error = Assert.Throws<ArgumentException>(() =>
        {
            switch (name)
            {
                case "seed": p.Read(name, 42); break;
                case "rate": p.Read(name, 0.01); break;
                case "fast": p.Read(name, false); break;
                default: p.Read(name, new[] { 0.5 }); break;
            }
        });
        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData(new[] { "--sede", "7" }, "unknown parameter --sede: expected one of --seed, --rate, --name, --rates, --fast.")]
    [InlineData(new[] { "7" }, "expected a parameter as --name value (one of --seed, --rate, --name, --rates, --fast), got '7'.")]
    [InlineData(new[] { "--seed" }, "parameter --seed: expected a value after it, got nothing.")]
    [InlineData(new[] { "--seed", "1", "--seed", "2" }, "parameter --seed is given twice.")]
    public void A_bad_command_line_is_an_error_naming_what_was_expected(string[] args, string message) =>
        Assert.Equal(message, Assert.Throws<ArgumentException>(() => Parse(args)).Message);

    [Fact]
    public void A_type_the_command_line_cannot_give_is_an_error()
    {
        var error = Assert.Throws<ArgumentException>(() => Parse("--name", "1").Read("name", TimeSpan.Zero));
        Assert.StartsWith("parameter --name: its type TimeSpan cannot be given on the command line", error.Message);
    }

    [Fact]
    public void The_apps_source_reads_back_as_cells_in_order_with_types_joined_to_their_cell()
    {
        var source = string.Join('\n',
            "#:package RnnToolkit@0.1.0", "using System;", "Notebook.Start(\"nb\");", "",
            AppCellMarker.Line(0, AppCellKind.Markdown), "// # Title", "//", "// text", "",
            AppCellMarker.Line(1, AppCellKind.Code), AppCellMarker.CellCall(1), "var p = new P(1);", "",
            AppCellMarker.Line(2, AppCellKind.Code), AppCellMarker.CellCall(2), "display(p);", "", "Notebook.Finish();", "",
            AppCellMarker.Line(1, AppCellKind.Types), "record P(int X);", "");
        var cells = AppSource.Cells(source);
        Assert.Equal(3, cells.Count);
        Assert.Equal(new AppSourceCell(0, AppCellKind.Markdown, "# Title\n\ntext"), cells[0]);
        Assert.Equal(new AppSourceCell(1, AppCellKind.Code, "var p = new P(1);\n\nrecord P(int X);"), cells[1]);
        Assert.Equal(new AppSourceCell(2, AppCellKind.Code, "display(p);"), cells[2]);
    }
}
