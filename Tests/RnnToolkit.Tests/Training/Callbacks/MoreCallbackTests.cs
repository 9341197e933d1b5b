using RnnToolkit.Data;
using RnnToolkit.Training;

namespace RnnToolkit.Tests.Training;

public class MoreCallbackTests : IDisposable
{
    readonly string dir = Path.Combine(Path.GetTempPath(), "rnntk-more-" + Guid.NewGuid().ToString("N"));

    public MoreCallbackTests() => RnnToolkit.Native.TorchSharpNative.EnsureLoaded();

    public void Dispose()
    {
        if (Directory.Exists(dir)) Directory.Delete(dir, true);
    }

    [Fact]
    public void Schedulers_set_the_rate_each_epoch()
    {
        var (x, y) = TestData.Linear(20);
        var t = TestData.Mlp().Compile(Losses.MeanSquaredError(), Optimizers.SGD(1.0));
        var h = t.Fit(x, y, new FitOptions { Epochs = 5, BatchSize = 20, Verbose = 0, Callbacks = [LearningRateScheduler.StepDecay(0.1, 0.5, every: 2)] });
        Assert.Equal(new[] { 0.1, 0.1, 0.05, 0.05, 0.025 }, h["lr"].Select(v => Math.Round(v, 12)));
        h = t.Fit(x, y, new FitOptions { Epochs = 3, BatchSize = 20, Verbose = 0, Callbacks = [LearningRateScheduler.ExponentialDecay(0.2, 0.1)] });
        Assert.Equal(new[] { 0.2, 0.02, 0.002 }, h["lr"].Select(v => Math.Round(v, 12)));
        Assert.Throws<InvalidOperationException>(() => t.Fit(x, y, new FitOptions { Epochs = 1, Verbose = 0, Callbacks = [new LearningRateScheduler((_, _) => double.NaN)] }));
    }

    [Fact]
    public void CsvLogger_writes_one_row_per_epoch_and_appends_on_resume()
    {
        var (x, y) = TestData.Linear(20);
        var t = TestData.Mlp().Compile(Losses.MeanSquaredError(), metrics: Metrics.MeanAbsoluteError());
        var path = Path.Combine(dir, "log.csv");
        var h = t.Fit(x, y, new FitOptions { Epochs = 2, BatchSize = 10, Verbose = 0, Callbacks = [new CsvLogger(path)] });
        t.Fit(x, y, new FitOptions { Epochs = 3, InitialEpoch = 2, BatchSize = 10, Verbose = 0, Callbacks = [new CsvLogger(path, append: true)] });
        var lines = File.ReadAllLines(path);
        Assert.Equal("epoch,loss,mae,lr", lines[0]);
        Assert.Equal(4, lines.Length);
        Assert.StartsWith("0,", lines[1]);
        Assert.StartsWith("2,", lines[3]);
        Assert.Equal(h["loss"][1], double.Parse(lines[2].Split(',')[1], System.Globalization.CultureInfo.InvariantCulture));
        t.Fit(x, y, new FitOptions { Epochs = 1, BatchSize = 10, Verbose = 0, Callbacks = [new CsvLogger(path)] });
        Assert.Equal(2, File.ReadAllLines(path).Length);
    }

    [Fact]
    public void LambdaCallback_and_cancellation()
    {
        var (x, y) = TestData.Linear(40);
        var t = TestData.Mlp().Compile(Losses.MeanSquaredError());
        using var cts = new CancellationTokenSource();
        var epochs = new List<int>();
        int batches = 0;
        var cb = new LambdaCallback
        {
            EpochEnd = (_, e, logs) => epochs.Add(e),
            BatchEnd = (_, b, _) => { if (++batches == 6) cts.Cancel(); },
        };
        var h = t.Fit(x, y, new FitOptions { Epochs = 10, BatchSize = 10, Verbose = 0, Callbacks = [cb], CancellationToken = cts.Token });
        // 4 batches per epoch: cancelled during epoch 2 after its second batch.
        Assert.Equal(new[] { 0 }, epochs);
        Assert.Equal(1, h.Count);
        Assert.Contains("cancelled at epoch 2, batch 3", h.StopReason);
        Assert.Equal(1, t.Epoch);
    }

    [Fact]
    public void One_step_ahead_forecast_of_the_noisy_sine_as_in_d2l()
    {
        // d2l 9.1: tau = 4 lagged values, an MLP, 600 training points; one-step predictions are good,
        // k-step predictions degrade as k grows.
        var series = TimeSeries.NoisySine(1000, seed: 0);
        using var windows = TimeSeries.Window(series, window: 4);
        var (train, _) = windows.Split(0.4);
        torch.random.manual_seed(0);
        var model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(4, 10), torch.nn.ReLU(), torch.nn.Linear(10, 1));
        var trainer = model.Compile(Losses.MeanSquaredError(), Optimizers.Adam(0.01));
        trainer.Fit(train.X, train.Y, new FitOptions { Epochs = 5, BatchSize = 16, Verbose = 0, Seed = 0 });
        var oneStep = trainer.Evaluate(windows.X, windows.Y)["loss"];
        Assert.InRange(oneStep, 0.03, 0.08); // the noise variance is 0.04
        using var k = TimeSeries.PredictKStepsAhead(xb => trainer.Predict(xb), series, window: 4, k: 64);
        using var truth = TimeSeries.Window(series, 4, 64);
        var err1 = (k[.., 0] - truth.Y[.., 0]).square().mean().ToDouble();
        var err64 = (k[.., 63] - truth.Y[.., 63]).square().mean().ToDouble();
        // The first of the k steps is the model's prediction from the true window: the same numbers Predict gives.
        using var direct = trainer.Predict(truth.X).reshape(-1);
        Assert.True(allclose(k[.., 0], direct, rtol: 1e-6, atol: 1e-7), "step 1 of the k-step prediction differs from Predict on the same windows");
        Assert.InRange(err1, 0.5 * oneStep, 1.5 * oneStep);            // the same error, on the windows that have 64 steps after them
        // Later steps feed back predictions: the error grows with k (d2l 9.1's figure), here by more than 2x.
        var err16 = (k[.., 15] - truth.Y[.., 15]).square().mean().ToDouble();
        Assert.True(err16 > err1 && err64 > 2 * err1, $"k-step errors 1: {err1}, 16: {err16}, 64: {err64}");
    }
}
