using TorchSharp;
using static TorchSharp.torch;

namespace RnnToolkit.Layers;

/// <summary>
/// Keras's Masking(mask_value): a step whose features all equal <see cref="MaskValue"/> is padding.
/// <see cref="ComputeMask"/> gives the (B, T) mask to pass to a recurrent layer's
/// <c>Run(x, mask: …)</c> (or a global pooling layer); <see cref="forward"/> zeroes the padded
/// steps, as Keras's layer does to its output.
/// <code>
/// m_bt = ∃f: x_btf ≠ mask_value
/// y_bt = m_bt ? x_bt : 0
/// </code>
/// </summary>
public sealed class Masking : nn.Module<Tensor, Tensor>
{
    /// <summary>Marks steps whose every feature equals <paramref name="maskValue"/> (Keras's default 0) as padding.</summary>
    public Masking(double maskValue = 0.0) : base(nameof(Masking)) => MaskValue = maskValue;

    /// <summary>The feature value that marks padding.</summary>
    public double MaskValue { get; }

    /// <summary>(B, T, F) → (B, T) Bool, true where a step is real (some feature ≠ <see cref="MaskValue"/>).</summary>
    public Tensor ComputeMask(Tensor x)
    {
        Check(x);
        return Masks.FromValue(x, MaskValue);
    }

    /// <summary>(B, T, F) → (B, T, F) with the padded steps set to 0.</summary>
    public override Tensor forward(Tensor x)
    {
        using var mask = ComputeMask(x);
        using var padded = mask.logical_not().unsqueeze(2);
        return x.masked_fill(padded, 0);
    }

    static void Check(Tensor x)
    {
        if (x.dim() != 3)
            throw new ArgumentException($"Masking: expected input of shape (B, T, F) (batch, time, features); got [{string.Join(", ", x.shape)}].", nameof(x));
    }
}
