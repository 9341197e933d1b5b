using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RnnToolkit.Cells;

/// <summary>
/// Gated recurrent unit (Cho et al. 2014) in PyTorch's form and layout: weight_ih (3H, I) and
/// weight_hh (3H, H) stack r, z, n.
/// <code>
/// r_t = σ(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr)          reset gate
/// z_t = σ(W_iz x_t + b_iz + W_hz h_{t-1} + b_hz)          update gate
/// n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_{t-1} + b_hn))   candidate h̃_t
/// h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t-1}
/// </code>
/// z convention: z_t is the share of the OLD state kept (PyTorch, Keras, Cho et al.); 003 prints the
/// mirror image (z multiplies the candidate), which is the same model with z ↦ 1 − z.
/// The reset gate acts after the recurrent product (reset_after, as PyTorch, cuDNN and Keras 2+);
/// Cho et al.'s original W_hn (r_t ⊙ h_{t-1}) is what <see cref="Gru000AsPrintedCell"/> uses.
/// </summary>
public sealed class GruCell : RecurrentCell
{
    /// <summary>[W_ir; W_iz; W_in], shape (3H, I).</summary>
    public readonly Parameter weight_ih;
    /// <summary>[W_hr; W_hz; W_hn], shape (3H, H).</summary>
    public readonly Parameter weight_hh;
    /// <summary>Input-side biases (3H), or null.</summary>
    public readonly Parameter? bias_ih;
    /// <summary>Hidden-side biases (3H), or null.</summary>
    public readonly Parameter? bias_hh;

    /// <summary>A new cell with PyTorch's initialization U(−1/√H, 1/√H).</summary>
    public GruCell(long inputSize, long hiddenSize, bool bias = true) : base(nameof(GruCell), inputSize, hiddenSize)
    {
        weight_ih = Uniform(3 * hiddenSize, inputSize);
        weight_hh = Uniform(3 * hiddenSize, hiddenSize);
        bias_ih = bias ? Uniform(3 * hiddenSize) : null;
        bias_hh = bias ? Uniform(3 * hiddenSize) : null;
        RegisterComponents();
    }

    /// <summary>A cell over given parameters (shared, not copied), e.g. those of a fused nn.GRU layer.</summary>
    public GruCell(Parameter weight_ih, Parameter weight_hh, Parameter? bias_ih, Parameter? bias_hh)
        : base(nameof(GruCell), weight_ih.shape[1], weight_hh.shape[1])
    {
        (this.weight_ih, this.weight_hh, this.bias_ih, this.bias_hh) = (weight_ih, weight_hh, bias_ih, bias_hh);
        RegisterComponents();
    }

    /// <summary>W_i· x_t + b_i· for all steps and all three gates at once.</summary>
    public override Tensor ProjectInputs(Tensor xs) => nn.functional.linear(xs, weight_ih, bias_ih);

    /// <summary>The sequence kernel (<see cref="Kernels.GruSequenceKernel"/>: same equations, hand-written BPTT) when the cell has biases, on float32 input.</summary>
    public override (Tensor Outputs, RecurrentState Final)? RunSequence(Tensor xs, RecurrentState state)
    {
        if (bias_ih is null || bias_hh is null || xs.dtype != ScalarType.Float32) return null;
        var (outputs, h) = Kernels.GruSequenceKernel.Run(xs.contiguous(), weight_ih, weight_hh, bias_ih, bias_hh, state.H);
        return (outputs, new RecurrentState(h));
    }

    /// <inheritdoc/>
    public override RecurrentState Step(Tensor xt, RecurrentState state)
    {
        var h = state.H;
        var hh = bias_hh is null ? matmul(h, weight_hh.t()) : bias_hh.addmm(h, weight_hh.t());   // W_h· h_{t-1} + b_h·
        var xg = xt.chunk(3, 1);
        var hg = hh.chunk(3, 1);
        var r = (xg[0] + hg[0]).sigmoid();
        var z = (xg[1] + hg[1]).sigmoid();
        var n = (xg[2] + r * hg[2]).tanh();
        return new RecurrentState((1.0 - z) * n + z * h);
    }
}
