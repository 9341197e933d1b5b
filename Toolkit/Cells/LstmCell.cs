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
/// With a projection (PyTorch's proj_size P &gt; 0, Sak et al. 2014's LSTMP) the hidden state is
/// projected to P features, h_t = W_hr (o_t ⊙ tanh(c_t)) with weight_hr (P, H); weight_hh is then
/// (4H, P), h is (B, P) and c stays (B, H).
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
    /// <summary>The projection W_hr, shape (P, H), or null for a plain LSTM (PyTorch's weight_hr_l0 with proj_size P).</summary>
    public readonly Parameter? weight_hr;

    /// <summary>A new cell with PyTorch's initialization U(−1/√H, 1/√H).</summary>
    /// <param name="inputSize">Features per step.</param>
    /// <param name="hiddenSize">Units H of the memory cell c.</param>
    /// <param name="bias">Whether the gates have biases.</param>
    /// <param name="projSize">P &gt; 0 projects h to P features (PyTorch's proj_size, 0 &lt; P &lt; H); 0 (default) for no projection.</param>
    public LstmCell(long inputSize, long hiddenSize, bool bias = true, long projSize = 0) : this(nameof(LstmCell), inputSize, hiddenSize, bias, projSize)
    {
        RegisterComponents();
    }

    /// <summary>A cell over given parameters (shared, not copied), e.g. those of a fused nn.LSTM layer.</summary>
    /// <param name="weight_ih">(4H, I).</param>
    /// <param name="weight_hh">(4H, H), or (4H, P) with a projection.</param>
    /// <param name="bias_ih">(4H), or null (then bias_hh must be null too).</param>
    /// <param name="bias_hh">(4H), or null (then bias_ih must be null too).</param>
    /// <param name="weight_hr">(P, H) projection, or null for none.</param>
    public LstmCell(Parameter weight_ih, Parameter weight_hh, Parameter? bias_ih, Parameter? bias_hh, Parameter? weight_hr = null)
        : base(nameof(LstmCell), weight_ih.shape[1], weight_ih.shape[0] / 4)
    {
        long H = weight_ih.shape[0] / 4, R = weight_hr?.shape[0] ?? H;
        if (weight_ih.dim() != 2 || weight_ih.shape[0] != 4 * H || !weight_hh.shape.SequenceEqual([4 * H, R]) || weight_hr is not null && !weight_hr.shape.SequenceEqual([R, H]))
            throw new ArgumentException($"LstmCell: expected weight_ih (4H, I), weight_hh (4H, {(weight_hr is null ? "H" : "P")}){(weight_hr is null ? "" : " and weight_hr (P, H)")} with H = {H}; got weight_ih [{string.Join(", ", weight_ih.shape)}], weight_hh [{string.Join(", ", weight_hh.shape)}]{(weight_hr is null ? "" : $", weight_hr [{string.Join(", ", weight_hr.shape)}]")}.", nameof(weight_hh));
        if ((bias_ih is null) != (bias_hh is null) || bias_ih is not null && !bias_ih.shape.SequenceEqual([4 * H]) || bias_hh is not null && !bias_hh.shape.SequenceEqual([4 * H]))
            throw new ArgumentException($"LstmCell: expected both or neither of bias_ih, bias_hh, each (4H) = ({4 * H}); got bias_ih [{string.Join(", ", bias_ih?.shape ?? [])}]{(bias_ih is null ? " (none)" : "")}, bias_hh [{string.Join(", ", bias_hh?.shape ?? [])}]{(bias_hh is null ? " (none)" : "")}.", nameof(bias_hh));
        (this.weight_ih, this.weight_hh, this.bias_ih, this.bias_hh, this.weight_hr) = (weight_ih, weight_hh, bias_ih, bias_hh, weight_hr);
        RegisterComponents();
    }

    /// <summary>For subclasses that add parameters (peepholes); they call RegisterComponents.</summary>
    protected LstmCell(string name, long inputSize, long hiddenSize, bool bias, long projSize = 0) : base(name, inputSize, hiddenSize)
    {
        if (projSize < 0 || projSize >= hiddenSize)
            throw new ArgumentOutOfRangeException(nameof(projSize), projSize, $"Expected projSize in [0, hiddenSize = {hiddenSize}) (0: no projection).");
        long R = projSize > 0 ? projSize : hiddenSize;
        weight_ih = Uniform(4 * hiddenSize, inputSize);
        weight_hh = Uniform(4 * hiddenSize, R);
        bias_ih = bias ? Uniform(4 * hiddenSize) : null;
        bias_hh = bias ? Uniform(4 * hiddenSize) : null;
        weight_hr = projSize > 0 ? Uniform(projSize, hiddenSize) : null;
    }

    /// <inheritdoc/>
    public override bool HasMemoryCell => true;

    /// <summary>P, the size of the projected h, or 0 without a projection.</summary>
    public long ProjSize => weight_hr?.shape[0] ?? 0;

    /// <summary>Features of h_t: P with a projection, else H.</summary>
    public override long OutputSize => weight_hr?.shape[0] ?? HiddenSize;

    /// <summary>(B, P) with a projection, else (B, H).</summary>
    public override long[] StateShape(Tensor xt) => [xt.shape[0], OutputSize];

    /// <summary>(B, H): the memory cell is never projected.</summary>
    public override long[] MemoryShape(Tensor xt) => [xt.shape[0], HiddenSize];

    /// <summary>W_i· x_t + b for all steps and all four gates at once.</summary>
    public override Tensor ProjectInputs(Tensor xs) =>
        bias_ih is null ? matmul(xs, weight_ih.t()) : nn.functional.linear(xs, weight_ih, bias_ih + bias_hh!);

    /// <summary>The sequence kernel (<see cref="Kernels.LstmSequenceKernel"/>: same equations, hand-written BPTT) when the cell is a plain LSTM with biases and no projection, on float32 input.</summary>
    public override (Tensor Outputs, RecurrentState Final)? RunSequence(Tensor xs, RecurrentState state)
    {
        if (bias_ih is null || bias_hh is null || weight_hr is not null || xs.dtype != ScalarType.Float32)
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
        if (weight_hr is not null)
            h_t = h_t.matmul(weight_hr.t());
        return new RecurrentState(h_t, c_t);
    }
}
