using RnnToolkit.Layers;
using static TorchSharp.torch;

namespace RnnToolkit.Attention;

/// <summary>
/// Boolean attention masks. Convention of the whole toolkit (and of Keras): <c>true</c> means "may attend / is real",
/// <c>false</c> means "masked". (PyTorch's nn.MultiheadAttention uses the opposite for its boolean masks;
/// <see cref="FromPyTorch"/> converts.)
/// </summary>
public static class AttentionMasks
{
    /// <summary>The causal mask (Tq, Tk): query i may see key j iff j ≤ i + (Tk − Tq) (j ≤ i for self-attention).</summary>
    /// <param name="queries">Tq.</param>
    /// <param name="keys">Tk (defaults to Tq).</param>
    /// <param name="device">Where to create it.</param>
    public static Tensor Causal(long queries, long? keys = null, Device? device = null)
    {
        long tk = keys ?? queries;
        return ones(queries, tk, dtype: ScalarType.Bool, device: device).tril(tk - queries);
    }

    /// <summary>The key padding mask (B, Tk) from lengths: key j of sequence b is real iff j &lt; lengths[b].</summary>
    public static Tensor FromLengths(Tensor lengths, long keys) => Masks.FromLengths(lengths, lengths.shape[0], keys);

    /// <summary>The mask of a padded id batch (B, T): true where the id is not <paramref name="padId"/>.</summary>
    public static Tensor FromPadding(Tensor ids, long padId = 0) => ids.ne(padId);

    /// <summary>Converts a PyTorch boolean mask (true = ignore) to the toolkit's (true = attend), and back.</summary>
    public static Tensor FromPyTorch(Tensor mask) => mask.logical_not();

    /// <summary>
    /// Combines a key padding mask (B, Tk), an attention mask ((Tq, Tk), (B, Tq, Tk) or (B, h, Tq, Tk)) and causality into
    /// one mask broadcastable to scores of shape (B, [h,] Tq, Tk), or null when nothing is masked. Checks shapes and dtypes.
    /// </summary>
    /// <param name="who">The module name for messages.</param>
    /// <param name="batch">B.</param>
    /// <param name="heads">h, or 0 when the scores have no head dimension.</param>
    /// <param name="queries">Tq.</param>
    /// <param name="keys">Tk.</param>
    /// <param name="keyMask">(B, Tk) booleans, true where a key is real; or null.</param>
    /// <param name="attentionMask">(Tq, Tk), (B, Tq, Tk) or, with heads, (B, h, Tq, Tk) booleans, true where query i may see key j; or null.</param>
    /// <param name="causal">Adds <see cref="Causal"/>.</param>
    /// <param name="device">Device of the scores.</param>
    public static Tensor? Combine(string who, long batch, long heads, long queries, long keys, Tensor? keyMask, Tensor? attentionMask, bool causal, Device device)
    {
        Tensor? allowed = null;
        int rank = heads > 0 ? 4 : 3;
        if (keyMask is not null)
        {
            if (keyMask.dtype != ScalarType.Bool || keyMask.dim() != 2 || keyMask.shape[0] != batch || keyMask.shape[1] != keys)
                throw new ArgumentException($"{who}: expected a key padding mask of shape ({batch}, {keys}) (batch, keys) and dtype Bool; got [{string.Join(", ", keyMask.shape)}] of {keyMask.dtype}.", nameof(keyMask));
            allowed = heads > 0 ? keyMask.view(batch, 1, 1, keys) : keyMask.view(batch, 1, keys);
        }
        if (attentionMask is not null)
        {
            bool ok = attentionMask.dtype == ScalarType.Bool && attentionMask.dim() >= 2 && attentionMask.dim() <= rank
                && attentionMask.shape[^2] == queries && attentionMask.shape[^1] == keys
                && (attentionMask.dim() < 3 || attentionMask.shape[0] == batch)
                && (attentionMask.dim() < 4 || attentionMask.shape[1] == heads);
            if (!ok)
            {
                string expected = heads > 0 ? $"({queries}, {keys}), ({batch}, {queries}, {keys}) or ({batch}, {heads}, {queries}, {keys})" : $"({queries}, {keys}) or ({batch}, {queries}, {keys})";
                throw new ArgumentException($"{who}: expected an attention mask of shape {expected} and dtype Bool; got [{string.Join(", ", attentionMask.shape)}] of {attentionMask.dtype}.", nameof(attentionMask));
            }
            var m = heads > 0 && attentionMask.dim() == 3 ? attentionMask.unsqueeze(1) : attentionMask;
            allowed = allowed is null ? m : allowed.logical_and(m);
        }
        if (causal)
        {
            var c = Causal(queries, keys, device);
            allowed = allowed is null ? c : allowed.logical_and(c);
        }
        return allowed;
    }
}
