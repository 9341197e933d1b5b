using System.Text.Json;
using RnnToolkit.Cells;
using RnnToolkit.Layers;
using RnnToolkit.Tests.Support;
using TorchSharp.Modules;

namespace RnnToolkit.Tests.Layers;

/// <summary>
/// The reset-before GRU layer (<c>new Gru(…, resetAfter: false)</c>: Cho et al. 2014, Keras reset_after=False) against an
/// independent PyTorch implementation unrolled layer by layer and direction by direction (tools/pytorch/make_cell_goldens.py,
/// cases gru_reset_before_layer_*: 1–2 layers, bidirectional, batch- and time-first, with and without initial state and
/// lengths): outputs, h_n, and gradients with respect to x, h0 and every parameter.
/// </summary>
public class ResetBeforeGruTests
{
    const string File = "cells.json";

    public static IEnumerable<object[]> LayerCases() =>
        from c in Golden.CaseNames(File, c => c.GetProperty("cell").GetString() == "gru_reset_before_layer")
        from backend in new[] { RecurrentBackend.Auto, RecurrentBackend.Cells }
        select new object[] { c[0], backend };

    static Gru Build(JsonElement c, RecurrentBackend backend)
    {
        var layer = new Gru(c.GetProperty("input_size").GetInt64(), c.GetProperty("hidden_size").GetInt64(), c.GetProperty("num_layers").GetInt64(),
            batchFirst: c.GetProperty("batch_first").GetBoolean(), bidirectional: c.GetProperty("bidirectional").GetBoolean(), resetAfter: false) { Backend = backend };
        Golden.LoadParameters(layer, c.GetProperty("params"));
        return layer;
    }

    [Theory]
    [MemberData(nameof(LayerCases))]
    public void Layer_matches_pytorch_reference(string name, RecurrentBackend backend)
    {
        var c = Golden.Case(File, name);
        using var scope = NewDisposeScope();
        var layer = Build(c, backend);
        Assert.Equal(RecurrentBackend.Cells, layer.ResolveBackend(null, training: true));
        RecurrentGolden.Check(c, name, layer);
    }

    /// <summary>Inference (no gradients), where Auto would take libtorch's fused GRU for the reset-after form, runs the cells too.</summary>
    [Theory]
    [MemberData(nameof(LayerCases))]
    public void Inference_matches_pytorch_reference(string name, RecurrentBackend backend)
    {
        var c = Golden.Case(File, name);
        using var scope = NewDisposeScope();
        var layer = Build(c, backend);
        layer.eval();
        using var noGrad = no_grad();
        Assert.Equal(RecurrentBackend.Cells, layer.ResolveBackend(null));
        var h0 = c.TensorOrNull("h0");
        var initial = h0 is null ? null : Enumerable.Range(0, (int)h0.shape[0]).Select(i => new RecurrentState(h0[i])).ToList();
        var r = c.IsNull("lengths")
            ? layer.Run(c.Tensor("x"), initial)
            : layer.RunWithLengths(c.Tensor("x"), tensor(c.GetProperty("lengths").EnumerateArray().Select(v => v.GetInt64()).ToArray()), initial);
        TensorAssert.Close(c.Tensor("output"), r.Output, $"{name} output");
        TensorAssert.Close(c.Tensor("h_n"), r.HN, $"{name} h_n");
    }

    [Theory]
    [InlineData(RecurrentBackend.Fused)]
    [InlineData(RecurrentBackend.Kernels)]
    public void Backends_that_compute_only_reset_after_refuse_it(RecurrentBackend backend)
    {
        using var scope = NewDisposeScope();
        var layer = new Gru(4, 6, resetAfter: false) { Backend = backend };
        var e = Assert.Throws<InvalidOperationException>(() => layer.Run(randn(2, 5, 4)));
        Assert.Contains($"the {backend.ToString().ToLowerInvariant()} backend cannot run resetAfter = false", e.Message);
        Assert.Contains("use Backend = Auto or Cells", e.Message);
        layer.eval();
        using var noGrad = no_grad();
        Assert.Throws<InvalidOperationException>(() => layer.call(randn(2, 5, 4)));
    }

    [Fact]
    public void Reset_before_and_reset_after_differ_with_the_same_weights()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(11);
        var before = new Gru(4, 6, resetAfter: false);
        var after = new Gru(4, 6);
        after.load_state_dict(before.state_dict());
        Assert.False(before.ResetAfter);
        Assert.True(after.ResetAfter);
        var x = randn(3, 7, 4);
        double difference = (before.call(x) - after.call(x)).abs().max().item<float>();
        Assert.True(difference > 1e-3, $"reset-before and reset-after outputs differ by only {difference}");
        // With r ≡ 1 (a huge reset-gate bias) the two forms coincide: W_hn (1 ⊙ h) + b_hn = 1 ⊙ (W_hn h + b_hn).
        using (no_grad())
            foreach (var layer in new[] { before, after })
                layer.get_parameter("bias_ih_l0")!.narrow(0, 0, 6).fill_(100);
        TensorAssert.Close(after.call(x), before.call(x), "r ≡ 1");
    }

    [Fact]
    public void Bad_shapes_are_rejected_with_expected_and_actual()
    {
        using var scope = NewDisposeScope();
        var layer = new Gru(4, 6, numLayers: 2, resetAfter: false);
        var e = Assert.Throws<ArgumentException>(() => layer.call(randn(2, 5, 3)));
        Assert.Contains("expected input of shape (B, T, 4)", e.Message);
        Assert.Contains("got [2, 5, 3]", e.Message);
        e = Assert.Throws<ArgumentException>(() => layer.Run(randn(2, 5, 4), [new RecurrentState(zeros(2, 6)), new RecurrentState(zeros(2, 5))]));
        Assert.Contains("expected each initial state's h of shape (2, 6)", e.Message);
        Assert.Contains("got h [2, 5]", e.Message);
        e = Assert.Throws<ArgumentException>(() => layer.Run(randn(2, 5, 4), [new RecurrentState(zeros(2, 6))]));
        Assert.Contains("expected 2 initial state(s)", e.Message);

        var cell = new GruCell(4, 6, resetAfter: false);
        e = Assert.Throws<ArgumentException>(() => cell.call(randn(2, 3), new RecurrentState(zeros(2, 6))));
        Assert.Contains("expected x_t of shape (B, 4); got [2, 3]", e.Message);
        e = Assert.Throws<ArgumentException>(() => cell.call(randn(2, 4), new RecurrentState(zeros(2, 5))));
        Assert.Contains("expected initial state h of shape [2, 6] for a batch of 2; got [2, 5]", e.Message);
        e = Assert.Throws<ArgumentException>(() => new GruCell(new Parameter(zeros(18, 4)), new Parameter(zeros(12, 6)), null, null, resetAfter: false));
        Assert.Contains("expected weight_ih (3H, I), weight_hh (3H, H)", e.Message);
        Assert.Contains("got weight_ih [18, 4], weight_hh [12, 6]", e.Message);
        e = Assert.Throws<ArgumentException>(() => new GruCell(new Parameter(zeros(18, 4)), new Parameter(zeros(18, 6)), new Parameter(zeros(18)), new Parameter(zeros(12))));
        Assert.Contains("bias_hh [12]", e.Message);
    }
}
