using TorchSharp;
using static TorchSharp.torch;

namespace RnnToolkit.Data;

/// <summary>
/// A precise-timing task in the spirit of Gers, Schraudolph and Schmidhuber (2002), "Learning precise timing with LSTM
/// recurrent networks" (their "generating timed spikes"): each sequence has two input channels, a cue spike on channel 0
/// at a random step t₀ and, on the same step only, the requested interval on channel 1 (as
/// <c>interval / max(intervals)</c>); the target is a single spike at step t₀ + interval and 0 at every other step.
/// Nothing in the input marks the answer's step, so a model must count steps since the cue. X (samples, steps, 2)
/// float32; Y (samples, steps, 1) float32 in {0, 1}. Score with <see cref="SpikeAccuracy"/>.
/// </summary>
public static class TimingTask
{
    /// <summary>The default intervals: 8, 12 and 16 steps.</summary>
    public static IReadOnlyList<int> DefaultIntervals { get; } = [8, 12, 16];

    /// <summary>Generates samples (see the class summary).</summary>
    /// <param name="samples">Number of sequences.</param>
    /// <param name="steps">Steps per sequence; must exceed the longest interval.</param>
    /// <param name="intervals">The intervals to draw from (each at least 1), <see cref="DefaultIntervals"/> by default.</param>
    /// <param name="seed">Seed: equal seeds give equal data.</param>
    public static SupervisedData Generate(int samples, int steps = 30, IReadOnlyList<int>? intervals = null, int seed = 0)
    {
        intervals ??= DefaultIntervals;
        if (samples <= 0) throw new ArgumentOutOfRangeException(nameof(samples), samples, "Need at least one sample.");
        if (intervals.Count == 0 || intervals.Any(i => i < 1)) throw new ArgumentException("Need at least one interval, each at least 1 step.", nameof(intervals));
        int longest = intervals.Max();
        if (steps <= longest) throw new ArgumentOutOfRangeException(nameof(steps), steps, $"The sequence must be longer than the longest interval ({longest}).");
        var r = new Random(seed);
        var x = new float[samples * steps * 2];
        var y = new float[samples * steps];
        for (int i = 0; i < samples; i++)
        {
            int interval = Rng.Pick(r, intervals);
            int cue = r.Next(steps - longest);
            x[(i * steps + cue) * 2] = 1;
            x[(i * steps + cue) * 2 + 1] = (float)interval / longest;
            y[i * steps + cue + interval] = 1;
        }
        return new SupervisedData(tensor(x).reshape(samples, steps, 2), tensor(y).reshape(samples, steps, 1));
    }

    /// <summary>
    /// The fraction of sequences whose strongest output step (the argmax over time) is within
    /// <paramref name="tolerance"/> steps of the target spike. Chance is about (2·tolerance + 1) / steps.
    /// </summary>
    /// <param name="output">Model outputs (samples, steps, 1) or (samples, steps): logits or probabilities.</param>
    /// <param name="target">The targets <see cref="Generate"/> made, (samples, steps, 1) or (samples, steps).</param>
    /// <param name="tolerance">Steps of error allowed (0: exact timing).</param>
    public static double SpikeAccuracy(Tensor output, Tensor target, int tolerance = 0)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(target);
        if (tolerance < 0) throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, "The tolerance must be non-negative.");
        using var scope = NewDisposeScope();
        var o = output.dim() == 3 ? output.squeeze(-1) : output;
        var t = target.dim() == 3 ? target.squeeze(-1) : target;
        if (!o.shape.SequenceEqual(t.shape)) throw new ArgumentException($"Output [{string.Join(", ", output.shape)}] and target [{string.Join(", ", target.shape)}] differ.", nameof(output));
        var error = (o.argmax(1) - t.argmax(1)).abs();
        return error.le(tolerance).to_type(ScalarType.Float32).mean().ToDouble();
    }
}
