using System.Globalization;

namespace RnnToolkit.Training;

/// <summary>
/// Saves a checkpoint after epochs (Keras' <c>ModelCheckpoint</c>): every epoch, or only when
/// <see cref="MonitorCallback.Monitor"/> improves. The path may contain <c>{epoch}</c> (one-based) and any logged key,
/// e.g. <c>ckpt-{epoch}-{val_loss:F4}.ckpt</c>. Full checkpoints (model, optimizer, epoch, history) resume training with
/// <see cref="Trainer.LoadCheckpoint"/>; with <see cref="SaveWeightsOnly"/> only the model's weights are written.
/// Files are written atomically.
/// </summary>
public sealed class ModelCheckpoint : MonitorCallback
{
    /// <summary>Creates the callback.</summary>
    /// <param name="filePath">Target path, optionally with <c>{epoch}</c> and <c>{key:format}</c> placeholders.</param>
    /// <param name="monitor">The key that decides "best".</param>
    /// <param name="saveBestOnly">Save only when the monitor improves.</param>
    /// <param name="saveWeightsOnly">Write only the model's weights.</param>
    /// <param name="mode">Whether lower or higher is better.</param>
    public ModelCheckpoint(string filePath, string monitor = "val_loss", bool saveBestOnly = false, bool saveWeightsOnly = false, MonitorMode mode = MonitorMode.Auto)
        : base(monitor, mode, 0)
    {
        FilePath = filePath;
        SaveBestOnly = saveBestOnly;
        SaveWeightsOnly = saveWeightsOnly;
    }

    /// <summary>The path template.</summary>
    public string FilePath { get; }

    /// <summary>Whether only improvements are saved.</summary>
    public bool SaveBestOnly { get; }

    /// <summary>Whether only weights are saved.</summary>
    public bool SaveWeightsOnly { get; }

    /// <summary>The files written, in order.</summary>
    public List<string> Saved { get; } = new();

    /// <inheritdoc />
    public override void OnTrainBegin(Trainer trainer) => ResetBest();

    /// <inheritdoc />
    public override void OnEpochEnd(Trainer trainer, int epoch, IReadOnlyDictionary<string, double> logs)
    {
        if (SaveBestOnly)
        {
            var v = Read(logs);
            if (!IsImprovement(v)) return;
            Best = v;
            BestEpoch = epoch;
        }
        var path = Format(FilePath, epoch, logs);
        // The epoch is complete: a resumed run starts at epoch + 1.
        if (SaveWeightsOnly) trainer.SaveWeights(path);
        else trainer.SaveCheckpoint(path);
        Saved.Add(path);
    }

    static string Format(string template, int epoch, IReadOnlyDictionary<string, double> logs)
    {
        var s = template.Replace("{epoch}", (epoch + 1).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        s = System.Text.RegularExpressions.Regex.Replace(s, @"\{epoch:([^}]+)\}", m => (epoch + 1).ToString(m.Groups[1].Value, CultureInfo.InvariantCulture));
        foreach (var (k, v) in logs)
        {
            s = s.Replace("{" + k + "}", v.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
            s = System.Text.RegularExpressions.Regex.Replace(s, @"\{" + System.Text.RegularExpressions.Regex.Escape(k) + @":([^}]+)\}", m => v.ToString(m.Groups[1].Value, CultureInfo.InvariantCulture));
        }
        return s;
    }
}
