using RnnToolkit.Training;
using TorchSharp.Modules;

namespace RnnToolkit.Tests.Training;

public class ProgressAndSummaryTests
{
    public ProgressAndSummaryTests() => RnnToolkit.Native.TorchSharpNative.EnsureLoaded();

    [Fact]
    public void Verbose_one_draws_a_bar_per_epoch()
    {
        var (x, y) = TestData.Linear(40);
        var w = new StringWriter();
        var t = TestData.Mlp().Compile(Losses.MeanSquaredError(), metrics: Metrics.MeanAbsoluteError());
        t.Fit(x, y, new FitOptions { Epochs = 2, BatchSize = 10, ValidationSplit = 0.25, Verbose = 1, Output = w });
        var lines = w.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        var last = lines[1].Split('\r')[^1];
        Assert.Matches(@"^Epoch 2/2 - 3/3 \[={30}\] - \d+\.\ds - loss: \d+\.\d{4} - mae: \d+\.\d{4} - val_loss: \d+\.\d{4} - val_mae: \d+\.\d{4} - lr: 0\.0010\s*$", last);
        Assert.StartsWith("\rEpoch 1/2 - 1/3 [=========>....................]", lines[0]);
    }

    [Fact]
    public void Verbose_two_writes_one_line_per_epoch_and_zero_writes_nothing()
    {
        var (x, y) = TestData.Linear(40);
        var w = new StringWriter();
        var t = TestData.Mlp().Compile(Losses.MeanSquaredError());
        t.Fit(x, y, new FitOptions { Epochs = 3, BatchSize = 10, Verbose = 2, Output = w });
        var lines = w.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.All(lines, l => Assert.DoesNotContain('\r', l));
        Assert.StartsWith("Epoch 3/3 - 4/4 [", lines[2]);

        var silent = new StringWriter();
        var console = Console.Out;
        var captured = new StringWriter();
        Console.SetOut(captured);
        try { t.Fit(x, y, new FitOptions { Epochs = 5, InitialEpoch = 3, Verbose = 0, Output = silent, Callbacks = [new ReduceLROnPlateau("loss", patience: 0, mode: MonitorMode.Max)] }); }
        finally { Console.SetOut(console); }
        Assert.Equal("", silent.ToString());
        Assert.Equal("", captured.ToString());
    }

    [Fact]
    public void Progress_receives_every_batch_and_epoch()
    {
        var (x, y) = TestData.Linear(25);
        var reports = new List<TrainingProgress>();
        var t = TestData.Mlp().Compile(Losses.MeanSquaredError());
        t.Fit(x, y, new FitOptions { Epochs = 2, BatchSize = 10, Verbose = 0, Progress = new ActionProgress<TrainingProgress>(reports.Add) });
        Assert.Equal(2 * (3 + 1), reports.Count);
        Assert.Equal(new[] { 1, 2, 3, 3 }, reports.Take(4).Select(r => r.Batch));
        Assert.True(reports[3].EpochCompleted);
        Assert.Equal(1.0, reports[3].Fraction);
        Assert.Equal(t.History["loss"][0], reports[3].Logs["loss"]);
        Assert.Equal("[==============>...............]", reports[0] with { Batch = 1, Batches = 2 } is var half ? half.Bar() : "");
    }

    [Fact]
    public void Summary_of_a_sequential()
    {
        torch.random.manual_seed(0);
        var model = torch.nn.Sequential(("dense", torch.nn.Linear(3, 4)), ("relu", torch.nn.ReLU()), ("out", torch.nn.Linear(4, 2)));
        var s = model.Summary(3);
        Assert.Equal(new[] { "dense", "relu", "out" }, s.Layers.Select(l => l.Name));
        Assert.Equal(new[] { "(None, 4)", "(None, 4)", "(None, 2)" }, s.Layers.Select(l => l.OutputShape));
        Assert.Equal(new long[] { 16, 0, 10 }, s.Layers.Select(l => l.Parameters));
        Assert.Equal(26, s.TotalParameters);
        Assert.Equal(26, s.TrainableParameters);
        var text = s.ToString();
        Assert.Contains("Model: \"Sequential\"", text);
        Assert.Contains(" dense (Linear)", text);
        Assert.Matches(@"out \(Linear\)\s+\(None, 2\)\s+10", text);
        Assert.Contains("Total params: 26", text);
        Assert.Contains("Non-trainable params: 0", text);
    }

    [Fact]
    public void Summary_handles_layers_returning_tuples()
    {
        torch.random.manual_seed(0);
        var model = new LastStepLstm(1, 8, 1);
        var s = model.Summary(5, 1);
        var lstm = s.Layers.Single(l => l.Name == "lstm");
        Assert.Equal("[(None, 5, 8), (1, None, 8), (1, None, 8)]", lstm.OutputShape);
        Assert.Equal(4 * (8 * 1 + 8 * 8 + 8 + 8), lstm.Parameters);
        Assert.Equal("(None, 1)", s.Layers.Single(l => l.Name == "head").OutputShape);
        Assert.Equal("(None, 1)", s.OutputShape);
        Assert.Equal(4 * (8 + 64 + 16) + 9, s.TotalParameters);
        var frozen = torch.nn.Sequential(("a", torch.nn.Linear(2, 2)));
        foreach (var p in frozen.parameters()) p.requires_grad = false;
        Assert.Equal(6, frozen.Summary(2).NonTrainableParameters);
    }

    [Fact]
    public void Summary_of_a_model_that_starts_with_an_embedding_feeds_token_ids()
    {
        torch.random.manual_seed(0);
        var model = torch.nn.Sequential(("embed", torch.nn.Embedding(10, 4)), ("flat", torch.nn.Flatten()), ("out", torch.nn.Linear(12, 2)));
        var s = model.Summary(3);
        Assert.Equal(new[] { "(None, 3, 4)", "(None, 12)", "(None, 2)" }, s.Layers.Select(l => l.OutputShape));
        Assert.Equal(40 + 26, s.TotalParameters);
        // The explicit input type wins: float input to an embedding is libtorch's error, not a silent conversion.
        Assert.ThrowsAny<Exception>(() => ModelSummary.Create(model, torch.ScalarType.Float32, 3));
        Assert.Throws<ArgumentException>(() => ModelSummary.Create(model, torch.ScalarType.Int64, 3, 0));
    }
}
