using RnnToolkit.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace RnnToolkit.CheckpointWriter;

/// <summary>The model the writer saves, and the weights and info of each generation (the test rebuilds them to compare).</summary>
public static class WriterModel
{
    /// <summary>Two width × width Linear layers with biases: 8 · width² bytes of weights.</summary>
    /// <param name="width">The layers' width.</param>
    public static nn.Module Create(int width) =>
        nn.Sequential(("a", nn.Linear(width, width)), ("b", nn.Linear(width, width)));

    /// <summary>Sets every parameter to standard normal values drawn from a generator seeded with <paramref name="generation"/>.</summary>
    /// <param name="model">A model from <see cref="Create"/>.</param>
    /// <param name="generation">The generation.</param>
    public static void Fill(nn.Module model, int generation)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var g = new Generator((ulong)generation + 1);
        foreach (var p in model.parameters()) p.copy_(randn(p.shape, generator: g));
    }

    /// <summary>The checkpoint info of a generation: epoch = generation, and a history of that many epochs.</summary>
    /// <param name="generation">The generation.</param>
    public static CheckpointInfo Info(int generation)
    {
        var history = new History();
        for (int e = 0; e < generation; e++) history.Add(e, new Dictionary<string, double> { ["loss"] = 1.0 / (e + 1) });
        return new CheckpointInfo(generation, 0.001, "none", history);
    }
}
