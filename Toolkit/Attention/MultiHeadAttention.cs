using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RnnToolkit.Attention;

/// <summary>
/// Multi-head attention (Vaswani et al. 2017) with PyTorch's nn.MultiheadAttention parameter layout, so a state dict
/// loads one-to-one (<c>in_proj_weight</c>, <c>in_proj_bias</c>, <c>out_proj.weight</c>, <c>out_proj.bias</c>; with
/// kdim or vdim ≠ E, <c>q_proj_weight</c>, <c>k_proj_weight</c>, <c>v_proj_weight</c> instead of <c>in_proj_weight</c>),
/// plus what TorchSharp's lacks: batch-first tensors, key/value sizes of their own and per-head weights.
/// <code>
/// [W_q; W_k; W_v] = in_proj_weight (3E, E)                  when kdim = vdim = E
/// W_q = q_proj_weight (E, E), W_k = k_proj_weight (E, kdim), W_v = v_proj_weight (E, vdim)   otherwise;  d = E / h
/// Q = query W_qᵀ + b_q,  K = key W_kᵀ + b_k,  V = value W_vᵀ + b_v        split into h heads of d features
/// head_i = softmax(Q_i K_iᵀ / √d) V_i
/// output = [head_1; …; head_h] W_oᵀ + b_o                                  out_proj
/// </code>
/// </summary>
public sealed class MultiHeadAttention : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    /// <summary>[W_q; W_k; W_v], shape (3E, E), when kdim = vdim = E; else null (as in PyTorch).</summary>
    public readonly Parameter? in_proj_weight;
    /// <summary>W_q (E, E) when kdim or vdim differs from E; else null.</summary>
    public readonly Parameter? q_proj_weight;
    /// <summary>W_k (E, kdim) when kdim or vdim differs from E; else null.</summary>
    public readonly Parameter? k_proj_weight;
    /// <summary>W_v (E, vdim) when kdim or vdim differs from E; else null.</summary>
    public readonly Parameter? v_proj_weight;
    /// <summary>[b_q; b_k; b_v], shape (3E), or null.</summary>
    public readonly Parameter? in_proj_bias;
    /// <summary>The output projection W_o (E, E), b_o (E).</summary>
    public readonly Linear out_proj;

    /// <summary>A new layer with PyTorch's initialization (Xavier-uniform in_proj_weight or q/k/v_proj_weight, zero biases).</summary>
    /// <param name="embedDim">E, the model size.</param>
    /// <param name="numHeads">h; must divide E.</param>
    /// <param name="dropout">Dropout on the attention weights while training.</param>
    /// <param name="bias">Whether the projections have biases.</param>
    /// <param name="batchFirst">Tensors are (B, T, E) when true (the default), (T, B, E) when false (PyTorch's default).</param>
    /// <param name="kdim">Features of a key (PyTorch's kdim); null for E.</param>
    /// <param name="vdim">Features of a value (PyTorch's vdim); null for E.</param>
    public MultiHeadAttention(long embedDim, long numHeads, double dropout = 0, bool bias = true, bool batchFirst = true, long? kdim = null, long? vdim = null) : base(nameof(MultiHeadAttention))
    {
        if (embedDim <= 0) throw new ArgumentOutOfRangeException(nameof(embedDim), embedDim, "Expected embedDim > 0.");
        if (numHeads <= 0 || embedDim % numHeads != 0)
            throw new ArgumentException($"MultiHeadAttention: expected a number of heads that divides the model size {embedDim}; got {numHeads} heads.", nameof(numHeads));
        if (dropout < 0 || dropout >= 1) throw new ArgumentOutOfRangeException(nameof(dropout), dropout, "Expected dropout in [0, 1).");
        if (kdim <= 0) throw new ArgumentOutOfRangeException(nameof(kdim), kdim, "Expected kdim > 0 (or null for embedDim).");
        if (vdim <= 0) throw new ArgumentOutOfRangeException(nameof(vdim), vdim, "Expected vdim > 0 (or null for embedDim).");
        EmbedDim = embedDim;
        KeyDim = kdim ?? embedDim;
        ValueDim = vdim ?? embedDim;
        NumHeads = numHeads;
        Dropout = dropout;
        BatchFirst = batchFirst;
        if (SameEmbedDim)
            in_proj_weight = new Parameter(nn.init.xavier_uniform_(empty(3 * embedDim, embedDim)));
        else
        {
            q_proj_weight = new Parameter(nn.init.xavier_uniform_(empty(embedDim, embedDim)));
            k_proj_weight = new Parameter(nn.init.xavier_uniform_(empty(embedDim, KeyDim)));
            v_proj_weight = new Parameter(nn.init.xavier_uniform_(empty(embedDim, ValueDim)));
        }
        in_proj_bias = bias ? new Parameter(zeros(3 * embedDim)) : null;
        out_proj = nn.Linear(embedDim, embedDim, hasBias: bias);
        if (bias) using (no_grad()) out_proj.bias!.zero_();
        RegisterComponents();
    }

    /// <summary>E, the model size.</summary>
    public long EmbedDim { get; }

    /// <summary>kdim, the features of a key (E unless given).</summary>
    public long KeyDim { get; }

    /// <summary>vdim, the features of a value (E unless given).</summary>
    public long ValueDim { get; }

    /// <summary>True when kdim = vdim = E: one packed in_proj_weight (PyTorch's _qkv_same_embed_dim).</summary>
    public bool SameEmbedDim => KeyDim == EmbedDim && ValueDim == EmbedDim;

    /// <summary>h, the number of heads.</summary>
    public long NumHeads { get; }

    /// <summary>d = E / h, the features per head.</summary>
    public long HeadDim => EmbedDim / NumHeads;

    /// <summary>Dropout probability on the attention weights while training.</summary>
    public double Dropout { get; }

    /// <summary>(B, T, E) when true, (T, B, E) when false.</summary>
    public bool BatchFirst { get; }

    /// <summary>
    /// When true, calls that ask for no weights and mask nothing but causality run libtorch's fused
    /// scaled_dot_product_attention. Off by default: on this project's 2-core CPU host its backward is about 2x slower
    /// than the explicit softmax(QKᵀ/√d)V (B = 64, T = 100, E = 128, 4 heads), which also gives the weights.
    /// </summary>
    public bool FusedKernel { get; set; }

    /// <summary>The attended output for (query, key, value); use <see cref="Run"/> for the weights and masks.</summary>
    public override Tensor forward(Tensor query, Tensor key, Tensor value)
    {
        using var scope = NewDisposeScope();
        return Run(query, key, value, needWeights: false).Output.MoveToOuterDisposeScope();
    }

    /// <summary>Self-attention: query = key = value = x.</summary>
    public AttentionResult SelfAttention(Tensor x, Tensor? keyMask = null, Tensor? attentionMask = null, bool causal = false, bool needWeights = true)
        => Run(x, x, x, keyMask, attentionMask, causal, needWeights);

    /// <summary>Runs the attention.</summary>
    /// <param name="query">(B, Tq, E) batch-first, else (Tq, B, E).</param>
    /// <param name="key">(B, Tk, kdim) batch-first, else (Tk, B, kdim).</param>
    /// <param name="value">(B, Tk, vdim) batch-first, else (Tk, B, vdim).</param>
    /// <param name="keyMask">(B, Tk) booleans, true where a key is real (the opposite of PyTorch's key_padding_mask); or null.</param>
    /// <param name="attentionMask">(Tq, Tk), (B, Tq, Tk) or (B, h, Tq, Tk) booleans, true where query i may see key j (the opposite of PyTorch's boolean attn_mask); or null.</param>
    /// <param name="causal">Queries cannot see later keys.</param>
    /// <param name="needWeights">Return the weights; when false with <see cref="FusedKernel"/> (and nothing masked but causality), the fused kernel runs and <see cref="AttentionResult.Weights"/> is an empty tensor.</param>
    /// <param name="averageWeights">Return weights averaged over heads (B, Tq, Tk), as PyTorch does by default, instead of per head (B, h, Tq, Tk).</param>
    public AttentionResult Run(Tensor query, Tensor key, Tensor value, Tensor? keyMask = null, Tensor? attentionMask = null, bool causal = false, bool needWeights = true, bool averageWeights = false)
    {
        CheckInputs(query, key, value);
        using var scope = NewDisposeScope();
        bool self = ReferenceEquals(query, key) && ReferenceEquals(key, value) && SameEmbedDim;
        if (!BatchFirst)
        {
            query = query.transpose(0, 1);
            key = self ? query : key.transpose(0, 1);
            value = self ? query : value.transpose(0, 1);
        }
        long B = query.shape[0], Tq = query.shape[1], Tk = key.shape[1], h = NumHeads, d = HeadDim;
        bool fused = FusedKernel && !needWeights && keyMask is null && attentionMask is null && (!causal || Tq == Tk);
        var mask = fused ? null : AttentionMasks.Combine(nameof(MultiHeadAttention), B, h, Tq, Tk, keyMask, attentionMask, causal, query.device);

        // Heads contiguous as (B, h, T, d): the products below then run as plain batched GEMMs (≈ 1.2x faster than on strided views).
        Tensor q, k, v;
        if (self)
        {
            var qkv = nn.functional.linear(query, in_proj_weight!, in_proj_bias).view(B, Tq, 3, h, d).permute(2, 0, 3, 1, 4).contiguous();
            var heads3 = qkv.unbind(0);                          // one backward node (a stack), not three zero-filled selects
            (q, k, v) = (heads3[0], heads3[1], heads3[2]);
        }
        else
        {
            var w = SameEmbedDim ? in_proj_weight!.chunk(3, 0) : [q_proj_weight!, k_proj_weight!, v_proj_weight!];
            var b = in_proj_bias?.chunk(3, 0);
            q = nn.functional.linear(query, w[0], b?[0]).view(B, Tq, h, d).transpose(1, 2).contiguous();
            k = nn.functional.linear(key, w[1], b?[1]).view(B, Tk, h, d).transpose(1, 2).contiguous();
            v = nn.functional.linear(value, w[2], b?[2]).view(B, Tk, h, d).transpose(1, 2).contiguous();
        }

        Tensor heads, weights;
        double p = training ? Dropout : 0;
        if (fused)
        {
            heads = nn.functional.scaled_dot_product_attention(q, k, v, null, p, causal);
            weights = query.new_empty(0);                        // none, in the module's type and device
        }
        else
        {
            var r = ScaledDotProductAttention.Compute(q, k, v, mask, null, p, training);
            (heads, weights) = (r.Output, averageWeights ? r.Weights.mean([1]) : r.Weights);
        }
        var output = out_proj.call(heads.transpose(1, 2).reshape(B, Tq, EmbedDim));
        if (!BatchFirst) output = output.transpose(0, 1);
        return new AttentionResult(output, weights).MoveToOuter();
    }

    void CheckInputs(Tensor query, Tensor key, Tensor value)
    {
        static string S(Tensor t) => "[" + string.Join(", ", t.shape) + "]";
        string layout = BatchFirst ? "(B, T, E)" : "(T, B, E)";
        int batchDim = BatchFirst ? 0 : 1, timeDim = BatchFirst ? 1 : 0;
        foreach (var (t, name, size, symbol) in new[] { (query, "query", EmbedDim, "E"), (key, "key", KeyDim, "kdim"), (value, "value", ValueDim, "vdim") })
            if (t.dim() != 3 || t.shape[2] != size)
                throw new ArgumentException($"MultiHeadAttention: expected {name} of shape {layout.Replace("E", symbol)} with {symbol} = {size}; got {S(t)}.", name);
        if (key.shape[batchDim] != query.shape[batchDim] || value.shape[batchDim] != query.shape[batchDim])
            throw new ArgumentException($"MultiHeadAttention: expected the same batch size B = {query.shape[batchDim]} for query, key and value; got query {S(query)}, key {S(key)}, value {S(value)}.", nameof(key));
        if (key.shape[timeDim] != value.shape[timeDim])
            throw new ArgumentException($"MultiHeadAttention: expected as many values as keys (Tk = {key.shape[timeDim]}); got key {S(key)}, value {S(value)}.", nameof(value));
        if (query.shape[timeDim] == 0 || key.shape[timeDim] == 0 || query.shape[batchDim] == 0)
            throw new ArgumentException($"MultiHeadAttention: expected at least one sequence, one query and one key; got query {S(query)}, key {S(key)}.", nameof(query));
    }
}
