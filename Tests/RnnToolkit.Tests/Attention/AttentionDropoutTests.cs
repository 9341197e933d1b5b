using RnnToolkit.Attention;
using RnnToolkit.Tests.Support;

namespace RnnToolkit.Tests.Attention;

/// <summary>
/// Dropout on the attention weights. With the identity as values (V = I, Tk = dv) the output IS the weights that
/// multiplied V (a product with I is exact), so the dropped weights can be compared with the undropped ones.
/// </summary>
public class AttentionDropoutTests
{
    const double P = 0.3;

    static Tensor Identity(long batch, long n) => torch.eye(n).expand(batch, n, n).contiguous();

    /// <summary>Every element of <paramref name="dropped"/> is 0 or weights/(1 − p); returns the fraction of zeros.</summary>
    static double CheckDropped(Tensor weights, Tensor dropped, string what)
    {
        Assert.True(weights.gt(0).all().item<bool>(), $"{what}: a softmax weight underflowed to 0; the zero count would be ambiguous");
        var zero = dropped.eq(0);
        var kept = zero.logical_not();
        TensorAssert.Close(weights.masked_select(kept) / (1 - P), dropped.masked_select(kept), $"{what}: kept weights scaled by 1/(1 − p)", 1e-7, 1e-6);
        return zero.to(ScalarType.Float64).mean().item<double>();
    }

    [Fact]
    public void ScaledDotProductAttention_drops_weights_at_rate_p_and_scales_the_rest()
    {
        torch.random.manual_seed(21);
        long B = 8, Tq = 64, Tk = 64, d = 8;
        var q = torch.randn(B, Tq, d);
        var k = torch.randn(B, Tk, d);
        var v = Identity(B, Tk);
        var plain = ScaledDotProductAttention.Compute(q, k, v);
        TensorAssert.Equal(plain.Weights, plain.Output, "V = I: the output is the weights");

        // Evaluation: no dropout at all.
        var eval = ScaledDotProductAttention.Compute(q, k, v, dropout: P, training: false);
        TensorAssert.Equal(plain.Output, eval.Output, "eval output = no-dropout output");

        // Training: dropped weights are 0, kept ones weights/(1 − p); the weights returned are the undropped ones.
        torch.random.manual_seed(5);
        var train = ScaledDotProductAttention.Compute(q, k, v, dropout: P, training: true);
        TensorAssert.Equal(plain.Weights, train.Weights, "returned weights are before dropout");
        double rate = CheckDropped(plain.Weights, train.Output, "sdpa");
        Assert.True(Math.Abs(rate - P) < 0.01, $"drop rate {rate:F4} over {B * Tq * Tk} weights, expected ≈ {P}");

        // Same seed, same result; another seed, another mask.
        torch.random.manual_seed(5);
        TensorAssert.Equal(train.Output, ScaledDotProductAttention.Compute(q, k, v, dropout: P, training: true).Output, "same seed");
        torch.random.manual_seed(6);
        Assert.False(train.Output.eq(ScaledDotProductAttention.Compute(q, k, v, dropout: P, training: true).Output).all().item<bool>(), "another seed should drop other weights");
    }

    [Fact]
    public void ScaledDotProductAttention_dropout_matches_TorchSharp_under_the_same_seed()
    {
        torch.random.manual_seed(22);
        long B = 4, Tq = 32, Tk = 48, d = 8;
        var q = torch.randn(B, Tq, d);
        var k = torch.randn(B, Tk, d);
        var v = Identity(B, Tk);
        torch.random.manual_seed(9);
        var mine = ScaledDotProductAttention.Compute(q, k, v, dropout: P, training: true).Output;
        torch.random.manual_seed(9);
        var theirs = torch.nn.functional.scaled_dot_product_attention(q, k, v, null, P, false);
        TensorAssert.Equal(theirs.eq(0), mine.eq(0), "the same weights dropped");
        TensorAssert.Close(theirs, mine, "the same dropped weights", 1e-7, 1e-5);
    }

    /// <summary>One head, identity projections and zero biases: Q = query, K = key, V = value = I, output = the dropped weights.</summary>
    static MultiHeadAttention IdentityMha(long e, double dropout)
    {
        var m = new MultiHeadAttention(e, 1, dropout);
        using var _ = torch.no_grad();
        m.in_proj_weight!.copy_(torch.cat([torch.eye(e), torch.eye(e), torch.eye(e)], 0));
        m.in_proj_bias!.zero_();
        m.out_proj.weight.copy_(torch.eye(e));
        m.out_proj.bias!.zero_();
        return m;
    }

    [Fact]
    public void MultiHeadAttention_dropout_only_while_training()
    {
        torch.random.manual_seed(23);
        long B = 8, Tq = 64, E = 32;
        var query = torch.randn(B, Tq, E);
        var key = torch.randn(B, E, E);
        var value = Identity(B, E);
        var reference = IdentityMha(E, 0);
        var plain = reference.Run(query, key, value);
        TensorAssert.Close(plain.Weights.squeeze(1), plain.Output, "identity set-up: output = weights", 1e-7, 1e-6);

        var m = IdentityMha(E, P);
        m.eval();
        TensorAssert.Equal(plain.Output, m.Run(query, key, value).Output, "eval output = no-dropout output");

        m.train();
        torch.random.manual_seed(3);
        var train = m.Run(query, key, value);
        TensorAssert.Equal(plain.Weights, train.Weights, "returned weights are before dropout");
        double rate = CheckDropped(plain.Output, train.Output, "mha");
        Assert.True(Math.Abs(rate - P) < 0.01, $"drop rate {rate:F4} over {B * Tq * E} weights, expected ≈ {P}");
        torch.random.manual_seed(3);
        TensorAssert.Equal(train.Output, m.Run(query, key, value).Output, "same seed");

        // A general layer: eval equals the same weights without dropout; training under a seed is reproducible.
        torch.random.manual_seed(24);
        var general = new MultiHeadAttention(12, 3, P);
        var undropped = new MultiHeadAttention(12, 3, 0);
        undropped.load_state_dict(general.state_dict());
        var x = torch.randn(2, 7, 12);
        general.eval();
        TensorAssert.Equal(undropped.SelfAttention(x).Output, general.SelfAttention(x).Output, "general layer, eval");
        general.train();
        torch.random.manual_seed(8);
        var a = general.SelfAttention(x).Output;
        torch.random.manual_seed(8);
        TensorAssert.Equal(a, general.SelfAttention(x).Output, "general layer, same seed");
        Assert.False(a.eq(undropped.SelfAttention(x).Output).all().item<bool>(), "training should drop something");
    }
}
