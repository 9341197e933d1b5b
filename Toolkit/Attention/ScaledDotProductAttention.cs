using TorchSharp;
using static TorchSharp.torch;

namespace RnnToolkit.Attention;

/// <summary>
/// Scaled dot-product attention (Vaswani et al. 2017):
/// <code>
/// s_{ij} = q_i · k_j / √d_k        (masked s_{ij} = −∞)
/// α_{ij} = softmax_j s_{ij}
/// o_i    = Σ_j α_{ij} v_j
/// </code>
/// on tensors (…, T, d) with any leading dimensions (batch, heads). A query whose keys are all masked gets all-zero
/// weights and a zero output (PyTorch would give NaN).
/// </summary>
public static class ScaledDotProductAttention
{
    /// <summary>Attention of every query over the keys, returning the output and the weights.</summary>
    /// <param name="query">(…, Tq, d_k).</param>
    /// <param name="key">(…, Tk, d_k), same leading dimensions as the query.</param>
    /// <param name="value">(…, Tk, d_v).</param>
    /// <param name="mask">Booleans broadcastable to (…, Tq, Tk), true where query i may see key j (see <see cref="AttentionMasks.Combine"/>); or null.</param>
    /// <param name="scale">The factor of the scores; null for 1/√d_k.</param>
    /// <param name="dropout">Dropout probability on the weights (only when <paramref name="training"/>).</param>
    /// <param name="training">Whether dropout is active.</param>
    public static AttentionResult Compute(Tensor query, Tensor key, Tensor value, Tensor? mask = null, double? scale = null, double dropout = 0, bool training = false)
    {
        Check(query, key, value);
        using var scope = NewDisposeScope();
        double s = scale ?? 1.0 / Math.Sqrt(query.shape[^1]);
        var scores = matmul(query * s, key.transpose(-2, -1));
        var weights = Softmax(scores, mask);
        var used = dropout > 0 && training ? nn.functional.dropout(weights, dropout, true) : weights;
        return new AttentionResult(matmul(used, value), weights).MoveToOuter();
    }

    /// <summary>softmax over the last dimension with masked entries excluded: weight 0 where <paramref name="mask"/> is false, rows with no allowed entry all 0.</summary>
    /// <param name="scores">(…, Tq, Tk).</param>
    /// <param name="mask">Booleans broadcastable to the scores, true where allowed; or null.</param>
    public static Tensor Softmax(Tensor scores, Tensor? mask)
    {
        if (mask is null) return scores.softmax(-1);
        using var blocked = mask.logical_not();
        using var filled = scores.masked_fill(blocked, double.NegativeInfinity);
        using var w = filled.softmax(-1);
        return w.masked_fill(blocked, 0.0);
    }

    /// <summary>Throws an <see cref="ArgumentException"/> naming expected and actual shapes when query, key and value do not fit together.</summary>
    internal static void Check(Tensor query, Tensor key, Tensor value, string who = nameof(ScaledDotProductAttention))
    {
        static string S(Tensor t) => "[" + string.Join(", ", t.shape) + "]";
        if (query.dim() < 2 || key.dim() != query.dim() || value.dim() != query.dim())
            throw new ArgumentException($"{who}: expected query, key and value of the same rank ≥ 2, (…, T, d); got query {S(query)}, key {S(key)}, value {S(value)}.", nameof(query));
        if (query.shape[^1] != key.shape[^1])
            throw new ArgumentException($"{who}: expected key features d_k = {query.shape[^1]} (the query's); got key {S(key)} for query {S(query)}.", nameof(key));
        if (key.shape[^2] != value.shape[^2])
            throw new ArgumentException($"{who}: expected as many values as keys (Tk = {key.shape[^2]}); got value {S(value)} for key {S(key)}.", nameof(value));
        if (query.shape[^2] == 0 || key.shape[^2] == 0)
            throw new ArgumentException($"{who}: expected at least one query and one key; got query {S(query)}, key {S(key)}.", nameof(query));
        for (int i = 0; i < query.dim() - 2; i++)
            if (query.shape[i] != key.shape[i] || query.shape[i] != value.shape[i])
                throw new ArgumentException($"{who}: expected the same leading (batch) dimensions; got query {S(query)}, key {S(key)}, value {S(value)}.", nameof(key));
    }
}
