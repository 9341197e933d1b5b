namespace RnnToolkit.Layers;

/// <summary>How a standard RNN/LSTM/GRU layer computes.</summary>
public enum RecurrentBackend
{
    /// <summary>The fastest correct path for the mode: libtorch's fused kernels with oneDNN for inference; for training the sequence kernel where the cell has one, else the fused kernels; the cells when a mask is not a prefix mask or a sequence has length 0, and for forms only the cells compute (projSize, resetAfter = false).</summary>
    Auto,
    /// <summary>libtorch's fused nn.RNN/LSTM/GRU (TorchSharp's modules), packed sequences for padding. Throws for forms libtorch does not compute (an LSTM with projSize, a GRU with resetAfter = false).</summary>
    Fused,
    /// <summary>The toolkit's own cells unrolled by <see cref="Recurrent"/> — the equations, step by step, autograd through every operation.</summary>
    Cells,
    /// <summary>The cells' sequence kernels (hand-written backpropagation through time, e.g. <see cref="Kernels.LstmSequenceKernel"/>) where a cell has one and the batch is unpadded; otherwise as <see cref="Cells"/>. Throws for a GRU with resetAfter = false, whose form no kernel computes (rather than silently stepping).</summary>
    Kernels,
}
