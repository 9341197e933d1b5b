using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace RnnToolkit.Kernels;

/// <summary>
/// The toolkit's own float32 matrix product on AVX-512, for the sequence kernels' products, where libtorch's reaches
/// well under half the FMA peak on the machine measured; figures in docs/benchmarks.md.
/// <code>
/// C[m, n] += Σ_k A[m, k] · B[k, n]      A[m, k] at a[m·rowStride + k·kStride];  B[k, n] at b[k·bRowStride + n]
/// </code>
/// A may be read transposed (kStride 1 is row-major, rowStride 1 is Aᵀ stored row-major), B is read by rows of 32
/// contiguous columns (a panel of a <see cref="PackedMatrix"/>, or a row-major matrix itself). The micro-kernel keeps
/// an 8 × 32 block of C in sixteen 512-bit registers: per k, 8 broadcasts of A, two loads of B, 16 FMAs; each block
/// sums its slice of at most <see cref="Slice"/> terms from zero and adds the sum to C once.
/// </summary>
static unsafe class Gemm
{
    /// <summary>Columns of a panel: two 512-bit registers of float32.</summary>
    public const int Panel = 32;

    /// <summary>Rows of C one micro-kernel call keeps in registers.</summary>
    const int Rows = 8;

    /// <summary>Inner-dimension slice of the blocked product: A's and B's slices (≤ 256 KB and 64 KB here) stay in L2 while every block of C uses them.</summary>
    const int Slice = 128;

    /// <summary>
    /// C += A·B for a product too large to keep a block's inner dimension in registers: K in slices of
    /// <see cref="Slice"/>, then every 8-row block of each 32-column panel; <paramref name="N"/> is whole panels.
    /// </summary>
    public static void MultiplyAdd(float* a, long rowStride, long kStride, float* b, long bRowStride, float* c, long ldc, int M, int N, int K)
    {
        for (int k0 = 0; k0 < K; k0 += Slice)
        {
            int kc = Math.Min(Slice, K - k0);
            for (int n = 0; n < N; n += Panel)
                Columns(a + k0 * kStride, rowStride, kStride, b + k0 * bRowStride + n, bRowStride, kc, c + n, ldc, M);
        }
    }

    /// <summary>One 32-column panel of C over all <paramref name="M"/> rows: C[:, 0..32) += A·B[:, 0..32), the whole inner dimension at once.</summary>
    public static void Columns(float* a, long rowStride, long kStride, float* b, long bRowStride, int K, float* c, long ldc, int M)
    {
        int m = 0;
        for (; m + Rows <= M; m += Rows) Block(a + m * rowStride, rowStride, kStride, b, bRowStride, K, c + m * ldc, ldc);
        for (; m < M; m++) Row(a + m * rowStride, kStride, b, bRowStride, K, c + m * ldc);
    }

    /// <summary>An 8 × 32 block of C: C += A[8 rows]·B[:, 32 columns].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Block(float* a, long rs, long ks, float* b, long bs, int K, float* c, long ldc)
    {
        float* c0 = c, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc, c4 = c3 + ldc, c5 = c4 + ldc, c6 = c5 + ldc, c7 = c6 + ldc;
        long r2 = 2 * rs, r3 = 3 * rs, r4 = 4 * rs, r5 = 5 * rs, r6 = 6 * rs, r7 = 7 * rs;
        Vector512<float> x00 = default, x01 = default, x10 = default, x11 = default, x20 = default, x21 = default, x30 = default, x31 = default;
        Vector512<float> x40 = default, x41 = default, x50 = default, x51 = default, x60 = default, x61 = default, x70 = default, x71 = default;
        for (int k = 0; k < K; k++, a += ks, b += bs)
        {
            var (b0, b1) = (Vector512.Load(b), Vector512.Load(b + 16));
            var v = Vector512.Create(a[0]); x00 = Vector512.FusedMultiplyAdd(v, b0, x00); x01 = Vector512.FusedMultiplyAdd(v, b1, x01);
            v = Vector512.Create(a[rs]); x10 = Vector512.FusedMultiplyAdd(v, b0, x10); x11 = Vector512.FusedMultiplyAdd(v, b1, x11);
            v = Vector512.Create(a[r2]); x20 = Vector512.FusedMultiplyAdd(v, b0, x20); x21 = Vector512.FusedMultiplyAdd(v, b1, x21);
            v = Vector512.Create(a[r3]); x30 = Vector512.FusedMultiplyAdd(v, b0, x30); x31 = Vector512.FusedMultiplyAdd(v, b1, x31);
            v = Vector512.Create(a[r4]); x40 = Vector512.FusedMultiplyAdd(v, b0, x40); x41 = Vector512.FusedMultiplyAdd(v, b1, x41);
            v = Vector512.Create(a[r5]); x50 = Vector512.FusedMultiplyAdd(v, b0, x50); x51 = Vector512.FusedMultiplyAdd(v, b1, x51);
            v = Vector512.Create(a[r6]); x60 = Vector512.FusedMultiplyAdd(v, b0, x60); x61 = Vector512.FusedMultiplyAdd(v, b1, x61);
            v = Vector512.Create(a[r7]); x70 = Vector512.FusedMultiplyAdd(v, b0, x70); x71 = Vector512.FusedMultiplyAdd(v, b1, x71);
        }
        Add(c0, x00, x01); Add(c1, x10, x11); Add(c2, x20, x21); Add(c3, x30, x31);
        Add(c4, x40, x41); Add(c5, x50, x51); Add(c6, x60, x61); Add(c7, x70, x71);
    }

    /// <summary>One row of C (after the last whole block of 8): C += A[1 row]·B[:, 32 columns].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Row(float* a, long ks, float* b, long bs, int K, float* c)
    {
        Vector512<float> x0 = default, x1 = default;
        for (int k = 0; k < K; k++, a += ks, b += bs)
        {
            var v = Vector512.Create(a[0]);
            x0 = Vector512.FusedMultiplyAdd(v, Vector512.Load(b), x0);
            x1 = Vector512.FusedMultiplyAdd(v, Vector512.Load(b + 16), x1);
        }
        Add(c, x0, x1);
    }

    /// <summary>c[0..32) += [x0; x1]: a block's sum over its slice of the inner dimension, added once (so C's rounding error grows with the slices, not with K).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Add(float* c, Vector512<float> x0, Vector512<float> x1)
    {
        (Vector512.Load(c) + x0).Store(c);
        (Vector512.Load(c + 16) + x1).Store(c + 16);
    }
}
