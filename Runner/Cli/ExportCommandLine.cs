using System.CommandLine;
using RnnToolkit.Runner.Export;
using RnnToolkit.Runner.Notebooks;

namespace RnnToolkit.Runner.Cli;

/// <summary>
/// <c>export &lt;notebook.ipynb | folder&gt; --to app [&lt;output folder&gt;] [--feed folder]</c>: writes each notebook as a .NET
/// file-based app (see <see cref="AppExport"/>). The output folder defaults to <c>apps</c> beside the notebooks, the feed to
/// <c>../artifacts/feed</c> from the notebooks' folder (the folder their set-up cells add). Exit codes: 0 written, 2 bad
/// usage or a notebook that cannot be exported (then nothing is written).
/// </summary>
static class ExportCommandLine
{
    /// <summary>The first argument that selects this command.</summary>
    public const string Name = "export";

    /// <summary>Runs <c>export</c> with <paramref name="args"/> (the arguments after <c>export</c>).</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var input = new Argument<string>("input") { Description = "Notebook (.ipynb) to export, or a folder whose notebooks are all exported." };
        var output = new Argument<string?>("output") { Description = "Folder to write the apps to (default: apps beside the notebooks).", Arity = ArgumentArity.ZeroOrOne };
        var to = new Option<string>("--to") { Description = "What to export to: app (a .NET file-based app, `dotnet run <name>.cs`).", Required = true, HelpName = "app" };
        var feed = new Option<string?>("--feed") { Description = "The local package feed the NuGet.config names (default: ../artifacts/feed from the notebooks' folder).", HelpName = "folder" };
        var command = new RootCommand("Exports notebooks as .NET file-based apps.") { input, output, to, feed };
        var code = ExitCodes.Usage;
        command.SetAction(parse =>
        {
            code = Execute(parse.GetValue(input)!, parse.GetValue(output), parse.GetValue(to)!, parse.GetValue(feed), stdout, stderr);
            return code;
        });
        var result = command.Parse(args);
        if (result.Errors.Count > 0)
        {
            foreach (var error in result.Errors) stderr.WriteLine("error: " + error.Message);
            stderr.WriteLine("Usage: RnnToolkit.Runner export <notebook.ipynb | folder> --to app [<output folder>] [--feed folder]");
            return ExitCodes.Usage;
        }
        await result.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr }).ConfigureAwait(false);
        return code;
    }

    static int Execute(string input, string? output, string to, string? feed, TextWriter stdout, TextWriter stderr)
    {
        if (to != "app")
        {
            stderr.WriteLine($"error: --to: expected app, got '{to}'.");
            return ExitCodes.Usage;
        }
        List<string> notebooks;
        if (Directory.Exists(input))
            notebooks = Directory.GetFiles(input, "*.ipynb").Where(f => !Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal).ToList();
        else if (File.Exists(input))
            notebooks = [input];
        else
        {
            stderr.WriteLine($"error: input '{input}' does not exist: expected a notebook file or a folder of notebooks.");
            return ExitCodes.Usage;
        }
        if (notebooks.Count == 0)
        {
            stderr.WriteLine($"error: folder '{input}' contains no .ipynb notebooks.");
            return ExitCodes.Usage;
        }
        var notebookFolder = Path.GetDirectoryName(Path.GetFullPath(notebooks[0]))!;
        output ??= Path.Combine(notebookFolder, "apps");
        if (File.Exists(output))
        {
            stderr.WriteLine($"error: output '{output}' is a file: expected a folder.");
            return ExitCodes.Usage;
        }
        feed ??= Path.Combine(notebookFolder, "..", "artifacts", "feed");
        try
        {
            foreach (var file in AppExport.Export(notebooks, output, feed)) stdout.WriteLine("wrote " + Path.GetRelativePath(Environment.CurrentDirectory, file));
            return ExitCodes.Success;
        }
        catch (Exception e) when (e is AppExportException or NotebookFormatException)
        {
            stderr.WriteLine("error: " + e.Message);
            return ExitCodes.Usage;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"error: cannot write to '{output}': {e.Message}");
            return ExitCodes.Usage;
        }
    }
}
