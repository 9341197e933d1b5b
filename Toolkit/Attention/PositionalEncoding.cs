using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RnnToolkit.Attention;

/// <summary>
/// Sinusoidal positional encoding (Vaswani et al. 2017), added to a batch-first sequence (B, T, d):
/// <code>
/// PE(pos, 2i)   = sin(pos / 10000^{2i/d})
/// PE(pos, 2i+1) = cos(pos / 10000^{2i/d})
/// y = dropout(x + PE[:T])
/// </code>
/// </summary>
public sealed class PositionalEncoding : nn.Module<Tensor, Tensor>
{
    readonly Dropout dropout;

    /// <summary>A new encoding for model size d.</summary>
    /// <param name="modelSize">d.</param>
    /// <param name="dropout">Dropout after adding (as in the Transformer).</param>
    public PositionalEncoding(long modelSize, double dropout = 0) : base(nameof(PositionalEncoding))
    {
        if (modelSize <= 0) throw new ArgumentOutOfRangeException(nameof(modelSize), modelSize, "Expected modelSize > 0.");
        ModelSize = modelSize;
        this.dropout = nn.Dropout(dropout);
        RegisterComponents();
    }

    /// <summary>d.</summary>
    public long ModelSize { get; }

    /// <summary>The table PE (T, d), positions 0 … T−1.</summary>
    /// <param name="steps">T.</param>
    /// <param name="modelSize">d.</param>
    /// <param name="offset">The first position (for incremental decoding).</param>
    /// <param name="device">Where to create it.</param>
    /// <param name="dtype">Its element type (computed in float64, then cast): float32 unless given.</param>
    public static Tensor Table(long steps, long modelSize, long offset = 0, Device? device = null, ScalarType dtype = ScalarType.Float32)
    {
        using var scope = NewDisposeScope();
        var pos = arange(offset, offset + steps, dtype: ScalarType.Float64, device: device).unsqueeze(1);        // (T, 1)
        var twoI = arange(0, modelSize, 2, dtype: ScalarType.Float64, device: device);                          // 2i
        var angle = pos * exp(twoI * (-Math.Log(10000.0) / modelSize));                                         // pos / 10000^{2i/d}
        var pe = zeros(steps, modelSize, dtype: ScalarType.Float64, device: device);
        pe[TensorIndex.Colon, TensorIndex.Slice(0, null, 2)] = angle.sin();
        pe[TensorIndex.Colon, TensorIndex.Slice(1, null, 2)] = angle.cos().narrow(1, 0, modelSize / 2);
        return pe.to(dtype).MoveToOuterDisposeScope();
    }

    /// <summary>x + PE for x (B, T, d).</summary>
    public override Tensor forward(Tensor x)
    {
        if (x.dim() != 3 || x.shape[2] != ModelSize)
            throw new ArgumentException($"PositionalEncoding: expected input of shape (B, T, {ModelSize}); got [{string.Join(", ", x.shape)}].", nameof(x));
        using var scope = NewDisposeScope();
        var pe = Table(x.shape[1], ModelSize, 0, x.device, x.dtype);
        return dropout.call(x + pe).MoveToOuterDisposeScope();
    }
}
