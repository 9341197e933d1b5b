using TorchSharp;
using static TorchSharp.torch;

namespace RnnToolkit.Layers;

/// <summary>
/// Parameter counts as the two frameworks users compare with report them. They differ for the
/// standard layers: PyTorch keeps two bias vectors (b_ih and b_hh) per gate block, Keras one for
/// SimpleRNN and LSTM, and for GRU two with reset_after=True (the Keras 2/3 default: the recurrent bias sits inside
/// r_t ⊙ (W_hn h + b_hn)) but one with reset_after=False (<c>new Gru(…, resetAfter: false)</c>), 3H(I + H + 1).
/// </summary>
public static class ParameterCounts
{
    /// <summary>What PyTorch's <c>sum(p.numel() for p in m.parameters())</c> reports: every trainable number.</summary>
    public static long PyTorch(nn.Module module) => module.parameters().Where(p => p.requires_grad).Sum(p => p.numel());

    /// <summary>What Keras's <c>model.summary()</c> reports for the equivalent Keras layer (SimpleRNN, LSTM, GRU; Bidirectional doubles it).</summary>
    /// <example>LSTM(1 → 50): Keras 10,400, PyTorch 10,600. GRU(1 → 50): Keras 7,950 (reset_after=True) or 7,800 (reset_after=False), PyTorch 7,950 either way.</example>
    /// <exception cref="ArgumentException">For an LSTM with a projection (projSize), which Keras does not have.</exception>
    public static long Keras(StandardRecurrent layer)
    {
        if (layer.ProjSize > 0)
            throw new ArgumentException($"ParameterCounts.Keras: Keras's LSTM has no projection; this layer has projSize = {layer.ProjSize} (use ParameterCounts.PyTorch).", nameof(layer));
        long H = layer.HiddenSize, total = 0;
        int directions = layer.IsBidirectional ? 2 : 1;
        for (long l = 0; l < layer.NumLayers; l++)
        {
            long I = l == 0 ? layer.InputSize : layer.OutputSize;
            total += directions * (layer switch
            {
                Lstm => 4 * (H * (I + H) + H),
                Gru { ResetAfter: true } => 3 * (H * (I + H) + 2 * H),
                Gru => 3 * (H * (I + H) + H),
                _ => H * (I + H) + H,
            });
        }
        return total;
    }
}
