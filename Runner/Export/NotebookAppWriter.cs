using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using RnnToolkit.Reports;
using RnnToolkit.Runner.Notebooks;

namespace RnnToolkit.Runner.Export;

/// <summary>
/// Writes a notebook as one .NET file-based app (<c>dotnet run app.cs</c>): <c>#:package</c> directives for its
/// <c>#r "nuget:"</c> references, the using directives of all cells (hoisted, deduplicated), then every cell in order —
/// markdown as comments, code as top-level statements opened by <c>Notebook.Cell(i)</c> (the host in
/// RnnToolkit.Formatters that prints to the console and writes the HTML report), the parameters cell read from the
/// command line — and last the cells' type declarations. A cell marker line (<see cref="AppCellMarker"/>) starts each cell.
/// </summary>
static class NotebookAppWriter
{
    /// <summary>The kernel's default imports, which notebook code relies on without a using directive.</summary>
    static readonly string[] KernelUsings =
        ["using System;", "using System.Collections;", "using System.Collections.Generic;", "using System.Linq;", "using System.Text;", "using System.Threading.Tasks;"];

    /// <summary>The package holding the app host.</summary>
    public const string HostPackage = "RnnToolkit.Formatters";

    /// <summary>The app for <paramref name="notebook"/>, named <paramref name="name"/>.</summary>
    /// <exception cref="AppExportException">A cell cannot be translated.</exception>
    public static ExportedApp Write(NotebookDocument notebook, string name)
    {
        var notebookFile = name + ".ipynb";
        if (CellLanguage.NonCSharpNotebookLanguage(notebook) is { } language)
            throw new AppExportException($"{notebookFile}: expected a C# notebook, got one for '{language}'.");
        var packages = new List<PackageDirective>();
        var usings = new List<string>(KernelUsings);
        var body = new StringBuilder();
        var types = new StringBuilder();
        var declaredBy = new Dictionary<string, NotebookCell>(StringComparer.Ordinal);
        var needsFeed = false;
        var parametersSeen = false;

        for (var index = 0; index < notebook.Cells.Count; index++)
        {
            var json = (JsonObject)notebook.Cells[index]!;
            var cell = new NotebookCell(notebookFile, index, NotebookDocument.Source(json), NotebookDocument.Tags(json));
            switch (NotebookDocument.CellType(json))
            {
                case "markdown":
                    body.Append('\n').Append(AppCellMarker.Line(index, AppCellKind.Markdown)).Append('\n');
                    foreach (var line in cell.Source.TrimEnd().Split('\n')) body.Append(line.Length == 0 ? "//" : "// " + line.TrimEnd('\r')).Append('\n');
                    continue;
                case "code":
                    break;
                default:
                    continue;   // raw cells are not run
            }
            if (!CellLanguage.IsCSharp(CellLanguage.KernelName(json)))
                throw cell.Error("expected a C# cell, got a cell for another kernel.");
            body.Append('\n').Append(AppCellMarker.Line(index, AppCellKind.Code)).Append('\n');
            if (cell.Tags.Contains(AppCellRules.LocalFeedTag))
            {
                needsFeed = true;
                body.Append("// The notebook adds the local package feed (artifacts/feed) to its kernel here; this app gets it from the NuGet.config beside it.\n");
                continue;
            }
            var (code, referenced) = KernelDirectives.Extract(cell);
            packages.AddRange(referenced);
            body.Append(AppCellMarker.CellCall(index)).Append('\n');
            IReadOnlyList<string> declared;
            if (cell.Tags.Contains(AppCellRules.ParametersTag) && !parametersSeen)
            {
                parametersSeen = true;
                var (statements, names) = ParametersCellTranslator.Translate(cell, code);
                body.Append(statements).Append('\n');
                declared = names;
            }
            else
            {
                var translated = CellTranslator.Translate(cell, code);
                foreach (var u in translated.Usings) if (!usings.Contains(u)) usings.Add(u);
                if (translated.Statements.Length > 0) body.Append(translated.Statements).Append('\n');
                if (translated.Types.Length > 0)
                    types.Append('\n').Append(AppCellMarker.Line(index, AppCellKind.Types)).Append('\n').Append(translated.Types).Append('\n');
                declared = translated.Declared;
            }
            foreach (var variable in declared)
            {
                if (declaredBy.TryGetValue(variable, out var earlier) && earlier.Index != index)
                    throw cell.Error($"declares `{variable}` again, which {earlier.Describe()} already declares: a notebook may redeclare a variable in a later cell, a C# app (one scope for all top-level statements) may not; expected a new name.");
                declaredBy[variable] = cell;
            }
        }

        var text = new StringBuilder();
        text.Append($"// {name}: the notebook {notebookFile} as a .NET file-based app, written by `dotnet run --project Runner -- export <notebook> --to app`\n");
        text.Append("// (edit the notebook, then export again). Run: `dotnet run ").Append(name).Append(".cs` (parameters: `dotnet run ").Append(name)
            .Append(".cs -- --name value`).\n");
        text.Append("// Text goes to the console; ").Append(name).Append(".html beside this file gets the report: markdown, code, tables and charts.\n");
        foreach (var package in Packages(notebookFile, packages)) text.Append(package).Append('\n');
        text.Append("#:property PublishAot=false\n\n");
        foreach (var u in usings) text.Append(u).Append('\n');
        text.Append("using Notebook = RnnToolkit.Formatting.NotebookApp;\nusing static RnnToolkit.Formatting.NotebookAppDisplay;\n\n");
        text.Append("Notebook.Start(\"").Append(name).Append("\");\n");
        text.Append(body);
        text.Append('\n').Append(AppCellMarker.FinishCall).Append('\n');
        text.Append(types);
        return new ExportedApp(name + ".cs", text.ToString(), needsFeed);
    }

    /// <summary>The packages, deduplicated, plus the host package if the notebook does not reference it.</summary>
    static IEnumerable<PackageDirective> Packages(string notebook, List<PackageDirective> packages)
    {
        var result = new List<PackageDirective>();
        foreach (var group in packages.GroupBy(p => p.Name, StringComparer.OrdinalIgnoreCase))
        {
            var versions = group.Select(p => p.Version).Distinct().ToList();
            if (versions.Count > 1)
                throw new AppExportException($"{notebook}: package {group.Key} is referenced with versions {string.Join(" and ", versions.Select(v => v ?? "(latest)"))}: expected one version.");
            result.Add(group.First());
        }
        if (!result.Any(p => string.Equals(p.Name, HostPackage, StringComparison.OrdinalIgnoreCase)))
            result.Add(new PackageDirective(HostPackage, HostVersion));
        return result;
    }

    /// <summary>This build's version (the packages of the same repository carry it).</summary>
    static string HostVersion =>
        typeof(NotebookAppWriter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(NotebookAppWriter).Assembly.GetName().Version!.ToString(3);
}
