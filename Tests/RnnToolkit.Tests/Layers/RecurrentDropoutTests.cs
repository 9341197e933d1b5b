using RnnToolkit.Cells;
using RnnToolkit.Layers;
using RnnToolkit.Tests.Support;

namespace RnnToolkit.Tests.Layers;

public class RecurrentDropoutTests
{
    /// <summary>Records the h_{t-1} each step receives and always returns h_t = 1, so the recorded h is the dropout mask.</summary>
    sealed class ProbeCell(long inputSize, long hiddenSize) : RecurrentCell(nameof(ProbeCell), inputSize, hiddenSize)
    {
        public readonly List<Tensor> Received = [];
        public override RecurrentState Step(Tensor xt, RecurrentState state)
        {
            Received.Add(state.H.detach().clone().DetachFromDisposeScope());
            return new RecurrentState(ones(xt.shape[0], HiddenSize));
        }
    }

    [Fact]
    public void One_mask_per_sequence_constant_over_time_with_rate_p()
    {
        random.manual_seed(30);
        const double p = 0.3;
        var cell = new ProbeCell(2, 50);
        var layer = new Recurrent(cell, recurrentDropout: p);
        layer.train();
        layer.Run(randn(200, 6, 2));
        var masks = cell.Received.Skip(1).ToList();             // steps 1…5 see the dropped h_{t-1} = mask ⊙ 1
        for (int t = 1; t < masks.Count; t++)
            TensorAssert.Equal(masks[0], masks[t], $"mask at step {t + 1} vs step 1");
        var m = masks[0];
        Assert.True(m.eq(0).logical_or(m.sub(1 / (1 - p)).abs().lt(1e-6)).all().item<bool>(), "mask values are 0 or 1/(1 − p)");
        double dropped = m.eq(0).to(float64).mean().item<double>();
        Assert.InRange(dropped, p - 0.03, p + 0.03);            // 10 000 units: σ ≈ 0.005
        Assert.False(m[0].eq(m[1]).all().item<bool>(), "each sequence draws its own mask");
        TensorAssert.Equal(zeros(200, 50), cell.Received[0], "h_0 = 0 stays 0");
    }

    [Fact]
    public void Evaluation_applies_no_dropout()
    {
        random.manual_seed(31);
        var cell = new LstmCell(3, 5);
        var dropped = new Recurrent(cell, recurrentDropout: 0.5);
        var plain = new Recurrent(cell);
        var x = randn(4, 7, 3);
        dropped.eval();
        TensorAssert.Equal(plain.Run(x).Output, dropped.Run(x).Output, "eval output");
        dropped.train();
        Assert.False(plain.Run(x).Output.allclose(dropped.Run(x).Output), "training output differs");
    }

    [Fact]
    public void Training_step_equals_the_cell_on_the_masked_hidden_state()
    {
        // the same computation by hand: draw the mask with the same generator state, then step the cell on h ⊙ d
        var cell = new LstmCell(3, 5);
        var layer = new Recurrent(cell, recurrentDropout: 0.4);
        layer.train();
        var x = randn(2, 4, 3);
        random.manual_seed(32);
        var output = layer.Run(x).Output;

        random.manual_seed(32);
        var d = bernoulli(full(2, 5, 0.6)).div_(0.6);
        var state = new RecurrentState(zeros(2, 5), zeros(2, 5));
        var expected = new List<Tensor>();
        for (int t = 0; t < 4; t++)
        {
            state = cell.call(x[.., t], state with { H = state.H * d });
            expected.Add(state.H);
        }
        TensorAssert.Close(stack(expected, 1), output, "recurrent dropout by hand", 1e-6, 1e-6);
    }

    [Fact]
    public void Rate_outside_0_1_is_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Recurrent(new LstmCell(3, 5), recurrentDropout: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Recurrent(new LstmCell(3, 5), recurrentDropout: -0.1));
    }

    // The standard layers take Keras's recurrent_dropout too: training runs on their cells with the mask, inference on the
    // fused kernel without it; a backend that cannot apply it while training says so.
    [Theory]
    [InlineData("LSTM")]
    [InlineData("GRU")]
    [InlineData("RNN")]
    public void Standard_layers_apply_recurrent_dropout_while_training_only(string kind)
    {
        StandardRecurrent Make(double rd) => kind switch
        {
            "LSTM" => new Lstm(3, 6, numLayers: 2, recurrentDropout: rd),
            "GRU" => new Gru(3, 6, numLayers: 2, recurrentDropout: rd),
            _ => new Rnn(3, 6, numLayers: 2, recurrentDropout: rd),
        };
        random.manual_seed(32);
        var dropped = Make(0.4);
        var plain = Make(0);
        plain.load_state_dict(dropped.state_dict());
        Assert.Equal(0.4, dropped.RecurrentDropout);
        var x = randn(5, 8, 3);

        dropped.eval();
        plain.eval();
        TensorAssert.Equal(plain.Run(x).Output, dropped.Run(x).Output, "eval: no dropout");
        using (no_grad()) TensorAssert.Equal(plain.Run(x).Output, dropped.Run(x).Output, "inference: no dropout");

        dropped.train();
        plain.train();
        Assert.Equal(RecurrentBackend.Cells, dropped.ResolveBackend(null, training: true));
        Assert.Equal(RecurrentBackend.Cells, dropped.ResolveBackend(null, training: false));   // train mode drops even without autograd, as PyTorch's dropout does
        dropped.eval();
        Assert.NotEqual(RecurrentBackend.Cells, dropped.ResolveBackend(null, training: true));
        dropped.train();
        Assert.False(plain.Run(x).Output.allclose(dropped.Run(x).Output), "training output differs");
        random.manual_seed(33);
        var a = dropped.Run(x).Output;
        random.manual_seed(33);
        var b = dropped.Run(x).Output;
        TensorAssert.Equal(a, b, "same seed, same masks");

        dropped.Backend = RecurrentBackend.Fused;
        var e = Assert.Throws<InvalidOperationException>(() => dropped.Run(x));
        Assert.Contains("recurrentDropout = 0.4", e.Message);
        dropped.Backend = RecurrentBackend.Kernels;
        Assert.Throws<InvalidOperationException>(() => dropped.Run(x));
        Assert.Throws<ArgumentOutOfRangeException>(() => Make(1));
    }
}
