using TorchSharp;
using static TorchSharp.torch;

namespace RnnToolkit.Layers;

/// <summary>
/// Keras's GlobalMaxPooling1D (channels last): the maximum over time of each feature,
/// (B, T, F) → (B, F) — the "max over time" of a 1-D CNN text classifier. With a padding mask
/// (B, T) the maximum runs over the real steps only:
/// <code>y_b = max_{t : m_bt} x_bt      (0 when a row has no real step)</code>
/// The gradient flows to the maximal step of each feature.
/// </summary>
public sealed class GlobalMaxPooling1D : nn.Module<Tensor, Tensor>
{
    /// <summary>A new layer (no parameters).</summary>
    public GlobalMaxPooling1D() : base(nameof(GlobalMaxPooling1D)) { }

    /// <summary>(B, T, F) → (B, F), the maximum over all T steps.</summary>
    public override Tensor forward(Tensor x) => forward(x, null);

    /// <summary>(B, T, F) → (B, F), the maximum over the steps where <paramref name="mask"/> (B, T, Bool) is true; 0 for a fully padded row.</summary>
    public Tensor forward(Tensor x, Tensor? mask)
    {
        GlobalPooling.Check(nameof(GlobalMaxPooling1D), x, mask);
        if (mask is null)
            return x.amax([1]);
        using var scope = NewDisposeScope();
        var pooled = x.masked_fill(mask.unsqueeze(2).logical_not(), double.NegativeInfinity).amax([1]);   // (B, F)
        var empty = mask.any(1, keepdim: true).logical_not();                                               // (B, 1)
        return pooled.masked_fill(empty, 0).MoveToOuterDisposeScope();
    }
}
