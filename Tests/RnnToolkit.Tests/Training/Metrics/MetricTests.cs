using RnnToolkit.Training;

namespace RnnToolkit.Tests.Training;

public class MetricTests
{
    public MetricTests() => RnnToolkit.Native.TorchSharpNative.EnsureLoaded();

    [Fact]
    public void Accuracy_in_its_three_forms()
    {
        var probs = torch.tensor(new float[] { 0.7f, 0.2f, 0.1f, 0.1f, 0.1f, 0.8f, 0.3f, 0.6f, 0.1f }).reshape(3, 3);
        var oneHot = torch.tensor(new float[] { 1, 0, 0, 0, 1, 0, 0, 1, 0 }).reshape(3, 3);
        Assert.Equal(2.0 / 3, Metrics.Accuracy().Compute(probs, oneHot), 9);
        var ids = torch.tensor(new long[] { 0, 1, 1 });
        Assert.Equal(2.0 / 3, Metrics.Accuracy().Compute(probs, ids), 9);
        // Ignoring id 1 leaves only the first sample (correct).
        Assert.Equal(1.0, Metrics.Accuracy(ignoreIndex: 1).Compute(probs, ids), 9);
        var binary = torch.tensor(new float[] { 0.9f, 0.4f, 0.6f, 0.1f }).reshape(4, 1);
        var labels = torch.tensor(new float[] { 1, 1, 0, 0 }).reshape(4, 1);
        Assert.Equal(0.5, Metrics.Accuracy().Compute(binary, labels), 9);
        Assert.Equal(0.5, Metrics.BinaryAccuracy().Compute(binary, labels), 9);
        Assert.Equal(0.75, Metrics.BinaryAccuracy(threshold: 0.3).Compute(binary, labels), 9);
    }

    [Fact]
    public void Metrics_accumulate_over_batches()
    {
        var m = Metrics.MeanAbsoluteError();
        m.Reset();
        m.Update(torch.tensor(new float[] { 1, 2 }).reshape(2, 1), torch.tensor(new float[] { 0, 0 }).reshape(2, 1));
        m.Update(torch.tensor(new float[] { 3 }).reshape(1, 1), torch.tensor(new float[] { 0 }).reshape(1, 1));
        Assert.Equal(2.0, m.Result(), 9);
        var mse = Metrics.MeanSquaredError();
        Assert.Equal((1 + 4 + 9) / 3.0, mse.Compute(torch.tensor(new float[] { 1, 2, 3 }), torch.zeros(3)), 6);
        m.Reset();
        Assert.True(double.IsNaN(m.Result()));
    }

    [Fact]
    public void Perplexity_of_uniform_predictions_is_the_vocabulary_size()
    {
        var logits = torch.zeros(2, 4, 7);
        var target = torch.tensor(new long[] { 1, 2, 3, 0, 4, 5, 0, 0 }).reshape(2, 4);
        Assert.Equal(7.0, Metrics.Perplexity(padIndex: 0).Compute(logits, target), 6);
        // A confident correct prediction on one token and uniform elsewhere: exp(mean NLL).
        var l2 = torch.zeros(1, 2, 4);
        l2[0, 0, 2] = torch.tensor(100f);
        var t2 = torch.tensor(new long[] { 2, 1 }).reshape(1, 2);
        Assert.Equal(Math.Exp((0 + Math.Log(4)) / 2), Metrics.Perplexity().Compute(l2, t2), 4);
    }

    [Fact]
    public void BLEU_hand_computed_cases()
    {
        Assert.Equal(1.0, Bleu.Sentence("the cat sat on the mat", "the cat sat on the mat"), 9);
        // Candidate "the cat sat on mat" vs "the cat sat on the mat": p1 = 5/5, p2 = 3/4, p3 = 2/3, p4 = 1/2, BP = exp(1 - 6/5).
        var bp = Math.Exp(1 - 6.0 / 5);
        Assert.Equal(bp * Math.Pow(1.0 * 0.75 * (2.0 / 3) * 0.5, 0.25), Bleu.Sentence("the cat sat on mat", "the cat sat on the mat"), 9);
        // Smoothed: (6/6, 4/5, 3/4, 2/3).
        Assert.Equal(bp * Math.Pow(1.0 * 0.8 * 0.75 * (2.0 / 3), 0.25), Bleu.Sentence("the cat sat on mat", "the cat sat on the mat", smooth: true), 9);
        // No matching bigram -> 0 without smoothing.
        Assert.Equal(0.0, Bleu.Sentence("mat on sat cat", "the cat sat on the mat"), 9);
        // Bigram BLEU, clipped counts: "the the the" vs "the cat": p1 = 1/3, p2 = 0/2 -> 0; maxOrder 1 -> 1/3 * BP(=1).
        Assert.Equal(1.0 / 3, Bleu.Sentence("the the the", "the cat", maxOrder: 1), 9);
        // Corpus level pools counts: two sentences, unigram precisions (2/2) and (1/2) -> 3/4; lengths 4 vs 4 -> BP 1.
        var c = new List<IReadOnlyList<string>> { new[] { "a", "b" }, new[] { "c", "x" } };
        var r = new List<IReadOnlyList<string>> { new[] { "a", "b" }, new[] { "c", "d" } };
        Assert.Equal(0.75, Bleu.Corpus(c, r, maxOrder: 1), 9);
        // Bigram corpus: p1 = 3/4, p2 = 1/2 -> sqrt(3/8).
        Assert.Equal(Math.Sqrt(3.0 / 8), Bleu.Corpus(c, r, maxOrder: 2), 9);
        // Closest reference length is used for the brevity penalty: candidate length 2, refs 3 and 6 -> r = 3.
        var multi = new List<IReadOnlyList<IReadOnlyList<string>>> { new IReadOnlyList<string>[] { ["a", "b", "c"], ["a", "b", "c", "d", "e", "f"] } };
        Assert.Equal(Math.Exp(1 - 3.0 / 2), Bleu.Corpus(new List<IReadOnlyList<string>> { new[] { "a", "b" } }, multi, maxOrder: 1), 9);
    }

    [Fact]
    public void BLEU_metric_on_id_tensors_equals_corpus_BLEU_of_the_cleaned_token_lists()
    {
        // pad 0, eos 3. Each row is cut at its first 3 and loses its 0s (also a 0 inside the sequence).
        var pred = torch.tensor(new long[]
        {
            5, 6, 7, 8, 9, 3, 4, 4,     // -> 5 6 7 8 9 (what follows the end is ignored)
            4, 5, 0, 6, 7, 8, 11, 3,    // -> 4 5 6 7 8 11
            9, 8, 7, 6, 5, 4, 3, 0,     // -> 9 8 7 6 5 4
        }).reshape(3, 8);
        var target = torch.tensor(new long[]
        {
            5, 6, 7, 8, 9, 10, 3, 0,    // -> 5 6 7 8 9 10
            4, 5, 6, 7, 8, 12, 3, 0,    // -> 4 5 6 7 8 12
            9, 8, 7, 6, 12, 4, 3, 0,    // -> 9 8 7 6 12 4
        }).reshape(3, 8);
        var candidates = new List<IReadOnlyList<long>> { new long[] { 5, 6, 7, 8, 9 }, new long[] { 4, 5, 6, 7, 8, 11 }, new long[] { 9, 8, 7, 6, 5, 4 } };
        var references = new List<IReadOnlyList<long>> { new long[] { 5, 6, 7, 8, 9, 10 }, new long[] { 4, 5, 6, 7, 8, 12 }, new long[] { 9, 8, 7, 6, 12, 4 } };
        double corpus = Bleu.Corpus(candidates, references);
        // By hand: p1 = 15/17, p2 = 11/14, p3 = 8/11, p4 = 5/8; c = 17, r = 18 -> BP = exp(1 - 18/17).
        double hand = Math.Exp(1 - 18.0 / 17) * Math.Pow(15.0 / 17 * (11.0 / 14) * (8.0 / 11) * (5.0 / 8), 0.25);
        Assert.Equal(hand, corpus, 12);
        Assert.InRange(corpus, 0.1, 0.9);

        var metric = Metrics.Bleu();
        Assert.Equal(corpus, metric.Compute(pred, target), 12);
        // Logits are argmaxed to the same ids.
        Assert.Equal(corpus, Metrics.Bleu().Compute(torch.nn.functional.one_hot(pred, 13).to_type(ScalarType.Float32), target), 12);
        // Over batches the statistics are pooled (corpus BLEU), not averaged per batch.
        metric.Reset();
        metric.Update(pred.narrow(0, 0, 1), target.narrow(0, 0, 1));
        metric.Update(pred.narrow(0, 1, 2), target.narrow(0, 1, 2));
        Assert.Equal(corpus, metric.Result(), 12);
        double perBatchMean = (Bleu.Corpus(candidates.Take(1).ToList(), references.Take(1).ToList()) + Bleu.Corpus(candidates.Skip(1).ToList(), references.Skip(1).ToList())) / 2;
        Assert.NotEqual(perBatchMean, metric.Result(), 6);
    }

    [Fact]
    public void BLEU_metric_decodes_ids_and_cuts_at_end()
    {
        // ids: pad 0, eos 3. Candidate [5 6 7 3 9] -> [5 6 7]; reference [5 6 7 3 0] -> [5 6 7].
        var pred = torch.tensor(new long[] { 5, 6, 7, 3, 9 }).reshape(1, 5);
        var target = torch.tensor(new long[] { 5, 6, 7, 3, 0 }).reshape(1, 5);
        Assert.Equal(1.0, Metrics.Bleu(maxOrder: 3).Compute(pred, target), 9);
        var logits = torch.nn.functional.one_hot(pred, 10).to_type(ScalarType.Float32);
        Assert.Equal(1.0, Metrics.Bleu(maxOrder: 3).Compute(logits, target), 9);
    }
}
