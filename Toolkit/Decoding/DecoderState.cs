using static TorchSharp.torch;

namespace RnnToolkit.Decoding;

/// <summary>
/// The state an autoregressive decoder carries from step to step: a list of tensors whose first dimension is the row
/// (batch element or beam hypothesis), e.g. h, c, the encoder outputs and their mask. Null entries are allowed
/// (e.g. no c for a GRU). Beam search reorders rows with <see cref="Select(Tensor)"/>.
/// </summary>
/// <param name="Tensors">The tensors, row-major in dimension 0.</param>
public sealed record DecoderState(IReadOnlyList<Tensor?> Tensors)
{
    /// <summary>The state of the given rows (N'), in that order: every tensor index-selected along dimension 0.</summary>
    public DecoderState Select(Tensor rows) => new(Tensors.Select(t => t?.index_select(0, rows)).ToList());

    /// <summary>The state of the given rows.</summary>
    public DecoderState Select(params long[] rows)
    {
        using var index = tensor(rows, device: Tensors.First(t => t is not null)!.device);
        return Select(index);
    }

    /// <summary>Moves every tensor out of the current dispose scope.</summary>
    public DecoderState MoveToOuter()
    {
        foreach (var t in Tensors) t?.MoveToOuterDisposeScope();
        return this;
    }
}
