using RnnToolkit.Cells;
using TorchSharp;
using static TorchSharp.torch;

namespace RnnToolkit.Layers;

/// <summary>
/// A layer that runs over a whole sequence: the unroller (<see cref="Recurrent"/>), the
/// bidirectional wrapper, a stack of layers, and the standard RNN/LSTM/GRU layers all are one.
/// As a <c>Module&lt;Tensor, Tensor&gt;</c> it returns every step's output (Keras
/// return_sequences=True) or only the last (False), so it composes in <c>nn.Sequential</c>;
/// <see cref="Run(Tensor, IReadOnlyList{RecurrentState}?, Tensor?)"/> gives everything: outputs, final states, and takes initial states and masks.
/// Inside a model, where forward can return only one tensor, <see cref="ReturnState"/> (Keras's return_state) makes each
/// forward call keep the final states too, read from <see cref="FinalState"/>.
/// </summary>
public abstract class RecurrentLayer : nn.Module<Tensor, Tensor>
{
    readonly CarriedStates? carried;

    IReadOnlyList<RecurrentState>? finalState;
    bool returnState;

    /// <summary>Creates the layer.</summary>
    protected RecurrentLayer(string name, bool batchFirst, bool returnSequences, bool returnState = false)
        : this(name, batchFirst, returnSequences, returnState, stateful: false) { }

    /// <summary>Creates the layer, keeping its final states (Keras's return_state) or not, stateful (Keras's stateful=True) or not.</summary>
    private protected RecurrentLayer(string name, bool batchFirst, bool returnSequences, bool returnState, bool stateful) : base(name)
    {
        BatchFirst = batchFirst;
        ReturnSequences = returnSequences;
        ReturnState = returnState;
        carried = stateful ? new CarriedStates() : null;
    }

    /// <summary>
    /// Keras's stateful=True: the final state of sample i in one call, detached, is the initial state of sample i in the
    /// next call (when no initial state is given), so consecutive batches continue the same sequences and gradients stop
    /// at each batch's start (truncated BPTT). Every call must then have the same batch size until <see cref="ResetStates"/>.
    /// </summary>
    public bool Stateful => carried is not null;

    /// <summary>The states a stateful layer carries into its next call (Keras's <c>layer.states</c>), or null (not stateful, or reset).</summary>
    public IReadOnlyList<RecurrentState>? States => carried?.States;

    /// <summary>Forgets the carried states (Keras's <c>reset_states</c>): the next call starts from zeros. Does nothing on a layer that is not stateful.</summary>
    public void ResetStates() => carried?.Reset();

    /// <summary>The initial states of a call: the given ones, else the carried ones of a stateful layer (checked against the batch size), else null.</summary>
    private protected IReadOnlyList<RecurrentState>? InitialOrCarried(IReadOnlyList<RecurrentState>? initialState, long batch) =>
        initialState ?? carried?.For(GetType().Name, batch);

    /// <summary>Keeps a stateful layer's final states (detached) for its next call; returns <paramref name="result"/>.</summary>
    private protected RecurrentResult Carry(RecurrentResult result)
    {
        carried?.Keep(result.Final);
        return result;
    }

    /// <summary>Converts the carried states with the weights.</summary>
    /// <param name="dtype">The target element type, or null to keep it.</param>
    /// <param name="device">The target device, or null to keep it.</param>
    /// <param name="non_blocking">Convert asynchronously where the device allows it.</param>
    protected override void _toEpilog(ScalarType? dtype, Device? device, bool non_blocking)
    {
        carried?.To(dtype, device);
        base._toEpilog(dtype, device, non_blocking);
    }

    /// <summary>Input and output are (B, T, …) when true (Keras, the default), (T, B, …) when false (PyTorch's default).</summary>
    public bool BatchFirst { get; }

    /// <summary>forward returns every step's output when true, only the last valid step's when false.</summary>
    public bool ReturnSequences { get; set; }

    /// <summary>
    /// Keras's return_state: when true, every forward call (as in <c>nn.Sequential</c>) also keeps the final state of every
    /// layer and direction in <see cref="FinalState"/>; forward still returns one tensor (see <see cref="ReturnSequences"/>).
    /// Setting it to false forgets the kept states. <see cref="Run(Tensor, IReadOnlyList{RecurrentState}?, Tensor?)"/> returns them either way.
    /// </summary>
    public bool ReturnState
    {
        get => returnState;
        set
        {
            returnState = value;
            if (!value) finalState = null;
        }
    }

    /// <summary>
    /// The final states of the last forward call, when <see cref="ReturnState"/> is true: Keras's [h, c] per layer and
    /// direction, in PyTorch's order (layer by layer, forward before backward; <c>FinalState[i].H</c> is h_n[i], <c>.C</c>
    /// c_n[i] for the LSTM family) — what <see cref="Run(Tensor, IReadOnlyList{RecurrentState}?, Tensor?)"/> returns as
    /// <see cref="RecurrentResult.Final"/>. The tensors belong to the same dispose scope as that call's output and carry its
    /// autograd graph; the next forward call replaces them without disposing them.
    /// </summary>
    /// <exception cref="InvalidOperationException">When <see cref="ReturnState"/> is false, or no forward call has run since it was set.</exception>
    public IReadOnlyList<RecurrentState> FinalState => !ReturnState
        ? throw new InvalidOperationException($"{GetType().Name}: expected ReturnState = true (Keras's return_state) before forward for FinalState; got ReturnState = false. Set it (or the constructor's returnState), or call Run(…), which returns the final states.")
        : finalState ?? throw new InvalidOperationException($"{GetType().Name}: expected a forward call before reading FinalState; got none since ReturnState was set.");

    /// <summary>Features of each output step.</summary>
    public abstract long OutputSize { get; }

    /// <summary>Features each input step must have (channels for convolutional cells).</summary>
    public abstract long InputSize { get; }

    /// <summary>How many states <see cref="RecurrentResult.Final"/> holds (layers × directions).</summary>
    public abstract int StateCount { get; }

    /// <summary>
    /// Runs the layer over a sequence.
    /// </summary>
    /// <param name="x">(B, T, features…) when <see cref="BatchFirst"/>, else (T, B, features…).</param>
    /// <param name="initialState">Initial states, <see cref="StateCount"/> of them; null for zeros.</param>
    /// <param name="mask">(B, T) booleans, true where a step is real. Padded steps leave the state unchanged and output zeros. Null: every step is real.</param>
    public abstract RecurrentResult Run(Tensor x, IReadOnlyList<RecurrentState>? initialState = null, Tensor? mask = null);

    /// <summary><see cref="Run(Tensor, IReadOnlyList{RecurrentState}?, Tensor?)"/> with per-sequence lengths (B) instead of a mask: steps t ≥ length are padding.</summary>
    public RecurrentResult RunWithLengths(Tensor x, Tensor lengths, IReadOnlyList<RecurrentState>? initialState = null) =>
        Run(x, initialState, Masks.FromLengths(lengths, BatchFirst ? x.shape[0] : x.shape[1], x.dim() > 1 ? x.shape[BatchFirst ? 1 : 0] : 0));

    /// <summary>Every step's output, or the last valid step's (see <see cref="ReturnSequences"/>); with <see cref="ReturnState"/> the final states are kept in <see cref="FinalState"/>.</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var result = Run(x);
        var output = ReturnSequences ? result.Output : result.Last;
        if (!ReturnState) return output.MoveToOuterDisposeScope();
        var moved = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);   // each once: Last is often a final h
        foreach (var t in result.Final.SelectMany(s => s.Tensors).Prepend(output))
            if (moved.Add(t)) t.MoveToOuterDisposeScope();
        finalState = result.Final;
        return output;
    }

    /// <summary>Checks that x is (B, T, …) / (T, B, …) with the right features, and a mask (B, T) of booleans.</summary>
    protected (long B, long T) CheckSequence(Tensor x, Tensor? mask, int stepRank)
    {
        string[] leading = BatchFirst ? ["B", "T"] : ["T", "B"];
        string layout = "(" + string.Join(", ", leading.Append(InputSize.ToString()).Concat(RecurrentCell.MapDimensions(stepRank))) + ")";
        if (x.dim() != 2 + stepRank || x.shape[2] != InputSize)
            throw new ArgumentException($"{GetType().Name}: expected input of shape {layout} ({(BatchFirst ? "batch-first" : "time-first")}); got [{string.Join(", ", x.shape)}].", nameof(x));
        long B = x.shape[BatchFirst ? 0 : 1], T = x.shape[BatchFirst ? 1 : 0];
        if (T == 0 || B == 0)
            throw new ArgumentException($"{GetType().Name}: expected at least one sequence of at least one step; got shape [{string.Join(", ", x.shape)}] (B = {B}, T = {T}).", nameof(x));
        if (mask is not null && (mask.dim() != 2 || mask.shape[0] != B || mask.shape[1] != T || mask.dtype != ScalarType.Bool))
            throw new ArgumentException($"{GetType().Name}: expected a mask of shape ({B}, {T}) (batch, time) and dtype Bool; got [{string.Join(", ", mask.shape)}] of {mask.dtype}.", nameof(mask));
        return (B, T);
    }

    /// <summary>Checks that <paramref name="initialState"/> holds <see cref="StateCount"/> states.</summary>
    protected void CheckStateCount(IReadOnlyList<RecurrentState>? initialState)
    {
        if (initialState is not null && initialState.Count != StateCount)
            throw new ArgumentException($"{GetType().Name}: expected {StateCount} initial state(s) (layers × directions); got {initialState.Count}.", nameof(initialState));
    }
}
