using RnnToolkit.Data;

namespace RnnToolkit.Tests.Data;

public class MarkedRecallTests
{
    public MarkedRecallTests() => RnnToolkit.Native.TorchSharpNative.EnsureLoaded();

    [Fact]
    public void One_marked_symbol_distance_steps_before_the_last_is_the_target()
    {
        const int samples = 50, distance = 7, alphabet = 5, lead = 3, steps = lead + distance;
        using var d = MarkedRecall.Generate(samples, distance, alphabet, lead, seed: 4);
        Assert.Equal(new long[] { samples, steps, alphabet + 1 }, d.X.shape);
        Assert.Equal(new long[] { samples }, d.Y.shape);
        Assert.Equal(ScalarType.Int64, d.Y.dtype);
        var x = d.X.data<float>().ToArray();
        var y = d.Y.data<long>().ToArray();
        for (int i = 0; i < samples; i++)
        {
            for (int t = 0; t < steps; t++)
            {
                var step = x.AsSpan((i * steps + t) * (alphabet + 1), alphabet + 1).ToArray();
                Assert.Equal(1f, step[..alphabet].Sum());                    // one symbol at every step
                Assert.Equal(t == lead - 1 ? 1f : 0f, step[alphabet]);         // the marker only at the marked step
                if (t == lead - 1) Assert.Equal(1f, step[y[i]]);              // the target is the marked symbol
            }
            Assert.Equal(distance, steps - 1 - (lead - 1));
        }
        Assert.All(y, v => Assert.InRange(v, 0, alphabet - 1));
    }

    [Fact]
    public void Deterministic_by_seed_and_symbols_are_balanced()
    {
        using var a = MarkedRecall.Generate(4000, 5, alphabet: 4, seed: 1);
        using var b = MarkedRecall.Generate(4000, 5, alphabet: 4, seed: 1);
        using var c = MarkedRecall.Generate(4000, 5, alphabet: 4, seed: 2);
        Assert.True(a.X.eq(b.X).all().ToBoolean() && a.Y.eq(b.Y).all().ToBoolean());
        Assert.False(a.X.eq(c.X).all().ToBoolean());
        var counts = a.Y.bincount(null).data<long>().ToArray();
        Assert.Equal(4, counts.Length);
        Assert.All(counts, n => Assert.InRange(n, 900, 1100));
        Assert.Equal(0.25, MarkedRecall.ChanceAccuracy(4));
    }

    [Fact]
    public void Bad_arguments_say_what_was_expected()
    {
        Assert.Contains("expected at least 1 sample; got 0", Assert.Throws<ArgumentOutOfRangeException>(() => MarkedRecall.Generate(0, 5)).Message);
        Assert.Contains("expected a distance of at least 1 step; got 0", Assert.Throws<ArgumentOutOfRangeException>(() => MarkedRecall.Generate(10, 0)).Message);
        Assert.Contains("expected an alphabet of at least 2 symbols; got 1", Assert.Throws<ArgumentOutOfRangeException>(() => MarkedRecall.Generate(10, 5, alphabet: 1)).Message);
        Assert.Contains("expected a lead of at least 1 step", Assert.Throws<ArgumentOutOfRangeException>(() => MarkedRecall.Generate(10, 5, lead: 0)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => MarkedRecall.ChanceAccuracy(1));
    }
}
