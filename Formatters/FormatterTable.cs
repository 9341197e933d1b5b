using RnnToolkit.Experiments;
using RnnToolkit.Training;
using static TorchSharp.torch;

namespace RnnToolkit.Formatting;

/// <summary>One way to write one type as one MIME type.</summary>
/// <param name="Type">The formatted type.</param>
/// <param name="MimeType">The MIME type written.</param>
/// <param name="Write">Writes a value of <paramref name="Type"/>.</param>
sealed record FormatterEntry(Type Type, string MimeType, Action<object, TextWriter> Write);

/// <summary>
/// Every formatter the package offers and the MIME types a display of each type carries, in one table that both
/// registration paths read: <see cref="Formatters.Register"/> (every type) and <see cref="ToolkitFormatterSource"/>
/// (the toolkit's own types, found by convention without a Register call). Charts carry text/html and, with
/// <see cref="Formatters.OfferSvgMimeType"/>, a static image/svg+xml; tables carry text/html and text/plain.
/// </summary>
static class FormatterTable
{
    /// <summary>The toolkit's own types, which name <see cref="ToolkitFormatterSource"/> through their attribute.</summary>
    public static readonly Type[] ToolkitTypes =
        [typeof(History), typeof(ModelSummary), typeof(GradientFlowResult), typeof(ComparisonResult), typeof(AttentionMap), typeof(LiveChart),
         typeof(RnnToolkit.Notebooks.Table), typeof(RnnToolkit.Notebooks.CheckReport)];

    /// <summary>The formatters, SVG ones only when <paramref name="svg"/>.</summary>
    public static IEnumerable<FormatterEntry> Entries(bool svg)
    {
        IEnumerable<FormatterEntry> Of<T>(Action<T, TextWriter> html, Action<T, TextWriter>? plain, Action<T, TextWriter>? image = null)
        {
            yield return new(typeof(T), "text/html", (v, w) => html((T)v, w));
            if (plain is not null) yield return new(typeof(T), "text/plain", (v, w) => plain((T)v, w));
            if (svg && image is not null) yield return new(typeof(T), "image/svg+xml", (v, w) => image((T)v, w));
        }

        static void Svg(Plotly.NET.GenericChart chart, TextWriter w) => w.Write(StaticPlot.ToSvg(chart));

        return
        [
            .. Of<Tensor>(TensorHtml.WriteHtml, TensorHtml.WritePlain),
            .. Of<ModelSummary>(TableHtml.WriteSummary, (s, w) => w.Write(s.ToString())),
            .. Of<nn.Module>((m, w) => w.Write(TableHtml.Module(m)), (m, w) => w.Write(TableHtml.ModuleText(m))),
            .. Of<History>((h, w) => ChartHtml.Write(Charts.TrainingCurves(h), w), (h, w) => w.Write(h.ToString()), (h, w) => Svg(Charts.TrainingCurves(h), w)),
            .. Of<AttentionMap>((a, w) => ChartHtml.Write(Charts.Attention(a), w), (a, w) => w.Write(a.ToString()), (a, w) => Svg(Charts.Attention(a), w)),
            .. Of<GradientFlowResult>((g, w) => ChartHtml.Write(Charts.GradientFlow([g]), w), null, (g, w) => Svg(Charts.GradientFlow([g]), w)),
            .. Of<IEnumerable<GradientFlowResult>>((g, w) => ChartHtml.Write(Charts.GradientFlow(g.ToList()), w), null, (g, w) => Svg(Charts.GradientFlow(g.ToList()), w)),
            .. Of<ComparisonResult>(TableHtml.WriteComparison, (c, w) => w.Write(c.ToString()), (c, w) => Svg(Charts.ComparisonCurves(c), w)),
            .. Of<RnnToolkit.Notebooks.Table>((t, w) => w.Write(TableHtml.Rows(t)), (t, w) => w.Write(t.ToString())),
            .. Of<RnnToolkit.Notebooks.CheckReport>((r, w) => w.Write(TableHtml.Checks(r)), (r, w) => w.Write(r.ToString())),
            .. Of<Plotly.NET.GenericChart>(ChartHtml.Write, null, Svg),
            .. Of<XPlot.Plotly.PlotlyChart>(ChartHtml.Write, null, (c, w) => w.Write(StaticPlot.ToSvg(c))),
            .. Of<LiveChart>((c, w) => ChartHtml.Write(c.Chart, w), null, (c, w) => Svg(c.Chart, w)),
        ];
    }

    /// <summary>The MIME types a display of <paramref name="type"/> carries, in order; null for a type not in the table.</summary>
    public static string[]? PreferredMimeTypes(Type type, bool svg)
    {
        var mimes = Entries(svg).Where(e => e.Type == type).Select(e => e.MimeType).ToList();
        if (mimes.Count == 0) return null;
        // Charts: the HTML chart, then its static image (their text/plain is a summary a renderer should not prefer).
        // Tables: HTML, then the comparison's curves as an image where there are any, then the table as text.
        string[] order = IsChart(type) ? ["text/html", "image/svg+xml"] : ["text/html", "image/svg+xml", "text/plain"];
        return order.Where(mimes.Contains).ToArray();
    }

    static bool IsChart(Type type) =>
        type == typeof(History) || type == typeof(AttentionMap) || type == typeof(GradientFlowResult) || type == typeof(IEnumerable<GradientFlowResult>)
        || type == typeof(Plotly.NET.GenericChart) || type == typeof(XPlot.Plotly.PlotlyChart) || type == typeof(LiveChart);
}
