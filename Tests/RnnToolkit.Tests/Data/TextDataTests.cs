using System.Globalization;
using RnnToolkit.Data;

namespace RnnToolkit.Tests.Data;

public class TextDataTests
{
    public TextDataTests() => RnnToolkit.Native.TorchSharpNative.EnsureLoaded();

    [Fact]
    public void Tokenizers_split_characters_and_words()
    {
        Assert.Equal(new[] { "H", "i", "!" }, Tokenizer.Characters.Tokenize("Hi!"));
        Assert.Equal(new[] { "the", "movie", ",", "wasn't", "well-made", "." }, Tokenizer.Words.Tokenize("The movie, wasn't  well-made."));
        Assert.Equal("a b", Tokenizer.Words.Join(["a", "b"]));
        Assert.Equal("ab", Tokenizer.Characters.Join(["a", "b"]));
    }

    [Fact]
    public void Vocabulary_has_fixed_specials_and_frequency_order()
    {
        var v = Vocabulary.Build(["b a b", "c b a"], Tokenizer.Words);
        Assert.Equal(new[] { "<pad>", "<unk>", "<bos>", "<eos>", "b", "a", "c" }, v.Tokens);
        Assert.Equal(Vocabulary.Unknown, v["zzz"]);
        Assert.Equal(new long[] { 2, 4, 5, 1, 3 }, v.Encode(["b", "a", "q"], addBos: true, addEos: true));
        Assert.Equal(new[] { "b", "a" }, v.Decode([2, 4, 5, 3, 6]));
        var rare = Vocabulary.Build(["b a b", "c b a"], Tokenizer.Words, minFrequency: 2);
        Assert.Equal(6, rare.Count);

        using var batch = v.EncodeBatch(["b a", "c", "a b c b"], Tokenizer.Words, addEos: true);
        Assert.Equal(new long[] { 3, 5 }, batch.Ids.shape);
        Assert.Equal(new long[] { 3, 2, 5 }, batch.Lengths);
        Assert.Equal(new long[] { 4, 5, 3, 0, 0 }, batch.Ids[0].data<long>().ToArray());
        Assert.Equal(new[] { true, true, true, false, false }, batch.Mask[0].data<bool>().ToArray());
        using var cut = v.EncodeBatch(["a b c b"], Tokenizer.Words, maxLength: 2);
        Assert.Equal(new long[] { 5, 4 }, cut.Ids[0].data<long>().ToArray());
    }

    [Fact]
    public void Date_translation_pairs_are_correct_and_varied()
    {
        var pairs = DateTranslation.Generate(500, seed: 7);
        Assert.Equal(pairs, DateTranslation.Generate(500, seed: 7));
        Assert.All(pairs, p => Assert.Matches(@"^\d{4}-\d{2}-\d{2}$", p.Target));
        Assert.True(pairs.Select(p => p.Source).Distinct().Count() > 450);
        var d = new DateOnly(2021, 3, 3);
        Assert.Equal("3 March 2021", DateTranslation.Format(d, "d MMMM yyyy"));
        Assert.Equal("Wednesday, March 3, 2021", DateTranslation.Format(d, "dddd, MMMM d, yyyy"));
        Assert.Equal("the 3rd of March 2021", DateTranslation.Format(d, "the o of MMMM yyyy"));
        Assert.Equal("March 22nd, 2021", DateTranslation.Format(new DateOnly(2021, 3, 22), "MMMM o, yyyy"));
        Assert.Equal("11th March 2021", DateTranslation.Format(new DateOnly(2021, 3, 11), "o MMMM yyyy"));
        Assert.Equal("3/3/21", DateTranslation.Format(d, "M/d/yy"));
        // Every source parses back to its target when read with its form.
        foreach (var p in pairs.Take(100))
        {
            var target = DateOnly.ParseExact(p.Target, "yyyy-MM-dd", CultureInfo.InvariantCulture);
            Assert.Contains(DateTranslation.Formats, f => string.Equals(DateTranslation.Format(target, f), p.Source, StringComparison.OrdinalIgnoreCase));
        }
        using var t = DateTranslation.ToTensors(pairs);
        Assert.Equal(new long[] { 500, 11 }, t.DecoderInput.shape);
        Assert.Equal(new long[] { 500, 11 }, t.DecoderTarget.shape);
        Assert.True(t.DecoderInput[.., 0].eq(Vocabulary.Bos).all().ToBoolean());
        Assert.True(t.DecoderTarget[.., 10].eq(Vocabulary.Eos).all().ToBoolean());
        Assert.True(t.DecoderInput[.., 1..].eq(t.DecoderTarget[.., ..10]).all().ToBoolean());
        Assert.Equal(pairs[0].Target, string.Concat(t.TargetVocabulary.Decode(t.DecoderTarget[0].data<long>().ToArray())));
        Assert.Equal(pairs[0].Source, string.Concat(t.SourceVocabulary.Decode(t.Source.Ids[0].data<long>().ToArray())));
        Assert.Equal(4 + 10 + 1, t.TargetVocabulary.Count); // specials, digits, '-'
    }

    [Fact]
    public void Sentiment_corpus_is_balanced_and_negation_flips_polarity()
    {
        var corpus = SentimentCorpus.Generate(400, seed: 1);
        Assert.Equal(200, corpus.Count(c => c.Label == 1));
        foreach (var c in corpus)
        {
            var words = Tokenizer.Words.Tokenize(c.Text);
            bool pos = words.Any(w => SentimentCorpus.PositiveWords.Contains(w));
            bool neg = words.Any(w => SentimentCorpus.NegativeWords.Contains(w));
            Assert.True(pos ^ neg);
            bool negated = words.Contains("not");
            Assert.Equal(c.Label == 1, pos != negated);
        }
        Assert.InRange(corpus.Count(c => c.Text.Contains("not ")), 60, 140);
        var vocab = Vocabulary.Build(corpus.Select(c => c.Text), Tokenizer.Words);
        using var data = SentimentCorpus.ToTensors(corpus, vocab, maxLength: 16);
        Assert.Equal(new long[] { 400, 16 }, data.X.shape);
        Assert.Equal(new long[] { 400, 1 }, data.Y.shape);
        Assert.Equal(1f, data.Y[0, 0].ToSingle());
    }

    [Fact]
    public void Text_corpus_and_character_sequences()
    {
        var text = TextCorpus.Generate(50, seed: 2);
        Assert.Equal(text, TextCorpus.Generate(50, seed: 2));
        Assert.Equal(50, text.Count(c => c == '.'));
        Assert.True(char.IsUpper(text[0]));
        Assert.True(TextCorpus.Sample.Length > 1000);

        var vocab = Vocabulary.Build([TextCorpus.Sample], Tokenizer.Characters);
        using var d = TextCorpus.CharacterSequences(TextCorpus.Sample, vocab, steps: 20, stride: 10);
        Assert.Equal(20, d.X.shape[1]);
        Assert.Equal((TextCorpus.Sample.Length - 21) / 10 + 1, d.X.shape[0]);
        Assert.Equal(TextCorpus.Sample[10..30], string.Concat(vocab.Decode(d.X[1].data<long>().ToArray())));
        Assert.Equal(TextCorpus.Sample[11..31], string.Concat(vocab.Decode(d.Y[1].data<long>().ToArray())));
        using var oh = TextCorpus.OneHot(d.X, vocab.Count);
        Assert.Equal(new long[] { d.X.shape[0], 20, vocab.Count }, oh.shape);
    }
}
