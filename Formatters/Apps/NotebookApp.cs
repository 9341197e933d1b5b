namespace RnnToolkit.Formatting;

/// <summary>
/// The host of a notebook exported as a .NET file-based app (<c>dotnet run notebook.cs</c>): the app calls
/// <see cref="Start"/>, <see cref="Cell"/> before each code cell and <see cref="Finish"/> at the end. Text goes to the
/// console; every output (displays, trailing values, console text, the error that stopped the app) also goes into one
/// self-contained HTML report beside the app, in cell order — the report the notebook runner's <c>--html</c> writes,
/// rewritten by write-then-rename after every cell and when the app ends.
/// </summary>
public static class NotebookApp
{
    static AppSession? session;

    /// <summary>The running app's session, null outside a notebook app.</summary>
    internal static AppSession? Session => session;

    /// <summary>Starts the app: captures the console and names the report (<c>&lt;app&gt;.html</c> beside the app's source).</summary>
    /// <param name="title">The notebook's name, the report's title.</param>
    public static void Start(string title)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(title);
        if (session is not null) throw new InvalidOperationException("NotebookApp.Start was already called.");
        session = AppSession.Start(title, AppSource.EntryPointFile());
    }

    /// <summary>Reads the app's parameters from its command line (<c>--name value</c>); an unknown name is an error.</summary>
    /// <param name="args">The app's command-line arguments.</param>
    /// <param name="names">The names of the notebook's parameters.</param>
    /// <returns>The parameters, read with their defaults by <see cref="AppParameters.Get{T}"/>.</returns>
    public static AppParameters Parameters(string[] args, params string[] names) =>
        AppParameters.ParseOrExit(args, names, (name, value) => session?.RecordParameter(name, value));

    /// <summary>Starts code cell <paramref name="index"/> (the notebook's cell index): later outputs belong to it.</summary>
    /// <param name="index">The cell's index in the notebook, from 0.</param>
    public static void Cell(int index) => Require().Cell(index);

    /// <summary>Ends the app: marks the run passed and writes the report.</summary>
    public static void Finish() => Require().Finish();

    static AppSession Require() => session ?? throw new InvalidOperationException("Call NotebookApp.Start first.");
}
