using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RnnToolkit.Cells;

/// <summary>How the memory cell feeds the gates of a peephole LSTM.</summary>
public enum PeepholeForm
{
    /// <summary>Element-wise weights w_c· ⊙ c (Gers &amp; Schmidhuber 2000, Graves 2013): H parameters per gate.</summary>
    Diagonal,
    /// <summary>Full matrices W_c· c, as 000 §3.2 and 003 §3.4 print them: H² parameters per gate.</summary>
    Matrix,
}

/// <summary>
/// Peephole LSTM (000 §3.2, 003 §3.4): the gates also look at the memory cell.
/// <code>
/// i_t = σ(W_xi x_t + W_hi h_{t-1} + w_ci ⊙ c_{t-1} + b_i)
/// f_t = σ(W_xf x_t + W_hf h_{t-1} + w_cf ⊙ c_{t-1} + b_f)
/// c_t = f_t ⊙ c_{t-1} + i_t ⊙ tanh(W_xc x_t + W_hc h_{t-1} + b_c)
/// o_t = σ(W_xo x_t + W_ho h_{t-1} + w_co ⊙ c_t + b_o)
/// h_t = o_t ⊙ tanh(c_t)
/// </code>
/// With <see cref="PeepholeForm.Matrix"/> the products w ⊙ c become W c, as the documents print them.
/// The x and h weights are stacked i, f, g(=c), o as in <see cref="LstmCell"/>.
/// </summary>
public sealed class PeepholeLstmCell : LstmCell
{
    /// <summary>Peephole from c_{t-1} to the input gate: (H) or (H, H).</summary>
    public readonly Parameter w_ci;
    /// <summary>Peephole from c_{t-1} to the forget gate: (H) or (H, H).</summary>
    public readonly Parameter w_cf;
    /// <summary>Peephole from c_t to the output gate: (H) or (H, H).</summary>
    public readonly Parameter w_co;

    /// <summary>Diagonal or full peephole weights.</summary>
    public PeepholeForm Form { get; }

    /// <summary>A new peephole LSTM cell; peephole weights start at U(−1/√H, 1/√H) like the rest.</summary>
    public PeepholeLstmCell(long inputSize, long hiddenSize, PeepholeForm form = PeepholeForm.Diagonal, bool bias = true)
        : base(nameof(PeepholeLstmCell), inputSize, hiddenSize, bias)
    {
        Form = form;
        long[] shape = form == PeepholeForm.Diagonal ? [hiddenSize] : [hiddenSize, hiddenSize];
        (w_ci, w_cf, w_co) = (Uniform(shape), Uniform(shape), Uniform(shape));
        RegisterComponents();
    }

    /// <summary>w ⊙ c (diagonal) or W c (matrix).</summary>
    Tensor Peep(Parameter w, Tensor c) => Form == PeepholeForm.Diagonal ? w * c : matmul(c, w.t());

    /// <summary>
    /// With biases and float32 input, a sequence kernel: the LSTM's with its peephole paths (<see cref="Kernels.LstmSequenceKernel"/>) for
    /// diagonal peepholes, <see cref="Kernels.MatrixPeepholeLstmSequenceKernel"/> for full matrices.
    /// </summary>
    public override (Tensor Outputs, RecurrentState Final)? RunSequence(Tensor xs, RecurrentState state)
    {
        if (bias_ih is null || bias_hh is null || xs.dtype != ScalarType.Float32) return null;
        var (outputs, h, c) = Form == PeepholeForm.Diagonal
            ? Kernels.LstmSequenceKernel.Run(xs.contiguous(), weight_ih, weight_hh, bias_ih, bias_hh, state.H, state.C!, w_ci, w_cf, w_co)
            : Kernels.MatrixPeepholeLstmSequenceKernel.Run(xs.contiguous(), weight_ih, weight_hh, bias_ih, bias_hh, state.H, state.C!, w_ci, w_cf, w_co);
        return (outputs, new RecurrentState(h, c));
    }

    /// <inheritdoc/>
    public override RecurrentState Step(Tensor xt, RecurrentState state)
    {
        var (h, c) = (state.H, state.C!);
        var gates = xt.addmm(h, weight_hh.t()).chunk(4, 1);
        var i = (gates[0] + Peep(w_ci, c)).sigmoid();
        var f = (gates[1] + Peep(w_cf, c)).sigmoid();
        var c_t = f * c + i * gates[2].tanh();
        var o = (gates[3] + Peep(w_co, c_t)).sigmoid();
        return new RecurrentState(o * c_t.tanh(), c_t);
    }
}
