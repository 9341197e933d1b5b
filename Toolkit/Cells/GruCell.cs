using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RnnToolkit.Cells;

/// <summary>
/// Gated recurrent unit (Cho et al. 2014) in PyTorch's layout: weight_ih (3H, I) and weight_hh (3H, H)
/// stack r, z, n; bias_ih and bias_hh (3H) likewise. Two forms, which differ only in where the reset gate enters
/// the candidate (Keras's reset_after):
/// <code>
/// r_t = σ(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr)                    reset gate
/// z_t = σ(W_iz x_t + b_iz + W_hz h_{t-1} + b_hz)                    update gate
/// reset after  (default; PyTorch, cuDNN, Keras reset_after=True):
///   n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_{t-1} + b_hn))
/// reset before (Cho et al. 2014, d2l, TF1 GRUCell, Keras reset_after=False):
///   n_t = tanh(W_in x_t + b_in + W_hn (r_t ⊙ h_{t-1}) + b_hn)
/// h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t-1}
/// </code>
/// n_t is the candidate h̃_t. In the reset-before form b_in and b_hn add up to the single b_h of the printed
/// h̃_t = tanh(W_xh x_t + W_hh (r_t ⊙ h_{t-1}) + b_h); both are kept so the state dict stays PyTorch-shaped.
/// z convention: z_t is the share of the OLD state kept (PyTorch, Keras, Cho et al.); 003 prints the
/// mirror image (z multiplies the candidate, as Chung et al. 2014 write it), which is the same model with z ↦ 1 − z.
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
    /// <param name="inputSize">Features per step.</param>
    /// <param name="hiddenSize">Units H.</param>
    /// <param name="bias">Whether the gates have biases.</param>
    /// <param name="resetAfter">True (default): the reset gate scales W_hn h_{t-1} + b_hn (PyTorch). False: it scales h_{t-1} before the product (Cho et al. 2014; Keras reset_after=False).</param>
    public GruCell(long inputSize, long hiddenSize, bool bias = true, bool resetAfter = true) : base(nameof(GruCell), inputSize, hiddenSize)
    {
        weight_ih = Uniform(3 * hiddenSize, inputSize);
        weight_hh = Uniform(3 * hiddenSize, hiddenSize);
        bias_ih = bias ? Uniform(3 * hiddenSize) : null;
        bias_hh = bias ? Uniform(3 * hiddenSize) : null;
        ResetAfter = resetAfter;
        RegisterComponents();
    }

    /// <summary>A cell over given parameters (shared, not copied), e.g. those of a fused nn.GRU layer.</summary>
    /// <param name="weight_ih">(3H, I).</param>
    /// <param name="weight_hh">(3H, H).</param>
    /// <param name="bias_ih">(3H) or null.</param>
    /// <param name="bias_hh">(3H) or null.</param>
    /// <param name="resetAfter">Where the reset gate enters the candidate (see <see cref="ResetAfter"/>).</param>
    public GruCell(Parameter weight_ih, Parameter weight_hh, Parameter? bias_ih, Parameter? bias_hh, bool resetAfter = true)
        : base(nameof(GruCell), weight_ih.dim() == 2 ? weight_ih.shape[1] : 1, weight_hh.dim() == 2 ? Math.Max(weight_hh.shape[1], 1) : 1)
    {
        long H = HiddenSize;
        bool BiasOk(Parameter? b) => b is null || b.shape.SequenceEqual([3 * H]);
        if (weight_ih.dim() != 2 || weight_ih.shape[0] != 3 * H || !weight_hh.shape.SequenceEqual([3 * H, H]) || !BiasOk(bias_ih) || !BiasOk(bias_hh) || (bias_ih is null) != (bias_hh is null))
            throw new ArgumentException($"GruCell: expected weight_ih (3H, I), weight_hh (3H, H) and both or neither of bias_ih, bias_hh (3H), with H = weight_hh's columns = {H}; got weight_ih [{string.Join(", ", weight_ih.shape)}], weight_hh [{string.Join(", ", weight_hh.shape)}], bias_ih [{string.Join(", ", bias_ih?.shape ?? [])}], bias_hh [{string.Join(", ", bias_hh?.shape ?? [])}].", nameof(weight_hh));
        (this.weight_ih, this.weight_hh, this.bias_ih, this.bias_hh) = (weight_ih, weight_hh, bias_ih, bias_hh);
        ResetAfter = resetAfter;
        RegisterComponents();
    }

    /// <summary>True: n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_{t-1} + b_hn)) (PyTorch, Keras reset_after=True).
    /// False: n_t = tanh(W_in x_t + b_in + W_hn (r_t ⊙ h_{t-1}) + b_hn) (Cho et al. 2014, Keras reset_after=False).</summary>
    public bool ResetAfter { get; }

    /// <summary>W_i· x_t + b_i· for all steps and all three gates at once.</summary>
    public override Tensor ProjectInputs(Tensor xs) => nn.functional.linear(xs, weight_ih, bias_ih);

    /// <summary>The sequence kernel (<see cref="Kernels.GruSequenceKernel"/>: the reset-after equations, hand-written BPTT) when the cell resets after, has biases and gets float32 input.</summary>
    public override (Tensor Outputs, RecurrentState Final)? RunSequence(Tensor xs, RecurrentState state)
    {
        if (!ResetAfter || bias_ih is null || bias_hh is null || xs.dtype != ScalarType.Float32) return null;
        var (outputs, h) = Kernels.GruSequenceKernel.Run(xs.contiguous(), weight_ih, weight_hh, bias_ih, bias_hh, state.H);
        return (outputs, new RecurrentState(h));
    }

    /// <inheritdoc/>
    public override RecurrentState Step(Tensor xt, RecurrentState state) => ResetAfter ? StepResetAfter(xt, state.H) : StepResetBefore(xt, state.H);

    // n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_{t-1} + b_hn))
    RecurrentState StepResetAfter(Tensor xt, Tensor h)
    {
        var hh = bias_hh is null ? matmul(h, weight_hh.t()) : bias_hh.addmm(h, weight_hh.t());   // W_h· h_{t-1} + b_h·
        var xg = xt.chunk(3, 1);
        var hg = hh.chunk(3, 1);
        var r = (xg[0] + hg[0]).sigmoid();
        var z = (xg[1] + hg[1]).sigmoid();
        var n = (xg[2] + r * hg[2]).tanh();
        return new RecurrentState((1.0 - z) * n + z * h);
    }

    // n_t = tanh(W_in x_t + b_in + W_hn (r_t ⊙ h_{t-1}) + b_hn)
    RecurrentState StepResetBefore(Tensor xt, Tensor h)
    {
        long H = HiddenSize;
        var (W_hrz, W_hn) = (weight_hh.narrow(0, 0, 2 * H), weight_hh.narrow(0, 2 * H, H));
        var hrz = bias_hh is null ? matmul(h, W_hrz.t()) : bias_hh.narrow(0, 0, 2 * H).addmm(h, W_hrz.t());   // W_hr h + b_hr, W_hz h + b_hz
        var xg = xt.chunk(3, 1);
        var hg = hrz.chunk(2, 1);
        var r = (xg[0] + hg[0]).sigmoid();
        var z = (xg[1] + hg[1]).sigmoid();
        var xn = bias_hh is null ? xg[2] : xg[2] + bias_hh.narrow(0, 2 * H, H);                            // W_in x_t + b_in + b_hn
        var n = xn.addmm(r * h, W_hn.t()).tanh();
        return new RecurrentState((1.0 - z) * n + z * h);
    }
}
