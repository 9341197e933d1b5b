using static TorchSharp.torch;

namespace RnnToolkit.Training;

/// <summary>
/// A training objective: maps a batch of model outputs and targets to a scalar tensor (the mean over the batch).
/// Create the built-in ones with <see cref="Losses"/>.
/// </summary>
public abstract class Loss
{
    /// <summary>The Keras-style name, e.g. <c>mse</c>.</summary>
    public abstract string Name { get; }

    /// <summary>Computes the scalar loss of a batch (differentiable).</summary>
    /// <param name="prediction">The model's output for the batch.</param>
    /// <param name="target">The targets of the batch.</param>
    public abstract Tensor Compute(Tensor prediction, Tensor target);

    /// <summary>
    /// Checks that a target of shape <paramref name="targetShape"/> and type <paramref name="targetType"/> fits a
    /// model output of shape <paramref name="predictionShape"/>; throws <see cref="ArgumentException"/> naming what was
    /// expected and what was given.
    /// </summary>
    /// <param name="predictionShape">The shape of the model's output.</param>
    /// <param name="targetShape">The shape of the targets.</param>
    /// <param name="targetType">The element type of the targets.</param>
    public abstract void Validate(long[] predictionShape, long[] targetShape, ScalarType targetType);

    /// <inheritdoc />
    public override string ToString() => Name;

    /// <summary>Throws unless both shapes are equal (losses that compare elementwise).</summary>
    protected void RequireSameShape(long[] predictionShape, long[] targetShape)
    {
        if (!predictionShape.SequenceEqual(targetShape))
            throw new ArgumentException($"Loss '{Name}' expects targets of the model output's shape {Shapes.Format(predictionShape)}; the targets have shape {Shapes.Format(targetShape)}.", "y");
    }

    /// <summary>Throws unless the type is a floating-point type.</summary>
    protected void RequireFloat(ScalarType targetType)
    {
        if (!is_floating_point(targetType))
            throw new ArgumentException($"Loss '{Name}' expects floating-point targets; the targets are {targetType}.", "y");
    }

    /// <summary>Throws unless the type is an integer type (class ids).</summary>
    protected void RequireIntegral(ScalarType targetType)
    {
        if (is_floating_point(targetType) || targetType == ScalarType.Bool || is_complex(targetType))
            throw new ArgumentException($"Loss '{Name}' expects integer class ids as targets (e.g. Int64); the targets are {targetType}.", "y");
    }

    static bool is_floating_point(ScalarType t) => t is ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Float32 or ScalarType.Float64;
    static bool is_complex(ScalarType t) => t is ScalarType.ComplexFloat32 or ScalarType.ComplexFloat64;
}
