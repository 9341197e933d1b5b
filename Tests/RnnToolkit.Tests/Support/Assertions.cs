namespace RnnToolkit.Tests.Support;

public static class TensorAssert
{
    /// <summary>|actual − expected| ≤ atol + rtol·|expected| everywhere, with the worst element in the message.</summary>
    public static void Close(Tensor expected, Tensor? actual, string what, double atol = 1e-5, double rtol = 1e-5)
    {
        Assert.True(actual is not null, $"{what}: expected a tensor, got null");
        Assert.True(expected.shape.SequenceEqual(actual!.shape), $"{what}: expected shape [{string.Join(", ", expected.shape)}], got [{string.Join(", ", actual.shape)}]");
        using var e = expected.to(float64);
        using var a = actual.detach().to(float64);
        using var diff = (a - e).abs();
        using var bound = e.abs() * rtol + atol;
        bool ok = diff.le(bound).all().item<bool>();
        Assert.True(ok, $"{what}: max |diff| = {diff.max().item<double>():G6} exceeds atol {atol} + rtol {rtol}·|expected|");
    }

    public static void Equal(Tensor expected, Tensor actual, string what)
    {
        Assert.True(expected.shape.SequenceEqual(actual.shape), $"{what}: expected shape [{string.Join(", ", expected.shape)}], got [{string.Join(", ", actual.shape)}]");
        Assert.True(expected.eq(actual).all().item<bool>(), $"{what}: tensors differ (max |diff| {(expected.to(float64) - actual.to(float64)).abs().max().item<double>():G6})");
    }
}
