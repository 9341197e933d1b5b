using static TorchSharp.torch;

namespace RnnToolkit.Layers;

/// <summary>
/// Keras's GlobalAveragePooling1D (channels last): the mean over time of each feature,
/// (B, T, F) → (B, F). With a padding mask (B, T) the mean runs over the real steps only:
/// <code>y_b = Σ_t m_bt x_bt / Σ_t m_bt      (0 when a row has no real step)</code>
/// </summary>
public sealed class GlobalAveragePooling1D : GlobalPooling1D
{
    /// <summary>A new layer (no parameters).</summary>
    public GlobalAveragePooling1D() : base(nameof(GlobalAveragePooling1D)) { }

    private protected override Tensor Pool(Tensor x) => x.mean([1]);

    private protected override Tensor PoolMasked(Tensor x, Tensor mask)
    {
        var count = mask.sum(1, keepdim: true, type: x.dtype).clamp_min(1);      // (B, 1)
        return x.masked_fill(mask.unsqueeze(2).logical_not(), 0).sum(1) / count;
    }
}
