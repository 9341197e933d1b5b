using static TorchSharp.torch;

namespace RnnToolkit.Training;

/// <summary>
/// A quantity tracked during training, accumulated over the batches of an epoch (Keras' stateful metrics):
/// <see cref="Reset"/>, then <see cref="Update"/> per batch, then <see cref="Result"/>. Built-in ones come from
/// <see cref="Metrics"/>.
/// </summary>
public abstract class Metric
{
    /// <summary>The key under which the value appears in <see cref="History.Values"/> (and <c>val_</c> + it).</summary>
    public abstract string Name { get; }

    /// <summary>Clears the accumulated state.</summary>
    public abstract void Reset();

    /// <summary>Adds a batch (no gradient is taken; tensors made here are disposed).</summary>
    /// <param name="prediction">The model's output for the batch.</param>
    /// <param name="target">The batch's targets.</param>
    public abstract void Update(Tensor prediction, Tensor target);

    /// <summary>The value over everything added since the last <see cref="Reset"/> (NaN when nothing was added).</summary>
    public abstract double Result();

    /// <summary>Computes the metric of a single batch: reset, update, result.</summary>
    /// <param name="prediction">The model's output.</param>
    /// <param name="target">The targets.</param>
    public double Compute(Tensor prediction, Tensor target)
    {
        Reset();
        Update(prediction, target);
        return Result();
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>A metric that is a ratio of two running sums (most metrics).</summary>
public abstract class MeanMetric : Metric
{
    double sum, count;

    /// <inheritdoc />
    public override void Reset() { sum = 0; count = 0; }

    /// <inheritdoc />
    public override void Update(Tensor prediction, Tensor target)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var (s, c) = Accumulate(prediction.detach(), target);
        sum += s;
        count += c;
    }

    /// <inheritdoc />
    public override double Result() => count == 0 ? double.NaN : Finish(sum / count);

    /// <summary>The batch's contribution: a sum and a count (inside a dispose scope and no_grad).</summary>
    /// <param name="prediction">The model's output (detached).</param>
    /// <param name="target">The targets.</param>
    protected abstract (double Sum, double Count) Accumulate(Tensor prediction, Tensor target);

    /// <summary>Maps the mean to the reported value (identity by default; perplexity exponentiates).</summary>
    /// <param name="mean">sum / count.</param>
    protected virtual double Finish(double mean) => mean;
}
