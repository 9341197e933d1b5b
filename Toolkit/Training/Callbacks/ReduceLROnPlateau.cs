namespace RnnToolkit.Training;

/// <summary>
/// Multiplies the learning rate by <see cref="Factor"/> when <see cref="MonitorCallback.Monitor"/> has not improved for
/// <see cref="Patience"/> epochs, then waits <see cref="Cooldown"/> epochs; never below <see cref="MinLearningRate"/>
/// (Keras' <c>ReduceLROnPlateau</c>).
/// </summary>
public sealed class ReduceLROnPlateau : MonitorCallback
{
    int wait, cooldownLeft;

    /// <summary>Creates the callback.</summary>
    /// <param name="monitor">The key to watch.</param>
    /// <param name="factor">Multiplier of the learning rate (0 &lt; factor &lt; 1).</param>
    /// <param name="patience">Epochs without improvement before reducing.</param>
    /// <param name="minDelta">The least change that counts as an improvement.</param>
    /// <param name="cooldown">Epochs to wait after a reduction.</param>
    /// <param name="minLearningRate">Lower bound of the learning rate.</param>
    /// <param name="mode">Whether lower or higher is better.</param>
    public ReduceLROnPlateau(string monitor = "val_loss", double factor = 0.1, int patience = 10, double minDelta = 1e-4, int cooldown = 0, double minLearningRate = 0, MonitorMode mode = MonitorMode.Auto)
        : base(monitor, mode, minDelta)
    {
        if (factor is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(factor), factor, "The factor must be between 0 and 1 (exclusive).");
        Factor = factor;
        Patience = patience;
        Cooldown = cooldown;
        MinLearningRate = minLearningRate;
    }

    /// <summary>Multiplier of the learning rate.</summary>
    public double Factor { get; }

    /// <summary>Epochs without improvement before reducing.</summary>
    public int Patience { get; }

    /// <summary>Epochs to wait after a reduction.</summary>
    public int Cooldown { get; }

    /// <summary>Lower bound of the learning rate.</summary>
    public double MinLearningRate { get; }

    /// <inheritdoc />
    public override void OnTrainBegin(Trainer trainer)
    {
        ResetBest();
        wait = 0;
        cooldownLeft = 0;
    }

    /// <inheritdoc />
    public override void OnEpochEnd(Trainer trainer, int epoch, IReadOnlyDictionary<string, double> logs)
    {
        var v = Read(logs);
        if (cooldownLeft > 0) { cooldownLeft--; wait = 0; }
        if (IsImprovement(v)) { Best = v; BestEpoch = epoch; wait = 0; return; }
        if (cooldownLeft > 0) return;
        if (++wait >= Patience)
        {
            var old = trainer.LearningRate;
            var lr = Math.Max(old * Factor, MinLearningRate);
            if (lr < old)
            {
                trainer.LearningRate = lr;
                trainer.Report($"Epoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {lr:G4}.");
            }
            cooldownLeft = Cooldown;
            wait = 0;
        }
    }
}
