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

    /// <summary>z_t and r_t from x_t and h_{t-1}.</summary>
    protected (Tensor z, Tensor r) Gates(Tensor xt, Tensor h)
    {
        var zr = nn.functional.linear(xt, W_x_zr, b_zr).addmm(h, W_h_zr.t()).sigmoid().chunk(2, 1);
        return (zr[0], zr[1]);
    }
}
