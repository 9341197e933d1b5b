using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Markdig;

namespace RnnToolkit.Reports;

/// <summary>
/// Renders an executed notebook as one self-contained HTML page: markdown (with LaTeX rendered by embedded KaTeX),
/// code, and outputs (HTML, SVG, images, text, errors). Nothing is fetched from the network; charts whose HTML embeds
/// their JavaScript (e.g. Plotly.NET with <c>PlotlyJSReference.Full</c>) draw offline.
/// </summary>
static partial class HtmlReportWriter
{
    static readonly MarkdownPipeline Markdown = new MarkdownPipelineBuilder()
        .UsePipeTables()
        .UseEmphasisExtras()
        .UseAutoLinks()
        .UseTaskLists()
        .UseGenericAttributes()
        .Build();

    static readonly string[] MimeOrder =
    {
        "text/html", "image/svg+xml", "image/png", "image/jpeg", "image/gif", "text/markdown", "text/latex", "application/json", "text/plain",
    };

    [GeneratedRegex("""(src|href)=(["'])attachment:(?<name>[^"']+)\2""", RegexOptions.CultureInvariant)]
    private static partial Regex AttachmentReference();

    const string Style = """
        body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #1f2328; line-height: 1.5; }
        .cell { margin: 0.8em 0; }
        .input { display: flex; gap: 0.5em; }
        .prompt { color: #57606a; font-family: monospace; min-width: 5.5em; text-align: right; padding-top: 0.5em; white-space: nowrap; }
        .input pre { flex: 1; background: #f6f8fa; border: 1px solid #d0d7de; border-radius: 6px; padding: 0.6em; overflow-x: auto; margin: 0; }
        .outputs { margin-left: 6em; overflow-x: auto; }
        .output { margin: 0.3em 0; }
        .output pre { margin: 0; white-space: pre-wrap; word-break: break-word; }
        .stderr pre { background: #fff5f5; }
        .error { background: #ffebe9; border: 1px solid #ff818266; border-radius: 6px; padding: 0.5em; }
        .error pre { color: #82071e; }
        .markdown img, .output img { max-width: 100%; }
        table { border-collapse: collapse; }
        header.run { border-bottom: 1px solid #d0d7de; margin-bottom: 1em; color: #57606a; }
        .parameters td, .parameters th { border: 1px solid #d0d7de; padding: 0.2em 0.6em; text-align: left; }
        .markdown th, .markdown td { border: 1px solid #d0d7de; padding: 0.2em 0.6em; }
        """;

    /// <summary>The HTML report of a notebook: its nbformat <paramref name="cells"/> and <paramref name="metadata"/>
    /// (whose <c>papermill</c> entry, if any, gives the run's status, times and parameters).</summary>
    public static string Render(JsonArray cells, JsonObject metadata, string title)
    {
        var sb = new StringBuilder(1 << 16);
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        sb.Append("<title>").Append(WebUtility.HtmlEncode(title)).Append("</title>\n");
        sb.Append("<style>\n").Append(Style).Append("\n</style>\n<style>\n").Append(KatexAssets.Css).Append("\n</style>\n");
        sb.Append("<script>\n").Append(KatexAssets.Script).Append("\n</script>\n</head>\n<body>\n<main>\n");
        RenderHeader(sb, metadata, title);
        foreach (var node in cells)
        {
            var cell = (JsonObject)node!;
            switch (NotebookJson.CellType(cell))
            {
                case "markdown":
                    RenderMarkdownCell(sb, cell);
                    break;
                case "code":
                    RenderCodeCell(sb, cell);
                    break;
            }
        }
        sb.Append("</main>\n<script>\n");
        sb.Append("""
            (function () {
              var options = { delimiters: [
                { left: "$$", right: "$$", display: true }, { left: "\\[", right: "\\]", display: true },
                { left: "\\(", right: "\\)", display: false }, { left: "$", right: "$", display: false } ],
                throwOnError: false };
              document.querySelectorAll(".math, .latex").forEach(function (e) { renderMathInElement(e, options); });
            })();
            """);
        sb.Append("\n</script>\n</body>\n</html>\n");
        return sb.ToString();
    }

    // The run's facts from papermill metadata: status, start, duration and parameters.
    static void RenderHeader(StringBuilder sb, JsonObject metadata, string title)
    {
        if (metadata["papermill"] is not JsonObject pm) return;
        var failed = pm["exception"] is JsonValue e && e.GetValueKind() == JsonValueKind.True;
        var finished = pm["end_time"] is JsonValue;
        var status = failed ? "failed" : finished ? "passed" : "not finished";
        sb.Append("<header class=\"run\"><p><strong>").Append(WebUtility.HtmlEncode(title)).Append("</strong> — ")
            .Append(status);
        if (pm["start_time"] is JsonValue start) sb.Append(", started ").Append(WebUtility.HtmlEncode(start.ToString()));
        if (pm["duration"] is JsonValue duration && duration.TryGetValue<double>(out var seconds))
            sb.Append(", ").Append(seconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)).Append(" s");
        sb.Append("</p>");
        if (pm["parameters"] is JsonObject { Count: > 0 } parameters)
        {
            sb.Append("<table class=\"parameters\"><tr><th>Parameter</th><th>Value</th></tr>");
            foreach (var (name, value) in parameters)
                sb.Append("<tr><td>").Append(WebUtility.HtmlEncode(name)).Append("</td><td><code>")
                    .Append(WebUtility.HtmlEncode(value?.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) ?? "null"))
                    .Append("</code></td></tr>");
            sb.Append("</table>");
        }
        sb.Append("</header>\n");
    }

    static void RenderMarkdownCell(StringBuilder sb, JsonObject cell)
    {
        var html = RenderMarkdown(NotebookJson.Source(cell));
        if (cell["attachments"] is JsonObject attachments)
        {
            html = AttachmentReference().Replace(html, m =>
            {
                var name = WebUtility.HtmlDecode(m.Groups["name"].Value);
                if (attachments[name] is not JsonObject bundle || bundle.Count == 0)
                    return m.Value;
                var (mime, data) = bundle.First();
                var base64 = NotebookJson.JoinText(data).Replace("\n", "", StringComparison.Ordinal);
                return $"{m.Groups[1].Value}=\"data:{mime};base64,{base64}\"";
            });
        }
        sb.Append("<div class=\"cell markdown\">\n").Append(html).Append("</div>\n");
    }

    static string RenderMarkdown(string markdown)
    {
        var protectedText = MathProtector.Protect(markdown, out var math);
        return MathProtector.Restore(Markdig.Markdown.ToHtml(protectedText, Markdown), math);
    }

    static void RenderCodeCell(StringBuilder sb, JsonObject cell)
    {
        sb.Append("<div class=\"cell code\">\n");
        var hidden = cell["metadata"]?["jupyter"]?["source_hidden"] is JsonValue v && v.GetValueKind() == JsonValueKind.True;
        if (!hidden)
        {
            var count = cell["execution_count"] is JsonValue c && c.GetValueKind() == JsonValueKind.Number ? c.ToJsonString() : " ";
            sb.Append("<div class=\"input\"><span class=\"prompt\">In [").Append(count).Append("]:</span><pre><code class=\"language-csharp\">")
                .Append(WebUtility.HtmlEncode(NotebookJson.Source(cell))).Append("</code></pre></div>\n");
        }
        if (cell["outputs"] is JsonArray { Count: > 0 } outputs)
        {
            sb.Append("<div class=\"outputs\">\n");
            foreach (var output in outputs.OfType<JsonObject>()) RenderOutput(sb, output);
            sb.Append("</div>\n");
        }
        sb.Append("</div>\n");
    }

    static void RenderOutput(StringBuilder sb, JsonObject output)
    {
        switch ((string?)output["output_type"])
        {
            case "stream":
                var name = (string?)output["name"] == "stderr" ? "stderr" : "stdout";
                sb.Append("<div class=\"output stream ").Append(name).Append("\"><pre>")
                    .Append(WebUtility.HtmlEncode(NotebookJson.JoinText(output["text"]))).Append("</pre></div>\n");
                break;
            case "error":
                sb.Append("<div class=\"output error\"><pre><strong>").Append(WebUtility.HtmlEncode((string?)output["ename"] ?? "Error"))
                    .Append(": ").Append(WebUtility.HtmlEncode((string?)output["evalue"] ?? "")).Append("</strong>");
                if (output["traceback"] is JsonArray tb && tb.Count > 1)
                {
                    sb.Append('\n');
                    foreach (var line in tb.Skip(1)) sb.Append(WebUtility.HtmlEncode((string?)line ?? "")).Append('\n');
                }
                sb.Append("</pre></div>\n");
                break;
            case "display_data" or "execute_result":
                if (output["data"] is JsonObject data) RenderBundle(sb, data);
                break;
        }
    }

    static void RenderBundle(StringBuilder sb, JsonObject data)
    {
        var mime = MimeOrder.FirstOrDefault(data.ContainsKey) ?? data.Select(p => p.Key).FirstOrDefault();
        if (mime is null) return;
        var value = data[mime];
        var text = NotebookJson.IsJsonMime(mime) ? value?.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) ?? "" : NotebookJson.JoinText(value);
        sb.Append("<div class=\"output\">");
        switch (mime)
        {
            case "text/html":
            case "image/svg+xml":
                sb.Append(text);
                break;
            case "image/png" or "image/jpeg" or "image/gif":
                sb.Append("<img src=\"data:").Append(mime).Append(";base64,").Append(text.Replace("\n", "", StringComparison.Ordinal)).Append("\">");
                break;
            case "text/markdown":
                sb.Append("<div class=\"markdown\">").Append(RenderMarkdown(text)).Append("</div>");
                break;
            case "text/latex":
                sb.Append("<div class=\"latex\">").Append(WebUtility.HtmlEncode(text)).Append("</div>");
                break;
            default:
                sb.Append("<pre>").Append(WebUtility.HtmlEncode(text)).Append("</pre>");
                break;
        }
        sb.Append("</div>\n");
    }
}
