using static TorchSharp.torch;

namespace RnnToolkit.Kernels;

/// <summary>One kernel run's sizes — T steps of B rows, I inputs, H hidden units, of x's dtype — and the products every variant takes over all steps at once.</summary>
readonly unsafe record struct Sequence(long T, long B, long I, long H, ScalarType Type)
{
    /// <summary>The sizes of x (T, B, I) through a recurrent weight with H columns.</summary>
    public static Sequence Of(Tensor x, Tensor W_hh) => new(x.shape[0], x.shape[1], x.shape[2], W_hh.shape[1], x.dtype);

    /// <summary>An uninitialised (T, B, width·H) buffer: a value for every step.</summary>
    public Tensor Steps(int width) => empty(T, B, width * H, dtype: Type);

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
    public Tensor Project(Tensor x, Tensor W, Tensor b, int width) => b.addmm(x.reshape(T * B, I), W.t()).view(T, B, width * H);

    /// <summary>h_0…h_{T−1}, the state each step starts from (T, B, H).</summary>
    public Tensor Previous(Tensor h0, Tensor output) => cat([h0.unsqueeze(0), output.narrow(0, 0, T - 1)]);

    /// <summary>∂L/∂x_t = Wᵀ δ_t and ∂L/∂W = Σ_t δ_t x_tᵀ for an input projection W x_t, given δ (T·B, rows of W).</summary>
    public (Tensor dx, Tensor dW) ThroughProjection(Tensor delta, Tensor W, Tensor x) =>
        (delta.mm(W).view(T, B, I), delta.t().mm(x.reshape(T * B, I)));

    /// <summary>∂L/∂W = Σ_t δ_t h_{t−1}ᵀ for a recurrent product W h_{t−1}, given δ (T·B, rows of W) and h_{t−1} (T, B, H).</summary>
    public Tensor ThroughRecurrence(Tensor delta, Tensor hPrev) => delta.t().mm(hPrev.reshape(T * B, H));
}
