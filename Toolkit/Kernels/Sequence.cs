using static RnnToolkit.Kernels.VectorMath;
using static TorchSharp.torch;

namespace RnnToolkit.Kernels;

/// <summary>One kernel run's sizes — T steps of B rows, I inputs, H hidden units, of x's dtype — and the products every variant takes over all steps at once.</summary>
readonly unsafe record struct Sequence(long T, long B, long I, long H, ScalarType Type)
{
    /// <summary>The sizes of x (T, B, I) through a recurrent weight with H columns.</summary>
    public static Sequence Of(Tensor x, Tensor W_hh) => new(x.shape[0], x.shape[1], x.shape[2], W_hh.shape[1], x.dtype);

    /// <summary>An uninitialised (T, B, width·H) buffer: a value for every step (in 2 MiB pages when large: <see cref="Native.HugePages"/>).</summary>
    public Tensor Steps(int width) => RnnToolkit.Native.HugePages.Advise(empty(T, B, width * H, dtype: Type));

    /// <summary>A (B, H) block of zeros: a gradient carried from step to step.</summary>
    public Tensor Carried() => zeros(B, H, dtype: Type);

    /// <summary>Step t's (B, width·H) block in a (T, B, width·H) buffer.</summary>
    public float* At(float* p, int t, int width) => p + t * B * width * H;

    /// <summary>h_{t−1} of step t: the initial state at t = 0, else the previous step's (B, H) block of the outputs.</summary>
    public float* Previous(float* h0, float* output, int t) => t == 0 ? h0 : output + (t - 1) * B * H;

    /// <summary>c_{t−1} of step t, rows <paramref name="stride"/> apart: c_0 (B, H) at t = 0, else the previous step's c in [h; c] (T, B, 2H).</summary>
    public float* PreviousMemory(float* c0, float* hc, int t, out long stride)
    {
        stride = t == 0 ? H : 2 * H;
        return t == 0 ? c0 : hc + (t - 1) * B * 2 * H + H;
    }

    /// <summary>The input half of every step at once: b + W x_t (T, B, width·H).</summary>
    public Tensor Project(Tensor x, Tensor W, Tensor b, int width)
    {
        if (!Own(width * H)) return b.addmm(x.reshape(T * B, I), W.t()).view(T, B, width * H);
        int rows = (int)(T * B), n = (int)(width * H);
        var packed = PackedMatrix.Transposed(Floats(W.contiguous()), n, (int)I);
        var c = Steps((int)width);
        float* px = Floats(x.contiguous()), pb = Floats(b.contiguous()), pc = Floats(c);
        long inputs = I;
        InHalves(rows, (first, end) =>
        {
            for (int r = first; r < end; r++) new ReadOnlySpan<float>(pb, n).CopyTo(new Span<float>(pc + (long)r * n, n));
            packed.MultiplyAdd(px + first * inputs, inputs, pc + (long)first * n, n, end - first, 0, n);
        });
        return c;
    }

    /// <summary>h_0…h_{T−1}, the state each step starts from (T, B, H).</summary>
    public Tensor Previous(Tensor h0, Tensor output) => cat([h0.unsqueeze(0), output.narrow(0, 0, T - 1)]);

    /// <summary>∂L/∂x_t = Wᵀ δ_t and ∂L/∂W = Σ_t δ_t x_tᵀ for an input projection W x_t, given δ (T·B, rows of W).</summary>
    public (Tensor dx, Tensor dW) ThroughProjection(Tensor delta, Tensor W, Tensor x)
    {
        if (!Own(I)) return (delta.mm(W).view(T, B, I), delta.t().mm(x.reshape(T * B, I)));
        int rows = (int)(T * B), gates = (int)delta.shape[1];
        var (dx, dW) = (zeros(T, B, I, dtype: Type), zeros(gates, I, dtype: Type));
        float* d = Floats(delta.contiguous()), w = Floats(W.contiguous()), px = Floats(x.contiguous()), pdx = Floats(dx), pdW = Floats(dW);
        int n = (int)I;
        InHalves(rows, (first, end) => Gemm.MultiplyAdd(d + (long)first * gates, gates, 1, w, n, pdx + (long)first * n, n, end - first, n, gates));
        InHalves(gates, (first, end) => Gemm.MultiplyAdd(d + first, 1, gates, px, n, pdW + (long)first * n, n, end - first, n, rows));
        return (dx, dW);
    }

    /// <summary>∂L/∂W = Σ_t δ_t h_{t−1}ᵀ for a recurrent product W h_{t−1}, given δ (T·B, rows of W) and h_{t−1} (T, B, H).</summary>
    public Tensor ThroughRecurrence(Tensor delta, Tensor hPrev) =>
        Own(H) ? OuterSum(Floats(delta.contiguous()), delta.shape[1], (int)delta.shape[1], Floats(hPrev.contiguous()), H)
               : delta.t().mm(hPrev.reshape(T * B, H));

    /// <summary>
    /// Σ_r δ[r]ᵀ v[r] over the T·B rows with the toolkit's own product: δ's rows of <paramref name="gates"/> values
    /// <paramref name="ldd"/> apart (a block of columns of a wider buffer, or a whole one), v's rows of H values
    /// <paramref name="ldv"/> apart; a (gates, H) tensor. Only where <see cref="Own"/>(H) holds.
    /// </summary>
    public Tensor OuterSum(float* delta, long ldd, int gates, float* v, long ldv)
    {
        int rows = (int)(T * B), n = (int)H;
        var dW = zeros(gates, H, dtype: Type);
        float* pdW = Floats(dW);
        InHalves(gates, (first, end) => Gemm.MultiplyAdd(delta + first, 1, ldd, v, ldv, pdW + (long)first * n, n, end - first, n, rows));
        return dW;
    }

    /// <summary>Whether the toolkit's own product (<see cref="Gemm"/>) takes this run's products over all steps whose results have <paramref name="columns"/> columns: where it takes the steps' (<see cref="PackedMatrix.Fits"/>(H)), for whole panels.</summary>
    public bool Own(long columns) => Type == ScalarType.Float32 && PackedMatrix.Fits(H) && columns % PackedMatrix.Panel == 0;

    /// <summary>Runs <paramref name="rows"/>(first, end) on the two halves of [0, <paramref name="count"/>): beside the partner thread when it is free and there are two cores, else in turn.</summary>
    static void InHalves(int count, Action<int, int> rows)
    {
        int half = count / 2 / 8 * 8;
        using var pair = StepPair.ForHalves();
        pair.Both(() => rows(0, half), () => rows(half, count));
    }
}
