namespace RnnToolkit.Training;

/// <summary>
/// Sets the learning rate at the start of every epoch from a schedule (Keras' <c>LearningRateScheduler</c>):
/// <c>schedule(epoch, currentRate)</c> returns the rate for that zero-based epoch.
/// </summary>
/// <param name="schedule">Maps (epoch, current learning rate) to the new learning rate.</param>
public sealed class LearningRateScheduler(Func<int, double, double> schedule) : Callback
{
    /// <summary>Exponential decay: <c>initial · rate^epoch</c>.</summary>
    /// <param name="initial">The rate at epoch 0.</param>
    /// <param name="rate">The factor per epoch.</param>
    public static LearningRateScheduler ExponentialDecay(double initial, double rate) => new((epoch, _) => initial * Math.Pow(rate, epoch));

    /// <summary>Step decay: <c>initial · factor^floor(epoch / every)</c>.</summary>
    /// <param name="initial">The rate at epoch 0.</param>
    /// <param name="factor">The factor applied every <paramref name="every"/> epochs.</param>
    /// <param name="every">Epochs between drops.</param>
    public static LearningRateScheduler StepDecay(double initial, double factor, int every) =>
        every > 0 ? new((epoch, _) => initial * Math.Pow(factor, epoch / every)) : throw new ArgumentOutOfRangeException(nameof(every), every, "Must be positive.");

    /// <inheritdoc />
    public override void OnEpochBegin(Trainer trainer, int epoch)
    {
        var lr = schedule(epoch, trainer.LearningRate);
        if (!double.IsFinite(lr) || lr < 0) throw new InvalidOperationException($"The schedule returned an invalid learning rate {lr} for epoch {epoch + 1}.");
        trainer.LearningRate = lr;
    }
}
