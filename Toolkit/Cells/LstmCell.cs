using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RnnToolkit.Cells;

/// <summary>
/// Long short-term memory cell (Hochreiter &amp; Schmidhuber 1997, with the forget gate of Gers et al.
/// 2000), in PyTorch's layout: weight_ih (4H, I) and weight_hh (4H, H) stack the gates i, f, g, o.
/// <code>
/// i_t = σ(W_ii x_t + W_hi h_{t-1} + b_i)        input gate
/// f_t = σ(W_if x_t + W_hf h_{t-1} + b_f)        forget gate
/// g_t = tanh(W_ig x_t + W_hg h_{t-1} + b_g)     candidate
/// o_t = σ(W_io x_t + W_ho h_{t-1} + b_o)        output gate
/// c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t
/// h_t = o_t ⊙ tanh(c_t)
/// </code>
/// (each b is b_ih + b_hh for that gate). 001 and 002 print this form.
/// </summary>
public class LstmCell : RecurrentCell
{
    /// <summary>[W_ii; W_if; W_ig; W_io], shape (4H, I).</summary>
    public readonly Parameter weight_ih;
    /// <summary>[W_hi; W_hf; W_hg; W_ho], shape (4H, H).</summary>
    public readonly Parameter weight_hh;
    /// <summary>Input-side biases, shape (4H), or null.</summary>
    public readonly Parameter? bias_ih;
    /// <summary>Hidden-side biases, shape (4H), or null.</summary>
    public readonly Parameter? bias_hh;

    /// <summary>A new cell with PyTorch's initialization U(−1/√H, 1/√H).</summary>
    public LstmCell(long inputSize, long hiddenSize, bool bias = true) : this(nameof(LstmCell), inputSize, hiddenSize, bias)
    {
        RegisterComponents();
    }

    /// <summary>A cell over given parameters (shared, not copied), e.g. those of a fused nn.LSTM layer.</summary>
    public LstmCell(Parameter weight_ih, Parameter weight_hh, Parameter? bias_ih, Parameter? bias_hh)
        : base(nameof(LstmCell), weight_ih.shape[1], weight_hh.shape[1])
    {
        (this.weight_ih, this.weight_hh, this.bias_ih, this.bias_hh) = (weight_ih, weight_hh, bias_ih, bias_hh);
        RegisterComponents();
    }

    /// <summary>For subclasses that add parameters (peepholes); they call RegisterComponents.</summary>
    protected LstmCell(string name, long inputSize, long hiddenSize, bool bias) : base(name, inputSize, hiddenSize)
    {
        weight_ih = Uniform(4 * hiddenSize, inputSize);
        weight_hh = Uniform(4 * hiddenSize, hiddenSize);
        bias_ih = bias ? Uniform(4 * hiddenSize) : null;
        bias_hh = bias ? Uniform(4 * hiddenSize) : null;
    }

    /// <inheritdoc/>
    public override bool HasMemoryCell => true;

    /// <summary>W_i· x_t + b for all steps and all four gates at once.</summary>
    public override Tensor ProjectInputs(Tensor xs) =>
        bias_ih is null ? matmul(xs, weight_ih.t()) : nn.functional.linear(xs, weight_ih, bias_ih + bias_hh!);

    /// <summary>The sequence kernel (<see cref="Kernels.LstmSequenceKernel"/>: same equations, hand-written BPTT) when the cell is a plain LSTM with biases.</summary>
    public override (Tensor Outputs, RecurrentState Final)? RunSequence(Tensor xs, RecurrentState state)
    {
        if (bias_ih is null || bias_hh is null)
            return null;
        var (outputs, h, c) = Kernels.LstmSequenceKernel.Run(xs.contiguous(), weight_ih, weight_hh, bias_ih, bias_hh, state.H, state.C!);
        return (outputs, new RecurrentState(h, c));
    }

    /// <inheritdoc/>
    public override RecurrentState Step(Tensor xt, RecurrentState state)
    {
        var (h, c) = (state.H, state.C!);
        var gates = xt.addmm(h, weight_hh.t()).chunk(4, 1);
        var (i, f, g, o) = (gates[0].sigmoid(), gates[1].sigmoid(), gates[2].tanh(), gates[3].sigmoid());
        var c_t = f * c + i * g;
        var h_t = o * c_t.tanh();
        return new RecurrentState(h_t, c_t);
    }
}
