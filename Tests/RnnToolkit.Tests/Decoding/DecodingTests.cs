using RnnToolkit.Decoding;
using RnnToolkit.Models;

namespace RnnToolkit.Tests.Decoding;

/// <summary>A toy decoder with known probabilities: tokens eos = 0, a = 1, b = 2, bos = 3; P(next | previous) from a table, end forced after two tokens.</summary>
sealed class ToyDecoder(double[][] table) : IStepDecoder
{
    public const long Eos = 0, A = 1, B = 2, Bos = 3;

    public static DecoderState Start(long rows) => new([torch.zeros(rows, dtype: ScalarType.Int64)]);

    public (Tensor Logits, DecoderState State) Step(Tensor previous, DecoderState state)
    {
        var count = state.Tensors[0]!;
        var prev = previous.data<long>().ToArray();
        var n = count.data<long>().ToArray();
        var logits = new float[prev.Length * 4];
        for (int r = 0; r < prev.Length; r++)
            for (int v = 0; v < 4; v++)
            {
                double p = n[r] >= 2 ? (v == Eos ? 1 : 0) : table[prev[r] == Bos ? 0 : prev[r]][v];
                logits[r * 4 + v] = p == 0 ? float.NegativeInfinity : (float)Math.Log(p);
            }
        return (torch.tensor(logits, prev.Length, 4), new DecoderState([count + 1]));
    }

    /// <summary>Every sequence the toy can produce, with its probability, by enumeration.</summary>
    public IEnumerable<(long[] Tokens, double P)> All()
    {
        double P(long prev, long v) => table[prev == Bos ? 0 : prev][v];
        yield return ([], P(Bos, Eos));
        foreach (long x in new[] { A, B })
        {
            yield return ([x], P(Bos, x) * P(x, Eos));
            foreach (long y in new[] { A, B })
                yield return ([x, y], P(Bos, x) * P(x, y));            // then eos with probability 1
        }
    }
}

public class DecodingTests
{
    // rows: after bos, after a, after b; columns: eos, a, b, bos
    static readonly double[][] Table =
    [
        [0.4, 0.35, 0.25, 0],
        [0.5, 0.2, 0.3, 0],
        [0.1, 0.6, 0.3, 0],
    ];

    [Fact]
    public void Beam_search_n_best_is_exact_on_a_toy_model()
    {
        var toy = new ToyDecoder(Table);
        var expected = toy.All().OrderByDescending(s => s.P).ToList();
        Assert.Equal(1.0, expected.Sum(s => s.P), 10);
        var beams = SequenceDecoding.BeamSearch(toy, ToyDecoder.Start(1), ToyDecoder.Bos, ToyDecoder.Eos, maxLength: 5, beamWidth: 7, nBest: 7)[0];
        Assert.Equal(7, beams.Count);
        for (int i = 0; i < 7; i++)
        {
            Assert.Equal(expected[i].Tokens, beams[i].Tokens);
            Assert.Equal(Math.Log(expected[i].P), beams[i].LogProbability, 5);
            Assert.True(beams[i].Finished);
        }
        // Width 3, 3-best: still exact on this model (the best prefixes are kept).
        var top3 = SequenceDecoding.BeamSearch(toy, ToyDecoder.Start(1), ToyDecoder.Bos, ToyDecoder.Eos, 5, beamWidth: 3, nBest: 3)[0];
        Assert.Equal(expected.Take(3).Select(e => e.Tokens), top3.Select(h => h.Tokens));
    }

    [Fact]
    public void Length_penalty_rescores_by_GNMT_formula()
    {
        var toy = new ToyDecoder(Table);
        var beams = SequenceDecoding.BeamSearch(toy, ToyDecoder.Start(1), ToyDecoder.Bos, ToyDecoder.Eos, 5, beamWidth: 7, nBest: 7, lengthPenalty: 1.0)[0];
        foreach (var h in beams) Assert.Equal(h.LogProbability / ((5.0 + h.Tokens.Length + 1) / 6.0), h.Score, 10);
        Assert.True(beams.Zip(beams.Skip(1)).All(p => p.First.Score >= p.Second.Score));
        // A strong penalty favours long sequences: log 0.15 / (8/6)^10 = −0.107 beats the empty sequence's log 0.4 = −0.916.
        var strong = SequenceDecoding.BeamSearch(toy, ToyDecoder.Start(1), ToyDecoder.Bos, ToyDecoder.Eos, 5, beamWidth: 7, nBest: 1, lengthPenalty: 10)[0];
        Assert.Equal(new[] { ToyDecoder.B, ToyDecoder.A }, strong[0].Tokens);
    }

    [Fact]
    public void Width_one_beam_equals_greedy()
    {
        // The toy: greedy takes eos at once (0.4); a width-1 beam must not prefer anything else.
        var toy = new ToyDecoder(Table);
        var g = SequenceDecoding.Greedy(toy, ToyDecoder.Start(1), ToyDecoder.Bos, ToyDecoder.Eos, 5)[0];
        var b = SequenceDecoding.BeamSearch(toy, ToyDecoder.Start(1), ToyDecoder.Bos, ToyDecoder.Eos, 5, beamWidth: 1)[0][0];
        Assert.Equal(g.Tokens, b.Tokens);
        Assert.Equal(g.LogProbability, b.LogProbability, 6);

        // An untrained Seq2Seq over several sources, both cells and all attentions.
        torch.random.manual_seed(7);
        foreach (var cell in new[] { Seq2SeqCell.Gru, Seq2SeqCell.Lstm })
            foreach (var att in new[] { Seq2SeqAttention.None, Seq2SeqAttention.Bahdanau, Seq2SeqAttention.Luong })
            {
                var model = new Seq2Seq(12, 9, 6, 8, cell, att);
                model.eval();
                var source = torch.randint(1, 12, [4, 6]);
                source[1, TensorIndex.Slice(3, null)] = torch.tensor(0L);        // padding
                var state = model.Encode(source);
                var greedy = SequenceDecoding.Greedy(model, state, 2, 3, 8);
                var beam = SequenceDecoding.BeamSearch(model, state, 2, 3, 8, beamWidth: 1);
                for (int i = 0; i < 4; i++)
                {
                    Assert.Equal(greedy[i].Tokens, beam[i][0].Tokens);
                    Assert.Equal(greedy[i].LogProbability, beam[i][0].LogProbability, 4);
                }
                // A wider beam never finds a less probable best hypothesis than greedy (α = 0).
                var wide = SequenceDecoding.BeamSearch(model, state, 2, 3, 8, beamWidth: 4);
                for (int i = 0; i < 4; i++) Assert.True(wide[i][0].LogProbability >= greedy[i].LogProbability - 1e-5);
            }
    }

    [Fact]
    public void Sampling_respects_top_k_temperature_and_seed()
    {
        var toy = new ToyDecoder(Table);
        var start = ToyDecoder.Start(200);
        var top1 = SequenceDecoding.Sample(toy, start, ToyDecoder.Bos, ToyDecoder.Eos, 5, topK: 1, seed: 1);
        Assert.All(top1, h => Assert.Empty(h.Tokens));                              // top-1 = greedy = eos at once
        var a = SequenceDecoding.Sample(toy, start, ToyDecoder.Bos, ToyDecoder.Eos, 5, temperature: 1.5, seed: 5);
        var b = SequenceDecoding.Sample(toy, start, ToyDecoder.Bos, ToyDecoder.Eos, 5, temperature: 1.5, seed: 5);
        Assert.Equal(a.Select(h => string.Join(",", h.Tokens)), b.Select(h => string.Join(",", h.Tokens)));
        // top-2 after bos: eos or a, never b first.
        var top2 = SequenceDecoding.Sample(toy, start, ToyDecoder.Bos, ToyDecoder.Eos, 5, topK: 2, seed: 2);
        Assert.All(top2, h => Assert.True(h.Tokens.Length == 0 || h.Tokens[0] == ToyDecoder.A));
        Assert.Contains(top2, h => h.Tokens.Length > 0);
        // A low temperature concentrates on the mode; a high one spreads.
        int Empty(double temperature) => SequenceDecoding.Sample(toy, start, ToyDecoder.Bos, ToyDecoder.Eos, 5, temperature, seed: 3).Count(h => h.Tokens.Length == 0);
        Assert.True(Empty(0.2) > Empty(1.0));
        Assert.True(Empty(1.0) > Empty(5.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => SequenceDecoding.Sample(toy, start, 3, 0, 5, temperature: 0));
    }
}
