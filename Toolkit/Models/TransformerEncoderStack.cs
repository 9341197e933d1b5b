using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RnnToolkit.Models;

/// <summary>A stack of <see cref="TransformerEncoderBlock"/>s with an optional final LayerNorm (PyTorch's nn.TransformerEncoder names: <c>layers.i.*</c>, <c>norm</c>).</summary>
public sealed class TransformerEncoderStack : nn.Module<Tensor, Tensor>
{
    /// <summary>The layers.</summary>
    public readonly ModuleList<TransformerEncoderBlock> layers;
    /// <summary>The final LayerNorm (usual with pre-norm layers), or null.</summary>
    public readonly LayerNorm? norm;

    /// <summary>N layers built by <paramref name="layer"/>(i).</summary>
    public TransformerEncoderStack(int numLayers, Func<int, TransformerEncoderBlock> layer, LayerNorm? norm = null) : base(nameof(TransformerEncoderStack))
    {
        if (numLayers <= 0) throw new ArgumentOutOfRangeException(nameof(numLayers), numLayers, "Expected at least one layer.");
        layers = nn.ModuleList(Enumerable.Range(0, numLayers).Select(layer).ToArray());
        this.norm = norm;
        RegisterComponents();
    }

    /// <summary>The stack on x (B, T, d).</summary>
    public override Tensor forward(Tensor x) => Run(x);

    /// <summary>The stack on x (B, T, d) with masks (see <see cref="TransformerEncoderBlock.Run"/>).</summary>
    public Tensor Run(Tensor x, Tensor? keyMask = null, Tensor? attentionMask = null, bool causal = false)
    {
        using var scope = NewDisposeScope();
        foreach (var l in layers) x = l.Run(x, keyMask, attentionMask, causal);
        if (norm is not null) x = norm.call(x);
        return x.MoveToOuterDisposeScope();
    }
}
