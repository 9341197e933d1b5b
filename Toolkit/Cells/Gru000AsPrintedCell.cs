using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RnnToolkit.Cells;

/// <summary>
/// 000 §3.3's GRU as printed: <code>h_t = (1 − z_t) ⊙ r_t ⊙ tanh(W_xh x_t + W_hh (r_t ⊙ h_{t-1}) + b_h)</code>
/// There is no carry term z_t ⊙ h_{t-1}: the old state reaches h_t only through the candidate, so
/// the cell cannot simply hold information (compare <see cref="GruCell"/> on a delayed-recall task).
/// </summary>
public sealed class Gru000AsPrintedCell : PrintedGruCell
{
    /// <summary>W_xh (H, I).</summary>
    public readonly Parameter W_xh;
    /// <summary>W_hh (H, H).</summary>
    public readonly Parameter W_hh;
    /// <summary>b_h (H).</summary>
    public readonly Parameter b_h;

    /// <summary>A new cell.</summary>
    public Gru000AsPrintedCell(long inputSize, long hiddenSize) : base(nameof(Gru000AsPrintedCell), inputSize, hiddenSize)
    {
        (W_xh, W_hh, b_h) = (Uniform(hiddenSize, inputSize), Uniform(hiddenSize, hiddenSize), Uniform(hiddenSize));
        RegisterComponents();
    }

    /// <inheritdoc/>
    protected override (Tensor W, Tensor? b) CandidateInput => (W_xh, b_h);

    /// <summary>The sequence kernel (<see cref="Kernels.Gru000SequenceKernel"/>: same equations, hand-written BPTT).</summary>
    private protected override (Tensor Output, Tensor HT)? RunKernel(Tensor xs, Tensor h0) =>
        Kernels.Gru000SequenceKernel.Run(xs, W_x_zr, W_h_zr, b_zr, W_xh, W_hh, b_h, h0);

    /// <inheritdoc/>
    public override RecurrentState Step(Tensor xt, RecurrentState state)
    {
        var h = state.H;
        var (z, r, xc) = Gates(xt, h);                                   // xc = W_xh x_t + b_h
        var candidate = xc.addmm(r * h, W_hh.t()).tanh();
        return new RecurrentState((1.0 - z) * r * candidate);
    }
}
