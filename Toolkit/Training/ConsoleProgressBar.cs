namespace RnnToolkit.Training;

/// <summary>
/// Writes <see cref="TrainingProgress"/> to a console: one line per epoch, redrawn in place with carriage returns while
/// the epoch runs (redraws at most every <see cref="MinInterval"/>), then finished with a newline. This is what
/// <c>verbose: 1</c> uses; <c>verbose: 2</c> uses it with <c>perEpochOnly</c>.
/// </summary>
public sealed class ConsoleProgressBar : IProgress<TrainingProgress>
{
    readonly TextWriter writer;
    readonly bool perEpochOnly;
    DateTime lastDraw = DateTime.MinValue;
    int lastLength;

    /// <summary>Creates the bar.</summary>
    /// <param name="writer">Where to write (the console by default).</param>
    /// <param name="perEpochOnly">Write only the end-of-epoch lines (Keras' verbose 2).</param>
    public ConsoleProgressBar(TextWriter? writer = null, bool perEpochOnly = false)
    {
        this.writer = writer ?? Console.Out;
        this.perEpochOnly = perEpochOnly;
    }

    /// <summary>The least time between two redraws within an epoch.</summary>
    public TimeSpan MinInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <inheritdoc />
    public void Report(TrainingProgress value)
    {
        if (value.EpochCompleted)
        {
            var line = value.ToString();
            if (!perEpochOnly) writer.Write('\r');
            writer.WriteLine(line.PadRight(perEpochOnly ? 0 : lastLength));
            writer.Flush();
            lastLength = 0;
            lastDraw = DateTime.MinValue;
            return;
        }
        if (perEpochOnly) return;
        var now = DateTime.UtcNow;
        if (now - lastDraw < MinInterval) return;
        lastDraw = now;
        var text = value.ToString();
        writer.Write("\r" + text.PadRight(lastLength));
        writer.Flush();
        lastLength = text.Length;
    }

    /// <summary>Writes a message on a line of its own (callbacks' notes).</summary>
    /// <param name="message">The message.</param>
    public void WriteMessage(string message)
    {
        if (lastLength > 0) { writer.WriteLine(); lastLength = 0; }
        writer.WriteLine(message);
        writer.Flush();
    }
}

/// <summary>
/// An <see cref="IProgress{T}"/> that calls an action synchronously (unlike <see cref="Progress{T}"/>, which posts to a
/// synchronization context); use it in a notebook to update one display in place.
/// </summary>
/// <typeparam name="T">The report type.</typeparam>
/// <param name="action">Called with every report.</param>
public sealed class ActionProgress<T>(Action<T> action) : IProgress<T>
{
    /// <inheritdoc />
    public void Report(T value) => action(value);
}
