namespace RnnToolkit.Training;

/// <summary>
/// Stops training as soon as a batch loss is NaN or infinite (Keras' <c>TerminateOnNaN</c>). <c>Trainer.Fit</c>
/// already does this on its own, restoring the last good weights; this callback additionally checks every logged
/// epoch value (e.g. <c>val_loss</c>) and is kept for Keras parity.
/// </summary>
public sealed class TerminateOnNaN : Callback
{
    /// <inheritdoc />
    public override void OnBatchEnd(Trainer trainer, int batch, double loss)
    {
        if (double.IsFinite(loss)) return;
        trainer.StopTraining = true;
        trainer.StopReason ??= $"TerminateOnNaN: batch {batch + 1} has loss {loss}.";
    }

    /// <inheritdoc />
    public override void OnEpochEnd(Trainer trainer, int epoch, IReadOnlyDictionary<string, double> logs)
    {
        foreach (var (k, v) in logs)
            if (!double.IsFinite(v) && k != "lr")
            {
                trainer.StopTraining = true;
                trainer.StopReason ??= $"TerminateOnNaN: '{k}' is {v} at epoch {epoch + 1}.";
                return;
            }
    }
}
