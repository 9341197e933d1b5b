namespace RnnToolkit.Layers;

/// <summary>How a standard RNN/LSTM/GRU layer computes.</summary>
public enum RecurrentBackend
{
    /// <summary>The fastest correct path for the mode: libtorch's fused kernels (oneDNN for inference, oneDNN off for training); the cells when a mask is not a prefix mask or a sequence has length 0.</summary>
    Auto,
    /// <summary>libtorch's fused nn.RNN/LSTM/GRU (TorchSharp's modules), packed sequences for padding.</summary>
    Fused,
    /// <summary>The toolkit's own cells unrolled by <see cref="Recurrent"/> — the equations, step by step.</summary>
    Cells,
}
