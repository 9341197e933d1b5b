using RnnToolkit.Cells;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RnnToolkit.Layers;

/// <summary>
/// LSTM layer (PyTorch's nn.LSTM options and weights, Keras's batch-first default and
/// return_sequences): each layer and direction is an <see cref="LstmCell"/> (gates i, f, g, o;
/// weight_ih_l0 of shape (4H, I)). Runs on libtorch's fused kernel or on the cells (<see cref="StandardRecurrent.Backend"/>).
/// </summary>
public sealed class LSTM : StandardRecurrent
{
    /// <summary>A new LSTM layer with PyTorch's initialization.</summary>
    /// <param name="inputSize">Features per input step.</param>
    /// <param name="hiddenSize">Hidden units per direction.</param>
    /// <param name="numLayers">Stacked layers.</param>
    /// <param name="bias">Whether the layers have biases.</param>
    /// <param name="batchFirst">(B, T, F) input and output when true (default).</param>
    /// <param name="dropout">Dropout between stacked layers during training.</param>
    /// <param name="bidirectional">Run both directions and concatenate.</param>
    /// <param name="returnSequences">forward returns every step (default) or the last valid step.</param>
    public LSTM(long inputSize, long hiddenSize, long numLayers = 1, bool bias = true, bool batchFirst = true, double dropout = 0, bool bidirectional = false, bool returnSequences = true)
        : this(new RecurrentOptions(inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, returnSequences).Validated(nameof(LSTM))) { }

    LSTM(RecurrentOptions o)
        : base(nameof(LSTM), nn.LSTM(o.InputSize, o.HiddenSize, o.NumLayers, o.Bias, o.BatchFirst, o.Dropout, o.Bidirectional),
               (wih, whh, bih, bhh) => new LstmCell(wih, whh, bih, bhh), o) { }

    /// <inheritdoc/>
    protected override bool HasMemoryCell => true;

    /// <inheritdoc/>
    protected override bool HasSequenceKernel => true;

    private protected override (Tensor Output, Tensor HN, Tensor? CN) RunFused(nn.Module fused, Tensor x, Tensor? h0, Tensor? c0) =>
        ((TorchSharp.Modules.LSTM)fused).call(x, h0 is null ? null : (h0, c0!));

    private protected override (nn.utils.rnn.PackedSequence Output, Tensor HN, Tensor? CN) RunFusedPacked(nn.Module fused, nn.utils.rnn.PackedSequence x, Tensor? h0, Tensor? c0) =>
        ((TorchSharp.Modules.LSTM)fused).call(x, h0 is null ? null : (h0, c0!));
}
