using System.Globalization;

namespace RnnToolkit.Notebooks;

/// <summary>
/// What a measured value is compared with: a figure the notebook computes from the same data — chance, the
/// majority class, the mean or last-value predictor, the untrained model, or another measured value.
/// </summary>
/// <param name="Name">What it is, as the checks table shows it (e.g. "majority class").</param>
/// <param name="Value">Its value.</param>
public readonly record struct Baseline(string Name, double Value)
{
    /// <summary>"name (value)", as the checks table shows it.</summary>
    public override string ToString() => $"{Name} ({NotebookChecks.Format(Value)})";
}
