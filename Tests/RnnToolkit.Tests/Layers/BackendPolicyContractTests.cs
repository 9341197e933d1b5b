using RnnToolkit.Layers;

namespace RnnToolkit.Tests.Layers;

/// <summary>
/// Written from the survivors of Stryker's run over Toolkit/Layers (docs/mutation.md, Layers): what
/// <see cref="BackendPolicy.Choose"/> says of the fused path (its reason, word for word, and the fused backend's refusal of
/// a mask), the one-thread boundary at exactly <see cref="BackendPolicy.OneThreadStepMacs"/>, and a call's output size and
/// step cost computed by hand.
/// </summary>
public class BackendPolicyContractTests
{
    // An LSTM of the benchmark's shape (B = 64, I = 32, H = 128, gate rows 4H = 512), float32, inference, unmasked:
    // 64 · 512 · (32 + 128) = 5,242,880 multiply-adds per step, below 6,000,000.
    static readonly CallShape Lstm = new("Lstm", InputSize: 32, HiddenSize: 128, GateRows: 512, NumLayers: 1, Bidirectional: false, ProjSize: 0,
        CellsOnly: null, HasSequenceKernel: true, RecurrentDropout: 0, TrainMode: false, Autograd: false, Mask: MaskKind.None, Batch: 64,
        DType: ScalarType.Float32);

    static readonly HostCapabilities TwoThreads = new(Threads: 2, OneDnnAvailable: true);

    [Fact]
    public void The_fused_path_says_how_it_runs()
    {
        string Reason(CallShape shape) => BackendPolicy.Choose(RecurrentBackend.Fused, shape, TwoThreads).Reason;
        Assert.Equal("libtorch's fused module, inference: two batch halves at once, one thread each", Reason(Lstm));
        Assert.Equal("packed sequences, inference: small steps on one thread", Reason(Lstm with { Mask = MaskKind.Packable }));
        Assert.Equal("libtorch's fused module, training", Reason(Lstm with { Autograd = true, TrainMode = true }));
        Assert.Equal("packed sequences, training", Reason(Lstm with { Autograd = true, TrainMode = true, Mask = MaskKind.Packable }));
        // H = 256: 64 · 1024 · (32 + 256) = 18,874,368 per step, above the one-thread bound.
        Assert.Equal("libtorch's fused module, inference", Reason(Lstm with { HiddenSize = 256, GateRows = 1024 }));
    }

    [Fact]
    public void The_fused_backend_refuses_a_mask_that_is_not_a_prefix_naming_the_layer_and_what_to_use()
    {
        var choice = BackendPolicy.Choose(RecurrentBackend.Fused, Lstm with { Layer = "Gru", Mask = MaskKind.NotPackable }, TwoThreads);
        var e = Assert.Throws<ArgumentException>(() => choice.PathOrThrow());
        Assert.Equal("Gru: the fused backend needs a prefix mask with every length ≥ 1 (packed sequences); this mask is not. Use Backend = Auto or Cells. (Parameter 'mask')", e.Message);
    }

    [Fact]
    public void Inference_of_exactly_six_million_multiply_adds_per_step_runs_on_one_thread()
    {
        // B = 1, gate rows 4000, I = 500, H = 1000: 1 · 4000 · (500 + 1000) = 6,000,000; with I = 501, 6,004,000.
        var atBound = Lstm with { Batch = 1, GateRows = 4000, InputSize = 500, HiddenSize = 1000 };
        Assert.Equal(6_000_000, atBound.StepMacs);
        Assert.True(BackendPolicy.Choose(RecurrentBackend.Fused, atBound, TwoThreads).OneThread);
        var above = atBound with { InputSize = 501 };
        Assert.Equal(6_004_000, above.StepMacs);
        Assert.False(BackendPolicy.Choose(RecurrentBackend.Fused, above, TwoThreads).OneThread);
    }

    [Fact]
    public void Output_size_and_step_cost_count_directions_projection_and_the_widest_layer()
    {
        Assert.Equal(128, Lstm.OutputSize);
        Assert.Equal(256, (Lstm with { Bidirectional = true }).OutputSize);
        Assert.Equal(64, (Lstm with { ProjSize = 64 }).OutputSize);
        Assert.Equal(128, (Lstm with { ProjSize = 64, Bidirectional = true }).OutputSize);
        // Two layers: the upper one reads the lower one's output, 128 features (256 bidirectional, 64 projected), not I = 32.
        Assert.Equal(64L * 512 * (128 + 128), (Lstm with { NumLayers = 2 }).StepMacs);
        Assert.Equal(64L * 512 * (256 + 128), (Lstm with { NumLayers = 2, Bidirectional = true }).StepMacs);
        Assert.Equal(64L * 512 * (64 + 128), (Lstm with { NumLayers = 2, ProjSize = 64 }).StepMacs);
        Assert.Equal(64L * 512 * (32 + 128), Lstm.StepMacs);
    }
}
