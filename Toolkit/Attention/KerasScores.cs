using TorchSharp;
using static TorchSharp.torch;

namespace RnnToolkit.Attention;

/// <summary>
/// What Keras's attention layers (<c>Attention</c>, <c>AdditiveAttention</c>) do once the scores are computed: the
/// base class's <c>_calculate_score_mask</c>, <c>_apply_scores</c> and query masking.
/// <code>
/// allowed_{ij} = value_mask_j ∧ (j ≤ i when use_causal_mask)
/// scores −= 1e9 where not allowed
/// weights = softmax(scores),  output = dropout(weights) V,  output = 0 at masked queries
/// </code>
/// </summary>
static class KerasScores
{
    static string S(Tensor t) => "[" + string.Join(", ", t.shape) + "]";

    /// <summary>
    /// Keras's attention call (<c>BaseDenseAttention.call</c>) once for both layers: key ??= value, the layer's
    /// <paramref name="score"/>(query, key), then <see cref="Apply"/>. Rank-2 query, value and key (B, d) take
    /// TensorFlow Keras 2's form: the query expands to (B, 1, d) and the key to (1, B, d), so the scores are (B, B) and
    /// every example attends over the other examples of the BATCH (001 §4's <c>Attention()([x, x])</c> after
    /// <c>LSTM(64)</c>; the output of one example depends on the rest of the batch). Reproduced to show it.
    /// </summary>
    /// <param name="who">The layer name for messages.</param>
    /// <param name="d">The features of a query and a key that the layer was built for, checked; or null for any.</param>
    /// <param name="score">The layer's scores: query (…, Tq, d), key (…, Tv, d) → (…, Tq, Tv).</param>
    /// <param name="query">(B, Tq, d), or (B, d).</param>
    /// <param name="value">(B, Tv, dv), or (B, dv).</param>
    /// <param name="key">(B, Tv, d) or (B, d), or null to use the value.</param>
    /// <param name="queryMask">(B, Tq) booleans, false where a query is padding; or null.</param>
    /// <param name="valueMask">(B, Tv) booleans, false where a value is padding; or null.</param>
    /// <param name="useCausalMask">Query i sees only values j ≤ i.</param>
    /// <param name="dropout">Dropout on the weights.</param>
    /// <param name="training">Whether dropout is active.</param>
    public static AttentionResult Run(string who, long? d, Func<Tensor, Tensor, Tensor> score, Tensor query, Tensor value, Tensor? key, Tensor? queryMask, Tensor? valueMask, bool useCausalMask, double dropout, bool training)
    {
        key ??= value;
        if (query.dim() == 2 && key.dim() == 2 && value.dim() == 2)
        {
            CheckAcrossBatch(who, d ?? query.shape[1], query, value, key, queryMask, valueMask, useCausalMask);
            using var batchScope = NewDisposeScope();
            return ApplyAcrossBatch(score(query, key), value, dropout, training).MoveToOuter();
        }
        Check(who, query, value, key, queryMask);
        if (d is long features && query.shape[2] != features)
            throw new ArgumentException($"{who}: expected query and key features d = {features}; got query {S(query)}.", nameof(query));
        using var scope = NewDisposeScope();
        return Apply(who, score(query, key), value, queryMask, valueMask, useCausalMask, dropout, training).MoveToOuter();
    }

    /// <summary>Checks query (B, Tq, d), value (B, Tv, dv), key (B, Tv, d) and the query mask (B, Tq); throws naming expected and actual.</summary>
    public static void Check(string who, Tensor query, Tensor value, Tensor key, Tensor? queryMask)
    {
        if (query.dim() != 3 || key.dim() != 3 || value.dim() != 3)
            throw new ArgumentException($"{who}: expected query (B, Tq, d), value (B, Tv, dv) and key (B, Tv, d); got query {S(query)}, value {S(value)}, key {S(key)}.", nameof(query));
        ScaledDotProductAttention.Check(query, key, value, who);
        long B = query.shape[0], Tq = query.shape[1];
        if (queryMask is not null && (queryMask.dtype != ScalarType.Bool || !queryMask.shape.SequenceEqual(new[] { B, Tq })))
            throw new ArgumentException($"{who}: expected a query mask of shape ({B}, {Tq}) and dtype Bool; got {S(queryMask)} of {queryMask.dtype}.", nameof(queryMask));
    }

    /// <summary>Masks the scores (B, Tq, Tv) as Keras does, then weights = softmax, output = dropout(weights) V zeroed at masked queries.</summary>
    /// <param name="who">The layer name for messages.</param>
    /// <param name="scores">(B, Tq, Tv).</param>
    /// <param name="value">(B, Tv, dv).</param>
    /// <param name="queryMask">(B, Tq) booleans, false where a query is padding; or null.</param>
    /// <param name="valueMask">(B, Tv) booleans, false where a value is padding; or null.</param>
    /// <param name="useCausalMask">Query i sees only values j ≤ i.</param>
    /// <param name="dropout">Dropout on the weights.</param>
    /// <param name="training">Whether dropout is active.</param>
    public static AttentionResult Apply(string who, Tensor scores, Tensor value, Tensor? queryMask, Tensor? valueMask, bool useCausalMask, double dropout, bool training)
    {
        long B = scores.shape[0], Tq = scores.shape[1], Tv = scores.shape[2];
        var causal = useCausalMask ? ones(Tq, Tv, dtype: ScalarType.Bool, device: scores.device).tril() : null;   // row index ≥ column index
        var allowed = AttentionMasks.Combine(who, B, 0, Tq, Tv, valueMask, causal, false, scores.device);
        if (allowed is not null) scores = scores - 1e9 * allowed.logical_not().to(scores.dtype);
        var weights = scores.softmax(-1);
        var used = dropout > 0 && training ? nn.functional.dropout(weights, dropout, true) : weights;
        var output = matmul(used, value);
        if (queryMask is not null) output = output * queryMask.unsqueeze(-1).to(output.dtype);
        return new AttentionResult(output, weights);
    }

    /// <summary>
    /// Keras 2's rank-2 form: query (B, d), value (B, dv), key (B, d) give scores (B, B), every example attending over the
    /// other examples of the batch. Checks the shapes (no masks: they need sequences); throws naming expected and actual.
    /// </summary>
    public static void CheckAcrossBatch(string who, long d, Tensor query, Tensor value, Tensor key, Tensor? queryMask, Tensor? valueMask, bool useCausalMask)
    {
        if (queryMask is not null || valueMask is not null || useCausalMask)
            throw new ArgumentException($"{who}: masks need sequences (B, T, d); got rank-2 query {S(query)}.", nameof(query));
        if (query.shape[1] != d || key.shape[1] != d || key.shape[0] != value.shape[0] || query.shape[0] != key.shape[0] || query.shape[0] == 0)
            throw new ArgumentException($"{who}: expected rank-2 query (B, d), value (B, dv) and key (B, d) with the same B ≥ 1 and d = {d}; got query {S(query)}, value {S(value)}, key {S(key)}.", nameof(query));
    }

    /// <summary>The rank-2 form's scores (B, B) → weights = softmax, output = dropout(weights) V (B, dv).</summary>
    public static AttentionResult ApplyAcrossBatch(Tensor scores, Tensor value, double dropout, bool training)
    {
        var weights = scores.softmax(-1);
        var used = dropout > 0 && training ? nn.functional.dropout(weights, dropout, true) : weights;
        return new AttentionResult(matmul(used, value), weights);
    }
}
