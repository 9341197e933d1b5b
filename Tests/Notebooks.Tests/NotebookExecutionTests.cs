using RnnToolkit.Runner;

namespace RnnToolkit.Notebooks.Tests;

/// <summary>Every notebook of the series executes under the runner at its default parameters, and its output is valid nbformat 4.5.</summary>
[Collection("notebooks")]
public sealed class NotebookExecutionTests(PackedFeed feed) : IDisposable
{
    readonly PackedFeed feed = feed;
    readonly string output = Directory.CreateTempSubdirectory("rnntoolkit-notebooks-").FullName;

    public void Dispose() => Directory.Delete(output, recursive: true);

    public static IEnumerable<object[]> AllNotebooks() =>
        Directory.GetFiles(Repository.Notebooks, "*.ipynb").Order(StringComparer.Ordinal).Select(p => new object[] { Path.GetFileName(p) });

    [Theory]
    [MemberData(nameof(AllNotebooks))]
    public async Task Notebook_executes_and_keeps_its_promises(string notebook)
    {
        Assert.NotNull(feed);
        string executed = Path.Combine(output, notebook);
        var result = await RunnerLauncher.RunAsync([Path.Combine(Repository.Notebooks, notebook), executed], TimeSpan.FromMinutes(8));
        Assert.True(result.ExitCode == 0, $"{notebook} failed (exit {result.ExitCode}):\n{result.StandardOutput}\n{Tail(result.StandardError)}");
        var (code, text) = Repository.Run("/usr/bin/python3", "-c", "import sys, nbformat; nbformat.validate(nbformat.read(sys.argv[1], as_version=4))", executed);
        Assert.True(code == 0, $"{notebook}: executed notebook is not valid nbformat 4.5:\n{text}");
    }

    static string Tail(string s) => s.Length > 4000 ? s[^4000..] : s;
}
