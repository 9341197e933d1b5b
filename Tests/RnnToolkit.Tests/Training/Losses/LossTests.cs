using RnnToolkit.Training;

namespace RnnToolkit.Tests.Training;

public class LossTests
{
    public LossTests() => RnnToolkit.Native.TorchSharpNative.EnsureLoaded();

    static double V(Tensor t) => t.ToDouble();

    [Fact]
    public void MSE_and_MAE_match_hand_computation()
    {
        var p = torch.tensor(new float[] { 1, 2, 3, 4 }).reshape(2, 2);
        var t = torch.tensor(new float[] { 1, 0, 5, 3 }).reshape(2, 2);
        Assert.Equal((0 + 4 + 4 + 1) / 4.0, V(Losses.MeanSquaredError().Compute(p, t)), 6);
        Assert.Equal((0 + 2 + 2 + 1) / 4.0, V(Losses.MeanAbsoluteError().Compute(p, t)), 6);
    }

    [Fact]
    public void Binary_cross_entropy_from_probabilities_and_logits()
    {
        var prob = torch.tensor(new double[] { 0.9, 0.2 }).reshape(2, 1);
        var t = torch.tensor(new double[] { 1, 0 }).reshape(2, 1);
        var expected = -(Math.Log(0.9) + Math.Log(0.8)) / 2;
        Assert.Equal(expected, V(Losses.BinaryCrossEntropy().Compute(prob, t)), 6);
        var logits = torch.log(prob / (1 - prob));
        Assert.Equal(expected, V(Losses.BinaryCrossEntropy(fromLogits: true).Compute(logits, t)), 6);
    }

    [Fact]
    public void Categorical_and_sparse_cross_entropy()
    {
        var logits = torch.tensor(new double[] { 2, 1, 0, 0, 0, 3 }).reshape(2, 3);
        var lse0 = Math.Log(Math.Exp(2) + Math.Exp(1) + 1);
        var lse1 = Math.Log(2 + Math.Exp(3));
        var expected = ((lse0 - 2) + (lse1 - 3)) / 2;
        var oneHot = torch.tensor(new double[] { 1, 0, 0, 0, 0, 1 }).reshape(2, 3);
        Assert.Equal(expected, V(Losses.CategoricalCrossEntropy(fromLogits: true).Compute(logits, oneHot)), 6);
        Assert.Equal(expected, V(Losses.CategoricalCrossEntropy().Compute(torch.softmax(logits, -1), oneHot)), 6);
        var ids = torch.tensor(new long[] { 0, 2 });
        Assert.Equal(expected, V(Losses.SparseCategoricalCrossEntropy(fromLogits: true).Compute(logits, ids)), 6);
        // Agrees with TorchSharp's own cross_entropy.
        Assert.Equal(V(torch.nn.functional.cross_entropy(logits, ids)), V(Losses.SparseCategoricalCrossEntropy(fromLogits: true).Compute(logits, ids)), 9);
    }

    [Fact]
    public void Masked_sequence_cross_entropy_ignores_padding()
    {
        torch.random.manual_seed(3);
        var logits = torch.randn(2, 3, 5, dtype: torch.float64);
        var target = torch.tensor(new long[] { 4, 2, 0, 1, 0, 0 }).reshape(2, 3);
        var logp = torch.nn.functional.log_softmax(logits, -1);
        double sum = 0; int count = 0;
        for (int b = 0; b < 2; b++)
            for (int s = 0; s < 3; s++)
            {
                var id = target[b, s].ToInt64();
                if (id == 0) continue;
                sum -= logp[b, s, id].ToDouble();
                count++;
            }
        Assert.Equal(sum / count, V(Losses.MaskedSequenceCrossEntropy().Compute(logits, target)), 9);
    }

    [Fact]
    public void Validate_names_expected_and_given_shapes()
    {
        var e = Assert.Throws<ArgumentException>(() => Losses.MeanSquaredError().Validate([100, 1], [100, 10], ScalarType.Float32));
        Assert.Contains("(100, 1)", e.Message);
        Assert.Contains("(100, 10)", e.Message);
        e = Assert.Throws<ArgumentException>(() => Losses.MaskedSequenceCrossEntropy().Validate([4, 7, 20], [4, 7], ScalarType.Float32));
        Assert.Contains("class ids", e.Message);
        e = Assert.Throws<ArgumentException>(() => Losses.SparseCategoricalCrossEntropy().Validate([4, 20], [4, 20], ScalarType.Int64));
        Assert.Contains("(4,)", e.Message);
        Losses.SparseCategoricalCrossEntropy().Validate([4, 20], [4], ScalarType.Int64);
        Assert.Equal("mse", Losses.FromName("mean_squared_error").Name);
        Assert.Throws<ArgumentException>(() => Losses.FromName("hinge"));
    }
}
