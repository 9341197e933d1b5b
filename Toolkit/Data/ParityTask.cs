using static TorchSharp.torch;

namespace RnnToolkit.Data;

/// <summary>
/// The parity task: a sequence of random bits; the target is 1 when the number of ones is odd. Every bit matters, so the
/// model must keep one bit of state over the whole sequence (a classic failure case for plain RNNs at large lengths).
/// </summary>
public static class ParityTask
{
    /// <summary>Generates samples: X (samples, length, 1) float32 of 0/1, Y (samples, 1) float32 of 0/1.</summary>
    /// <param name="samples">Number of sequences.</param>
    /// <param name="length">Bits per sequence.</param>
    /// <param name="seed">Seed.</param>
    public static SupervisedData Generate(int samples, int length, int seed = 0)
    {
        if (samples <= 0) throw new ArgumentOutOfRangeException(nameof(samples), samples, "Need at least one sample.");
        if (length < 1) throw new ArgumentOutOfRangeException(nameof(length), length, "The length must be at least 1.");
        var r = new Random(seed);
        var x = new float[samples * length];
        var y = new float[samples];
        for (int i = 0; i < samples; i++)
        {
            int ones = 0;
            for (int t = 0; t < length; t++)
            {
                int b = r.Next(2);
                x[i * length + t] = b;
                ones += b;
            }
            y[i] = ones % 2;
        }
        return new SupervisedData(tensor(x).reshape(samples, length, 1), tensor(y).reshape(samples, 1));
    }
}
