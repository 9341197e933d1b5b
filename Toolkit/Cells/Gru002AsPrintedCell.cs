using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RnnToolkit.Cells;

/// <summary>
/// 002 §2.3/§3.2.3's GRU as printed:
/// <code>h_t = (1 − z_t) ⊙ r_t ⊙ tanh(W_hh x_t + (1 − z_t) ⊙ W_hh h_{t-1} + b_h) + z_t ⊙ h_{t-1}</code>
/// r_t scales the candidate's output instead of h_{t-1}, and the one matrix W_hh multiplies both
/// x_t and h_{t-1}, which only type-checks when the input size equals the hidden size.
/// </summary>
public sealed class Gru002AsPrintedCell : PrintedGruCell
{
    /// <summary>W_hh (H, H), used for x_t and h_{t-1} alike.</summary>
    public readonly Parameter W_hh;
    /// <summary>b_h (H).</summary>
    public readonly Parameter b_h;

    /// <summary>A new cell; <paramref name="inputSize"/> must equal <paramref name="hiddenSize"/> (the printed W_hh x_t).</summary>
    public Gru002AsPrintedCell(long inputSize, long hiddenSize) : base(nameof(Gru002AsPrintedCell), inputSize, hiddenSize)
    {
        if (inputSize != hiddenSize)
            throw new ArgumentException($"002's printed GRU multiplies x_t by W_hh, so it needs inputSize == hiddenSize; got inputSize {inputSize}, hiddenSize {hiddenSize}.", nameof(inputSize));
        (W_hh, b_h) = (Uniform(hiddenSize, hiddenSize), Uniform(hiddenSize));
        RegisterComponents();
    }

    /// <inheritdoc/>
    protected override (Tensor W, Tensor? b) CandidateInput => (W_hh, b_h);

    /// <summary>The sequence kernel (<see cref="Kernels.Gru002SequenceKernel"/>: same equations, hand-written BPTT).</summary>
    private protected override (Tensor Output, Tensor HT)? RunKernel(Tensor xs, Tensor h0) =>
        Kernels.Gru002SequenceKernel.Run(xs, W_x_zr, W_h_zr, b_zr, W_hh, b_h, h0);

    /// <inheritdoc/>
    public override RecurrentState Step(Tensor xt, RecurrentState state)
    {
        var h = state.H;
        var (z, r, xc) = Gates(xt, h);                                   // xc = W_hh x_t + b_h
        var keep = 1.0 - z;                                               // (1 − z_t), used twice
        var candidate = xc.addcmul(keep, h.mm(W_hh.t()), 1).tanh();          // tanh(W x + b + (1 − z) ⊙ W_hh h)
        return new RecurrentState((keep * r * candidate).addcmul_(z, h, 1));  // (1 − z) ⊙ r ⊙ h̃ + z ⊙ h
    }
}
