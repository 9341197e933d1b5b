using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RnnToolkit.Cells;

/// <summary>
/// Convolutional recurrence over 1-D feature maps, as 003 §3.4 prints it:
/// <code>h_t = σ(W_hh * h_{t-1} + W_xh * x_t + b_h)</code>
/// where * is a 1-D convolution along the map (length preserved, "same" padding), x_t is
/// (B, C_in, L) and h_t is (B, C_h, L). Each position's state depends on its neighbours', so the
/// recurrence carries local structure through time (the idea ConvLSTM generalizes).
/// </summary>
public sealed class ConvRnnCell : RecurrentCell
{
    /// <summary>W_xh, the input kernel (C_h, C_in, k).</summary>
    public readonly Parameter W_xh;
    /// <summary>W_hh, the recurrent kernel (C_h, C_h, k).</summary>
    public readonly Parameter W_hh;
    /// <summary>b_h (C_h).</summary>
    public readonly Parameter b_h;

    /// <summary>σ as printed (<see cref="RnnActivation.Sigmoid"/>) or tanh/ReLU.</summary>
    public RnnActivation Activation { get; }

    /// <summary>Kernel width k (odd, so "same" padding is symmetric).</summary>
    public long KernelSize { get; }

    /// <summary>A new cell with input channels, hidden channels and an odd kernel width.</summary>
    public ConvRnnCell(long inputChannels, long hiddenChannels, long kernelSize = 3, RnnActivation activation = RnnActivation.Sigmoid)
        : base(nameof(ConvRnnCell), inputChannels, hiddenChannels)
    {
        if (kernelSize <= 0 || kernelSize % 2 == 0)
            throw new ArgumentOutOfRangeException(nameof(kernelSize), kernelSize, "Expected an odd kernel width ≥ 1 (so 'same' padding keeps the map's length).");
        (KernelSize, Activation) = (kernelSize, activation);
        W_xh = ConvKernel(hiddenChannels, inputChannels, kernelSize);
        W_hh = ConvKernel(hiddenChannels, hiddenChannels, kernelSize);
        b_h = Uniform(hiddenChannels);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override int StepInputRank => 2;

    /// <inheritdoc/>
    public override long[] StateShape(Tensor xt) => [xt.shape[0], HiddenSize, xt.shape[^1]];

    /// <summary>W_xh * x_t + b_h for all steps at once (time folded into the batch).</summary>
    public override Tensor ProjectInputs(Tensor xs) => ConvOverTime(xs, W_xh, b_h);

    /// <inheritdoc/>
    public override RecurrentState Step(Tensor xt, RecurrentState state)
    {
        var pre = xt + nn.functional.conv1d(state.H, W_hh, padding: KernelSize / 2);
        return new RecurrentState(Activation switch
        {
            RnnActivation.Tanh => pre.tanh(),
            RnnActivation.Relu => pre.relu(),
            _ => pre.sigmoid(),
        });
    }

    /// <summary>A kernel (out, in, k) drawn like PyTorch's Conv1d: U(−1/√(in·k), 1/√(in·k)).</summary>
    internal static Parameter ConvKernel(long outChannels, long inChannels, long k)
    {
        double bound = 1.0 / Math.Sqrt(inChannels * k);
        return new Parameter(empty(outChannels, inChannels, k).uniform_(-bound, bound));
    }

    /// <summary>conv1d over a (T, B, C, L) sequence with "same" padding, returning (T, B, C_out, L).</summary>
    internal static Tensor ConvOverTime(Tensor xs, Tensor W, Tensor? b)
    {
        long T = xs.shape[0], B = xs.shape[1], L = xs.shape[3];
        using var folded = xs.reshape(T * B, xs.shape[2], L);
        using var y = nn.functional.conv1d(folded, W, b, padding: W.shape[2] / 2);
        return y.reshape(T, B, W.shape[0], L);
    }
}
