using RnnToolkit.Attention;
using RnnToolkit.Tests.Support;

namespace RnnToolkit.Tests.Attention;

/// <summary>
/// What the attention modules promise beyond the goldens, each written from the mutants Stryker left alive
/// (docs/mutation.md): one query as (B, d), context from the values (not the keys), explicit scales, dropout only
/// while training, time-first cross-attention, the fused kernel only when nothing is masked, initialisation ranges,
/// registered parameters and boundary values of the arguments.
/// </summary>
public class AttentionContractTests
{
    static void ThrowsOutOfRange(Action a, string parameter) => Assert.Equal(parameter, Assert.Throws<ArgumentOutOfRangeException>(a).ParamName);

    [Fact]
    public void One_query_per_sequence_equals_a_one_step_query_and_the_context_reads_the_values()
    {
        random.manual_seed(41);
        var query = randn(3, 4);
        var keys = randn(3, 5, 6);
        var values = randn(3, 5, 2);
        var additive = new AdditiveAttention(4, 6, 7);
        var luong = new LuongAttention(4, 6);
        foreach (var (name, run) in new (string, Func<Tensor, AttentionResult>)[]
                 {
                     ("additive", q => additive.Run(q, keys, values)),
                     ("luong", q => luong.Run(q, keys, values)),
                 })
        {
            var single = run(query);
            var step = run(query.unsqueeze(1));
            Assert.Equal([3L, 2], single.Output.shape);
            Assert.Equal([3L, 5], single.Weights.shape);
            TensorAssert.Close(step.Output.squeeze(1), single.Output, $"{name}: output of (B, d) vs (B, 1, d)");
            TensorAssert.Close(step.Weights.squeeze(1), single.Weights, $"{name}: weights of (B, d) vs (B, 1, d)");
            // c = Σ_j α_j v_j with the given values (dv = 2), not the keys.
            TensorAssert.Close(matmul(single.Weights.unsqueeze(1), values).squeeze(1), single.Output, $"{name}: context = α · values");
        }

        var printed = new Bahdanau000AsPrintedAttention(4, 6, 7);
        var s = printed.Run(query, keys);
        var t = printed.Run(query.unsqueeze(1), keys);
        Assert.Equal([3L, 6], s.Output.shape);
        TensorAssert.Close(t.Output.squeeze(1), s.Output, "printed: output of (B, d) vs (B, 1, d)");
        TensorAssert.Close(matmul(s.Weights.unsqueeze(1), keys).squeeze(1), s.Output, "printed: context = α · x");
    }

    [Fact]
    public void An_explicit_scale_replaces_one_over_root_d()
    {
        random.manual_seed(42);
        var q = randn(2, 3, 4);
        var k = randn(2, 5, 4);
        var v = randn(2, 5, 3);
        var r = ScaledDotProductAttention.Compute(q, k, v, scale: 0.9);
        var weights = (0.9 * matmul(q, k.transpose(1, 2))).softmax(-1);
        TensorAssert.Close(weights, r.Weights, "softmax(0.9 q kᵀ)");
        TensorAssert.Close(matmul(weights, v), r.Output, "weights · v");
    }

    [Fact]
    public void Keras_attentions_drop_weights_only_while_training()
    {
        random.manual_seed(43);
        var query = randn(2, 4, 6);
        var value = randn(2, 5, 6);
        var flatQuery = randn(4, 6);
        var flatValue = randn(4, 6);
        foreach (var (name, module) in new (string, nn.Module)[] { ("KerasAttention", new KerasAttention(dropout: 0.5)), ("KerasAdditiveAttention", new KerasAdditiveAttention(6, dropout: 0.5)) })
        {
            AttentionResult Run(bool flat) => module switch
            {
                KerasAttention a => flat ? a.Run(flatQuery, flatValue) : a.Run(query, value),
                KerasAdditiveAttention a => flat ? a.Run(flatQuery, flatValue) : a.Run(query, value),
                _ => throw new InvalidOperationException(),
            };
            foreach (bool flat in new[] { false, true })
            {
                module.eval();
                var evaluated = Run(flat);
                // In evaluation: output = weights · value exactly, and the same every call.
                TensorAssert.Close(matmul(evaluated.Weights, flat ? flatValue : value), evaluated.Output, $"{name} (rank {(flat ? 2 : 3)}): eval output = weights · value");
                TensorAssert.Equal(evaluated.Output, Run(flat).Output, $"{name}: eval is deterministic");
                module.train();
                var trained = Run(flat);
                // While training the weights returned are the undropped ones, but the output uses dropped and rescaled weights.
                TensorAssert.Close(evaluated.Weights, trained.Weights, $"{name}: weights returned undropped");
                Assert.False(trained.Output.allclose(evaluated.Output), $"{name} (rank {(flat ? 2 : 3)}): training should drop weights");
            }
        }
    }

    [Fact]
    public void Time_first_cross_attention_equals_batch_first()
    {
        random.manual_seed(44);
        var bf = new MultiHeadAttention(8, 2);
        var tf = new MultiHeadAttention(8, 2, batchFirst: false);
        using (no_grad())
            foreach (var (n, p) in tf.named_parameters()) p.copy_(bf.get_parameter(n)!);
        var q = randn(2, 3, 8);
        var k = randn(2, 5, 8);
        var v = randn(2, 5, 8);
        var a = bf.Run(q, k, v);
        var b = tf.Run(q.transpose(0, 1), k.transpose(0, 1), v.transpose(0, 1));
        Assert.Equal([3L, 2, 8], b.Output.shape);
        TensorAssert.Close(a.Output, b.Output.transpose(0, 1), "time-first output");
        TensorAssert.Close(a.Weights, b.Weights, "weights");
        // Its checks read the batch from dimension 1: keys of another batch size are rejected, naming the layout.
        var e = Assert.Throws<ArgumentException>(() => tf.Run(q.transpose(0, 1), randn(5, 3, 8), randn(5, 3, 8)));
        Assert.Contains("batch size B = 2", e.Message);
        e = Assert.Throws<ArgumentException>(() => tf.Run(randn(3, 2, 6), k.transpose(0, 1), v.transpose(0, 1)));
        Assert.Contains("(T, B, E)", e.Message);
    }

    [Fact]
    public void Fused_kernel_runs_only_when_nothing_is_masked_and_no_weights_are_asked_for()
    {
        random.manual_seed(45);
        var mha = new MultiHeadAttention(8, 2) { FusedKernel = true };
        var x = randn(2, 5, 8);
        var keyMask = tensor(new[,] { { true, true, true, false, false }, { true, true, true, true, true } });
        var attentionMask = AttentionMasks.Causal(5).logical_not().logical_or(eye(5, dtype: ScalarType.Bool));   // only the diagonal and later keys
        // Masked runs without weights (forward's path) equal the explicit path with weights.
        var withWeights = mha.Run(x, x, x, keyMask);
        TensorAssert.Close(withWeights.Output, mha.Run(x, x, x, keyMask, needWeights: false).Output, "key mask, fused requested");
        var explicitMasked = mha.Run(x, x, x, attentionMask: attentionMask);
        TensorAssert.Close(explicitMasked.Output, mha.Run(x, x, x, attentionMask: attentionMask, needWeights: false).Output, "attention mask, fused requested");
        Assert.False(withWeights.Output.allclose(mha.Run(x, x, x).Output), "the key mask matters here");
        // Asking for weights always returns them.
        Assert.Equal([2L, 2, 5, 5], mha.Run(x, x, x).Weights.shape);
        Assert.Equal(0, mha.Run(x, x, x, needWeights: false).Weights.numel());
    }

    [Fact]
    public void Bias_false_leaves_no_bias_and_bias_true_starts_at_zero()
    {
        var with = new MultiHeadAttention(8, 2);
        Assert.Equal(0.0, with.get_parameter("in_proj_bias")!.abs().max().item<float>());
        Assert.Equal(0.0, with.get_parameter("out_proj.bias")!.abs().max().item<float>());
        var without = new MultiHeadAttention(8, 2, bias: false);
        Assert.DoesNotContain(without.named_parameters(), p => p.name.Contains("bias", StringComparison.Ordinal));
        Assert.Equal(2, without.parameters().Count());
    }

    [Fact]
    public void Initial_weights_fill_their_ranges_symmetrically()
    {
        random.manual_seed(46);
        // 000's printed attention: W_e, b_e ~ U(−1/√(|h| + |x|), ·), W_s ~ U(−1/√d, ·); Keras's scale ~ glorot U(−√(6/2d), ·).
        var printed = new Bahdanau000AsPrintedAttention(30, 34, 256);
        AssertUniform(printed.W_e, 1 / Math.Sqrt(64), "W_e");
        AssertUniform(printed.b_e, 1 / Math.Sqrt(64), "b_e");
        AssertUniform(printed.W_s, 1 / Math.Sqrt(256), "W_s");
        var keras = new KerasAdditiveAttention(400);
        AssertUniform(keras.parameters().Single(), Math.Sqrt(6.0 / 800), "scale");

        static void AssertUniform(Tensor w, double limit, string what)
        {
            double min = w.min().item<float>(), max = w.max().item<float>();
            Assert.True(min >= -limit - 1e-7 && max <= limit + 1e-7, $"{what}: [{min}, {max}] outside ±{limit}");
            Assert.True(min < -0.8 * limit && max > 0.8 * limit, $"{what}: [{min}, {max}] does not fill ±{limit}");
        }
    }

    [Fact]
    public void Modules_register_their_parameters()
    {
        var qkv = new QkvSelfAttention002(6, 4);
        Assert.NotEmpty(qkv.parameters());
        var pe = new PositionalEncoding(8, dropout: 0.3);
        Assert.Contains(pe.named_modules(), m => m.module is TorchSharp.Modules.Dropout);
        pe.eval();
        var x = zeros(1, 4, 8);
        TensorAssert.Equal(pe.call(x), pe.call(x), "eval: no dropout");
        pe.train();
        Assert.Contains(pe.children(), c => c.training);
    }

    [Fact]
    public void Boundary_arguments_are_rejected()
    {
        ThrowsOutOfRange(() => new MultiHeadAttention(0, 1), "embedDim");
        Assert.Throws<ArgumentException>(() => new MultiHeadAttention(8, 0));
        ThrowsOutOfRange(() => new MultiHeadAttention(8, 2, dropout: 1.0), "dropout");
        ThrowsOutOfRange(() => new MultiHeadAttention(8, 2, dropout: -0.1), "dropout");
        _ = new MultiHeadAttention(8, 2, dropout: 0.0);
        ThrowsOutOfRange(() => new MultiHeadAttention(8, 2, vdim: 0), "vdim");
        ThrowsOutOfRange(() => new KerasAdditiveAttention(0), "dim");
        ThrowsOutOfRange(() => new KerasAdditiveAttention(4, dropout: 1.0), "dropout");
        ThrowsOutOfRange(() => new KerasAdditiveAttention(4, dropout: -0.1), "dropout");
        _ = new KerasAdditiveAttention(4, dropout: 0.0);
        ThrowsOutOfRange(() => new KerasAttention(dropout: 1.0), "dropout");
        ThrowsOutOfRange(() => new KerasAttention(scoreMode: "concat", dropout: -0.1), "dropout");
        _ = new KerasAttention(dropout: 0.0);
        ThrowsOutOfRange(() => new PositionalEncoding(0), "modelSize");
        // Rank 2 scaled dot-product attention is allowed, rank 1 is not; empty query or key sequences are rejected.
        Assert.Equal([3L, 2], ScaledDotProductAttention.Compute(randn(3, 4), randn(5, 4), randn(5, 2)).Output.shape);
        Assert.Throws<ArgumentException>(() => ScaledDotProductAttention.Compute(randn(4), randn(4), randn(4)));
        Assert.Throws<ArgumentException>(() => ScaledDotProductAttention.Compute(randn(0, 4), randn(5, 4), randn(5, 2)));
        Assert.Throws<ArgumentException>(() => ScaledDotProductAttention.Compute(randn(3, 4), randn(0, 4), randn(0, 2)));
        Assert.Throws<ArgumentException>(() => ScaledDotProductAttention.Compute(randn(2, 3, 4), randn(3, 5, 4), randn(3, 5, 2)));
        Assert.Throws<ArgumentException>(() => new QkvSelfAttention002(6, 4).Run(randn(2, 0, 6)));
        Assert.Throws<ArgumentException>(() => new QkvSelfAttention002(6, 4).Run(randn(2, 3, 5)));
    }
}

/// <summary>Mask combination and argument checks, from the second round of Stryker's survivors (docs/mutation.md).</summary>
public class AttentionMaskContractTests
{
    static readonly Device Cpu = CPU;

    [Fact]
    public void Causal_with_more_keys_than_queries_aligns_the_last_query_with_the_last_key()
    {
        var mask = AttentionMasks.Causal(3, 5);
        Assert.Equal([3L, 5], mask.shape);
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 5; j++)
                Assert.Equal(j <= i + 2, mask[i, j].item<bool>());
        // Multi-head attention with that causal mask: the fused kernel, whose causal mask is aligned top-left, must not run.
        random.manual_seed(47);
        var mha = new MultiHeadAttention(8, 2) { FusedKernel = true };
        var q = randn(2, 3, 8);
        var kv = randn(2, 5, 8);
        TensorAssert.Close(mha.Run(q, kv, kv, causal: true).Output, mha.Run(q, kv, kv, causal: true, needWeights: false).Output, "causal, 3 queries over 5 keys, fused requested");
    }

    [Fact]
    public void Fused_kernel_in_evaluation_applies_no_dropout()
    {
        random.manual_seed(48);
        var mha = new MultiHeadAttention(8, 2, dropout: 0.5) { FusedKernel = true };
        mha.eval();
        var x = randn(2, 5, 8);
        TensorAssert.Close(mha.Run(x, x, x).Output, mha.Run(x, x, x, needWeights: false).Output, "eval: fused = explicit, no dropout");
    }

    [Fact]
    public void Combine_checks_the_attention_mask_rank_batch_and_heads_and_keeps_the_scores_rank()
    {
        var boolean = ScalarType.Bool;
        // Without heads (scores (B, Tq, Tk)): (Tq, Tk) and (B, Tq, Tk) masks pass unchanged in rank; 4-D and 1-D are refused.
        Assert.Equal([2L, 3, 4], AttentionMasks.Combine("t", 2, 0, 3, 4, null, ones(2, 3, 4, dtype: boolean), false, Cpu)!.shape);
        var e = Assert.Throws<ArgumentException>(() => AttentionMasks.Combine("t", 2, 0, 3, 4, null, ones(2, 1, 3, 4, dtype: boolean), false, Cpu));
        Assert.Contains("expected an attention mask of shape (3, 4) or (2, 3, 4) and dtype Bool; got [2, 1, 3, 4]", e.Message);
        Assert.Throws<ArgumentException>(() => AttentionMasks.Combine("t", 2, 0, 3, 4, null, ones(4, dtype: boolean), false, Cpu));
        // A (B, Tq, Tk) mask of another batch, a (B, h, Tq, Tk) mask of other heads.
        Assert.Throws<ArgumentException>(() => AttentionMasks.Combine("t", 2, 0, 3, 4, null, ones(3, 3, 4, dtype: boolean), false, Cpu));
        e = Assert.Throws<ArgumentException>(() => AttentionMasks.Combine("t", 2, 2, 3, 4, null, ones(2, 3, 3, 4, dtype: boolean), false, Cpu));
        Assert.Contains("expected an attention mask of shape (3, 4), (2, 3, 4) or (2, 2, 3, 4) and dtype Bool; got [2, 3, 3, 4]", e.Message);
        // With heads, a (B, Tq, Tk) mask gains the head dimension.
        Assert.Equal([2L, 1, 3, 4], AttentionMasks.Combine("t", 2, 2, 3, 4, null, ones(2, 3, 4, dtype: boolean), false, Cpu)!.shape);
    }

    [Fact]
    public void Query_and_value_checks_of_the_query_key_attentions()
    {
        var keys = randn(2, 5, 6);
        var e = Assert.Throws<ArgumentException>(() => new AdditiveAttention(4, 6, 3).Run(randn(2, 0, 4), keys));
        Assert.Contains("at least one query", e.Message);
        e = Assert.Throws<ArgumentException>(() => new LuongAttention(4, 6).Run(randn(2, 4), keys, randn(2, 4, 3)));
        Assert.Contains("one per key", e.Message);
        Assert.Throws<ArgumentException>(() => new AdditiveAttention(4, 6, 3).Run(randn(2, 4), keys, randn(3, 5, 3)));
        Assert.Throws<ArgumentException>(() => new AdditiveAttention(4, 6, 3).Run(randn(2, 4), keys, randn(2, 5)));
        // Only the keys' batch differs (values agree with the query): still rejected, by both module and function.
        var x = randn(2, 5, 8);
        e = Assert.Throws<ArgumentException>(() => new MultiHeadAttention(8, 2).Run(x, randn(3, 5, 8), x));
        Assert.Contains("batch size B = 2", e.Message);
        Assert.Throws<ArgumentException>(() => ScaledDotProductAttention.Compute(randn(2, 3, 4), randn(3, 5, 4), randn(2, 5, 2)));
    }

    [Fact]
    public void Keras_rank_2_inputs_messages_and_unscaled_additive_scores()
    {
        var q = randn(4, 6);
        var v = randn(4, 6);
        var e = Assert.Throws<ArgumentException>(() => new KerasAttention().Run(q, v, valueMask: ones(4, 6, dtype: ScalarType.Bool)));
        Assert.Contains("masks need sequences", e.Message);
        e = Assert.Throws<ArgumentException>(() => new KerasAttention().Run(q, randn(3, 6)));
        Assert.Contains("expected rank-2 query (B, d), value (B, dv) and key (B, d)", e.Message);
        // Without a scale vector: scores_ij = Σ_d tanh(q_id + k_jd), weights = softmax over j, output = weights · v.
        var additive = new KerasAdditiveAttention(6, useScale: false);
        var r = additive.Run(q, v);
        var weights = (q.unsqueeze(1) + v.unsqueeze(0)).tanh().sum(-1).softmax(-1);
        TensorAssert.Close(weights, r.Weights, "unscaled additive weights (B, B)");
        TensorAssert.Close(matmul(weights, v), r.Output, "output");
    }
}

/// <summary>forward of every attention module, and Keras's rank-2 scores with a scale, from the third round (docs/mutation.md).</summary>
public class AttentionForwardContractTests
{
    [Fact]
    public void Forward_returns_the_output_of_run()
    {
        random.manual_seed(49);
        var query = randn(2, 3, 4);
        var keys = randn(2, 5, 4);
        var additive = new AdditiveAttention(4, 4, 3);
        TensorAssert.Close(additive.Run(query, keys).Output, additive.call(query, keys), "AdditiveAttention");
        var luong = new LuongAttention(4, 4);
        TensorAssert.Close(luong.Run(query, keys).Output, luong.call(query, keys), "LuongAttention");
        var printed = new Bahdanau000AsPrintedAttention(4, 4, 3);
        TensorAssert.Close(printed.Run(query, keys).Output, printed.call(query, keys), "Bahdanau000AsPrintedAttention");
        var keras = new KerasAttention(scoreMode: "concat");
        TensorAssert.Close(keras.Run(query, keys).Output, keras.call(query, keys), "KerasAttention");
        var kerasAdditive = new KerasAdditiveAttention(4);
        TensorAssert.Close(kerasAdditive.Run(query, keys).Output, kerasAdditive.call(query, keys), "KerasAdditiveAttention");
        var qkv = new QkvSelfAttention002(4, 3);
        TensorAssert.Close(qkv.Run(query).Output, qkv.call(query), "QkvSelfAttention002");
        var mha = new MultiHeadAttention(4, 2);
        TensorAssert.Close(mha.Run(query, keys, keys).Output, mha.call(query, keys, keys), "MultiHeadAttention");
    }

    [Theory]
    [InlineData("dot")]
    [InlineData("concat")]
    public void Keras_rank_2_scores_use_the_scale_and_the_concat_weight(string mode)
    {
        random.manual_seed(50);
        var layer = new KerasAttention(useScale: true, scoreMode: mode);
        using (no_grad())
        {
            layer.get_parameter("scale")!.fill_(0.7);
            layer.get_parameter("concat_score_weight")?.fill_(-1.3);
        }
        var q = randn(4, 6);
        var v = randn(4, 6);
        var scores = mode == "dot" ? 0.7 * matmul(q, v.t()) : -1.3 * (0.7 * (q.unsqueeze(1) + v.unsqueeze(0))).tanh().sum(-1);
        var r = layer.Run(q, v);
        TensorAssert.Close(scores.softmax(-1), r.Weights, $"{mode}: weights (B, B)");
        TensorAssert.Close(matmul(scores.softmax(-1), v), r.Output, $"{mode}: output");
    }
}
