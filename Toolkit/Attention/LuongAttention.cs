using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RnnToolkit.Attention;

/// <summary>The score functions of Luong et al. (2015).</summary>
public enum LuongScore
{
    /// <summary>score(h_t, h̄_s) = h_tᵀ h̄_s (query and key of the same size).</summary>
    Dot,
    /// <summary>score(h_t, h̄_s) = h_tᵀ W_a h̄_s (bilinear).</summary>
    General,
}

/// <summary>
/// Multiplicative attention (Luong et al. 2015):
/// <code>
/// dot:     e_{t,s} = h_tᵀ h̄_s
/// general: e_{t,s} = h_tᵀ W_a h̄_s
/// α_{t,s} = softmax_s e_{t,s},   c_t = Σ_s α_{t,s} h̄_s
/// </code>
/// (Luong's "concat" score is <see cref="AdditiveAttention"/>.) The attentional state h̃_t = tanh(W_c [c_t; h_t]) is
/// the decoder's business (see <c>RnnToolkit.Models.Seq2Seq</c>).
/// </summary>
public sealed class LuongAttention : nn.Module<Tensor, Tensor, Tensor>
{
    /// <summary>W_a (query size, key size) for <see cref="LuongScore.General"/>, else null.</summary>
    public readonly Linear? W_a;

    /// <summary>A new Luong attention.</summary>
    /// <param name="querySize">Features of h_t.</param>
    /// <param name="keySize">Features of h̄_s; must equal <paramref name="querySize"/> for <see cref="LuongScore.Dot"/>.</param>
    /// <param name="score">Dot or general.</param>
    public LuongAttention(long querySize, long keySize, LuongScore score = LuongScore.General) : base(nameof(LuongAttention))
    {
        if (score == LuongScore.Dot && querySize != keySize)
            throw new ArgumentException($"LuongAttention: the dot score needs queries and keys of the same size; got query size {querySize}, key size {keySize}.", nameof(keySize));
        QuerySize = querySize;
        KeySize = keySize;
        Score = score;
        W_a = score == LuongScore.General ? nn.Linear(keySize, querySize, hasBias: false) : null;
        RegisterComponents();
    }

    /// <summary>Features of a query.</summary>
    public long QuerySize { get; }
    /// <summary>Features of a key.</summary>
    public long KeySize { get; }
    /// <summary>The score function.</summary>
    public LuongScore Score { get; }

    /// <summary>The context vectors for queries (B, dq) or (B, Tq, dq) over keys (B, Tk, dk).</summary>
    public override Tensor forward(Tensor query, Tensor keys)
    {
        using var scope = NewDisposeScope();
        return Run(query, keys).Output.MoveToOuterDisposeScope();
    }

    /// <summary>W_a h̄_s for all keys (the keys themselves for dot), to reuse across decoder steps.</summary>
    public Tensor ProjectKeys(Tensor keys) => W_a is null ? keys.alias() : W_a.call(keys);

    /// <summary>Attention of the queries over the keys.</summary>
    /// <param name="query">(B, dq) or (B, Tq, dq).</param>
    /// <param name="keys">(B, Tk, dk).</param>
    /// <param name="values">(B, Tk, dv), or null to use the keys.</param>
    /// <param name="keyMask">(B, Tk) booleans, true where a key is real; or null.</param>
    /// <param name="projectedKeys">The result of <see cref="ProjectKeys"/>, or null.</param>
    public AttentionResult Run(Tensor query, Tensor keys, Tensor? values = null, Tensor? keyMask = null, Tensor? projectedKeys = null) =>
        QueryAttention.Run(nameof(LuongAttention), query, keys, values, keyMask, QuerySize, KeySize,
            q => matmul(q, (projectedKeys ?? ProjectKeys(keys)).transpose(1, 2)));                  // e_{t,s} = h_tᵀ W_a h̄_s (h_tᵀ h̄_s for dot)
}
