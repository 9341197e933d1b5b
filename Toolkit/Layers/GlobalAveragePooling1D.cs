using TorchSharp;
using static TorchSharp.torch;

namespace RnnToolkit.Layers;

/// <summary>
/// Keras's GlobalAveragePooling1D (channels last): the mean over time of each feature,
/// (B, T, F) → (B, F). With a padding mask (B, T) the mean runs over the real steps only:
/// <code>y_b = Σ_t m_bt x_bt / Σ_t m_bt      (0 when a row has no real step)</code>
/// </summary>
public sealed class GlobalAveragePooling1D : nn.Module<Tensor, Tensor>
{
    /// <summary>A new layer (no parameters).</summary>
    public GlobalAveragePooling1D() : base(nameof(GlobalAveragePooling1D)) { }

    /// <summary>(B, T, F) → (B, F), the mean over all T steps.</summary>
    public override Tensor forward(Tensor x) => forward(x, null);

    /// <summary>(B, T, F) → (B, F), the mean over the steps where <paramref name="mask"/> (B, T, Bool) is true; 0 for a fully padded row.</summary>
    public Tensor forward(Tensor x, Tensor? mask)
    {
        GlobalPooling.Check(nameof(GlobalAveragePooling1D), x, mask);
        if (mask is null)
            return x.mean([1]);
        using var scope = NewDisposeScope();
        var m = mask.unsqueeze(2);                                               // (B, T, 1)
        var count = mask.sum(1, keepdim: true, type: x.dtype).clamp_min(1);      // (B, 1)
        return (x.masked_fill(m.logical_not(), 0).sum(1) / count).MoveToOuterDisposeScope();
    }
}

/// <summary>Input checks shared by the global pooling layers.</summary>
static class GlobalPooling
{
    /// <summary>Throws an <see cref="ArgumentException"/> unless x is (B, T, F) with T ≥ 1 and mask is null or (B, T) Bool.</summary>
    internal static void Check(string layer, Tensor x, Tensor? mask)
    {
        if (x.dim() != 3 || x.shape[1] == 0)
            throw new ArgumentException($"{layer}: expected input of shape (B, T, F) (channels last) with T ≥ 1; got [{string.Join(", ", x.shape)}].", nameof(x));
        if (mask is not null && (mask.dim() != 2 || mask.shape[0] != x.shape[0] || mask.shape[1] != x.shape[1] || mask.dtype != ScalarType.Bool))
            throw new ArgumentException($"{layer}: expected a mask of shape ({x.shape[0]}, {x.shape[1]}) (batch, time) and dtype Bool; got [{string.Join(", ", mask.shape)}] of {mask.dtype}.", nameof(mask));
    }
}
