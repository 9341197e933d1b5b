using RnnToolkit.Attention;
using RnnToolkit.Tests.Support;

namespace RnnToolkit.Tests.Attention;

/// <summary>
/// Messages, mixed ranks and time-first checks, from the survivors of the Stryker run on 8de1164 (docs/mutation.md): the
/// text of argument and shape errors, Keras layers refusing mixed ranks, a rank-2 query or key of the wrong width, the
/// time-first layout reading T from dimension 0, Combine refusing every 4-D mask without heads, and the fused kernel
/// running (empty weights) for unmasked cross-attention and square causal attention.
/// </summary>
public class AttentionMessageContractTests
{
    static void OutOfRange(Action a, string parameter, string expected)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(a);
        Assert.Equal(parameter, e.ParamName);
        Assert.Contains(expected, e.Message);
    }

    static ArgumentException Refused(Action a, string parameter, params string[] fragments)
    {
        var e = Assert.Throws<ArgumentException>(a);
        Assert.Equal(parameter, e.ParamName);
        foreach (var f in fragments) Assert.Contains(f, e.Message);
        return e;
    }

    [Fact]
    public void Out_of_range_arguments_say_which_values_are_allowed()
    {
        OutOfRange(() => new MultiHeadAttention(0, 1), "embedDim", "Expected embedDim > 0.");
        OutOfRange(() => new MultiHeadAttention(8, 2, dropout: 1.0), "dropout", "Expected dropout in [0, 1).");
        OutOfRange(() => new MultiHeadAttention(8, 2, kdim: 0), "kdim", "Expected kdim > 0 (or null for embedDim).");
        OutOfRange(() => new MultiHeadAttention(8, 2, vdim: 0), "vdim", "Expected vdim > 0 (or null for embedDim).");
        OutOfRange(() => new KerasAdditiveAttention(0), "dim", "Expected dim > 0.");
        OutOfRange(() => new KerasAdditiveAttention(4, dropout: -0.1), "dropout", "Expected dropout in [0, 1).");
        OutOfRange(() => new PositionalEncoding(0), "modelSize", "Expected modelSize > 0.");
    }

    [Fact]
    public void Shape_errors_name_the_argument_and_its_expected_shape()
    {
        var mha = new MultiHeadAttention(8, 2, kdim: 6, vdim: 4);
        var q = randn(2, 5, 8);
        var k = randn(2, 5, 6);
        var v = randn(2, 5, 4);
        Refused(() => mha.Run(randn(2, 5, 7), k, v), "query", "expected query of shape (B, T, E) with E = 8; got [2, 5, 7]");
        Refused(() => mha.Run(q, randn(2, 5, 7), v), "key", "expected key of shape (B, T, kdim) with kdim = 6; got [2, 5, 7]");
        Refused(() => mha.Run(q, k, randn(2, 5, 7)), "value", "expected value of shape (B, T, vdim) with vdim = 4; got [2, 5, 7]");

        Refused(() => new QkvSelfAttention002(6, 4).Run(randn(2, 3, 5)), "x", "QkvSelfAttention002: expected input of shape (B, T ≥ 1, 6); got [2, 3, 5]");

        Refused(() => ScaledDotProductAttention.Compute(randn(4), randn(4), randn(4)), "query",
            "ScaledDotProductAttention: expected query, key and value of the same rank ≥ 2, (…, T, d); got query [4], key [4], value [4]");
        Refused(() => ScaledDotProductAttention.Compute(randn(0, 4), randn(5, 4), randn(5, 2)), "query",
            "ScaledDotProductAttention: expected at least one query and one key; got query [0, 4], key [5, 4]");
        Refused(() => ScaledDotProductAttention.Compute(randn(2, 3, 4), randn(3, 5, 4), randn(3, 5, 2)), "key",
            "ScaledDotProductAttention: expected the same leading (batch) dimensions; got query [2, 3, 4], key [3, 5, 4], value [3, 5, 2]");
    }

    [Fact]
    public void Keras_layers_refuse_mixed_ranks_with_the_sequence_message()
    {
        // Rank 2 only when query, key and value all are: a rank-2 value with rank-3 query and key, or a rank-3 key with
        // rank-2 query and value, is refused by the sequence form's check, even when the widths would let the rank-2 form run.
        foreach (var (name, run) in new (string, Func<Tensor, Tensor, Tensor, AttentionResult>)[]
                 {
                     ("KerasAttention", (q, v, k) => new KerasAttention().Run(q, v, k)),
                     ("KerasAdditiveAttention", (q, v, k) => new KerasAdditiveAttention(4).Run(q, v, k)),
                 })
        {
            Refused(() => run(randn(2, 4, 4), randn(2, 4), randn(2, 4, 4)), "query",
                $"{name}: expected query (B, Tq, d), value (B, Tv, dv) and key (B, Tv, d); got query [2, 4, 4], value [2, 4], key [2, 4, 4]");
            Refused(() => run(randn(2, 4), randn(2, 3), randn(2, 4, 4)), "query",
                $"{name}: expected query (B, Tq, d), value (B, Tv, dv) and key (B, Tv, d); got query [2, 4], value [2, 3], key [2, 4, 4]");
        }
    }

    [Fact]
    public void Keras_rank_2_inputs_need_query_and_key_of_width_d()
    {
        // KerasAttention takes d from the query, so only a key of another width is wrong; KerasAdditiveAttention has d = 6.
        const string expected = "expected rank-2 query (B, d), value (B, dv) and key (B, d) with the same B ≥ 1 and d = 6";
        Refused(() => new KerasAttention().Run(randn(4, 6), randn(4, 3), randn(4, 5)), "query", "KerasAttention: " + expected, "key [4, 5]");
        Refused(() => new KerasAdditiveAttention(6).Run(randn(4, 5), randn(4, 6)), "query", "KerasAdditiveAttention: " + expected, "query [4, 5]");
        Refused(() => new KerasAdditiveAttention(6).Run(randn(4, 6), randn(4, 3), randn(4, 5)), "query", "KerasAdditiveAttention: " + expected, "key [4, 5]");
    }

    [Fact]
    public void Time_first_checks_read_the_time_from_dimension_0()
    {
        var tf = new MultiHeadAttention(8, 2, batchFirst: false);
        var q = randn(3, 2, 8);
        // (T, B, E): 5 keys but 4 values, and no queries, are refused although the batch (dimension 1) agrees.
        Refused(() => tf.Run(q, randn(5, 2, 8), randn(4, 2, 8)), "value", "expected as many values as keys (Tk = 5); got key [5, 2, 8], value [4, 2, 8]");
        Refused(() => tf.Run(randn(0, 2, 8), randn(5, 2, 8), randn(5, 2, 8)), "query", "expected at least one sequence, one query and one key; got query [0, 2, 8]");
    }

    [Fact]
    public void Without_heads_every_4_D_attention_mask_is_refused()
    {
        // Scores without heads are (B, Tq, Tk): a 4-D mask is refused even when its head dimension is empty, which the
        // batch, query, key and head checks alone would let through.
        var e = Refused(() => AttentionMasks.Combine("t", 2, 0, 3, 4, null, ones(2, 0, 3, 4, dtype: ScalarType.Bool), false, CPU), "attentionMask",
            "t: expected an attention mask of shape (3, 4) or (2, 3, 4) and dtype Bool; got [2, 0, 3, 4]");
        Assert.DoesNotContain("(2, 0, 3, 4)", e.Message);
    }

    [Fact]
    public void Fused_kernel_runs_for_unmasked_cross_attention_and_for_square_causal_attention()
    {
        // Documented: with FusedKernel, no weights asked for and nothing masked but causality, the fused kernel runs and
        // the weights are an empty tensor. Causality alone keeps it only when Tq = Tk (its causal mask is aligned top-left).
        random.manual_seed(51);
        var mha = new MultiHeadAttention(8, 2) { FusedKernel = true };
        var q = randn(2, 3, 8);
        var kv = randn(2, 5, 8);
        var x = randn(2, 4, 8);
        foreach (var (what, query, keys, causal) in new[] { ("cross, 3 queries over 5 keys", q, kv, false), ("self, causal, 4 over 4", x, x, true) })
        {
            var fused = mha.Run(query, keys, keys, causal: causal, needWeights: false);
            Assert.Equal(0, fused.Weights.numel());
            TensorAssert.Close(mha.Run(query, keys, keys, causal: causal).Output, fused.Output, what + ": fused = explicit");
        }
        Assert.NotEqual(0, mha.Run(q, kv, kv, causal: true, needWeights: false).Weights.numel());   // 3 over 5, causal: explicit path
    }
}
