using static TorchSharp.torch;

namespace RnnToolkit.Data;

/// <summary>
/// The shapes the documents' Keras snippets use, with a target a model can learn: X (samples, steps, features) drawn
/// uniformly from [0, 1), and Y (samples, 1) the mean of the first feature over the steps, plus optional Gaussian
/// noise. With the defaults this is the documents' <c>(1000, 10, 1)</c> input and <c>(1000, 1)</c> target.
/// </summary>
public static class SequenceRegression
{
    /// <summary>Generates samples: X (samples, steps, features) float32, Y (samples, 1) float32.</summary>
    /// <param name="samples">Number of sequences.</param>
    /// <param name="steps">Steps per sequence.</param>
    /// <param name="features">Features per step.</param>
    /// <param name="noise">Standard deviation of noise added to the target.</param>
    /// <param name="seed">Seed.</param>
    public static SupervisedData Generate(int samples = 1000, int steps = 10, int features = 1, double noise = 0, int seed = 0)
    {
        if (samples <= 0) throw new ArgumentOutOfRangeException(nameof(samples), samples, "Need at least one sample.");
        if (steps <= 0) throw new ArgumentOutOfRangeException(nameof(steps), steps, "Need at least one step.");
        if (features <= 0) throw new ArgumentOutOfRangeException(nameof(features), features, "Need at least one feature.");
        var r = new Random(seed);
        var x = new float[samples * steps * features];
        var y = new float[samples];
        for (int i = 0; i < samples; i++)
        {
            double sum = 0;
            for (int t = 0; t < steps; t++)
                for (int f = 0; f < features; f++)
                {
                    var v = (float)r.NextDouble();
                    x[(i * steps + t) * features + f] = v;
                    if (f == 0) sum += v;
                }
            y[i] = (float)(sum / steps + noise * Rng.Normal(r));
        }
        return new SupervisedData(tensor(x).reshape(samples, steps, features), tensor(y).reshape(samples, 1));
    }

    /// <summary>
    /// The binary-classification counterpart: the same inputs, and Y (samples, 1) = 1 when the mean of the first
    /// feature exceeds 0.5 (about half the samples), else 0 — for <c>binary_crossentropy</c> with a sigmoid output.
    /// </summary>
    /// <param name="samples">Number of sequences.</param>
    /// <param name="steps">Steps per sequence.</param>
    /// <param name="features">Features per step.</param>
    /// <param name="seed">Seed.</param>
    public static SupervisedData GenerateBinary(int samples = 1000, int steps = 10, int features = 1, int seed = 0)
    {
        var d = Generate(samples, steps, features, 0, seed);
        using var y = d.Y;
        return new SupervisedData(d.X, y.gt(0.5).to_type(ScalarType.Float32));
    }
}
