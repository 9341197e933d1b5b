using TorchSharp;
using static TorchSharp.torch;

namespace RnnToolkit.Training;

/// <summary>Argument checks shared by training entry points (clear messages before any work starts).</summary>
public static class DataChecks
{
    /// <summary>
    /// Checks that <paramref name="x"/> and <paramref name="y"/> hold the same positive number of samples (first
    /// dimension) and no NaN or infinite values.
    /// </summary>
    /// <param name="x">Inputs.</param>
    /// <param name="y">Targets.</param>
    /// <param name="xName">The inputs' name in messages.</param>
    /// <param name="yName">The targets' name in messages.</param>
    public static void CheckPair(Tensor x, Tensor y, string xName, string yName)
    {
        if (x is null) throw new ArgumentNullException(xName);
        if (y is null) throw new ArgumentNullException(yName);
        if (x.shape.Length == 0) throw new ArgumentException($"{xName} must have the samples as its first dimension; it is a scalar.", xName);
        if (y.shape.Length == 0) throw new ArgumentException($"{yName} must have the samples as its first dimension; it is a scalar.", yName);
        if (x.shape[0] == 0) throw new ArgumentException($"{xName} is empty: expected at least one sample, got shape {Shapes.Format(x)}.", xName);
        if (x.shape[0] != y.shape[0])
            throw new ArgumentException($"{xName} and {yName} must have the same number of samples: {xName} has {x.shape[0]} (shape {Shapes.Format(x)}), {yName} has {y.shape[0]} (shape {Shapes.Format(y)}).", yName);
        CheckFinite(x, xName);
        CheckFinite(y, yName);
    }

    static void CheckFinite(Tensor t, string name)
    {
        if (!t.is_floating_point()) return;
        using var scope = NewDisposeScope();
        if (!isfinite(t).all().ToBoolean())
            throw new ArgumentException($"{name} contains NaN or infinite values ({isnan(t).sum().ToInt64()} NaN, {isinf(t).sum().ToInt64()} infinite).", name);
    }
}
