using static TorchSharp.torch;

namespace RnnToolkit.Data;

/// <summary>
/// Text for character-level language models: a short text written for this project (<see cref="Sample"/>), a
/// grammar-generated corpus of any size (<see cref="Generate"/>), and their cutting into (input, next-character)
/// sequences.
/// </summary>
public static class TextCorpus
{
    /// <summary>A short original text about recurrent networks (written for RnnToolkit; free to use).</summary>
    public const string Sample =
        "A recurrent network reads a sequence one step at a time. At every step it mixes the new input with a state " +
        "that it carried from the step before, and it writes a new state for the step after. The state is the memory " +
        "of the network. When the sequence is long, the signal from the first steps must pass through many updates " +
        "before it reaches the last, and the gradient that flows back must pass through the same updates in reverse. " +
        "In a plain recurrent network each update multiplies the gradient by a matrix and by the slope of a squashing " +
        "function, so the gradient tends to shrink or to grow at every step. This is the problem of vanishing and " +
        "exploding gradients. The long short-term memory cell answers it with a cell state that is changed by addition " +
        "rather than by multiplication, and with gates that decide what to forget, what to write and what to show. " +
        "The gated recurrent unit keeps the same idea with fewer gates. Attention goes further: instead of squeezing " +
        "the whole input into one state, the decoder looks back at every encoder state and takes a weighted sum of " +
        "them, with weights that it computes afresh at every output step. A small model trained on a small text will " +
        "not write like a person, but it will learn which letters follow which, where spaces go, and how words end. " +
        "Watch the loss fall, sample a few lines, and you will see the memory of the network at work.";

    static readonly string[] Determiners = ["the", "a", "every", "one", "this", "that"];
    static readonly string[] Adjectives = ["small", "quiet", "old", "bright", "slow", "clever", "green", "long", "tired", "happy"];
    static readonly string[] Nouns = ["cat", "river", "model", "teacher", "garden", "network", "child", "machine", "bird", "letter"];
    static readonly string[] Verbs = ["sees", "follows", "remembers", "finds", "watches", "carries", "reads", "forgets", "likes", "builds"];
    static readonly string[] Prepositions = ["near", "under", "behind", "beside", "after", "before"];
    static readonly string[] Adverbs = ["slowly", "often", "quietly", "never", "always", "gladly"];

    /// <summary>
    /// Generates <paramref name="sentences"/> sentences from a small English grammar
    /// (S → NP VP .; NP → Det [Adj] N [PP]; VP → [Adv] V NP; PP → P NP), deterministically from the seed.
    /// </summary>
    /// <param name="sentences">Number of sentences.</param>
    /// <param name="seed">Seed.</param>
    public static string Generate(int sentences, int seed = 0)
    {
        if (sentences <= 0) throw new ArgumentOutOfRangeException(nameof(sentences), sentences, "Need at least one sentence.");
        var r = new Random(seed);
        string Np(int depth)
        {
            var s = Rng.Pick(r, Determiners) + " " + (r.Next(2) == 0 ? Rng.Pick(r, Adjectives) + " " : "") + Rng.Pick(r, Nouns);
            if (depth == 0 && r.Next(4) == 0) s += " " + Rng.Pick(r, Prepositions) + " " + Np(depth + 1);
            return s;
        }
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < sentences; i++)
        {
            var s = Np(0) + " " + (r.Next(3) == 0 ? Rng.Pick(r, Adverbs) + " " : "") + Rng.Pick(r, Verbs) + " " + Np(0) + ".";
            if (i > 0) sb.Append(' ');
            sb.Append(char.ToUpperInvariant(s[0])).Append(s, 1, s.Length - 1);
        }
        return sb.ToString();
    }

    /// <summary>
    /// Cuts <paramref name="text"/> into character sequences for next-character prediction: X[i] = ids of
    /// text[i·stride .. i·stride + steps), Y[i] = ids of the same span shifted by one. Shapes (N, steps) int64 each
    /// (use <c>Losses.MaskedSequenceCrossEntropy</c> or sparse cross-entropy on (N, steps, vocabulary) outputs).
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="vocabulary">A character vocabulary (e.g. <c>Vocabulary.Build([text], Tokenizer.Characters)</c>).</param>
    /// <param name="steps">Characters per sequence.</param>
    /// <param name="stride">Offset between consecutive sequences (default: steps, non-overlapping).</param>
    public static SupervisedData CharacterSequences(string text, Vocabulary vocabulary, int steps, int? stride = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(vocabulary);
        if (steps <= 0) throw new ArgumentOutOfRangeException(nameof(steps), steps, "Steps must be positive.");
        int st = stride ?? steps;
        if (st <= 0) throw new ArgumentOutOfRangeException(nameof(stride), st, "The stride must be positive.");
        var ids = vocabulary.Encode(Tokenizer.Characters.Tokenize(text));
        int n = ids.Length - steps - 1 < 0 ? 0 : (ids.Length - steps - 1) / st + 1;
        if (n <= 0) throw new ArgumentException($"A text of {ids.Length} characters is too short for sequences of {steps} steps (needs at least {steps + 1}).", nameof(text));
        var x = new long[n * steps];
        var y = new long[n * steps];
        for (int i = 0; i < n; i++)
        {
            Array.Copy(ids, i * st, x, i * steps, steps);
            Array.Copy(ids, i * st + 1, y, i * steps, steps);
        }
        return new SupervisedData(tensor(x).reshape(n, steps), tensor(y).reshape(n, steps));
    }

    /// <summary>One-hot float32 (N, T, classes) of ids (N, T) — input for recurrent layers without an embedding.</summary>
    /// <param name="ids">Ids, int64.</param>
    /// <param name="classes">The vocabulary size.</param>
    public static Tensor OneHot(Tensor ids, long classes)
    {
        using var oh = TorchSharp.torch.nn.functional.one_hot(ids, classes);
        return oh.to_type(ScalarType.Float32);
    }
}
