using static TorchSharp.torch;

namespace RnnToolkit.Attention;

/// <summary>What an attention module returns: the attended output and the weights, so they can be plotted.</summary>
/// <param name="Output">The context vectors: (B, Tq, dv) for a sequence of queries, (B, dv) for a single query.</param>
/// <param name="Weights">The attention weights α (rows sum to 1 over the keys, 0 at masked keys): (B, Tq, Tk), (B, Tk) for a single
/// query, or (B, heads, Tq, Tk) per head for multi-head attention.</param>
public sealed record AttentionResult(Tensor Output, Tensor Weights)
{
    /// <summary>Moves both tensors out of the current dispose scope.</summary>
    public AttentionResult MoveToOuter()
    {
        Output.MoveToOuterDisposeScope();
        Weights.MoveToOuterDisposeScope();
        return this;
    }
}
