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
public sealed class KerasAdditiveAttention : KerasDenseAttention
{
    /// <summary>The learned scale (Keras's <c>scale</c>), shape (d), when use_scale; else null.</summary>
    public readonly Parameter? scale;

    /// <summary>A new layer.</summary>
    /// <param name="dim">d, the features of a query and a key (the size of the scale).</param>
    /// <param name="useScale">Learn the scale vector (Keras use_scale, default true).</param>
    /// <param name="dropout">Dropout on the weights while training.</param>
    public KerasAdditiveAttention(long dim, bool useScale = true, double dropout = 0) : base(nameof(KerasAdditiveAttention), dim, useScale, dropout)
    {
        if (dim <= 0) throw new ArgumentOutOfRangeException(nameof(dim), dim, "Expected dim > 0.");
        Dim = dim;
        double limit = Math.Sqrt(6.0 / (dim + dim));                 // Keras glorot_uniform of a vector: fan_in = fan_out = d
        scale = useScale ? new Parameter(empty(dim).uniform_(-limit, limit)) : null;
        RegisterComponents();
    }

    /// <summary>d, the features of a query and a key.</summary>
    public long Dim { get; }

    /// <summary>scores_{ij} = Σ_d scale_d · tanh(q_{i,d} + k_{j,d}): query (…, Tq, d), key (…, Tv, d) → (…, Tq, Tv).</summary>
    private protected override Tensor Scores(Tensor query, Tensor key)
    {
        var t = (query.unsqueeze(-2) + key.unsqueeze(-3)).tanh();                // tanh(q_i + k_j): (…, Tq, Tv, d)
        return (scale is null ? t : t * scale).sum(dim: -1);                    // Σ_d scale_d tanh(…)
    }
}
