using RnnToolkit.Attention;
using RnnToolkit.Tests.Support;

namespace RnnToolkit.Tests.Attention;

public class QkvSelfAttention002Tests
{
    [Fact]
    public void Printed_form_contracts_over_time_without_softmax_corrected_form_is_self_attention()
    {
        torch.random.manual_seed(21);
        long B = 2, T = 5, d = 3;
        var model = new QkvSelfAttention002(d, attentionUnits: T, asPrinted: true);
        var x = torch.randn(B, T, d);

        // As printed: Keras Dot(axes=1) semantics, element by element.
        var printed = model.Run(x);
        var q = model.Q.call(x).tanh(); var k = model.K.call(x).tanh(); var v = model.V.call(x).tanh();
        var a = torch.zeros(B, T, T);
        var o = torch.zeros(B, T, d);
        for (int b = 0; b < B; b++)
        {
            for (int i = 0; i < T; i++) for (int j = 0; j < T; j++) a[b, i, j] = (q[b, TensorIndex.Colon, i] * k[b, TensorIndex.Colon, j]).sum();
            for (int i = 0; i < T; i++) for (int j = 0; j < d; j++) o[b, i, j] = (a[b, TensorIndex.Colon, i] * v[b, TensorIndex.Colon, j]).sum();
        }
        TensorAssert.Close(a, printed.Weights, "a = Dot(axes=1)([Q, K])");
        TensorAssert.Close(o, printed.Output, "Dot(axes=1)([a, V])");
        Assert.False(torch.allclose(printed.Weights.sum(dim: -1), torch.ones(B, T), 1e-3, 1e-3), "printed weights should not be a distribution");

        // Corrected: softmax weights over time, and equivariant under permuting the steps.
        model.AsPrinted = false;
        var fixedUp = model.Run(x);
        Assert.Equal(new[] { B, T, T }, fixedUp.Weights.shape);
        TensorAssert.Close(torch.ones(B, T), fixedUp.Weights.sum(dim: -1), "rows sum to 1");
        TensorAssert.Close(ScaledDotProductAttention.Compute(q, k, v).Output, fixedUp.Output, "corrected = softmax(QKᵀ/√u) V");
        var perm = torch.tensor(new long[] { 3, 0, 4, 1, 2 });
        TensorAssert.Close(fixedUp.Output.index_select(1, perm), model.Run(x.index_select(1, perm)).Output, "corrected: permuting steps permutes outputs");
        // The printed model is not: its time contraction mixes positions into features.
        model.AsPrinted = true;
        Assert.False(torch.allclose(printed.Output.index_select(1, perm), model.Run(x.index_select(1, perm)).Output, 1e-4, 1e-4));

        // And it only runs when T = attention_units.
        var e = Assert.Throws<ArgumentException>(() => model.Run(torch.randn(B, 4, d)));
        Assert.Contains("T = attention_units = 5", e.Message);
        Assert.Contains("got T = 4", e.Message);
    }

    [Fact]
    public void KerasAttention_on_rank_2_inputs_attends_across_the_batch_like_001()
    {
        // 001 §4: LSTM(64) returns (B, 64); Attention()([x, x]) then scores (B, B): examples attend to each other.
        torch.random.manual_seed(22);
        var layer = new KerasAttention();
        var x = torch.randn(4, 6);
        var r = layer.Run(x, x);
        Assert.Equal(new long[] { 4, 4 }, r.Weights.shape);
        TensorAssert.Close(torch.matmul(torch.matmul(x, x.t()).softmax(-1), x), r.Output, "softmax(x xᵀ) x");
        var y = x.clone();
        y[3] = torch.randn(6);                                                   // change another example
        Assert.False(torch.allclose(r.Output[0], layer.Run(y, y).Output[0]), "example 0's output depends on example 3");
        Assert.Throws<ArgumentException>(() => layer.Run(x, x, valueMask: torch.ones(4, dtype: ScalarType.Bool)));
    }

    [Fact]
    public void KerasAdditiveAttention_on_rank_2_inputs_attends_across_the_batch()
    {
        torch.random.manual_seed(23);
        var layer = new KerasAdditiveAttention(6);
        using (torch.no_grad()) layer.scale!.copy_(torch.randn(6));
        var q = torch.randn(4, 6);
        var v = torch.randn(4, 3);
        var k = torch.randn(4, 6);
        var r = layer.Run(q, v, k);
        Assert.Equal(new long[] { 4, 4 }, r.Weights.shape);
        // by hand: scores_ij = Σ_d scale_d tanh(q_id + k_jd), loops over i, j
        var scores = torch.zeros(4, 4);
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++)
                scores[i, j] = (layer.scale! * (q[i] + k[j]).tanh()).sum();
        var weights = scores.softmax(-1);
        TensorAssert.Close(weights, r.Weights, "weights");
        TensorAssert.Close(torch.matmul(weights, v), r.Output, "output");
        Assert.Throws<ArgumentException>(() => layer.Run(q, v, k, valueMask: torch.ones(4, dtype: ScalarType.Bool)));
        Assert.Throws<ArgumentException>(() => layer.Run(torch.randn(4, 5), v, torch.randn(4, 5)));
    }
}
