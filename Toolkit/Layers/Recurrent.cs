using RnnToolkit.Cells;
using TorchSharp;
using static TorchSharp.torch;

namespace RnnToolkit.Layers;

/// <summary>
/// The unroller: runs any <see cref="RecurrentCell"/> over time.
/// <code>
/// x̂ = ProjectInputs(x)                        one matrix product for all steps
/// for t in 1..T:  s_t = m_t ? Step(x̂_t, s_{t-1}) : s_{t-1}      (m: padding mask)
///                 y_t = m_t ? h_t : 0
/// </code>
/// With <c>goBackwards</c> the sequence (and mask) is processed from the last step to the first and
/// the outputs come back in that processed order, as Keras's go_backwards does.
/// With <c>recurrentDropout</c> p (Keras's recurrent_dropout), in training each sequence draws one
/// mask d ~ Bernoulli(1 − p)/(1 − p) of h's shape and every step sees h_{t-1} ⊙ d in place of h_{t-1}
/// (the same mask at every step, Gal &amp; Ghahramani 2016); the carried state and the outputs are not
/// dropped, and in evaluation nothing is.
/// With <c>stateful</c> (Keras's stateful=True) the final state of one call, detached, is the next call's
/// initial state: s_0^(k+1) = stop_gradient(s_T^(k)) (see <see cref="RecurrentLayer.Stateful"/>).
/// </summary>
public sealed class Recurrent : RecurrentLayer
{
    /// <summary>The cell this layer unrolls.</summary>
    public readonly RecurrentCell Cell;

    /// <summary>Processes the sequence from its last step to its first when true.</summary>
    public bool GoBackwards { get; }

    /// <summary>When true, <see cref="Run(Tensor, IReadOnlyList{RecurrentState}?, Tensor?)"/> also returns every step's h_t (for gradient-flow measurements).</summary>
    public bool KeepSteps { get; set; }

    /// <summary>
    /// When true (default), cells that have a sequence kernel (<see cref="RecurrentCell.RunSequence"/>)
    /// run unpadded batches through it; false always steps through <see cref="RecurrentCell.Step"/>.
    /// </summary>
    public bool UseKernels { get; set; } = true;

    /// <summary>Keras's recurrent_dropout: the probability p of dropping each unit of h_{t-1} on the recurrent path, in training only (one mask per sequence, constant over time).</summary>
    public double RecurrentDropout { get; }

    /// <summary>Unrolls <paramref name="cell"/>.</summary>
    /// <param name="cell">Any recurrent cell.</param>
    /// <param name="batchFirst">(B, T, …) input when true (default), (T, B, …) when false.</param>
    /// <param name="returnSequences">forward returns every step when true (default), the last valid step when false.</param>
    /// <param name="goBackwards">Process the sequence in reverse.</param>
    /// <param name="recurrentDropout">Keras's recurrent_dropout, in [0, 1): dropout on h_{t-1} as the cell's recurrent input during training, one mask per sequence for all steps.</param>
    /// <param name="returnState">Keras's return_state: forward keeps the final state in <see cref="RecurrentLayer.FinalState"/>.</param>
    /// <param name="stateful">Keras's stateful: carry each call's final state (detached) into the next call, until <see cref="RecurrentLayer.ResetStates"/>.</param>
    public Recurrent(RecurrentCell cell, bool batchFirst = true, bool returnSequences = true, bool goBackwards = false, double recurrentDropout = 0, bool returnState = false, bool stateful = false)
        : base(nameof(Recurrent), batchFirst, returnSequences, returnState, stateful)
    {
        if (stateful && goBackwards)
            throw new ArgumentException("Recurrent: expected stateful or goBackwards, not both; got both. A layer reading each batch backwards ends at the batch's first step, so its final state does not continue into the next batch.", nameof(stateful));
        if (recurrentDropout is < 0 or >= 1)
            throw new ArgumentOutOfRangeException(nameof(recurrentDropout), recurrentDropout, "Recurrent: expected recurrentDropout in [0, 1).");
        RecurrentDropout = recurrentDropout;
        Cell = cell;
        GoBackwards = goBackwards;
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override long OutputSize => Cell.OutputSize;
    /// <inheritdoc/>
    public override long InputSize => Cell.InputSize;
    /// <inheritdoc/>
    public override int StateCount => 1;

    /// <inheritdoc/>
    public override RecurrentResult Run(Tensor x, IReadOnlyList<RecurrentState>? initialState = null, Tensor? mask = null)
    {
        var (B, T) = CheckSequence(x, mask, Cell.StepInputRank);
        CheckStateCount(initialState);
        initialState = InitialOrCarried(initialState, B);
        using var scope = NewDisposeScope();

        var xs = BatchFirst ? x.transpose(0, 1) : x;              // (T, B, …)
        var m = mask?.transpose(0, 1);                             // (T, B)
        if (GoBackwards)
        {
            xs = xs.flip(0);
            m = m?.flip(0);
        }
        var state = initialState?[0] ?? Cell.ZeroState(xs[0]);
        if (initialState is not null)
            Cell.CheckState(state, B, Cell.StateShape(xs[0]), Cell.MemoryShape(xs[0]));

        // Keras's recurrent_dropout: one mask per sequence (B, h…), the same for every step.
        var dropMask = training && RecurrentDropout > 0
            ? bernoulli(full_like(state.H, 1 - RecurrentDropout)).div_(1 - RecurrentDropout)
            : null;

        if (UseKernels && m is null && !KeepSteps && dropMask is null && Cell.RunSequence(xs, state) is { } kernel)
            return Carry(new RecurrentResult(BatchFirst ? kernel.Outputs.transpose(0, 1) : kernel.Outputs, kernel.Final.H, [kernel.Final]).MoveToOuter());

        var projected = Cell.ProjectInputs(xs).unbind(0);
        var masks = m is null ? null : m.reshape([T, B, .. Enumerable.Repeat(1L, (int)state.H.dim() - 1)]).unbind(0);
        var outputs = new Tensor[T];
        var steps = KeepSteps ? new List<Tensor>((int)T) : null;
        for (int t = 0; t < T; t++)
        {
            var next = Cell.Step(projected[t], dropMask is null ? state : state with { H = state.H * dropMask });
            steps?.Add(next.H);
            if (masks is null)
            {
                state = next;
                outputs[t] = next.H;
            }
            else
            {
                var mt = masks[t];
                state = next.Zip(state, (n, old) => where(mt, n, old));   // padded: keep the state
                outputs[t] = next.H.masked_fill(mt.logical_not(), 0);      // padded: output zero
            }
        }
        var output = stack(outputs, BatchFirst ? 1 : 0);
        return Carry(new RecurrentResult(output, state.H, [state], steps).MoveToOuter());
    }
}
