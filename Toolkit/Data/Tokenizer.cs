using System.Text;

namespace RnnToolkit.Data;

/// <summary>How text is split into tokens.</summary>
public enum TokenLevel
{
    /// <summary>One token per character (spaces included).</summary>
    Character,
    /// <summary>Words and punctuation marks; whitespace separates and is dropped.</summary>
    Word,
}

/// <summary>Splits text into character or word tokens, and joins tokens back.</summary>
/// <param name="level">Characters or words.</param>
/// <param name="lowercase">Lower-case the text first.</param>
public sealed class Tokenizer(TokenLevel level = TokenLevel.Word, bool lowercase = true)
{
    /// <summary>Characters or words.</summary>
    public TokenLevel Level { get; } = level;

    /// <summary>Whether text is lower-cased first.</summary>
    public bool Lowercase { get; } = lowercase;

    /// <summary>A character tokenizer (case kept).</summary>
    public static Tokenizer Characters { get; } = new(TokenLevel.Character, lowercase: false);

    /// <summary>A lower-casing word tokenizer.</summary>
    public static Tokenizer Words { get; } = new(TokenLevel.Word, lowercase: true);

    /// <summary>The tokens of <paramref name="text"/>.</summary>
    /// <param name="text">The text.</param>
    public IReadOnlyList<string> Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (Lowercase) text = text.ToLowerInvariant();
        if (Level == TokenLevel.Character)
        {
            var list = new List<string>(text.Length);
            var e = System.Globalization.StringInfo.GetTextElementEnumerator(text);
            while (e.MoveNext()) list.Add(e.GetTextElement());
            return list;
        }
        var tokens = new List<string>();
        var word = new StringBuilder();
        void Flush()
        {
            if (word.Length > 0) { tokens.Add(word.ToString()); word.Clear(); }
        }
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c)) Flush();
            else if (char.IsLetterOrDigit(c) || c is '\'' or '-' && word.Length > 0) word.Append(c);
            else { Flush(); tokens.Add(c.ToString()); }
        }
        Flush();
        return tokens;
    }

    /// <summary>Joins tokens: characters concatenated, words separated by spaces.</summary>
    /// <param name="tokens">The tokens.</param>
    public string Join(IEnumerable<string> tokens) => Level == TokenLevel.Character ? string.Concat(tokens) : string.Join(" ", tokens);
}
