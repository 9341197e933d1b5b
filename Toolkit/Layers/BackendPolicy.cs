namespace RnnToolkit.Layers;

/// <summary>
/// How a standard layer (<see cref="Rnn"/>, <see cref="Lstm"/>, <see cref="Gru"/>) runs one call, as one pure function
/// of the requested backend, the call and the host: no tensors, no globals, no side effects. The layer reads what it
/// needs (mask lengths, grad mode, thread count) and carries out the choice.
/// </summary>
static class BackendPolicy
{
    /// <summary>Smallest batch whose inference is split in two halves running at once.</summary>
    public const long MinBatchToSplit = 16;

    /// <summary>
    /// Multiply-adds per time step (<see cref="CallShape.StepMacs"/>) up to which recurrent inference runs on one libtorch
    /// thread: libtorch's recurrent kernels synchronise their threads at every step (measured for RNN, GRU and LSTM with
    /// 1–2 layers: docs/benchmarks.md, "One thread for small steps").
    /// </summary>
    public const long OneThreadStepMacs = 6_000_000;

    /// <summary>
    /// The path for a call, and why. In order: forms only the cells compute (projSize, the reset-before GRU, recurrent
    /// dropout in train mode) run on the cells, and Fused or Kernels refuse them; Cells and Kernels run as asked; Auto
    /// trains on the sequence kernel where the cell has one; otherwise libtorch's fused module, packed for a prefix mask,
    /// and the cells for any other mask under Auto (Fused refuses it). Fused inference with small steps runs on one
    /// thread, as two batch halves at once when two threads are available and nothing is packed, and with oneDNN where
    /// it agrees with libtorch's own kernel.
    /// </summary>
    /// <param name="requested">The layer's <see cref="StandardRecurrent.Backend"/>.</param>
    /// <param name="shape">The layer and the call.</param>
    /// <param name="host">The process's threads and oneDNN.</param>
    public static BackendChoice Choose(RecurrentBackend requested, in CallShape shape, in HostCapabilities host)
    {
        if (shape.ProjSize > 0)
            return requested == RecurrentBackend.Fused
                ? Refuse($"{shape.Layer}: the fused backend cannot run projSize = {shape.ProjSize} (TorchSharp's LSTM has no proj_size); use Backend = Auto or Cells.")
                : Cells("projSize: TorchSharp's fused LSTM has no proj_size, the cells project h");
        if (shape.CellsOnly is { } only)
            return requested is RecurrentBackend.Fused or RecurrentBackend.Kernels
                ? Refuse($"{shape.Layer}: the {requested.ToString().ToLowerInvariant()} backend cannot run {only}; use Backend = Auto or Cells.")
                : Cells($"{only}: only the cells compute it");
        if (shape.TrainMode && shape.RecurrentDropout > 0)
            return requested is RecurrentBackend.Fused or RecurrentBackend.Kernels
                ? Refuse($"{shape.Layer}: the {requested.ToString().ToLowerInvariant()} backend cannot apply recurrentDropout = {shape.RecurrentDropout} in train mode; use Backend = Auto or Cells (or eval()).")
                : Cells("recurrentDropout in train mode: only the cells drop h_{t-1} inside the recurrence");
        if (requested == RecurrentBackend.Cells)
            return Cells("requested");
        if (requested == RecurrentBackend.Kernels)
            return Kernels(shape, "requested");
        return shape.Mask switch
        {
            MaskKind.None when requested == RecurrentBackend.Auto && shape.Autograd && shape.HasSequenceKernel
                => Kernels(shape, "auto, training: the sequence kernel trains faster than the fused module"),
            MaskKind.None => Fused(shape, host, packed: false),
            MaskKind.Packable => Fused(shape, host, packed: true),
            _ when requested == RecurrentBackend.Auto => Cells("auto: the mask is not a prefix mask with every length ≥ 1, which only the cells honour"),
            _ => Refuse($"{shape.Layer}: the fused backend needs a prefix mask with every length ≥ 1 (packed sequences); this mask is not. Use Backend = Auto or Cells.", mask: true),
        };
    }

    // The cells' sequence kernels; the unrollers step the cells where a kernel cannot run the call.
    static BackendChoice Kernels(in CallShape shape, string why) => new(RecurrentBackend.Kernels,
        shape.DType == TorchSharp.torch.ScalarType.Float32 && shape.Mask == MaskKind.None
            ? why
            : $"{why}; the kernels run unmasked float32 only, so this call ({shape.DType}{(shape.Mask == MaskKind.None ? "" : ", masked")}) steps the cells");

    static BackendChoice Cells(string why) => new(RecurrentBackend.Cells, why);

    static BackendChoice Refuse(string message, bool mask = false) => new(RecurrentBackend.Cells, "refused", Refusal: message, RefusedMask: mask);

    // libtorch's fused module: the size heuristic (one thread for small steps), the batch halves and oneDNN, for inference.
    static BackendChoice Fused(in CallShape shape, in HostCapabilities host, bool packed)
    {
        bool inference = !shape.Autograd;
        bool small = inference && shape.StepMacs <= OneThreadStepMacs;
        bool halves = small && !packed && shape.Batch >= MinBatchToSplit && host.Threads > 1;
        string why = (packed ? "packed sequences" : "libtorch's fused module")
            + (inference ? ", inference" : ", training")
            + (halves ? ": two batch halves at once, one thread each" : small ? ": small steps on one thread" : "");
        return new(RecurrentBackend.Fused, why, Packed: packed, OneThread: small, Halves: halves,
            OneDnnIfAgrees: inference && host.OneDnnAvailable && shape.ProjSize == 0);
    }
}
