using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RnnToolkit.Cells;

/// <summary>
/// ConvLSTM over 1-D feature maps (Shi et al. 2015; Keras ConvLSTM1D without peepholes): the LSTM
/// with every matrix product replaced by a 1-D convolution (*), states of shape (B, C_h, L).
/// <code>
/// [i; f; g; o] = W_x * x_t + W_h * h_{t-1} + b
/// c_t = σ(f) ⊙ c_{t-1} + σ(i) ⊙ tanh(g)
/// h_t = σ(o) ⊙ tanh(c_t)
/// </code>
/// </summary>
public sealed class ConvLstm1dCell : RecurrentCell
{
    /// <summary>W_x, input kernels for i, f, g, o stacked: (4 C_h, C_in, k).</summary>
    public readonly Parameter W_x;
    /// <summary>W_h, recurrent kernels for i, f, g, o stacked: (4 C_h, C_h, k).</summary>
    public readonly Parameter W_h;
    /// <summary>b, biases for i, f, g, o: (4 C_h).</summary>
    public readonly Parameter b;

    /// <summary>Kernel width k (odd).</summary>
    public long KernelSize { get; }

    /// <summary>A new cell with input channels, hidden channels and an odd kernel width.</summary>
    public ConvLstm1dCell(long inputChannels, long hiddenChannels, long kernelSize = 3)
        : base(nameof(ConvLstm1dCell), inputChannels, hiddenChannels)
    {
        if (kernelSize <= 0 || kernelSize % 2 == 0)
            throw new ArgumentOutOfRangeException(nameof(kernelSize), kernelSize, "Expected an odd kernel width ≥ 1 (so 'same' padding keeps the map's length).");
        KernelSize = kernelSize;
        W_x = ConvRnnCell.ConvKernel(4 * hiddenChannels, inputChannels, kernelSize);
        W_h = ConvRnnCell.ConvKernel(4 * hiddenChannels, hiddenChannels, kernelSize);
        b = Uniform(4 * hiddenChannels);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override bool HasMemoryCell => true;

    /// <inheritdoc/>
    public override int StepInputRank => 2;

    /// <inheritdoc/>
    public override long[] StateShape(Tensor xt) => [xt.shape[0], HiddenSize, xt.shape[^1]];

    /// <summary>W_x * x_t + b for all steps at once.</summary>
    public override Tensor ProjectInputs(Tensor xs) => ConvRnnCell.ConvOverTime(xs, W_x, b);

    /// <inheritdoc/>
    public override RecurrentState Step(Tensor xt, RecurrentState state)
    {
        var gates = (xt + nn.functional.conv1d(state.H, W_h, padding: KernelSize / 2)).chunk(4, 1);
        var (i, f, g, o) = (gates[0].sigmoid(), gates[1].sigmoid(), gates[2].tanh(), gates[3].sigmoid());
        var c_t = f * state.C! + i * g;
        return new RecurrentState(o * c_t.tanh(), c_t);
    }
}
