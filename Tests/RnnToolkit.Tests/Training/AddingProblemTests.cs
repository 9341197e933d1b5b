using RnnToolkit.Data;
using RnnToolkit.Training;

namespace RnnToolkit.Tests.Training;

public class AddingProblemTests
{
    public AddingProblemTests() => RnnToolkit.Native.TorchSharpNative.EnsureLoaded();

    [Fact]
    public void Small_LSTM_solves_the_adding_problem_with_fifty_steps()
    {
        torch.random.manual_seed(1);
        using var train = AddingProblem.Generate(3000, 50, seed: 1);
        using var test = AddingProblem.Generate(500, 50, seed: 2);
        var model = new LastStepLstm(2, 32, 1);
        var trainer = model.Compile(Losses.MeanSquaredError(), Optimizers.Adam(0.01), Metrics.MeanAbsoluteError());
        // Typically below 0.01 after ~10 epochs (about 600 steps); stops once clearly there.
        var h = trainer.Fit(train.X, train.Y, new FitOptions { Epochs = 40, BatchSize = 50, ValidationData = (test.X, test.Y), Verbose = 0, Seed = 1, Callbacks = [new StopBelow("val_loss", 0.005), GradientClipping.ByGlobalNorm(1.0)] });
        Assert.True(h["val_loss"][^1] < 0.01, string.Join(", ", h["val_loss"]));
        Assert.True(h["val_loss"][0] > 0.1); // it started at the baseline
        // The final model beats the constant baseline by more than 10x on fresh data.
        using var fresh = AddingProblem.Generate(300, 50, seed: 3);
        Assert.True(trainer.Evaluate(fresh.X, fresh.Y)["loss"] < AddingProblem.BaselineMse / 10);
    }

    sealed class StopBelow(string key, double threshold) : Callback
    {
        public override void OnEpochEnd(Trainer trainer, int epoch, IReadOnlyDictionary<string, double> logs)
        {
            if (logs[key] < threshold) trainer.StopTraining = true;
        }
    }
}
