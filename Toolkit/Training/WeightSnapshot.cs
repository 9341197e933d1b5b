using TorchSharp;
using static TorchSharp.torch;

namespace RnnToolkit.Training;

/// <summary>An in-memory copy of a module's state (parameters and buffers) that can be put back.</summary>
public sealed class WeightSnapshot : IDisposable
{
    readonly Dictionary<string, Tensor> tensors;

    WeightSnapshot(Dictionary<string, Tensor> tensors) => this.tensors = tensors;

    /// <summary>Copies the current state of <paramref name="module"/>.</summary>
    /// <param name="module">The module.</param>
    public static WeightSnapshot Capture(nn.Module module)
    {
        using var _ = no_grad();
        var d = new Dictionary<string, Tensor>();
        foreach (var (k, v) in module.state_dict())
        {
            var c = v.clone();
            c.DetachFromDisposeScope();
            d[k] = c;
        }
        return new WeightSnapshot(d);
    }

    /// <summary>Copies the saved state back into <paramref name="module"/> (in place: optimizers keep working).</summary>
    /// <param name="module">The module the snapshot was taken from (or one of the same architecture).</param>
    public void Restore(nn.Module module)
    {
        using var _ = no_grad();
        foreach (var (k, v) in module.state_dict())
            if (tensors.TryGetValue(k, out var saved)) v.copy_(saved);
    }

    /// <summary>Disposes the copies.</summary>
    public void Dispose()
    {
        foreach (var t in tensors.Values) t.Dispose();
        tensors.Clear();
    }
}
