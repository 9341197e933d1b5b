using RnnToolkit.Attention;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RnnToolkit.Models;

/// <summary>
/// One Transformer encoder layer, batch-first, with PyTorch's nn.TransformerEncoderLayer parameter names
/// (<c>self_attn.*</c>, <c>linear1</c>, <c>linear2</c>, <c>norm1</c>, <c>norm2</c>) so weights load one-to-one:
/// <code>
/// post-norm (default):  x = LN₁(x + SA(x));     x = LN₂(x + FF(x))
/// pre-norm (normFirst): x = x + SA(LN₁(x));     x = x + FF(LN₂(x))
/// SA(x) = dropout(MultiHeadAttention(x, x, x)),  FF(x) = dropout(W₂ dropout(act(W₁ x + b₁)) + b₂)
/// </code>
/// </summary>
public sealed class TransformerEncoderBlock : nn.Module<Tensor, Tensor>
{
    /// <summary>The self-attention.</summary>
    public readonly MultiHeadAttention self_attn;
    /// <summary>W₁, b₁: (dim_feedforward, d).</summary>
    public readonly Linear linear1;
    /// <summary>W₂, b₂: (d, dim_feedforward).</summary>
    public readonly Linear linear2;
    /// <summary>LN₁.</summary>
    public readonly LayerNorm norm1;
    /// <summary>LN₂.</summary>
    public readonly LayerNorm norm2;
    readonly Dropout dropout, dropout1, dropout2;

    /// <summary>A new layer (PyTorch's defaults: feed-forward 2048, dropout 0.1, ReLU, post-norm).</summary>
    /// <param name="modelSize">d.</param>
    /// <param name="heads">Attention heads; must divide d.</param>
    /// <param name="feedForwardSize">Hidden units of the feed-forward block.</param>
    /// <param name="dropout">Dropout probability.</param>
    /// <param name="activation">Feed-forward activation.</param>
    /// <param name="normFirst">Pre-norm when true.</param>
    /// <param name="layerNormEps">LayerNorm ε.</param>
    public TransformerEncoderBlock(long modelSize, long heads, long feedForwardSize = 2048, double dropout = 0.1, TransformerActivation activation = TransformerActivation.ReLU, bool normFirst = false, double layerNormEps = 1e-5)
        : base(nameof(TransformerEncoderBlock))
    {
        self_attn = new MultiHeadAttention(modelSize, heads, dropout);
        linear1 = nn.Linear(modelSize, feedForwardSize);
        linear2 = nn.Linear(feedForwardSize, modelSize);
        norm1 = nn.LayerNorm(modelSize, layerNormEps);
        norm2 = nn.LayerNorm(modelSize, layerNormEps);
        this.dropout = nn.Dropout(dropout);
        dropout1 = nn.Dropout(dropout);
        dropout2 = nn.Dropout(dropout);
        Activation = activation;
        NormFirst = normFirst;
        RegisterComponents();
    }

    /// <summary>Feed-forward activation.</summary>
    public TransformerActivation Activation { get; }
    /// <summary>Pre-norm when true, post-norm when false.</summary>
    public bool NormFirst { get; }

    /// <summary>The layer on x (B, T, d) without masks.</summary>
    public override Tensor forward(Tensor x) => Run(x);

    /// <summary>The layer on x (B, T, d).</summary>
    /// <param name="x">(B, T, d).</param>
    /// <param name="keyMask">(B, T) booleans, true where a step is real; or null.</param>
    /// <param name="attentionMask">(T, T) or (B, T, T) booleans, true where step i may see step j; or null.</param>
    /// <param name="causal">Steps cannot see later steps.</param>
    public Tensor Run(Tensor x, Tensor? keyMask = null, Tensor? attentionMask = null, bool causal = false)
    {
        using var scope = NewDisposeScope();
        return Core(x, keyMask, attentionMask, causal, false).Output.MoveToOuterDisposeScope();
    }

    /// <summary><see cref="Run"/> that also returns the self-attention weights per head (B, h, T, T), for plots.</summary>
    public AttentionResult RunWithWeights(Tensor x, Tensor? keyMask = null, Tensor? attentionMask = null, bool causal = false)
    {
        using var scope = NewDisposeScope();
        return Core(x, keyMask, attentionMask, causal, true).MoveToOuter();
    }

    AttentionResult Core(Tensor x, Tensor? keyMask, Tensor? attentionMask, bool causal, bool needWeights)
    {
        Tensor? weights = null;
        Tensor SA(Tensor y)
        {
            var a = self_attn.Run(y, y, y, keyMask, attentionMask, causal, needWeights);
            weights = a.Weights;
            return dropout1.call(a.Output);
        }
        Tensor FF(Tensor y) => dropout2.call(linear2.call(dropout.call(Activation.Apply(linear1.call(y)))));
        if (NormFirst)
        {
            x = x + SA(norm1.call(x));
            x = x + FF(norm2.call(x));
        }
        else
        {
            x = norm1.call(x + SA(x));
            x = norm2.call(x + FF(x));
        }
        return new AttentionResult(x, weights!);
    }
}
