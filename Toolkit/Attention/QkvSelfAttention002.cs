using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RnnToolkit.Attention;

/// <summary>
/// Document 002 §4.3's Keras self-attention model, two ways over the same parameters (Keras Dense layers <c>Q</c>,
/// <c>K</c>, <c>V</c> with tanh):
/// <code>
/// Q = tanh(X W_Qᵀ + b_Q) (B, T, u),  K = tanh(X W_Kᵀ + b_K) (B, T, u),  V = tanh(X W_Vᵀ + b_V) (B, T, e)
/// as printed  (Dot(axes=1) twice, no softmax):  a = Qᵀ K  (B, u, u) — contracts over TIME;
///                                               out = aᵀ V (B, u, e) — contracts a's feature axis with V's time axis,
///                                               so it only runs when u = T, and no position attends to any other.
/// corrected   (self-attention as 002 §2.4 describes it): α = softmax_j(Q_i · K_j / √u) (B, T, T); out = α V (B, T, e).
/// </code>
/// <see cref="AsPrinted"/> selects the form, so a notebook can run both on the same weights and show the difference.
/// </summary>
public sealed class QkvSelfAttention002 : nn.Module<Tensor, Tensor>
{
    /// <summary>The query Dense layer (u, d).</summary>
    public readonly Linear Q;
    /// <summary>The key Dense layer (u, d).</summary>
    public readonly Linear K;
    /// <summary>The value Dense layer (e, d).</summary>
    public readonly Linear V;

    /// <summary>A new model.</summary>
    /// <param name="embeddingSize">d = e, features per step (Keras embedding_dim).</param>
    /// <param name="attentionUnits">u (Keras attention_units); the printed form needs u = T.</param>
    /// <param name="asPrinted">The printed form (true) or the corrected self-attention (false).</param>
    public QkvSelfAttention002(long embeddingSize, long attentionUnits, bool asPrinted = false) : base(nameof(QkvSelfAttention002))
    {
        EmbeddingSize = embeddingSize;
        AttentionUnits = attentionUnits;
        AsPrinted = asPrinted;
        Q = nn.Linear(embeddingSize, attentionUnits);
        K = nn.Linear(embeddingSize, attentionUnits);
        V = nn.Linear(embeddingSize, embeddingSize);
        RegisterComponents();
    }

    /// <summary>d = e.</summary>
    public long EmbeddingSize { get; }
    /// <summary>u.</summary>
    public long AttentionUnits { get; }
    /// <summary>True for the printed form, false for the corrected self-attention.</summary>
    public bool AsPrinted { get; set; }

    /// <summary>The model output: (B, u, e) as printed, (B, T, e) corrected.</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return Run(x).Output.MoveToOuterDisposeScope();
    }

    /// <summary>The output and the "weights": as printed a = QᵀK (B, u, u) (not normalized, feature × feature); corrected α (B, T, T).</summary>
    /// <param name="x">(B, T, d).</param>
    public AttentionResult Run(Tensor x)
    {
        if (x.dim() != 3 || x.shape[2] != EmbeddingSize || x.shape[1] == 0)
            throw new ArgumentException($"QkvSelfAttention002: expected input of shape (B, T ≥ 1, {EmbeddingSize}); got [{string.Join(", ", x.shape)}].", nameof(x));
        if (AsPrinted && x.shape[1] != AttentionUnits)
            throw new ArgumentException($"QkvSelfAttention002 as printed: Dot(axes=1)([a, V]) contracts a's {AttentionUnits} attention units with V's time axis, so it needs T = attention_units = {AttentionUnits}; got T = {x.shape[1]}.", nameof(x));
        using var scope = NewDisposeScope();
        var q = Q.call(x).tanh();
        var k = K.call(x).tanh();
        var v = V.call(x).tanh();
        if (AsPrinted)
        {
            var a = matmul(q.transpose(1, 2), k);               // Dot(axes=1)([Q, K]):  a[b,i,j] = Σ_t Q[b,t,i] K[b,t,j]
            var output = matmul(a.transpose(1, 2), v);          // Dot(axes=1)([a, V]):  out[b,i,j] = Σ_k a[b,k,i] V[b,k,j]
            return new AttentionResult(output, a).MoveToOuter();
        }
        return ScaledDotProductAttention.Compute(q, k, v).MoveToOuter();
    }
}
