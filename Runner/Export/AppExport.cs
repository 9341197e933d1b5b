using RnnToolkit.Reports;
using RnnToolkit.Runner.Notebooks;

namespace RnnToolkit.Runner.Export;

/// <summary>
/// Exports notebooks as file-based apps into a folder: one <c>&lt;notebook&gt;.cs</c> each, a NuGet.config naming the
/// local package feed by its path relative to that folder (when a notebook adds it), and Directory.Build.props/.targets
/// and Directory.Packages.props that keep a repository's own build settings (warnings as errors, central package
/// versions) away from the apps. Every notebook is translated before anything is written, and each file is written by
/// write-then-rename: a notebook that cannot be translated leaves no output at all.
/// </summary>
static class AppExport
{
    /// <summary>The files written, full paths.</summary>
    /// <exception cref="AppExportException">A notebook cannot be translated (nothing was written).</exception>
    /// <exception cref="NotebookFormatException">A notebook cannot be read.</exception>
    public static IReadOnlyList<string> Export(IReadOnlyList<string> notebooks, string outputFolder, string feedFolder)
    {
        var files = Files(notebooks, outputFolder, feedFolder);
        foreach (var (path, text) in files) AtomicFile.WriteAllText(path, text);
        return files.Select(f => f.Path).ToList();
    }

    /// <summary>The files an export writes (full path and text), without writing them.</summary>
    public static IReadOnlyList<(string Path, string Text)> Files(IReadOnlyList<string> notebooks, string outputFolder, string feedFolder)
    {
        var output = Path.GetFullPath(outputFolder);
        var apps = notebooks.Select(n => NotebookAppWriter.Write(NotebookDocument.Load(n), Path.GetFileNameWithoutExtension(n))).ToList();
        var files = apps.Select(a => (Path.Combine(output, a.FileName), a.Text)).ToList();
        if (apps.Any(a => a.NeedsLocalFeed))
            files.Add((Path.Combine(output, "NuGet.config"), AppFolderFiles.NuGetConfig(Path.GetRelativePath(output, Path.GetFullPath(feedFolder)))));
        files.Add((Path.Combine(output, "Directory.Build.props"), AppFolderFiles.DirectoryBuildProps));
        files.Add((Path.Combine(output, "Directory.Build.targets"), AppFolderFiles.DirectoryBuildTargets));
        files.Add((Path.Combine(output, "Directory.Packages.props"), AppFolderFiles.DirectoryPackagesProps));
        return files;
    }
}
