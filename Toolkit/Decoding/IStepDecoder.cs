using static TorchSharp.torch;

namespace RnnToolkit.Decoding;

/// <summary>A model that predicts one token at a time: what <see cref="SequenceDecoding"/> searches over.</summary>
public interface IStepDecoder
{
    /// <summary>The logits (N, V) of the next token given the previous tokens (N) and the state of N rows, and the next state.</summary>
    /// <param name="previous">(N) int64 token ids (the start token at the first step).</param>
    /// <param name="state">The state of the N rows.</param>
    (Tensor Logits, DecoderState State) Step(Tensor previous, DecoderState state);
}
