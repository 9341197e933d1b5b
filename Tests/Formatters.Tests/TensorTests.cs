using Microsoft.DotNet.Interactive.Formatting;
using RnnToolkit.FormatterTests.Support;
using RnnToolkit.Formatting;

namespace RnnToolkit.FormatterTests;

public class TensorTests
{
    public TensorTests() => RnnToolkit.Formatters.Register();

    static AngleSharp.Dom.IDocument Html(Tensor t, TensorFormatOptions? o = null) =>
        Support.Html.Parse(o is null ? t.ToDisplayString("text/html") : TensorHtml.ToHtml(t, o));

    [Fact]
    public void Scalar_is_plain_with_header()
    {
        using var t = tensor(3.5f);
        var doc = Html(t);
        Assert.Equal("Tensor [] float32 cpu", doc.QuerySelector(".rnntk-tensor-header")!.TextContent);
        Assert.Equal("3.5000", doc.QuerySelector(".rnntk-scalar")!.TextContent);
        Assert.Null(doc.QuerySelector("table"));
    }

    [Fact]
    public void Vector_is_one_row_table()
    {
        using var t = arange(5L);
        var doc = Html(t);
        Assert.Equal("Tensor [5] int64 cpu", doc.QuerySelector(".rnntk-tensor-header")!.TextContent);
        var rows = doc.QuerySelectorAll("table.rnntk-values tbody tr");
        Assert.Single(rows);
        Assert.Equal(["", "0", "1", "2", "3", "4"], Support.Html.Cells(rows[0]));
    }

    [Fact]
    public void Matrix_cells_hold_values()
    {
        using var t = tensor(new float[] { 1, 2, 3, 4, 5, 6.25f }, [2, 3]);
        var doc = Html(t);
        Assert.Equal("Tensor [2, 3] float32 cpu", doc.QuerySelector(".rnntk-tensor-header")!.TextContent);
        Assert.Equal(["", "0", "1", "2"], Support.Html.Cells(doc.QuerySelector("thead tr")!));
        var rows = doc.QuerySelectorAll("tbody tr");
        Assert.Equal(2, rows.Length);
        Assert.Equal(["0", "1.0000", "2.0000", "3.0000"], Support.Html.Cells(rows[0]));
        Assert.Equal(["1", "4.0000", "5.0000", "6.2500"], Support.Html.Cells(rows[1]));
    }

    [Fact]
    public void Large_matrix_is_summarized_with_head_and_tail()
    {
        using var t = arange(0, 2000, dtype: ScalarType.Float64).reshape(40, 50);
        var doc = Html(t, new TensorFormatOptions { Precision = 1 });
        Assert.Equal(["", "0", "1", "2", "…", "47", "48", "49"], Support.Html.Cells(doc.QuerySelector("thead tr")!));
        var rows = doc.QuerySelectorAll("tbody tr");
        Assert.Equal(7, rows.Length);
        Assert.Equal(["0", "0.0", "1.0", "2.0", "…", "47.0", "48.0", "49.0"], Support.Html.Cells(rows[0]));
        Assert.Equal("…", Support.Html.Cells(rows[3])[0]);
        Assert.Equal(["39", "1950.0", "1951.0", "1952.0", "…", "1997.0", "1998.0", "1999.0"], Support.Html.Cells(rows[6]));
    }

    [Fact]
    public void Three_dims_show_one_table_per_slice()
    {
        using var t = arange(24, dtype: ScalarType.Int32).reshape(2, 3, 4);
        var doc = Html(t);
        var tables = doc.QuerySelectorAll("table.rnntk-values");
        Assert.Equal(2, tables.Length);
        Assert.Equal(["[0, :, :]", "[1, :, :]"], doc.QuerySelectorAll(".rnntk-slice").Select(e => e.TextContent).ToArray());
        Assert.Equal(["2", "20", "21", "22", "23"], Support.Html.Cells(tables[1].QuerySelectorAll("tbody tr")[2]));
    }

    [Fact]
    public void Heatmap_option_colours_cells_by_value()
    {
        using var t = tensor(new double[] { 0, 0.5, 1, 0.25 }, [2, 2]);
        var doc = Html(t, new TensorFormatOptions { Heatmap2D = true });
        var cells = doc.QuerySelectorAll("table.rnntk-heatmap tbody td");
        Assert.Equal([0, 0.5, 1, 0.25], cells.Select(c => double.Parse(c.GetAttribute("data-value")!, System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        Assert.Contains("#440154", cells[0].GetAttribute("style"));
        Assert.Contains("#fde725", cells[2].GetAttribute("style"));
    }

    [Fact]
    public void Plain_text_is_nested_brackets_and_summarized()
    {
        using var m = tensor(new float[] { 1, 2, 3, 4 }, [2, 2]);
        Assert.Equal("Tensor [2, 2] float32 cpu\n[[1.0000, 2.0000],\n [3.0000, 4.0000]]", m.ToDisplayString("text/plain"));
        using var b = tensor(new[] { true, false });
        Assert.Equal("Tensor [2] bool cpu\n[True, False]", TensorHtml.ToPlainText(b));
        using var big = arange(5000L);
        Assert.Equal("Tensor [5000] int64 cpu\n[0, 1, 2, ..., 4997, 4998, 4999]", TensorHtml.ToPlainText(big));
    }

    [Fact]
    public void Complex_tensors_fall_back_to_torchsharp_text()
    {
        using var c = complex(ones(2), zeros(2));
        var doc = Html(c);
        Assert.Equal("Tensor [2] complex64 cpu", doc.QuerySelector(".rnntk-tensor-header")!.TextContent);
        Assert.NotNull(doc.QuerySelector("pre"));
    }

    [Fact]
    public void Requires_grad_and_disposed_tensors()
    {
        using var p = ones(2).requires_grad_();
        Assert.Equal("Tensor [2] float32 cpu requires_grad", TensorHtml.Header(p));
        var d = zeros(2);
        d.Dispose();
        Assert.Contains("(disposed)", TensorHtml.ToHtml(d));
    }
}
