using static TorchSharp.torch;

namespace RnnToolkit.Cells;

/// <summary>
/// The state a recurrent cell carries from one step to the next: the hidden state h and, for the
/// LSTM family, the memory cell c. Shapes are (batch, hidden) for vector cells and
/// (batch, channels, length) for convolutional cells.
/// </summary>
/// <param name="H">The hidden state h_t (also the cell's output).</param>
/// <param name="C">The memory cell c_t, or null for cells without one (RNN, GRU).</param>
public sealed record RecurrentState(Tensor H, Tensor? C = null)
{
    /// <summary>Applies <paramref name="map"/> to every tensor of the state.</summary>
    public RecurrentState Map(Func<Tensor, Tensor> map) => new(map(H), C is null ? null : map(C));

    /// <summary>Combines this state with <paramref name="other"/> tensor by tensor.</summary>
    public RecurrentState Zip(RecurrentState other, Func<Tensor, Tensor, Tensor> combine) =>
        new(combine(H, other.H), C is null ? null : combine(C, other.C ?? throw new ArgumentException("Expected both states to carry a memory cell c; the other state has none.")));

    /// <summary>The tensors of the state, h first.</summary>
    public IEnumerable<Tensor> Tensors => C is null ? [H] : [H, C];
}
