using System.Globalization;

namespace RnnToolkit.Notebooks;

/// <summary>
/// The metrics a notebook promises, each written once where it is measured with the rule it must meet, and checked
/// together by the last cell:
/// <code>
/// var majority = checks.Baseline("majority class", MajorityAccuracy(yVal));
/// checks.Expect("LSTM val accuracy", accuracy).AtLeast(majority, margin: 0.3);
/// checks.Expect("by hand − LstmCell", maxError).Below(1e-5, "float32 agreement");
/// ...
/// checks.Verify()      // the table; throws NotebookChecksFailedException naming every failed check
/// </code>
/// A measured claim compares with a baseline the notebook computes (chance, the majority class, the mean or last-value
/// predictor, the untrained model, another measured value) and passes only by a stated margin; <see cref="Expectation.Below"/>
/// and <see cref="Expectation.Equal"/> are for agreements with an independent computation and for exact counts.
/// </summary>
public sealed class NotebookChecks
{
    readonly Dictionary<string, double> values = new(StringComparer.Ordinal);
    readonly List<Expectation> expectations = [];

    /// <summary>Records a value the checks compare with (a baseline) or show, without a rule; returns it.</summary>
    /// <param name="name">Its name, unique in the notebook.</param>
    /// <param name="value">The value.</param>
    public double Record(string name, double value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!values.TryAdd(name, value))
            throw new ArgumentException($"'{name}' is already recorded ({Format(values[name])}); each metric is recorded once.", nameof(name));
        return value;
    }

    /// <summary>Records a measured value and returns its expectation, to which the rules are added.</summary>
    /// <param name="name">The metric's name, unique in the notebook.</param>
    /// <param name="value">The measured value.</param>
    public Expectation Expect(string name, double value)
    {
        Record(name, value);
        var expectation = new Expectation(name, value);
        expectations.Add(expectation);
        return expectation;
    }

    /// <summary>A recorded value.</summary>
    /// <param name="name">Its name.</param>
    public double this[string name] => values.TryGetValue(name, out var v)
        ? v
        : throw new KeyNotFoundException($"No value named '{name}' is recorded; recorded: {(values.Count == 0 ? "none" : string.Join(", ", values.Keys.Select(k => $"'{k}'")))}.");

    /// <summary>A recorded value as a baseline for another check.</summary>
    /// <param name="name">Its name.</param>
    public Baseline Baseline(string name) => new(name, this[name]);

    /// <summary>Records a baseline the notebook computed (e.g. the majority class's accuracy) and returns it.</summary>
    /// <param name="name">Its name, unique in the notebook.</param>
    /// <param name="value">Its value.</param>
    public Baseline Baseline(string name, double value) => new(name, Record(name, value));

    /// <summary>The names recorded so far, in order.</summary>
    public IReadOnlyCollection<string> Names => values.Keys;

    /// <summary>
    /// Evaluates every expectation: the table of results, or <see cref="NotebookChecksFailedException"/> naming each
    /// check that failed (its value and the rule) when any did.
    /// </summary>
    public CheckReport Verify()
    {
        if (expectations.Count == 0)
            throw new InvalidOperationException("No check was declared: call Expect(name, value) with a rule where a metric is measured.");
        var report = new CheckReport(expectations.Select(e => e.Evaluate()).ToList());
        if (!report.AllPassed) throw new NotebookChecksFailedException(report);
        return report;
    }

    internal static string Format(double value) =>
        double.IsNaN(value) ? "NaN"
        : double.IsInfinity(value) ? (value > 0 ? "∞" : "−∞")
        : value == Math.Floor(value) && Math.Abs(value) < 1e9 ? value.ToString("0", CultureInfo.InvariantCulture)
        : Math.Abs(value) is >= 1e-3 and < 1e6 ? value.ToString("0.####", CultureInfo.InvariantCulture)
        : value.ToString("0.##E+0", CultureInfo.InvariantCulture);
}
