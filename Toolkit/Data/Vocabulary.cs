using TorchSharp;
using static TorchSharp.torch;

namespace RnnToolkit.Data;

/// <summary>
/// A token ↔ id map with the special tokens at fixed ids: <c>&lt;pad&gt;</c> 0, <c>&lt;unk&gt;</c> 1,
/// <c>&lt;bos&gt;</c> 2, <c>&lt;eos&gt;</c> 3; the other tokens follow by decreasing frequency (ties in ordinal order),
/// so building is deterministic.
/// </summary>
public sealed class Vocabulary
{
    /// <summary>The padding id.</summary>
    public const int Pad = 0;
    /// <summary>The unknown-token id.</summary>
    public const int Unknown = 1;
    /// <summary>The start-of-sequence id.</summary>
    public const int Bos = 2;
    /// <summary>The end-of-sequence id.</summary>
    public const int Eos = 3;

    /// <summary>The special tokens, in id order.</summary>
    public static readonly IReadOnlyList<string> Specials = ["<pad>", "<unk>", "<bos>", "<eos>"];

    readonly List<string> tokens;
    readonly Dictionary<string, int> ids;

    Vocabulary(List<string> tokens)
    {
        this.tokens = tokens;
        ids = tokens.Select((t, i) => (t, i)).ToDictionary(p => p.t, p => p.i);
    }

    /// <summary>Builds a vocabulary from tokenized texts.</summary>
    /// <param name="texts">Token sequences.</param>
    /// <param name="minFrequency">Tokens seen fewer times map to <c>&lt;unk&gt;</c>.</param>
    /// <param name="maxSize">Largest size including the specials, or null.</param>
    public static Vocabulary Build(IEnumerable<IEnumerable<string>> texts, int minFrequency = 1, int? maxSize = null)
    {
        var counts = new Dictionary<string, int>();
        foreach (var text in texts)
            foreach (var t in text)
                counts[t] = counts.GetValueOrDefault(t) + 1;
        var ordered = counts.Where(kv => kv.Value >= minFrequency && !Specials.Contains(kv.Key))
            .OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key);
        if (maxSize is int m) ordered = ordered.Take(Math.Max(0, m - Specials.Count));
        return new Vocabulary([.. Specials, .. ordered]);
    }

    /// <summary>Builds a vocabulary from raw texts with a tokenizer.</summary>
    /// <param name="texts">The texts.</param>
    /// <param name="tokenizer">How to split them.</param>
    /// <param name="minFrequency">Tokens seen fewer times map to <c>&lt;unk&gt;</c>.</param>
    public static Vocabulary Build(IEnumerable<string> texts, Tokenizer tokenizer, int minFrequency = 1) =>
        Build(texts.Select(tokenizer.Tokenize), minFrequency);

    /// <summary>Number of tokens including the specials.</summary>
    public int Count => tokens.Count;

    /// <summary>All tokens, by id.</summary>
    public IReadOnlyList<string> Tokens => tokens;

    /// <summary>The id of <paramref name="token"/> (<see cref="Unknown"/> when absent).</summary>
    /// <param name="token">A token.</param>
    public int this[string token] => ids.TryGetValue(token, out var i) ? i : Unknown;

    /// <summary>The token of <paramref name="id"/>.</summary>
    /// <param name="id">An id.</param>
    public string Token(long id) => id >= 0 && id < tokens.Count ? tokens[(int)id]
        : throw new ArgumentOutOfRangeException(nameof(id), id, $"Ids range over 0..{tokens.Count - 1}.");

    /// <summary>Ids of <paramref name="sequence"/>, optionally framed with <c>&lt;bos&gt;</c> and <c>&lt;eos&gt;</c>.</summary>
    /// <param name="sequence">Tokens.</param>
    /// <param name="addBos">Prepend <c>&lt;bos&gt;</c>.</param>
    /// <param name="addEos">Append <c>&lt;eos&gt;</c>.</param>
    public long[] Encode(IEnumerable<string> sequence, bool addBos = false, bool addEos = false)
    {
        var list = new List<long>();
        if (addBos) list.Add(Bos);
        foreach (var t in sequence) list.Add(this[t]);
        if (addEos) list.Add(Eos);
        return list.ToArray();
    }

    /// <summary>Tokens of <paramref name="sequence"/>: stops at <c>&lt;eos&gt;</c> and drops pad and bos unless told otherwise.</summary>
    /// <param name="sequence">Ids.</param>
    /// <param name="stopAtEos">Stop at the first <c>&lt;eos&gt;</c>.</param>
    /// <param name="skipSpecials">Drop <c>&lt;pad&gt;</c> and <c>&lt;bos&gt;</c>.</param>
    public IReadOnlyList<string> Decode(IEnumerable<long> sequence, bool stopAtEos = true, bool skipSpecials = true)
    {
        var list = new List<string>();
        foreach (var id in sequence)
        {
            if (stopAtEos && id == Eos) break;
            if (skipSpecials && id is Pad or Bos) continue;
            list.Add(Token(id));
        }
        return list;
    }

    /// <summary>
    /// Encodes token sequences into one padded batch: ids (N, T) int64 with <see cref="Pad"/> after each sequence,
    /// the lengths (before padding), and a mask (N, T) that is true on real tokens. T is the longest sequence, or
    /// <paramref name="maxLength"/> (longer sequences are truncated, after framing).
    /// </summary>
    /// <param name="sequences">Token sequences.</param>
    /// <param name="maxLength">Fixed length, or null for the longest.</param>
    /// <param name="addBos">Prepend <c>&lt;bos&gt;</c>.</param>
    /// <param name="addEos">Append <c>&lt;eos&gt;</c>.</param>
    public EncodedBatch EncodeBatch(IEnumerable<IEnumerable<string>> sequences, int? maxLength = null, bool addBos = false, bool addEos = false)
    {
        var encoded = sequences.Select(s => Encode(s, addBos, addEos)).ToList();
        if (encoded.Count == 0) throw new ArgumentException("Cannot encode an empty batch.", nameof(sequences));
        int t = maxLength ?? encoded.Max(e => e.Length);
        if (t <= 0) throw new ArgumentException($"The batch length must be positive; got {t}.", nameof(maxLength));
        var data = new long[encoded.Count * t];
        var lengths = new long[encoded.Count];
        for (int i = 0; i < encoded.Count; i++)
        {
            int len = Math.Min(t, encoded[i].Length);
            lengths[i] = len;
            Array.Copy(encoded[i], 0, data, i * t, len);
        }
        var idsT = tensor(data).reshape(encoded.Count, t);
        return new EncodedBatch(idsT, lengths, idsT.ne(Pad));
    }

    /// <summary>Tokenizes and encodes raw texts into one padded batch (see <see cref="EncodeBatch(IEnumerable{IEnumerable{string}}, int?, bool, bool)"/>).</summary>
    /// <param name="texts">The texts.</param>
    /// <param name="tokenizer">How to split them.</param>
    /// <param name="maxLength">Fixed length, or null for the longest.</param>
    /// <param name="addBos">Prepend <c>&lt;bos&gt;</c>.</param>
    /// <param name="addEos">Append <c>&lt;eos&gt;</c>.</param>
    public EncodedBatch EncodeBatch(IEnumerable<string> texts, Tokenizer tokenizer, int? maxLength = null, bool addBos = false, bool addEos = false)
        => EncodeBatch(texts.Select(tokenizer.Tokenize), maxLength, addBos, addEos);
}

/// <summary>A padded batch of token ids.</summary>
/// <param name="Ids">(N, T) int64, padded with <see cref="Vocabulary.Pad"/>.</param>
/// <param name="Lengths">Each sequence's length (after truncation, before padding).</param>
/// <param name="Mask">(N, T) bool, true on real tokens.</param>
public sealed record EncodedBatch(Tensor Ids, long[] Lengths, Tensor Mask) : IDisposable
{
    /// <summary>The lengths as an int64 tensor (N).</summary>
    public Tensor LengthsTensor() => tensor(Lengths);

    /// <summary>Disposes the tensors.</summary>
    public void Dispose()
    {
        Ids.Dispose();
        Mask.Dispose();
    }
}
