using TorchSharp;
using static TorchSharp.torch;

namespace RnnToolkit.Models;

/// <summary>Feed-forward activation of a Transformer layer.</summary>
public enum TransformerActivation
{
    /// <summary>max(0, x), the original Transformer's.</summary>
    ReLU,
    /// <summary>x Φ(x).</summary>
    GELU,
}

/// <summary>Applies a <see cref="TransformerActivation"/>.</summary>
static class TransformerActivations
{
    public static Tensor Apply(this TransformerActivation activation, Tensor x) => activation switch
    {
        TransformerActivation.GELU => nn.functional.gelu(x),
        _ => nn.functional.relu(x),
    };
}
