using RnnToolkit.Layers;
using RnnToolkit.Tests.Support;

namespace RnnToolkit.Tests.Layers;

public class GlobalPoolingTests
{
    // x (2, 3, 2), by hand
    static Tensor X() => tensor(new float[] { 1, -2, 3, 5, -4, 0, /* row 1 */ 2, 2, -1, 7, 6, -3 }).reshape(2, 3, 2);

    [Fact]
    public void Average_is_the_mean_over_time()
    {
        var y = new GlobalAveragePooling1D().call(X());
        TensorAssert.Close(tensor(new float[] { 0, 1, 7f / 3, 2 }).reshape(2, 2), y, "mean", 1e-6, 1e-6);
    }

    [Fact]
    public void Max_is_the_maximum_over_time()
    {
        var y = new GlobalMaxPooling1D().call(X());
        TensorAssert.Close(tensor(new float[] { 3, 5, 6, 7 }).reshape(2, 2), y, "max", 0, 0);
    }

    static Tensor Mask() => tensor(new[] { true, true, false, false, true, false }).reshape(2, 3);

    [Fact]
    public void Masked_average_counts_real_steps_only()
    {
        var y = new GlobalAveragePooling1D().forward(X(), Mask());
        // row 0: steps 0, 1 → ((1+3)/2, (−2+5)/2); row 1: step 1 → (−1, 7)
        TensorAssert.Close(tensor(new float[] { 2, 1.5f, -1, 7 }).reshape(2, 2), y, "masked mean", 1e-6, 1e-6);
    }

    [Fact]
    public void Masked_max_ignores_padded_steps()
    {
        var y = new GlobalMaxPooling1D().forward(X(), Mask());
        // row 1 step 2 holds 6, larger than the real −1: it must not win
        TensorAssert.Close(tensor(new float[] { 3, 5, -1, 7 }).reshape(2, 2), y, "masked max", 0, 0);
    }

    [Fact]
    public void All_padded_rows_give_zero_and_no_nan_gradient()
    {
        var x = X().requires_grad_();
        var mask = tensor(new[] { false, false, false, true, true, true }).reshape(2, 3);
        var avg = new GlobalAveragePooling1D().forward(x, mask);
        var max = new GlobalMaxPooling1D().forward(x, mask);
        TensorAssert.Equal(zeros(2), avg[0], "avg of an empty row");
        TensorAssert.Equal(zeros(2), max[0], "max of an empty row");
        (avg.sum() + max.sum()).backward();
        Assert.False(x.grad!.isnan().any().item<bool>());
        TensorAssert.Equal(zeros(3, 2), x.grad[0], "no gradient into padded steps");
    }

    [Fact]
    public void Masked_pooling_equals_pooling_the_unpadded_sequences()
    {
        random.manual_seed(5);
        var x = randn(3, 6, 4);
        var lengths = tensor(new long[] { 6, 2, 4 });
        var mask = Masks.FromLengths(lengths, 3, 6);
        var avg = new GlobalAveragePooling1D().forward(x, mask);
        var max = new GlobalMaxPooling1D().forward(x, mask);
        for (int b = 0; b < 3; b++)
        {
            var real = x[b, TensorIndex.Slice(0, lengths[b].item<long>())];
            TensorAssert.Close(real.mean([0]), avg[b], $"avg row {b}", 1e-6, 1e-6);
            TensorAssert.Close(real.amax([0]), max[b], $"max row {b}", 0, 0);
        }
    }

    [Fact]
    public void Bad_shapes_are_rejected()
    {
        var e = Assert.Throws<ArgumentException>(() => new GlobalMaxPooling1D().call(randn(2, 3)));
        Assert.Contains("(B, T, F)", e.Message);
        e = Assert.Throws<ArgumentException>(() => new GlobalAveragePooling1D().forward(randn(2, 3, 4), ones(2, 4, dtype: ScalarType.Bool)));
        Assert.Contains("(2, 3)", e.Message);
        Assert.Contains("[2, 4]", e.Message);
        Assert.Throws<ArgumentException>(() => new GlobalAveragePooling1D().forward(randn(2, 3, 4), ones(2, 3)));   // not Bool
    }
}
