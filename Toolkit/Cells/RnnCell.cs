using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RnnToolkit.Cells;

/// <summary>The non-linearity of an Elman RNN cell.</summary>
public enum RnnActivation
{
    /// <summary>tanh, the usual choice (PyTorch's and Keras's default).</summary>
    Tanh,
    /// <summary>ReLU (PyTorch's nonlinearity='relu').</summary>
    Relu,
    /// <summary>The logistic sigmoid, as 003 §3.1 prints it.</summary>
    Sigmoid,
}

/// <summary>
/// Elman RNN cell, in PyTorch's layout (weight_ih [H, I], weight_hh [H, H]):
/// <code>h_t = φ(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)</code>
/// The documents write it h_t = tanh(W_hh h_{t-1} + W_xh x_t + b_h): W_xh = W_ih, b_h = b_ih + b_hh.
/// The output layer y_t = W_hy h_t + b_y is <see cref="Models.ElmanNetwork"/>.
/// </summary>
public sealed class RnnCell : RecurrentCell
{
    /// <summary>W_ih (W_xh), shape (H, I).</summary>
    public readonly Parameter weight_ih;
    /// <summary>W_hh, shape (H, H).</summary>
    public readonly Parameter weight_hh;
    /// <summary>b_ih, shape (H), or null without bias.</summary>
    public readonly Parameter? bias_ih;
    /// <summary>b_hh, shape (H), or null without bias.</summary>
    public readonly Parameter? bias_hh;

    /// <summary>The non-linearity φ.</summary>
    public RnnActivation Activation { get; }

    /// <summary>A new cell with PyTorch's initialization U(−1/√H, 1/√H).</summary>
    public RnnCell(long inputSize, long hiddenSize, RnnActivation activation = RnnActivation.Tanh, bool bias = true)
        : this(inputSize, hiddenSize, activation, null, null, null, null, bias) { }

    /// <summary>A cell over given parameters (shared, not copied), e.g. those of a fused nn.RNN layer; both biases or neither.</summary>
    public RnnCell(Parameter weight_ih, Parameter weight_hh, Parameter? bias_ih, Parameter? bias_hh, RnnActivation activation = RnnActivation.Tanh)
        : this(weight_ih.shape[1], weight_ih.shape[0], activation, weight_ih, weight_hh, bias_ih, bias_hh, BothOrNeither(bias_ih, bias_hh)) { }

    // A given pair of biases: true for both, false for neither; exactly one is refused (it used to draw a random b_hh for a lone b_ih, or drop a lone b_hh).
    static bool BothOrNeither(Parameter? bias_ih, Parameter? bias_hh) => (bias_ih is null) == (bias_hh is null)
        ? bias_ih is not null
        : throw new ArgumentException($"RnnCell: expected both or neither of bias_ih, bias_hh; got bias_ih {(bias_ih is null ? "(none)" : $"[{string.Join(", ", bias_ih.shape)}]")}, bias_hh {(bias_hh is null ? "(none)" : $"[{string.Join(", ", bias_hh.shape)}]")}.", nameof(bias_hh));

    RnnCell(long inputSize, long hiddenSize, RnnActivation activation, Parameter? wih, Parameter? whh, Parameter? bih, Parameter? bhh, bool bias)
        : base(nameof(RnnCell), inputSize, hiddenSize)
    {
        Activation = activation;
        weight_ih = wih ?? Uniform(hiddenSize, inputSize);
        weight_hh = whh ?? Uniform(hiddenSize, hiddenSize);
        bias_ih = bias ? bih ?? Uniform(hiddenSize) : null;
        bias_hh = bias ? bhh ?? Uniform(hiddenSize) : null;
        RegisterComponents();
    }

    /// <summary>W_ih x_t + b_ih + b_hh for every step at once.</summary>
    public override Tensor ProjectInputs(Tensor xs) =>
        bias_ih is null ? matmul(xs, weight_ih.t()) : nn.functional.linear(xs, weight_ih, bias_ih + bias_hh!);

    /// <summary>The sequence kernel (<see cref="Kernels.RnnSequenceKernel"/>) for tanh and ReLU cells with biases, on float32 input.</summary>
    public override (Tensor Outputs, RecurrentState Final)? RunSequence(Tensor xs, RecurrentState state)
    {
        if (bias_ih is null || bias_hh is null || Activation == RnnActivation.Sigmoid || xs.dtype != ScalarType.Float32) return null;
        var (outputs, h) = Kernels.RnnSequenceKernel.Run(xs.contiguous(), weight_ih, weight_hh, bias_ih, bias_hh, state.H, Activation == RnnActivation.Relu);
        return (outputs, new RecurrentState(h));
    }

    /// <summary>h_t = φ(x̂_t + W_hh h_{t-1}).</summary>
    public override RecurrentState Step(Tensor xt, RecurrentState state)
    {
        var pre = xt.addmm(state.H, weight_hh.t());
        return new RecurrentState(Activation switch
        {
            RnnActivation.Tanh => pre.tanh_(),
            RnnActivation.Relu => pre.relu_(),
            _ => pre.sigmoid_(),
        });
    }

}
