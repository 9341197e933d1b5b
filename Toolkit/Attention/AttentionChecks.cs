using static TorchSharp.torch;

namespace RnnToolkit.Attention;

/// <summary>Shape checks shared by the query/key attention modules.</summary>
static class AttentionChecks
{
    static string S(Tensor t) => "[" + string.Join(", ", t.shape) + "]";

    /// <summary>Checks query (B, dq) or (B, Tq, dq), keys (B, Tk, dk), values (B, Tk, dv); returns true for a single query per sequence.</summary>
    public static bool Query(string who, Tensor query, Tensor keys, Tensor? values, long querySize, long keySize)
    {
        if (keys.dim() != 3 || keys.shape[2] != keySize)
            throw new ArgumentException($"{who}: expected keys of shape (B, Tk, {keySize}); got {S(keys)}.", nameof(keys));
        if (keys.shape[1] == 0 || keys.shape[0] == 0)
            throw new ArgumentException($"{who}: expected at least one sequence of at least one key; got keys {S(keys)}.", nameof(keys));
        if ((query.dim() != 2 && query.dim() != 3) || query.shape[^1] != querySize || query.shape[0] != keys.shape[0])
            throw new ArgumentException($"{who}: expected a query of shape ({keys.shape[0]}, {querySize}) or ({keys.shape[0]}, Tq, {querySize}) for keys {S(keys)}; got {S(query)}.", nameof(query));
        if (query.dim() == 3 && query.shape[1] == 0)
            throw new ArgumentException($"{who}: expected at least one query; got {S(query)}.", nameof(query));
        if (values is not null && (values.dim() != 3 || values.shape[0] != keys.shape[0] || values.shape[1] != keys.shape[1]))
            throw new ArgumentException($"{who}: expected values of shape ({keys.shape[0]}, {keys.shape[1]}, dv), one per key; got {S(values)}.", nameof(values));
        return query.dim() == 2;
    }
}
