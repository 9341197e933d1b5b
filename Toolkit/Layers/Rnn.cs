using RnnToolkit.Cells;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RnnToolkit.Layers;

/// <summary>
/// Elman RNN layer (PyTorch's nn.RNN with nonlinearity tanh or relu, Keras's SimpleRNN): each layer
/// and direction is an <see cref="RnnCell"/>. Runs fused or on the cells (<see cref="StandardRecurrent.Backend"/>).
/// </summary>
public sealed class Rnn : StandardRecurrent
{
    /// <summary>A new RNN layer with PyTorch's initialization (options as <see cref="Lstm"/>, plus the non-linearity).</summary>
    public Rnn(long inputSize, long hiddenSize, long numLayers = 1, RnnActivation activation = RnnActivation.Tanh, bool bias = true, bool batchFirst = true, double dropout = 0, bool bidirectional = false, bool returnSequences = true, double recurrentDropout = 0, bool returnState = false, bool stateful = false)
        : this(new RecurrentOptions(inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, returnSequences, RecurrentDropout: recurrentDropout, ReturnState: returnState, Stateful: stateful).Validated(nameof(Rnn)), activation) { }

    Rnn(RecurrentOptions o, RnnActivation activation)
        : base(nameof(Rnn), nn.RNN(o.InputSize, o.HiddenSize, o.NumLayers, Fusable(activation), o.Bias, o.BatchFirst, o.Dropout, o.Bidirectional),
               (wih, whh, bih, bhh, _) => new RnnCell(wih, whh, bih, bhh, activation), o)
    {
        Activation = activation;
    }

    /// <summary>The non-linearity φ of h_t = φ(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh).</summary>
    public RnnActivation Activation { get; }

    static nn.NonLinearities Fusable(RnnActivation activation) => activation switch
    {
        RnnActivation.Tanh => nn.NonLinearities.Tanh,
        RnnActivation.Relu => nn.NonLinearities.ReLU,
        _ => throw new ArgumentException($"RNN: the fused layer supports tanh and relu; got {activation}. Use new Recurrent(new RnnCell(…, RnnActivation.Sigmoid)) for 003's σ.", nameof(activation)),
    };

    /// <inheritdoc/>
    protected override bool HasSequenceKernel => Activation != RnnActivation.Sigmoid;

    private protected override (Tensor Output, Tensor HN, Tensor? CN) RunFused(nn.Module fused, Tensor x, Tensor? h0, Tensor? c0)
    {
        var (y, hn) = ((TorchSharp.Modules.RNN)fused).call(x, h0);
        return (y, hn, null);
    }

    private protected override (nn.utils.rnn.PackedSequence Output, Tensor HN, Tensor? CN) RunFusedPacked(nn.Module fused, nn.utils.rnn.PackedSequence x, Tensor? h0, Tensor? c0)
    {
        var (y, hn) = ((TorchSharp.Modules.RNN)fused).call(x, h0);
        return (y, hn, null);
    }
}
