using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RnnToolkit.Cells;

/// <summary>
/// ConvLSTM over 2-D feature maps (Shi et al. 2015, eq. 3; Keras ConvLSTM2D): the LSTM with every matrix product
/// replaced by a 2-D convolution (*), so inputs, cells and hidden states are images — channels first, as
/// <see cref="ConvLstm1dCell"/>: x_t is (B, C_in, H, W), h_t and c_t are (B, C_h, H, W) ("same" padding keeps H × W).
/// <code>
/// i_t = σ(W_xi * x_t + W_hi * h_{t-1} + W_ci ⊙ c_{t-1} + b_i)
/// f_t = σ(W_xf * x_t + W_hf * h_{t-1} + W_cf ⊙ c_{t-1} + b_f)
/// c_t = f_t ⊙ c_{t-1} + i_t ⊙ tanh(W_xc * x_t + W_hc * h_{t-1} + b_c)
/// o_t = σ(W_xo * x_t + W_ho * h_{t-1} + W_co ⊙ c_t + b_o)
/// h_t = o_t ⊙ tanh(c_t)
/// </code>
/// The peephole terms W_c· ⊙ c are Hadamard products with one weight per channel and position (C_h, H, W), as in the
/// paper, so a cell with peepholes is built for one map size; without them (Keras's ConvLSTM2D) it runs on any size.
/// Unroll it with <see cref="Layers.Recurrent"/> over (B, T, C_in, H, W).
/// </summary>
public sealed class ConvLstm2dCell : RecurrentCell
{
    /// <summary>W_x, input kernels for i, f, c, o stacked: (4 C_h, C_in, k, k).</summary>
    public readonly Parameter W_x;
    /// <summary>W_h, recurrent kernels for i, f, c, o stacked: (4 C_h, C_h, k, k).</summary>
    public readonly Parameter W_h;
    /// <summary>b, biases for i, f, c, o: (4 C_h).</summary>
    public readonly Parameter b;
    /// <summary>W_ci, W_cf, W_co: peephole weights (C_h, H, W), or null without peepholes.</summary>
    public readonly Parameter? W_ci, W_cf, W_co;

    /// <summary>Kernel size k (odd; the kernels are k × k).</summary>
    public long KernelSize { get; }

    /// <summary>The map the peephole weights cover, or null without peepholes.</summary>
    public MapSize? PeepholeMap { get; }

    /// <summary>A new cell.</summary>
    /// <param name="inputChannels">C_in, channels of each frame.</param>
    /// <param name="hiddenChannels">C_h, channels of h and c.</param>
    /// <param name="kernelSize">Odd kernel size k ('same' padding k/2 keeps the map's size).</param>
    /// <param name="peepholes">The frames' size to add the paper's peepholes W_ci, W_cf, W_co (C_h, H, W); null for none (Keras).</param>
    public ConvLstm2dCell(long inputChannels, long hiddenChannels, long kernelSize = 3, MapSize? peepholes = null)
        : base(nameof(ConvLstm2dCell), inputChannels, hiddenChannels)
    {
        if (kernelSize <= 0 || kernelSize % 2 == 0)
            throw new ArgumentOutOfRangeException(nameof(kernelSize), kernelSize, "ConvLstm2dCell: expected an odd kernel size ≥ 1 (so 'same' padding keeps the map's size).");
        if (peepholes is { Height: <= 0 } or { Width: <= 0 })
            throw new ArgumentOutOfRangeException(nameof(peepholes), peepholes, "ConvLstm2dCell: expected a peephole map of positive height and width.");
        (KernelSize, PeepholeMap) = (kernelSize, peepholes);
        W_x = Kernel(4 * hiddenChannels, inputChannels, kernelSize);
        W_h = Kernel(4 * hiddenChannels, hiddenChannels, kernelSize);
        b = Uniform(4 * hiddenChannels);
        if (peepholes is not null)
            (W_ci, W_cf, W_co) = (Uniform(hiddenChannels, peepholes.Height, peepholes.Width), Uniform(hiddenChannels, peepholes.Height, peepholes.Width), Uniform(hiddenChannels, peepholes.Height, peepholes.Width));
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override bool HasMemoryCell => true;

    /// <inheritdoc/>
    public override int StepInputRank => 3;

    /// <summary>(B, C_h, H, W) for frames x_t of (B, C_in, H, W); with peepholes H × W must be <see cref="PeepholeMap"/>.</summary>
    public override long[] StateShape(Tensor xt)
    {
        long height = xt.shape[^2], width = xt.shape[^1];
        if (PeepholeMap is { } map && (map.Height != height || map.Width != width))
            throw new ArgumentException($"ConvLstm2dCell: expected frames of {map} (the map its peephole weights cover); got {height}×{width} (input [{string.Join(", ", xt.shape)}]).", nameof(xt));
        return [xt.shape[0], HiddenSize, height, width];
    }

    /// <summary>W_x * x_t + b for all steps at once (time folded into the batch): (T, B, C_in, H, W) → (T, B, 4 C_h, H, W).</summary>
    public override Tensor ProjectInputs(Tensor xs)
    {
        long T = xs.shape[0], B = xs.shape[1];
        using var folded = xs.reshape([T * B, .. xs.shape[2..]]);
        using var y = nn.functional.conv2d(folded, W_x, b, padding: [KernelSize / 2, KernelSize / 2]);
        return y.reshape([T, B, .. y.shape[1..]]);
    }

    /// <inheritdoc/>
    public override RecurrentState Step(Tensor xt, RecurrentState state)
    {
        var (h, c) = (state.H, state.C!);
        var gates = (xt + nn.functional.conv2d(h, W_h, padding: [KernelSize / 2, KernelSize / 2])).chunk(4, 1);
        var i_t = Peephole(gates[0], W_ci, c).sigmoid();
        var f_t = Peephole(gates[1], W_cf, c).sigmoid();
        var c_t = f_t * c + i_t * gates[2].tanh();
        var o_t = Peephole(gates[3], W_co, c_t).sigmoid();
        return new RecurrentState(o_t * c_t.tanh(), c_t);
    }

    /// <summary>a + W ⊙ c, or a without peepholes.</summary>
    static Tensor Peephole(Tensor a, Parameter? W, Tensor c) => W is null ? a : a + W * c;

    /// <summary>A kernel (out, in, k, k) drawn like PyTorch's Conv2d: U(−1/√(in·k²), 1/√(in·k²)).</summary>
    static Parameter Kernel(long outChannels, long inChannels, long k)
    {
        double bound = 1.0 / Math.Sqrt(inChannels * k * k);
        return new Parameter(empty(outChannels, inChannels, k, k).uniform_(-bound, bound));
    }
}
