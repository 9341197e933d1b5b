using System.Diagnostics;
using System.Text.RegularExpressions;
using RnnToolkit.CheckpointWriter;
using RnnToolkit.Training;
using Xunit.Abstractions;

namespace RnnToolkit.Tests.Training;

public class CheckpointTests : IDisposable
{
    readonly string dir = Path.Combine(Path.GetTempPath(), "rnntk-ck-" + Guid.NewGuid().ToString("N"));

    readonly ITestOutputHelper log;

    public CheckpointTests(ITestOutputHelper log)
    {
        this.log = log;
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
    public void Resuming_from_a_checkpoint_reproduces_the_uninterrupted_run()
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
        var full = straight.Fit(xs, y, new FitOptions { Epochs = 5, BatchSize = 16, ValidationData = (vxs, vy), Verbose = 0, Seed = 11 });

        var first = Make(7);
        var path = Path.Combine(dir, "run.ckpt");
        first.Fit(xs, y, new FitOptions { Epochs = 2, BatchSize = 16, ValidationData = (vxs, vy), Verbose = 0, Seed = 11, Callbacks = [new ModelCheckpoint(path, monitor: "loss")] });

        var resumed = Make(123); // different initial weights: everything must come from the file
        var info = resumed.LoadCheckpoint(path);
        Assert.Equal(2, info.Epoch);
        Assert.Equal(2, resumed.Epoch);
        var rest = resumed.Fit(xs, y, new FitOptions { Epochs = 5, BatchSize = 16, ValidationData = (vxs, vy), Verbose = 0, Seed = 11, InitialEpoch = resumed.Epoch });

        Assert.Equal(3, rest.Count);
        Assert.Equal(full["loss"].Skip(2), rest["loss"]);
        Assert.Equal(full["val_mae"].Skip(2), rest["val_mae"]);
        Assert.Equal(full["loss"], resumed.History["loss"]);
        Assert.True(SameWeights(straight.Model, resumed.Model));
    }

    [Fact]
    public void An_interrupted_save_leaves_the_previous_checkpoint_loadable()
    {
        var (x, y) = TestData.Linear(32);
        var trainer = TestData.Mlp(1).Compile(Losses.MeanSquaredError(), Optimizers.Adam(0.01));
        trainer.Fit(x, y, new FitOptions { Epochs = 1, Verbose = 0 });
        var path = Path.Combine(dir, "model.ckpt");
        trainer.SaveCheckpoint(path);
        var saved = trainer.Model.parameters().Select(p => p.detach().clone()).ToList();

        trainer.Fit(x, y, new FitOptions { Epochs = 3, InitialEpoch = 1, Verbose = 0 });
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

    /// <summary>Loads <paramref name="path"/> into a fresh writer model and checks it is exactly generation <paramref name="generation"/>.</summary>
    static void AssertHoldsGeneration(string path, int width, int generation, string context)
    {
        using var loaded = WriterModel.Create(width);
        var info = Checkpoint.Load(path, loaded, null);
        Assert.True(info.Epoch == generation, $"{context}: the checkpoint holds generation {info.Epoch}, expected {generation}");
        Assert.Equal(generation, info.History.Count);
        Assert.Equal(Enumerable.Range(0, generation).Select(e => 1.0 / (e + 1)), info.History.Values.TryGetValue("loss", out var losses) ? losses : []);
        using var expected = WriterModel.Create(width);
        WriterModel.Fill(expected, generation);
        Assert.True(SameWeights(loaded, expected), $"{context}: the weights are not those of generation {generation}");
    }

    [Fact]
    public void Killing_a_process_mid_save_leaves_the_last_complete_checkpoint()
    {
        // A real child process (Tests/CheckpointWriter) saves generation after generation of a 2 · 768² float model
        // (~4.7 MB per checkpoint) to the same path; it is killed (SIGKILL) at a different moment in each round.
        // (Start-up, 1 to 2 s a round, dominates the time this takes.)
        const int width = 768;
        string app = Path.Combine(AppContext.BaseDirectory, "RnnToolkit.CheckpointWriter.dll");
        var path = Path.Combine(dir, "big.ckpt");
        using (var model = WriterModel.Create(width))
        {
            WriterModel.Fill(model, 0);
            Checkpoint.Save(path, model, null, WriterModel.Info(0));
        }
        int good = 0, next = 1, roundsLeavingTemp = 0;
        var random = new Random();
        string[] Temps() => Directory.GetFiles(dir, "*.tmp");
        for (int round = 0; round < 3; round++)
        {
            var start = new ProcessStartInfo("dotnet", ["exec", app, path, next.ToString(System.Globalization.CultureInfo.InvariantCulture), width.ToString(System.Globalization.CultureInfo.InvariantCulture)])
            { RedirectStandardOutput = true, RedirectStandardError = true };
            int saving = -1, saved = -1;
            var stderr = new System.Text.StringBuilder();
            using var process = new Process { StartInfo = start };
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is null) return;
                var m = Regex.Match(e.Data, @"^(saving|saved) (\d+)$");
                if (!m.Success) return;
                int g = int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
                if (m.Groups[1].Value == "saving") Volatile.Write(ref saving, g); else Volatile.Write(ref saved, g);
            };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
            int tempsBefore = Temps().Length;
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var deadline = Stopwatch.StartNew();
            void WaitFor(Func<bool> condition, string what)
            {
                while (!condition())
                {
                    if (process.HasExited) Assert.Fail($"round {round}: the writer exited ({process.ExitCode}) before {what}: {stderr}");
                    if (deadline.Elapsed > TimeSpan.FromSeconds(30)) Assert.Fail($"round {round}: no {what} within 30 s");
                    Thread.Sleep(1);
                }
            }
            int delay = 0;
            try
            {
                switch (round)
                {
                    case 0: // as soon as the first save has created its temporary file
                        WaitFor(() => Temps().Length > tempsBefore, "temporary file");
                        break;
                    case 1: // a random moment after the second save has begun
                        WaitFor(() => Volatile.Read(ref saving) >= next + 1, "second save");
                        delay = random.Next(0, 60);
                        break;
                    default: // a random moment shortly after a later save has created its temporary file
                        WaitFor(() => Volatile.Read(ref saved) >= next, "completed save");
                        WaitFor(() => Temps().Length > tempsBefore, "temporary file");
                        delay = random.Next(0, 5);
                        break;
                }
                if (delay > 0) Thread.Sleep(delay);
            }
            finally
            {
                process.Kill();                                      // SIGKILL: no handler, no flush, no clean-up
            }
            Assert.True(process.WaitForExit(10_000), $"round {round}: the killed writer did not exit");
            process.WaitForExit();                                   // drains the output events
            Assert.NotEqual(0, process.ExitCode);

            // The file holds the last save that completed: the last one reported as saved, or the one in flight if the
            // kill came between its rename and its report. Never a mixture, never the truncated one.
            int lastSaved = saved >= 0 ? saved : good;
            int inFlight = Math.Max(saving, lastSaved);
            using (var probe = WriterModel.Create(width))
            {
                int epoch = Checkpoint.Load(path, probe, null).Epoch;
                Assert.True(epoch == lastSaved || epoch == inFlight,
                    $"round {round} (delay {delay} ms): the checkpoint holds generation {epoch}; the last reported save was {lastSaved}, the one in flight {inFlight}");
                good = epoch;
            }
            AssertHoldsGeneration(path, width, good, $"round {round} (delay {delay} ms)");
            bool leftTemp = Temps().Length > tempsBefore;
            if (leftTemp) roundsLeavingTemp++;
            log.WriteLine($"round {round}: killed after {deadline.ElapsedMilliseconds} ms (delay {delay} ms); reported saved {saved}, saving {saving}; file holds {good}; temporary file left: {leftTemp}");
            next = inFlight + 1;
        }
        // At least one kill landed between the creation of a temporary file and its rename (round 0 is meant to).
        Assert.True(roundsLeavingTemp > 0, "no kill interrupted a save in the middle");

        // The leftovers do not disturb the next save, and nothing but them and the checkpoint is in the folder.
        using (var model = WriterModel.Create(width))
        {
            WriterModel.Fill(model, next);
            Checkpoint.Save(path, model, null, WriterModel.Info(next));
        }
        AssertHoldsGeneration(path, width, next, "after a save next to the leftovers");
        Assert.Equal([path], Directory.GetFiles(dir).Where(f => !f.EndsWith(".tmp", StringComparison.Ordinal)));
    }

    [Fact]
    public void Truncated_or_foreign_files_are_reported_clearly()
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
    public void A_save_removes_its_own_stale_temporaries_only()
    {
        var m = TestData.Mlp(1).Compile(Losses.MeanSquaredError());
        var path = Path.Combine(dir, "w.bin");
        string Leftover(string name, TimeSpan age)
        {
            var f = Path.Combine(dir, $".{name}.{Guid.NewGuid():N}.tmp");
            File.WriteAllText(f, "cut off");
            File.SetLastWriteTimeUtc(f, DateTime.UtcNow - age);
            return f;
        }
        var old = Leftover("w.bin", Checkpoint.StaleTemporaryAge + TimeSpan.FromMinutes(1));
        var recent = Leftover("w.bin", TimeSpan.FromSeconds(5));                 // maybe another process's save in progress
        var otherFile = Leftover("other.bin", TimeSpan.FromDays(1));              // another checkpoint's: not this save's business
        m.SaveWeights(path);
        Assert.False(File.Exists(old));
        Assert.True(File.Exists(recent));
        Assert.True(File.Exists(otherFile));
        var back = TestData.Mlp(2).Compile(Losses.MeanSquaredError());
        back.LoadWeights(path);
        Assert.True(SameWeights(m.Model, back.Model));
    }

    [Fact]
    public void Weights_round_trip()
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
