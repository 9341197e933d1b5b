using RnnToolkit.Cells;
using RnnToolkit.Native;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RnnToolkit.Layers;

/// <summary>
/// What the standard <see cref="Rnn"/>, <see cref="Lstm"/> and <see cref="Gru"/> layers share: one set of
/// weights in PyTorch's names and layout (weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0,
/// …_reverse, l1 …), and two ways to run them — libtorch's fused kernels, or the toolkit's cells
/// composed by <see cref="Recurrent"/>, <see cref="Bidirectional"/> and <see cref="Stacked"/> over the very
/// same parameter tensors. Both give the same outputs and gradients; <see cref="Backend"/> picks.
/// </summary>
public abstract class StandardRecurrent : RecurrentLayer
{
    readonly nn.Module fused;
    readonly Func<Parameter, Parameter, Parameter?, Parameter?, Parameter?, RecurrentCell> makeCell;
    RecurrentLayer cells;
    List<Recurrent> unrollers;
    readonly long inputSize;
    readonly long gateRows;
    readonly bool hasBias;

    /// <summary>Builds the layer around a fused TorchSharp module whose parameters become this layer's.</summary>
    /// <param name="name">Module name.</param>
    /// <param name="fused">TorchSharp's nn.RNN / nn.LSTM / nn.GRU built with the same options.</param>
    /// <param name="makeCell">Makes the cell of one layer and direction over (weight_ih, weight_hh, bias_ih, bias_hh, weight_hr or null).</param>
    /// <param name="options">The layer's options.</param>
    private protected StandardRecurrent(string name, nn.Module fused, Func<Parameter, Parameter, Parameter?, Parameter?, Parameter?, RecurrentCell> makeCell, RecurrentOptions options)
        : base(name, options.BatchFirst, options.ReturnSequences, options.ReturnState, options.Stateful)
    {
        this.fused = fused;
        inputSize = options.InputSize;
        HiddenSize = options.HiddenSize;
        NumLayers = options.NumLayers;
        IsBidirectional = options.Bidirectional;
        Dropout = options.Dropout;
        ProjSize = options.ProjSize;
        RecurrentDropout = options.RecurrentDropout;
        this.makeCell = makeCell;
        var parameters = FusedParameters();
        gateRows = parameters["weight_hh_l0"].shape[0];
        hasBias = options.Bias;
        foreach (var (n, p) in parameters)
            register_parameter(n, p);
        (cells, unrollers) = BuildCells(parameters);
    }

    // The fused module owns the weights; this layer registers the very same tensors under PyTorch's names, and the cells
    // are built over them too, so one set of tensors serves every backend.
    Dictionary<string, Parameter> FusedParameters() => fused.named_parameters().ToDictionary(p => p.name, p => p.parameter);

    // Each layer and direction as a cell unrolled by Recurrent, directions joined by Bidirectional, layers by Stacked.
    (RecurrentLayer Cells, List<Recurrent> Unrollers) BuildCells(Dictionary<string, Parameter> parameters)
    {
        var built = new List<Recurrent>();
        var layers = new List<RecurrentLayer>();
        for (int l = 0; l < NumLayers; l++)
        {
            RecurrentLayer Direction(string suffix)
            {
                var unroller = new Recurrent(makeCell(
                    parameters[$"weight_ih_l{l}{suffix}"], parameters[$"weight_hh_l{l}{suffix}"],
                    parameters.GetValueOrDefault($"bias_ih_l{l}{suffix}"), parameters.GetValueOrDefault($"bias_hh_l{l}{suffix}"),
                    parameters.GetValueOrDefault($"weight_hr_l{l}{suffix}")), BatchFirst, recurrentDropout: RecurrentDropout);
                built.Add(unroller);
                return unroller;
            }
            layers.Add(IsBidirectional ? new Bidirectional(Direction(""), Direction("_reverse")) : Direction(""));
        }
        var stacked = new Stacked(layers, Dropout);
        stacked.train(training);
        return (stacked, built);
    }

    /// <summary>
    /// Moves or converts the weights (<c>.to(dtype)</c>, <c>.to(device)</c>, <c>.cpu()</c>, <c>.cuda()</c>): the fused module,
    /// which owns them, converts them; this layer then registers the converted tensors under the same names and rebuilds
    /// its cells over them, so no backend keeps a tensor of the old type or device.
    /// </summary>
    /// <param name="dtype">The target element type, or null to keep it.</param>
    /// <param name="device">The target device, or null to keep it.</param>
    /// <param name="non_blocking">Convert asynchronously where the device allows it.</param>
    protected override void _toEpilog(ScalarType? dtype, Device? device, bool non_blocking)
    {
        // Taken before the fused module converts: a managed one (the projected LSTM's) disposes the tensors it replaces,
        // and named_parameters skips disposed tensors.
        var own = named_parameters(recurse: false).ToList();
        if (device is null) fused.to(dtype!.Value, non_blocking);
        else if (dtype is null) fused.to(device, non_blocking);
        else fused.to(device, dtype.Value, non_blocking);
        var converted = FusedParameters();
        foreach (var (name, old) in own)
        {
            var current = converted[name];
            if (ReferenceEquals(old, current)) continue;
            ConditionallyRegisterParameter(name, current);
            old.Dispose();
        }
        (cells, unrollers) = BuildCells(converted);
        base._toEpilog(dtype, device, non_blocking);
    }

    /// <summary>
    /// Registers nothing more: the layer registered its parameters under PyTorch's names when it was built, and they are
    /// all it owns. The fused module and the cells are views of those parameters, not submodules: registered (as a parent's
    /// RegisterComponents would do through <c>register_module</c>), they would add every weight twice more to the
    /// parent's state dict, and after <c>.to()</c> the registered cells would be the stale ones this layer replaced.
    /// </summary>
    protected override void RegisterComponents() { }

    /// <summary>Hidden units per direction.</summary>
    public long HiddenSize { get; }
    /// <summary>Keras's recurrent_dropout: dropout on h_{t-1} as each step's recurrent input while training, one mask per sequence (runs on the cells, see <see cref="Recurrent"/>).</summary>
    public double RecurrentDropout { get; }
    /// <summary>Stacked layers.</summary>
    public long NumLayers { get; }
    /// <summary>True for a bidirectional layer (outputs concatenate the two directions).</summary>
    public bool IsBidirectional { get; }
    /// <summary>Dropout between stacked layers during training.</summary>
    public double Dropout { get; }
    /// <summary>Size P of the projected hidden state (PyTorch's proj_size, LSTM only), or 0 without a projection.</summary>
    public long ProjSize { get; }
    /// <summary>Features of h per direction: <see cref="ProjSize"/> when projected, else <see cref="HiddenSize"/>.</summary>
    public long StateSize => ProjSize > 0 ? ProjSize : HiddenSize;

    /// <summary>Which computation runs (default <see cref="RecurrentBackend.Auto"/>).</summary>
    public RecurrentBackend Backend { get; set; } = RecurrentBackend.Auto;

    /// <inheritdoc/>
    public override long InputSize => inputSize;
    /// <inheritdoc/>
    public override long OutputSize => IsBidirectional ? 2 * StateSize : StateSize;
    /// <inheritdoc/>
    public override int StateCount => (int)(NumLayers * (IsBidirectional ? 2 : 1));

    /// <summary>True when the layer's cell has a sequence kernel that trains faster than the fused module (measured: docs/benchmarks.md).</summary>
    protected virtual bool HasSequenceKernel => false;

    /// <summary>Names the option when the layer's configuration is one that only its cells compute (neither libtorch's fused
    /// module nor a sequence kernel), e.g. the reset-before GRU; null otherwise. Fused and Kernels then throw, Auto runs the cells.</summary>
    private protected virtual string? CellsOnly => null;

    /// <summary>True for the LSTM, whose state carries a memory cell c.</summary>
    protected virtual bool HasMemoryCell => false;

    /// <summary>The path <see cref="Run"/> takes for this input in the current mode (see <see cref="RecurrentBackend.Auto"/>).</summary>
    /// <param name="mask">The call's padding mask, or null.</param>
    /// <param name="training">True for a call that builds an autograd graph.</param>
    public RecurrentBackend ResolveBackend(Tensor? mask, bool training = false) =>
        BackendPolicy.Choose(Backend, Shape(batch: 0, mask, autograd: training, ScalarType.Float32), HostCapabilities.Current()).PathOrThrow();

    // What the backend choice knows of a call: the layer's configuration and mode, the call's batch, mask and autograd.
    CallShape Shape(long batch, Tensor? mask, bool autograd, ScalarType dtype) => new(
        GetType().Name, inputSize, HiddenSize, gateRows, NumLayers, IsBidirectional, ProjSize, CellsOnly, HasSequenceKernel,
        RecurrentDropout, TrainMode: training, autograd, KindOf(mask), batch, dtype);

    static MaskKind KindOf(Tensor? mask)
    {
        if (mask is null) return MaskKind.None;
        using var lengths = Masks.ToLengths(mask);
        return lengths is not null && lengths.min().item<long>() > 0 ? MaskKind.Packable : MaskKind.NotPackable;
    }

    /// <inheritdoc/>
    public override RecurrentResult Run(Tensor x, IReadOnlyList<RecurrentState>? initialState = null, Tensor? mask = null)
    {
        var (B, _) = CheckSequence(x, mask, stepRank: 1);
        CheckStateCount(initialState);
        initialState = InitialOrCarried(initialState, B);
        if (initialState is not null)
        {
            foreach (var s in initialState)
            {
                if (!s.H.shape.SequenceEqual([B, StateSize]) || (HasMemoryCell && (s.C is null || !s.C.shape.SequenceEqual([B, HiddenSize]))))
                    throw new ArgumentException($"{GetType().Name}: expected each initial state's {(HasMemoryCell ? $"h and c, h of shape ({B}, {StateSize}) and c of shape ({B}, {HiddenSize})" : $"h of shape ({B}, {StateSize})")}; got h [{string.Join(", ", s.H.shape)}]{(HasMemoryCell ? $", c [{string.Join(", ", s.C?.shape ?? [])}]" : "")}.", nameof(initialState));
            }
        }
        bool autograd = is_grad_enabled() && (x.requires_grad || parameters().Any(p => p.requires_grad) || initialState is not null && initialState.Any(s => s.Tensors.Any(t => t.requires_grad)));
        var choice = BackendPolicy.Choose(Backend, Shape(B, mask, autograd, x.dtype), HostCapabilities.Current());
        var backend = choice.PathOrThrow();
        if (backend is RecurrentBackend.Cells or RecurrentBackend.Kernels)
        {
            foreach (var u in unrollers) u.UseKernels = backend == RecurrentBackend.Kernels;
            cells.train(training);
            return Carry(cells.Run(x, initialState, mask));
        }

        using var scope = NewDisposeScope();
        fused.train(training);
        var h0 = initialState is null ? null : stack(initialState.Select(s => s.H).ToArray());
        var c0 = initialState is null || !HasMemoryCell ? null : stack(initialState.Select(s => s.C!).ToArray());
        var lengths = choice.Packed ? Masks.ToLengths(mask!) : null;
        using var oneThread = choice.OneThread ? SingleThread.Begin() : null;
        using var oneDnn = choice.OneDnnIfAgrees && OneDnnAgrees() ? OneDnn.ForInference() : null;
        Tensor output, hn;
        Tensor? cn;
        if (choice.Halves)
        {
            (output, hn, cn) = RunHalves(x, h0, c0);
        }
        else if (lengths is null)
        {
            (output, hn, cn) = RunFused(fused, x, h0, c0);
        }
        else
        {
            using var packed = nn.utils.rnn.pack_padded_sequence(x, lengths, BatchFirst, enforce_sorted: false);
            nn.utils.rnn.PackedSequence packedOut;
            (packedOut, hn, cn) = RunFusedPacked(fused, packed, h0, c0);
            using (packedOut)
                output = nn.utils.rnn.pad_packed_sequence(packedOut, BatchFirst, total_length: x.shape[BatchFirst ? 1 : 0]).Item1;
        }
        var finals = Enumerable.Range(0, StateCount).Select(i => new RecurrentState(hn[i], cn?[i])).ToList();
        var last = IsBidirectional ? cat([hn[^2], hn[^1]], 1) : hn[^1];
        return Carry(new RecurrentResult(output, last, finals).MoveToOuter());
    }

    // Inference as two batch halves: the second on SecondThread, the first here; results joined along the batch.
    (Tensor Output, Tensor HN, Tensor? CN) RunHalves(Tensor x, Tensor? h0, Tensor? c0)
    {
        int batchDim = BatchFirst ? 0 : 1;
        long B = x.shape[batchDim], half = B / 2;
        Tensor? Part(Tensor? t, int dim, long start, long length) => t?.narrow(dim, start, length);
        var second = SecondThread.Run(() =>
        {
            using var scope = NewDisposeScope();
            var r = RunFused(fused, x.narrow(batchDim, half, B - half), Part(h0, 1, half, B - half), Part(c0, 1, half, B - half));
            return (r.Output.MoveToOuterDisposeScope(), r.HN.MoveToOuterDisposeScope(), r.CN?.MoveToOuterDisposeScope());
        });
        (Tensor Output, Tensor HN, Tensor? CN) first;
        try
        {
            first = RunFused(fused, x.narrow(batchDim, 0, half), Part(h0, 1, 0, half), Part(c0, 1, 0, half));
        }
        catch
        {
            // The second half reads views of this call's tensors: let it finish before they are released.
            try { second.Wait(); } catch (AggregateException) { }
            throw;
        }
        var (output2, hn2, cn2) = second.GetAwaiter().GetResult();
        using (output2) using (hn2) using (cn2)
            return (cat([first.Output, output2], batchDim), cat([first.HN, hn2], 1), cn2 is null ? null : cat([first.CN!, cn2], 1));
    }

    /// <summary>Whether oneDNN's fused kernel gives libtorch's own results for this layer's configuration (checked once per configuration).</summary>
    public bool OneDnnAgrees()
    {
        if (ProjSize > 0) return false;
        var weight = get_parameter("weight_hh_l0")!;
        var configuration = (GetType(), inputSize, HiddenSize, NumLayers, IsBidirectional, hasBias, BatchFirst, weight.dtype, weight.device_type);
        return OneDnnAgreement.Agrees(configuration, RunOnSampleInput, weight.dtype == ScalarType.Float64 ? 1e-10 : 1e-4);
    }

    // The fused module's inference on a fixed (3, 7) batch, for the oneDNN agreement check.
    Tensor RunOnSampleInput()
    {
        using var noGrad = no_grad();
        bool wasTraining = fused.training;
        fused.train(false);
        try
        {
            var weight = get_parameter("weight_hh_l0")!;
            var x = randn(BatchFirst ? [3, 7, inputSize] : [7, 3, inputSize], generator: new Generator(20261123)).to(weight.dtype, weight.device);
            return RunFused(fused, x, null, null).Output;
        }
        finally
        {
            fused.train(wasTraining);
        }
    }

    /// <summary>The fused module on a padded batch: (output, h_n, c_n or null).</summary>
    private protected abstract (Tensor Output, Tensor HN, Tensor? CN) RunFused(nn.Module fused, Tensor x, Tensor? h0, Tensor? c0);

    /// <summary>The fused module on a packed batch.</summary>
    private protected abstract (nn.utils.rnn.PackedSequence Output, Tensor HN, Tensor? CN) RunFusedPacked(nn.Module fused, nn.utils.rnn.PackedSequence x, Tensor? h0, Tensor? c0);
}

/// <summary>Options shared by the standard layers, named as PyTorch names them.</summary>
/// <param name="InputSize">Features per input step.</param>
/// <param name="HiddenSize">Hidden units per direction.</param>
/// <param name="NumLayers">Stacked layers.</param>
/// <param name="Bias">Whether the layers have biases.</param>
/// <param name="BatchFirst">(B, T, F) input and output when true.</param>
/// <param name="Dropout">Dropout between stacked layers during training.</param>
/// <param name="Bidirectional">Run both directions and concatenate.</param>
/// <param name="ReturnSequences">forward returns every step (true) or the last valid step (false).</param>
/// <param name="ProjSize">LSTM only: size of the projected hidden state (0: none).</param>
/// <param name="RecurrentDropout">Keras's recurrent_dropout: dropout on h_{t-1} inside the recurrence while training (0: none).</param>
/// <param name="ReturnState">Keras's return_state: forward keeps the final states (<see cref="RecurrentLayer.FinalState"/>).</param>
/// <param name="Stateful">Keras's stateful: each call's final states, detached, are the next call's initial states.</param>
readonly record struct RecurrentOptions(long InputSize, long HiddenSize, long NumLayers, bool Bias, bool BatchFirst, double Dropout, bool Bidirectional, bool ReturnSequences, long ProjSize = 0, double RecurrentDropout = 0, bool ReturnState = false, bool Stateful = false)
{
    /// <summary>Validates the options before any native call.</summary>
    public RecurrentOptions Validated(string layer)
    {
        if (InputSize <= 0) throw new ArgumentOutOfRangeException(nameof(InputSize), InputSize, $"{layer}: expected inputSize > 0.");
        if (HiddenSize <= 0) throw new ArgumentOutOfRangeException(nameof(HiddenSize), HiddenSize, $"{layer}: expected hiddenSize > 0.");
        if (NumLayers <= 0) throw new ArgumentOutOfRangeException(nameof(NumLayers), NumLayers, $"{layer}: expected numLayers ≥ 1.");
        if (RecurrentDropout is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(RecurrentDropout), RecurrentDropout, $"{layer}: expected recurrentDropout in [0, 1).");
        if (ProjSize < 0 || ProjSize >= HiddenSize) throw new ArgumentOutOfRangeException(nameof(ProjSize), ProjSize, $"{layer}: expected projSize in [0, hiddenSize = {HiddenSize}) (0: no projection), as PyTorch requires.");
        if (Dropout is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(Dropout), Dropout, $"{layer}: expected dropout in [0, 1).");
        if (Stateful && Bidirectional)
            throw new ArgumentException($"{layer}: expected stateful or bidirectional, not both; got both. The backward direction reads each batch from its last step to its first, so its final state does not continue into the next batch.", nameof(Stateful));
        return this;
    }
}
