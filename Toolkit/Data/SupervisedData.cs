using TorchSharp;
using static TorchSharp.torch;

namespace RnnToolkit.Data;

/// <summary>Inputs and targets, samples first (what <c>Trainer.Fit(x, y)</c> takes). Deconstructs to <c>(x, y)</c>.</summary>
/// <param name="X">Inputs, e.g. (samples, steps, features).</param>
/// <param name="Y">Targets, samples first.</param>
public sealed record SupervisedData(Tensor X, Tensor Y) : IDisposable
{
    /// <summary>The number of samples.</summary>
    public long Count => X.shape[0];

    /// <summary>Splits off the last <paramref name="fraction"/> of the samples (e.g. as a test set).</summary>
    /// <param name="fraction">Fraction for the second part, in (0, 1).</param>
    public (SupervisedData First, SupervisedData Second) Split(double fraction)
    {
        if (fraction is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "The fraction must be in (0, 1).");
        long second = (long)Math.Round(Count * fraction);
        if (second == 0 || second == Count) throw new ArgumentException($"A split of {fraction} of {Count} samples leaves one part empty.", nameof(fraction));
        long first = Count - second;
        return (new SupervisedData(X.narrow(0, 0, first), Y.narrow(0, 0, first)), new SupervisedData(X.narrow(0, first, second), Y.narrow(0, first, second)));
    }

    /// <summary>Disposes both tensors.</summary>
    public void Dispose()
    {
        X.Dispose();
        Y.Dispose();
    }
}

/// <summary>Seeded random draws shared by the generators (System.Random: stable across .NET versions for a seed).</summary>
static class Rng
{
    public static double Normal(Random r)
    {
        double u1 = 1.0 - r.NextDouble(), u2 = r.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    public static T Pick<T>(Random r, IReadOnlyList<T> items) => items[r.Next(items.Count)];
}
