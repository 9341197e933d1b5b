using System.Diagnostics;
using System.Globalization;
using System.Text;
using RnnToolkit.Data;
using RnnToolkit.Training;
using static TorchSharp.torch;

namespace RnnToolkit.Experiments;

/// <summary>A model to compare: a name and how to build it (called after the seed is set).</summary>
/// <param name="Name">The row's name.</param>
/// <param name="Build">Creates a fresh model.</param>
public sealed record Variant(string Name, Func<nn.Module<Tensor, Tensor>> Build);

/// <summary>One row of a <see cref="ComparisonResult"/>.</summary>
/// <param name="Name">The variant.</param>
/// <param name="Parameters">Its parameter count.</param>
/// <param name="SecondsPerEpoch">Mean wall time per epoch (training and validation).</param>
/// <param name="Epochs">Epochs run (fewer than asked if a callback stopped it).</param>
/// <param name="Final">The last epoch's values (loss, metrics, val_ ones), without lr.</param>
public sealed record ComparisonRow(string Name, long Parameters, double SecondsPerEpoch, int Epochs, IReadOnlyDictionary<string, double> Final);

/// <summary>The table and the histories of a comparison.</summary>
/// <param name="Rows">One row per variant, in the given order.</param>
/// <param name="Histories">Each variant's history, by name.</param>
[Notebooks.TypeFormatterSource(typeof(Notebooks.ToolkitFormatterSource), FormattedType = typeof(ComparisonResult))]
public sealed record ComparisonResult(IReadOnlyList<ComparisonRow> Rows, IReadOnlyDictionary<string, History> Histories)
{
    /// <summary>The table in Markdown.</summary>
    public override string ToString()
    {
        var keys = Rows.SelectMany(r => r.Final.Keys).Distinct().ToList();
        var sb = new StringBuilder();
        sb.AppendLine("| model | params | s/epoch | epochs | " + string.Join(" | ", keys) + " |");
        sb.AppendLine("|---|---:|---:|---:|" + string.Concat(keys.Select(_ => "---:|")));
        foreach (var r in Rows)
            sb.AppendLine($"| {r.Name} | {r.Parameters.ToString("N0", CultureInfo.InvariantCulture)} | {r.SecondsPerEpoch.ToString("F3", CultureInfo.InvariantCulture)} | {r.Epochs} | "
                + string.Join(" | ", keys.Select(k => r.Final.TryGetValue(k, out var v) ? v.ToString("G4", CultureInfo.InvariantCulture) : "")) + " |");
        return sb.ToString();
    }
}

/// <summary>
/// Trains several variants on one task with the same budget (epochs, batch size, optimizer, loss, metrics) and the same
/// seed (weights initialised after <c>torch.random.manual_seed(seed)</c>; the same shuffling), one after the other, and
/// tabulates parameters, wall time per epoch and final values.
/// </summary>
public static class Comparison
{
    /// <summary>Runs the comparison.</summary>
    /// <param name="variants">The models.</param>
    /// <param name="train">Training data.</param>
    /// <param name="validation">Validation data, or null.</param>
    /// <param name="loss">The loss.</param>
    /// <param name="optimizer">The optimizer (a fresh one per variant); Adam by default.</param>
    /// <param name="metrics">Metrics (reset by every run).</param>
    /// <param name="epochs">Epochs per variant.</param>
    /// <param name="batchSize">Batch size.</param>
    /// <param name="seed">Seed for weights and shuffling.</param>
    /// <param name="callbacks">Makes fresh callbacks per variant (e.g. early stopping), or null.</param>
    /// <param name="log">Receives one line per finished variant, or null.</param>
    public static ComparisonResult Run(IEnumerable<Variant> variants, SupervisedData train, SupervisedData? validation, Loss loss,
        OptimizerSpec? optimizer = null, IEnumerable<Metric>? metrics = null, int epochs = 10, int batchSize = 32, int seed = 0,
        Func<IEnumerable<Callback>>? callbacks = null, IProgress<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(variants);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(loss);
        var list = variants.ToList();
        if (list.Count == 0) throw new ArgumentException("Need at least one variant.", nameof(variants));
        var dup = list.GroupBy(v => v.Name).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null) throw new ArgumentException($"Variant names must be distinct; '{dup.Key}' is repeated.", nameof(variants));
        var metricList = (metrics ?? []).ToList();
        var rows = new List<ComparisonRow>();
        var histories = new Dictionary<string, History>();
        foreach (var v in list)
        {
            random.manual_seed(seed);
            var model = v.Build();
            var trainer = new Trainer(model, loss, optimizer, metricList);
            var sw = Stopwatch.StartNew();
            var h = trainer.Fit(train, new FitOptions
            {
                Epochs = epochs, BatchSize = batchSize, ValidationData = validation, Callbacks = callbacks?.Invoke().ToList() ?? [], Verbose = 0, Seed = seed,
            });
            sw.Stop();
            var final = h.Count == 0 ? new Dictionary<string, double>()
                : h.Values.Where(kv => kv.Key != "lr").ToDictionary(kv => kv.Key, kv => kv.Value[^1]);
            var row = new ComparisonRow(v.Name, model.CountParameters(), h.Count == 0 ? 0 : sw.Elapsed.TotalSeconds / h.Count, h.Count, final);
            rows.Add(row);
            histories[v.Name] = h;
            log?.Report($"{v.Name}: {row.Parameters} parameters, {row.SecondsPerEpoch:F3} s/epoch, loss {final.GetValueOrDefault("loss"):G4}");
        }
        return new ComparisonResult(rows, histories);
    }
}
