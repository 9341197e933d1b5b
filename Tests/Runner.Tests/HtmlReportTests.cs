using System.Text.Json.Nodes;
using RnnToolkit.Runner.Tests.Support;
using static RnnToolkit.Runner.Tests.Support.TestNotebook;

namespace RnnToolkit.Runner.Tests;

public class HtmlReportTests
{
    [Fact]
    public async Task Report_is_self_contained_with_markdown_math_code_and_outputs()
    {
        using var folder = new TempFolder();
        var markdown = Markdown("# Results\n\nEnergy $E = mc^2$ and\n\n$$\\sum_{i=1}^{n} x_i < 1$$\n\n![plot](attachment:dot.png) `$not math$` costs $5 and $6");
        markdown["attachments"] = new JsonObject { ["dot.png"] = new JsonObject { ["image/png"] = "iVBORw0KGgo=" } };
        var options = new RunnerOptions { HtmlReportPath = folder.File("report.html") };
        options.Parameters.Add(new("label", "<run & \"1\">"));
        var (result, _) = await Run.NotebookAsync(folder, options,
            markdown,
            Code("var items = new List<string> { \"<a>\" };\nConsole.Error.WriteLine(\"careful\");\nHTML(\"<b id='chart'>drawn</b>\")"),
            Code("\"<svg xmlns='http://www.w3.org/2000/svg'><circle r='3'/></svg>\".DisplayAs(\"image/svg+xml\");"),
            Code("throw new ArgumentException(\"bad arg\");"));
        Assert.False(result.Succeeded);
        var html = File.ReadAllText(folder.File("report.html"));
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Contains("<strong>in</strong> — failed, started ", html);
        Assert.Contains("<tr><td>label</td><td><code>&quot;&lt;run &amp; \\&quot;1\\&quot;&gt;&quot;</code></td></tr>", html);
        Assert.Contains("<h1>Results</h1>", html);
        Assert.Contains("Energy <span class=\"math\">$E = mc^2$</span> and", html);
        Assert.Contains("<span class=\"math display\">$$\\sum_{i=1}^{n} x_i &lt; 1$$</span>", html);
        Assert.Contains("src=\"data:image/png;base64,iVBORw0KGgo=\"", html);
        Assert.Contains("<code>$not math$</code>", html);
        Assert.Contains("var items = new List&lt;string&gt; { &quot;&lt;a&gt;&quot; };", html);
        Assert.Contains("<b id='chart'>drawn</b>", html);
        Assert.Contains("<circle r='3'/>", html);
        Assert.Contains("careful", html);
        Assert.Contains("System.ArgumentException: bad arg", html);
        Assert.Contains("An Exception was encountered at", html);
        // Offline: KaTeX and its fonts are inline; nothing is loaded from elsewhere.
        Assert.Contains("renderMathInElement", html);
        Assert.Contains("katex", html);
        Assert.Contains("url(data:font/woff2;base64,", html);
        Assert.DoesNotContain("url(fonts/", html);
        Assert.DoesNotContain("<script src", html);
        Assert.DoesNotContain("<link", html);
        // Chinese headings render where the reader has any common CJK font (macOS, Windows, Linux).
        var bodyFont = System.Text.RegularExpressions.Regex.Match(html, @"body \{ font-family: ([^;]+);").Groups[1].Value;
        Assert.All(new[] { "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC" }, font => Assert.Contains(font, bodyFont));
        Assert.EndsWith("sans-serif", bodyFont);
    }

    [Fact]
    public async Task Report_mode_hides_code_in_the_report()
    {
        using var folder = new TempFolder();
        var options = new RunnerOptions { HtmlReportPath = folder.File("report.html"), ReportMode = true };
        var (result, _) = await Run.NotebookAsync(folder, options, Code("var secretSource = 1;\nConsole.WriteLine(\"visible output\");"));
        Assert.True(result.Succeeded);
        var html = File.ReadAllText(folder.File("report.html"));
        Assert.DoesNotContain("secretSource", html);
        Assert.Contains("visible output", html);
    }
}
