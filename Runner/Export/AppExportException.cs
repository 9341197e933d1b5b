namespace RnnToolkit.Runner.Export;

/// <summary>A notebook that cannot become an app as it is: the message names the notebook, the cell and what was expected.</summary>
public sealed class AppExportException(string message) : Exception(message);
