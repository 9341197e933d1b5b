using RnnToolkit.Cells;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RnnToolkit.Layers;

/// <summary>
/// GRU layer (PyTorch's nn.GRU options and weights, gates r, z, n; Keras's batch-first default):
/// each layer and direction is a <see cref="GruCell"/>. Runs fused or on the cells (<see cref="StandardRecurrent.Backend"/>).
/// With <c>resetAfter: false</c> (Keras's reset_after=False, Cho et al. 2014's form, TF1's GRUCell) the reset gate
/// scales h_{t-1} before the recurrent product, n_t = tanh(W_in x_t + b_in + W_hn (r_t ⊙ h_{t-1}) + b_hn), with the same
/// parameters; libtorch's fused GRU and the toolkit's GRU sequence kernel compute only the reset-after form, so such a
/// layer runs on its cells (Auto and Cells; Fused and Kernels throw).
/// </summary>
public sealed class Gru : StandardRecurrent
{
    /// <summary>A new GRU layer with PyTorch's initialization (options as <see cref="Lstm"/>).</summary>
    /// <param name="inputSize">Features per input step.</param>
    /// <param name="hiddenSize">Hidden units per direction.</param>
    /// <param name="numLayers">Stacked layers.</param>
    /// <param name="bias">Whether the layers have biases.</param>
    /// <param name="batchFirst">(B, T, F) input and output when true (default).</param>
    /// <param name="dropout">Dropout between stacked layers during training.</param>
    /// <param name="bidirectional">Run both directions and concatenate.</param>
    /// <param name="returnSequences">forward returns every step (default) or the last valid step.</param>
    /// <param name="recurrentDropout">Keras's recurrent_dropout: dropout on h_{t-1} inside the recurrence while training, one mask per sequence (training then runs on the cells).</param>
    /// <param name="resetAfter">True (default, PyTorch): the reset gate scales W_hn h_{t-1} + b_hn. False (Keras reset_after=False, Cho et al. 2014): it scales h_{t-1} before the product; runs on the cells.</param>
    /// <param name="returnState">Keras's return_state: forward keeps the final states in <see cref="RecurrentLayer.FinalState"/>.</param>
    /// <param name="stateful">Keras's stateful: each call's final states, detached, are the next call's initial states, until <see cref="RecurrentLayer.ResetStates"/>; not with <paramref name="bidirectional"/>.</param>
    public Gru(long inputSize, long hiddenSize, long numLayers = 1, bool bias = true, bool batchFirst = true, double dropout = 0, bool bidirectional = false, bool returnSequences = true, double recurrentDropout = 0, bool resetAfter = true, bool returnState = false, bool stateful = false)
        : this(new RecurrentOptions(inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, returnSequences, RecurrentDropout: recurrentDropout, ReturnState: returnState, Stateful: stateful).Validated(nameof(Gru)), resetAfter) { }

    Gru(RecurrentOptions o, bool resetAfter)
        : base(nameof(Gru), nn.GRU(o.InputSize, o.HiddenSize, o.NumLayers, o.Bias, o.BatchFirst, o.Dropout, o.Bidirectional),
               (wih, whh, bih, bhh, _) => new GruCell(wih, whh, bih, bhh, resetAfter), o)
    {
        ResetAfter = resetAfter;
    }

    /// <summary>Where the reset gate enters the candidate: after the recurrent product (true, PyTorch's form) or before it (false, Cho et al. 2014's); see <see cref="GruCell.ResetAfter"/>.</summary>
    public bool ResetAfter { get; }

    /// <inheritdoc/>
    protected override bool HasSequenceKernel => ResetAfter;

    private protected override string? CellsOnly => ResetAfter ? null : "resetAfter = false (libtorch's GRU and the GRU sequence kernel reset after the recurrent product)";

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
