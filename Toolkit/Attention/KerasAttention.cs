using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RnnToolkit.Attention;

/// <summary>
/// Keras's <c>keras.layers.Attention</c> (Luong-style), argument for argument, so the documents' Keras models translate
/// one-to-one: <c>Attention(use_scale, score_mode, dropout)([query, value, key], mask=[query_mask, value_mask],
/// return_attention_scores, use_causal_mask)</c>.
/// <code>
/// dot:    scores = Q Kᵀ              (× scale when use_scale; scale starts at 1)
/// concat: scores = w_c · Σ_d tanh(q_i + k_j)   (inside the tanh × scale when use_scale; w_c starts at 1)
/// scores −= 1e9 where value_mask is false or (causal) j &gt; i
/// weights = softmax(scores),  output = weights V,  output = 0 at masked queries
/// </code>
/// Rank-2 inputs (B, d) follow TensorFlow Keras 2, which attends across the batch (see <see cref="KerasDenseAttention.Run"/>).
/// As in Keras, masking subtracts 1e9 rather than −∞: a query whose keys are all masked gets uniform weights.
/// </summary>
public sealed class KerasAttention : KerasDenseAttention
{
    /// <summary>The learned scale (Keras's <c>scale</c>), a scalar, when use_scale; else null.</summary>
    public readonly Parameter? scale;
    /// <summary>The learned concat weight (Keras's <c>concat_score_weight</c>), a scalar, for score_mode concat; else null.</summary>
    public readonly Parameter? concat_score_weight;

    /// <summary>A new layer.</summary>
    /// <param name="useScale">Learn a scalar scale of the scores (Keras use_scale).</param>
    /// <param name="scoreMode">"dot" or "concat" (Keras score_mode).</param>
    /// <param name="dropout">Dropout on the weights while training.</param>
    public KerasAttention(bool useScale = false, string scoreMode = "dot", double dropout = 0) : base(nameof(KerasAttention), null, useScale, dropout)
    {
        if (scoreMode != "dot" && scoreMode != "concat")
            throw new ArgumentException($"KerasAttention: expected score_mode \"dot\" or \"concat\"; got \"{scoreMode}\".", nameof(scoreMode));
        ScoreMode = scoreMode;
        scale = useScale ? new Parameter(ones(1)) : null;
        concat_score_weight = scoreMode == "concat" ? new Parameter(ones(1)) : null;
        RegisterComponents();
    }

    /// <summary>Keras score_mode: "dot" or "concat".</summary>
    public string ScoreMode { get; }

    /// <summary>
    /// dot: scores = Q Kᵀ (× scale); concat: scores = w_c · Σ_d tanh(scale · (q_i + k_j)). Query (…, Tq, d) and key
    /// (…, Tv, d) give (…, Tq, Tv); rank-2 (B, d) give Keras 2's (B, B).
    /// </summary>
    private protected override Tensor Scores(Tensor query, Tensor key)
    {
        if (ScoreMode == "dot")
        {
            var scores = matmul(query, key.transpose(-2, -1));
            return scale is null ? scores : scores * scale;
        }
        var sum = query.unsqueeze(-2) + key.unsqueeze(-3);
        if (scale is not null) sum = sum * scale;
        return concat_score_weight! * sum.tanh().sum(dim: -1);
    }
}
