using RnnToolkit.Data;
using RnnToolkit.Decoding;
using RnnToolkit.Models;
using RnnToolkit.Tests.Support;
using RnnToolkit.Training;

namespace RnnToolkit.Tests.Models;

public class Seq2SeqTests
{
    [Fact]
    public void Bahdanau_GRU_learns_date_translation_with_masked_loss_and_decodes()
    {
        var pairs = DateTranslation.Generate(1200, seed: 3);
        using var data = DateTranslation.ToTensors(pairs);
        torch.random.manual_seed(0);
        var model = new Seq2Seq(data.SourceVocabulary.Count, data.TargetVocabulary.Count, 16, 48, Seq2SeqCell.Gru, Seq2SeqAttention.Bahdanau);
        var trainer = model.Compile(Losses.MaskedSequenceCrossEntropy(), Optimizers.Adam(0.01), Metrics.Accuracy(ignoreIndex: Vocabulary.Pad));
        var h = trainer.Fit([data.Source.Ids, data.DecoderInput], data.DecoderTarget, new FitOptions { Epochs = 6, BatchSize = 64, ValidationSplit = 0.15, Verbose = 0, Seed = 1 });
        Assert.True(h["loss"][^1] < 0.25 * h["loss"][0], string.Join(", ", h["loss"]));

        // Greedy decoding of held-out dates: corpus BLEU-4 (characters) and the attention weights' shape.
        model.eval();
        var test = DateTranslation.Generate(40, seed: 99);
        using var testData = DateTranslation.ToTensors(test, data.SourceVocabulary, data.TargetVocabulary);
        var decoded = SequenceDecoding.Greedy(model, model.Encode(testData.Source.Ids), Vocabulary.Bos, Vocabulary.Eos, 12);
        var candidates = decoded.Select(d => (IReadOnlyList<string>)d.Tokens.Select(data.TargetVocabulary.Token).ToList()).ToList();
        var references = test.Select(p => (IReadOnlyList<string>)p.Target.Select(ch => ch.ToString()).ToList()).ToList();
        double bleu = Bleu.Corpus(candidates, references);
        Assert.True(bleu > 0.5, $"BLEU {bleu:F3}; e.g. {string.Concat(candidates[0])} for {test[0].Target}");
        // Beam search, 3 best of width 4: each hypothesis's log-probability recomputed independently by teacher forcing
        // (one forward pass of the whole decoder input), the n-best ordered by that recomputed value, distinct, and the
        // best at least as probable as greedy's sequence.
        var beams = SequenceDecoding.BeamSearch(model, model.Encode(testData.Source.Ids.narrow(0, 0, 3)), Vocabulary.Bos, Vocabulary.Eos, 12, beamWidth: 4, nBest: 3);
        for (int b = 0; b < 3; b++)
        {
            var source = testData.Source.Ids.narrow(0, b, 1);
            var rescored = beams[b].Select(hyp => TeacherForcedLogProbability(model, source, hyp)).ToList();
            for (int i = 0; i < beams[b].Count; i++)
                Assert.Equal(rescored[i], beams[b][i].LogProbability, tolerance: 1e-3);
            Assert.Equal(3, beams[b].Count);
            Assert.True(rescored.Zip(rescored.Skip(1)).All(p => p.First >= p.Second - 1e-4), $"row {b}: n-best not best first: {string.Join(", ", rescored)}");
            Assert.Equal(3, beams[b].Select(hyp => string.Join(",", hyp.Tokens) + hyp.Finished).Distinct().Count());
            Assert.True(rescored[0] >= TeacherForcedLogProbability(model, source, decoded[b]) - 1e-4, $"row {b}: beam's best below greedy");
        }

        var (_, weights) = model.Run(testData.Source.Ids.narrow(0, 0, 2), testData.DecoderInput.narrow(0, 0, 2));
        Assert.Equal(new[] { 2L, testData.DecoderInput.shape[1], testData.Source.Ids.shape[1] }, weights!.shape);
    }

    /// <summary>log P(tokens, then the end token if finished | source) from one teacher-forced pass of the model.</summary>
    static double TeacherForcedLogProbability(Seq2Seq model, Tensor source, Hypothesis h)
    {
        using var _ = torch.no_grad();
        long[] input = [Vocabulary.Bos, .. h.Tokens];
        long[] target = h.Finished ? [.. h.Tokens, Vocabulary.Eos] : h.Tokens;
        var (logits, _) = model.Run(source, torch.tensor(input).unsqueeze(0));
        var logp = logits[0].log_softmax(-1).to(ScalarType.Float64);
        return target.Select((token, i) => logp[i, token].item<double>()).Sum();
    }

    [Theory]
    [InlineData(Seq2SeqCell.Gru, Seq2SeqAttention.None)]
    [InlineData(Seq2SeqCell.Gru, Seq2SeqAttention.Luong)]
    [InlineData(Seq2SeqCell.Lstm, Seq2SeqAttention.None)]
    [InlineData(Seq2SeqCell.Lstm, Seq2SeqAttention.Bahdanau)]
    [InlineData(Seq2SeqCell.Lstm, Seq2SeqAttention.Luong)]
    public void Every_variant_trains_and_masks_padded_source(Seq2SeqCell cell, Seq2SeqAttention attention)
    {
        var pairs = DateTranslation.Generate(64, seed: 4);
        using var data = DateTranslation.ToTensors(pairs);
        torch.random.manual_seed(1);
        var model = new Seq2Seq(data.SourceVocabulary.Count, data.TargetVocabulary.Count, 8, 16, cell, attention);
        var loss = Losses.MaskedSequenceCrossEntropy();
        var opt = torch.optim.Adam(model.parameters(), 0.02);
        double first = 0, last = 0;
        for (int i = 0; i < 15; i++)
        {
            opt.zero_grad();
            var l = loss.Compute(model.call(data.Source.Ids, data.DecoderInput), data.DecoderTarget);
            l.backward();
            opt.step();
            if (i == 0) first = l.item<float>();
            last = l.item<float>();
        }
        Assert.True(last < 0.8 * first, $"{cell}/{attention}: loss {first} → {last}");
        var (logits, weights) = model.Run(data.Source.Ids, data.DecoderInput);
        Assert.Equal(new[] { 64L, data.DecoderInput.shape[1], data.TargetVocabulary.Count }, logits.shape);
        if (attention == Seq2SeqAttention.None) { Assert.Null(weights); return; }
        var padded = data.Source.Ids.eq(Vocabulary.Pad).unsqueeze(1).expand_as(weights!);
        Assert.True(weights!.masked_select(padded).eq(0).all().item<bool>(), "a padded source step got attention");
    }

    [Fact]
    public void Teacher_forcing_ratio_mixes_own_predictions_only_while_training()
    {
        torch.random.manual_seed(2);
        var model = new Seq2Seq(10, 9, 4, 8, Seq2SeqCell.Gru, Seq2SeqAttention.Luong);
        var source = torch.randint(1, 10, [3, 5]);
        var target = torch.randint(4, 9, [3, 6]);
        model.train();
        var full = model.call(source, target);
        model.TeacherForcingRatio = 0;
        var free = model.call(source, target);
        Assert.False(torch.allclose(full, free), "ratio 0 should feed the model's own predictions");
        TensorAssert.Close(full.narrow(1, 0, 1), free.narrow(1, 0, 1), "the first step always reads the start token");
        // Ratio 0 while training = greedy feeding: the inputs after the first are the previous argmax.
        var own = torch.cat([target.narrow(1, 0, 1), free.argmax(-1).narrow(1, 0, 5)], 1);
        model.TeacherForcingRatio = 1;
        TensorAssert.Close(free, model.call(source, own), "free running = teacher forcing on its own predictions");
        model.TeacherForcingRatio = 0;
        model.eval();
        TensorAssert.Close(full, model.call(source, target), "evaluation always uses the given tokens");
        Assert.Throws<ArgumentOutOfRangeException>(() => model.TeacherForcingRatio = 1.5);
    }

    [Fact]
    public void Bad_input()
    {
        var model = new Seq2Seq(10, 10, 4, 8);
        var e = Assert.Throws<ArgumentException>(() => model.call(torch.ones(2, 5, dtype: ScalarType.Int64), torch.ones(3, 4, dtype: ScalarType.Int64)));
        Assert.Contains("(2, T ≥ 1)", e.Message);
        Assert.Contains("[3, 4]", e.Message);
        e = Assert.Throws<ArgumentException>(() => model.Encode(torch.ones(2, 0, dtype: ScalarType.Int64)));
        Assert.Contains("[2, 0]", e.Message);
    }
}
