using static TorchSharp.torch;

namespace RnnToolkit.Attention;

/// <summary>
/// What the query/key attentions (<see cref="AdditiveAttention"/>, <see cref="Bahdanau000AsPrintedAttention"/>,
/// <see cref="LuongAttention"/>) do around their score e_{t,i}:
/// <code>
/// α_{t,i} = softmax_i e_{t,i}     (masked keys excluded)
/// c_t     = Σ_i α_{t,i} v_i        (the values are the keys unless given)
/// </code>
/// </summary>
static class QueryAttention
{
    /// <summary>
    /// Checks the shapes, scores the queries with <paramref name="score"/>, then α = softmax over the unmasked keys and
    /// c = α V; a single query per sequence (B, dq) gives c (B, dv) and α (B, Tk).
    /// </summary>
    /// <param name="who">The layer name for messages.</param>
    /// <param name="query">(B, dq) for one query per sequence, or (B, Tq, dq).</param>
    /// <param name="keys">(B, Tk, dk).</param>
    /// <param name="values">(B, Tk, dv), or null to use the keys.</param>
    /// <param name="keyMask">(B, Tk) booleans, true where a key is real; or null.</param>
    /// <param name="querySize">dq.</param>
    /// <param name="keySize">dk.</param>
    /// <param name="score">The layer's e: queries (B, Tq, dq) → scores (B, Tq, Tk), run inside the dispose scope.</param>
    public static AttentionResult Run(string who, Tensor query, Tensor keys, Tensor? values, Tensor? keyMask, long querySize, long keySize, Func<Tensor, Tensor> score)
    {
        bool single = AttentionChecks.Query(who, query, keys, values, querySize, keySize);
        using var scope = NewDisposeScope();
        var q = single ? query.unsqueeze(1) : query;
        var e = score(q);                                                                          // (B, Tq, Tk)
        var mask = AttentionMasks.Combine(who, keys.shape[0], 0, q.shape[1], keys.shape[1], keyMask, null, false, keys.device);
        var alpha = ScaledDotProductAttention.Softmax(e, mask);
        var c = matmul(alpha, values ?? keys);
        return (single ? new AttentionResult(c.squeeze(1), alpha.squeeze(1)) : new AttentionResult(c, alpha)).MoveToOuter();
    }
}
