using Microsoft.DotNet.Interactive.Formatting;
using RnnToolkit.Experiments;
using RnnToolkit.Training;

namespace RnnToolkit.FormatterTests;

public class TableTests
{
    public TableTests() => RnnToolkit.Formatters.Register();

    [Fact]
    public void Model_summary_is_a_keras_table()
    {
        using var model = nn.Sequential(("dense", nn.Linear(4, 8)), ("act", nn.ReLU()), ("out", nn.Linear(8, 2)));
        var summary = ModelSummary.Create(model, 4);
        var doc = Support.Html.Parse(summary.ToDisplayString("text/html"));
        Assert.Equal(["Layer (type)", "Output Shape", "Param #"], Support.Html.Cells(doc.QuerySelector("table.rnntk-summary-layers thead tr")!));
        var rows = doc.QuerySelectorAll("table.rnntk-summary-layers tbody tr");
        Assert.Equal(3, rows.Length);
        Assert.Equal(["dense (Linear)", "(None, 8)", "40"], Support.Html.Cells(rows[0]));
        Assert.Equal(["act (ReLU)", "(None, 8)", "0"], Support.Html.Cells(rows[1]));
        Assert.Equal(["out (Linear)", "(None, 2)", "18"], Support.Html.Cells(rows[2]));
        var totals = doc.QuerySelectorAll("table.rnntk-summary-totals tr").Select(Support.Html.Cells).ToArray();
        Assert.Equal(["Total params", "58"], totals[0]);
        Assert.Equal(["Trainable params", "58"], totals[1]);
        Assert.Equal(["Non-trainable params", "0"], totals[2]);
        Assert.Equal(summary.ToString(), summary.ToDisplayString("text/plain"));
    }

    [Fact]
    public void Module_without_input_lists_layers_and_parameters()
    {
        using var model = nn.Sequential(("dense", nn.Linear(4, 8)), ("out", nn.Linear(8, 2)));
        model.named_parameters().Single(p => p.name == "out.bias").parameter.requires_grad = false;
        var doc = Support.Html.Parse(model.ToDisplayString("text/html"));
        var rows = doc.QuerySelectorAll("table.rnntk-summary-layers tbody tr");
        Assert.Equal(["dense (Linear)", "40"], Support.Html.Cells(rows[0]));
        Assert.Equal(["out (Linear)", "18"], Support.Html.Cells(rows[1]));
        var totals = doc.QuerySelectorAll("table.rnntk-summary-totals tr").Select(Support.Html.Cells).ToArray();
        Assert.Equal(["Total params", "58"], totals[0]);
        Assert.Equal(["Trainable params", "56"], totals[1]);
        Assert.Equal(["Non-trainable params", "2"], totals[2]);
        Assert.Contains("Total params: 58", model.ToDisplayString("text/plain"));
        using var lin = nn.Linear(3, 2);
        Assert.Equal(["Linear (Linear)", "8"], Support.Html.Cells(Support.Html.Parse(lin.ToDisplayString("text/html")).QuerySelector("tbody tr")!));
    }

    [Fact]
    public void Comparison_table_and_curves()
    {
        var h1 = new History();
        var h2 = new History();
        for (int e = 0; e < 3; e++)
        {
            h1.Add(e, new Dictionary<string, double> { ["loss"] = 1.0 / (e + 1), ["val_loss"] = 1.5 / (e + 1) });
            h2.Add(e, new Dictionary<string, double> { ["loss"] = 2.0 / (e + 1), ["val_loss"] = 2.5 / (e + 1) });
        }
        var result = new ComparisonResult(
            [new ComparisonRow("LSTM", 1234, 0.5, 3, new Dictionary<string, double> { ["loss"] = 0.3333, ["val_loss"] = 0.5 }),
             new ComparisonRow("GRU", 999, 0.25, 3, new Dictionary<string, double> { ["loss"] = 0.6667, ["val_loss"] = 0.8333 })],
            new Dictionary<string, History> { ["LSTM"] = h1, ["GRU"] = h2 });
        var html = result.ToDisplayString("text/html");
        var doc = Support.Html.Parse(html);
        Assert.Equal(["model", "params", "s/epoch", "epochs", "loss", "val_loss"], Support.Html.Cells(doc.QuerySelector("table.rnntk-comparison-table thead tr")!));
        var rows = doc.QuerySelectorAll("table.rnntk-comparison-table tbody tr");
        Assert.Equal(["LSTM", "1,234", "0.500", "3", "0.3333", "0.5"], Support.Html.Cells(rows[0]));
        Assert.Equal(["GRU", "999", "0.250", "3", "0.6667", "0.8333"], Support.Html.Cells(rows[1]));
        var (data, _) = Support.Html.Figures(doc).Single();
        Assert.Equal(["LSTM loss", "LSTM val_loss", "GRU loss", "GRU val_loss"], data.EnumerateArray().Select(t => t.GetProperty("name").GetString()!).ToArray());
        Assert.Equal([2.5, 1.25, 2.5 / 3], Support.Html.Doubles(data[3].GetProperty("y")));
    }

    [Fact]
    public void A_table_of_anonymous_objects_renders_as_an_html_table_with_numbers_right_aligned()
    {
        var table = RnnToolkit.Notebooks.TableExtensions.ToTable(new[] { new { model = "LSTM", accuracy = 0.91234 }, new { model = "GRU<1>", accuracy = 0.5 } });
        var doc = Support.Html.Parse(table.ToDisplayString("text/html"));
        Assert.Equal(["model", "accuracy"], Support.Html.Cells(doc.QuerySelector("table.rnntk-table thead tr")!));
        var rows = doc.QuerySelectorAll("table.rnntk-table tbody tr");
        Assert.Equal(["LSTM", "0.9123"], Support.Html.Cells(rows[0]));
        Assert.Equal(["GRU<1>", "0.5"], Support.Html.Cells(rows[1]));               // encoded, not markup
        Assert.Contains("text-align: right", rows[0].Children[1].GetAttribute("style"));
        Assert.Null(rows[0].Children[0].GetAttribute("style"));
        Assert.Equal(table.ToString(), table.ToDisplayString("text/plain"));
    }

    [Fact]
    public void The_checks_table_marks_each_check_passed_failed_or_not_applicable()
    {
        var checks = new RnnToolkit.Notebooks.NotebookChecks();
        var chance = checks.Baseline("chance", 0.25);
        checks.Expect("accuracy", 0.9).AtLeast(chance, 0.5);
        checks.Expect("memory ratio", 0).Above(4, "full BPTT keeps every step").OnlyWhen(false, "no RSS here");
        checks.Expect("bad accuracy", 0.3).AtLeast(chance, 0.5);
        var report = Assert.Throws<RnnToolkit.Notebooks.NotebookChecksFailedException>(() => checks.Verify()).Report;
        var doc = Support.Html.Parse(report.ToDisplayString("text/html"));
        Assert.Equal(["check", "value", "expected", "status"], Support.Html.Cells(doc.QuerySelector("table.rnntk-checks thead tr")!));
        var rows = doc.QuerySelectorAll("table.rnntk-checks tbody tr").Select(Support.Html.Cells).ToArray();
        Assert.Equal(["accuracy", "0.9", "≥ chance (0.25) + 0.5", "passed"], rows[0]);
        Assert.Equal(["memory ratio", "0", "> 4 (full BPTT keeps every step)", "not applicable (no RSS here)"], rows[1]);
        Assert.Equal(["bad accuracy", "0.3", "≥ chance (0.25) + 0.5", "FAILED"], rows[2]);
        Assert.Equal(report.ToString(), report.ToDisplayString("text/plain"));
    }
}
