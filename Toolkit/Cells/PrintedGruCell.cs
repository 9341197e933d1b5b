using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RnnToolkit.Cells;

/// <summary>
/// What the documents' printed GRUs share: an update gate z and a reset gate r computed the
/// canonical way, z_t = σ(W_xz x_t + W_hz h_{t-1} + b_z), r_t = σ(W_xr x_t + W_hr h_{t-1} + b_r).
/// Each subclass is one document's candidate and interpolation, exactly as printed, so a notebook
/// can train it beside <see cref="GruCell"/> and show what the printed formula does.
/// </summary>
public abstract class PrintedGruCell : RecurrentCell
{
    /// <summary>[W_xz; W_xr], shape (2H, I).</summary>
    public readonly Parameter W_x_zr;
    /// <summary>[W_hz; W_hr], shape (2H, H).</summary>
    public readonly Parameter W_h_zr;
    /// <summary>[b_z; b_r], shape (2H).</summary>
    public readonly Parameter b_zr;

    /// <summary>Creates the gate parameters; subclasses add theirs and call RegisterComponents.</summary>
    protected PrintedGruCell(string name, long inputSize, long hiddenSize) : base(name, inputSize, hiddenSize)
    {
        W_x_zr = Uniform(2 * hiddenSize, inputSize);
        W_h_zr = Uniform(2 * hiddenSize, hiddenSize);
        b_zr = Uniform(2 * hiddenSize);
    }

    /// <summary>The candidate's input-side matrix and bias (bias null when the document adds it elsewhere).</summary>
    protected abstract (Tensor W, Tensor? b) CandidateInput { get; }

    /// <summary>[W_xz x_t + b_z; W_xr x_t + b_r; candidate's input term] for every step in one product: (T, B, 3H).</summary>
    public override Tensor ProjectInputs(Tensor xs)
    {
        var (W, b) = CandidateInput;
        return nn.functional.linear(xs, cat([W_x_zr, W]), cat([b_zr, b ?? b_zr.new_zeros(HiddenSize)]));
    }

    /// <summary>
    /// The variant's sequence kernel (<see cref="RunKernel"/>: the same equations, hand-written BPTT) on float32 input;
    /// null otherwise, so the layer runs the steps.
    /// </summary>
    public override (Tensor Outputs, RecurrentState Final)? RunSequence(Tensor xs, RecurrentState state)
    {
        if (xs.dtype != ScalarType.Float32 || RunKernel(xs.contiguous(), state.H) is not { } run) return null;
        return (run.Output, new RecurrentState(run.HT));
    }

    /// <summary>The variant's sequence kernel on x (T, B, I) float32 and h_0: h_1…h_T and h_T; null for a variant without one.</summary>
    private protected virtual (Tensor Output, Tensor HT)? RunKernel(Tensor xs, Tensor h0) => null;

    /// <summary>z_t, r_t and the candidate's input term from the projected x̂_t (B, 3H) and h_{t-1}.</summary>
    protected (Tensor z, Tensor r, Tensor xc) Gates(Tensor xt, Tensor h)
    {
        var zr = xt.narrow(1, 0, 2 * HiddenSize).addmm(h, W_h_zr.t()).sigmoid().chunk(2, 1);
        return (zr[0], zr[1], xt.narrow(1, 2 * HiddenSize, HiddenSize));
    }
}
