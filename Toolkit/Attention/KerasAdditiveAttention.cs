using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RnnToolkit.Attention;

/// <summary>
/// Keras's <c>keras.layers.AdditiveAttention</c> (Bahdanau-style, without projections), argument for argument:
/// <c>AdditiveAttention(use_scale, dropout)([query, value, key], mask=[query_mask, value_mask],
/// return_attention_scores, use_causal_mask)</c>.
/// <code>
/// scores_{ij} = Σ_d scale_d · tanh(q_{i,d} + k_{j,d})     (scale = 1 without use_scale)
/// scores −= 1e9 where value_mask is false or (causal) j &gt; i
/// weights = softmax(scores),  output = dropout(weights) V,  output = 0 at masked queries
/// </code>
/// The scale is a trainable vector of the query's size (Keras builds it lazily from the first input; here the size is
/// given up front), Glorot-uniform as in Keras: U(−√(3/d), √(3/d)). Unlike <see cref="AdditiveAttention"/> (d2l's,
/// with W_q, W_k and v), query and key must already have the same size. Masking and softmax are
/// <see cref="KerasAttention"/>'s: a query whose values are all masked gets uniform weights.
/// </summary>
public sealed class KerasAdditiveAttention : nn.Module<Tensor, Tensor, Tensor>
{
    /// <summary>The learned scale (Keras's <c>scale</c>), shape (d), when use_scale; else null.</summary>
    public readonly Parameter? scale;

    /// <summary>A new layer.</summary>
    /// <param name="dim">d, the features of a query and a key (the size of the scale).</param>
    /// <param name="useScale">Learn the scale vector (Keras use_scale, default true).</param>
    /// <param name="dropout">Dropout on the weights while training.</param>
    public KerasAdditiveAttention(long dim, bool useScale = true, double dropout = 0) : base(nameof(KerasAdditiveAttention))
    {
        if (dim <= 0) throw new ArgumentOutOfRangeException(nameof(dim), dim, "Expected dim > 0.");
        if (dropout < 0 || dropout >= 1) throw new ArgumentOutOfRangeException(nameof(dropout), dropout, "Expected dropout in [0, 1).");
        Dim = dim;
        UseScale = useScale;
        Dropout = dropout;
        double limit = Math.Sqrt(6.0 / (dim + dim));                 // Keras glorot_uniform of a vector: fan_in = fan_out = d
        scale = useScale ? new Parameter(empty(dim).uniform_(-limit, limit)) : null;
        RegisterComponents();
    }

    /// <summary>d, the features of a query and a key.</summary>
    public long Dim { get; }
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
    /// the output and the weights (Keras's attention scores, after masking and softmax, before dropout).
    /// </summary>
    /// <param name="query">(B, Tq, d), or (B, d) for Keras 2's across-the-batch form (as <see cref="KerasAttention"/>: scores (B, B)).</param>
    /// <param name="value">(B, Tv, dv), or (B, dv).</param>
    /// <param name="key">(B, Tv, d) or (B, d), or null to use the value (then dv = d).</param>
    /// <param name="queryMask">(B, Tq) booleans, false where a query is padding (its output is zeroed); or null.</param>
    /// <param name="valueMask">(B, Tv) booleans, false where a value is padding; or null.</param>
    /// <param name="useCausalMask">Query i sees only values j ≤ i.</param>
    public AttentionResult Run(Tensor query, Tensor value, Tensor? key = null, Tensor? queryMask = null, Tensor? valueMask = null, bool useCausalMask = false) =>
        KerasScores.Run(nameof(KerasAdditiveAttention), Dim, Scores, query, value, key, queryMask, valueMask, useCausalMask, Dropout, training);

    /// <summary>scores_{ij} = Σ_d scale_d · tanh(q_{i,d} + k_{j,d}): query (…, Tq, d), key (…, Tv, d) → (…, Tq, Tv).</summary>
    Tensor Scores(Tensor query, Tensor key)
    {
        var t = (query.unsqueeze(-2) + key.unsqueeze(-3)).tanh();                // tanh(q_i + k_j): (…, Tq, Tv, d)
        return (scale is null ? t : t * scale).sum(dim: -1);                    // Σ_d scale_d tanh(…)
    }
}
