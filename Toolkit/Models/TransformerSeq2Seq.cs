using RnnToolkit.Attention;
using RnnToolkit.Decoding;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RnnToolkit.Models;

/// <summary>
/// The Transformer encoder–decoder (Vaswani et al. 2017) for sequence transduction, batch-first:
/// <code>
/// embed(x, from) = dropout(E x · √d + PE[from … from + T − 1])            (sinusoidal PE, <see cref="PositionalEncoding"/>)
/// memory   = Encoder(embed_src(source, 0))                                  source padding masked
/// y        = Decoder(embed_tgt(decoder input, 0), memory)                   causal self-attention, source padding masked
/// logits   = W_o y + b_o
/// </code>
/// Embeddings start as N(0, 1/d), so E x · √d is of the same unit scale as PE (a N(0, 1) start would drown the positions).
/// With a shared vocabulary source and target use one embedding (<c>src_embed</c>; <c>tgt_embed</c> is null).
/// Padding in the decoder input needs no mask of its own: it trails the real tokens, which causal attention already
/// keeps from seeing it, and the loss masks padded targets (<see cref="Training.Losses.MaskedSequenceCrossEntropy"/>).
/// <c>forward</c> is teacher forcing: (source ids (B, S), decoder input ids (B, T) starting with BOS) → logits (B, T, V).
/// As an <see cref="IStepDecoder"/> it decodes one token at a time (greedy, beam search, sampling with
/// <see cref="SequenceDecoding"/>): the state keeps every decoder layer's inputs so far, so step t costs one position
/// and its logits equal the teacher-forced logits at position t.
/// </summary>
public sealed class TransformerSeq2Seq : nn.Module<Tensor, Tensor, Tensor>, IStepDecoder
{
    /// <summary>Source embedding E_src (the target's too with a shared vocabulary).</summary>
    public readonly Embedding src_embed;
    /// <summary>Target embedding E_tgt, or null when the vocabulary is shared.</summary>
    public readonly Embedding? tgt_embed;
    /// <summary>The encoder stack.</summary>
    public readonly TransformerEncoderStack encoder;
    /// <summary>The decoder stack.</summary>
    public readonly TransformerDecoderStack decoder;
    /// <summary>W_o, b_o: the output layer (V_tgt, d).</summary>
    public readonly Linear output;
    readonly Dropout dropout;

    /// <summary>A new model (the Transformer's defaults: d = 512, 8 heads, 6 + 6 layers, feed-forward 2048, dropout 0.1).</summary>
    /// <param name="sourceVocabulary">Source vocabulary size.</param>
    /// <param name="targetVocabulary">Target vocabulary size (equal to the source's when <paramref name="sharedVocabulary"/>).</param>
    /// <param name="modelSize">d.</param>
    /// <param name="heads">Attention heads; must divide d.</param>
    /// <param name="encoderLayers">Encoder layers.</param>
    /// <param name="decoderLayers">Decoder layers.</param>
    /// <param name="feedForwardSize">Hidden units of each feed-forward block.</param>
    /// <param name="dropout">Dropout probability (embeddings, attention weights, sublayer outputs).</param>
    /// <param name="sharedVocabulary">One vocabulary and one embedding for source and target.</param>
    /// <param name="padId">The padding id (masked in the source).</param>
    /// <param name="activation">Feed-forward activation.</param>
    /// <param name="normFirst">Pre-norm layers (then both stacks end with a LayerNorm).</param>
    public TransformerSeq2Seq(long sourceVocabulary, long targetVocabulary, long modelSize = 512, long heads = 8, int encoderLayers = 6, int decoderLayers = 6,
        long feedForwardSize = 2048, double dropout = 0.1, bool sharedVocabulary = false, long padId = 0, TransformerActivation activation = TransformerActivation.ReLU, bool normFirst = false)
        : base(nameof(TransformerSeq2Seq))
    {
        if (sourceVocabulary <= 0 || targetVocabulary <= 0)
            throw new ArgumentOutOfRangeException(nameof(sourceVocabulary), $"TransformerSeq2Seq: expected vocabulary sizes > 0; got source {sourceVocabulary}, target {targetVocabulary}.");
        if (sharedVocabulary && sourceVocabulary != targetVocabulary)
            throw new ArgumentException($"TransformerSeq2Seq: a shared vocabulary needs equal sizes; got source {sourceVocabulary}, target {targetVocabulary}.", nameof(sharedVocabulary));
        if (modelSize <= 0) throw new ArgumentOutOfRangeException(nameof(modelSize), modelSize, "Expected modelSize > 0.");
        ModelSize = modelSize;
        PadId = padId;
        SharedVocabulary = sharedVocabulary;
        TargetVocabulary = targetVocabulary;
        src_embed = nn.Embedding(sourceVocabulary, modelSize);
        tgt_embed = sharedVocabulary ? null : nn.Embedding(targetVocabulary, modelSize);
        using (no_grad())
            foreach (var e in new[] { src_embed, tgt_embed })
                e?.weight!.normal_(0, 1 / Math.Sqrt(modelSize));                  // E · √d then has unit scale, like PE (fairseq, tensor2tensor)
        encoder = new TransformerEncoderStack(encoderLayers, _ => new TransformerEncoderBlock(modelSize, heads, feedForwardSize, dropout, activation, normFirst),
            normFirst ? nn.LayerNorm(modelSize) : null);
        decoder = new TransformerDecoderStack(decoderLayers, _ => new TransformerDecoderBlock(modelSize, heads, feedForwardSize, dropout, activation, normFirst),
            normFirst ? nn.LayerNorm(modelSize) : null);
        output = nn.Linear(modelSize, targetVocabulary);
        this.dropout = nn.Dropout(dropout);
        RegisterComponents();
    }

    /// <summary>d.</summary>
    public long ModelSize { get; }
    /// <summary>The padding id.</summary>
    public long PadId { get; }
    /// <summary>True when source and target share one vocabulary and embedding.</summary>
    public bool SharedVocabulary { get; }
    /// <summary>Target vocabulary size V.</summary>
    public long TargetVocabulary { get; }

    /// <summary>Teacher forcing: logits (B, T, V) for source ids (B, S) and decoder input ids (B, T).</summary>
    public override Tensor forward(Tensor source, Tensor decoderInput)
    {
        if (decoderInput.dim() != 2 || decoderInput.shape[0] != source.shape[0] || decoderInput.shape[1] == 0)
            throw new ArgumentException($"TransformerSeq2Seq: expected decoder input ids of shape ({source.shape[0]}, T ≥ 1) for a source of shape [{string.Join(", ", source.shape)}]; got [{string.Join(", ", decoderInput.shape)}].", nameof(decoderInput));
        using var scope = NewDisposeScope();
        var (memory, sourceMask) = EncodeSource(source);
        var y = decoder.Run(Embed(tgt_embed ?? src_embed, decoderInput, 0), memory, memoryKeyMask: sourceMask, causal: true);
        return output.call(y).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Encodes source ids (B, S) into the decoder's initial state: [memory (B, S, d), source mask (B, S), then per
    /// decoder layer its inputs so far, (B, 0, d) before the first step].
    /// </summary>
    public DecoderState Encode(Tensor source)
    {
        using var scope = NewDisposeScope();
        var (memory, sourceMask) = EncodeSource(source);
        var tensors = new List<Tensor?> { memory, sourceMask };
        for (int l = 0; l < decoder.layers.Count; l++) tensors.Add(memory.new_empty(memory.shape[0], 0, ModelSize));
        return new DecoderState(tensors).MoveToOuter();
    }

    /// <inheritdoc/>
    public (Tensor Logits, DecoderState State) Step(Tensor previous, DecoderState state)
    {
        int layers = decoder.layers.Count;
        if (state.Tensors.Count != 2 + layers)
            throw new ArgumentException($"TransformerSeq2Seq: expected a state from Encode with {2 + layers} tensors; got {state.Tensors.Count}.", nameof(state));
        var (memory, sourceMask) = (state.Tensors[0]!, state.Tensors[1]!);
        if (previous.dim() != 1 || previous.shape[0] != memory.shape[0])
            throw new ArgumentException($"TransformerSeq2Seq: expected previous token ids of shape ({memory.shape[0]}); got [{string.Join(", ", previous.shape)}].", nameof(previous));
        using var scope = NewDisposeScope();
        var history = state.Tensors.Skip(2).Select(t => t!).ToList();
        long t = history[0].shape[1];                                               // the position of this step
        var (y, updated) = decoder.Step(Embed(tgt_embed ?? src_embed, previous.unsqueeze(1), t), history, memory, sourceMask);
        var logits = output.call(y.squeeze(1)).MoveToOuterDisposeScope();
        foreach (var h in updated) h.MoveToOuterDisposeScope();
        return (logits, new DecoderState([memory, sourceMask, .. updated]));
    }

    /// <summary>dropout(E ids · √d + PE) for ids (B, T) at positions from, from + 1, ….</summary>
    Tensor Embed(Embedding embedding, Tensor ids, long from)
    {
        var pe = PositionalEncoding.Table(ids.shape[1], ModelSize, from, ids.device, embedding.weight!.dtype);   // in the model's type: a float64 model gets float64 positions
        return dropout.call(embedding.call(ids) * Math.Sqrt(ModelSize) + pe);
    }

    (Tensor Memory, Tensor Mask) EncodeSource(Tensor source)
    {
        if (source.dim() != 2 || source.shape[0] == 0 || source.shape[1] == 0)
            throw new ArgumentException($"TransformerSeq2Seq: expected source ids of shape (B, S) with B, S ≥ 1; got [{string.Join(", ", source.shape)}].", nameof(source));
        var mask = source.ne(PadId);
        return (encoder.Run(Embed(src_embed, source, 0), mask), mask);
    }
}
