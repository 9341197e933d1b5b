using RnnToolkit.Cells;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RnnToolkit.Layers;

/// <summary>
/// Deep (stacked) recurrent layers: layer l reads layer l−1's output sequence,
/// <code>h^(l)_t = layer_l(dropout(h^(l−1)_t), h^(l)_{t-1}),   h^(0)_t = x_t</code>
/// with dropout between layers (not after the last), as PyTorch's num_layers/dropout.
/// </summary>
public sealed class Stacked : RecurrentLayer
{
    /// <summary>The layers, bottom first.</summary>
    public readonly ModuleList<RecurrentLayer> Layers;

    /// <summary>Probability of dropping each feature between layers, during training.</summary>
    public double Dropout { get; }

    /// <summary>Stacks <paramref name="layers"/> (bottom first); each must accept the previous one's output size.</summary>
    /// <param name="layers">The layers, bottom first.</param>
    /// <param name="dropout">Dropout between layers during training.</param>
    /// <param name="returnSequences">forward returns every step (default) or the last valid step.</param>
    /// <param name="returnState">Keras's return_state: forward keeps every layer's final states in <see cref="RecurrentLayer.FinalState"/> (bottom first).</param>
    public Stacked(IReadOnlyList<RecurrentLayer> layers, double dropout = 0.0, bool returnSequences = true, bool returnState = false)
        : base(nameof(Stacked), layers.Count > 0 ? layers[0].BatchFirst : true, returnSequences, returnState)
    {
        if (layers.Count == 0)
            throw new ArgumentException("Stacked: expected at least one layer; got none.", nameof(layers));
        if (dropout is < 0 or >= 1)
            throw new ArgumentOutOfRangeException(nameof(dropout), dropout, "Expected a dropout probability in [0, 1).");
        for (int l = 1; l < layers.Count; l++)
        {
            if (layers[l].InputSize != layers[l - 1].OutputSize || layers[l].BatchFirst != layers[0].BatchFirst)
                throw new ArgumentException($"Stacked: layer {l} expects {layers[l].InputSize} input features (batchFirst {layers[l].BatchFirst}) but layer {l - 1} outputs {layers[l - 1].OutputSize} (batchFirst {layers[0].BatchFirst}).", nameof(layers));
        }
        Layers = new ModuleList<RecurrentLayer>([.. layers]);
        Dropout = dropout;
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override long OutputSize => Layers[^1].OutputSize;
    /// <inheritdoc/>
    public override long InputSize => Layers[0].InputSize;
    /// <inheritdoc/>
    public override int StateCount => Layers.Sum(l => l.StateCount);

    /// <inheritdoc/>
    public override RecurrentResult Run(Tensor x, IReadOnlyList<RecurrentState>? initialState = null, Tensor? mask = null)
    {
        CheckStateCount(initialState);
        using var scope = NewDisposeScope();
        var finals = new List<RecurrentState>();
        RecurrentResult? result = null;
        int offset = 0;
        for (int l = 0; l < Layers.Count; l++)
        {
            var layer = Layers[l];
            var input = l == 0 || Dropout == 0 || !training ? x : nn.functional.dropout(x, Dropout, training: true);
            result = layer.Run(input, initialState?.Skip(offset).Take(layer.StateCount).ToList(), mask);
            finals.AddRange(result.Final);
            offset += layer.StateCount;
            x = result.Output;
        }
        return new RecurrentResult(result!.Output, result.Last, finals).MoveToOuter();
    }
}
