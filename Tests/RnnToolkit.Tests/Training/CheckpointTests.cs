using RnnToolkit.Training;

namespace RnnToolkit.Tests.Training;

public class CheckpointTests : IDisposable
{
    readonly string dir = Path.Combine(Path.GetTempPath(), "rnntk-ck-" + Guid.NewGuid().ToString("N"));

    public CheckpointTests()
    {
        RnnToolkit.Native.TorchSharpNative.EnsureLoaded();
        Directory.CreateDirectory(dir);
    }

    public void Dispose()
    {
        Checkpoint.BeforeRename = null;
        if (Directory.Exists(dir)) Directory.Delete(dir, true);
    }

    static bool SameWeights(torch.nn.Module a, torch.nn.Module b) =>
        a.parameters().Zip(b.parameters()).All(p => p.First.eq(p.Second).all().ToBoolean());

    [Fact]
    public void ResumingFromACheckpointReproducesTheUninterruptedRun()
    {
        var (x, y) = TestData.Linear(96);
        var (vx, vy) = TestData.Linear(16, 4);
        Trainer Make(int init)
        {
            torch.random.manual_seed(init);
            var m = new LastStepLstm(1, 6, 1);
            return m.Compile(Losses.MeanSquaredError(), Optimizers.Adam(0.01), Metrics.MeanAbsoluteError());
        }
        var xs = x.unsqueeze(-1); var vxs = vx.unsqueeze(-1);

        var straight = Make(7);
        var full = straight.Fit(xs, y, epochs: 5, batchSize: 16, validationData: (vxs, vy), verbose: 0, seed: 11);

        var first = Make(7);
        var path = Path.Combine(dir, "run.ckpt");
        first.Fit(xs, y, epochs: 2, batchSize: 16, validationData: (vxs, vy), verbose: 0, seed: 11,
            callbacks: [new ModelCheckpoint(path, monitor: "loss")]);

        var resumed = Make(123); // different initial weights: everything must come from the file
        var info = resumed.LoadCheckpoint(path);
        Assert.Equal(2, info.Epoch);
        Assert.Equal(2, resumed.Epoch);
        var rest = resumed.Fit(xs, y, epochs: 5, batchSize: 16, validationData: (vxs, vy), verbose: 0, seed: 11, initialEpoch: resumed.Epoch);

        Assert.Equal(3, rest.Count);
        Assert.Equal(full["loss"].Skip(2), rest["loss"]);
        Assert.Equal(full["val_mae"].Skip(2), rest["val_mae"]);
        Assert.Equal(full["loss"], resumed.History["loss"]);
        Assert.True(SameWeights(straight.Model, resumed.Model));
    }

    [Fact]
    public void AnInterruptedSaveLeavesThePreviousCheckpointLoadable()
    {
        var (x, y) = TestData.Linear(32);
        var trainer = TestData.Mlp(1).Compile(Losses.MeanSquaredError(), Optimizers.Adam(0.01));
        trainer.Fit(x, y, epochs: 1, verbose: 0);
        var path = Path.Combine(dir, "model.ckpt");
        trainer.SaveCheckpoint(path);
        var saved = trainer.Model.parameters().Select(p => p.detach().clone()).ToList();

        trainer.Fit(x, y, epochs: 3, initialEpoch: 1, verbose: 0);
        Checkpoint.BeforeRename = tmp =>
        {
            Assert.True(File.Exists(tmp));
            throw new IOException("simulated crash before the rename");
        };
        Assert.Throws<IOException>(() => trainer.SaveCheckpoint(path));
        Checkpoint.BeforeRename = null;
        // A half-written temporary file from a killed process is ignored as well.
        File.WriteAllBytes(Path.Combine(dir, ".model.ckpt.dead.tmp"), [1, 2, 3]);

        var other = TestData.Mlp(2).Compile(Losses.MeanSquaredError(), Optimizers.Adam(0.01));
        var info = other.LoadCheckpoint(path);
        Assert.Equal(1, info.Epoch);
        Assert.All(other.Model.parameters().Zip(saved), p => Assert.True(p.First.eq(p.Second).all().ToBoolean()));
        Assert.Single(Directory.GetFiles(dir), f => !f.EndsWith(".dead.tmp"));
    }

    [Fact]
    public void TruncatedOrForeignFilesAreReportedClearly()
    {
        var trainer = TestData.Mlp().Compile(Losses.MeanSquaredError());
        var path = Path.Combine(dir, "a.ckpt");
        trainer.SaveCheckpoint(path);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 20)]);
        var e = Assert.Throws<InvalidDataException>(() => trainer.LoadCheckpoint(path));
        Assert.Contains("truncated", e.Message);
        var w = Path.Combine(dir, "w.bin");
        trainer.SaveWeights(w);
        e = Assert.Throws<InvalidDataException>(() => trainer.LoadCheckpoint(w));
        Assert.Contains("LoadWeights", e.Message);
        Assert.Throws<FileNotFoundException>(() => trainer.LoadCheckpoint(Path.Combine(dir, "none")));

        var good = Path.Combine(dir, "good.ckpt");
        trainer.SaveCheckpoint(good);
        var sgd = TestData.Mlp().Compile(Losses.MeanSquaredError(), Optimizers.SGD());
        e = Assert.Throws<InvalidDataException>(() => sgd.LoadCheckpoint(good));
        Assert.Contains("'adam'", e.Message); Assert.Contains("'sgd'", e.Message);
        var other = new LastStepLstm(3, 4, 1).Compile(Losses.MeanSquaredError());
        e = Assert.Throws<InvalidDataException>(() => other.LoadCheckpoint(good));
        Assert.Contains("does not fit", e.Message);
    }

    [Fact]
    public void WeightsRoundTrip()
    {
        var a = TestData.Mlp(1).Compile(Losses.MeanSquaredError());
        var b = TestData.Mlp(2).Compile(Losses.MeanSquaredError());
        Assert.False(SameWeights(a.Model, b.Model));
        var path = Path.Combine(dir, "sub", "w.bin");
        a.SaveWeights(path);
        b.LoadWeights(path);
        Assert.True(SameWeights(a.Model, b.Model));
    }
}
