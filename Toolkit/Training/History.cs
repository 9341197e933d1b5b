namespace RnnToolkit.Training;

/// <summary>
/// What <c>Trainer.Fit</c> recorded (Keras' <c>History</c>): per epoch, the loss and every metric under its
/// name, validation ones under <c>val_</c> + name, and the learning rate under <c>lr</c>.
/// </summary>
[Notebooks.TypeFormatterSource(typeof(Notebooks.ToolkitFormatterSource), FormattedType = typeof(History))]
public sealed class History
{
    /// <summary>Per-epoch values by key (<c>loss</c>, <c>val_loss</c>, <c>mae</c>, <c>val_mae</c>, <c>lr</c>, ...).</summary>
    public Dictionary<string, List<double>> Values { get; init; } = new();

    /// <summary>The zero-based index of each recorded epoch.</summary>
    public List<int> Epochs { get; init; } = new();

    /// <summary>Why training stopped before the requested epochs (early stopping, NaN loss, ...), or null.</summary>
    public string? StopReason { get; set; }

    /// <summary>Whether training stopped because the loss became NaN or infinite.</summary>
    public bool TerminatedOnNaN { get; set; }

    /// <summary>The per-epoch values of <paramref name="key"/>.</summary>
    /// <param name="key">A key of <see cref="Values"/>.</param>
    public IReadOnlyList<double> this[string key] => Values.TryGetValue(key, out var v) ? v
        : throw new KeyNotFoundException($"History has no '{key}'; it has {string.Join(", ", Values.Keys)}.");

    /// <summary>The number of recorded epochs.</summary>
    public int Count => Epochs.Count;

    /// <summary>Appends one epoch's values.</summary>
    /// <param name="epoch">Zero-based epoch index.</param>
    /// <param name="logs">The values by key.</param>
    public void Add(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        int before = Epochs.Count;
        Epochs.Add(epoch);
        foreach (var (k, v) in logs)
        {
            if (!Values.TryGetValue(k, out var list))
            {
                list = Enumerable.Repeat(double.NaN, before).ToList();
                Values[k] = list;
            }
            list.Add(v);
        }
        foreach (var list in Values.Values) while (list.Count < Epochs.Count) list.Add(double.NaN);
    }

    /// <summary>The last value of <paramref name="key"/> (NaN when absent).</summary>
    /// <param name="key">A key of <see cref="Values"/>.</param>
    public double Last(string key) => Values.TryGetValue(key, out var v) && v.Count > 0 ? v[^1] : double.NaN;

    /// <summary>A copy (lists copied).</summary>
    public History Clone() => new()
    {
        Values = Values.ToDictionary(kv => kv.Key, kv => kv.Value.ToList()),
        Epochs = Epochs.ToList(),
        StopReason = StopReason,
        TerminatedOnNaN = TerminatedOnNaN,
    };

    /// <summary>The epochs from index <paramref name="start"/> on, with only <paramref name="keys"/> (in that order): one <c>Fit</c> call's part.</summary>
    internal History Since(int start, IEnumerable<string> keys) => new()
    {
        Values = keys.ToDictionary(k => k, k => Values[k].Skip(start).ToList()),
        Epochs = Epochs.Skip(start).ToList(),
        StopReason = StopReason,
        TerminatedOnNaN = TerminatedOnNaN,
    };

    /// <summary>Appends every epoch of <paramref name="other"/> (to chain resumed runs).</summary>
    /// <param name="other">A later history.</param>
    public void Append(History other)
    {
        for (int i = 0; i < other.Count; i++)
            Add(other.Epochs[i], other.Values.ToDictionary(kv => kv.Key, kv => kv.Value[i]));
        StopReason = other.StopReason;
        TerminatedOnNaN = other.TerminatedOnNaN;
    }

    /// <summary>A text table, one row per epoch.</summary>
    public override string ToString()
    {
        var keys = Values.Keys.ToList();
        var sb = new System.Text.StringBuilder();
        sb.AppendLine(string.Join("\t", new[] { "epoch" }.Concat(keys)));
        for (int i = 0; i < Count; i++)
            sb.AppendLine(string.Join("\t", new[] { (Epochs[i] + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) }
                .Concat(keys.Select(k => Values[k][i].ToString("G5", System.Globalization.CultureInfo.InvariantCulture)))));
        return sb.ToString();
    }
}
