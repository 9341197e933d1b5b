using RnnToolkit.Data;
using RnnToolkit.Decoding;
using RnnToolkit.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace RnnToolkit.Experiments;

/// <summary>
/// Greedy decoding of a teacher-forced Seq2Seq model — (source ids (N, S), decoder input ids (N, T)) → logits
/// (N, T, V), the form <c>Trainer.Fit([source, decoderInput], decoderTarget)</c> trains — by feeding its own
/// argmax back one step at a time (<see cref="SequenceDecoding.Greedy"/> over a <see cref="RerunDecoder"/>: the decoding
/// itself lives in <see cref="RnnToolkit.Decoding"/>), and the evaluation of translations (exact match and BLEU).
/// </summary>
public static class GreedyDecoding
{
    /// <summary>
    /// Decodes <paramref name="source"/>: starts every sequence with <paramref name="bos"/>, appends the argmax of the
    /// last step's logits until every sequence has produced <paramref name="eos"/> or <paramref name="maxLength"/>
    /// tokens. Returns the generated ids (N, ≤ maxLength) without the start token; after a sequence's end token the
    /// remaining positions hold <see cref="Vocabulary.Pad"/>.
    /// </summary>
    /// <param name="model">The Seq2Seq model (run in eval mode without gradients).</param>
    /// <param name="source">Source ids (N, S).</param>
    /// <param name="maxLength">Most tokens to generate.</param>
    /// <param name="bos">Start id.</param>
    /// <param name="eos">End id.</param>
    public static Tensor Decode(nn.Module<Tensor, Tensor, Tensor> model, Tensor source, int maxLength, long bos = Vocabulary.Bos, long eos = Vocabulary.Eos)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(source);
        if (maxLength <= 0) throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength, "Must be positive.");
        bool wasTraining = model.training;
        model.eval();
        try
        {
            // SequenceDecoding.Greedy over the model rerun on each prefix; rows laid out as before: tokens, the end token
            // when one was produced, then padding, as long as the longest row.
            var rows = SequenceDecoding.Greedy(new RerunDecoder(model), RerunDecoder.Start(source), bos, eos, maxLength)
                .Select(h => h.Finished ? [.. h.Tokens, eos] : h.Tokens).ToList();
            int length = rows.Max(r => r.Length);
            var ids = new long[rows.Count * length];
            Array.Fill(ids, Vocabulary.Pad);
            for (int i = 0; i < rows.Count; i++) rows[i].CopyTo(ids, i * length);
            return tensor(ids, [rows.Count, length], device: source.device);
        }
        finally
        {
            model.train(wasTraining);
        }
    }

    /// <summary>Translates texts: tokenizes with <paramref name="tokenizer"/>, decodes greedily, joins the target tokens.</summary>
    /// <param name="model">The Seq2Seq model.</param>
    /// <param name="sources">Source texts.</param>
    /// <param name="sourceVocabulary">The source vocabulary used in training.</param>
    /// <param name="targetVocabulary">The target vocabulary used in training.</param>
    /// <param name="maxLength">Most tokens to generate.</param>
    /// <param name="tokenizer">Characters by default.</param>
    public static IReadOnlyList<string> Translate(nn.Module<Tensor, Tensor, Tensor> model, IEnumerable<string> sources, Vocabulary sourceVocabulary,
        Vocabulary targetVocabulary, int maxLength, Tokenizer? tokenizer = null)
    {
        tokenizer ??= Tokenizer.Characters;
        using var batch = sourceVocabulary.EncodeBatch(sources, tokenizer);
        using var ids = Decode(model, batch.Ids, maxLength);
        var flat = ids.data<long>().ToArray();
        int t = (int)ids.shape[1];
        return Enumerable.Range(0, (int)ids.shape[0])
            .Select(i => tokenizer.Join(targetVocabulary.Decode(flat.AsSpan(i * t, t).ToArray())))
            .ToList();
    }

    /// <summary>Exact-match accuracy and corpus BLEU (on tokens of <paramref name="tokenizer"/>) of translations against references.</summary>
    /// <param name="translations">Model outputs.</param>
    /// <param name="references">Expected outputs.</param>
    /// <param name="tokenizer">Tokenization for BLEU (characters by default).</param>
    /// <param name="maxOrder">BLEU's largest n-gram.</param>
    public static (double ExactMatch, double Bleu) Score(IReadOnlyList<string> translations, IReadOnlyList<string> references, Tokenizer? tokenizer = null, int maxOrder = 4)
    {
        if (translations.Count != references.Count || translations.Count == 0)
            throw new ArgumentException($"Need as many translations as references (and at least one); got {translations.Count} and {references.Count}.", nameof(references));
        tokenizer ??= Tokenizer.Characters;
        double exact = translations.Zip(references).Count(p => p.First == p.Second) / (double)translations.Count;
        var bleu = RnnToolkit.Training.Bleu.Corpus(translations.Select(s => tokenizer.Tokenize(s)).ToList(), references.Select(s => tokenizer.Tokenize(s)).ToList(), maxOrder);
        return (exact, bleu);
    }
}
