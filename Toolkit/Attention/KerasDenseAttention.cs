using TorchSharp;
using static TorchSharp.torch;

namespace RnnToolkit.Attention;

/// <summary>
/// What Keras's dense attention layers (<see cref="KerasAttention"/>, <see cref="KerasAdditiveAttention"/>) share, as
/// Keras's own base class does: the call <c>layer([query, value, key], mask=[query_mask, value_mask],
/// return_attention_scores=True, use_causal_mask)</c>, use_scale and dropout. A layer supplies only its scores.
/// <code>
/// scores = score(Q, K)                         (the layer's equation)
/// scores −= 1e9 where value_mask is false or (causal) j &gt; i
/// weights = softmax(scores),  output = dropout(weights) V,  output = 0 at masked queries
/// </code>
/// </summary>
public abstract class KerasDenseAttention : nn.Module<Tensor, Tensor, Tensor>
{
    readonly long? dim;

    /// <summary>A layer named <paramref name="name"/>.</summary>
    /// <param name="name">The module's name.</param>
    /// <param name="dim">The features of a query and a key the layer is built for (checked on every call), or null for any.</param>
    /// <param name="useScale">Keras use_scale.</param>
    /// <param name="dropout">Dropout on the weights while training, in [0, 1).</param>
    private protected KerasDenseAttention(string name, long? dim, bool useScale, double dropout) : base(name)
    {
        if (dropout < 0 || dropout >= 1) throw new ArgumentOutOfRangeException(nameof(dropout), dropout, "Expected dropout in [0, 1).");
        this.dim = dim;
        UseScale = useScale;
        Dropout = dropout;
    }

    /// <summary>Keras use_scale.</summary>
    public bool UseScale { get; }
    /// <summary>Keras dropout.</summary>
    public double Dropout { get; }

    /// <summary>Keras <c>layer([query, value])</c>: the output (B, Tq, dv), with the value as key.</summary>
    public override Tensor forward(Tensor query, Tensor value)
    {
        using var scope = NewDisposeScope();
        return Run(query, value).Output.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Keras <c>layer([query, value, key], mask=[queryMask, valueMask], return_attention_scores=True, use_causal_mask=…)</c>:
    /// the output and the weights (Keras's attention scores, after masking and softmax, before dropout). Rank-2 query,
    /// value and key (B, d) reproduce TensorFlow Keras 2: scores (B, B), i.e. attention across the batch (001 §4's
    /// <c>Attention()([x, x])</c> after <c>LSTM(64)</c>), with weights (B, B) and output (B, dv).
    /// </summary>
    /// <param name="query">(B, Tq, d), or (B, d) for Keras 2's across-the-batch form.</param>
    /// <param name="value">(B, Tv, dv), or (B, dv).</param>
    /// <param name="key">(B, Tv, d) or (B, d), or null to use the value (then dv = d).</param>
    /// <param name="queryMask">(B, Tq) booleans, false where a query is padding (its output is zeroed); or null.</param>
    /// <param name="valueMask">(B, Tv) booleans, false where a value is padding; or null.</param>
    /// <param name="useCausalMask">Query i sees only values j ≤ i.</param>
    public AttentionResult Run(Tensor query, Tensor value, Tensor? key = null, Tensor? queryMask = null, Tensor? valueMask = null, bool useCausalMask = false) =>
        KerasScores.Run(GetName(), dim, Scores, query, value, key, queryMask, valueMask, useCausalMask, Dropout, training);

    /// <summary>The layer's scores: query (…, Tq, d), key (…, Tv, d) → (…, Tq, Tv); rank-2 (B, d) give Keras 2's (B, B).</summary>
    private protected abstract Tensor Scores(Tensor query, Tensor key);
}
