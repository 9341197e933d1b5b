using RnnToolkit.Cells;
using static TorchSharp.torch;

namespace RnnToolkit.Layers;

/// <summary>
/// What a stateful layer carries between calls (Keras's stateful=True):
/// <code>s_0^(k+1) = stop_gradient(s_T^(k))      sample i of batch k+1 continues sample i of batch k</code>
/// until <see cref="Reset"/>. The states are detached copies, so backpropagation ends at the cut (truncated BPTT).
/// </summary>
sealed class CarriedStates : IDisposable
{
    List<RecurrentState>? states;

    /// <summary>The carried states, or null before the first call and after <see cref="Reset"/>.</summary>
    public IReadOnlyList<RecurrentState>? States => states;

    /// <summary>The carried states as the initial states of a batch of <paramref name="batch"/> sequences (null: start from zeros).</summary>
    public IReadOnlyList<RecurrentState>? For(string layer, long batch)
    {
        if (states is null) return null;
        long carried = states[0].H.shape[0];
        if (carried != batch)
            throw new ArgumentException($"{layer} (stateful): expected a batch of {carried} sequences, the batch size whose states it carries (sample i continues sample i); got a batch of {batch}. Call ResetStates() before starting new sequences with another batch size.", "x");
        return states;
    }

    /// <summary>Keeps detached copies of <paramref name="final"/> for the next call.</summary>
    public void Keep(IReadOnlyList<RecurrentState> final)
    {
        var next = final.Select(s => s.Map(t => t.detach().clone().DetachFromDisposeScope())).ToList();
        Reset();
        states = next;
    }

    /// <summary>Converts the carried states with the layer (<c>.to(dtype / device)</c>).</summary>
    public void To(ScalarType? dtype, Device? device)
    {
        if (states is null) return;
        using var scope = NewDisposeScope();
        Tensor Convert(Tensor t) => (device, dtype) switch
        {
            (null, { } d) => t.to(d),
            ({ } dev, null) => t.to(dev),
            ({ } dev, { } d) => t.to(d, dev),
            _ => t.alias(),
        };
        Keep(states.Select(s => s.Map(Convert)).ToList());
    }

    /// <summary>Forgets the carried states: the next call starts from zeros.</summary>
    public void Reset()
    {
        if (states is null) return;
        foreach (var t in states.SelectMany(s => s.Tensors)) t.Dispose();
        states = null;
    }

    /// <inheritdoc/>
    public void Dispose() => Reset();
}
