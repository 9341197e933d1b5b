using RnnToolkit.Cells;
using RnnToolkit.Layers;
using RnnToolkit.Tests.Support;
using TorchSharp.Modules;

namespace RnnToolkit.Tests.Layers;

/// <summary>
/// Keras's return_state inside a model: with <see cref="RecurrentLayer.ReturnState"/> a layer called by <c>nn.Sequential</c>
/// keeps its final states in <see cref="RecurrentLayer.FinalState"/>. They must equal what <c>Run</c> returns and what
/// libtorch's fused nn.RNN / nn.LSTM / nn.GRU (TorchSharp's modules) return as h_n (and c_n) for the same weights.
/// </summary>
public class ReturnStateTests
{
    static readonly RecurrentBackend[] backends = [RecurrentBackend.Auto, RecurrentBackend.Fused, RecurrentBackend.Cells, RecurrentBackend.Kernels];

    public static IEnumerable<object[]> Layers() =>
        new[] { "Recurrent(GruCell)", "Recurrent(LstmCell)", "Bidirectional(Recurrent(LstmCell))", "Stacked(Recurrent(GruCell) × 2)" }
            .Concat(from kind in new[] { "Rnn", "Lstm", "Gru" } from backend in backends select $"{kind} {backend}")
            .Select(n => new object[] { n });

    // The layer (with returnState) and libtorch's fused module of the same computation; the fused module's parameters, in
    // order, are the layer's (PyTorch's order: layer by layer, forward before reverse, weight_ih, weight_hh, bias_ih, bias_hh).
    static (RecurrentLayer Layer, nn.Module Fused) Make(string name)
    {
        var parts = name.Split(' ');
        RecurrentBackend Backend() => Enum.Parse<RecurrentBackend>(parts[1]);
        return parts[0] switch
        {
            "Recurrent(GruCell)" => (new Recurrent(new GruCell(4, 5), returnState: true), nn.GRU(4, 5, batchFirst: true)),
            "Recurrent(LstmCell)" => (new Recurrent(new LstmCell(4, 5), returnState: true), nn.LSTM(4, 5, batchFirst: true)),
            "Bidirectional(Recurrent(LstmCell))" => (new Bidirectional(() => new Recurrent(new LstmCell(4, 5)), returnState: true), nn.LSTM(4, 5, batchFirst: true, bidirectional: true)),
            "Stacked(Recurrent(GruCell)" => (new Stacked([new Recurrent(new GruCell(4, 5)), new Recurrent(new GruCell(5, 5))], returnState: true), nn.GRU(4, 5, numLayers: 2, batchFirst: true)),
            "Rnn" => (new Rnn(4, 5, numLayers: 2, bidirectional: true, returnState: true) { Backend = Backend() }, nn.RNN(4, 5, numLayers: 2, batchFirst: true, bidirectional: true)),
            "Lstm" => (new Lstm(4, 5, numLayers: 2, bidirectional: true, returnState: true) { Backend = Backend() }, nn.LSTM(4, 5, numLayers: 2, batchFirst: true, bidirectional: true)),
            "Gru" => (new Gru(4, 5, numLayers: 2, bidirectional: true, returnState: true) { Backend = Backend() }, nn.GRU(4, 5, numLayers: 2, batchFirst: true, bidirectional: true)),
            var other => throw new InvalidOperationException(other),
        };
    }

    static (Tensor HN, Tensor? CN) RunFused(nn.Module fused, Tensor x) => fused switch
    {
        GRU g => (g.call(x).Item2, null),
        RNN r => (r.call(x).Item2, null),
        LSTM l => l.call(x) is var (_, h, c) ? (h, c) : default,
        _ => throw new InvalidOperationException(fused.GetType().Name),
    };

    [Theory]
    [MemberData(nameof(Layers))]
    public void Final_states_in_a_sequential_model_equal_Run_and_pytorch(string name)
    {
        using var scope = NewDisposeScope();
        random.manual_seed(17);
        var (layer, fused) = Make(name);
        var ours = layer.parameters().ToList();
        var theirs = fused.parameters().ToList();
        Assert.Equal(ours.Select(p => string.Join(",", p.shape)), theirs.Select(p => string.Join(",", p.shape)));
        using (no_grad())
            foreach (var (mine, its) in ours.Zip(theirs)) its.copy_(mine);
        var model = nn.Sequential(("rnn", layer), ("head", nn.Linear(layer.OutputSize, 2)));
        var x = randn(3, 6, 4);

        var y = model.call(x);
        Assert.Equal([3L, 6, 2], y.shape);
        var states = layer.FinalState;
        var run = layer.Run(x);
        Assert.Equal(run.Final.Count, states.Count);
        Assert.Equal(layer.StateCount, states.Count);
        var (hn, cn) = RunFused(fused, x);
        var h = stack(states.Select(s => s.H).ToArray());
        TensorAssert.Close(run.HN, h, $"{name}: FinalState h vs Run");
        TensorAssert.Close(hn, h, $"{name}: FinalState h vs PyTorch's h_n");
        Assert.Equal(cn is null, states.Any(s => s.C is null));
        if (cn is not null)
        {
            var c = stack(states.Select(s => s.C!).ToArray());
            TensorAssert.Close(run.CN!, c, $"{name}: FinalState c vs Run");
            TensorAssert.Close(cn, c, $"{name}: FinalState c vs PyTorch's c_n");
        }

        // The states are part of the graph, as Keras's returned states are: a loss on them reaches the weights.
        (y.sum() + h.sum()).backward();
        Assert.All(ours, p => Assert.True(p.grad is not null && p.grad.abs().sum().item<float>() > 0));

        // The next call replaces them.
        model.call(x.narrow(0, 0, 2));
        Assert.Equal(2, layer.FinalState[0].H.shape[0]);
    }

    [Fact]
    public void Reset_before_gru_keeps_its_final_states_too()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(18);
        var layer = new Gru(4, 5, numLayers: 2, bidirectional: true, resetAfter: false, returnState: true);
        var x = randn(3, 6, 4);
        nn.Sequential(layer, nn.Linear(10, 1)).call(x);
        TensorAssert.Close(layer.Run(x).HN, stack(layer.FinalState.Select(s => s.H).ToArray()), "h_n");
    }

    [Fact]
    public void Last_step_output_and_final_state_can_both_be_kept()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(19);
        var layer = new Recurrent(new GruCell(4, 5), returnSequences: false, returnState: true);   // Last is the final h itself
        var x = randn(3, 6, 4);
        Tensor last, h;
        using (NewDisposeScope())
        {
            last = layer.call(x);
            h = layer.FinalState[0].H;
            TensorAssert.Close(last, h, "last output = final h");
        }
        // Moved once, into the caller's scope, which disposed both (moved twice, they would have leaked to the outer scope).
        Assert.True(last.IsInvalid);
        Assert.True(h.IsInvalid);
    }

    [Fact]
    public void Final_state_without_return_state_or_before_forward_is_a_clear_error()
    {
        using var scope = NewDisposeScope();
        var layer = new Lstm(4, 5);
        layer.call(randn(2, 3, 4));
        var e = Assert.Throws<InvalidOperationException>(() => layer.FinalState);
        Assert.Contains("expected ReturnState = true", e.Message);
        Assert.Contains("got ReturnState = false", e.Message);

        layer.ReturnState = true;
        e = Assert.Throws<InvalidOperationException>(() => layer.FinalState);
        Assert.Contains("expected a forward call before reading FinalState; got none", e.Message);
        layer.call(randn(2, 3, 4));
        var kept = layer.FinalState;
        Assert.Equal([2L, 5], kept[0].C!.shape);

        // A bad input is rejected as usual and leaves the kept states alone.
        var bad = Assert.Throws<ArgumentException>(() => layer.call(randn(2, 3, 7)));
        Assert.Contains("expected input of shape (B, T, 4)", bad.Message);
        Assert.Contains("got [2, 3, 7]", bad.Message);
        Assert.Same(kept, layer.FinalState);

        layer.ReturnState = false;   // forgets them
        Assert.Throws<InvalidOperationException>(() => layer.FinalState);
    }
}
