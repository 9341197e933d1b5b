using TorchSharp;
using static TorchSharp.torch;

namespace RnnToolkit.Data;

/// <summary>
/// The copy (delayed-recall) memory task (Hochreiter and Schmidhuber, 1997; Arjovsky et al., 2016): a sequence of
/// <c>symbols</c> random symbols, then <c>delay</c> - 1 blanks, a delimiter, and <c>symbols</c> more blanks; the target
/// is blank everywhere except the last <c>symbols</c> steps, which must reproduce the symbols in order. The distance to
/// remember across is <c>symbols + delay</c>. Ids: 0 blank, 1..alphabet symbols, alphabet + 1 the delimiter.
/// A memoryless model reaches a cross-entropy of <see cref="BaselineCrossEntropy"/>.
/// </summary>
public static class CopyTask
{
    /// <summary>Generates samples. X: one-hot (samples, steps, alphabet + 2) float32, or ids (samples, steps) int64 when
    /// <paramref name="oneHot"/> is false; Y: ids (samples, steps) int64, with steps = 2 symbols + delay.</summary>
    /// <param name="samples">Number of sequences.</param>
    /// <param name="symbols">Symbols to remember.</param>
    /// <param name="delay">Steps between the end of the symbols and the end of the delimiter (at least 1).</param>
    /// <param name="alphabet">Number of distinct symbols.</param>
    /// <param name="seed">Seed.</param>
    /// <param name="oneHot">One-hot inputs (default) or ids.</param>
    public static SupervisedData Generate(int samples, int symbols = 10, int delay = 10, int alphabet = 8, int seed = 0, bool oneHot = true)
    {
        if (samples <= 0) throw new ArgumentOutOfRangeException(nameof(samples), samples, "Need at least one sample.");
        if (symbols <= 0) throw new ArgumentOutOfRangeException(nameof(symbols), symbols, "Need at least one symbol.");
        if (delay < 1) throw new ArgumentOutOfRangeException(nameof(delay), delay, "The delay must be at least 1.");
        if (alphabet < 2) throw new ArgumentOutOfRangeException(nameof(alphabet), alphabet, "The alphabet needs at least 2 symbols.");
        var r = new Random(seed);
        int steps = 2 * symbols + delay;
        var x = new long[samples * steps];
        var y = new long[samples * steps];
        for (int i = 0; i < samples; i++)
        {
            for (int s = 0; s < symbols; s++)
            {
                long v = 1 + r.Next(alphabet);
                x[i * steps + s] = v;
                y[i * steps + symbols + delay + s] = v;
            }
            x[i * steps + symbols + delay - 1] = alphabet + 1;
        }
        var ids = tensor(x).reshape(samples, steps);
        var input = oneHot ? OneHot(ids, alphabet + 2) : ids;
        return new SupervisedData(input, tensor(y).reshape(samples, steps));
    }

    /// <summary>The cross-entropy of the best memoryless strategy: symbols · ln(alphabet) / steps.</summary>
    /// <param name="symbols">Symbols to remember.</param>
    /// <param name="delay">The delay.</param>
    /// <param name="alphabet">Number of distinct symbols.</param>
    public static double BaselineCrossEntropy(int symbols, int delay, int alphabet) => symbols * Math.Log(alphabet) / (2.0 * symbols + delay);

    /// <summary>One-hot encodes ids (int64) into float32 with <paramref name="classes"/> classes (last dimension), disposing the ids.</summary>
    internal static Tensor OneHot(Tensor ids, long classes)
    {
        using (ids)
        using (var oh = nn.functional.one_hot(ids, classes))
            return oh.to_type(ScalarType.Float32);
    }
}
