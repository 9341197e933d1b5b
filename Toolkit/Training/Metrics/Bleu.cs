namespace RnnToolkit.Training;

/// <summary>
/// BLEU (Papineni et al., 2002): the geometric mean of modified n-gram precisions up to <c>maxOrder</c>, pooled over the
/// corpus, times the brevity penalty <c>min(1, exp(1 - r/c))</c> where <c>c</c> is the candidates' total length and
/// <c>r</c> the sum over sentences of the reference length closest to each candidate (ties: the shorter).
/// Optional smoothing adds one to each precision's numerator and denominator (Lin and Och, 2004), as in TensorFlow's NMT
/// <c>compute_bleu(smooth=True)</c>. Scores are in [0, 1].
/// </summary>
public static class Bleu
{
    /// <summary>Corpus-level BLEU of tokenized candidates, each with one or more tokenized references.</summary>
    /// <param name="candidates">One token list per sentence.</param>
    /// <param name="references">For each candidate, its references.</param>
    /// <param name="maxOrder">Largest n-gram order (4 for BLEU-4).</param>
    /// <param name="smooth">Add-one smoothing of the precisions.</param>
    public static double Corpus<T>(IReadOnlyList<IReadOnlyList<T>> candidates, IReadOnlyList<IReadOnlyList<IReadOnlyList<T>>> references, int maxOrder = 4, bool smooth = false)
        where T : notnull
    {
        if (candidates.Count != references.Count)
            throw new ArgumentException($"BLEU needs one reference set per candidate; got {candidates.Count} candidates and {references.Count} reference sets.", nameof(references));
        var stats = new BleuStatistics(maxOrder);
        for (int i = 0; i < candidates.Count; i++) stats.Add(candidates[i], references[i]);
        return stats.Score(smooth);
    }

    /// <summary>Corpus-level BLEU with one reference per candidate.</summary>
    /// <param name="candidates">One token list per sentence.</param>
    /// <param name="references">One reference token list per candidate.</param>
    /// <param name="maxOrder">Largest n-gram order.</param>
    /// <param name="smooth">Add-one smoothing of the precisions.</param>
    public static double Corpus<T>(IReadOnlyList<IReadOnlyList<T>> candidates, IReadOnlyList<IReadOnlyList<T>> references, int maxOrder = 4, bool smooth = false)
        where T : notnull
        => Corpus(candidates, references.Select(r => (IReadOnlyList<IReadOnlyList<T>>)[r]).ToList(), maxOrder, smooth);

    /// <summary>BLEU of one whitespace-tokenized sentence against one reference.</summary>
    /// <param name="candidate">The candidate sentence.</param>
    /// <param name="reference">The reference sentence.</param>
    /// <param name="maxOrder">Largest n-gram order.</param>
    /// <param name="smooth">Add-one smoothing of the precisions.</param>
    public static double Sentence(string candidate, string reference, int maxOrder = 4, bool smooth = false)
        => Corpus<string>([Split(candidate)], [Split(reference)], maxOrder, smooth);

    static string[] Split(string s) => s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>Sufficient statistics of corpus BLEU (summed over sentences).</summary>
sealed class BleuStatistics(int maxOrder)
{
    readonly long[] matches = new long[maxOrder], possible = new long[maxOrder];
    long candidateLength, referenceLength;

    public int Sentences { get; private set; }

    public void Add<T>(IReadOnlyList<T> candidate, IReadOnlyList<IReadOnlyList<T>> references) where T : notnull
    {
        if (references.Count == 0) throw new ArgumentException("Each candidate needs at least one reference.", nameof(references));
        Sentences++;
        candidateLength += candidate.Count;
        int closest = references[0].Count;
        foreach (var r in references)
        {
            int d = Math.Abs(r.Count - candidate.Count), best = Math.Abs(closest - candidate.Count);
            if (d < best || (d == best && r.Count < closest)) closest = r.Count;
        }
        referenceLength += closest;
        for (int n = 1; n <= maxOrder; n++)
        {
            var cand = Count(candidate, n);
            var maxRef = new Dictionary<string, int>();
            foreach (var r in references)
                foreach (var (g, c) in Count(r, n))
                    maxRef[g] = Math.Max(maxRef.GetValueOrDefault(g), c);
            foreach (var (g, c) in cand) matches[n - 1] += Math.Min(c, maxRef.GetValueOrDefault(g));
            possible[n - 1] += Math.Max(0, candidate.Count - n + 1);
        }
    }

    static Dictionary<string, int> Count<T>(IReadOnlyList<T> tokens, int n) where T : notnull
    {
        var d = new Dictionary<string, int>();
        for (int i = 0; i + n <= tokens.Count; i++)
        {
            var key = string.Join("\u0001", Enumerable.Range(i, n).Select(k => tokens[k].ToString()));
            d[key] = d.GetValueOrDefault(key) + 1;
        }
        return d;
    }

    public double Score(bool smooth)
    {
        if (candidateLength == 0) return 0;
        double logSum = 0;
        for (int i = 0; i < maxOrder; i++)
        {
            double p = smooth ? (matches[i] + 1.0) / (possible[i] + 1.0) : possible[i] == 0 ? 0 : (double)matches[i] / possible[i];
            if (p <= 0) return 0;
            logSum += Math.Log(p) / maxOrder;
        }
        double ratio = (double)candidateLength / referenceLength;
        double bp = ratio >= 1 ? 1 : Math.Exp(1 - 1 / ratio);
        return bp * Math.Exp(logSum);
    }
}
