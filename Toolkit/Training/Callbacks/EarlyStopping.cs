namespace RnnToolkit.Training;

/// <summary>
/// Stops training when <see cref="MonitorCallback.Monitor"/> has not improved for <see cref="Patience"/> epochs in a row (at least one)
/// (Keras' <c>EarlyStopping</c>). With <see cref="RestoreBestWeights"/>, the weights of the best epoch are put back
/// when training ends.
/// </summary>
public sealed class EarlyStopping : MonitorCallback
{
    readonly double? baseline;
    WeightSnapshot? bestWeights;
    int wait;

    /// <summary>Creates the callback.</summary>
    /// <param name="monitor">The key to watch.</param>
    /// <param name="patience">Epochs without improvement before stopping.</param>
    /// <param name="minDelta">The least change that counts as an improvement.</param>
    /// <param name="mode">Whether lower or higher is better.</param>
    /// <param name="restoreBestWeights">Put the best epoch's weights back at the end.</param>
    /// <param name="baseline">A value the monitor must beat to count as improving at all.</param>
    public EarlyStopping(string monitor = "val_loss", int patience = 0, double minDelta = 0, MonitorMode mode = MonitorMode.Auto, bool restoreBestWeights = false, double? baseline = null)
        : base(monitor, mode, minDelta)
    {
        Patience = patience;
        RestoreBestWeights = restoreBestWeights;
        this.baseline = baseline;
    }

    /// <summary>Epochs without improvement before stopping.</summary>
    public int Patience { get; }

    /// <summary>Whether the best weights are restored at the end.</summary>
    public bool RestoreBestWeights { get; }

    /// <summary>The zero-based epoch at which training was stopped, or -1.</summary>
    public int StoppedEpoch { get; private set; } = -1;

    /// <inheritdoc />
    public override void OnTrainBegin(Trainer trainer)
    {
        ResetBest();
        if (baseline is double b) Best = b;
        wait = 0;
        StoppedEpoch = -1;
        bestWeights?.Dispose();
        bestWeights = null;
    }

    /// <inheritdoc />
    public override void OnEpochEnd(Trainer trainer, int epoch, IReadOnlyDictionary<string, double> logs)
    {
        var v = Read(logs);
        if (IsImprovement(v))
        {
            Best = v;
            BestEpoch = epoch;
            wait = 0;
            if (RestoreBestWeights)
            {
                bestWeights?.Dispose();
                bestWeights = WeightSnapshot.Capture(trainer.Model);
            }
            return;
        }
        wait++;
        if (wait >= Patience)
        {
            StoppedEpoch = epoch;
            trainer.StopTraining = true;
            trainer.StopReason = $"EarlyStopping: '{Monitor}' did not improve for {wait} epochs (best {Best:G5} at epoch {BestEpoch + 1}).";
        }
    }

    /// <inheritdoc />
    public override void OnTrainEnd(Trainer trainer)
    {
        if (RestoreBestWeights && bestWeights is not null)
        {
            bestWeights.Restore(trainer.Model);
            trainer.Report($"Restoring model weights from the end of the best epoch: {BestEpoch + 1}.");
        }
        bestWeights?.Dispose();
        bestWeights = null;
    }
}
