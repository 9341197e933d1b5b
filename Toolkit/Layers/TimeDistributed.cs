using TorchSharp;
using static TorchSharp.torch;

namespace RnnToolkit.Layers;

/// <summary>
/// Keras's TimeDistributed: applies one module to every time step of a (B, T, …) input, with the
/// same parameters at every step. Time is folded into the batch, so the module runs once on
/// (B·T, …) and its output (B·T, …') is unfolded to (B, T, …'):
/// <code>y[:, t] = layer(x[:, t])   for t = 0 … T−1</code>
/// e.g. <c>new TimeDistributed(nn.Linear(64, 10))</c> after an LSTM with returnSequences is a
/// Dense layer applied at every step (Keras's TimeDistributed(Dense(10))).
/// </summary>
public sealed class TimeDistributed : nn.Module<Tensor, Tensor>
{
    /// <summary>The module applied at every step (its parameters are this module's, under "layer.").</summary>
    public readonly nn.Module<Tensor, Tensor> layer;

    /// <summary>Wraps <paramref name="layer"/>, which must map (N, …) to (N, …') for any batch size N.</summary>
    public TimeDistributed(nn.Module<Tensor, Tensor> layer) : base(nameof(TimeDistributed))
    {
        this.layer = layer ?? throw new ArgumentNullException(nameof(layer));
        RegisterComponents();
    }

    /// <summary>(B, T, …) → (B, T, …'): the wrapped module applied to each of the T steps.</summary>
    public override Tensor forward(Tensor x)
    {
        if (x.dim() < 3)
            throw new ArgumentException($"TimeDistributed: expected input of shape (B, T, …) with at least 3 dimensions (batch, time, features); got [{string.Join(", ", x.shape)}].", nameof(x));
        using var scope = NewDisposeScope();
        long B = x.shape[0], T = x.shape[1];
        var y = layer.forward(x.reshape([B * T, .. x.shape[2..]]));
        if (y.dim() < 1 || y.shape[0] != B * T)
            throw new InvalidOperationException($"TimeDistributed: the wrapped {layer.GetType().Name} returned shape [{string.Join(", ", y.shape)}] for a batch of {B * T} (B·T); expected {B * T} rows.");
        return y.reshape([B, T, .. y.shape[1..]]).MoveToOuterDisposeScope();
    }
}
