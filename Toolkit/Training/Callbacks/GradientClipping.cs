using TorchSharp;

namespace RnnToolkit.Training;

/// <summary>
/// Clips gradients after each backward pass, before the optimizer step: by global norm (Keras' <c>global_clipnorm</c>,
/// PyTorch's <c>clip_grad_norm_</c>) or elementwise by value (<c>clipvalue</c>, <c>clip_grad_value_</c>).
/// </summary>
public sealed class GradientClipping : Callback
{
    GradientClipping(double? maxNorm, double? maxValue)
    {
        MaxNorm = maxNorm;
        MaxValue = maxValue;
    }

    /// <summary>Rescales all gradients together so their global L2 norm is at most <paramref name="maxNorm"/>.</summary>
    /// <param name="maxNorm">The largest allowed global norm (positive).</param>
    public static GradientClipping ByGlobalNorm(double maxNorm) =>
        maxNorm > 0 ? new(maxNorm, null) : throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "The maximum norm must be positive.");

    /// <summary>Clamps every gradient element to [-<paramref name="maxValue"/>, <paramref name="maxValue"/>].</summary>
    /// <param name="maxValue">The largest allowed magnitude (positive).</param>
    public static GradientClipping ByValue(double maxValue) =>
        maxValue > 0 ? new(null, maxValue) : throw new ArgumentOutOfRangeException(nameof(maxValue), maxValue, "The maximum value must be positive.");

    /// <summary>The global-norm bound, if clipping by norm.</summary>
    public double? MaxNorm { get; }

    /// <summary>The value bound, if clipping by value.</summary>
    public double? MaxValue { get; }

    /// <summary>The global gradient norm before clipping at the last batch (when clipping by norm).</summary>
    public double LastNorm { get; private set; } = double.NaN;

    /// <inheritdoc />
    public override void OnAfterBackward(Trainer trainer)
    {
        var ps = trainer.Model.parameters().Where(p => p.requires_grad && p.grad is not null).ToList();
        if (ps.Count == 0) return;
        if (MaxNorm is double n) LastNorm = torch.nn.utils.clip_grad_norm_(ps, n);
        else if (MaxValue is double v) torch.nn.utils.clip_grad_value_(ps, v);
    }
}
