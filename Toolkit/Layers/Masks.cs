using static TorchSharp.torch;

namespace RnnToolkit.Layers;

/// <summary>Padding masks for variable-length batches.</summary>
public static class Masks
{
    /// <summary>
    /// The (B, T) mask of a batch whose sequences have the given lengths: mask[b, t] = t &lt; lengths[b].
    /// </summary>
    /// <param name="lengths">(B) integer lengths, each in [0, T].</param>
    /// <param name="batch">B, the batch size the lengths must match.</param>
    /// <param name="steps">T, the padded length.</param>
    public static Tensor FromLengths(Tensor lengths, long batch, long steps)
    {
        if (lengths.dim() != 1 || lengths.shape[0] != batch)
            throw new ArgumentException($"Expected lengths of shape ({batch}), one per sequence; got [{string.Join(", ", lengths.shape)}].", nameof(lengths));
        if (lengths.is_floating_point() || lengths.dtype == ScalarType.Bool)
            throw new ArgumentException($"Expected integer lengths; got dtype {lengths.dtype}.", nameof(lengths));
        long min = lengths.min().item<long>(), max = lengths.max().item<long>();
        if (min < 0 || max > steps)
            throw new ArgumentException($"Expected every length in [0, {steps}] (the padded length T); got lengths from {min} to {max}.", nameof(lengths));
        using var t = arange(steps, device: lengths.device);
        return t.unsqueeze(0) < lengths.to(ScalarType.Int64).unsqueeze(1);
    }

    /// <summary>The lengths (B) of a prefix mask, or null when some sequence has a real step after a padded one.</summary>
    public static Tensor? ToLengths(Tensor mask)
    {
        using var lengths = mask.sum(1, type: ScalarType.Int64);
        using var prefix = FromLengths(lengths, mask.shape[0], mask.shape[1]);
        return prefix.eq(mask).all().item<bool>() ? lengths.clone() : null;
    }

    /// <summary>
    /// The (B, T) mask of a batch of token ids: true where the id is not <paramref name="padId"/>
    /// (Keras's Embedding(mask_zero=True) with the default padId 0). Pass it with the embedded batch
    /// to a recurrent layer's <c>Run(embedding.forward(ids), mask: Masks.FromTokens(ids))</c>.
    /// </summary>
    /// <param name="ids">(B, T) integer token ids.</param>
    /// <param name="padId">The id of the padding token.</param>
    public static Tensor FromTokens(Tensor ids, long padId = 0)
    {
        if (ids.dim() != 2)
            throw new ArgumentException($"Expected token ids of shape (B, T) (batch, time); got [{string.Join(", ", ids.shape)}].", nameof(ids));
        if (ids.is_floating_point() || ids.dtype == ScalarType.Bool)
            throw new ArgumentException($"Expected integer token ids; got dtype {ids.dtype}.", nameof(ids));
        return ids.ne(padId);
    }

    /// <summary>
    /// The (B, T) mask of a (B, T, F) batch whose padded steps have every feature equal to
    /// <paramref name="maskValue"/> (Keras's Masking layer): mask[b, t] = any_f x[b, t, f] ≠ maskValue.
    /// </summary>
    public static Tensor FromValue(Tensor x, double maskValue = 0.0)
    {
        if (x.dim() != 3)
            throw new ArgumentException($"Expected input of shape (B, T, F) (batch, time, features); got [{string.Join(", ", x.shape)}].", nameof(x));
        using var differs = x.ne(maskValue);
        return differs.any(2);
    }

    /// <summary>Reverses the time axis of x (and nothing else).</summary>
    internal static Tensor FlipTime(Tensor x, bool batchFirst) => x.flip(batchFirst ? 1 : 0);
}
