using RnnToolkit.Cells;
using RnnToolkit.Data;
using RnnToolkit.Experiments;
using RnnToolkit.Layers;
using RnnToolkit.Training;

namespace RnnToolkit.Tests.Training;

/// <summary>The training API with the toolkit's own recurrent layers and cells.</summary>
public class CoreLayerTests
{
    public CoreLayerTests() => RnnToolkit.Native.TorchSharpNative.EnsureLoaded();

    static torch.nn.Module<Tensor, Tensor> AddingModel(long hidden) =>
        torch.nn.Sequential(("lstm", new Lstm(2, hidden, returnSequences: false)), ("out", torch.nn.Linear(hidden, 1)));

    [Fact]
    public void Toolkit_LSTM_solves_the_adding_problem_with_fifty_steps()
    {
        torch.random.manual_seed(1);
        using var train = AddingProblem.Generate(3000, 50, seed: 1);
        using var test = AddingProblem.Generate(500, 50, seed: 2);
        var trainer = AddingModel(32).Compile(Losses.MeanSquaredError(), Optimizers.Adam(0.01), Metrics.MeanAbsoluteError());
        var h = trainer.Fit(train.X, train.Y, new FitOptions { Epochs = 40, BatchSize = 50, ValidationData = (test.X, test.Y), Verbose = 0, Seed = 1, Callbacks = [new LambdaCallback { EpochEnd = (t, _, logs) => t.StopTraining |= logs["val_loss"] < 0.005 }, GradientClipping.ByGlobalNorm(1.0)] });
        Assert.True(h["val_loss"][^1] < 0.01, string.Join(", ", h["val_loss"]));
        Assert.True(h["val_loss"][0] > 0.1);
    }

    [Fact]
    public void Summary_of_toolkit_layers()
    {
        torch.random.manual_seed(0);
        var s = AddingModel(32).Summary(50, 2);
        Assert.Equal(new[] { "(None, 32)", "(None, 1)" }, s.Layers.Select(l => l.OutputShape));
        Assert.Equal(new long[] { 4 * (32 * 2 + 32 * 32 + 2 * 32), 33 }, s.Layers.Select(l => l.Parameters));
        Assert.Matches(@"lstm \(Lstm\)\s+\(None, 32\)\s+4,608", s.ToString());
        var seq = torch.nn.Sequential(("gru", new Gru(3, 8)), ("rnn", new Rnn(8, 4, returnSequences: false)));
        Assert.Equal(new[] { "(None, 7, 8)", "(None, 4)" }, seq.Summary(7, 3).Layers.Select(l => l.OutputShape));
    }

    [Fact]
    public void Gradient_flow_of_toolkit_cells()
    {
        var rnn = GradientFlow.MeasureCell(() => new RnnCell(2, 32), "RNN");
        var lstm = GradientFlow.MeasureCell(() => new LstmCell(2, 32), "LSTM");
        Assert.Equal(50, rnn.Norms.Length);
        Assert.All(rnn.Norms.Concat(lstm.Norms), n => Assert.True(double.IsFinite(n) && n > 0));
        Assert.True(rnn.Log10Decay < -6, $"RNN {rnn.Log10Decay}");
        Assert.True(lstm.Log10Decay > rnn.Log10Decay + 2, $"LSTM {lstm.Log10Decay} vs RNN {rnn.Log10Decay}");
        Assert.Equal(rnn.Norms, GradientFlow.MeasureCell(() => new RnnCell(2, 32), "RNN").Norms);
        Assert.Throws<ArgumentException>(() => GradientFlow.MeasureCell(() => new RnnCell(3, 8)));
    }
}
