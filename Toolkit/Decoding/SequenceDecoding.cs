using TorchSharp;
using static TorchSharp.torch;

namespace RnnToolkit.Decoding;

/// <summary>
/// Decoding of an <see cref="IStepDecoder"/>: greedy, beam search (width, length penalty, end token, n-best with
/// scores) and sampling with temperature and top-k (004 §4's text generation).
/// </summary>
public static class SequenceDecoding
{
    /// <summary>Greedy decoding: the most probable token at every step, until the end token or <paramref name="maxLength"/> tokens.</summary>
    /// <param name="model">The model.</param>
    /// <param name="state">The initial state of B rows (e.g. after encoding B sources).</param>
    /// <param name="startToken">The first input token (BOS).</param>
    /// <param name="endToken">The token that ends a sequence (EOS).</param>
    /// <param name="maxLength">Most tokens generated per sequence (the end token included).</param>
    public static Hypothesis[] Greedy(IStepDecoder model, DecoderState state, long startToken, long endToken, int maxLength)
        => Generate(model, state, startToken, endToken, maxLength, logp => logp.argmax(-1));

    /// <summary>Sampling: each token drawn from softmax(logits / temperature), restricted to the k most probable when topK &gt; 0.</summary>
    /// <param name="model">The model.</param>
    /// <param name="state">The initial state of B rows.</param>
    /// <param name="startToken">BOS.</param>
    /// <param name="endToken">EOS.</param>
    /// <param name="maxLength">Most tokens generated per sequence.</param>
    /// <param name="temperature">&gt; 0; below 1 sharpens, above 1 flattens the distribution.</param>
    /// <param name="topK">Sample among the k most probable tokens only; 0 for all.</param>
    /// <param name="seed">Seed of the sampler, for reproducible text.</param>
    public static Hypothesis[] Sample(IStepDecoder model, DecoderState state, long startToken, long endToken, int maxLength, double temperature = 1.0, int topK = 0, long seed = 0)
    {
        if (temperature <= 0) throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "Expected temperature > 0.");
        if (topK < 0) throw new ArgumentOutOfRangeException(nameof(topK), topK, "Expected topK ≥ 0 (0 = all tokens).");
        var generator = new torch.Generator((ulong)seed);
        return Generate(model, state, startToken, endToken, maxLength, logp =>
        {
            var scaled = logp / temperature;
            if (topK > 0 && topK < scaled.shape[1])
            {
                var kth = scaled.topk(topK, -1).values.narrow(1, topK - 1, 1);
                scaled = scaled.masked_fill(scaled < kth, double.NegativeInfinity);
            }
            return torch.multinomial(scaled.softmax(-1), 1, false, generator).squeeze(1);
        });
    }

    static Hypothesis[] Generate(IStepDecoder model, DecoderState state, long startToken, long endToken, int maxLength, Func<Tensor, Tensor> choose)
    {
        if (maxLength <= 0) throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength, "Expected maxLength > 0.");
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        long B = state.Tensors.First(t => t is not null)!.shape[0];
        var tokens = Enumerable.Range(0, (int)B).Select(_ => new List<long>()).ToArray();
        var logProb = new double[B];
        var done = new bool[B];
        var previous = full(B, startToken, dtype: ScalarType.Int64);
        for (int t = 0; t < maxLength && !done.All(d => d); t++)
        {
            var (logits, next) = model.Step(previous, state);
            var logp = logits.log_softmax(-1);
            var chosen = choose(logp);
            var chosenLogp = logp.gather(1, chosen.unsqueeze(1)).squeeze(1).to(ScalarType.Float64).data<double>().ToArray();
            var ids = chosen.data<long>().ToArray();
            for (int b = 0; b < B; b++)
            {
                if (done[b]) continue;
                logProb[b] += chosenLogp[b];
                if (ids[b] == endToken) done[b] = true;
                else tokens[b].Add(ids[b]);
            }
            previous = chosen;
            state = next;
        }
        return Enumerable.Range(0, (int)B).Select(b => new Hypothesis(tokens[b].ToArray(), logProb[b], logProb[b], done[b])).ToArray();
    }

    /// <summary>
    /// Beam search for every row of <paramref name="state"/>: at each length keeps the <paramref name="beamWidth"/> best
    /// unfinished prefixes; among the 2·width best extensions, an end token ranked within the first width finishes a
    /// hypothesis. Stops when <paramref name="nBest"/> hypotheses are finished and (without length penalty) no unfinished
    /// one can beat them, or at <paramref name="maxLength"/> (unfinished prefixes then join the pool). With width 1 it
    /// returns exactly the greedy sequence; with a width at least the number of prefixes it is exhaustive.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="state">The initial state of B rows; each row is searched separately.</param>
    /// <param name="startToken">BOS.</param>
    /// <param name="endToken">EOS.</param>
    /// <param name="maxLength">Most tokens per hypothesis (the end token included).</param>
    /// <param name="beamWidth">k, hypotheses kept per step.</param>
    /// <param name="nBest">How many hypotheses to return per row (≤ k), best first.</param>
    /// <param name="lengthPenalty">α of the GNMT length penalty ((5 + L) / 6)^α; 0 ranks by log-probability.</param>
    public static List<Hypothesis>[] BeamSearch(IStepDecoder model, DecoderState state, long startToken, long endToken, int maxLength, int beamWidth = 4, int nBest = 1, double lengthPenalty = 0)
    {
        if (beamWidth <= 0) throw new ArgumentOutOfRangeException(nameof(beamWidth), beamWidth, "Expected beamWidth > 0.");
        if (nBest <= 0 || nBest > beamWidth) throw new ArgumentOutOfRangeException(nameof(nBest), nBest, $"Expected nBest in [1, beamWidth = {beamWidth}].");
        if (maxLength <= 0) throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength, "Expected maxLength > 0.");
        long B = state.Tensors.First(t => t is not null)!.shape[0];
        var results = new List<Hypothesis>[B];
        for (long b = 0; b < B; b++)
        {
            using var scope = NewDisposeScope();
            results[b] = Beam(model, state.Select(b), startToken, endToken, maxLength, beamWidth, nBest, lengthPenalty);
        }
        return results;
    }

    static double Penalized(double logp, int length, double alpha) => alpha == 0 ? logp : logp / Math.Pow((5.0 + length) / 6.0, alpha);

    static List<Hypothesis> Beam(IStepDecoder model, DecoderState state, long startToken, long endToken, int maxLength, int k, int nBest, double alpha)
    {
        using var _ = no_grad();
        var alive = new List<(long[] Tokens, double LogP)> { ([], 0.0) };
        var finished = new List<Hypothesis>();
        for (int t = 0; t < maxLength && alive.Count > 0; t++)
        {
            using var stepScope = NewDisposeScope();
            var previous = tensor(alive.Select(a => a.Tokens.Length == 0 ? startToken : a.Tokens[^1]).ToArray());
            var (logits, next) = model.Step(previous, state);
            var logp = logits.log_softmax(-1).to(ScalarType.Float64);
            long V = logp.shape[1];
            var total = logp + tensor(alive.Select(a => a.LogP).ToArray(), dtype: ScalarType.Float64).unsqueeze(1);
            int take = (int)Math.Min(2 * k, total.numel());
            var (values, indices) = total.view(-1).topk(take);
            var vs = values.data<double>().ToArray();
            var ix = indices.data<long>().ToArray();
            var newAlive = new List<(long[] Tokens, double LogP)>();
            var rows = new List<long>();
            for (int r = 0; r < take && newAlive.Count < k; r++)
            {
                if (double.IsNegativeInfinity(vs[r])) break;
                long row = ix[r] / V, token = ix[r] % V;
                var prefix = alive[(int)row].Tokens;
                if (token == endToken)
                {
                    if (r < k) finished.Add(new Hypothesis(prefix, vs[r], Penalized(vs[r], prefix.Length + 1, alpha), true));
                }
                else
                {
                    newAlive.Add(([.. prefix, token], vs[r]));
                    rows.Add(row);
                }
            }
            alive = newAlive;
            if (alive.Count == 0) break;
            state = next.Select(rows.ToArray()).MoveToOuter();
            if (alpha == 0 && finished.Count >= nBest)
            {
                double worstKept = finished.Select(h => h.Score).OrderByDescending(s => s).ElementAt(nBest - 1);
                if (alive.Max(a => a.LogP) <= worstKept) { alive.Clear(); break; }
            }
        }
        foreach (var a in alive) finished.Add(new Hypothesis(a.Tokens, a.LogP, Penalized(a.LogP, a.Tokens.Length, alpha), false));
        return finished.OrderByDescending(h => h.Score).Take(nBest).ToList();
    }
}
