using static TorchSharp.torch;

namespace RnnToolkit.Data;

/// <summary>
/// A long-range recall task whose dependency distance is set exactly: every step holds a random symbol (distractors
/// everywhere), one step is marked, and the target, read at the last step, is the marked symbol. The marked step lies
/// <c>distance</c> steps before the last one (after <c>lead</c> − 1 distractors), so a model must carry one symbol
/// across <c>distance</c> steps of distractors. X (samples, lead + distance, alphabet + 1) float32: the one-hot symbol
/// (channels 0 … alphabet − 1) and the marker (channel alphabet, 1 at the marked step only); Y (samples) int64, the
/// marked symbol in [0, alphabet). Guessing scores <see cref="ChanceAccuracy"/>.
/// </summary>
public static class MarkedRecall
{
    /// <summary>Generates samples (see the class summary).</summary>
    /// <param name="samples">Number of sequences (at least 1).</param>
    /// <param name="distance">Steps from the marked step to the last step (at least 1).</param>
    /// <param name="alphabet">Number of distinct symbols (at least 2).</param>
    /// <param name="lead">Steps up to and including the marked one (at least 1); the sequence has lead + distance steps.</param>
    /// <param name="seed">Seed: equal seeds give equal data.</param>
    public static SupervisedData Generate(int samples, int distance, int alphabet = 8, int lead = 4, int seed = 0)
    {
        if (samples < 1) throw new ArgumentOutOfRangeException(nameof(samples), samples, $"MarkedRecall: expected at least 1 sample; got {samples}.");
        if (distance < 1) throw new ArgumentOutOfRangeException(nameof(distance), distance, $"MarkedRecall: expected a distance of at least 1 step; got {distance}.");
        if (alphabet < 2) throw new ArgumentOutOfRangeException(nameof(alphabet), alphabet, $"MarkedRecall: expected an alphabet of at least 2 symbols; got {alphabet}.");
        if (lead < 1) throw new ArgumentOutOfRangeException(nameof(lead), lead, $"MarkedRecall: expected a lead of at least 1 step (the marked step); got {lead}.");
        int steps = lead + distance, channels = alphabet + 1, marked = lead - 1;
        var r = new Random(seed);
        var x = new float[(long)samples * steps * channels];
        var y = new long[samples];
        for (int i = 0; i < samples; i++)
        {
            for (int t = 0; t < steps; t++)
            {
                int symbol = r.Next(alphabet);
                x[((long)i * steps + t) * channels + symbol] = 1;
                if (t == marked) y[i] = symbol;
            }
            x[((long)i * steps + marked) * channels + alphabet] = 1;
        }
        return new SupervisedData(tensor(x).reshape(samples, steps, channels), tensor(y));
    }

    /// <summary>The accuracy of guessing: 1 / alphabet.</summary>
    /// <param name="alphabet">Number of distinct symbols.</param>
    public static double ChanceAccuracy(int alphabet) => alphabet >= 2 ? 1.0 / alphabet
        : throw new ArgumentOutOfRangeException(nameof(alphabet), alphabet, $"MarkedRecall: expected an alphabet of at least 2 symbols; got {alphabet}.");
}
