using RnnToolkit.Notebooks;

namespace RnnToolkit.Tests.Notebooks;

public class NotebookChecksTests
{
    [Fact]
    public void A_value_passes_only_by_the_stated_margin_over_its_baseline()
    {
        var checks = new NotebookChecks();
        var majority = checks.Baseline("majority", 0.375);
        checks.Expect("just above", 0.874).AtLeast(majority, 0.5);
        checks.Expect("at the margin", 0.875).AtLeast(majority, 0.5);
        var e = Assert.Throws<NotebookChecksFailedException>(() => checks.Verify());
        Assert.Equal(["FAILED", "passed"], e.Report.Select(r => r.Status));
        Assert.Equal("Metric regression: just above = 0.874 (expected ≥ majority (0.375) + 0.5)", e.Message);
    }

    [Theory]
    [InlineData(0.0040, true)]
    [InlineData(0.0042, false)]
    [InlineData(double.NaN, false)]
    public void An_error_passes_at_most_a_fraction_of_the_mean_predictors(double mse, bool passes)
    {
        var checks = new NotebookChecks();
        checks.Record("predict-the-mean MSE", 0.0083);
        checks.Expect("val MSE", mse).AtMostTimes(checks.Baseline("predict-the-mean MSE"), 0.5);
        Assert.Equal(passes, Passes(checks));
    }

    [Fact]
    public void Every_rule_of_a_check_must_hold()
    {
        var checks = new NotebookChecks();
        var chance = new Baseline("chance", 0.25);
        var transformer = new Baseline("Transformer", 0.95);
        checks.Expect("LSTM at d = 40", 0.5).AtMost(transformer, 0.3).AtMost(chance, 0);   // above chance: second rule fails
        var row = Assert.Throws<NotebookChecksFailedException>(() => checks.Verify()).Report.Single();
        Assert.Equal("≤ Transformer (0.95) − 0.3; ≤ chance (0.25)", row.Expected);
        Assert.False(row.Passed);
    }

    [Theory]
    [InlineData(0.39, true)]
    [InlineData(0.41, false)]
    public void A_failing_model_stays_within_the_slack_above_chance(double accuracy, bool passes)
    {
        var checks = new NotebookChecks();
        checks.Expect("Elman RNN at d = 40", accuracy).NotAbove(checks.Baseline("chance", 0.25), 0.15);
        Assert.Equal(passes, Passes(checks));
        Assert.Equal("≤ chance (0.25) + 0.15", new NotebookChecks().Expect("x", 0).NotAbove(new Baseline("chance", 0.25), 0.15).Evaluate().Expected);
    }

    [Theory]
    [InlineData(0.9, true)]
    [InlineData(0.89, false)]
    public void No_drop_beyond_the_slack_below_another_measurement(double longest, bool passes)
    {
        var checks = new NotebookChecks();
        checks.Expect("longest sources", longest).NotBelow(checks.Baseline("all sources", 0.998), 0.098);
        Assert.Equal(passes, Passes(checks));
    }

    [Theory]
    [InlineData(0.55, true)]
    [InlineData(0.61, false)]
    [InlineData(0.39, false)]
    public void Near_passes_within_the_tolerance_on_either_side(double value, bool passes)
    {
        var checks = new NotebookChecks();
        checks.Expect("untrained accuracy", value).Near(new Baseline("chance", 0.5), 0.1);
        Assert.Equal(passes, Passes(checks));
    }

    [Fact]
    public void Limits_and_exact_values_state_their_reason()
    {
        var checks = new NotebookChecks();
        checks.Expect("by hand − toolkit", 3e-7).Below(1e-5, "float32 agreement");
        checks.Expect("extra parameters", 384).Equal(384, "3H");
        checks.Expect("growth", 70).AtLeastTimes(new Baseline("LSTM growth", 8), 2);
        var report = checks.Verify();
        Assert.True(report.AllPassed);
        Assert.Equal(["< 1E-5 (float32 agreement)", "= 384 (3H)", "≥ 2 × LSTM growth (8)"], report.Select(r => r.Expected));
        Assert.Contains("by hand − toolkit", report.ToString());
        checks.Expect("exact", 383).Equal(384, "3H");
        Assert.False(Passes(checks));
    }

    [Fact]
    public void A_check_that_cannot_be_measured_here_says_why_and_does_not_fail()
    {
        var checks = new NotebookChecks();
        checks.Expect("peak memory ratio", 0).Above(4, "full BPTT keeps every step").OnlyWhen(false, "peak RSS is not readable here");
        checks.Expect("measured", 5).Above(4, "x").OnlyWhen(true, "unused");
        var report = checks.Verify();
        Assert.Equal("not applicable", report[0].Status);
        Assert.Equal("peak RSS is not readable here", report[0].Note);
        Assert.Equal("passed", report[1].Status);
    }

    [Fact]
    public void Bad_use_is_an_error_that_names_what_was_expected()
    {
        var checks = new NotebookChecks();
        checks.Record("a", 1);
        Assert.Contains("'a' is already recorded (1)", Assert.Throws<ArgumentException>(() => checks.Expect("a", 2)).Message);
        Assert.Contains("recorded: 'a'", Assert.Throws<KeyNotFoundException>(() => checks.Baseline("b")).Message);
        Assert.Contains("No check was declared", Assert.Throws<InvalidOperationException>(() => checks.Verify()).Message);
        checks.Expect("no rule", 1);
        Assert.Contains("'no rule' has no rule", Assert.Throws<InvalidOperationException>(() => checks.Verify()).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => checks.Expect("negative margin", 1).AtLeast(new Baseline("b", 0), -0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => checks.Expect("zero factor", 1).AtMostTimes(new Baseline("b", 1), 0));
        Assert.Throws<ArgumentException>(() => checks.Expect("no reason", 1).Below(2, " "));
    }

    static bool Passes(NotebookChecks checks)
    {
        try { return checks.Verify().AllPassed; }
        catch (NotebookChecksFailedException) { return false; }
    }
}
