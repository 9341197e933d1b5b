using RnnToolkit.Native;
using RnnToolkit.Notebooks;

namespace RnnToolkit;

/// <summary>The set-up every notebook of the series runs once its packages are referenced.</summary>
public static class Notebook
{
    /// <summary>
    /// Loads TorchSharp's native library (on hosts with an older libstdc++ too), registers the formatters, seeds torch
    /// with <paramref name="seed"/>, prints what it did, and returns the notebook's session with its empty checks.
    /// </summary>
    /// <param name="seed">The seed for torch (the notebooks also pass it to their data generators and trainers).</param>
    public static NotebookSession Start(int seed)
    {
        var native = TorchSharpNative.EnsureLoaded();
        Formatters.Register();
        TorchSharp.torch.random.manual_seed(seed);
        var session = new NotebookSession(seed, native, new NotebookChecks());
        Console.WriteLine(session);
        return session;
    }
}

/// <summary>What <see cref="Notebook.Start"/> set up.</summary>
/// <param name="Seed">The seed torch was given.</param>
/// <param name="Native">How TorchSharp's native library was loaded.</param>
/// <param name="Checks">The notebook's checks, empty; its cells add to them and its last cell verifies them.</param>
public sealed record NotebookSession(int Seed, NativeLoadReport Native, NotebookChecks Checks)
{
    /// <summary>"TorchSharp native library: …; formatters registered; seed …".</summary>
    public override string ToString() => $"TorchSharp native library: {Native.Action}; formatters registered; seed {Seed}";
}
