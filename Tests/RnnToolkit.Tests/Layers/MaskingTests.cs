using RnnToolkit.Layers;
using RnnToolkit.Tests.Support;

namespace RnnToolkit.Tests.Layers;

public class MaskingTests
{
    [Fact]
    public void Mask_marks_steps_whose_features_all_equal_the_mask_value()
    {
        var x = tensor(new float[] { 1, 2, -1, -1, 0, -1, /* row 1 */ -1, -1, 3, 4, -1, -1 }).reshape(2, 3, 2);
        var masking = new Masking(-1);
        TensorAssert.Equal(tensor(new[] { true, false, true, false, true, false }).reshape(2, 3), masking.ComputeMask(x), "mask");
        var y = masking.call(x);
        TensorAssert.Equal(tensor(new float[] { 1, 2, 0, 0, 0, -1, 0, 0, 3, 4, 0, 0 }).reshape(2, 3, 2), y, "masked steps zeroed");
    }

    [Fact]
    public void FromTokens_is_keras_mask_zero()
    {
        var ids = tensor(new long[] { 4, 7, 0, 0, 3, 0, 5, 0 }).reshape(2, 4);
        TensorAssert.Equal(tensor(new[] { true, true, false, false, true, false, true, false }).reshape(2, 4), Masks.FromTokens(ids), "padId 0");
        TensorAssert.Equal(ids.ne(7), Masks.FromTokens(ids, padId: 7), "padId 7");
        Assert.Throws<ArgumentException>(() => Masks.FromTokens(ids.to(float32)));
        Assert.Throws<ArgumentException>(() => Masks.FromTokens(ids.reshape(8)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Masked_lstm_run_equals_running_the_unpadded_sequences(bool bidirectional)
    {
        random.manual_seed(21);
        long[] lengths = [5, 2, 3];
        var emb = nn.Embedding(10, 4);
        var lstm = new Lstm(4, 6, bidirectional: bidirectional);
        var ids = zeros(3, 5, dtype: int64);                                  // padded with id 0 at the end
        for (int b = 0; b < 3; b++)
            ids[b, TensorIndex.Slice(0, lengths[b])] = randint(1, 10, lengths[b], dtype: int64);

        var mask = Masks.FromTokens(ids);
        var masked = lstm.Run(emb.call(ids), mask: mask);

        var viaMasking = new Masking(0);
        var x = emb.call(ids).masked_fill(mask.logical_not().unsqueeze(2), 0);    // Keras: Masking(0.0) on padded features
        TensorAssert.Equal(mask, viaMasking.ComputeMask(x), "Masking layer finds the same mask");

        for (int b = 0; b < 3; b++)
        {
            var alone = lstm.Run(emb.call(ids[b, TensorIndex.Slice(0, lengths[b])].unsqueeze(0)));
            TensorAssert.Close(alone.Output[0], masked.Output[b, TensorIndex.Slice(0, lengths[b])], $"outputs {b}", 1e-5, 1e-5);
            TensorAssert.Close(alone.Last[0], masked.Last[b], $"last {b}", 1e-5, 1e-5);
            for (int s = 0; s < masked.Final.Count; s++)
                TensorAssert.Close(alone.Final[s].H[0], masked.Final[s].H[b], $"h_n {b}/{s}", 1e-5, 1e-5);
        }
        TensorAssert.Equal(zeros(3, bidirectional ? 12 : 6), masked.Output[1, TensorIndex.Slice(2, null)], "padded outputs are zero");
    }

    [Fact]
    public void Bad_rank_is_rejected()
    {
        var e = Assert.Throws<ArgumentException>(() => new Masking().call(randn(2, 3)));
        Assert.Contains("(B, T, F)", e.Message);
    }
}
