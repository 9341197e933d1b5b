using System.Runtime.Intrinsics;
using static TorchSharp.torch;

namespace RnnToolkit.Kernels;

/// <summary>
/// A recurrent weight packed once per loop for the toolkit's own AVX-512 product, C += A·W, which the sequence kernels
/// run at every step instead of libtorch's (too small for libtorch to reach its large-product rate; figures in
/// docs/benchmarks.md). W (K×N) is stored as N/32 column panels, each K rows of 32 contiguous floats, so a step reads
/// it in order from cache, and <see cref="Gemm"/>'s micro-kernel adds C[m, n] += Σ_k A[m, k] · W[k, n].
/// Column ranges are whole panels, so two threads can each take a half of the hidden units.
/// The panels live in a tensor made in the caller's dispose scope (the kernel's forward or backward pass), which frees them.
/// Used where <see cref="Fits"/> holds (AVX-512 and panel-sized column blocks); elsewhere the kernels keep libtorch's product.
/// </summary>
sealed unsafe class PackedMatrix
{
    /// <summary>Columns of a panel: two 512-bit registers of float32.</summary>
    public const int Panel = Gemm.Panel;

    /// <summary>Tests and benchmarks, on the calling thread: false keeps libtorch's product even where the packed one fits; null (default) lets <see cref="Fits"/> decide.</summary>
    internal static bool? Force { get => force; set => force = value; }
    [ThreadStatic] static bool? force;

    /// <summary>Matrices this thread has packed (for tests: a kernel that should use the packed product did).</summary>
    internal static long Packs => packs;
    [ThreadStatic] static long packs;

    readonly float* panels;
    /// <summary>Rows of W (the products' inner size).</summary>
    public int K { get; }
    /// <summary>Columns of W (a multiple of <see cref="Panel"/>).</summary>
    public int N { get; }

    /// <summary>The panels' memory: a tensor, so the dispose scope it is made in frees it.</summary>
    readonly Tensor memory;

    PackedMatrix(int k, int n)
    {
        (K, N) = (k, n);
        memory = empty((long)k * n, dtype: ScalarType.Float32);
        panels = VectorMath.Floats(memory);
    }

    /// <summary>
    /// Whether the packed product serves a kernel whose blocks of columns are <paramref name="blockColumns"/> wide (the
    /// hidden size H: the gate blocks and h itself): the CPU has AVX-512, every block is whole panels, and there are
    /// at least two, so each step's units split into two halves for two cores (<see cref="UnitHalves"/>). Smaller
    /// layers keep libtorch's products, and with them the numbers they gave before the packed product existed.
    /// </summary>
    public static bool Fits(long blockColumns) =>
        Force ?? (Vector512.IsHardwareAccelerated && blockColumns >= 2 * Panel && blockColumns % Panel == 0);

    /// <summary>W = Mᵀ of a row-major (N, K) matrix <paramref name="m"/>, e.g. W_hhᵀ for C += h·W_hhᵀ.</summary>
    public static PackedMatrix Transposed(float* m, int n, int k) => Pack(m, k, n, rowStep: 1, columnStep: k);

    /// <summary>W = M itself, row-major (K, N), e.g. W_hh for δh += δa·W_hh.</summary>
    public static PackedMatrix Of(float* m, int k, int n) => Pack(m, k, n, rowStep: n, columnStep: 1);

    static PackedMatrix Pack(float* m, int k, int n, long rowStep, long columnStep)
    {
        if (n % Panel != 0) throw new ArgumentException($"Expected a column count that is a multiple of {Panel}, got {n}.", nameof(n));
        var packed = new PackedMatrix(k, n);
        packs++;
        float* to = packed.panels;
        for (int p = 0; p < n; p += Panel)
            for (int r = 0; r < k; r++)
                for (int l = 0; l < Panel; l++)
                    *to++ = m[r * rowStep + (p + l) * columnStep];
        return packed;
    }

    /// <summary>
    /// C += A·W in the columns of hidden units [<paramref name="u0"/>, <paramref name="u1"/>) of every block of
    /// <paramref name="H"/> columns (a recurrent product's gate blocks [a_i; a_f; …], or δh's one block).
    /// </summary>
    public void MultiplyAddUnits(float* A, long lda, float* C, long ldc, int rows, int H, int u0, int u1)
    {
        for (int block = 0; block < N; block += H) MultiplyAdd(A, lda, C, ldc, rows, block + u0, u1 - u0);
    }

    /// <summary>C = A·W in the columns of units [<paramref name="u0"/>, <paramref name="u1"/>) of every block of <paramref name="H"/> columns (<see cref="MultiplyAddUnits"/> onto zeros).</summary>
    public void MultiplyUnits(float* A, long lda, float* C, long ldc, int rows, int H, int u0, int u1)
    {
        for (int r = 0; r < rows; r++)
            for (int block = 0; block < N; block += H) new Span<float>(C + r * ldc + block + u0, u1 - u0).Clear();
        MultiplyAddUnits(A, lda, C, ldc, rows, H, u0, u1);
    }

    /// <summary>
    /// C[:, columns) += A·W[:, columns) for the <paramref name="rows"/> rows of A (row stride <paramref name="lda"/>)
    /// and C (row stride <paramref name="ldc"/>); <paramref name="first"/> and <paramref name="count"/> are whole panels' columns.
    /// </summary>
    public void MultiplyAdd(float* A, long lda, float* C, long ldc, int rows, int first, int count)
    {
        if (first < 0 || count < 0 || first % Panel != 0 || count % Panel != 0 || first + count > N)
            throw new ArgumentOutOfRangeException(nameof(first), $"Expected whole {Panel}-column panels inside the {N} columns, got columns [{first}, {first + count}).");
        for (int p = first; p < first + count; p += Panel)
            Gemm.Columns(A, lda, 1, panels + (long)p * K, Panel, K, C + p, ldc, rows);
    }
}
