using RnnToolkit.Data;
using RnnToolkit.Experiments;
using RnnToolkit.Tests.Training;
using RnnToolkit.Training;

namespace RnnToolkit.Tests.Experiments;

public class TextGenerationTests
{
    public TextGenerationTests() => RnnToolkit.Native.TorchSharpNative.EnsureLoaded();

    [Fact]
    public void A_character_model_trained_with_fit_learns_a_repeating_text()
    {
        var text = string.Concat(Enumerable.Repeat("abcd ", 60));
        var vocab = Vocabulary.Build([text], Tokenizer.Characters);
        using var seqs = TextCorpus.CharacterSequences(text, vocab, steps: 10, stride: 3);
        using var x = TextCorpus.OneHot(seqs.X, vocab.Count);
        torch.random.manual_seed(0);
        var model = new CharLstm(vocab.Count, 16);
        var trainer = model.Compile(Losses.SparseCategoricalCrossEntropy(fromLogits: true), Optimizers.Adam(0.03),
            Metrics.Accuracy(), Metrics.Perplexity());
        var h = trainer.Fit(x, seqs.Y, new FitOptions { Epochs = 25, BatchSize = 16, Verbose = 0, Seed = 0 });
        Assert.True(h["accuracy"][^1] > 0.95, string.Join(", ", h["accuracy"]));
        Assert.True(h["perplexity"][^1] < 1.3);
        // Perplexity is exp of the (token-mean) cross-entropy the loss reports.
        Assert.Equal(Math.Exp(trainer.Evaluate(x, seqs.Y, batchSize: 1000)["loss"]), trainer.Evaluate(x, seqs.Y, batchSize: 1000)["perplexity"], 4);

        Assert.Equal("ab" + "cd abcd abcd", TextGeneration.Sample(model, vocab, "ab", 12, temperature: 0));
        var sampled = TextGeneration.Sample(model, vocab, "abcd", 20, temperature: 0.5, seed: 3, window: 10);
        Assert.Equal(24, sampled.Length);
        Assert.Equal(sampled, TextGeneration.Sample(model, vocab, "abcd", 20, temperature: 0.5, seed: 3, window: 10));
    }
}
