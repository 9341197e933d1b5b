using RnnToolkit.Cells;
using RnnToolkit.Layers;
using RnnToolkit.Tests.Support;

namespace RnnToolkit.Tests.Layers;

/// <summary>
/// Keras's stateful=True (issue 18): a stateful layer's final state of sample i, detached, is its initial state of sample i
/// in the next call. References are libtorch's fused modules (TorchSharp's nn.LSTM / nn.GRU / nn.RNN) over the whole
/// sequence and over each piece with the previous piece's state, detached, given by hand.
/// </summary>
public class StatefulTests
{
    public static IEnumerable<object[]> Layers() =>
        from kind in new[] { "Rnn", "Lstm", "Gru" }
        from backend in new[] { RecurrentBackend.Fused, RecurrentBackend.Cells, RecurrentBackend.Kernels }
        select new object[] { kind, backend };

    static StandardRecurrent Make(string kind, bool stateful, long input = 3, long hidden = 5, long layers = 2) => kind switch
    {
        "Rnn" => new Rnn(input, hidden, layers, stateful: stateful),
        "Lstm" => new RnnToolkit.Layers.Lstm(input, hidden, layers, stateful: stateful),
        _ => new RnnToolkit.Layers.Gru(input, hidden, layers, stateful: stateful),
    };

    // libtorch's fused module with the layer's weights (same PyTorch names and dtype), and a run: (output, h_n, c_n or null).
    static (nn.Module Module, Func<Tensor, Tensor?, Tensor?, (Tensor Output, Tensor HN, Tensor? CN)> Run) Fused(StandardRecurrent layer)
    {
        nn.Module fused = layer switch
        {
            Rnn => nn.RNN(layer.InputSize, layer.HiddenSize, layer.NumLayers, batchFirst: true),
            RnnToolkit.Layers.Lstm => nn.LSTM(layer.InputSize, layer.HiddenSize, layer.NumLayers, batchFirst: true),
            _ => nn.GRU(layer.InputSize, layer.HiddenSize, layer.NumLayers, batchFirst: true),
        };
        fused.to(layer.parameters().First().dtype);
        fused.load_state_dict(layer.state_dict());
        Func<Tensor, Tensor?, Tensor?, (Tensor, Tensor, Tensor?)> run = fused switch
        {
            TorchSharp.Modules.LSTM lstm => (x, h0, c0) => lstm.call(x, h0 is null ? null : (h0, c0!)),
            TorchSharp.Modules.GRU gru => (x, h0, _) => { var (y, hn) = gru.call(x, h0); return (y, hn, null); },
            TorchSharp.Modules.RNN rnn => (x, h0, _) => { var (y, hn) = rnn.call(x, h0); return (y, hn, null); },
            _ => throw new InvalidOperationException(),
        };
        return (fused, run);
    }

    static Tensor Stack(IReadOnlyList<RecurrentState> states, bool memory = false) =>
        stack(states.Select(s => memory ? s.C! : s.H).ToArray());

    [Theory]
    [MemberData(nameof(Layers))]
    public void Pieces_run_in_turn_give_the_whole_sequence_and_carry_its_state_at_each_cut(string kind, RecurrentBackend backend)
    {
        random.manual_seed(3);
        var layer = Make(kind, stateful: true);
        layer.Backend = backend;
        var (_, fused) = Fused(layer);
        var x = randn(4, 11, 3);
        var (whole, _, _) = fused(x, null, null);
        long start = 0;
        foreach (long k in new long[] { 4, 1, 6 })
        {
            var piece = layer.Run(x.narrow(1, start, k));
            TensorAssert.Close(whole.narrow(1, start, k), piece.Output, $"{kind} {backend}: outputs of steps {start}..{start + k - 1}", 1e-5, 1e-5);
            start += k;
            // The carried state is the whole run's state at the cut: the fused module's h_n (and c_n) over the prefix.
            var (_, hn, cn) = fused(x.narrow(1, 0, start), null, null);
            TensorAssert.Close(hn, Stack(layer.States!), $"{kind} {backend}: carried h after {start} steps", 1e-5, 1e-5);
            if (cn is not null) TensorAssert.Close(cn, Stack(layer.States!, memory: true), $"{kind} {backend}: carried c after {start} steps", 1e-5, 1e-5);
            Assert.All(layer.States!.SelectMany(s => s.Tensors), t => Assert.False(t.requires_grad, "the carried state must be detached"));
        }
    }

    [Theory]
    [MemberData(nameof(Layers))]
    public void Gradients_of_a_piece_stop_at_its_start(string kind, RecurrentBackend backend)
    {
        random.manual_seed(4);
        var layer = Make(kind, stateful: true);
        layer.Backend = backend;
        var x = randn(3, 9, 3);
        layer.Run(x.narrow(1, 0, 5));
        var carriedH = Stack(layer.States!).clone();
        var carriedC = kind == "Lstm" ? Stack(layer.States!, memory: true).clone() : null;

        layer.zero_grad();
        layer.Run(x.narrow(1, 5, 4)).Output.square().sum().backward();
        var grads = layer.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.clone());

        // By hand: the fused module on the second piece from the first piece's final state, a constant.
        var (module, reference) = Fused(layer);
        var (y, _, _) = reference(x.narrow(1, 5, 4), carriedH, carriedC);
        y.square().sum().backward();
        foreach (var (name, p) in module.named_parameters())
            TensorAssert.Close(p.grad!, grads[name], $"{kind} {backend}: gradient of {name}", 1e-4, 1e-4);
    }

    [Fact]
    public void Recurrent_stateful_continues_the_sequence_as_one_run()
    {
        random.manual_seed(5);
        var cell = new PeepholeLstmCell(3, 4);
        var stateful = new Recurrent(cell, stateful: true);
        var x = randn(2, 10, 3);
        var whole = new Recurrent(cell).Run(x);
        var first = stateful.Run(x.narrow(1, 0, 6));
        var second = stateful.Run(x.narrow(1, 6, 4));
        TensorAssert.Close(whole.Output, cat([first.Output, second.Output], 1), "outputs in two pieces", 1e-6, 1e-6);
        TensorAssert.Close(whole.Final[0].C!, stateful.States![0].C!, "carried c", 1e-6, 1e-6);
    }

    [Fact]
    public void A_layer_that_is_not_stateful_starts_from_zeros_every_call()
    {
        random.manual_seed(6);
        var layer = new RnnToolkit.Layers.Gru(3, 4);
        var x = randn(2, 5, 3);
        var a = layer.Run(x).Output;
        var b = layer.Run(x).Output;
        Assert.False(layer.Stateful);
        Assert.Null(layer.States);
        TensorAssert.Close(a, b, "two calls", 0, 0);
    }

    [Fact]
    public void ResetStates_starts_from_zeros_and_allows_another_batch_size()
    {
        random.manual_seed(7);
        var layer = new RnnToolkit.Layers.Lstm(3, 4, stateful: true);
        var x = randn(2, 5, 3);
        var fresh = layer.Run(x).Output;
        var carried = layer.Run(x).Output;
        Assert.True((fresh - carried).abs().max().ToDouble() > 1e-3, "the second call starts from the first call's final state");
        layer.ResetStates();
        Assert.Null(layer.States);
        TensorAssert.Close(fresh, layer.Run(x).Output, "after ResetStates", 0, 0);
        layer.ResetStates();
        Assert.Equal(3, layer.Run(randn(3, 5, 3)).Output.shape[0]);
    }

    [Fact]
    public void A_changed_batch_size_is_an_error_naming_both_sizes()
    {
        var layers = new RecurrentLayer[] { new RnnToolkit.Layers.Lstm(3, 4, stateful: true), new Recurrent(new GruCell(3, 4), stateful: true) };
        foreach (var layer in layers)
        {
            layer.Run(randn(4, 5, 3));
            var e = Assert.Throws<ArgumentException>(() => layer.Run(randn(3, 5, 3)));
            Assert.Contains("expected a batch of 4", e.Message);
            Assert.Contains("got a batch of 3", e.Message);
            Assert.Contains("ResetStates", e.Message);
        }
    }

    [Fact]
    public void Stateful_with_a_backward_direction_is_rejected()
    {
        var e = Assert.Throws<ArgumentException>(() => new RnnToolkit.Layers.Lstm(3, 4, bidirectional: true, stateful: true));
        Assert.Contains("expected stateful or bidirectional", e.Message);
        e = Assert.Throws<ArgumentException>(() => new Bidirectional(new Recurrent(new GruCell(3, 4), stateful: true), new Recurrent(new GruCell(3, 4))));
        Assert.Contains("expected layers that are not stateful", e.Message);
        e = Assert.Throws<ArgumentException>(() => new Recurrent(new GruCell(3, 4), goBackwards: true, stateful: true));
        Assert.Contains("expected stateful or goBackwards", e.Message);
    }

    [Fact]
    public void Carried_states_follow_the_layer_to_another_dtype()
    {
        random.manual_seed(8);
        var layer = new RnnToolkit.Layers.Gru(3, 4, stateful: true);
        var x = randn(2, 6, 3, dtype: float64);
        layer.Run(x.narrow(1, 0, 3).to(float32));
        layer.to(float64);
        Assert.Equal(float64, layer.States![0].H.dtype);
        var second = layer.Run(x.narrow(1, 3, 3)).Output;
        var whole = Fused(layer).Run(x, null, null).Output;
        Assert.Equal(float64, second.dtype);
        TensorAssert.Close(whole.narrow(1, 3, 3), second, "second piece after .to(float64)", 1e-5, 1e-5);
    }
}
