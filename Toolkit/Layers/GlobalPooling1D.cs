using TorchSharp;
using static TorchSharp.torch;

namespace RnnToolkit.Layers;

/// <summary>
/// What Keras's global 1-D pooling layers share (channels last): (B, T, F) → (B, F), one value per feature over time,
/// optionally over the real steps of a padding mask (B, T) only, and 0 for a row with no real step. A subclass supplies
/// the reduction.
/// </summary>
public abstract class GlobalPooling1D : nn.Module<Tensor, Tensor>
{
    /// <summary>A pooling layer named <paramref name="name"/> (no parameters).</summary>
    /// <param name="name">The module's name.</param>
    private protected GlobalPooling1D(string name) : base(name) { }

    /// <summary>(B, T, F) → (B, F), pooled over all T steps.</summary>
    public override Tensor forward(Tensor x) => forward(x, null);

    /// <summary>(B, T, F) → (B, F), pooled over the steps where <paramref name="mask"/> (B, T, Bool) is true; 0 for a fully padded row.</summary>
    public Tensor forward(Tensor x, Tensor? mask)
    {
        if (x.dim() != 3 || x.shape[1] == 0)
            throw new ArgumentException($"{GetName()}: expected input of shape (B, T, F) (channels last) with T ≥ 1; got [{string.Join(", ", x.shape)}].", nameof(x));
        if (mask is not null && (mask.dim() != 2 || mask.shape[0] != x.shape[0] || mask.shape[1] != x.shape[1] || mask.dtype != ScalarType.Bool))
            throw new ArgumentException($"{GetName()}: expected a mask of shape ({x.shape[0]}, {x.shape[1]}) (batch, time) and dtype Bool; got [{string.Join(", ", mask.shape)}] of {mask.dtype}.", nameof(mask));
        if (mask is null)
            return Pool(x);
        using var scope = NewDisposeScope();
        return PoolMasked(x, mask).MoveToOuterDisposeScope();
    }

    /// <summary>(B, T, F) → (B, F) over every step.</summary>
    private protected abstract Tensor Pool(Tensor x);

    /// <summary>(B, T, F) → (B, F) over the steps where the (B, T) mask is true, 0 for a row without any.</summary>
    private protected abstract Tensor PoolMasked(Tensor x, Tensor mask);
}
