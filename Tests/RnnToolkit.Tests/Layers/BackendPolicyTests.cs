using RnnToolkit.Layers;

namespace RnnToolkit.Tests.Layers;

/// <summary>
/// <see cref="BackendPolicy.Choose"/> directly, as a table: every requested backend × the layer's form × autograd ×
/// train/eval mode × mask, then the fused path's size heuristic, batch halves and oneDNN, then the inputs that must not
/// change the path (dtype, directions, layers, batch). No tensors: the choice is a pure function of its arguments.
/// </summary>
public class BackendPolicyTests
{
    const RecurrentBackend Auto = RecurrentBackend.Auto, Fused = RecurrentBackend.Fused, Cells = RecurrentBackend.Cells, Kernels = RecurrentBackend.Kernels;
    const RecurrentBackend Refused = (RecurrentBackend)(-1);

    // An LSTM of the benchmark's shape (B = 64, I = 32, H = 128), float32, train mode, unmasked, with autograd.
    static readonly CallShape Lstm = new("Lstm", InputSize: 32, HiddenSize: 128, GateRows: 512, NumLayers: 1, Bidirectional: false, ProjSize: 0,
        CellsOnly: null, HasSequenceKernel: true, RecurrentDropout: 0, TrainMode: true, Autograd: true, Mask: MaskKind.None, Batch: 64,
        DType: ScalarType.Float32);

    static readonly HostCapabilities TwoThreads = new(Threads: 2, OneDnnAvailable: true);

    static CallShape Form(string form) => form switch
    {
        "plain" => Lstm,
        "no-kernel" => Lstm with { Layer = "Rnn", GateRows = 128, HasSequenceKernel = false },      // the σ RNN
        "proj" => Lstm with { ProjSize = 64 },
        "reset-before" => Lstm with { Layer = "Gru", GateRows = 384, HasSequenceKernel = false, CellsOnly = "resetAfter = false" },
        "recurrent-dropout" => Lstm with { RecurrentDropout = 0.25 },
        _ => throw new ArgumentException(form),
    };

    static MaskKind Mask(string mask) => mask switch { "none" => MaskKind.None, "prefix" => MaskKind.Packable, _ => MaskKind.NotPackable };

    static RecurrentBackend PathOf(BackendChoice choice) => choice.Refusal is null ? choice.Path : Refused;

    // requested, form, autograd, train mode, mask → the path (Refused: the requested backend throws).
    public static TheoryData<RecurrentBackend, string, bool, bool, string, RecurrentBackend> Table() => new()
    {
        // A plain layer (LSTM, GRU, tanh/ReLU RNN): Auto trains on the sequence kernel and infers on the fused module.
        { Auto, "plain", true, true, "none", Kernels },
        { Auto, "plain", false, true, "none", Fused },
        { Auto, "plain", false, false, "none", Fused },
        { Auto, "plain", true, false, "none", Kernels },
        { Auto, "plain", true, true, "prefix", Fused },                // padded: packed sequences, for training too
        { Auto, "plain", false, false, "prefix", Fused },
        { Auto, "plain", true, true, "gaps", Cells },             // gaps or a length 0: only the cells
        { Auto, "plain", false, false, "gaps", Cells },
        { Fused, "plain", true, true, "none", Fused },
        { Fused, "plain", false, false, "none", Fused },
        { Fused, "plain", true, true, "prefix", Fused },
        { Fused, "plain", true, true, "gaps", Refused },
        { Fused, "plain", false, false, "gaps", Refused },
        { Cells, "plain", true, true, "none", Cells },
        { Cells, "plain", false, false, "prefix", Cells },
        { Cells, "plain", true, true, "gaps", Cells },
        { Kernels, "plain", true, true, "none", Kernels },
        { Kernels, "plain", false, false, "none", Kernels },
        { Kernels, "plain", true, true, "prefix", Kernels },           // the unrollers step the cells for a mask
        { Kernels, "plain", true, true, "gaps", Kernels },
        // No sequence kernel (the σ RNN): Auto trains on the fused module.
        { Auto, "no-kernel", true, true, "none", Fused },
        { Auto, "no-kernel", false, false, "none", Fused },
        { Kernels, "no-kernel", true, true, "none", Kernels },           // the unroller steps the cell
        // projSize: only the cells project; Fused refuses, every other backend (Kernels too) runs the cells.
        { Auto, "proj", true, true, "none", Cells },
        { Auto, "proj", false, false, "prefix", Cells },
        { Cells, "proj", true, true, "none", Cells },
        { Kernels, "proj", true, true, "none", Cells },
        { Fused, "proj", true, true, "none", Refused },
        { Fused, "proj", false, false, "none", Refused },
        // The reset-before GRU: only the cells; Fused and Kernels refuse.
        { Auto, "reset-before", true, true, "none", Cells },
        { Auto, "reset-before", false, false, "prefix", Cells },
        { Cells, "reset-before", false, false, "none", Cells },
        { Fused, "reset-before", false, false, "none", Refused },
        { Kernels, "reset-before", true, true, "none", Refused },
        // recurrentDropout: in train mode (with or without autograd) only the cells drop; in eval mode as a plain layer.
        { Auto, "recurrent-dropout", true, true, "none", Cells },
        { Auto, "recurrent-dropout", false, true, "none", Cells },
        { Cells, "recurrent-dropout", true, true, "none", Cells },
        { Fused, "recurrent-dropout", true, true, "none", Refused },
        { Kernels, "recurrent-dropout", false, true, "none", Refused },
        { Auto, "recurrent-dropout", false, false, "none", Fused },
        { Auto, "recurrent-dropout", true, false, "none", Kernels },
        { Fused, "recurrent-dropout", true, false, "none", Fused },
        { Kernels, "recurrent-dropout", true, false, "none", Kernels },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Chooses_the_path_the_layers_take(RecurrentBackend requested, string form, bool autograd, bool trainMode, string mask, RecurrentBackend expected)
    {
        var shape = Form(form) with { Autograd = autograd, TrainMode = trainMode, Mask = Mask(mask) };
        var choice = BackendPolicy.Choose(requested, shape, TwoThreads);
        Assert.Equal(expected, PathOf(choice));
        Assert.False(string.IsNullOrWhiteSpace(choice.Reason));
        if (expected != Fused)
            Assert.False(choice.Packed || choice.OneThread || choice.Halves || choice.OneDnnIfAgrees, $"{choice}: fused-only settings on another path");
    }

    [Fact]
    public void A_refusal_names_the_layer_the_backend_and_what_to_use_and_throws_as_the_layers_did()
    {
        var projected = BackendPolicy.Choose(Fused, Form("proj"), TwoThreads);
        Assert.Equal("Lstm: the fused backend cannot run projSize = 64 (TorchSharp's LSTM has no proj_size); use Backend = Auto or Cells.",
            Assert.Throws<InvalidOperationException>(() => projected.PathOrThrow()).Message);
        var resetBefore = BackendPolicy.Choose(Kernels, Form("reset-before"), TwoThreads);
        Assert.Contains("Gru: the kernels backend cannot run resetAfter = false", Assert.Throws<InvalidOperationException>(() => resetBefore.PathOrThrow()).Message);
        var dropout = BackendPolicy.Choose(Fused, Form("recurrent-dropout"), TwoThreads);
        Assert.Contains("cannot apply recurrentDropout = 0.25 in train mode", Assert.Throws<InvalidOperationException>(() => dropout.PathOrThrow()).Message);
        var gaps = BackendPolicy.Choose(Fused, Lstm with { Mask = MaskKind.NotPackable }, TwoThreads);
        Assert.Equal("mask", Assert.Throws<ArgumentException>(() => gaps.PathOrThrow()).ParamName);
        Assert.Equal(Kernels, BackendPolicy.Choose(Auto, Lstm, TwoThreads).PathOrThrow());
    }

    // Fused inference: B × gate rows × (input + hidden) multiply-adds per step decide one thread; a batch of 16 or more
    // on one thread runs as two halves when two threads are available and nothing is packed; oneDNN where it agrees.
    // the change from the benchmark LSTM, threads, oneDNN switch available → one thread, halves, oneDNN if it agrees.
    public static TheoryData<string, int, bool, bool, bool, bool> FusedCases() => new()
    {
        { "benchmark LSTM, B = 64 (5.2 M per step)", 2, true, true, true, true },
        { "one thread available", 1, true, true, false, true },
        { "B = 15", 2, true, true, false, true },
        { "B = 16", 2, true, true, true, true },
        { "H = 256 (18.9 M per step)", 2, true, false, false, true },
        { "2 layers, bidirectional (12.6 M per step)", 2, true, false, false, true },
        { "2 layers, bidirectional, H = 64 (3.1 M per step)", 2, true, true, true, true },
        { "packed", 2, true, true, false, true },
        { "no oneDNN switch", 2, false, true, true, false },
        { "autograd", 2, true, false, false, false },
    };

    [Theory]
    [MemberData(nameof(FusedCases))]
    public void Fused_inference_runs_small_steps_on_one_thread_in_halves_and_with_oneDNN(string change, int threads, bool oneDnn, bool oneThread, bool halves, bool oneDnnIfAgrees)
    {
        var shape = (Lstm with { Autograd = false, TrainMode = false }) switch
        {
            var s when change.StartsWith("B = ", StringComparison.Ordinal) => s with { Batch = long.Parse(change[4..]) },
            var s when change.StartsWith("H = 256", StringComparison.Ordinal) => s with { HiddenSize = 256, GateRows = 1024 },
            var s when change.EndsWith("H = 64 (3.1 M per step)", StringComparison.Ordinal) => s with { NumLayers = 2, Bidirectional = true, HiddenSize = 64, GateRows = 256 },
            var s when change.StartsWith("2 layers", StringComparison.Ordinal) => s with { NumLayers = 2, Bidirectional = true },
            var s when change == "packed" => s with { Mask = MaskKind.Packable },
            var s when change == "autograd" => s with { Autograd = true },
            var s => s,
        };
        var choice = BackendPolicy.Choose(Fused, shape, new HostCapabilities(threads, oneDnn));
        Assert.Equal(Fused, PathOf(choice));
        Assert.Equal((oneThread, halves, oneDnnIfAgrees, change == "packed"), (choice.OneThread, choice.Halves, choice.OneDnnIfAgrees, choice.Packed));
        if (change != "autograd")                                                    // Auto infers on the very same plan
            Assert.Equal(choice, BackendPolicy.Choose(Auto, shape, new HostCapabilities(threads, oneDnn)));
    }

    [Fact]
    public void Dtype_directions_layers_and_batch_do_not_change_the_path()
    {
        foreach (var (requested, form, autograd, trainMode, mask, expected) in Table().Select(row => ((RecurrentBackend)row[0], (string)row[1], (bool)row[2], (bool)row[3], Mask((string)row[4]), (RecurrentBackend)row[5])))
            foreach (var dtype in new[] { ScalarType.Float32, ScalarType.Float64, ScalarType.Float16 })
                foreach (var (layers, bidirectional) in new[] { (1L, false), (1L, true), (2L, false), (3L, true) })
                    foreach (var batch in new[] { 1L, 16L, 1000L })
                    {
                        var shape = Form(form) with { Autograd = autograd, TrainMode = trainMode, Mask = mask, DType = dtype, NumLayers = layers, Bidirectional = bidirectional, Batch = batch };
                        Assert.Equal(expected, PathOf(BackendPolicy.Choose(requested, shape, TwoThreads)));
                        Assert.Equal(expected, PathOf(BackendPolicy.Choose(requested, shape, new HostCapabilities(1, OneDnnAvailable: false))));
                    }
    }

    [Fact]
    public void The_kernels_path_says_when_the_unrollers_step_the_cells()
    {
        Assert.Equal("requested", BackendPolicy.Choose(Kernels, Lstm, TwoThreads).Reason);
        Assert.Contains("Float64) steps the cells", BackendPolicy.Choose(Kernels, Lstm with { DType = ScalarType.Float64 }, TwoThreads).Reason);
        Assert.Contains("masked) steps the cells", BackendPolicy.Choose(Kernels, Lstm with { Mask = MaskKind.Packable }, TwoThreads).Reason);
    }

    // The layers feed the policy their own configuration: stateful or not, one or two directions, float32 or float64
    // weights, each requested backend resolves as the table's plain layer (Auto: kernels to train, fused to infer).
    [Theory]
    [InlineData("lstm")]
    [InlineData("gru")]
    [InlineData("rnn")]
    public void Stateful_bidirectional_and_float64_layers_resolve_as_the_table_says(string kind)
    {
        foreach (var (stateful, bidirectional) in new[] { (false, false), (true, false), (false, true) })
            foreach (var dtype in new[] { ScalarType.Float32, ScalarType.Float64 })
            {
                StandardRecurrent layer = kind switch
                {
                    "lstm" => new RnnToolkit.Layers.Lstm(3, 5, numLayers: 2, bidirectional: bidirectional, stateful: stateful),
                    "gru" => new Gru(3, 5, numLayers: 2, bidirectional: bidirectional, stateful: stateful),
                    _ => new Rnn(3, 5, numLayers: 2, bidirectional: bidirectional, stateful: stateful),
                };
                layer.to(dtype);
                foreach (var requested in new[] { Auto, Fused, Cells, Kernels })
                {
                    layer.Backend = requested;
                    foreach (var autograd in new[] { true, false })
                        Assert.Equal(requested == Auto ? (autograd ? Kernels : Fused) : requested, layer.ResolveBackend(null, training: autograd));
                }
            }
    }
}
