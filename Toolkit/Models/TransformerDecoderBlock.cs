using RnnToolkit.Attention;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RnnToolkit.Models;

/// <summary>
/// One Transformer decoder layer, batch-first, with PyTorch's nn.TransformerDecoderLayer parameter names
/// (<c>self_attn</c>, <c>multihead_attn</c>, <c>linear1</c>, <c>linear2</c>, <c>norm1..3</c>):
/// <code>
/// post-norm: y = LN₁(y + SA(y));  y = LN₂(y + CA(y, memory));  y = LN₃(y + FF(y))
/// pre-norm:  y = y + SA(LN₁(y));  y = y + CA(LN₂(y), memory);  y = y + FF(LN₃(y))
/// </code>
/// SA is causal self-attention over the target, CA attention over the encoder output (memory).
/// </summary>
public sealed class TransformerDecoderBlock : nn.Module<Tensor, Tensor, Tensor>
{
    /// <summary>Self-attention over the target.</summary>
    public readonly MultiHeadAttention self_attn;
    /// <summary>Cross-attention over the memory.</summary>
    public readonly MultiHeadAttention multihead_attn;
    /// <summary>W₁, b₁.</summary>
    public readonly Linear linear1;
    /// <summary>W₂, b₂.</summary>
    public readonly Linear linear2;
    /// <summary>LN₁.</summary>
    public readonly LayerNorm norm1;
    /// <summary>LN₂.</summary>
    public readonly LayerNorm norm2;
    /// <summary>LN₃.</summary>
    public readonly LayerNorm norm3;
    readonly Dropout dropout, dropout1, dropout2, dropout3;

    /// <summary>A new layer (PyTorch's defaults).</summary>
    /// <param name="modelSize">d.</param>
    /// <param name="heads">Attention heads; must divide d.</param>
    /// <param name="feedForwardSize">Hidden units of the feed-forward block.</param>
    /// <param name="dropout">Dropout probability.</param>
    /// <param name="activation">Feed-forward activation.</param>
    /// <param name="normFirst">Pre-norm when true.</param>
    /// <param name="layerNormEps">LayerNorm ε.</param>
    public TransformerDecoderBlock(long modelSize, long heads, long feedForwardSize = 2048, double dropout = 0.1, TransformerActivation activation = TransformerActivation.ReLU, bool normFirst = false, double layerNormEps = 1e-5)
        : base(nameof(TransformerDecoderBlock))
    {
        self_attn = new MultiHeadAttention(modelSize, heads, dropout);
        multihead_attn = new MultiHeadAttention(modelSize, heads, dropout);
        linear1 = nn.Linear(modelSize, feedForwardSize);
        linear2 = nn.Linear(feedForwardSize, modelSize);
        norm1 = nn.LayerNorm(modelSize, layerNormEps);
        norm2 = nn.LayerNorm(modelSize, layerNormEps);
        norm3 = nn.LayerNorm(modelSize, layerNormEps);
        this.dropout = nn.Dropout(dropout);
        dropout1 = nn.Dropout(dropout);
        dropout2 = nn.Dropout(dropout);
        dropout3 = nn.Dropout(dropout);
        Activation = activation;
        NormFirst = normFirst;
        RegisterComponents();
    }

    /// <summary>Feed-forward activation.</summary>
    public TransformerActivation Activation { get; }
    /// <summary>Pre-norm when true.</summary>
    public bool NormFirst { get; }

    /// <summary>The layer on target (B, Tt, d) and memory (B, Ts, d), causal over the target, nothing else masked.</summary>
    public override Tensor forward(Tensor target, Tensor memory) => Run(target, memory, causal: true);

    /// <summary>The layer.</summary>
    /// <param name="target">(B, Tt, d).</param>
    /// <param name="memory">(B, Ts, d), the encoder output.</param>
    /// <param name="targetKeyMask">(B, Tt) booleans, true where a target step is real; or null.</param>
    /// <param name="memoryKeyMask">(B, Ts) booleans, true where a source step is real; or null.</param>
    /// <param name="targetMask">(Tt, Tt) or (B, Tt, Tt) booleans for the self-attention; or null.</param>
    /// <param name="causal">Causal self-attention (the usual decoder).</param>
    public Tensor Run(Tensor target, Tensor memory, Tensor? targetKeyMask = null, Tensor? memoryKeyMask = null, Tensor? targetMask = null, bool causal = true)
    {
        using var scope = NewDisposeScope();
        return Core(target, memory, targetKeyMask, memoryKeyMask, targetMask, causal, false).Output.MoveToOuterDisposeScope();
    }

    /// <summary><see cref="Run"/> that also returns the cross-attention weights per head (B, h, Tt, Ts), for plots.</summary>
    public AttentionResult RunWithWeights(Tensor target, Tensor memory, Tensor? targetKeyMask = null, Tensor? memoryKeyMask = null, Tensor? targetMask = null, bool causal = true)
    {
        using var scope = NewDisposeScope();
        return Core(target, memory, targetKeyMask, memoryKeyMask, targetMask, causal, true).MoveToOuter();
    }

    /// <summary>
    /// One step of incremental decoding: the layer's output (B, 1, d) at the newest target position, whose
    /// self-attention sees the layer's inputs at all positions so far. Equals row t of <see cref="Run"/> (causal,
    /// no target masks) on the whole prefix, since causal attention never lets earlier positions see later ones.
    /// </summary>
    /// <param name="next">(B, 1, d), the layer's input at the newest position t.</param>
    /// <param name="history">(B, t + 1, d), the layer's inputs at positions 0 … t (<paramref name="next"/> last).</param>
    /// <param name="memory">(B, Ts, d), the encoder output.</param>
    /// <param name="memoryKeyMask">(B, Ts) booleans, true where a source step is real; or null.</param>
    public Tensor Step(Tensor next, Tensor history, Tensor memory, Tensor? memoryKeyMask = null)
    {
        if (next.dim() != 3 || next.shape[1] != 1 || history.dim() != 3 || history.shape[0] != next.shape[0] || history.shape[2] != next.shape[2])
            throw new ArgumentException($"TransformerDecoderLayer: expected the newest input (B, 1, d) and the inputs so far (B, t + 1, d); got [{string.Join(", ", next.shape)}] and [{string.Join(", ", history.shape)}].", nameof(history));
        using var scope = NewDisposeScope();
        return Core(next, memory, null, memoryKeyMask, null, false, false, history).Output.MoveToOuterDisposeScope();
    }

    AttentionResult Core(Tensor target, Tensor memory, Tensor? targetKeyMask, Tensor? memoryKeyMask, Tensor? targetMask, bool causal, bool needWeights, Tensor? history = null)
    {
        var y = target;
        Tensor? weights = null;
        // Keys and values of the self-attention: the (normalized, pre-norm) inputs so far when stepping, else the queries themselves.
        Tensor SA(Tensor z, Tensor? keys)
        {
            var kv = keys ?? z;
            return dropout1.call(self_attn.Run(z, kv, kv, targetKeyMask, targetMask, causal, needWeights: false).Output);
        }
        Tensor CA(Tensor z)
        {
            var a = multihead_attn.Run(z, memory, memory, memoryKeyMask, null, false, needWeights);
            weights = a.Weights;
            return dropout2.call(a.Output);
        }
        Tensor FF(Tensor z) => dropout3.call(linear2.call(dropout.call(Activation.Apply(linear1.call(z)))));
        if (NormFirst)
        {
            y = y + SA(norm1.call(y), history is null ? null : norm1.call(history));
            y = y + CA(norm2.call(y));
            y = y + FF(norm3.call(y));
        }
        else
        {
            y = norm1.call(y + SA(y, history));
            y = norm2.call(y + CA(y));
            y = norm3.call(y + FF(y));
        }
        return new AttentionResult(y, weights!);
    }
}
