namespace RnnToolkit.Data;

/// <summary>A text with a binary label.</summary>
/// <param name="Text">The text.</param>
/// <param name="Label">1 positive, 0 negative.</param>
public sealed record LabeledText(string Text, int Label);

/// <summary>
/// A synthetic review corpus for a binary sentiment classifier: short reviews built from templates, opinion words of
/// known polarity, intensifiers, neutral filler, and negation ("not good" is negative, "not bad" positive), so that a
/// bag-of-words model is not enough for the negated cases while a recurrent one can learn them. Labels are balanced.
/// </summary>
public static class SentimentCorpus
{
    /// <summary>Positive opinion words.</summary>
    public static readonly IReadOnlyList<string> PositiveWords = ["good", "great", "excellent", "wonderful", "enjoyable", "brilliant", "charming", "delightful", "superb", "fun"];

    /// <summary>Negative opinion words.</summary>
    public static readonly IReadOnlyList<string> NegativeWords = ["bad", "awful", "boring", "terrible", "dull", "poor", "tedious", "disappointing", "weak", "bland"];

    static readonly string[] Subjects = ["the movie", "this film", "the plot", "the acting", "the story", "the soundtrack", "the ending", "the cast", "the script", "the book"];
    static readonly string[] Intensifiers = ["", "", "very ", "really ", "truly ", "quite ", "so "];
    static readonly string[] Fillers = ["", "", "", "honestly , ", "overall , ", "i think ", "to be fair , ", "in the end , "];
    static readonly string[] Closers = ["", "", " .", " !", " , i would say .", " from start to finish ."];

    /// <summary>Generates <paramref name="count"/> labeled reviews (alternating labels, shuffled order of parts).</summary>
    /// <param name="count">Number of reviews.</param>
    /// <param name="seed">Seed.</param>
    /// <param name="negationRate">Fraction of reviews whose opinion is negated.</param>
    public static IReadOnlyList<LabeledText> Generate(int count, int seed = 0, double negationRate = 0.25)
    {
        if (count <= 0) throw new ArgumentOutOfRangeException(nameof(count), count, "Need at least one review.");
        var r = new Random(seed);
        var list = new List<LabeledText>(count);
        for (int i = 0; i < count; i++)
        {
            int label = i % 2 == 0 ? 1 : 0;
            bool negate = r.NextDouble() < negationRate;
            // The opinion word has the label's polarity unless negated.
            bool positiveWord = (label == 1) != negate;
            var word = Rng.Pick(r, positiveWord ? PositiveWords : NegativeWords);
            var opinion = (negate ? "not " : Rng.Pick(r, Intensifiers)) + word;
            var subject = Rng.Pick(r, Subjects);
            var text = r.Next(3) switch
            {
                0 => $"{Rng.Pick(r, Fillers)}{subject} was {opinion}{Rng.Pick(r, Closers)}",
                1 => $"{Rng.Pick(r, Fillers)}i found {subject} {opinion}{Rng.Pick(r, Closers)}",
                _ => $"{subject} is {opinion}{Rng.Pick(r, Closers)}",
            };
            list.Add(new LabeledText(text.Trim(), label));
        }
        return list;
    }

    /// <summary>
    /// Word ids (N, maxLength) padded with 0 and labels (N, 1) float32, ready for <c>binary_crossentropy</c>.
    /// </summary>
    /// <param name="corpus">The reviews.</param>
    /// <param name="vocabulary">Word vocabulary (build one with <see cref="Vocabulary.Build(IEnumerable{string}, Tokenizer, int)"/> and <see cref="Tokenizer.Words"/>).</param>
    /// <param name="maxLength">Fixed length, or null for the longest.</param>
    public static SupervisedData ToTensors(IReadOnlyList<LabeledText> corpus, Vocabulary vocabulary, int? maxLength = null)
    {
        using var batch = vocabulary.EncodeBatch(corpus.Select(c => c.Text), Tokenizer.Words, maxLength);
        var labels = TorchSharp.torch.tensor(corpus.Select(c => (float)c.Label).ToArray()).reshape(-1, 1);
        return new SupervisedData(batch.Ids.clone(), labels);
    }
}
