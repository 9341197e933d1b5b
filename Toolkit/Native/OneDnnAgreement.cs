using System.Collections.Concurrent;
using static TorchSharp.torch;

namespace RnnToolkit.Native;

/// <summary>
/// Which layer configurations oneDNN's fused recurrent inference computes right. In libtorch 2.10 oneDNN's LSTM
/// inference returns wrong outputs for some sizes on some CPUs (the sizes measured: docs/benchmarks.md;
/// Tests/RnnToolkit.Tests/Native/OneDnnTests.cs), so each configuration is checked once, on a small input, against
/// libtorch's own kernel, and oneDNN runs only the configurations that agree. The answers are kept for the process.
/// </summary>
static class OneDnnAgreement
{
    static readonly ConcurrentDictionary<object, bool> agrees = new();

    /// <summary>
    /// Whether <paramref name="run"/> (the configuration's fused inference on a fixed small input, without autograd)
    /// gives the same output with oneDNN as without it, within <paramref name="tolerance"/>; computed the first time
    /// <paramref name="configuration"/> is asked for, then remembered. False when libtorch has no oneDNN switch.
    /// </summary>
    /// <param name="configuration">A value that identifies the configuration (layer type, sizes, dtype, device…).</param>
    /// <param name="run">The fused module's output for the fixed input.</param>
    /// <param name="tolerance">The largest absolute difference that counts as agreement.</param>
    public static bool Agrees(object configuration, Func<Tensor> run, double tolerance) =>
        OneDnn.Available && agrees.GetOrAdd(configuration, _ => Compare(run, tolerance));

    static bool Compare(Func<Tensor> run, double tolerance)
    {
        using var scope = NewDisposeScope();
        var reference = OneDnn.Without(run);
        Tensor candidate;
        using (OneDnn.ForInference()) candidate = run();
        return (candidate - reference).abs().max().to_type(ScalarType.Float64).item<double>() <= tolerance;
    }
}
