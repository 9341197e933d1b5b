using RnnToolkit.Cells;
using RnnToolkit.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RnnToolkit.Models;

/// <summary>
/// The Elman network the documents start from, with its output layer:
/// <code>
/// h_t = φ(W_xh x_t + W_hh h_{t-1} + b_h)
/// y_t = W_hy h_t + b_y                      (000 §3.1, 003 §3.1)
/// y_t = W_hy h_t + V x_t + b_y              (001 §3, with <c>inputSkip</c>: a direct input-to-output term)
/// </code>
/// 001 prints g(W h_t + V x_t + c) reusing the name W; here the output matrix is W_hy and g is left
/// to the loss (identity for regression, softmax inside cross-entropy).
/// </summary>
public sealed class ElmanNetwork : nn.Module<Tensor, Tensor>
{
    /// <summary>The recurrence over an <see cref="RnnCell"/>.</summary>
    public readonly Recurrent rnn;
    /// <summary>W_hy and b_y.</summary>
    public readonly Linear W_hy;
    /// <summary>V, the input-to-output term of 001 (no bias), or null.</summary>
    public readonly Linear? V;

    /// <summary>A new network: input features, hidden units, output features.</summary>
    public ElmanNetwork(long inputSize, long hiddenSize, long outputSize, RnnActivation activation = RnnActivation.Tanh, bool inputSkip = false, bool batchFirst = true)
        : base(nameof(ElmanNetwork))
    {
        rnn = new Recurrent(new RnnCell(inputSize, hiddenSize, activation), batchFirst);
        W_hy = nn.Linear(hiddenSize, outputSize);
        V = inputSkip ? nn.Linear(inputSize, outputSize, hasBias: false) : null;
        RegisterComponents();
    }

    /// <summary>y for every step: (B, T, outputSize) batch-first.</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = rnn.forward(x);
        var y = W_hy.forward(h);
        if (V is not null) y = y + V.forward(x);
        return y.MoveToOuterDisposeScope();
    }
}
