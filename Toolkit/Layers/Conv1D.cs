using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RnnToolkit.Layers;

/// <summary>Keras's Conv1D padding modes.</summary>
public enum ConvPadding
{
    /// <summary>No padding: T' = ⌊(T − d(k − 1) − 1) / s⌋ + 1.</summary>
    Valid,
    /// <summary>Zero padding on both sides so that T' = ⌈T / s⌉ (odd or even kernels).</summary>
    Same,
    /// <summary>Zero padding on the left only: y_t sees x_{≤t} (WaveNet); T' = T for stride 1.</summary>
    Causal,
}

/// <summary>
/// A 1-D convolution over time in Keras's channels-last layout — the CNN front end of a CNN-RNN
/// (000 §3.5/§4.5): (B, T, C_in) → (B, T', filters), so
/// <c>nn.Sequential(new Conv1D(1, 64, 3, "relu"), new LSTM(64, 50, returnSequences: false), nn.Linear(50, 1))</c>
/// is the documents' Conv1D → LSTM → Dense model.
/// <code>y_t = act(b + Σ_k W_k x_{s·t + d·k})</code>
/// </summary>
public sealed class Conv1D : nn.Module<Tensor, Tensor>
{
    /// <summary>The convolution (weights (filters, C_in, k), PyTorch's layout).</summary>
    public readonly Conv1d conv;
    readonly string activation;
    readonly ConvPadding padding;
    readonly long kernelSize, dilation, stride;

    /// <summary>A new layer.</summary>
    /// <param name="inputChannels">C_in, features per input step.</param>
    /// <param name="filters">Output features per step.</param>
    /// <param name="kernelSize">Window length k.</param>
    /// <param name="activation">"linear" (none), "relu", "tanh", "sigmoid" or "gelu".</param>
    /// <param name="padding">Valid (default, as Keras), Same or Causal.</param>
    /// <param name="stride">Step between windows.</param>
    /// <param name="dilation">Spacing d inside a window.</param>
    public Conv1D(long inputChannels, long filters, long kernelSize, string activation = "linear", ConvPadding padding = ConvPadding.Valid, long stride = 1, long dilation = 1)
        : base(nameof(Conv1D))
    {
        if (inputChannels <= 0 || filters <= 0 || kernelSize <= 0 || stride <= 0 || dilation <= 0)
            throw new ArgumentOutOfRangeException(nameof(kernelSize), $"Conv1D: expected positive sizes; got inputChannels {inputChannels}, filters {filters}, kernelSize {kernelSize}, stride {stride}, dilation {dilation}.");
        if (activation is not ("linear" or "relu" or "tanh" or "sigmoid" or "gelu"))
            throw new ArgumentException($"Conv1D: expected activation linear, relu, tanh, sigmoid or gelu; got '{activation}'.", nameof(activation));
        conv = nn.Conv1d(inputChannels, filters, kernelSize, stride: stride, dilation: dilation);
        (this.activation, this.padding, this.kernelSize, this.dilation, this.stride) = (activation, padding, kernelSize, dilation, stride);
        InputChannels = inputChannels;
        RegisterComponents();
    }

    /// <summary>C_in.</summary>
    public long InputChannels { get; }

    /// <summary>(B, T, C_in) → (B, T', filters).</summary>
    public override Tensor forward(Tensor x)
    {
        if (x.dim() != 3 || x.shape[2] != InputChannels)
            throw new ArgumentException($"Conv1D: expected input of shape (B, T, {InputChannels}) (channels last); got [{string.Join(", ", x.shape)}].", nameof(x));
        using var scope = NewDisposeScope();
        var xc = x.transpose(1, 2);                                   // (B, C, T)
        long span = dilation * (kernelSize - 1);
        xc = padding switch
        {
            ConvPadding.Causal => nn.functional.pad(xc, [span, 0]),
            ConvPadding.Same => nn.functional.pad(xc, SamePad(x.shape[1], span)),
            _ => xc,
        };
        if (xc.shape[2] < span + 1)
            throw new ArgumentException($"Conv1D: expected at least {span + 1} steps for a kernel of {kernelSize} (dilation {dilation}) with 'valid' padding; got {x.shape[1]}.", nameof(x));
        var y = conv.forward(xc);
        y = activation switch
        {
            "relu" => y.relu(),
            "tanh" => y.tanh(),
            "sigmoid" => y.sigmoid(),
            "gelu" => nn.functional.gelu(y),
            _ => y,
        };
        return y.transpose(1, 2).contiguous().MoveToOuterDisposeScope();
    }

    long[] SamePad(long T, long span)
    {
        long outLen = (T + stride - 1) / stride;
        long total = Math.Max((outLen - 1) * stride + span + 1 - T, 0);
        return [total / 2, total - total / 2];
    }
}
