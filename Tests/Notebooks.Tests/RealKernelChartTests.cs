using System.IO.Compression;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using static RnnToolkit.Notebooks.Tests.NotebookHosts;

namespace RnnToolkit.Notebooks.Tests;

/// <summary>
/// Charts in the kernel users run: the 1.0.712001 kernel loads its own FSharp.Core 10.0 while Plotly.NET 6 needs 10.1.
/// With RnnToolkit.Formatters referenced (nothing else done), a user's own Plotly.NET chart, an XPlot chart and a
/// toolkit chart each render as HTML plus a static SVG, under Jupyter and under the runner; the kernel keeps one copy
/// of Microsoft.DotNet.Interactive.Formatting, its own.
/// </summary>
[Collection("notebooks")]
public sealed class RealKernelChartTests(PackedFeed feed, JupyterKernel kernel) : IClassFixture<JupyterKernel>, IDisposable
{
    readonly PackedFeed feed = feed;
    readonly JupyterKernel kernel = kernel;
    readonly string folder = Directory.CreateTempSubdirectory("rnntoolkit-charts-").FullName;
    static readonly string Packages = Path.Combine(Repository.Root, "artifacts", "feed");
    static readonly string Version = Regex.Match(File.ReadAllText(Path.Combine(Repository.Root, "Directory.Build.props")), "<Version>([^<]+)</Version>").Groups[1].Value;
    static readonly string FormattingVersion = Regex.Match(File.ReadAllText(Path.Combine(Repository.Root, "Directory.Packages.props")),
        "\"Microsoft.DotNet.Interactive.Formatting\" Version=\"([^\"]+)\"").Groups[1].Value;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Theory]
    [InlineData(NotebookHosts.Jupyter)]
    [InlineData(NotebookHosts.Runner)]
    public async Task Users_plotly_chart_xplot_and_toolkit_charts_render_with_a_static_image(string host)
    {
        Assert.NotNull(feed);
        Assert.NotNull(kernel);
        var input = Write(Path.Combine(folder, "charts.ipynb"),
            $"#i \"nuget:{Packages}\"\n#r \"nuget: RnnToolkit.Formatters, {Version}\"\n#r \"nuget: Plotly.NET.CSharp, 0.14.0\"",
            "// USER\nPlotly.NET.CSharp.Chart.Line<double, double, string>(x: new[] { 1.0, 2.0, 3.0 }, y: new[] { 2.0, 4.0, 3.0 }, Name: \"user-series\")",
            "// XPLOT\nvar xplot = XPlot.Plotly.Chart.Line(new[] { 1.0, 3.0, 2.0 });\nxplot.WithTitle(\"xplot-title\");\nxplot",
            "// TOOLKIT\nRnnToolkit.Formatting.Charts.Lines(new (string, IReadOnlyList<double>)[] { (\"toolkit-series\", new[] { 0.5, 0.25 }) })",
            "// HOST\nConsole.WriteLine($\"fsharp-core {typeof(Microsoft.FSharp.Core.Unit).Assembly.GetName().Version}\");\n"
                + "Console.WriteLine($\"redirects {RnnToolkit.Formatting.FSharpCoreBinding.Redirects}\");\n"
                + "var formatting = AppDomain.CurrentDomain.GetAssemblies().Where(a => a.GetName().Name == \"Microsoft.DotNet.Interactive.Formatting\").ToList();\n"
                + "Console.WriteLine($\"formatting {formatting.Count} {System.Reflection.CustomAttributeExtensions.GetCustomAttribute<System.Reflection.AssemblyInformationalVersionAttribute>(formatting[0])!.InformationalVersion.Split('+')[0]}\");");
        var executed = await ExecuteAsync(host, input, Path.Combine(folder, host));

        foreach (var (marker, name) in new[] { ("// USER", "user-series"), ("// XPLOT", "xplot-title"), ("// TOOLKIT", "toolkit-series") })
        {
            var outputs = OutputsOf(executed, marker);
            Assert.DoesNotContain(outputs, o => (string)o!["output_type"]! == "error");
            var result = Assert.Single(outputs, o => (string)o!["output_type"]! == "execute_result")!;
            var html = Text(result["data"]!["text/html"]);
            Assert.Contains("Plotly.newPlot", html);
            Assert.Contains(name, html);
            var svg = XDocument.Parse(Text(result["data"]!["image/svg+xml"])).Root!;
            Assert.Equal("svg", svg.Name.LocalName);
            Assert.True(svg.Descendants().Count(e => e.Name.LocalName is "polyline" or "path" or "line") > 0, $"{marker}: the SVG draws nothing");
        }

        var printed = string.Concat(OutputsOf(executed, "// HOST").Where(o => (string)o!["output_type"]! == "stream").Select(o => Text(o!["text"])));
        Assert.Contains("fsharp-core 10.0.0.0", printed);                 // the host's FSharp.Core, older than Plotly.NET's 10.1
        Assert.Matches(@"redirects [1-9]\d*", printed);                    // the binding answered Plotly.NET's requests
        Assert.Contains($"formatting 1 {FormattingVersion}", printed);    // one Formatting assembly: the kernel's version
    }

    [Fact]
    public void Formatters_package_uses_the_kernels_formatting_and_registers_itself_on_reference()
    {
        Assert.NotNull(feed);
        using var zip = ZipFile.OpenRead(Path.Combine(Packages, $"RnnToolkit.Formatters.{Version}.nupkg"));
        var entries = zip.Entries.Select(e => e.FullName).ToList();
        Assert.DoesNotContain(entries, e => e.EndsWith("Microsoft.DotNet.Interactive.Formatting.dll", StringComparison.OrdinalIgnoreCase));
        using (var nuspec = zip.GetEntry("RnnToolkit.Formatters.nuspec")!.Open())
        {
            var dependency = XDocument.Load(nuspec).Descendants().Single(e => e.Name.LocalName == "dependency" && (string?)e.Attribute("id") == "Microsoft.DotNet.Interactive.Formatting");
            Assert.Equal("1.0.0-beta.26120.1", (string?)dependency.Attribute("version"));
        }
        var extension = zip.GetEntry("interactive-extensions/dotnet/extension.dib");
        Assert.NotNull(extension);
        using var reader = new StreamReader(extension!.Open());
        Assert.Contains("RnnToolkit.Formatters.Register();", reader.ReadToEnd());
    }
}
