using static TorchSharp.torch;

namespace RnnToolkit.Layers;

/// <summary>
/// Keras's GlobalMaxPooling1D (channels last): the maximum over time of each feature,
/// (B, T, F) → (B, F) — the "max over time" of a 1-D CNN text classifier. With a padding mask
/// (B, T) the maximum runs over the real steps only:
/// <code>y_b = max_{t : m_bt} x_bt      (0 when a row has no real step)</code>
/// The gradient flows to the maximal step of each feature.
/// </summary>
public sealed class GlobalMaxPooling1D : GlobalPooling1D
{
    /// <summary>A new layer (no parameters).</summary>
    public GlobalMaxPooling1D() : base(nameof(GlobalMaxPooling1D)) { }

    private protected override Tensor Pool(Tensor x) => x.amax([1]);

    private protected override Tensor PoolMasked(Tensor x, Tensor mask)
    {
        var pooled = x.masked_fill(mask.unsqueeze(2).logical_not(), double.NegativeInfinity).amax([1]);   // (B, F)
        var empty = mask.any(1, keepdim: true).logical_not();                                               // (B, 1)
        return pooled.masked_fill(empty, 0);
    }
}
