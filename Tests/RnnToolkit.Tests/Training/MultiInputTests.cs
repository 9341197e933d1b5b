using RnnToolkit.Data;
using RnnToolkit.Training;

namespace RnnToolkit.Tests.Training;

public class MultiInputTests
{
    public MultiInputTests() => RnnToolkit.Native.TorchSharpNative.EnsureLoaded();

    [Fact]
    public void Seq2Seq_with_teacher_forcing_trains_on_dates_with_masked_loss_and_BLEU()
    {
        var pairs = DateTranslation.Generate(600, seed: 1);
        using var data = DateTranslation.ToTensors(pairs);
        torch.random.manual_seed(0);
        var model = new TinySeq2Seq(data.SourceVocabulary.Count, data.TargetVocabulary.Count, 32);
        var trainer = model.Compile(Losses.MaskedSequenceCrossEntropy(), Optimizers.Adam(0.01),
            Metrics.Accuracy(ignoreIndex: Vocabulary.Pad), Metrics.Bleu(maxOrder: 2));
        Assert.Equal(2, trainer.InputCount);
        var h = trainer.Fit([data.Source.Ids, data.DecoderInput], data.DecoderTarget, new FitOptions { Epochs = 4, BatchSize = 32, ValidationSplit = 0.2, Verbose = 0, Seed = 1 });
        Assert.Equal(4, h.Count);
        Assert.True(h["loss"][^1] < 0.6 * h["loss"][0], string.Join(", ", h["loss"]));
        Assert.True(h["val_accuracy"][^1] > h["val_accuracy"][0]);
        // BLEU follows what was learned: it rises with the accuracy, from a model that gets few tokens right.
        Assert.True(h["val_bleu"][^1] > h["val_bleu"][0] && h["val_bleu"][^1] > 0.1, string.Join(", ", h["val_bleu"]));
        Assert.InRange(h["val_bleu"][^1], 0.0, 1.0);
        var pred = trainer.Predict([data.Source.Ids.narrow(0, 0, 5), data.DecoderInput.narrow(0, 0, 5)]);
        Assert.Equal(new long[] { 5, 11, data.TargetVocabulary.Count }, pred.shape);

        var e = Assert.Throws<ArgumentException>(() => trainer.Fit(data.Source.Ids, data.DecoderTarget, new FitOptions { Verbose = 0 }));
        Assert.Contains("takes 2 input tensors", e.Message);
        e = Assert.Throws<ArgumentException>(() => trainer.Fit([data.Source.Ids, data.DecoderInput.narrow(0, 0, 10)], data.DecoderTarget, new FitOptions { Verbose = 0 }));
        Assert.Contains("x[1]", e.Message);
    }
}
