using RnnToolkit.Attention;
using RnnToolkit.Models;
using RnnToolkit.Tests.Support;

namespace RnnToolkit.Tests.Attention;

/// <summary>The toolkit's attention against TorchSharp's own nn.MultiheadAttention, scaled_dot_product_attention and TransformerEncoderLayer with the same weights.</summary>
public class TorchSharpParityTests
{
    static void CopyParameters(torch.nn.Module from, torch.nn.Module to)
    {
        var source = from.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var names = to.named_parameters().Select(p => p.name).ToList();
        Assert.Equal(source.Keys.OrderBy(n => n, StringComparer.Ordinal), names.OrderBy(n => n, StringComparer.Ordinal));
        using var _ = torch.no_grad();
        foreach (var (n, p) in to.named_parameters()) p.copy_(source[n]);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void MultiHeadAttention_matches_TorchSharp(bool self, bool masked)
    {
        torch.random.manual_seed(3);
        long B = 3, Tq = 4, Tk = self ? 4 : 6, E = 12, h = 3;
        var mine = new MultiHeadAttention(E, h);
        var theirs = torch.nn.MultiheadAttention(E, h);
        CopyParameters(mine, theirs);
        var q = torch.randn(B, Tq, E).requires_grad_(true);
        var k = self ? q : torch.randn(B, Tk, E).requires_grad_(true);
        var v = self ? q : torch.randn(B, Tk, E).requires_grad_(true);
        var keyMask = masked ? AttentionMasks.FromLengths(torch.tensor(new long[] { Tk, 2, 3 }), Tk) : null;

        var r = mine.Run(q, k, v, keyMask, averageWeights: true);
        var (output, weights) = theirs.call(q.transpose(0, 1), k.transpose(0, 1), v.transpose(0, 1), keyMask is null ? null : AttentionMasks.FromPyTorch(keyMask), true, null);
        TensorAssert.Close(output.transpose(0, 1), r.Output, "output");
        TensorAssert.Close(weights, r.Weights, "weights (averaged over heads)");

        var gradOut = torch.randn(B, Tq, E);
        var mineGrads = torch.autograd.grad([(r.Output * gradOut).sum()], [q, .. mine.parameters()]);
        var theirGrads = torch.autograd.grad([(output.transpose(0, 1) * gradOut).sum()], [q, .. theirs.parameters()]);
        var mineNames = mine.named_parameters().Select(p => p.name).ToList();
        var theirNames = theirs.named_parameters().Select(p => p.name).ToList();
        TensorAssert.Close(theirGrads[0], mineGrads[0], "d/dquery");
        for (int i = 0; i < mineNames.Count; i++)
            TensorAssert.Close(theirGrads[1 + theirNames.IndexOf(mineNames[i])], mineGrads[1 + i], $"d/d{mineNames[i]}");
    }

    [Fact]
    public void MultiHeadAttention_with_kdim_and_vdim_matches_TorchSharp()
    {
        torch.random.manual_seed(9);
        // libtorch's C++ multi_head_attention_forward (under TorchSharp) asserts key.sizes() == value.sizes(), so only
        // kdim = vdim ≠ E can be compared here; kdim ≠ vdim is checked against PyTorch's goldens (mha_kv cases).
        long B = 2, Tq = 3, Tk = 5, E = 8, h = 2, kdim = 6, vdim = 6;
        var mine = new MultiHeadAttention(E, h, kdim: kdim, vdim: vdim);
        var theirs = torch.nn.MultiheadAttention(E, h, kdim: kdim, vdim: vdim);
        CopyParameters(mine, theirs);                                           // q/k/v_proj_weight, in_proj_bias, out_proj.*
        var q = torch.randn(B, Tq, E);
        var k = torch.randn(B, Tk, kdim);
        var v = torch.randn(B, Tk, vdim);
        var keyMask = AttentionMasks.FromLengths(torch.tensor(new long[] { 5, 2 }), Tk);
        var r = mine.Run(q, k, v, keyMask, averageWeights: true);
        var (output, weights) = theirs.call(q.transpose(0, 1), k.transpose(0, 1), v.transpose(0, 1), AttentionMasks.FromPyTorch(keyMask), true, null);
        TensorAssert.Close(output.transpose(0, 1), r.Output, "output");
        TensorAssert.Close(weights, r.Weights, "weights (averaged over heads)");
    }

    [Fact]
    public void Time_first_layout_equals_batch_first()
    {
        torch.random.manual_seed(4);
        var bf = new MultiHeadAttention(8, 2);
        var tf = new MultiHeadAttention(8, 2, batchFirst: false);
        CopyParameters(bf, tf);
        var x = torch.randn(2, 5, 8);
        var a = bf.Run(x, x, x, causal: true);
        var xt = x.transpose(0, 1);
        var b = tf.Run(xt, xt, xt, causal: true);
        TensorAssert.Close(a.Output, b.Output.transpose(0, 1), "output");
        TensorAssert.Close(a.Weights, b.Weights, "weights");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ScaledDotProductAttention_matches_TorchSharp(bool causal)
    {
        torch.random.manual_seed(5);
        var q = torch.randn(2, 3, 5, 8);
        var k = torch.randn(2, 3, 5, 8);
        var v = torch.randn(2, 3, 5, 4);
        var mask = causal ? AttentionMasks.Causal(5) : null;
        var mine = ScaledDotProductAttention.Compute(q, k, v, mask);
        var theirs = torch.nn.functional.scaled_dot_product_attention(q, k, v, null, 0, causal);
        TensorAssert.Close(theirs, mine.Output, "sdpa output");
        // The fused path of MultiHeadAttention (no weights) agrees with the weights path.
        var mha = new MultiHeadAttention(8, 2) { FusedKernel = true };
        var x = torch.randn(2, 5, 8);
        TensorAssert.Close(mha.Run(x, x, x, causal: causal).Output, mha.Run(x, x, x, causal: causal, needWeights: false).Output, "fused vs explicit");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TransformerEncoderLayer_matches_TorchSharp(bool masked)
    {
        torch.random.manual_seed(6);
        long B = 2, T = 5, E = 8;
        var mine = new TransformerEncoderBlock(E, 2, 16, dropout: 0);
        var theirs = torch.nn.TransformerEncoderLayer(E, 2, 16, 0.0);
        CopyParameters(mine, theirs);
        mine.train(); theirs.train();
        var x = torch.randn(B, T, E);
        var keyMask = masked ? AttentionMasks.FromLengths(torch.tensor(new long[] { 5, 3 }), T) : null;
        var y = mine.Run(x, keyMask);
        var yt = theirs.call(x.transpose(0, 1), null, keyMask is null ? null : AttentionMasks.FromPyTorch(keyMask)).transpose(0, 1);
        TensorAssert.Close(yt, y, "encoder layer output");
    }

    [Fact]
    public void Transformer_stacks_and_decoder_layer_match_TorchSharp()
    {
        torch.random.manual_seed(8);
        long B = 2, Tt = 4, Ts = 5, E = 8;
        var encoder = new TransformerEncoderStack(2, _ => new TransformerEncoderBlock(E, 2, 16, dropout: 0));
        var theirEncoder = torch.nn.TransformerEncoder(torch.nn.TransformerEncoderLayer(E, 2, 16, 0.0), 2);
        CopyParameters(encoder, theirEncoder);
        var src = torch.randn(B, Ts, E);
        var srcMask = AttentionMasks.FromLengths(torch.tensor(new long[] { 5, 2 }), Ts);
        var memory = encoder.Run(src, srcMask);
        TensorAssert.Close(theirEncoder.call(src.transpose(0, 1), null, AttentionMasks.FromPyTorch(srcMask)).transpose(0, 1), memory, "encoder stack");

        var decoder = new TransformerDecoderBlock(E, 2, 16, dropout: 0);
        var theirDecoder = torch.nn.TransformerDecoderLayer(E, 2, 16, 0.0);
        CopyParameters(decoder, theirDecoder);
        var tgt = torch.randn(B, Tt, E);
        var y = decoder.Run(tgt, memory, memoryKeyMask: srcMask, causal: true);
        // TorchSharp's decoder layer takes the additive (float) form of the causal mask: −∞ above the diagonal.
        var causal = torch.zeros(Tt, Tt).masked_fill(AttentionMasks.Causal(Tt).logical_not(), double.NegativeInfinity);
        var yt = theirDecoder.call(tgt.transpose(0, 1), memory.transpose(0, 1), causal, null, null, AttentionMasks.FromPyTorch(srcMask)).transpose(0, 1);
        TensorAssert.Close(yt, y, "decoder layer");
    }
}
