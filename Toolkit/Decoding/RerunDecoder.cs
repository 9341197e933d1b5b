using TorchSharp;
using static TorchSharp.torch;

namespace RnnToolkit.Decoding;

/// <summary>
/// Makes a whole-sequence model — logits (N, T, V) = model(source, decoder input (N, T)), as a teacher-forced
/// encoder–decoder or a Transformer computes them — an <see cref="IStepDecoder"/>: each step runs the model on the
/// source and the tokens decoded so far and keeps the last position's logits. Greedy decoding, sampling and beam search
/// in <see cref="SequenceDecoding"/> then work on such models too (at O(T²) cost: nothing is cached between steps).
/// The state is [source, decoded prefix].
/// </summary>
/// <param name="model">The model, called as <c>model(source, decoderInput)</c>.</param>
public sealed class RerunDecoder(nn.Module<Tensor, Tensor, Tensor> model) : IStepDecoder
{
    readonly nn.Module<Tensor, Tensor, Tensor> model = model ?? throw new ArgumentNullException(nameof(model));

    /// <summary>The initial state for a batch of <paramref name="source"/> rows: the source and an empty prefix.</summary>
    /// <param name="source">Source token ids (N, S).</param>
    public static DecoderState Start(Tensor source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return new DecoderState([source, empty(source.shape[0], 0, dtype: ScalarType.Int64, device: source.device)]);
    }

    /// <inheritdoc/>
    public (Tensor Logits, DecoderState State) Step(Tensor previous, DecoderState state)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(state);
        var (source, prefix) = (state.Tensors[0]!, state.Tensors[1]!);
        var decoderInput = cat([prefix, previous.unsqueeze(1)], 1);
        var logits = model.call(source, decoderInput);
        if (logits.shape.Length != 3 || logits.shape[0] != decoderInput.shape[0] || logits.shape[1] != decoderInput.shape[1])
            throw new ArgumentException($"The model must return logits (N, T, V) for decoder inputs (N, T) = ({decoderInput.shape[0]}, {decoderInput.shape[1]}); it returned ({string.Join(", ", logits.shape)}).", nameof(previous));
        return (logits[.., -1], new DecoderState([source, decoderInput]));
    }
}
