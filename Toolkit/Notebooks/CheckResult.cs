namespace RnnToolkit.Notebooks;

/// <summary>One row of a <see cref="CheckReport"/>.</summary>
/// <param name="Check">The metric's name.</param>
/// <param name="Value">The measured value.</param>
/// <param name="Expected">The rule it had to meet, with the baselines' values (e.g. "≥ majority class (0.375) + 0.5").</param>
/// <param name="Passed">Whether it met every rule; null when the check did not apply on this machine.</param>
/// <param name="Note">Why a check did not apply, or empty.</param>
public sealed record CheckResult(string Check, double Value, string Expected, bool? Passed, string Note = "")
{
    /// <summary>"passed", "FAILED" or "not applicable".</summary>
    public string Status => Passed switch { true => "passed", false => "FAILED", null => "not applicable" };
}
