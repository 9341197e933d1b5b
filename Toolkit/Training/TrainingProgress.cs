using System.Globalization;
using System.Text;

namespace RnnToolkit.Training;

/// <summary>
/// A progress report of <c>Trainer.Fit</c>, sent after every batch and at the end of every epoch.
/// <see cref="ToString"/> renders Keras' progress line, so a notebook can show it in one display updated in place.
/// </summary>
/// <param name="Epoch">Zero-based epoch.</param>
/// <param name="Epochs">The epoch count training runs up to.</param>
/// <param name="Batch">Batches done in this epoch.</param>
/// <param name="Batches">Batches per epoch.</param>
/// <param name="Logs">Running values (loss and metrics so far this epoch; at epoch end also val_ ones).</param>
/// <param name="Elapsed">Time since the epoch began.</param>
/// <param name="EpochCompleted">Whether this is the end-of-epoch report.</param>
public sealed record TrainingProgress(int Epoch, int Epochs, int Batch, int Batches, IReadOnlyDictionary<string, double> Logs, TimeSpan Elapsed, bool EpochCompleted)
{
    /// <summary>The fraction of the epoch done.</summary>
    public double Fraction => Batches == 0 ? 1 : (double)Batch / Batches;

    /// <summary>The bar, e.g. <c>[=====&gt;....]</c>.</summary>
    /// <param name="width">Characters inside the brackets.</param>
    public string Bar(int width = 30)
    {
        int done = (int)Math.Floor(Fraction * width);
        var sb = new StringBuilder("[");
        if (done >= width) sb.Append('=', width);
        else
        {
            if (done > 0) sb.Append('=', done - 1).Append('>');
            sb.Append('.', width - done);
        }
        return sb.Append(']').ToString();
    }

    /// <summary>The values formatted as <c>loss: 0.1234 - mae: 0.0456</c>.</summary>
    public string FormatLogs() => string.Join(" - ", Logs.Where(kv => kv.Key != "lr" || EpochCompleted)
        .Select(kv => $"{kv.Key}: {Format(kv.Value)}"));

    static string Format(double v) => Math.Abs(v) is >= 1e-3 and < 1e4 || v == 0
        ? v.ToString("F4", CultureInfo.InvariantCulture)
        : v.ToString("0.0000e+00", CultureInfo.InvariantCulture);

    /// <summary>Keras' line: <c>Epoch 2/10 - 12/32 [=====&gt;....] - 1s - loss: 0.1234</c>.</summary>
    public override string ToString()
    {
        var w = Batches.ToString(CultureInfo.InvariantCulture).Length;
        var logs = FormatLogs();
        return $"Epoch {Epoch + 1}/{Epochs} - {Batch.ToString(CultureInfo.InvariantCulture).PadLeft(w)}/{Batches} {Bar()} - {Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)}s"
            + (logs.Length > 0 ? " - " + logs : "");
    }
}
