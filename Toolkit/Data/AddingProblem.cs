using static TorchSharp.torch;

namespace RnnToolkit.Data;

/// <summary>
/// The adding problem (Hochreiter and Schmidhuber, 1997; in the form of Le et al., 2015): each sample is a sequence of
/// <c>length</c> steps with two features, a value drawn uniformly from [0, 1) and a marker that is 1 at exactly two
/// steps (one in each half) and 0 elsewhere; the target is the sum of the two marked values. Always predicting 1 gives
/// an MSE of 1/6 (<see cref="BaselineMse"/>), so a model must carry information across up to <c>length</c> steps to do
/// better.
/// </summary>
public static class AddingProblem
{
    /// <summary>The MSE of the constant prediction 1 (the variance of the sum): 1/6.</summary>
    public const double BaselineMse = 1.0 / 6;

    /// <summary>Generates samples: X (samples, length, 2) float32, Y (samples, 1) float32.</summary>
    /// <param name="samples">Number of sequences.</param>
    /// <param name="length">Steps per sequence (at least 2).</param>
    /// <param name="seed">Seed: equal seeds give equal data.</param>
    public static SupervisedData Generate(int samples, int length, int seed = 0)
    {
        if (samples <= 0) throw new ArgumentOutOfRangeException(nameof(samples), samples, "Need at least one sample.");
        if (length < 2) throw new ArgumentOutOfRangeException(nameof(length), length, "The sequence length must be at least 2.");
        var r = new Random(seed);
        var x = new float[samples * length * 2];
        var y = new float[samples];
        int half = length / 2;
        for (int i = 0; i < samples; i++)
        {
            int a = r.Next(half), b = half + r.Next(length - half);
            for (int t = 0; t < length; t++) x[(i * length + t) * 2] = (float)r.NextDouble();
            x[(i * length + a) * 2 + 1] = 1;
            x[(i * length + b) * 2 + 1] = 1;
            y[i] = x[(i * length + a) * 2] + x[(i * length + b) * 2];
        }
        return new SupervisedData(tensor(x).reshape(samples, length, 2), tensor(y).reshape(samples, 1));
    }
}
