using RnnToolkit.Data;
using RnnToolkit.Experiments;
using RnnToolkit.Tests.Training;
using RnnToolkit.Training;

namespace RnnToolkit.Tests.Experiments;

public class ComparisonTests
{
    public ComparisonTests() => RnnToolkit.Native.TorchSharpNative.EnsureLoaded();

    [Fact]
    public void Compares_variants_under_the_same_budget_and_seed()
    {
        using var data = AddingProblem.Generate(128, 10, seed: 1);
        var (train, val) = data.Split(0.25);
        var lines = new List<string>();
        var result = Comparison.Run(
            [
                new Variant("lstm-4", () => new LastStepLstm(2, 4, 1)),
                new Variant("lstm-8", () => new LastStepLstm(2, 8, 1)),
                new Variant("lstm-4-again", () => new LastStepLstm(2, 4, 1)),
            ],
            train, val, Losses.MeanSquaredError(), Optimizers.Adam(0.01), [Metrics.MeanAbsoluteError()], epochs: 3, batchSize: 16, seed: 5,
            callbacks: () => [new EarlyStopping("loss", patience: 10)], log: new ActionProgress<string>(lines.Add));

        Assert.Equal(new[] { "lstm-4", "lstm-8", "lstm-4-again" }, result.Rows.Select(r => r.Name));
        Assert.Equal(4 * (4 * 2 + 4 * 4 + 8) + 5, result.Rows[0].Parameters);
        Assert.Equal(4 * (8 * 2 + 8 * 8 + 16) + 9, result.Rows[1].Parameters);
        Assert.All(result.Rows, r =>
        {
            Assert.Equal(3, r.Epochs);
            Assert.True(r.SecondsPerEpoch > 0);
            Assert.Equal(new[] { "loss", "mae", "val_loss", "val_mae" }, r.Final.Keys.Order());
            Assert.Equal(result.Histories[r.Name]["val_loss"][^1], r.Final["val_loss"]);
        });
        // Same seed, same architecture: the same run.
        Assert.Equal(result.Histories["lstm-4"]["loss"], result.Histories["lstm-4-again"]["loss"]);
        Assert.NotEqual(result.Histories["lstm-4"]["loss"], result.Histories["lstm-8"]["loss"]);
        Assert.Equal(3, lines.Count);
        var table = result.ToString();
        Assert.StartsWith("| model | params | s/epoch | epochs | loss | mae | val_loss | val_mae |", table);
        Assert.Contains("| lstm-8 | 393 |", table);
        Assert.Throws<ArgumentException>(() => Comparison.Run([new Variant("a", () => new LastStepLstm(2, 4, 1)), new Variant("a", () => new LastStepLstm(2, 4, 1))], train, null, Losses.MeanSquaredError()));
    }
}
