using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using static TorchSharp.torch;

namespace RnnToolkit.Kernels;

/// <summary>
/// σ and tanh on eight float32 lanes, and raw access to a float32 tensor's memory, for the sequence kernels'
/// per-step element-wise work: one pass over a step's gates in C# instead of a dozen libtorch calls, each of
/// which costs 3–8 µs on a (64, 128) block whatever it computes.
/// <code>
/// exp(x) = 2ⁿ · e^r,  n = round(x / ln 2),  r = x − n ln 2 ∈ [−ln2/2, ln2/2],  e^r by its degree-7 Taylor-like polynomial
/// σ(x) = 1 / (1 + e^{−x});  tanh(x) = 2σ(2x) − 1
/// </code>
/// Errors against float64: σ within 1e-7 absolute, tanh within 3e-7 (float32 ε is 1.2e-7).
/// The kernels' passes that use these are marked <c>AggressiveOptimization</c>: compiled optimized at their first call,
/// so the first steps of a notebook's first epoch do not run the lanes through unoptimized tier-0 code.
/// </summary>
static unsafe class VectorMath
{
    /// <summary>e^x, x clamped to [−87.3, 88.3] (e^x stays a normal float32).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x)
    {
        x = Vector256.MinNative(Vector256.MaxNative(x, Vector256.Create(-87.3f)), Vector256.Create(88.3f));
        var n = Vector256.Round(x * Vector256.Create(1.44269504088896341f));                 // x / ln 2
        var r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-0.693359375f), x);           // ln 2 in two parts: exact n·ln2_hi
        r = Vector256.FusedMultiplyAdd(n, Vector256.Create(2.12194440e-4f), r);
        var p = Vector256.Create(1.9875691500e-4f);
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.3981999507e-3f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(8.3334519073e-3f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(4.1665795894e-2f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.6666665459e-1f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(5.0000001201e-1f));
        p = Vector256.FusedMultiplyAdd(p, r * r, r + Vector256<float>.One);                   // e^r
        var twoToN = (Vector256.ConvertToInt32Native(n) + Vector256.Create(127)) << 23;        // 2ⁿ as float bits
        return p * twoToN.AsSingle();
    }

    /// <summary>σ(x) = 1 / (1 + e^{−x}).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sigmoid(Vector256<float> x) => Vector256<float>.One / (Vector256<float>.One + Exp(-x));

    /// <summary>tanh(x) = 2σ(2x) − 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Tanh(Vector256<float> x)
    {
        var two = Vector256.Create(2f);
        return Vector256.FusedMultiplyAdd(two, Sigmoid(two * x), -Vector256<float>.One);
    }

    /// <summary>σ of one value (the tail of a row whose length is not a multiple of 8).</summary>
    public static float Sigmoid(float x) => Sigmoid(Vector256.Create(x)).ToScalar();

    /// <summary>tanh of one value, by the same formula as the lanes.</summary>
    public static float Tanh(float x) => Tanh(Vector256.Create(x)).ToScalar();

    /// <summary>The <paramref name="n"/> ≤ 8 floats at <paramref name="p"/> as lanes (the rest 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(float* p, int n) => n == 8 ? Vector256.Load(p) : LoadPartial(p, n);

    /// <summary>Lanes j…j+n of the three <paramref name="H"/>-long blocks of one row of gates, [a; b; c].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector256<float> A, Vector256<float> B, Vector256<float> C) LoadThree(float* row, int H, int j, int n) =>
        (Load(row + j, n), Load(row + H + j, n), Load(row + 2 * H + j, n));

    /// <summary>Writes the first <paramref name="n"/> ≤ 8 lanes of <paramref name="v"/> to <paramref name="p"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<float> v, float* p, int n)
    {
        if (n == 8) v.Store(p);
        else StorePartial(v, p, n);
    }

    static Vector256<float> LoadPartial(float* p, int n)
    {
        var lanes = Vector256<float>.Zero;
        for (int k = 0; k < n; k++) lanes = lanes.WithElement(k, p[k]);
        return lanes;
    }

    static void StorePartial(Vector256<float> v, float* p, int n)
    {
        for (int k = 0; k < n; k++) p[k] = v.GetElement(k);
    }

    /// <summary>The first element of a contiguous float32 CPU tensor (no copy: the tensor's own memory).</summary>
    public static float* Floats(Tensor t)
    {
        if (t.dtype != ScalarType.Float32 || !t.is_contiguous() || t.device_type != TorchSharp.DeviceType.CPU)
            throw new ArgumentException($"Expected a contiguous float32 CPU tensor, got {t.dtype} on {t.device_type}{(t.is_contiguous() ? "" : " (not contiguous)")}.", nameof(t));
        return (float*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(t.bytes));
    }
}
