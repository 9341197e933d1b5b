using RnnToolkit.Attention;
using RnnToolkit.Cells;
using RnnToolkit.Decoding;
using RnnToolkit.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RnnToolkit.Models;

/// <summary>The recurrence of a <see cref="Seq2Seq"/> model.</summary>
public enum Seq2SeqCell
{
    /// <summary>GRU encoder and decoder.</summary>
    Gru,
    /// <summary>LSTM encoder and decoder.</summary>
    Lstm,
}

/// <summary>The attention of a <see cref="Seq2Seq"/> decoder.</summary>
public enum Seq2SeqAttention
{
    /// <summary>No attention: the decoder sees the source only through the encoder's final state (Sutskever et al. 2014).</summary>
    None,
    /// <summary>Bahdanau et al. (2015): c_t from s_{t−1} by <see cref="AdditiveAttention"/>; the cell reads [embedding; c_t].</summary>
    Bahdanau,
    /// <summary>Luong et al. (2015): h_t from the cell, c_t by <see cref="LuongAttention"/> (general), h̃_t = tanh(W_c [c_t; h_t]) feeds the output layer.</summary>
    Luong,
}

/// <summary>
/// Encoder–decoder for sequence transduction (the documents' Seq2Seq, e.g. the date translation):
/// <code>
/// encoder:  h_1 … h_S = RNN(E_src x_1 … E_src x_S)           (padded source steps masked)
/// decoder:  s_0 = final encoder state
///   none:     s_t = cell(E_tgt y_{t−1}, s_{t−1});                     logits_t = W_o s_t + b_o
///   Bahdanau: c_t = Σ α_{t,i} h_i, α from (s_{t−1}, h);  s_t = cell([E_tgt y_{t−1}; c_t], s_{t−1});  logits_t = W_o s_t + b_o
///   Luong:    s_t = cell(E_tgt y_{t−1}, s_{t−1});  c_t from (s_t, h);  h̃_t = tanh(W_c [c_t; s_t]);  logits_t = W_o h̃_t + b_o
/// </code>
/// <c>forward</c> is teacher forcing: (source ids (B, S), decoder input ids (B, T) starting with BOS) → logits
/// (B, T, V) (<see cref="TeacherForcingRatio"/> below 1 mixes in the model's own predictions while training), to train with <see cref="Training.Losses.MaskedSequenceCrossEntropy"/> (padded targets masked). As an
/// <see cref="IStepDecoder"/> it decodes greedily, by beam search or by sampling (<see cref="SequenceDecoding"/>).
/// </summary>
public sealed class Seq2Seq : nn.Module<Tensor, Tensor, Tensor>, IStepDecoder
{
    /// <summary>Source embedding.</summary>
    public readonly Embedding src_embed;
    /// <summary>Target embedding.</summary>
    public readonly Embedding tgt_embed;
    /// <summary>The encoder layer (batch-first).</summary>
    public readonly StandardRecurrent encoder;
    /// <summary>The decoder cell.</summary>
    public readonly RecurrentCell decoder;
    /// <summary>Bahdanau attention, or null.</summary>
    public readonly AdditiveAttention? additive;
    /// <summary>Luong attention, or null.</summary>
    public readonly LuongAttention? luong;
    /// <summary>W_c of Luong's attentional state, or null.</summary>
    public readonly Linear? combine;
    /// <summary>W_o, b_o: the output layer.</summary>
    public readonly Linear output;

    /// <summary>A new model.</summary>
    /// <param name="sourceVocabulary">Source vocabulary size.</param>
    /// <param name="targetVocabulary">Target vocabulary size.</param>
    /// <param name="embeddingSize">Embedding size (both sides).</param>
    /// <param name="hiddenSize">Hidden units of encoder and decoder.</param>
    /// <param name="cell">GRU or LSTM.</param>
    /// <param name="attention">None, Bahdanau or Luong.</param>
    /// <param name="padId">The padding id of the source (masked in the encoder and the attention).</param>
    public Seq2Seq(long sourceVocabulary, long targetVocabulary, long embeddingSize, long hiddenSize, Seq2SeqCell cell = Seq2SeqCell.Gru, Seq2SeqAttention attention = Seq2SeqAttention.Bahdanau, long padId = 0)
        : base(nameof(Seq2Seq))
    {
        Cell = cell;
        AttentionKind = attention;
        PadId = padId;
        HiddenSize = hiddenSize;
        src_embed = nn.Embedding(sourceVocabulary, embeddingSize);
        tgt_embed = nn.Embedding(targetVocabulary, embeddingSize);
        encoder = cell == Seq2SeqCell.Gru ? new Layers.Gru(embeddingSize, hiddenSize) : new Layers.Lstm(embeddingSize, hiddenSize);
        long decoderInput = embeddingSize + (attention == Seq2SeqAttention.Bahdanau ? hiddenSize : 0);
        decoder = cell == Seq2SeqCell.Gru ? new GruCell(decoderInput, hiddenSize) : new LstmCell(decoderInput, hiddenSize);
        if (attention == Seq2SeqAttention.Bahdanau) additive = new AdditiveAttention(hiddenSize, hiddenSize, hiddenSize);
        if (attention == Seq2SeqAttention.Luong)
        {
            luong = new LuongAttention(hiddenSize, hiddenSize, LuongScore.General);
            combine = nn.Linear(2 * hiddenSize, hiddenSize, hasBias: false);
        }
        output = nn.Linear(hiddenSize, targetVocabulary);
        RegisterComponents();
    }

    /// <summary>GRU or LSTM.</summary>
    public Seq2SeqCell Cell { get; }
    /// <summary>The decoder's attention.</summary>
    public Seq2SeqAttention AttentionKind { get; }
    /// <summary>Source padding id.</summary>
    public long PadId { get; }
    /// <summary>Hidden units.</summary>
    public long HiddenSize { get; }

    /// <summary>
    /// While training, the probability that step t reads the true previous token y_{t−1} (teacher forcing) rather than
    /// the model's own previous prediction (scheduled sampling, Bengio et al. 2015), drawn per sequence and step from
    /// torch's generator. 1 (the default) is full teacher forcing; evaluation always uses the given tokens.
    /// </summary>
    public double TeacherForcingRatio
    {
        get => teacherForcingRatio;
        set => teacherForcingRatio = value is >= 0 and <= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "Expected a teacher forcing ratio in [0, 1].");
    }
    double teacherForcingRatio = 1;

    /// <summary>Teacher forcing: logits (B, T, V) for source ids (B, S) and decoder input ids (B, T).</summary>
    public override Tensor forward(Tensor source, Tensor decoderInput)
    {
        using var scope = NewDisposeScope();
        return Run(source, decoderInput).Logits.MoveToOuterDisposeScope();
    }

    /// <summary>Teacher forcing with the attention weights: logits (B, T, V) and weights (B, T, S) (null without attention), for plots.</summary>
    public (Tensor Logits, Tensor? Weights) Run(Tensor source, Tensor decoderInput)
    {
        if (decoderInput.dim() != 2 || decoderInput.shape[0] != source.shape[0] || decoderInput.shape[1] == 0)
            throw new ArgumentException($"Seq2Seq: expected decoder input ids of shape ({source.shape[0]}, T ≥ 1) for a source of shape [{string.Join(", ", source.shape)}]; got [{string.Join(", ", decoderInput.shape)}].", nameof(decoderInput));
        using var scope = NewDisposeScope();
        var state = Encode(source);
        var logits = new List<Tensor>();
        var weights = new List<Tensor>();
        bool sampled = training && TeacherForcingRatio < 1;
        for (long t = 0; t < decoderInput.shape[1]; t++)
        {
            var input = decoderInput[TensorIndex.Colon, t];
            if (sampled && t > 0)
            {
                using var own = logits[^1].detach().argmax(-1);
                using var teacher = rand(input.shape[0], device: input.device).lt(TeacherForcingRatio);
                input = where(teacher, input, own);
            }
            var (l, next, w) = StepWithWeights(input, state);
            logits.Add(l);
            if (w is not null) weights.Add(w);
            state = next;
        }
        var result = stack(logits, 1).MoveToOuterDisposeScope();
        return (result, weights.Count > 0 ? stack(weights, 1).MoveToOuterDisposeScope() : null);
    }

    /// <summary>Encodes source ids (B, S) into the decoder's initial state: [s_0 h, s_0 c (LSTM), encoder outputs, source mask, projected keys].</summary>
    public DecoderState Encode(Tensor source)
    {
        if (source.dim() != 2 || source.shape[1] == 0 || source.shape[0] == 0)
            throw new ArgumentException($"Seq2Seq: expected source ids of shape (B, S) with S ≥ 1; got [{string.Join(", ", source.shape)}].", nameof(source));
        using var scope = NewDisposeScope();
        var mask = source.ne(PadId);
        mask[TensorIndex.Colon, 0] = true;                          // an all-padding source still has one step
        var r = encoder.Run(src_embed.call(source), null, mask);
        var final = r.Final[0];
        Tensor? keys = additive is not null ? additive.ProjectKeys(r.Output) : luong?.ProjectKeys(r.Output);
        return new DecoderState([final.H, final.C, r.Output, mask, keys]).MoveToOuter();
    }

    /// <inheritdoc/>
    public (Tensor Logits, DecoderState State) Step(Tensor previous, DecoderState state)
    {
        var (logits, next, _) = StepWithWeights(previous, state);
        return (logits, next);
    }

    /// <summary>One decoder step with its attention weights (B, S) (null without attention).</summary>
    public (Tensor Logits, DecoderState State, Tensor? Weights) StepWithWeights(Tensor previous, DecoderState state)
    {
        using var scope = NewDisposeScope();
        var (h, c, memory, mask, keys) = (state.Tensors[0]!, state.Tensors[1], state.Tensors[2]!, state.Tensors[3]!, state.Tensors[4]);
        var emb = tgt_embed.call(previous);
        Tensor? weights = null;
        RecurrentState s;
        Tensor top;
        switch (AttentionKind)
        {
            case Seq2SeqAttention.Bahdanau:
            {
                var a = additive!.Run(h, memory, null, mask, keys);
                weights = a.Weights;
                s = decoder.forward(cat([emb, a.Output], 1), new RecurrentState(h, c));
                top = s.H;
                break;
            }
            case Seq2SeqAttention.Luong:
            {
                s = decoder.forward(emb, new RecurrentState(h, c));
                var a = luong!.Run(s.H, memory, null, mask, keys);
                weights = a.Weights;
                top = combine!.call(cat([a.Output, s.H], 1)).tanh();
                break;
            }
            default:
                s = decoder.forward(emb, new RecurrentState(h, c));
                top = s.H;
                break;
        }
        var logits = output.call(top).MoveToOuterDisposeScope();
        weights?.MoveToOuterDisposeScope();
        var next = new DecoderState([s.H, s.C, memory, mask, keys]);
        s.H.MoveToOuterDisposeScope();
        s.C?.MoveToOuterDisposeScope();
        return (logits, next, weights);
    }
}
