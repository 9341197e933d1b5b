namespace RnnToolkit.Layers;

/// <summary>
/// What <see cref="BackendPolicy.Choose"/> decided for one call of a standard layer: the path, why, and how the fused
/// path runs; or why the requested backend cannot run the call (<see cref="Refusal"/>).
/// </summary>
/// <param name="Path"><see cref="RecurrentBackend.Fused"/>, <see cref="RecurrentBackend.Cells"/> or <see cref="RecurrentBackend.Kernels"/> (never Auto).</param>
/// <param name="Reason">Why, in a few words.</param>
/// <param name="Packed">Fused: the mask runs as packed sequences.</param>
/// <param name="OneThread">Fused: the call runs on one libtorch thread (small steps, inference).</param>
/// <param name="Halves">Fused: the batch runs as two halves at once, the second on the second thread.</param>
/// <param name="OneDnnIfAgrees">Fused: oneDNN runs the call if it agrees with libtorch's own kernel for this configuration (checked by the caller, once per configuration, since it runs libtorch).</param>
/// <param name="Refusal">The message when the requested backend cannot run the call; <see cref="Path"/> is then meaningless.</param>
/// <param name="RefusedMask">The refusal is about the call's mask (an <see cref="ArgumentException"/> on it) rather than the layer's options.</param>
readonly record struct BackendChoice(
    RecurrentBackend Path, string Reason, bool Packed = false, bool OneThread = false, bool Halves = false, bool OneDnnIfAgrees = false,
    string? Refusal = null, bool RefusedMask = false)
{
    /// <summary>The path, or the refusal thrown: an <see cref="ArgumentException"/> on <c>mask</c>, else an <see cref="InvalidOperationException"/>.</summary>
    public RecurrentBackend PathOrThrow() => Refusal is null ? Path
        : RefusedMask ? throw new ArgumentException(Refusal, "mask")
        : throw new InvalidOperationException(Refusal);
}
