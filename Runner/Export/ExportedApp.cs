namespace RnnToolkit.Runner.Export;

/// <summary>One notebook as a file-based app.</summary>
/// <param name="FileName">The app's file name (the notebook's name, <c>.cs</c>).</param>
/// <param name="Text">The app's source.</param>
/// <param name="NeedsLocalFeed">Whether the notebook added the local package feed (a cell tagged <c>local-feed</c>).</param>
sealed record ExportedApp(string FileName, string Text, bool NeedsLocalFeed);
