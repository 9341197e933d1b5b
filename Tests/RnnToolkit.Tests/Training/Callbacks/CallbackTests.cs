using RnnToolkit.Training;

namespace RnnToolkit.Tests.Training;

public class CallbackTests : IDisposable
{
    readonly string dir = Path.Combine(Path.GetTempPath(), "rnntk-cb-" + Guid.NewGuid().ToString("N"));

    public CallbackTests() => RnnToolkit.Native.TorchSharpNative.EnsureLoaded();

    public void Dispose()
    {
        if (Directory.Exists(dir)) Directory.Delete(dir, true);
    }

    static Dictionary<string, double> L(double v, string key = "val_loss") => new() { [key] = v, ["loss"] = v };

    [Fact]
    public void EarlyStopping_stops_after_patience_and_restores_best_weights()
    {
        var model = TestData.Mlp();
        var trainer = model.Compile(Losses.MeanSquaredError());
        var es = new EarlyStopping(patience: 2, restoreBestWeights: true);
        es.OnTrainBegin(trainer);
        double[] vals = [1.0, 0.5, 0.6, 0.7, 0.4];
        List<Tensor>? bestWeights = null;
        int stoppedAt = -1;
        for (int e = 0; e < vals.Length; e++)
        {
            using (torch.no_grad()) foreach (var p in model.parameters()) p.add_(1.0); // weights change every epoch
            es.OnEpochEnd(trainer, e, L(vals[e]));
            if (e == 1) bestWeights = model.parameters().Select(p => p.detach().clone()).ToList();
            if (trainer.StopTraining) { stoppedAt = e; break; }
        }
        Assert.Equal(3, stoppedAt);
        Assert.Equal(3, es.StoppedEpoch);
        Assert.Equal(0.5, es.Best);
        Assert.Equal(1, es.BestEpoch);
        Assert.Contains("val_loss", trainer.StopReason);
        es.OnTrainEnd(trainer);
        Assert.All(model.parameters().Zip(bestWeights!), pair => Assert.True(pair.First.eq(pair.Second).all().ToBoolean()));
    }

    [Fact]
    public void EarlyStopping_in_fit_with_max_mode_and_min_delta()
    {
        var (x, y) = TestData.Linear(64);
        var trainer = TestData.Mlp().Compile(Losses.MeanSquaredError(), Optimizers.Adam(0.01), Metrics.MeanAbsoluteError());
        // Monitoring the loss in "max" mode never improves after the first epoch: stops after 1 + patience epochs.
        var es = new EarlyStopping("loss", patience: 1, mode: MonitorMode.Max);
        var h = trainer.Fit(x, y, new FitOptions { Epochs = 20, BatchSize = 16, Callbacks = [es], Verbose = 0, Seed = 1 });
        Assert.Equal(2, h.Count);
        Assert.StartsWith("EarlyStopping", h.StopReason);
        var missing = new EarlyStopping("val_accuracy");
        var e = Assert.Throws<InvalidOperationException>(() => trainer.Fit(x, y, new FitOptions { Epochs = 1, Callbacks = [missing], Verbose = 0 }));
        Assert.Contains("val_accuracy", e.Message);
    }

    [Fact]
    public void ModelCheckpoint_best_only_and_every_epoch()
    {
        var trainer = TestData.Mlp().Compile(Losses.MeanSquaredError());
        var best = new ModelCheckpoint(Path.Combine(dir, "best-{epoch}.ckpt"), saveBestOnly: true);
        var every = new ModelCheckpoint(Path.Combine(dir, "w-{epoch:D3}-{val_loss:F2}.bin"), saveWeightsOnly: true);
        best.OnTrainBegin(trainer); every.OnTrainBegin(trainer);
        double[] vals = [0.9, 0.8, 0.85, 0.7];
        for (int e = 0; e < vals.Length; e++)
        {
            best.OnEpochEnd(trainer, e, L(vals[e]));
            every.OnEpochEnd(trainer, e, L(vals[e]));
        }
        Assert.Equal(new[] { "best-1.ckpt", "best-2.ckpt", "best-4.ckpt" }, best.Saved.Select(Path.GetFileName));
        Assert.Equal(new[] { "w-001-0.90.bin", "w-002-0.80.bin", "w-003-0.85.bin", "w-004-0.70.bin" }, every.Saved.Select(Path.GetFileName));
        Assert.All(best.Saved.Concat(every.Saved), f => Assert.True(File.Exists(f)));
        // Weight files load into a fresh model with TorchSharp's own loader.
        var fresh = TestData.Mlp(99);
        fresh.load(every.Saved[^1]);
        Assert.All(fresh.parameters().Zip(trainer.Model.parameters()), pair => Assert.True(pair.First.eq(pair.Second).all().ToBoolean()));
    }

    [Fact]
    public void ReduceLROnPlateau_reduces_after_patience_with_cooldown_and_floor()
    {
        var trainer = TestData.Mlp().Compile(Losses.MeanSquaredError(), Optimizers.SGD(1.0));
        var r = new ReduceLROnPlateau(factor: 0.5, patience: 2, cooldown: 2, minLearningRate: 0.2);
        r.OnTrainBegin(trainer);
        double[] vals = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0];
        var lrs = new List<double>();
        for (int e = 0; e < vals.Length; e++)
        {
            r.OnEpochEnd(trainer, e, L(vals[e]));
            lrs.Add(trainer.LearningRate);
        }
        // Keras' logic: e0 best; e1 wait 1; e2 wait 2 -> 0.5, cooldown 2; e3, e4 cooling down; e5 wait 1... 
        Assert.Equal(new[] { 1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25 }, lrs);
        for (int e = 8; e < 14; e++) r.OnEpochEnd(trainer, e, L(1.0));
        Assert.Equal(0.2, trainer.LearningRate, 12);
        Assert.Equal(0.2, trainer.Optimizer.ParamGroups.Last().LearningRate, 12);
    }

    [Fact]
    public void ReduceLROnPlateau_in_fit_shows_in_history()
    {
        var (x, y) = TestData.Linear(32);
        var trainer = TestData.Mlp().Compile(Losses.MeanSquaredError(), Optimizers.SGD(0.01));
        var h = trainer.Fit(x, y, new FitOptions { Epochs = 4, BatchSize = 32, Callbacks = [new ReduceLROnPlateau("loss", factor: 0.1, patience: 0, mode: MonitorMode.Max)], Verbose = 0 });
        Assert.Equal(0.01, h["lr"][0], 12);
        // lr is logged before the callbacks of its epoch run (as in Keras).
        Assert.Equal(0.01, h["lr"][1], 12);
        Assert.Equal(0.001, h["lr"][2], 12);
        Assert.Equal(0.0001, h["lr"][3], 12);
    }

    [Fact]
    public void TerminateOnNaN_stops_on_non_finite_values()
    {
        var trainer = TestData.Mlp().Compile(Losses.MeanSquaredError());
        var t = new TerminateOnNaN();
        t.OnBatchEnd(trainer, 0, 0.5);
        Assert.False(trainer.StopTraining);
        t.OnEpochEnd(trainer, 0, L(double.PositiveInfinity));
        Assert.True(trainer.StopTraining);
        Assert.Contains("Infinity", trainer.StopReason);
    }

    [Fact]
    public void TerminateOnNaN_stops_on_a_non_finite_batch_loss()
    {
        var trainer = TestData.Mlp().Compile(Losses.MeanSquaredError());
        var t = new TerminateOnNaN();
        t.OnBatchEnd(trainer, 0, 0.5);
        t.OnBatchEnd(trainer, 1, double.MaxValue);
        Assert.False(trainer.StopTraining);
        Assert.Null(trainer.StopReason);
        t.OnBatchEnd(trainer, 2, double.NaN);
        Assert.True(trainer.StopTraining);
        Assert.Equal("TerminateOnNaN: batch 3 has loss NaN.", trainer.StopReason);
        // A later non-finite batch keeps the first reason.
        t.OnBatchEnd(trainer, 4, double.PositiveInfinity);
        Assert.Equal("TerminateOnNaN: batch 3 has loss NaN.", trainer.StopReason);

        var other = TestData.Mlp().Compile(Losses.MeanSquaredError());
        t.OnBatchEnd(other, 0, double.NegativeInfinity);
        Assert.True(other.StopTraining);
        Assert.Contains("batch 1 has loss -Infinity", other.StopReason);

        // Inside Fit: a batch reported as NaN to the callback ends training after that epoch, with its reason.
        var (x, y) = TestData.Linear(12);
        var fitted = TestData.Mlp().Compile(Losses.MeanSquaredError(), Optimizers.SGD(0.01));
        var h = fitted.Fit(x, y, new FitOptions { Epochs = 5, BatchSize = 4, Verbose = 0, Seed = 0, Callbacks = [new LambdaCallback { BatchEnd = (tr, b, loss) => t.OnBatchEnd(tr, b, tr.Epoch == 1 && b == 1 ? double.NaN : loss) }] });
        Assert.Equal(2, h.Count);
        Assert.Equal(2, fitted.Epoch);
        Assert.Equal("TerminateOnNaN: batch 2 has loss NaN.", h.StopReason);
        Assert.False(h.TerminatedOnNaN);                             // the trainer's own loss was finite throughout
    }

    [Fact]
    public void Gradient_clipping_by_norm_and_by_value()
    {
        var model = TestData.Mlp();
        var trainer = model.Compile(Losses.MeanSquaredError());
        void SetGrads()
        {
            foreach (var p in model.parameters()) p.grad = torch.full_like(p, 3.0);
        }
        SetGrads();
        long count = model.CountParameters();
        var byNorm = GradientClipping.ByGlobalNorm(1.0);
        byNorm.OnAfterBackward(trainer);
        Assert.Equal(3.0 * Math.Sqrt(count), byNorm.LastNorm, 4);
        var norm = Math.Sqrt(model.parameters().Sum(p => p.grad!.square().sum().ToDouble()));
        Assert.Equal(1.0, norm, 4);

        SetGrads();
        model.parameters().First().grad![0, 0] = torch.tensor(-5f);
        GradientClipping.ByValue(0.5).OnAfterBackward(trainer);
        Assert.All(model.parameters(), p => Assert.True(p.grad!.abs().max().ToDouble() <= 0.5 + 1e-7));
        Assert.Equal(-0.5, model.parameters().First().grad![0, 0].ToDouble(), 6);
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ByGlobalNorm(0));
    }

    [Fact]
    public void Callbacks_see_events_in_order()
    {
        var (x, y) = TestData.Linear(10);
        var log = new Recorder();
        TestData.Mlp().Compile(Losses.MeanSquaredError()).Fit(x, y, new FitOptions { Epochs = 2, BatchSize = 5, Callbacks = [log], Verbose = 0 });
        Assert.Equal("TB E0 A B0 A B1 EE0 E1 A B0 A B1 EE1 TE", string.Join(" ", log.Events));
    }

    sealed class Recorder : Callback
    {
        public List<string> Events { get; } = new();
        public override void OnTrainBegin(Trainer trainer) => Events.Add("TB");
        public override void OnEpochBegin(Trainer trainer, int epoch) => Events.Add($"E{epoch}");
        public override void OnAfterBackward(Trainer trainer) => Events.Add("A");
        public override void OnBatchEnd(Trainer trainer, int batch, double loss) => Events.Add($"B{batch}");
        public override void OnEpochEnd(Trainer trainer, int epoch, IReadOnlyDictionary<string, double> logs) => Events.Add($"EE{epoch}");
        public override void OnTrainEnd(Trainer trainer) => Events.Add("TE");
    }
}
