using RnnToolkit.Data;

namespace RnnToolkit.Tests.Data;

public class TaskGeneratorTests
{
    public TaskGeneratorTests() => RnnToolkit.Native.TorchSharpNative.EnsureLoaded();

    static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().ToBoolean();

    [Fact]
    public void Adding_problem_has_two_markers_one_in_each_half_and_their_sum_as_target()
    {
        using var d = AddingProblem.Generate(200, 50, seed: 3);
        Assert.Equal(new long[] { 200, 50, 2 }, d.X.shape);
        Assert.Equal(new long[] { 200, 1 }, d.Y.shape);
        var x = d.X.data<float>().ToArray();
        var y = d.Y.data<float>().ToArray();
        for (int i = 0; i < 200; i++)
        {
            var marks = Enumerable.Range(0, 50).Where(t => x[(i * 50 + t) * 2 + 1] == 1f).ToList();
            Assert.Equal(2, marks.Count);
            Assert.True(marks[0] < 25 && marks[1] >= 25);
            Assert.Equal(x[(i * 50 + marks[0]) * 2] + x[(i * 50 + marks[1]) * 2], y[i], 6);
            Assert.All(Enumerable.Range(0, 50), t => Assert.InRange(x[(i * 50 + t) * 2], 0f, 1f));
        }
        // The constant prediction 1 has MSE close to 1/6.
        using var big = AddingProblem.Generate(20000, 10, seed: 1);
        Assert.InRange((big.Y - 1).square().mean().ToDouble(), AddingProblem.BaselineMse - 0.008, AddingProblem.BaselineMse + 0.008);
        Assert.True(Same(d.X, AddingProblem.Generate(200, 50, seed: 3).X));
        Assert.False(Same(d.X, AddingProblem.Generate(200, 50, seed: 4).X));
    }

    [Fact]
    public void Copy_task_layout()
    {
        using var d = CopyTask.Generate(5, symbols: 3, delay: 4, alphabet: 6, seed: 2, oneHot: false);
        Assert.Equal(new long[] { 5, 10 }, d.X.shape);
        Assert.Equal(new long[] { 5, 10 }, d.Y.shape);
        for (int i = 0; i < 5; i++)
        {
            var x = d.X[i].data<long>().ToArray();
            var y = d.Y[i].data<long>().ToArray();
            Assert.All(x[..3], v => Assert.InRange(v, 1, 6));
            Assert.Equal(new long[] { 0, 0, 0, 7, 0, 0, 0 }, x[3..]);
            Assert.Equal(new long[7], y[..7]);
            Assert.Equal(x[..3], y[7..]);
        }
        using var oh = CopyTask.Generate(5, symbols: 3, delay: 4, alphabet: 6, seed: 2);
        Assert.Equal(new long[] { 5, 10, 8 }, oh.X.shape);
        Assert.True(Same(oh.X.argmax(-1), d.X));
        Assert.Equal(3 * Math.Log(6) / 10, CopyTask.BaselineCrossEntropy(3, 4, 6), 12);
    }

    [Fact]
    public void Copy_task_delay_sets_the_distance_to_remember()
    {
        const int symbols = 3, alphabet = 5;
        foreach (int delay in new[] { 1, 6 })
        {
            using var d = CopyTask.Generate(4, symbols, delay, alphabet, seed: 7, oneHot: false);
            int steps = 2 * symbols + delay;
            Assert.Equal(new long[] { 4, steps }, d.X.shape);
            Assert.Equal(new long[] { 4, steps }, d.Y.shape);
            for (int i = 0; i < 4; i++)
            {
                var x = d.X[i].data<long>().ToArray();
                var y = d.Y[i].data<long>().ToArray();
                // Input: symbols, delay - 1 blanks, the delimiter (alphabet + 1) at step symbols + delay - 1, then blanks.
                Assert.All(x[..symbols], v => Assert.InRange(v, 1, alphabet));
                Assert.Equal(symbols + delay - 1, Array.IndexOf(x, (long)alphabet + 1));
                Assert.Equal(symbols + 1, x.Count(v => v != 0));
                // Target: blank except the last `symbols` steps, each symbol exactly symbols + delay steps after its input.
                Assert.Equal(Enumerable.Range(symbols + delay, symbols), Enumerable.Range(0, steps).Where(t => y[t] != 0));
                for (int j = 0; j < symbols; j++) Assert.Equal(x[j], y[j + symbols + delay]);
            }
        }
        // The memoryless baseline shrinks as the delay grows (more blank steps to predict for free).
        Assert.Equal(3 * Math.Log(5) / 7, CopyTask.BaselineCrossEntropy(symbols, 1, alphabet), 12);
        Assert.Equal(3 * Math.Log(5) / 12, CopyTask.BaselineCrossEntropy(symbols, 6, alphabet), 12);
    }

    [Fact]
    public void Multi_seasonal_has_its_trend_noise_and_seasons_and_is_seeded()
    {
        // 10 weeks of hourly data with the default periods (24, 168) and amplitudes (1, 0.5).
        const int week = 168, weeks = 10;
        const double trend = 0.002, noise = 0.3;
        var s = TimeSeries.MultiSeasonal(week * weeks, trend: trend, noise: noise, seed: 3);
        Assert.Equal(week * weeks, s.Length);

        // Trend: whole weeks cancel both seasons, so weekly means rise by trend · 168 per week.
        var weekMeans = Enumerable.Range(0, weeks).Select(w => s.Skip(w * week).Take(week).Average(v => (double)v)).ToArray();
        double slope = (weekMeans[^1] - weekMeans[0]) / ((weeks - 1) * week);
        Assert.InRange(slope, trend - 5e-5, trend + 5e-5);

        // Noise: what is left after the trend and the two default seasons has mean ≈ 0 and standard deviation ≈ noise.
        var residual = s.Select((v, t) => v - (trend * t + Math.Sin(2 * Math.PI * t / 24) + 0.5 * Math.Sin(2 * Math.PI * t / week))).ToArray();
        double mean = residual.Average();
        double sd = Math.Sqrt(residual.Select(r => (r - mean) * (r - mean)).Average());
        Assert.InRange(mean, -0.03, 0.03);
        Assert.InRange(sd, noise - 0.02, noise + 0.02);

        // The same seed gives the same series; another seed another one (only in the noise: without noise they agree).
        Assert.Equal(s, TimeSeries.MultiSeasonal(week * weeks, trend: trend, noise: noise, seed: 3));
        var other = TimeSeries.MultiSeasonal(week * weeks, trend: trend, noise: noise, seed: 4);
        Assert.True(s.Zip(other).Count(p => p.First != p.Second) > week * weeks * 9 / 10);
        Assert.Equal(TimeSeries.MultiSeasonal(200, trend: trend, noise: 0, seed: 3), TimeSeries.MultiSeasonal(200, trend: trend, noise: 0, seed: 4));
    }

    [Fact]
    public void Parity_targets_count_ones()
    {
        using var d = ParityTask.Generate(100, 7, seed: 5);
        Assert.Equal(new long[] { 100, 7, 1 }, d.X.shape);
        var expected = d.X.sum([1, 2]).remainder(2).unsqueeze(1);
        Assert.True(Same(expected, d.Y));
        var mean = d.Y.mean().ToDouble();
        Assert.InRange(mean, 0.3, 0.7);
    }

    [Fact]
    public void Series_and_windows()
    {
        var s = TimeSeries.NoisySine(1000, seed: 1);
        Assert.Equal(1000, s.Length);
        var residual = s.Select((v, t) => v - Math.Sin(0.01 * (t + 1))).ToArray();
        var sd = Math.Sqrt(residual.Select(r => r * r).Average());
        Assert.InRange(sd, 0.18, 0.22);
        Assert.Equal(s, TimeSeries.NoisySine(1000, seed: 1));
        var clean = TimeSeries.NoisySine(10, noise: 0);
        Assert.Equal((float)Math.Sin(0.01 * 3), clean[2], 6);

        var m = TimeSeries.MultiSeasonal(336, periods: [24, 168], amplitudes: [1, 0.5], trend: 0, noise: 0);
        Assert.Equal((float)(Math.Sin(2 * Math.PI * 6 / 24) + 0.5 * Math.Sin(2 * Math.PI * 6 / 168)), m[6], 5);

        using var w = TimeSeries.Window(Enumerable.Range(0, 10).Select(i => (float)i).ToArray(), window: 4, horizon: 2);
        Assert.Equal(new long[] { 5, 4, 1 }, w.X.shape);
        Assert.Equal(new long[] { 5, 2 }, w.Y.shape);
        Assert.Equal(new float[] { 2, 3, 4, 5 }, w.X[2].reshape(-1).data<float>().ToArray());
        Assert.Equal(new float[] { 6, 7 }, w.Y[2].data<float>().ToArray());
        Assert.Throws<ArgumentException>(() => TimeSeries.Window(new float[5], 4, 2));
    }

    [Fact]
    public void K_step_ahead_feeds_predictions_back()
    {
        // A "model" that predicts the last value + 1: k-step predictions from window ending at v are v+1..v+k.
        var series = Enumerable.Range(0, 12).Select(i => (float)(i * 10)).ToArray();
        var preds = TimeSeries.PredictKStepsAhead(x => x[.., -1, ..] + 1, series, window: 3, k: 4);
        Assert.Equal(new long[] { 6, 4 }, preds.shape);
        Assert.Equal(new float[] { 21, 22, 23, 24 }, preds[0].data<float>().ToArray());
        Assert.Equal(new float[] { 71, 72, 73, 74 }, preds[5].data<float>().ToArray());
    }
}

public class SequenceRegressionTests
{
    public SequenceRegressionTests() => RnnToolkit.Native.TorchSharpNative.EnsureLoaded();

    [Fact]
    public void Document_shapes_and_mean_target()
    {
        using var d = SequenceRegression.Generate(seed: 4);
        Assert.Equal(new long[] { 1000, 10, 1 }, d.X.shape);
        Assert.Equal(new long[] { 1000, 1 }, d.Y.shape);
        Assert.True(torch.allclose(d.X.mean([1]), d.Y, 1e-5, 1e-6));
        using var multi = SequenceRegression.Generate(50, 7, 3, seed: 1);
        Assert.True(torch.allclose(multi.X[.., .., 0].mean([1]).unsqueeze(1), multi.Y, 1e-5, 1e-6));
        using var b = SequenceRegression.GenerateBinary(seed: 4);
        Assert.True(b.Y.eq(d.Y.gt(0.5).to_type(ScalarType.Float32)).all().ToBoolean());
        Assert.InRange(b.Y.mean().ToDouble(), 0.4, 0.6);
    }
}

public class TimingTaskTests
{
    public TimingTaskTests() => RnnToolkit.Native.TorchSharpNative.EnsureLoaded();

    [Fact]
    public void One_cue_and_one_target_spike_the_requested_interval_later()
    {
        int[] intervals = [3, 5, 7];
        using var d = TimingTask.Generate(300, steps: 12, intervals: intervals, seed: 9);
        Assert.Equal(new long[] { 300, 12, 2 }, d.X.shape);
        Assert.Equal(new long[] { 300, 12, 1 }, d.Y.shape);
        var x = d.X.data<float>().ToArray();
        var y = d.Y.data<float>().ToArray();
        var seen = new HashSet<int>();
        for (int i = 0; i < 300; i++)
        {
            var cues = Enumerable.Range(0, 12).Where(t => x[(i * 12 + t) * 2] == 1f).ToList();
            var spikes = Enumerable.Range(0, 12).Where(t => y[i * 12 + t] == 1f).ToList();
            Assert.Single(cues);
            Assert.Single(spikes);
            Assert.Equal(12, Enumerable.Range(0, 12).Count(t => y[i * 12 + t] is 0f or 1f));
            int interval = spikes[0] - cues[0];
            Assert.Contains(interval, intervals);
            Assert.Equal(interval / 7f, x[(i * 12 + cues[0]) * 2 + 1], 6);
            Assert.Equal(1, Enumerable.Range(0, 12).Count(t => x[(i * 12 + t) * 2 + 1] != 0f));
            seen.Add(interval);
        }
        Assert.Equal(intervals, seen.Order().ToArray());
        Assert.True(d.X.eq(TimingTask.Generate(300, 12, intervals, seed: 9).X).all().ToBoolean());
        Assert.False(d.X.eq(TimingTask.Generate(300, 12, intervals, seed: 10).X).all().ToBoolean());
        Assert.Throws<ArgumentOutOfRangeException>(() => TimingTask.Generate(10, steps: 7, intervals: intervals));
        Assert.Throws<ArgumentException>(() => TimingTask.Generate(10, steps: 12, intervals: [0, 2]));
    }

    [Fact]
    public void Spike_accuracy_compares_the_argmax_step_with_tolerance()
    {
        using var d = TimingTask.Generate(50, seed: 1);
        Assert.Equal(1.0, TimingTask.SpikeAccuracy(d.Y * 5 - 2, d.Y));
        using var early = d.Y.roll(-1, 1);                   // one step early (no target sits at step 0)
        Assert.Equal(0.0, TimingTask.SpikeAccuracy(early, d.Y));
        Assert.Equal(1.0, TimingTask.SpikeAccuracy(early.squeeze(-1), d.Y, tolerance: 1));
        Assert.Throws<ArgumentException>(() => TimingTask.SpikeAccuracy(d.Y.narrow(1, 0, 5), d.Y));
    }
}

public class MovingSquaresTests
{
    public MovingSquaresTests() => RnnToolkit.Native.TorchSharpNative.EnsureLoaded();

    static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().ToBoolean();

    [Fact]
    public void A_square_moves_one_pixel_per_frame_in_its_direction()
    {
        using var d = MovingSquares.Generate(64, frames: 6, size: 10, noise: 0, seed: 5);
        Assert.Equal(new long[] { 64, 6, 1, 10, 10 }, d.X.shape);
        Assert.Equal(new long[] { 64 }, d.Y.shape);
        Assert.Equal(ScalarType.Int64, d.Y.dtype);
        for (int i = 0; i < 64; i++)
        {
            var (dy, dx) = MovingSquares.Directions[(int)d.Y[i].ToInt64()];
            (long Row, long Col) TopLeft(int t)
            {
                var lit = d.X[i, t, 0].nonzero();                               // without noise: the square's 4 pixels
                Assert.Equal(4, lit.shape[0]);
                return (lit[.., 0].min().ToInt64(), lit[.., 1].min().ToInt64());
            }
            var first = TopLeft(0);
            for (int t = 1; t < 6; t++)
                Assert.Equal((first.Row + dy * t, first.Col + dx * t), TopLeft(t));
        }
        Assert.Equal(8, d.Y.unique().Item1.shape[0]);                          // every direction occurs

        using var noisy = MovingSquares.Generate(400, seed: 1);
        double lit = noisy.X.mean().ToDouble();                                 // 4 square pixels + 2 % of the rest, of 144
        Assert.InRange(lit, 4.0 / 144 + 0.02 * 140 / 144 - 0.003, 4.0 / 144 + 0.02 * 140 / 144 + 0.003);
        Assert.True(Same(noisy.X, MovingSquares.Generate(400, seed: 1).X));
        Assert.False(Same(noisy.X, MovingSquares.Generate(400, seed: 2).X));
        Assert.Throws<ArgumentOutOfRangeException>(() => MovingSquares.Generate(4, frames: 8, size: 8));
    }
}
