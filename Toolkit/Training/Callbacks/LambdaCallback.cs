namespace RnnToolkit.Training;

/// <summary>A callback from delegates (Keras' <c>LambdaCallback</c>), e.g. to update a notebook plot after each epoch.</summary>
public sealed class LambdaCallback : Callback
{
    /// <summary>Called after each epoch with its index and values.</summary>
    public Action<Trainer, int, IReadOnlyDictionary<string, double>>? EpochEnd { get; init; }

    /// <summary>Called after each batch with its index and loss.</summary>
    public Action<Trainer, int, double>? BatchEnd { get; init; }

    /// <summary>Called before the first epoch.</summary>
    public Action<Trainer>? TrainBegin { get; init; }

    /// <summary>Called after the last epoch.</summary>
    public Action<Trainer>? TrainEnd { get; init; }

    /// <inheritdoc />
    public override void OnEpochEnd(Trainer trainer, int epoch, IReadOnlyDictionary<string, double> logs) => EpochEnd?.Invoke(trainer, epoch, logs);

    /// <inheritdoc />
    public override void OnBatchEnd(Trainer trainer, int batch, double loss) => BatchEnd?.Invoke(trainer, batch, loss);

    /// <inheritdoc />
    public override void OnTrainBegin(Trainer trainer) => TrainBegin?.Invoke(trainer);

    /// <inheritdoc />
    public override void OnTrainEnd(Trainer trainer) => TrainEnd?.Invoke(trainer);
}
