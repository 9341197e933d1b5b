using static TorchSharp.torch;

namespace RnnToolkit.Training;

/// <summary>Formatting of tensor shapes for messages and summaries.</summary>
public static class Shapes
{
    /// <summary>Formats a shape as <c>(a, b, c)</c>.</summary>
    /// <param name="shape">The dimensions.</param>
    public static string Format(ReadOnlySpan<long> shape) => shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape.ToArray()) + ")";

    /// <summary>Formats the shape of a tensor as <c>(a, b, c)</c>.</summary>
    /// <param name="tensor">The tensor.</param>
    public static string Format(Tensor tensor) => Format(tensor.shape);
}
