using RnnToolkit.Experiments;

namespace RnnToolkit.Tests.Experiments;

public class GradientFlowTests
{
    public GradientFlowTests() => RnnToolkit.Native.TorchSharpNative.EnsureLoaded();

    [Fact]
    public void From_hidden_states_matches_a_hand_derived_chain()
    {
        // h_{t+1} = a h_t, loss = sum(h_{T-1}): d loss / d h_t = a^(T-1-t) per element, 3 elements -> norm sqrt(3) a^(T-1-t).
        var h0 = torch.ones(3, requires_grad: true);
        var hs = new List<Tensor> { h0 * 1.0 };
        for (int t = 1; t < 6; t++) hs.Add(hs[^1] * 0.5);
        var norms = GradientFlow.FromHiddenStates(hs, hs[^1].sum());
        for (int t = 0; t < 6; t++) Assert.Equal(Math.Sqrt(3) * Math.Pow(0.5, 5 - t), norms[t], 6);
        // A state the loss does not use gets 0.
        var unused = torch.ones(2, requires_grad: true) * 2;
        Assert.Equal(0.0, GradientFlow.FromHiddenStates([hs[^1], unused], hs[^1].sum())[1]);
    }

    [Fact]
    public void At_initialisation_the_RNN_gradient_vanishes_faster_than_the_LSTMs()
    {
        var r = GradientFlow.Compare(length: 50, seed: 0);
        Assert.Equal(new[] { "RNN", "LSTM", "GRU" }, r.Select(x => x.Name));
        Assert.All(r, x =>
        {
            Assert.Equal(50, x.Norms.Length);
            Assert.All(x.Norms, n => Assert.True(double.IsFinite(n) && n > 0));
            Assert.Equal(1.0, x.Relative[^1], 12);
        });
        var rnn = r[0]; var lstm = r[1];
        Assert.True(rnn.Log10Decay < -8, $"RNN decay {rnn.Log10Decay}");
        // With Keras' unit forget bias the LSTM keeps > 1000x more of the gradient at t = 0.
        Assert.True(lstm.Log10Decay > rnn.Log10Decay + 3, $"LSTM {lstm.Log10Decay} vs RNN {rnn.Log10Decay}");
        // The norm decays along the sequence for the plain RNN.
        Assert.True(rnn.Norms[0] < rnn.Norms[25] && rnn.Norms[25] < rnn.Norms[49]);
        Assert.Equal(r.Select(x => x.Norms), GradientFlow.Compare(length: 50, seed: 0).Select(x => x.Norms));
        var table = GradientFlow.ToTable(r, every: 10);
        Assert.StartsWith("t\tRNN\tLSTM\tGRU", table);
        Assert.Equal(6, table.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void After_training_the_GRU_keeps_the_gradient_alive_and_the_RNN_does_not()
    {
        // 60 Adam steps on the adding problem with T = 40 (at T = 50 and 300 steps the GRU solves the task: decay -0.5).
        var rnn = GradientFlow.Measure(CellKind.Rnn, length: 40, hiddenSize: 16, batchSize: 32, seed: 0, trainSteps: 60);
        var gru = GradientFlow.Measure(CellKind.Gru, length: 40, hiddenSize: 16, batchSize: 32, seed: 0, trainSteps: 60);
        Assert.True(rnn.Log10Decay < -6, $"RNN decay {rnn.Log10Decay}");
        Assert.True(gru.Log10Decay > rnn.Log10Decay + 3, $"GRU decay {gru.Log10Decay} vs RNN {rnn.Log10Decay}");
    }
}
