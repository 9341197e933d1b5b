using RnnToolkit.Data;
using static TorchSharp.torch;

namespace RnnToolkit.Training;

/// <summary>Validation inputs (one tensor per model input) and targets, samples first; converts from <c>(x, y)</c>, <c>(new[] { x1, x2 }, y)</c> and <see cref="SupervisedData"/>.</summary>
/// <param name="X">One tensor per model input.</param>
/// <param name="Y">Targets.</param>
public sealed record ValidationData(Tensor[] X, Tensor Y)
{
    /// <summary>A single-input model's validation data.</summary>
    /// <param name="data">Inputs and targets.</param>
    public static implicit operator ValidationData((Tensor X, Tensor Y) data) => new([data.X], data.Y);

    /// <summary>A several-input model's validation data.</summary>
    /// <param name="data">One tensor per model input, and the targets.</param>
    public static implicit operator ValidationData((Tensor[] X, Tensor Y) data) => new(data.X, data.Y);

    /// <summary>A generated data set as validation data (null stays null: no validation data).</summary>
    /// <param name="data">Inputs and targets.</param>
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(data))]
    public static implicit operator ValidationData?(SupervisedData? data) => data is null ? null : new([data.X], data.Y);
}
