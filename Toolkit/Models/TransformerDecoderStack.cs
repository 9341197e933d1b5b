using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RnnToolkit.Models;

/// <summary>A stack of <see cref="TransformerDecoderBlock"/>s with an optional final LayerNorm (PyTorch's nn.TransformerDecoder names).</summary>
public sealed class TransformerDecoderStack : nn.Module<Tensor, Tensor, Tensor>
{
    /// <summary>The layers.</summary>
    public readonly ModuleList<TransformerDecoderBlock> layers;
    /// <summary>The final LayerNorm, or null.</summary>
    public readonly LayerNorm? norm;

    /// <summary>N layers built by <paramref name="layer"/>(i).</summary>
    public TransformerDecoderStack(int numLayers, Func<int, TransformerDecoderBlock> layer, LayerNorm? norm = null) : base(nameof(TransformerDecoderStack))
    {
        if (numLayers <= 0) throw new ArgumentOutOfRangeException(nameof(numLayers), numLayers, "Expected at least one layer.");
        layers = nn.ModuleList(Enumerable.Range(0, numLayers).Select(layer).ToArray());
        this.norm = norm;
        RegisterComponents();
    }

    /// <summary>The stack on target (B, Tt, d) and memory (B, Ts, d), causal over the target.</summary>
    public override Tensor forward(Tensor target, Tensor memory) => Run(target, memory);

    /// <summary>The stack with masks (see <see cref="TransformerDecoderBlock.Run"/>).</summary>
    public Tensor Run(Tensor target, Tensor memory, Tensor? targetKeyMask = null, Tensor? memoryKeyMask = null, Tensor? targetMask = null, bool causal = true)
    {
        using var scope = NewDisposeScope();
        var y = target;
        foreach (var l in layers) y = l.Run(y, memory, targetKeyMask, memoryKeyMask, targetMask, causal);
        if (norm is not null) y = norm.call(y);
        return y.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// One step of incremental decoding through the stack (see <see cref="TransformerDecoderBlock.Step"/>): the output
    /// (B, 1, d) at the newest position and every layer's inputs so far, to pass back at the next step.
    /// </summary>
    /// <param name="next">(B, 1, d), the stack's input at the newest position t.</param>
    /// <param name="history">Per layer, its inputs at positions 0 … t − 1: (B, t, d) (t = 0 at the first step).</param>
    /// <param name="memory">(B, Ts, d), the encoder output.</param>
    /// <param name="memoryKeyMask">(B, Ts) booleans, true where a source step is real; or null.</param>
    public (Tensor Output, Tensor[] History) Step(Tensor next, IReadOnlyList<Tensor> history, Tensor memory, Tensor? memoryKeyMask = null)
    {
        if (history.Count != layers.Count)
            throw new ArgumentException($"TransformerDecoder: expected the inputs so far of each of the {layers.Count} layers; got {history.Count}.", nameof(history));
        using var scope = NewDisposeScope();
        var y = next;
        var updated = new Tensor[layers.Count];
        for (int l = 0; l < layers.Count; l++)
        {
            updated[l] = cat([history[l], y], 1).MoveToOuterDisposeScope();
            y = layers[l].Step(y, updated[l], memory, memoryKeyMask);
        }
        if (norm is not null) y = norm.call(y);
        return (y.MoveToOuterDisposeScope(), updated);
    }
}
