using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RnnToolkit.Cells;

/// <summary>
/// 003 §3.4's GRU as printed:
/// <code>
/// h̃_t = tanh((W_xh̃ x_t) ⊙ r_t + (W_hh̃ h_{t-1}) ⊙ (1 − z_t) + b_h̃)
/// h_t = (1 − z_t) ⊙ h_{t-1} + z_t ⊙ h̃_t
/// </code>
/// r_t gates the input projection instead of h_{t-1}, and (1 − z_t) reappears inside the candidate;
/// the final interpolation is the mirror image of PyTorch's (z multiplies the candidate).
/// </summary>
public sealed class Gru003AsPrintedCell : PrintedGruCell
{
    /// <summary>W_xh̃ (H, I).</summary>
    public readonly Parameter W_xh;
    /// <summary>W_hh̃ (H, H).</summary>
    public readonly Parameter W_hh;
    /// <summary>b_h̃ (H).</summary>
    public readonly Parameter b_h;

    /// <summary>A new cell.</summary>
    public Gru003AsPrintedCell(long inputSize, long hiddenSize) : base(nameof(Gru003AsPrintedCell), inputSize, hiddenSize)
    {
        (W_xh, W_hh, b_h) = (Uniform(hiddenSize, inputSize), Uniform(hiddenSize, hiddenSize), Uniform(hiddenSize));
        RegisterComponents();
    }

    /// <inheritdoc/>
    protected override (Tensor W, Tensor? b) CandidateInput => (W_xh, null);

    /// <summary>The sequence kernel (<see cref="Kernels.Gru003SequenceKernel"/>: same equations, hand-written BPTT).</summary>
    private protected override (Tensor Output, Tensor HT)? RunKernel(Tensor xs, Tensor h0) =>
        Kernels.Gru003SequenceKernel.Run(xs, W_x_zr, W_h_zr, b_zr, W_xh, W_hh, b_h, h0);

    /// <inheritdoc/>
    public override RecurrentState Step(Tensor xt, RecurrentState state)
    {
        var h = state.H;
        var (z, r, xc) = Gates(xt, h);                                   // xc = W_xh̃ x_t
        var keep = 1.0 - z;                                               // (1 − z_t), used twice
        var candidate = b_h.addcmul(h.mm(W_hh.t()), keep, 1).addcmul_(xc, r, 1).tanh();   // tanh(W x ⊙ r + W_hh h ⊙ (1 − z) + b)
        return new RecurrentState((keep * h).addcmul_(z, candidate, 1));     // (1 − z) ⊙ h + z ⊙ h̃
    }
}
