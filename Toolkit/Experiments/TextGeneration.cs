using RnnToolkit.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace RnnToolkit.Experiments;

/// <summary>
/// Samples text from a character-level language model: a module mapping a batch of character sequences — ids
/// (1, T) or one-hot (1, T, V) — to next-character logits (1, T, V). Each new character is drawn from the softmax of
/// the last step's logits divided by the temperature (0 means greedy), and appended to the context.
/// </summary>
public static class TextGeneration
{
    /// <summary>Continues <paramref name="prompt"/> by <paramref name="length"/> characters.</summary>
    /// <param name="model">The language model (run in eval mode without gradients).</param>
    /// <param name="vocabulary">Its character vocabulary.</param>
    /// <param name="prompt">The start (at least one character; unknown characters map to &lt;unk&gt;).</param>
    /// <param name="length">Characters to generate.</param>
    /// <param name="temperature">Sampling temperature; 0 picks the most likely character.</param>
    /// <param name="seed">Seed of the sampling.</param>
    /// <param name="oneHotInputs">Feed one-hot (1, T, V) floats (for recurrent layers without an embedding) rather than ids (1, T).</param>
    /// <param name="window">Feed only the last <paramref name="window"/> characters (the training sequence length), or all.</param>
    public static string Sample(nn.Module<Tensor, Tensor> model, Vocabulary vocabulary, string prompt, int length, double temperature = 1.0,
        int seed = 0, bool oneHotInputs = true, int? window = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(vocabulary);
        if (string.IsNullOrEmpty(prompt)) throw new ArgumentException("The prompt needs at least one character.", nameof(prompt));
        if (length < 0) throw new ArgumentOutOfRangeException(nameof(length), length, "The length must be non-negative.");
        if (temperature < 0) throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "The temperature must be non-negative.");
        var ids = vocabulary.Encode(Tokenizer.Characters.Tokenize(prompt)).ToList();
        var rng = new Random(seed);
        var text = new System.Text.StringBuilder(prompt);
        bool wasTraining = model.training;
        model.eval();
        try
        {
            for (int i = 0; i < length; i++)
            {
                using var scope = NewDisposeScope();
                using var _ = no_grad();
                var context = window is int w && ids.Count > w ? ids.GetRange(ids.Count - w, w) : ids;
                var input = tensor(context.ToArray()).unsqueeze(0);
                if (oneHotInputs) input = nn.functional.one_hot(input, vocabulary.Count).to_type(ScalarType.Float32);
                var logits = model.call(input);
                if (logits.shape.Length != 3 || logits.shape[2] != vocabulary.Count)
                    throw new ArgumentException($"The model must return logits (1, steps, {vocabulary.Count}); it returned {Training.Shapes.Format(logits)}.", nameof(model));
                var last = logits[0, -1].to_type(ScalarType.Float64);
                long next;
                if (temperature == 0) next = last.argmax().ToInt64();
                else
                {
                    var p = nn.functional.softmax(last / temperature, 0).data<double>().ToArray();
                    double u = rng.NextDouble(), acc = 0;
                    next = p.Length - 1;
                    for (int k = 0; k < p.Length; k++)
                    {
                        acc += p[k];
                        if (u < acc) { next = k; break; }
                    }
                }
                ids.Add(next);
                var token = vocabulary.Token(next);
                text.Append(next < Vocabulary.Specials.Count ? "" : token);
            }
        }
        finally
        {
            model.train(wasTraining);
        }
        return text.ToString();
    }
}
