using RnnToolkit.Attention;
using RnnToolkit.Tests.Support;

namespace RnnToolkit.Tests.Attention;

/// <summary>Over random lengths: a padded key never receives weight and changing it changes nothing; a causal mask never lets a query see the future.</summary>
public class MaskPropertyTests
{
    /// <summary>Every attention of the toolkit as (keys, key mask, causal) → (output (B, Tq, dv), weights (B, [h,] Tq, Tk)), over self-attention of x.</summary>
    static IEnumerable<(string Name, Func<Tensor, Tensor?, bool, AttentionResult> Attend)> Attentions(long d)
    {
        var mha = new MultiHeadAttention(d, 2);
        var additive = new AdditiveAttention(d, d, 5);
        var printed = new Bahdanau000AsPrintedAttention(d, d, 5);
        var luong = new LuongAttention(d, d, LuongScore.General);
        var keras = new KerasAttention(true, "concat");
        yield return ("sdpa", (x, m, c) => ScaledDotProductAttention.Compute(x, x, x, AttentionMasks.Combine("t", x.shape[0], 0, x.shape[1], x.shape[1], m, null, c, x.device)));
        yield return ("mha", (x, m, c) => mha.Run(x, x, x, m, causal: c));
        yield return ("keras", (x, m, c) => keras.Run(x, x, null, null, m, c));
        yield return ("additive", (x, m, c) => additive.Run(x, x, keyMask: m));
        yield return ("bahdanau000", (x, m, c) => printed.Run(x, x, m));
        yield return ("luong", (x, m, c) => luong.Run(x, x, keyMask: m));
    }

    [Fact]
    public void Padded_keys_get_no_weight_and_do_not_matter()
    {
        var rng = new Random(11);
        for (int trial = 0; trial < 8; trial++)
        {
            torch.random.manual_seed(trial);
            long B = rng.Next(1, 5), T = rng.Next(1, 9), d = 4;
            var lengths = Enumerable.Range(0, (int)B).Select(_ => (long)rng.Next(1, (int)T + 1)).ToArray();
            var mask = AttentionMasks.FromLengths(torch.tensor(lengths), T);
            var x = torch.randn(B, T, d);
            var noise = torch.randn(B, T, d) * mask.logical_not().unsqueeze(-1);   // changes padded steps only
            foreach (var (name, attend) in Attentions(d))
            {
                var a = attend(x, mask, false);
                var w = a.Weights.dim() == 4 ? a.Weights : a.Weights.unsqueeze(1);
                var padded = mask.logical_not().view(B, 1, 1, T).expand_as(w);
                Assert.True(w.masked_select(padded).eq(0).all().item<bool>(), $"{name}: a padded key got weight (lengths {string.Join(",", lengths)}, T {T})");
                Assert.True(torch.allclose(w.sum(dim: -1), torch.ones_like(w.sum(dim: -1)), 1e-5, 1e-5), $"{name}: weights do not sum to 1");
                // Queries at real steps do not change when the padded keys/values change (queries at padded steps may).
                var b = attend(x + noise, mask, false);
                var real = mask.unsqueeze(-1);
                TensorAssert.Close(a.Output * real, b.Output * real, $"{name}: output of real steps after changing padded keys", 1e-5, 1e-5);
            }
        }
    }

    [Fact]
    public void Causal_mask_never_sees_the_future()
    {
        var rng = new Random(12);
        for (int trial = 0; trial < 8; trial++)
        {
            torch.random.manual_seed(100 + trial);
            long B = rng.Next(1, 4), T = rng.Next(1, 9), d = 4;
            var x = torch.randn(B, T, d);
            int cut = rng.Next(0, (int)T);                       // change every step after `cut`
            var later = (torch.arange(T) > cut).view(1, T, 1);
            var y = x + torch.randn(B, T, d) * later;
            foreach (var (name, attend) in Attentions(d).Where(a => a.Name is "sdpa" or "mha" or "keras"))
            {
                var a = attend(x, null, true);
                var w = a.Weights.dim() == 4 ? a.Weights : a.Weights.unsqueeze(1);
                var future = torch.ones(T, T, dtype: ScalarType.Bool).triu(1).expand_as(w);
                Assert.True(w.masked_select(future).eq(0).all().item<bool>(), $"{name}: a query attended to a later key (T {T})");
                var b = attend(y, null, true);
                TensorAssert.Close(a.Output.narrow(1, 0, cut + 1), b.Output.narrow(1, 0, cut + 1), $"{name}: steps ≤ {cut} after changing later steps");
            }
        }
    }

    [Fact]
    public void Fully_masked_query_gets_zero_weights_not_NaN()
    {
        var x = torch.randn(1, 3, 4).requires_grad_(true);
        var allowed = torch.tensor(new[] { true, true, true, false, false, false, true, false, true }).view(3, 3);
        var r = ScaledDotProductAttention.Compute(x, x, x, allowed);
        Assert.False(r.Output.isnan().any().item<bool>());
        Assert.Equal(0f, r.Weights[0, 1].abs().sum().item<float>());
        r.Output.sum().backward();
        Assert.False(x.grad!.isnan().any().item<bool>());
    }

    [Fact]
    public void Per_head_and_per_batch_attention_masks()
    {
        torch.random.manual_seed(31);
        long B = 2, h = 2, T = 4;
        var mha = new MultiHeadAttention(8, h);
        var x = torch.randn(B, T, 8);
        var causal = AttentionMasks.Causal(T);
        var perHead = torch.stack([causal, torch.ones(T, T, dtype: ScalarType.Bool)]).unsqueeze(0).expand(B, h, T, T);
        var w = mha.Run(x, x, x, attentionMask: perHead).Weights;
        Assert.True(w[TensorIndex.Colon, 0].masked_select(causal.logical_not().expand(B, T, T)).eq(0).all().item<bool>(), "head 0 is causal");
        Assert.True(w[TensorIndex.Colon, 1].gt(0).all().item<bool>(), "head 1 sees everything");
        TensorAssert.Close(mha.Run(x, x, x, causal: true).Weights[TensorIndex.Colon, 0], w[TensorIndex.Colon, 0], "head 0 = causal run's head 0");
        var perBatch = torch.stack([causal, torch.ones(T, T, dtype: ScalarType.Bool)]);          // (B, T, T)
        var wb = mha.Run(x, x, x, attentionMask: perBatch).Weights;
        Assert.True(wb[0].masked_select(causal.logical_not().expand(h, T, T)).eq(0).all().item<bool>());
        Assert.True(wb[1].gt(0).all().item<bool>());
    }
}
