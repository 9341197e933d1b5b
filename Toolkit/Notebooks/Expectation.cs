namespace RnnToolkit.Notebooks;

/// <summary>
/// The rules one measured value must meet (all of them), added by <see cref="NotebookChecks.Expect"/>'s caller. The rules
/// against a <see cref="Notebooks.Baseline"/> pass only by a stated margin over it.
/// </summary>
public sealed class Expectation
{
    readonly List<(Func<double, bool> Holds, string Text)> rules = [];
    string? notApplicable;

    internal Expectation(string name, double value) => (Name, Value) = (name, value);

    /// <summary>The metric's name.</summary>
    public string Name { get; }

    /// <summary>The measured value.</summary>
    public double Value { get; }

    /// <summary>value ≥ baseline + margin (higher is better: accuracy, recall).</summary>
    /// <param name="baseline">What a model that learned nothing reaches.</param>
    /// <param name="margin">How far above it the value must be (≥ 0).</param>
    public Expectation AtLeast(Baseline baseline, double margin)
    {
        var m = NonNegative(margin);
        return Rule(v => v >= baseline.Value + m, $"≥ {baseline} + {NotebookChecks.Format(m)}");
    }

    /// <summary>value ≤ baseline − margin (lower than a baseline: a model that fails, or a lower-is-better metric).</summary>
    /// <param name="baseline">The value compared with.</param>
    /// <param name="margin">How far below it the value must be (≥ 0).</param>
    public Expectation AtMost(Baseline baseline, double margin)
    {
        var m = NonNegative(margin);
        return Rule(v => v <= baseline.Value - m, m == 0 ? $"≤ {baseline}" : $"≤ {baseline} − {NotebookChecks.Format(m)}");
    }

    /// <summary>
    /// value ≤ baseline + slack: a model the notebook says fails stays near what learning nothing gives (e.g. chance).
    /// Pair it with a positive check that shows learning happened elsewhere, so it does not pass merely because nothing
    /// was learned.
    /// </summary>
    /// <param name="baseline">What learning nothing gives.</param>
    /// <param name="slack">How far above it the value may be (≥ 0).</param>
    public Expectation NotAbove(Baseline baseline, double slack)
    {
        var s = NonNegative(slack);
        return Rule(v => v <= baseline.Value + s, s == 0 ? $"≤ {baseline}" : $"≤ {baseline} + {NotebookChecks.Format(s)}");
    }

    /// <summary>value ≥ baseline − slack: no worse than another measurement by more than the slack (e.g. no drop on the longest inputs).</summary>
    /// <param name="baseline">The value compared with.</param>
    /// <param name="slack">How far below it the value may be (≥ 0).</param>
    public Expectation NotBelow(Baseline baseline, double slack)
    {
        var s = NonNegative(slack);
        return Rule(v => v >= baseline.Value - s, s == 0 ? $"≥ {baseline}" : $"≥ {baseline} − {NotebookChecks.Format(s)}");
    }

    /// <summary>value ≤ fraction × baseline (errors: e.g. at most half the mean predictor's MSE).</summary>
    /// <param name="baseline">The baseline (≥ 0).</param>
    /// <param name="fraction">The fraction of it allowed, in (0, 1] for an improvement.</param>
    public Expectation AtMostTimes(Baseline baseline, double fraction)
    {
        var f = Positive(fraction);
        return Rule(v => v <= f * baseline.Value, $"≤ {NotebookChecks.Format(f)} × {baseline}");
    }

    /// <summary>value ≥ factor × baseline (growth and ratios: e.g. at least twice another model's).</summary>
    /// <param name="baseline">The baseline.</param>
    /// <param name="factor">The factor (&gt; 0).</param>
    public Expectation AtLeastTimes(Baseline baseline, double factor)
    {
        var f = Positive(factor);
        return Rule(v => v >= f * baseline.Value, $"≥ {NotebookChecks.Format(f)} × {baseline}");
    }

    /// <summary>|value − baseline| ≤ tolerance (e.g. an untrained model at chance).</summary>
    /// <param name="baseline">The value it must be near.</param>
    /// <param name="tolerance">The largest distance (≥ 0).</param>
    public Expectation Near(Baseline baseline, double tolerance)
    {
        var t = NonNegative(tolerance);
        return Rule(v => Math.Abs(v - baseline.Value) <= t, $"within {NotebookChecks.Format(t)} of {baseline}");
    }

    /// <summary>value &lt; limit: the disagreement of two independent computations, or a bound the reason explains.</summary>
    /// <param name="limit">The bound.</param>
    /// <param name="why">Why this bound (shown in the table).</param>
    public Expectation Below(double limit, string why) => Rule(v => v < limit, $"< {NotebookChecks.Format(limit)} ({Why(why)})");

    /// <summary>value &gt; limit, for a bound the reason explains (e.g. "the printed form is not normalized").</summary>
    /// <param name="limit">The bound.</param>
    /// <param name="why">Why this bound (shown in the table).</param>
    public Expectation Above(double limit, string why) => Rule(v => v > limit, $"> {NotebookChecks.Format(limit)} ({Why(why)})");

    /// <summary>value = expected exactly: counts and sizes derived from a formula the reason states.</summary>
    /// <param name="expected">The exact value.</param>
    /// <param name="why">The formula (shown in the table).</param>
    public Expectation Equal(double expected, string why) => Rule(v => v == expected, $"= {NotebookChecks.Format(expected)} ({Why(why)})");

    /// <summary>The check applies only when <paramref name="condition"/> holds; otherwise the table says why not.</summary>
    /// <param name="condition">Whether the value could be measured on this machine.</param>
    /// <param name="reason">Why it could not (shown in the table).</param>
    public Expectation OnlyWhen(bool condition, string reason)
    {
        if (!condition) notApplicable = Why(reason);
        return this;
    }

    internal CheckResult Evaluate()
    {
        if (rules.Count == 0)
            throw new InvalidOperationException($"'{Name}' has no rule: add one (AtLeast, AtMost, Below, …) where it is measured, or use Record for a value shown without a rule.");
        var expected = string.Join("; ", rules.Select(r => r.Text));
        return notApplicable is not null
            ? new CheckResult(Name, Value, expected, null, notApplicable)
            : new CheckResult(Name, Value, expected, rules.All(r => r.Holds(Value)));
    }

    Expectation Rule(Func<double, bool> holds, string text)
    {
        rules.Add((holds, text));
        return this;
    }

    static double NonNegative(double x) =>
        x >= 0 && double.IsFinite(x) ? x : throw new ArgumentOutOfRangeException(nameof(x), x, "expected a finite margin ≥ 0");

    static double Positive(double x) =>
        x > 0 && double.IsFinite(x) ? x : throw new ArgumentOutOfRangeException(nameof(x), x, "expected a finite factor > 0");

    static string Why(string why) =>
        string.IsNullOrWhiteSpace(why) ? throw new ArgumentException("expected a reason for the rule, got an empty string", nameof(why)) : why;
}
