using RnnToolkit.Cells;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RnnToolkit.Layers;

/// <summary>
/// GRU layer (PyTorch's nn.GRU options and weights, gates r, z, n; Keras's batch-first default):
/// each layer and direction is a <see cref="GruCell"/>. Runs fused or on the cells (<see cref="StandardRecurrent.Backend"/>).
/// </summary>
public sealed class Gru : StandardRecurrent
{
    /// <summary>A new GRU layer with PyTorch's initialization (options as <see cref="Lstm"/>).</summary>
    public Gru(long inputSize, long hiddenSize, long numLayers = 1, bool bias = true, bool batchFirst = true, double dropout = 0, bool bidirectional = false, bool returnSequences = true, double recurrentDropout = 0, bool stateful = false)
        : this(new RecurrentOptions(inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, returnSequences, RecurrentDropout: recurrentDropout, Stateful: stateful).Validated(nameof(Gru))) { }

    Gru(RecurrentOptions o)
        : base(nameof(Gru), nn.GRU(o.InputSize, o.HiddenSize, o.NumLayers, o.Bias, o.BatchFirst, o.Dropout, o.Bidirectional),
               (wih, whh, bih, bhh, _) => new GruCell(wih, whh, bih, bhh), o) { }

    /// <inheritdoc/>
    protected override bool HasSequenceKernel => true;

    private protected override (Tensor Output, Tensor HN, Tensor? CN) RunFused(nn.Module fused, Tensor x, Tensor? h0, Tensor? c0)
    {
        var (y, hn) = ((TorchSharp.Modules.GRU)fused).call(x, h0);
        return (y, hn, null);
    }

    private protected override (nn.utils.rnn.PackedSequence Output, Tensor HN, Tensor? CN) RunFusedPacked(nn.Module fused, nn.utils.rnn.PackedSequence x, Tensor? h0, Tensor? c0)
    {
        var (y, hn) = ((TorchSharp.Modules.GRU)fused).call(x, h0);
        return (y, hn, null);
    }
}
