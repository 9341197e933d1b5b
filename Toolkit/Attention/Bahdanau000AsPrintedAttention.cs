using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RnnToolkit.Attention;

/// <summary>
/// Additive attention exactly as document 000 prints it:
/// <code>
/// e_{t,i} = (1/√d) · tanh(W_e [h_{t−1}; x_i] + b_e) · W_s
/// α_{t,i} = softmax_i e_{t,i}
/// c_t     = Σ_i α_{t,i} x_i
/// </code>
/// W_e (d, |h| + |x|) acts on the concatenation of the previous decoder state and an encoder output; W_s (d) reduces to a
/// score; d is the attention size. The concatenation is never built: W_e [h; x] = W_e[:, :|h|] h + W_e[:, |h|:] x,
/// so the x half is computed once per sequence. Apart from the 1/√d factor this is <see cref="AdditiveAttention"/>.
/// </summary>
public sealed class Bahdanau000AsPrintedAttention : nn.Module<Tensor, Tensor, Tensor>
{
    /// <summary>W_e, shape (d, |h| + |x|).</summary>
    public readonly Parameter W_e;
    /// <summary>b_e, shape (d).</summary>
    public readonly Parameter b_e;
    /// <summary>W_s, shape (d).</summary>
    public readonly Parameter W_s;

    /// <summary>A new attention with PyTorch Linear-style initialization U(−1/√fan_in, 1/√fan_in).</summary>
    /// <param name="stateSize">|h|, features of the decoder state.</param>
    /// <param name="inputSize">|x|, features of an encoder output.</param>
    /// <param name="units">d, the attention size (also the d of 1/√d).</param>
    public Bahdanau000AsPrintedAttention(long stateSize, long inputSize, long units) : base(nameof(Bahdanau000AsPrintedAttention))
    {
        StateSize = stateSize;
        InputSize = inputSize;
        Units = units;
        double k = 1 / Math.Sqrt(stateSize + inputSize), ks = 1 / Math.Sqrt(units);
        W_e = new Parameter(empty(units, stateSize + inputSize).uniform_(-k, k));
        b_e = new Parameter(empty(units).uniform_(-k, k));
        W_s = new Parameter(empty(units).uniform_(-ks, ks));
        RegisterComponents();
    }

    /// <summary>|h|.</summary>
    public long StateSize { get; }
    /// <summary>|x|.</summary>
    public long InputSize { get; }
    /// <summary>d.</summary>
    public long Units { get; }

    /// <summary>c_t for h_{t−1} (B, |h|) or (B, Tq, |h|) over encoder outputs x (B, Tx, |x|).</summary>
    public override Tensor forward(Tensor state, Tensor inputs)
    {
        using var scope = NewDisposeScope();
        return Run(state, inputs).Output.MoveToOuterDisposeScope();
    }

    /// <summary>W_e[:, |h|:] x_i + b_e for all encoder outputs, to reuse across decoder steps.</summary>
    public Tensor ProjectInputs(Tensor inputs) => nn.functional.linear(inputs, W_e.narrow(1, StateSize, InputSize), b_e);

    /// <summary>The attention for h_{t−1} (B, |h|) or (B, Tq, |h|) over x (B, Tx, |x|).</summary>
    /// <param name="state">h_{t−1}.</param>
    /// <param name="inputs">x, the encoder outputs (also the values).</param>
    /// <param name="mask">(B, Tx) booleans, true where x_i is real; or null.</param>
    /// <param name="projectedInputs">The result of <see cref="ProjectInputs"/>, or null.</param>
    public AttentionResult Run(Tensor state, Tensor inputs, Tensor? mask = null, Tensor? projectedInputs = null) =>
        QueryAttention.Run(nameof(Bahdanau000AsPrintedAttention), state, inputs, null, mask, StateSize, InputSize, h =>
        {
            var px = projectedInputs ?? ProjectInputs(inputs);                                       // W_e[:, |h|:] x_i + b_e
            var ph = nn.functional.linear(h, W_e.narrow(1, 0, StateSize));                          // W_e[:, :|h|] h_{t−1}
            return matmul((ph.unsqueeze(2) + px.unsqueeze(1)).tanh(), W_s) / Math.Sqrt(Units);    // e_{t,i} = (1/√d) tanh(W_e [h; x_i] + b_e) · W_s
        });
}
