namespace RnnToolkit.Runner.Export;

/// <summary>The cell tags the exporter reads.</summary>
static class AppCellRules
{
    /// <summary>
    /// A set-up cell that only adds the local package feed to the notebook kernel: the app leaves it out and gets the feed
    /// from the NuGet.config written beside it.
    /// </summary>
    public const string LocalFeedTag = "local-feed";

    /// <summary>papermill's parameters cell: its values become the app's command-line parameters.</summary>
    public const string ParametersTag = "parameters";

    /// <summary>Names the exported app declares itself, which no notebook cell may declare.</summary>
    public static readonly string[] ReservedNames = ["args", "Notebook", ParametersVariable];

    /// <summary>The app's variable holding its parsed command-line parameters.</summary>
    public const string ParametersVariable = "notebookParameters";
}
