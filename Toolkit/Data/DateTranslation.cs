using System.Globalization;
using static TorchSharp.torch;

namespace RnnToolkit.Data;

/// <summary>A source sentence and its translation.</summary>
/// <param name="Source">The input text.</param>
/// <param name="Target">The expected output text.</param>
public sealed record TranslationPair(string Source, string Target);

/// <summary>
/// Character-level tensors for a Seq2Seq model with teacher forcing: source ids, decoder inputs
/// (<c>&lt;bos&gt;</c> + target) and decoder targets (target + <c>&lt;eos&gt;</c>), padded with 0.
/// </summary>
/// <param name="Source">Source ids and lengths.</param>
/// <param name="DecoderInput">(N, T) ids starting with <c>&lt;bos&gt;</c>.</param>
/// <param name="DecoderTarget">(N, T) ids ending with <c>&lt;eos&gt;</c>.</param>
/// <param name="SourceVocabulary">The source characters.</param>
/// <param name="TargetVocabulary">The target characters.</param>
public sealed record Seq2SeqData(EncodedBatch Source, Tensor DecoderInput, Tensor DecoderTarget, Vocabulary SourceVocabulary, Vocabulary TargetVocabulary) : IDisposable
{
    /// <summary>Disposes the tensors.</summary>
    public void Dispose()
    {
        Source.Dispose();
        DecoderInput.Dispose();
        DecoderTarget.Dispose();
    }
}

/// <summary>
/// The date-format translation task (as in the deeplearning.ai attention exercise): human-readable dates in many
/// surface forms ("3 March 2021", "Wednesday, March 3, 2021", "03.03.2021", "3/3/21" in US order, ...) → ISO 8601
/// "2021-03-03". Source and target share the digits, so attention alignments are easy to read: the year digits of the
/// output attend to the year in the input, and so on.
/// </summary>
public static class DateTranslation
{
    /// <summary>The surface forms (.NET custom format strings, invariant culture; "o" marks an ordinal day like 3rd).</summary>
    public static readonly IReadOnlyList<string> Formats =
    [
        "d MMMM yyyy", "d MMM yyyy", "dd MMM yyyy", "MMMM d, yyyy", "MMM d, yyyy", "dddd, MMMM d, yyyy", "ddd, d MMM yyyy",
        "dddd d MMMM yyyy", "dd.MM.yyyy", "d.M.yyyy", "MM/dd/yyyy", "M/d/yy", "yyyy MMMM d", "dd-MMM-yyyy", "MMMM yyyy, d",
        "o MMMM yyyy", "MMMM o, yyyy", "the o of MMMM yyyy", "d MMMM, yyyy", "MMM dd yyyy",
    ];

    /// <summary>The target format: ISO 8601 (yyyy-MM-dd).</summary>
    public const string TargetFormat = "yyyy-MM-dd";

    /// <summary>Generates pairs with dates drawn uniformly from <paramref name="from"/> to <paramref name="to"/>, forms uniformly from <see cref="Formats"/>.</summary>
    /// <param name="count">Number of pairs.</param>
    /// <param name="seed">Seed.</param>
    /// <param name="from">First date (default 1950-01-01).</param>
    /// <param name="to">Last date (default 2049-12-31).</param>
    /// <param name="lowercaseProbability">Probability of lower-casing a source (more surface variety).</param>
    public static IReadOnlyList<TranslationPair> Generate(int count, int seed = 0, DateOnly? from = null, DateOnly? to = null, double lowercaseProbability = 0.2)
    {
        if (count <= 0) throw new ArgumentOutOfRangeException(nameof(count), count, "Need at least one pair.");
        var start = from ?? new DateOnly(1950, 1, 1);
        var end = to ?? new DateOnly(2049, 12, 31);
        if (end < start) throw new ArgumentException($"The range is empty: {start:O} to {end:O}.", nameof(to));
        var r = new Random(seed);
        int days = end.DayNumber - start.DayNumber + 1;
        var pairs = new List<TranslationPair>(count);
        for (int i = 0; i < count; i++)
        {
            var date = start.AddDays(r.Next(days));
            var source = Format(date, Rng.Pick(r, Formats));
            if (r.NextDouble() < lowercaseProbability) source = source.ToLowerInvariant();
            pairs.Add(new TranslationPair(source, date.ToString(TargetFormat, CultureInfo.InvariantCulture)));
        }
        return pairs;
    }

    /// <summary>Formats a date in one of the surface forms (supports the ordinal day marker "o").</summary>
    /// <param name="date">The date.</param>
    /// <param name="format">A format from <see cref="Formats"/>.</param>
    public static string Format(DateOnly date, string format)
    {
        const string marker = "\u0001";
        var f = format.Replace("the o of", "'the' " + marker + " 'of'", StringComparison.Ordinal);
        f = System.Text.RegularExpressions.Regex.Replace(f, @"(?<![A-Za-z])o(?![A-Za-z])", marker);
        var s = date.ToString(f, CultureInfo.InvariantCulture);
        return s.Replace(marker, Ordinal(date.Day), StringComparison.Ordinal);
    }

    static string Ordinal(int day) => day + (day % 100 is 11 or 12 or 13 ? "th" : (day % 10) switch { 1 => "st", 2 => "nd", 3 => "rd", _ => "th" });

    /// <summary>
    /// Character-level tensors of <paramref name="pairs"/>. Vocabularies are built from the pairs unless given
    /// (pass the training set's to encode a test set).
    /// </summary>
    /// <param name="pairs">The pairs.</param>
    /// <param name="sourceVocabulary">Source characters, or null to build.</param>
    /// <param name="targetVocabulary">Target characters, or null to build.</param>
    /// <param name="sourceLength">Fixed source length, or null for the longest.</param>
    public static Seq2SeqData ToTensors(IReadOnlyList<TranslationPair> pairs, Vocabulary? sourceVocabulary = null, Vocabulary? targetVocabulary = null, int? sourceLength = null)
    {
        var tok = Tokenizer.Characters;
        sourceVocabulary ??= Vocabulary.Build(pairs.Select(p => p.Source), tok);
        targetVocabulary ??= Vocabulary.Build(pairs.Select(p => p.Target), tok);
        var source = sourceVocabulary.EncodeBatch(pairs.Select(p => p.Source), tok, sourceLength);
        using var decIn = targetVocabulary.EncodeBatch(pairs.Select(p => p.Target), tok, addBos: true);
        using var decOut = targetVocabulary.EncodeBatch(pairs.Select(p => p.Target), tok, addEos: true);
        return new Seq2SeqData(source, decIn.Ids.clone(), decOut.Ids.clone(), sourceVocabulary, targetVocabulary);
    }
}
