using System.Runtime.Intrinsics;
using RnnToolkit.Kernels;

namespace RnnToolkit.Tests.Kernels;

/// <summary>The sequence kernels' lane math against float64 references, and their raw tensor access.</summary>
public unsafe class VectorMathTests
{
    static IEnumerable<double> Grid()
    {
        for (double x = -100; x <= 100; x += 0.0137) yield return x;
        foreach (var x in new[] { 0.0, 1e-8, -1e-8, 87.3, -87.3, 88.3, -88.3, 1e4, -1e4 }) yield return x;
    }

    static float Lane0(Func<Vector256<float>, Vector256<float>> f, double x) => f(Vector256.Create((float)x)).ToScalar();

    [Fact]
    public void Sigmoid_tanh_and_exp_are_within_float32_rounding_of_float64()
    {
        double worstSigmoid = 0, worstTanh = 0, worstExp = 0;
        foreach (var x in Grid())
        {
            float xf = (float)x;                               // compare at the float32 argument itself
            worstSigmoid = Math.Max(worstSigmoid, Math.Abs(Lane0(VectorMath.Sigmoid, x) - 1 / (1 + Math.Exp(-(double)xf))));
            worstTanh = Math.Max(worstTanh, Math.Abs(Lane0(VectorMath.Tanh, x) - Math.Tanh(xf)));
            if (xf is > -87f and < 88f)
                worstExp = Math.Max(worstExp, Math.Abs(Lane0(VectorMath.Exp, x) / Math.Exp(xf) - 1));
        }
        Assert.True(worstSigmoid < 1.5e-7, $"σ: worst |error| {worstSigmoid:E2}");
        Assert.True(worstTanh < 4e-7, $"tanh: worst |error| {worstTanh:E2}");
        Assert.True(worstExp < 4e-7, $"exp: worst relative error {worstExp:E2}");
        Assert.InRange(Lane0(VectorMath.Sigmoid, -1e4), 0f, 1e-37f);        // saturates cleanly, no NaN
        Assert.Equal(1f, Lane0(VectorMath.Sigmoid, 1e4));
        Assert.Equal(-1f, Lane0(VectorMath.Tanh, -1e4));
        Assert.Equal(1f, Lane0(VectorMath.Tanh, 1e4));
    }

    [Fact]
    public void Scalar_forms_match_the_lanes()
    {
        foreach (var x in new[] { -3.5f, -0.25f, 0f, 0.7f, 12f })
        {
            Assert.Equal(Lane0(VectorMath.Sigmoid, x), VectorMath.Sigmoid(x));
            Assert.Equal(Lane0(VectorMath.Tanh, x), VectorMath.Tanh(x));
        }
    }

    [Fact]
    public void Partial_chunks_read_and_write_only_their_own_floats()
    {
        for (int n = 1; n <= 8; n++)
        {
            var src = Enumerable.Range(1, 10).Select(v => (float)v).ToArray();
            var dst = Enumerable.Repeat(-1f, 10).ToArray();
            fixed (float* s = src, d = dst)
            {
                var lanes = VectorMath.Load(s, n);
                for (int k = 0; k < 8; k++) Assert.Equal(k < n ? k + 1 : 0f, lanes.GetElement(k));
                VectorMath.Store(lanes * 2, d, n);
            }
            for (int k = 0; k < 10; k++) Assert.Equal(k < n ? 2f * (k + 1) : -1f, dst[k]);
        }
    }

    [Fact]
    public void Floats_is_the_tensors_own_memory_and_rejects_what_it_cannot_address()
    {
        var t = zeros(3, 4);
        var view = t[1];                                      // a contiguous view with a storage offset
        float* p = VectorMath.Floats(view);
        p[2] = 5f;
        Assert.Equal(5f, t[1, 2].item<float>());
        var notFloat = Assert.Throws<ArgumentException>(() => VectorMath.Floats(zeros(2, 2, dtype: float64)));
        Assert.Contains("Float64", notFloat.Message);
        var strided = Assert.Throws<ArgumentException>(() => VectorMath.Floats(t.t()));
        Assert.Contains("not contiguous", strided.Message);
    }
}
