using RnnToolkit.Training;

namespace RnnToolkit.Tests.Training;

public class TrainerTests
{
    public TrainerTests() => RnnToolkit.Native.TorchSharpNative.EnsureLoaded();

    [Fact]
    public void Fit_records_loss_metrics_and_validation_per_epoch()
    {
        var (x, y) = TestData.Linear(200);
        var trainer = TestData.Mlp().Compile(Losses.MeanSquaredError(), Optimizers.Adam(0.02), Metrics.MeanAbsoluteError());
        var h = trainer.Fit(x, y, new FitOptions { Epochs = 30, BatchSize = 20, ValidationSplit = 0.25, Verbose = 0, Seed = 1 });
        Assert.Equal(30, h.Count);
        foreach (var k in new[] { "loss", "mae", "val_loss", "val_mae", "lr" }) Assert.Equal(30, h.Values[k].Count);
        Assert.True(h["loss"][^1] < 0.1 * h["loss"][0], $"loss {h["loss"][0]} -> {h["loss"][^1]}");
        Assert.True(h["val_loss"][^1] < 0.1);
        Assert.All(h["lr"], lr => Assert.Equal(0.02, lr, 12));
        Assert.Equal(30, trainer.Epoch);
        // val_ values are exactly Evaluate on the held-out tail.
        var eval = trainer.Evaluate(x.narrow(0, 150, 50), y.narrow(0, 150, 50), batchSize: 7);
        Assert.Equal(h["val_loss"][^1], eval["loss"], 5);
        Assert.Equal(h["val_mae"][^1], eval["mae"], 5);
        var pred = trainer.Predict(x, batchSize: 64);
        Assert.Equal(new long[] { 200, 1 }, pred.shape);
    }

    [Fact]
    public void Validation_data_and_loss_value_matches_manual_computation()
    {
        var (x, y) = TestData.Linear(64);
        var (vx, vy) = TestData.Linear(16, seed: 9);
        var model = TestData.Mlp();
        var trainer = model.Compile("mse", "sgd", "mae");
        var h = trainer.Fit(x, y, new FitOptions { Epochs = 1, BatchSize = 64, ValidationData = (vx, vy), Shuffle = false, Verbose = 0 });
        using (torch.no_grad())
        {
            var manual = (model.call(vx) - vy).square().mean().ToDouble();
            Assert.Equal(manual, h["val_loss"][0], 5);
        }
    }

    [Fact]
    public void Same_seed_gives_the_same_run()
    {
        var (x, y) = TestData.Linear(100);
        History Run()
        {
            var t = TestData.Mlp(5).Compile(Losses.MeanSquaredError(), Optimizers.Adam(0.01));
            return t.Fit(x, y, new FitOptions { Epochs = 3, BatchSize = 16, Verbose = 0, Seed = 42 });
        }
        Assert.Equal(Run()["loss"], Run()["loss"]);
    }

    [Fact]
    public void Bad_input_is_rejected_before_training()
    {
        var model = TestData.Mlp();
        var before = model.parameters().Select(p => p.detach().clone()).ToList();
        var trainer = model.Compile(Losses.MeanSquaredError(), metrics: Metrics.MeanAbsoluteError());
        var (x, y) = TestData.Linear(10);

        var e = Assert.Throws<ArgumentException>(() => trainer.Fit(x, y.narrow(0, 0, 9), new FitOptions { Verbose = 0 }));
        Assert.Contains("same number of samples", e.Message);
        Assert.Contains("10", e.Message); Assert.Contains("9", e.Message);

        e = Assert.Throws<ArgumentException>(() => trainer.Fit(torch.zeros(0, 3), torch.zeros(0, 1), new FitOptions { Verbose = 0 }));
        Assert.Contains("empty", e.Message);

        e = Assert.Throws<ArgumentException>(() => trainer.Fit(x, torch.zeros(10, 4), new FitOptions { Verbose = 0 }));
        Assert.Contains("(10, 1)", e.Message); Assert.Contains("(10, 4)", e.Message);

        var ce = TestData.Mlp().Compile(Losses.SparseCategoricalCrossEntropy());
        e = Assert.Throws<ArgumentException>(() => ce.Fit(x, torch.zeros(10, 1), new FitOptions { Verbose = 0 }));
        Assert.Contains("(10,)", e.Message);

        e = Assert.Throws<ArgumentException>(() => trainer.Fit(torch.zeros(10, 5), y, new FitOptions { Verbose = 0 }));
        Assert.Contains("(10, 5)", e.Message);

        var bad = y.clone(); bad[3, 0] = torch.tensor(float.NaN);
        e = Assert.Throws<ArgumentException>(() => trainer.Fit(x, bad, new FitOptions { Verbose = 0 }));
        Assert.Contains("NaN", e.Message);

        Assert.Throws<ArgumentException>(() => trainer.Fit(x, y, new FitOptions { ValidationSplit = 0.95, Verbose = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Fit(x, y, new FitOptions { BatchSize = 0, Verbose = 0 }));
        // Nothing was trained.
        Assert.All(model.parameters().Zip(before), pair => Assert.True(pair.First.eq(pair.Second).all().ToBoolean()));
        Assert.Equal(0, trainer.Epoch);
    }

    [Fact]
    public void NaN_loss_stops_with_message_and_keeps_last_good_weights()
    {
        torch.random.manual_seed(0);
        // 4 batches per epoch; the 11th training call (epoch 3, batch 3) returns NaN.
        var model = new NaNAfter(3, 1, limit: 10);
        var trainer = model.Compile(Losses.MeanSquaredError(), Optimizers.SGD(0.05));
        var snapshots = new SnapshotEachEpoch();
        var (x, y) = TestData.Linear(16);
        var output = new StringWriter();
        var h = trainer.Fit(x, y, new FitOptions { Epochs = 10, BatchSize = 4, Callbacks = [snapshots], Verbose = 2, Output = output, Seed = 0 });
        Assert.True(h.TerminatedOnNaN);
        Assert.Equal(2, h.Count);
        Assert.Contains("NaN at epoch 3, batch 3", h.StopReason);
        Assert.Contains("end of epoch 2", h.StopReason);
        Assert.Contains("NaN at epoch 3", output.ToString());
        Assert.All(model.parameters().Zip(snapshots.Last!), pair => Assert.True(pair.First.eq(pair.Second).all().ToBoolean()));
        Assert.All(model.parameters(), p => Assert.True(torch.isfinite(p).all().ToBoolean()));
    }

    [Fact]
    public void Infinite_loss_stops_with_message_and_keeps_last_good_weights()
    {
        torch.random.manual_seed(0);
        // As the NaN case, but the 11th training call (epoch 3, batch 3) returns +∞: a finite-but-not-NaN check would miss it.
        var model = new NaNAfter(3, 1, limit: 10, poison: double.PositiveInfinity);
        var trainer = model.Compile(Losses.MeanSquaredError(), Optimizers.SGD(0.05));
        var snapshots = new SnapshotEachEpoch();
        var (x, y) = TestData.Linear(16);
        var output = new StringWriter();
        var h = trainer.Fit(x, y, new FitOptions { Epochs = 10, BatchSize = 4, Callbacks = [snapshots], Verbose = 2, Output = output, Seed = 0 });
        Assert.True(h.TerminatedOnNaN);
        Assert.Equal(2, h.Count);
        Assert.Equal(2, trainer.Epoch);
        Assert.Equal(11, model.Calls);                              // nothing ran after the infinite batch
        Assert.Contains("Infinity at epoch 3, batch 3", h.StopReason);
        Assert.Contains("end of epoch 2", h.StopReason);
        Assert.Contains("Infinity at epoch 3", output.ToString());
        Assert.All(h["loss"], l => Assert.True(double.IsFinite(l)));
        Assert.All(model.parameters().Zip(snapshots.Last!), pair => Assert.True(pair.First.eq(pair.Second).all().ToBoolean()));
        Assert.All(model.parameters(), p => Assert.True(torch.isfinite(p).all().ToBoolean()));
    }

    /// <summary>
    /// Inputs are the sample's index (one feature); in training mode the model records the indices it is fed, per
    /// epoch, and in eval mode (validation) separately. Only calls inside an epoch are recorded (not the shape check).
    /// </summary>
    sealed class IndexRecorder : torch.nn.Module<Tensor, Tensor>
    {
        readonly TorchSharp.Modules.Linear linear = torch.nn.Linear(1, 1);
        public readonly List<List<long>> Train = [], Validation = [];

        public IndexRecorder() : base(nameof(IndexRecorder)) => RegisterComponents();

        public override Tensor forward(Tensor x)
        {
            if (Train.Count > 0)
                (training ? Train : Validation)[^1].AddRange(x[.., 0].data<float>().ToArray().Select(v => (long)v));
            return linear.call(x);
        }

        public Callback EpochMarker() => new StartEpoch(this);

        sealed class StartEpoch(IndexRecorder recorder) : Callback
        {
            public override void OnEpochBegin(Trainer trainer, int epoch)
            {
                recorder.Train.Add([]);
                recorder.Validation.Add([]);
            }
        }
    }

    static Tensor Indices(int from, int count) => torch.arange(from, from + count, dtype: ScalarType.Float32).unsqueeze(1);

    static IndexRecorder RecordFit(int n, bool shuffle, int? seed, int epochs = 4, ValidationData? validationData = null, double validationSplit = 0)
    {
        var model = new IndexRecorder();
        var trainer = model.Compile(Losses.MeanSquaredError(), Optimizers.SGD(1e-4));
        trainer.Fit(Indices(0, n), torch.zeros(n, 1), new FitOptions { Epochs = epochs, BatchSize = 3, Shuffle = shuffle, Seed = seed, Verbose = 0, ValidationData = validationData, ValidationSplit = validationSplit, Callbacks = [model.EpochMarker()] });
        Assert.Equal(epochs, model.Train.Count);
        return model;
    }

    [Fact]
    public void Without_shuffle_every_epoch_sees_the_samples_in_order()
    {
        var rec = RecordFit(10, shuffle: false, seed: 3);
        Assert.All(rec.Train, order => Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), order));
    }

    [Fact]
    public void Shuffle_with_a_seed_permutes_each_epoch_differently_and_reproducibly()
    {
        const int n = 20;
        var a = RecordFit(n, shuffle: true, seed: 5);
        var b = RecordFit(n, shuffle: true, seed: 5);
        var c = RecordFit(n, shuffle: true, seed: 6);
        var identity = Enumerable.Range(0, n).Select(i => (long)i).ToList();
        // Each epoch is a permutation of all samples (every index exactly once), and not the identity.
        Assert.All(a.Train, order => Assert.Equal(identity, order.Order()));
        Assert.All(a.Train, order => Assert.NotEqual(identity, order));
        // Different orders across epochs.
        for (int i = 0; i < a.Train.Count; i++)
            for (int j = i + 1; j < a.Train.Count; j++)
                Assert.NotEqual(a.Train[i], a.Train[j]);
        // The same seed gives the same orders, another seed other orders.
        Assert.Equal(a.Train, b.Train);
        Assert.All(a.Train.Zip(c.Train), pair => Assert.NotEqual(pair.First, pair.Second));
    }

    [Fact]
    public void Validation_samples_are_never_shuffled()
    {
        // Explicit validation data (indices 100..106) is evaluated in its own order every epoch, while training is shuffled.
        var rec = RecordFit(12, shuffle: true, seed: 1, validationData: (Indices(100, 7), torch.zeros(7, 1)));
        Assert.All(rec.Validation, order => Assert.Equal(Enumerable.Range(100, 7).Select(i => (long)i), order));
        Assert.All(rec.Train, order => Assert.Equal(Enumerable.Range(0, 12).Select(i => (long)i), order.Order()));
        Assert.Contains(rec.Train, order => !order.SequenceEqual(Enumerable.Range(0, 12).Select(i => (long)i)));

        // A validation split holds out the tail before shuffling: training permutes 0..14 only, validation is 15..19 in order.
        var split = RecordFit(20, shuffle: true, seed: 2, validationSplit: 0.25);
        Assert.All(split.Train, order => Assert.Equal(Enumerable.Range(0, 15).Select(i => (long)i), order.Order()));
        Assert.All(split.Validation, order => Assert.Equal(Enumerable.Range(15, 5).Select(i => (long)i), order));
    }

    sealed class SnapshotEachEpoch : Callback
    {
        public List<Tensor>? Last;
        public override void OnEpochEnd(Trainer trainer, int epoch, IReadOnlyDictionary<string, double> logs) =>
            Last = trainer.Model.parameters().Select(p => p.detach().clone()).ToList();
    }

    [Fact]
    public void Live_tensor_count_stays_flat_over_epochs()
    {
        var (x, y) = TestData.Linear(128);
        var (vx, vy) = TestData.Linear(32, 2);
        var probe = new LiveCount();
        var model = new LastStepLstm(1, 8, 1);
        var trainer = model.Compile(Losses.MeanSquaredError(), Optimizers.Adam(), Metrics.MeanAbsoluteError(), Metrics.MeanSquaredError());
        trainer.Fit(x.unsqueeze(-1), y, new FitOptions { Epochs = 8, BatchSize = 16, ValidationData = (vx.unsqueeze(-1), vy), Callbacks = [probe, new EarlyStopping("loss", patience: 100, restoreBestWeights: true), new ReduceLROnPlateau("loss", patience: 1)], Verbose = 0, Seed = 3 });
        // After the optimizer's state exists (epoch 1), nothing accumulates.
        Assert.Equal(8, probe.Counts.Count);
        Assert.All(probe.Counts.Skip(2), c => Assert.Equal(probe.Counts[1], c));
    }

    sealed class LiveCount : Callback
    {
        public List<long> Counts { get; } = new();
        public override void OnEpochEnd(Trainer trainer, int epoch, IReadOnlyDictionary<string, double> logs) =>
            Counts.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }
}
