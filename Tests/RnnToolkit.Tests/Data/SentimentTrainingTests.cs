using RnnToolkit.Data;
using RnnToolkit.Tests.Training;
using RnnToolkit.Training;

namespace RnnToolkit.Tests.Data;

public class SentimentTrainingTests
{
    public SentimentTrainingTests() => RnnToolkit.Native.TorchSharpNative.EnsureLoaded();

    [Fact]
    public void An_LSTM_classifier_learns_the_corpus_including_negations()
    {
        var corpus = SentimentCorpus.Generate(1200, seed: 3);
        var vocab = Vocabulary.Build(corpus.Select(c => c.Text), Tokenizer.Words);
        using var data = SentimentCorpus.ToTensors(corpus, vocab, maxLength: 14);
        var (train, test) = data.Split(0.25);
        torch.random.manual_seed(0);
        var model = new TextClassifier(vocab.Count, 24);
        var trainer = model.Compile(Losses.BinaryCrossEntropy(), Optimizers.Adam(0.01), Metrics.BinaryAccuracy());
        var h = trainer.Fit(train.X, train.Y, new FitOptions { Epochs = 12, BatchSize = 32, ValidationData = (test.X, test.Y), Verbose = 0, Seed = 0, Callbacks = [new EarlyStopping("val_binary_accuracy", patience: 12, baseline: 0.97)] });
        Assert.True(h["val_binary_accuracy"].Max() > 0.9, string.Join(", ", h["val_binary_accuracy"]));
        // Negated reviews of the test part are classified well too (not just by their opinion word).
        var negated = Enumerable.Range(900, 300).Where(i => corpus[i].Text.Contains("not ")).ToArray();
        using var idx = torch.tensor(negated.Select(i => (long)(i - 900)).ToArray());
        var acc = Metrics.BinaryAccuracy().Compute(trainer.Predict(test.X.index_select(0, idx)), test.Y.index_select(0, idx));
        Assert.True(acc > 0.8, $"accuracy on {negated.Length} negated reviews: {acc}");
    }
}
