using System.Text.Json.Nodes;
using RnnToolkit.Runner;

namespace RnnToolkit.Notebooks.Tests;

/// <summary>
/// The two places a notebook runs in the tests: the runner (the kernel hosted in-process, a runner process per run) and
/// Jupyter (nbclient on kernelspec .net-csharp, the dotnet-interactive tool 1.0.712001).
/// </summary>
public static class NotebookHosts
{
    public const string Runner = "runner";
    public const string Jupyter = "jupyter";

    /// <summary>Runs <paramref name="input"/> on <paramref name="host"/> and returns the executed notebook's path.</summary>
    public static async Task<string> ExecuteAsync(string host, string input, string outputFolder)
    {
        Directory.CreateDirectory(outputFolder);
        var executed = Path.Combine(outputFolder, Path.GetFileName(input));
        switch (host)
        {
            case Runner:
                var result = await RunnerLauncher.RunAsync([input, executed], TimeSpan.FromMinutes(5), workingDirectory: Path.GetDirectoryName(input));
                Assert.True(result.ExitCode == 0, $"runner: exit {result.ExitCode}\n{result.StandardOutput}\n{result.StandardError}");
                break;
            case Jupyter:
                var (code, text) = JupyterKernel.Execute(outputFolder, input, minutes: 5);
                Assert.True(code == 0, $"jupyter: exit {code}\n{text}");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(host), host, $"expected \"{Runner}\" or \"{Jupyter}\"");
        }
        return executed;
    }

    /// <summary>A notebook of C# code cells (kernelspec .net-csharp), written to <paramref name="path"/>.</summary>
    public static string Write(string path, params string[] cells)
    {
        var array = new JsonArray();
        for (int i = 0; i < cells.Length; i++)
        {
            array.Add(new JsonObject
            {
                ["cell_type"] = "code",
                ["execution_count"] = null,
                ["id"] = $"cell-{i}",
                ["metadata"] = new JsonObject { ["polyglot_notebook"] = new JsonObject { ["kernelName"] = "csharp" } },
                ["outputs"] = new JsonArray(),
                ["source"] = cells[i],
            });
        }
        var notebook = new JsonObject
        {
            ["cells"] = array,
            ["metadata"] = new JsonObject
            {
                ["kernelspec"] = new JsonObject { ["display_name"] = ".NET (C#)", ["language"] = "C#", ["name"] = ".net-csharp" },
                ["language_info"] = new JsonObject { ["name"] = "C#" },
            },
            ["nbformat"] = 4,
            ["nbformat_minor"] = 5,
        };
        File.WriteAllText(path, notebook.ToJsonString());
        return path;
    }

    /// <summary>The outputs of the one cell whose source contains <paramref name="marker"/>.</summary>
    public static JsonArray OutputsOf(string executed, string marker) =>
        JsonNode.Parse(File.ReadAllText(executed))!["cells"]!.AsArray().Select(c => c!.AsObject())
            .Single(c => Text(c["source"]).Contains(marker, StringComparison.Ordinal))["outputs"]!.AsArray();

    /// <summary>An nbformat multiline string as one string.</summary>
    public static string Text(JsonNode? node) => node switch
    {
        JsonArray a => string.Concat(a.Select(x => (string)x!)),
        null => "",
        _ => (string)node!,
    };
}
