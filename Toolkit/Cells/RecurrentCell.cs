using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RnnToolkit.Cells;

/// <summary>
/// One step of a recurrent network: (x_t, state_{t-1}) → state_t. Every variant of the toolkit
/// (RNN, LSTM, peephole LSTM, GRU, the documents' printed GRUs, convolutional recurrences) is a
/// cell; <see cref="Layers.Recurrent"/> unrolls any of them over time.
/// </summary>
/// <remarks>
/// A step is split in two so that the unroller can do the input half for all time steps in one
/// large matrix product (as cuDNN and PyTorch do): <see cref="ProjectInputs"/> maps the whole
/// sequence (T, B, features…) to what <see cref="Step"/> needs from x_t, and <see cref="Step"/>
/// does the recurrent half. Cells whose input and recurrence cannot be separated return the input
/// unchanged from <see cref="ProjectInputs"/>.
/// </remarks>
public abstract class RecurrentCell : nn.Module<Tensor, RecurrentState, RecurrentState>
{
    /// <summary>Creates a cell.</summary>
    /// <param name="name">The module name.</param>
    /// <param name="inputSize">Features per step (channels, for convolutional cells).</param>
    /// <param name="hiddenSize">Hidden units (channels, for convolutional cells).</param>
    protected RecurrentCell(string name, long inputSize, long hiddenSize) : base(name)
    {
        if (inputSize <= 0) throw new ArgumentOutOfRangeException(nameof(inputSize), inputSize, "Expected inputSize > 0.");
        if (hiddenSize <= 0) throw new ArgumentOutOfRangeException(nameof(hiddenSize), hiddenSize, "Expected hiddenSize > 0.");
        InputSize = inputSize;
        HiddenSize = hiddenSize;
    }

    /// <summary>Features of x_t (input channels for convolutional cells).</summary>
    public long InputSize { get; }

    /// <summary>Units of h_t (hidden channels for convolutional cells).</summary>
    public long HiddenSize { get; }

    /// <summary>Features of h_t, the cell's output: <see cref="HiddenSize"/>, except for an LSTM with a projection (proj_size).</summary>
    public virtual long OutputSize => HiddenSize;

    /// <summary>True when the state carries a memory cell c (LSTM family).</summary>
    public virtual bool HasMemoryCell => false;

    /// <summary>Dimensions of one step's input per batch element: 1 for vectors (features), 2 for 1-D feature maps (channels, length), 3 for images (channels, height, width).</summary>
    public virtual int StepInputRank => 1;

    /// <summary>Names of a step's dimensions after the channels, for shape messages: none, ["L"], or ["H", "W"].</summary>
    internal static string[] MapDimensions(int stepRank) => stepRank switch
    {
        1 => [],
        2 => ["L"],
        3 => ["H", "W"],
        _ => Enumerable.Range(1, stepRank - 1).Select(d => $"D{d}").ToArray(),
    };

    /// <summary>The input-side half of the step for a whole sequence (T, B, …), done once before the loop.</summary>
    public virtual Tensor ProjectInputs(Tensor xs) => xs.alias();

    /// <summary>The recurrent half: state_t from the projected x_t and state_{t-1}.</summary>
    public abstract RecurrentState Step(Tensor xt, RecurrentState state);

    /// <summary>
    /// A whole unpadded sequence in one go, for cells that have a fused kernel: (T, B, …) time-first
    /// → every step's h (T, B, H) and the final state. Null (the default) means "no kernel: step".
    /// </summary>
    public virtual (Tensor Outputs, RecurrentState Final)? RunSequence(Tensor xs, RecurrentState state) => null;

    /// <summary>One full step: state_t = cell(x_t, state_{t-1}). x_t is (B, features), (B, channels, length) or (B, channels, height, width).</summary>
    public override RecurrentState forward(Tensor xt, RecurrentState state)
    {
        CheckInput(xt, "x_t", "B");
        CheckState(state, xt.shape[0], StateShape(xt), MemoryShape(xt));
        using var projected = ProjectInputs(xt.unsqueeze(0));
        return Step(projected[0], state);
    }

    /// <summary>The zero state for a batch whose step input looks like <paramref name="xt"/>.</summary>
    public virtual RecurrentState ZeroState(Tensor xt)
    {
        var h = zeros(StateShape(xt), dtype: xt.dtype, device: xt.device);
        return new RecurrentState(h, HasMemoryCell ? zeros(MemoryShape(xt), dtype: xt.dtype, device: xt.device) : null);
    }

    /// <summary>Shape of h (and c) for a batch whose step input is <paramref name="xt"/>: (B, H) by default.</summary>
    public virtual long[] StateShape(Tensor xt) => [xt.shape[0], HiddenSize];

    /// <summary>Shape of the memory cell c for a batch whose step input is <paramref name="xt"/>: that of h (<see cref="StateShape"/>) unless h is projected.</summary>
    public virtual long[] MemoryShape(Tensor xt) => StateShape(xt);

    /// <summary>Throws an <see cref="ArgumentException"/> naming the expected and actual shape when x does not fit the cell.</summary>
    /// <param name="x">The tensor to check.</param>
    /// <param name="what">Its name in the message.</param>
    /// <param name="leading">Names of the dimensions before the features, e.g. ["B"] for one step or ["B", "T"] for a sequence.</param>
    public void CheckInput(Tensor x, string what, params string[] leading)
    {
        int rank = leading.Length + StepInputRank;
        if (x.dim() != rank || x.shape[leading.Length] != InputSize)
        {
            var expected = leading.Append(InputSize.ToString()).Concat(MapDimensions(StepInputRank));
            throw new ArgumentException($"{GetType().Name}: expected {what} of shape ({string.Join(", ", expected)}); got [{string.Join(", ", x.shape)}].", what);
        }
    }

    /// <summary>Throws an <see cref="ArgumentException"/> when a given state does not match the cell and batch.</summary>
    public void CheckState(RecurrentState state, long batch, long[] expected) => CheckState(state, batch, expected, expected);

    /// <summary>Throws an <see cref="ArgumentException"/> when a given state does not match the cell and batch: h of shape <paramref name="expected"/>, c of shape <paramref name="expectedC"/>.</summary>
    public void CheckState(RecurrentState state, long batch, long[] expected, long[] expectedC)
    {
        foreach (var (t, name, shape) in state.Tensors.Zip(new[] { "h", "c" }, new[] { expected, expectedC }))
            if (!t.shape.SequenceEqual(shape))
                throw new ArgumentException($"{GetType().Name}: expected initial state {name} of shape [{string.Join(", ", shape)}] for a batch of {batch}; got [{string.Join(", ", t.shape)}].", nameof(state));
        if (HasMemoryCell && state.C is null)
            throw new ArgumentException($"{GetType().Name}: expected an initial state with both h and c (an LSTM-family cell); got h only.", nameof(state));
    }

    /// <summary>A parameter drawn from U(−1/√H, 1/√H), PyTorch's initialization for recurrent weights.</summary>
    protected Parameter Uniform(params long[] shape)
    {
        double k = 1.0 / Math.Sqrt(HiddenSize);
        return new Parameter(empty(shape).uniform_(-k, k));
    }
}
