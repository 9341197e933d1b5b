using System.IO.Compression;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace RnnToolkit.Notebooks.Tests;

/// <summary>The packages the notebooks reference carry their metadata: license, readme, description, repository, XML docs.</summary>
[Collection("notebooks")]
public sealed class PackageMetadataTests(PackedFeed feed)
{
    readonly PackedFeed feed = feed;

    static string Version => Regex.Match(File.ReadAllText(Path.Combine(Repository.Root, "Directory.Build.props")), "<Version>([^<]+)</Version>").Groups[1].Value;

    // The address the packages should name: the git remote when it is a public (https) address, else none.
    static string? PublicOrigin()
    {
        var (code, output) = Repository.Run("git", "config", "--get", "remote.origin.url");
        var url = output.Trim();
        return code == 0 && url.StartsWith("https://", StringComparison.Ordinal) ? url : null;
    }

    [Theory]
    [InlineData("RnnToolkit", "RnnToolkit.dll")]
    [InlineData("RnnToolkit.Formatters", "RnnToolkit.Formatters.dll")]
    public void Package_has_license_readme_description_repository_and_docs(string id, string assembly)
    {
        Assert.NotNull(feed);
        var path = Path.Combine(Repository.Root, "artifacts", "feed", $"{id}.{Version}.nupkg");
        Assert.True(File.Exists(path), $"{path} not packed");
        using var zip = ZipFile.OpenRead(path);
        var entries = zip.Entries.Select(e => e.FullName).ToList();
        using var nuspecStream = zip.GetEntry($"{id}.nuspec")!.Open();
        var metadata = XDocument.Load(nuspecStream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string? Value(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;
        XElement? Element(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name);

        Assert.Equal(id, Value("id"));
        Assert.Equal("MIT", Value("license"));
        Assert.Equal("README.md", Value("readme"));
        Assert.Contains("README.md", entries);
        Assert.False(string.IsNullOrWhiteSpace(Value("description")));
        Assert.Contains($"lib/net10.0/{assembly}", entries);
        Assert.Contains($"lib/net10.0/{Path.ChangeExtension(assembly, ".xml")}", entries);
        var repository = Element("repository");
        Assert.NotNull(repository);
        Assert.Equal("git", repository!.Attribute("type")?.Value);
        Assert.Matches("^[0-9a-f]{40}$", repository.Attribute("commit")?.Value ?? "");
        Assert.Equal(PublicOrigin(), repository.Attribute("url")?.Value);
    }
}
