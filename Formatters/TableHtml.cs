using System.Globalization;
using System.Net;
using System.Text;
using RnnToolkit.Experiments;
using RnnToolkit.Training;

namespace RnnToolkit.Formatting;

/// <summary>The text/html tables of <see cref="ModelSummary"/> (Keras style), <see cref="ComparisonResult"/>, notebook tables and checks.</summary>
public static class TableHtml
{
    /// <summary>The Keras-style summary: one row per layer (name and type, output shape, parameters), then the totals.</summary>
    /// <param name="summary">The summary.</param>
    public static string Summary(ModelSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var sb = new StringBuilder("<div class=\"rnntk-summary\">");
        sb.Append("<div><b>Model: \"").Append(Enc(summary.ModelName)).Append("\"</b></div>");
        sb.Append("<table class=\"rnntk-summary-layers\"><thead><tr><th>Layer (type)</th><th>Output Shape</th><th>Param #</th></tr></thead><tbody>");
        foreach (var l in summary.Layers)
            sb.Append("<tr><td>").Append(Enc($"{l.Name} ({l.Type})")).Append("</td><td style=\"font-family: monospace\">").Append(Enc(l.OutputShape))
              .Append("</td><td style=\"text-align: right\">").Append(N(l.Parameters)).Append("</td></tr>");
        sb.Append("</tbody></table>");
        sb.Append("<table class=\"rnntk-summary-totals\"><tbody>");
        sb.Append("<tr><th>Total params</th><td>").Append(N(summary.TotalParameters)).Append("</td></tr>");
        sb.Append("<tr><th>Trainable params</th><td>").Append(N(summary.TrainableParameters)).Append("</td></tr>");
        sb.Append("<tr><th>Non-trainable params</th><td>").Append(N(summary.NonTrainableParameters)).Append("</td></tr>");
        sb.Append("</tbody></table></div>");
        return sb.ToString();
    }

    /// <summary>
    /// A module without a sample input: one row per top-level layer (name and type, parameters), then the totals
    /// (output shapes need an input: <c>ModelSummary.Create(model, inputShape)</c>).
    /// </summary>
    /// <param name="module">The module.</param>
    public static string Module(TorchSharp.torch.nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        var (rows, total, trainable) = ModuleRows(module);
        var sb = new StringBuilder("<div class=\"rnntk-summary\">");
        sb.Append("<div><b>Model: \"").Append(Enc(module.GetType().Name)).Append("\"</b></div>");
        sb.Append("<table class=\"rnntk-summary-layers\"><thead><tr><th>Layer (type)</th><th>Param #</th></tr></thead><tbody>");
        foreach (var (name, type, count) in rows)
            sb.Append("<tr><td>").Append(Enc($"{name} ({type})")).Append("</td><td style=\"text-align: right\">").Append(N(count)).Append("</td></tr>");
        sb.Append("</tbody></table>");
        sb.Append("<table class=\"rnntk-summary-totals\"><tbody>");
        sb.Append("<tr><th>Total params</th><td>").Append(N(total)).Append("</td></tr>");
        sb.Append("<tr><th>Trainable params</th><td>").Append(N(trainable)).Append("</td></tr>");
        sb.Append("<tr><th>Non-trainable params</th><td>").Append(N(total - trainable)).Append("</td></tr>");
        sb.Append("</tbody></table><div><small>Output shapes: <code>ModelSummary.Create(model, inputShape)</code></small></div></div>");
        return sb.ToString();
    }

    /// <summary>The plain-text form of <see cref="Module"/>.</summary>
    /// <param name="module">The module.</param>
    public static string ModuleText(TorchSharp.torch.nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        var (rows, total, trainable) = ModuleRows(module);
        var sb = new StringBuilder().Append("Model: \"").Append(module.GetType().Name).Append("\"\n");
        foreach (var (name, type, count) in rows) sb.Append(' ').Append($"{name} ({type})".PadRight(40)).Append(N(count)).Append('\n');
        sb.Append("Total params: ").Append(N(total)).Append('\n');
        sb.Append("Trainable params: ").Append(N(trainable)).Append('\n');
        sb.Append("Non-trainable params: ").Append(N(total - trainable));
        return sb.ToString();
    }

    static (List<(string Name, string Type, long Count)> Rows, long Total, long Trainable) ModuleRows(TorchSharp.torch.nn.Module module)
    {
        var rows = module.named_children().Select(c => (c.name, c.module.GetType().Name, c.module.parameters().Sum(p => p.numel()))).ToList();
        if (rows.Count == 0) rows.Add((module.GetName(), module.GetType().Name, module.parameters().Sum(p => p.numel())));
        return (rows, module.parameters().Sum(p => p.numel()), module.parameters().Where(p => p.requires_grad).Sum(p => p.numel()));
    }

    /// <summary>The comparison table (model, parameters, seconds per epoch, epochs, final values), then the loss curves.</summary>
    /// <param name="result">The comparison.</param>
    /// <param name="curves">Also draw each variant's loss curves.</param>
    public static string Comparison(ComparisonResult result, bool curves = true)
    {
        ArgumentNullException.ThrowIfNull(result);
        var keys = result.Rows.SelectMany(r => r.Final.Keys).Distinct().ToList();
        var sb = new StringBuilder("<div class=\"rnntk-comparison\"><table class=\"rnntk-comparison-table\"><thead><tr><th>model</th><th>params</th><th>s/epoch</th><th>epochs</th>");
        foreach (var k in keys) sb.Append("<th>").Append(Enc(k)).Append("</th>");
        sb.Append("</tr></thead><tbody>");
        foreach (var r in result.Rows)
        {
            sb.Append("<tr><td>").Append(Enc(r.Name)).Append("</td><td>").Append(N(r.Parameters)).Append("</td><td>")
              .Append(r.SecondsPerEpoch.ToString("F3", CultureInfo.InvariantCulture)).Append("</td><td>").Append(r.Epochs.ToString(CultureInfo.InvariantCulture)).Append("</td>");
            foreach (var k in keys)
                sb.Append("<td>").Append(r.Final.TryGetValue(k, out var v) ? v.ToString("G4", CultureInfo.InvariantCulture) : "").Append("</td>");
            sb.Append("</tr>");
        }
        sb.Append("</tbody></table>");
        if (curves && result.Histories.Values.Any(h => h.Count > 0))
            sb.Append(ChartHtml.ToHtml(Charts.ComparisonCurves(result)));
        return sb.Append("</div>").ToString();
    }

    /// <summary>A <see cref="RnnToolkit.Notebooks.Table"/>: a header row of its columns, then its rows, numbers right-aligned.</summary>
    /// <param name="table">The table.</param>
    public static string Rows(RnnToolkit.Notebooks.Table table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var sb = new StringBuilder("<table class=\"rnntk-table\"><thead><tr>");
        foreach (var c in table.Columns) sb.Append("<th>").Append(Enc(c)).Append("</th>");
        sb.Append("</tr></thead><tbody>");
        foreach (var row in table.Rows)
        {
            sb.Append("<tr>");
            foreach (var v in row)
                sb.Append(RnnToolkit.Notebooks.Table.IsNumber(v) ? "<td style=\"text-align: right\">" : "<td>").Append(Enc(RnnToolkit.Notebooks.Table.Cell(v))).Append("</td>");
            sb.Append("</tr>");
        }
        return sb.Append("</tbody></table>").ToString();
    }

    /// <summary>A notebook's checks: check, value, expected (the rule with its baselines), status — failures marked.</summary>
    /// <param name="report">The checks' results.</param>
    public static string Checks(RnnToolkit.Notebooks.CheckReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var sb = new StringBuilder("<table class=\"rnntk-checks\"><thead><tr><th>check</th><th>value</th><th>expected</th><th>status</th></tr></thead><tbody>");
        foreach (var r in report)
        {
            var colour = r.Passed switch { true => "#1a7f37", false => "#cf222e", null => "#6e7781" };
            sb.Append("<tr><td>").Append(Enc(r.Check)).Append("</td><td style=\"text-align: right\">").Append(Enc(RnnToolkit.Notebooks.Table.Cell(r.Value)))
              .Append("</td><td>").Append(Enc(r.Expected)).Append("</td><td style=\"color: ").Append(colour).Append("\">").Append(Enc(r.Status));
            if (r.Note.Length > 0) sb.Append(" (").Append(Enc(r.Note)).Append(')');
            sb.Append("</td></tr>");
        }
        return sb.Append("</tbody></table>").ToString();
    }

    /// <summary>Writes <see cref="Summary"/>.</summary>
    /// <param name="summary">The summary.</param>
    /// <param name="writer">Where to write.</param>
    public static void WriteSummary(ModelSummary summary, TextWriter writer) => writer.Write(Summary(summary));

    /// <summary>Writes <see cref="Comparison"/>.</summary>
    /// <param name="result">The comparison.</param>
    /// <param name="writer">Where to write.</param>
    public static void WriteComparison(ComparisonResult result, TextWriter writer) => writer.Write(Comparison(result));

    static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    static string Enc(string s) => WebUtility.HtmlEncode(s);
}
