using RnnToolkit.Cells;
using TorchSharp;
using static TorchSharp.torch;

namespace RnnToolkit.Layers;

/// <summary>How <see cref="Bidirectional"/> combines the two directions (Keras's merge_mode).</summary>
public enum MergeMode
{
    /// <summary>[→h_t; ←h_t] along the feature axis (2H features).</summary>
    Concat,
    /// <summary>→h_t + ←h_t.</summary>
    Sum,
    /// <summary>→h_t ⊙ ←h_t.</summary>
    Mul,
    /// <summary>(→h_t + ←h_t) / 2.</summary>
    Ave,
    /// <summary>Not merged: the two outputs stacked on a new leading axis (2, …).</summary>
    None,
}

/// <summary>
/// Makes any recurrent layer bidirectional (000 §3.4 states only the plain RNN; the real model):
/// <code>
/// →h_t = forward layer over x_1 … x_T
/// ←h_t = backward layer over x_T … x_1, re-aligned so ←h_t sits at step t
/// y_t  = merge(→h_t, ←h_t)          (concat by default: [→h_t; ←h_t])
/// </code>
/// With padding, the backward pass starts at each sequence's last real step (as PyTorch's packed
/// sequences and Keras's masks do). Final states are [forward…, backward…], PyTorch's order.
/// </summary>
public sealed class Bidirectional : RecurrentLayer
{
    /// <summary>The layer that reads the sequence left to right.</summary>
    public readonly RecurrentLayer Forward;
    /// <summary>The layer that reads it right to left.</summary>
    public readonly RecurrentLayer Backward;

    /// <summary>How the directions are merged.</summary>
    public MergeMode Mode { get; }

    /// <summary>Wraps two layers of the same shape, one per direction.</summary>
    /// <param name="forward">The layer that reads the sequence left to right.</param>
    /// <param name="backward">The layer that reads it right to left.</param>
    /// <param name="mode">How the directions are merged.</param>
    /// <param name="returnSequences">forward returns every step (default) or the last valid step.</param>
    /// <param name="returnState">Keras's return_state: forward keeps both directions' final states in <see cref="RecurrentLayer.FinalState"/> (forward's, then backward's).</param>
    public Bidirectional(RecurrentLayer forward, RecurrentLayer backward, MergeMode mode = MergeMode.Concat, bool returnSequences = true, bool returnState = false)
        : base(nameof(Bidirectional), forward.BatchFirst, returnSequences, returnState)
    {
        if (forward.BatchFirst != backward.BatchFirst || forward.InputSize != backward.InputSize || forward.OutputSize != backward.OutputSize)
            throw new ArgumentException($"Bidirectional: expected two layers of the same layout and sizes; got forward (batchFirst {forward.BatchFirst}, {forward.InputSize} → {forward.OutputSize}) and backward (batchFirst {backward.BatchFirst}, {backward.InputSize} → {backward.OutputSize}).", nameof(backward));
        if (forward.Stateful || backward.Stateful)
            throw new ArgumentException($"Bidirectional: expected layers that are not stateful; got a stateful {(forward.Stateful ? "forward" : "backward")} layer. The backward direction reads each batch from its last step to its first, so no final state of it continues into the next batch (Keras accepts this and carries it anyway).", forward.Stateful ? nameof(forward) : nameof(backward));
        (Forward, Backward, Mode) = (forward, backward, mode);
        RegisterComponents();
    }

    /// <summary>Wraps two layers made by <paramref name="make"/> (one per direction), e.g. <c>() =&gt; new Recurrent(new LstmCell(8, 16))</c>.</summary>
    public Bidirectional(Func<RecurrentLayer> make, MergeMode mode = MergeMode.Concat, bool returnSequences = true, bool returnState = false)
        : this(make(), make(), mode, returnSequences, returnState) { }

    /// <inheritdoc/>
    public override long OutputSize => Mode == MergeMode.Concat ? 2 * Forward.OutputSize : Forward.OutputSize;
    /// <inheritdoc/>
    public override long InputSize => Forward.InputSize;
    /// <inheritdoc/>
    public override int StateCount => Forward.StateCount + Backward.StateCount;

    /// <inheritdoc/>
    public override RecurrentResult Run(Tensor x, IReadOnlyList<RecurrentState>? initialState = null, Tensor? mask = null)
    {
        CheckStateCount(initialState);
        using var scope = NewDisposeScope();
        var forward = Forward.Run(x, initialState?.Take(Forward.StateCount).ToList(), mask);
        // Reversing the whole padded sequence and its mask is the same as reversing each sequence
        // within its length: padded steps come first and leave the state untouched.
        var backward = Backward.Run(Masks.FlipTime(x, BatchFirst), initialState?.Skip(Forward.StateCount).ToList(), mask?.flip(1));
        var output = Merge(forward.Output, Masks.FlipTime(backward.Output, BatchFirst), featureAxis: 2);
        var last = Merge(forward.Last, backward.Last, featureAxis: 1);
        return new RecurrentResult(output, last, [.. forward.Final, .. backward.Final]).MoveToOuter();
    }

    Tensor Merge(Tensor f, Tensor b, int featureAxis) => Mode switch
    {
        MergeMode.Concat => cat([f, b], featureAxis),
        MergeMode.Sum => f + b,
        MergeMode.Mul => f * b,
        MergeMode.Ave => (f + b) / 2,
        _ => stack([f, b]),
    };
}
