using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RnnToolkit.Attention;

/// <summary>
/// Additive attention (Bahdanau et al. 2015):
/// <code>
/// e_{t,i} = vᵀ tanh(W_q q_t + W_k k_i + b)
/// α_{t,i} = softmax_i e_{t,i}          (masked keys excluded)
/// c_t     = Σ_i α_{t,i} v_i             (the values are the keys unless given)
/// </code>
/// In a Seq2Seq decoder q_t is the previous decoder state s_{t−1} and k_i = v_i the encoder outputs h_i.
/// </summary>
public sealed class AdditiveAttention : nn.Module<Tensor, Tensor, Tensor>
{
    /// <summary>W_q: (units, query size), no bias.</summary>
    public readonly Linear query_proj;
    /// <summary>W_k and b: (units, key size), (units).</summary>
    public readonly Linear key_proj;
    /// <summary>vᵀ: (1, units), no bias.</summary>
    public readonly Linear v;

    /// <summary>A new additive attention.</summary>
    /// <param name="querySize">Features of a query (the decoder state).</param>
    /// <param name="keySize">Features of a key (an encoder output).</param>
    /// <param name="units">Size of the hidden scoring layer.</param>
    public AdditiveAttention(long querySize, long keySize, long units) : base(nameof(AdditiveAttention))
    {
        QuerySize = querySize;
        KeySize = keySize;
        query_proj = nn.Linear(querySize, units, hasBias: false);
        key_proj = nn.Linear(keySize, units);
        v = nn.Linear(units, 1, hasBias: false);
        RegisterComponents();
    }

    /// <summary>Features of a query.</summary>
    public long QuerySize { get; }

    /// <summary>Features of a key.</summary>
    public long KeySize { get; }

    /// <summary>The context vectors for queries (B, dq) or (B, Tq, dq) over keys (B, Tk, dk).</summary>
    public override Tensor forward(Tensor query, Tensor keys)
    {
        using var scope = NewDisposeScope();
        return Run(query, keys).Output.MoveToOuterDisposeScope();
    }

    /// <summary>W_k k_i + b for all keys, to pass to <see cref="Run"/> when the same keys are attended at every decoder step.</summary>
    public Tensor ProjectKeys(Tensor keys) => key_proj.call(keys);

    /// <summary>Attention of the queries over the keys.</summary>
    /// <param name="query">(B, dq) for one query per sequence, or (B, Tq, dq).</param>
    /// <param name="keys">(B, Tk, dk).</param>
    /// <param name="values">(B, Tk, dv), or null to use the keys.</param>
    /// <param name="keyMask">(B, Tk) booleans, true where a key is real; or null.</param>
    /// <param name="projectedKeys">The result of <see cref="ProjectKeys"/> for these keys, or null.</param>
    public AttentionResult Run(Tensor query, Tensor keys, Tensor? values = null, Tensor? keyMask = null, Tensor? projectedKeys = null) =>
        QueryAttention.Run(nameof(AdditiveAttention), query, keys, values, keyMask, QuerySize, KeySize, q =>
        {
            var pk = projectedKeys ?? key_proj.call(keys);                                           // W_k k_i + b
            return v.call((query_proj.call(q).unsqueeze(2) + pk.unsqueeze(1)).tanh()).squeeze(-1);   // e_{t,i} = vᵀ tanh(W_q q_t + W_k k_i + b)
        });
}
