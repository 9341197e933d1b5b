using System.Runtime.Intrinsics;
using RnnToolkit.Cells;
using RnnToolkit.Kernels;
using RnnToolkit.Layers;
using RnnToolkit.Tests.Support;

namespace RnnToolkit.Tests.Kernels;

/// <summary>
/// The toolkit's own AVX-512 product (<see cref="Gemm"/>, <see cref="PackedMatrix"/>) against libtorch's float64
/// product of the same float32 inputs, and the kernels that use it: that they do use it where it fits, and that the
/// layers give the same numbers with it and without it. The golden tests (PyTorchGoldenTests' <c>*_wide_*</c> cases,
/// CustomCellGoldenTests' <c>peephole_lstm_diagonal_wide_init</c>) compare it with PyTorch itself.
/// </summary>
public unsafe class GemmTests
{
    // The float64 product of the float32 operands: the reference every float32 sum order rounds around.
    static Tensor Reference(Tensor c, Tensor a, Tensor b) => c.to(float64).addmm(a.to(float64), b.to(float64));

    static void CloseToReference(Tensor expected, Tensor actual, long K, string what)
    {
        // float32 sums of K products of values in [-1, 1]: the error grows with K; 4e-7 per term is a generous bound
        double bound = 4e-7 * K + 1e-6, worst = (expected - actual.to(float64)).abs().max().item<double>();
        Assert.True(worst <= bound, $"{what}: worst |error| {worst:E2} against the float64 product, bound {bound:E2}");
    }

    [Theory]
    [InlineData(64, 128, 512)]      // the LSTM step forward: h (B, H) · W_hhᵀ (H, 4H)
    [InlineData(64, 512, 128)]      // the LSTM step back: δa (B, 4H) · W_hh (4H, H)
    [InlineData(13, 7, 32)]         // one 8-row block and 5 single rows, a short inner dimension
    [InlineData(1, 300, 64)]        // a single row, an inner dimension over two slices
    [InlineData(200, 1, 96)]        // K = 1: one outer product
    public void Product_matches_libtorchs_float64_product_whatever_the_layout(int M, int K, int N)
    {
        random.manual_seed(M * 1000 + K);
        var a = rand(M, K) * 2 - 1;
        var b = rand(K, N) * 2 - 1;
        var c = rand(M, N) * 2 - 1;                     // C accumulates: it is not overwritten
        var expected = Reference(c, a, b);

        var rowMajor = c.clone();                       // A row-major, B row-major
        Gemm.MultiplyAdd(VectorMath.Floats(a), K, 1, VectorMath.Floats(b), N, VectorMath.Floats(rowMajor), N, M, N, K);
        CloseToReference(expected, rowMajor, K, $"A row-major ({M}×{K}·{K}×{N})");

        var aT = a.t().contiguous();                    // A read from its transpose, as the weight gradients read δ
        var transposed = c.clone();
        Gemm.MultiplyAdd(VectorMath.Floats(aT), 1, M, VectorMath.Floats(b), N, VectorMath.Floats(transposed), N, M, N, K);
        CloseToReference(expected, transposed, K, $"A transposed ({M}×{K}·{K}×{N})");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Packed_matrix_adds_only_the_columns_asked_for(bool transposed)
    {
        random.manual_seed(transposed ? 5 : 6);
        const int M = 9, K = 40, N = 128;
        var w = rand(K, N) * 2 - 1;                                   // W (K, N) as the product uses it
        var a = rand(M, K) * 2 - 1;
        var c = rand(M, N) * 2 - 1;
        var packed = transposed
            ? PackedMatrix.Transposed(VectorMath.Floats(w.t().contiguous()), N, K)   // stored (N, K), as W_hh is for h·W_hhᵀ
            : PackedMatrix.Of(VectorMath.Floats(w), K, N);
        Assert.Equal((K, N), (packed.K, packed.N));
        var got = c.clone();
        packed.MultiplyAdd(VectorMath.Floats(a), K, VectorMath.Floats(got), N, M, 32, 64);   // columns [32, 96) only
        var full = Reference(c, a, w);
        CloseToReference(full[.., 32..96], got[.., 32..96], K, "the columns asked for");
        TensorAssert.Equal(c[.., ..32], got[.., ..32], "columns before the range");
        TensorAssert.Equal(c[.., 96..], got[.., 96..], "columns after the range");
    }

    [Fact]
    public void Packing_refuses_a_column_count_that_is_not_whole_panels()
    {
        var w = zeros(8, 40);
        var e = Assert.Throws<ArgumentException>(() => PackedMatrix.Of(VectorMath.Floats(w), 8, 40));
        Assert.Contains("multiple of 32", e.Message);
        Assert.Contains("got 40", e.Message);
    }

    [Theory]
    [InlineData(16, 32)]     // not a panel's start
    [InlineData(32, 40)]     // not whole panels
    [InlineData(96, 64)]     // past the last column
    [InlineData(-32, 32)]
    public void Packed_product_refuses_columns_that_are_not_whole_panels_inside_the_matrix(int first, int count)
    {
        var packed = PackedMatrix.Of(VectorMath.Floats(zeros(4, 128)), 4, 128);
        var (a, c) = (zeros(2, 4), zeros(2, 128));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => packed.MultiplyAdd(VectorMath.Floats(a), 4, VectorMath.Floats(c), 128, 2, first, count));
        Assert.Contains($"got columns [{first}, {first + count})", e.Message);
        Assert.Contains("inside the 128 columns", e.Message);
    }

    [Theory]
    [InlineData(64, true)]
    [InlineData(128, true)]
    [InlineData(96, true)]
    [InlineData(32, false)]     // one panel: no halves to split, libtorch's products
    [InlineData(13, false)]
    [InlineData(48, false)]
    [InlineData(0, false)]
    public void The_packed_product_fits_two_or_more_whole_panels_on_avx512_only(long hidden, bool wholePanels)
    {
        Assert.Equal(wholePanels && Vector512.IsHardwareAccelerated, PackedMatrix.Fits(hidden));
        PackedMatrix.Force = false;
        try { Assert.False(PackedMatrix.Fits(hidden)); }
        finally { PackedMatrix.Force = null; }
    }

    public static IEnumerable<object[]> Layers() => [["lstm"], ["gru"], ["rnn"], ["rnn-relu"]];

    static StandardRecurrent Layer(string kind) => kind switch
    {
        "lstm" => new Lstm(32, 64),
        "gru" => new Gru(32, 64),
        "rnn-relu" => new Rnn(32, 64, activation: RnnActivation.Relu),
        _ => new Rnn(32, 64),
    };

    static (Tensor Output, Tensor[] Gradients) Train(StandardRecurrent layer, Tensor x, Tensor h0)
    {
        foreach (var p in layer.parameters()) p.grad = null;
        var (xs, h) = (x.detach().clone().requires_grad_(), h0.detach().clone().requires_grad_());
        var c = layer is Lstm ? h0.detach().clone().flip(1).requires_grad_() : null;
        var output = layer.Run(xs, [new RecurrentState(h, c)]).Output;
        (output * output.cos()).sum().backward();
        return (output.detach(), [xs.grad!, h.grad!, .. c is null ? Array.Empty<Tensor>() : [c.grad!], .. layer.parameters().Select(p => p.grad!)]);
    }

    [Theory]
    [MemberData(nameof(Layers))]
    public void Kernels_with_the_packed_product_agree_with_libtorchs_product(string kind)
    {
        random.manual_seed(11);
        var layer = Layer(kind);
        layer.Backend = RecurrentBackend.Kernels;
        var x = randn(17, 12, 32);                          // B = 17 rows (two 8-row blocks and one row), T = 12 steps, batch first
        var h0 = randn(17, 64) * 0.5;
        long packs = PackedMatrix.Packs;
        var (output, gradients) = Train(layer, x, h0);
        if (Vector512.IsHardwareAccelerated) Assert.True(PackedMatrix.Packs > packs, $"{kind}: the kernels never packed a weight at H = 64");
        else Assert.Equal(packs, PackedMatrix.Packs);                  // without AVX-512 the kernels keep libtorch's product
        PackedMatrix.Force = false;
        try
        {
            packs = PackedMatrix.Packs;
            var (expected, expectedGradients) = Train(layer, x, h0);
            Assert.Equal(packs, PackedMatrix.Packs);
            TensorAssert.Close(expected, output, $"{kind} output", atol: 1e-5, rtol: 1e-5);
            for (int i = 0; i < gradients.Length; i++)
                TensorAssert.Close(expectedGradients[i], gradients[i], $"{kind} gradient {i}", atol: 1e-4, rtol: 1e-5);
        }
        finally { PackedMatrix.Force = null; }
    }
}
