using RnnToolkit.Cells;
using static TorchSharp.torch;

namespace RnnToolkit.Layers;

/// <summary>What a recurrent layer returns for a sequence.</summary>
/// <param name="Output">Every step's output: (B, T, features) batch-first or (T, B, features) time-first; zero at padded steps.</param>
/// <param name="Last">The output a sequence classifier uses: the last valid step's (B, features), i.e. Keras's return_sequences=False.</param>
/// <param name="Final">The final state of every layer and direction, in PyTorch's order (layer by layer, forward before backward).</param>
/// <param name="Steps">When asked for, every step's hidden state h_t (B, H) of a single recurrent layer, in the order processed — the tensors autograd differentiates through, for gradient-flow plots.</param>
public sealed record RecurrentResult(Tensor Output, Tensor Last, IReadOnlyList<RecurrentState> Final, IReadOnlyList<Tensor>? Steps = null)
{
    /// <summary>h_n stacked as PyTorch returns it: (layers · directions, B, H).</summary>
    public Tensor HN => stack(Final.Select(s => s.H).ToArray());

    /// <summary>c_n stacked as PyTorch returns it (LSTM family), else null.</summary>
    public Tensor? CN => Final.All(s => s.C is not null) ? stack(Final.Select(s => s.C!).ToArray()) : null;

    /// <summary>Moves every tensor of the result out of the current dispose scope, each once (Last is often Final's h).</summary>
    internal RecurrentResult MoveToOuter()
    {
        var distinct = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var t in new[] { Output, Last }.Concat(Final.SelectMany(s => s.Tensors)).Concat(Steps ?? []))
            if (distinct.Add(t)) t.MoveToOuterDisposeScope();
        return this;
    }
}
