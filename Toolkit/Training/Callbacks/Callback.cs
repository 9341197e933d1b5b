namespace RnnToolkit.Training;

/// <summary>
/// Hooks into <c>Trainer.Fit</c> (Keras' callbacks). Override the events you need; set
/// <see cref="Trainer.StopTraining"/> to end training after the current epoch.
/// </summary>
public abstract class Callback
{
    /// <summary>Before the first epoch.</summary>
    /// <param name="trainer">The trainer.</param>
    public virtual void OnTrainBegin(Trainer trainer) { }

    /// <summary>Before each epoch.</summary>
    /// <param name="trainer">The trainer.</param>
    /// <param name="epoch">Zero-based epoch index.</param>
    public virtual void OnEpochBegin(Trainer trainer, int epoch) { }

    /// <summary>After the backward pass of each batch, before the optimizer step (gradients are available).</summary>
    /// <param name="trainer">The trainer.</param>
    public virtual void OnAfterBackward(Trainer trainer) { }

    /// <summary>After each batch's optimizer step.</summary>
    /// <param name="trainer">The trainer.</param>
    /// <param name="batch">Zero-based batch index within the epoch.</param>
    /// <param name="loss">The batch's loss.</param>
    public virtual void OnBatchEnd(Trainer trainer, int batch, double loss) { }

    /// <summary>After each epoch, with its values (loss, metrics, val_ ones, lr).</summary>
    /// <param name="trainer">The trainer.</param>
    /// <param name="epoch">Zero-based epoch index.</param>
    /// <param name="logs">The epoch's values.</param>
    public virtual void OnEpochEnd(Trainer trainer, int epoch, IReadOnlyDictionary<string, double> logs) { }

    /// <summary>After the last epoch (also when stopped early).</summary>
    /// <param name="trainer">The trainer.</param>
    public virtual void OnTrainEnd(Trainer trainer) { }
}

/// <summary>Whether a monitored quantity should go down or up.</summary>
public enum MonitorMode
{
    /// <summary>Down for losses and errors; up for names containing acc, bleu or auc.</summary>
    Auto,
    /// <summary>Lower is better.</summary>
    Min,
    /// <summary>Higher is better.</summary>
    Max,
}

/// <summary>Tracks the best value of a monitored key (shared by the callbacks that watch one).</summary>
public abstract class MonitorCallback : Callback
{
    /// <summary>Creates the monitor.</summary>
    /// <param name="monitor">The key to watch (e.g. <c>val_loss</c>).</param>
    /// <param name="mode">Whether lower or higher is better.</param>
    /// <param name="minDelta">The least change that counts as an improvement.</param>
    protected MonitorCallback(string monitor, MonitorMode mode, double minDelta)
    {
        Monitor = monitor;
        MinDelta = Math.Abs(minDelta);
        Higher = mode == MonitorMode.Max || (mode == MonitorMode.Auto &&
            (monitor.Contains("acc", StringComparison.OrdinalIgnoreCase) || monitor.Contains("bleu", StringComparison.OrdinalIgnoreCase) || monitor.Contains("auc", StringComparison.OrdinalIgnoreCase)));
        Best = Higher ? double.NegativeInfinity : double.PositiveInfinity;
    }

    /// <summary>The watched key.</summary>
    public string Monitor { get; }

    /// <summary>The least change that counts as an improvement.</summary>
    public double MinDelta { get; }

    /// <summary>Whether higher values are better.</summary>
    public bool Higher { get; }

    /// <summary>The best value seen.</summary>
    public double Best { get; protected set; }

    /// <summary>Zero-based epoch of <see cref="Best"/>, or -1.</summary>
    public int BestEpoch { get; protected set; } = -1;

    /// <summary>Whether <paramref name="value"/> improves on <see cref="Best"/> by more than <see cref="MinDelta"/>.</summary>
    /// <param name="value">The new value.</param>
    protected bool IsImprovement(double value) =>
        !double.IsNaN(value) && (Higher ? value > Best + MinDelta : value < Best - MinDelta);

    /// <summary>The monitored value in <paramref name="logs"/>; throws a clear error when it is missing.</summary>
    /// <param name="logs">An epoch's values.</param>
    protected double Read(IReadOnlyDictionary<string, double> logs) =>
        logs.TryGetValue(Monitor, out var v) ? v
        : throw new InvalidOperationException($"{GetType().Name} monitors '{Monitor}', which is not among this run's values ({string.Join(", ", logs.Keys)}). Pass validation data for val_ keys, or monitor another key.");

    /// <summary>Resets the best value (called when training begins).</summary>
    protected void ResetBest()
    {
        Best = Higher ? double.NegativeInfinity : double.PositiveInfinity;
        BestEpoch = -1;
    }
}
