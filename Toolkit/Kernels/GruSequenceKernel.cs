using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using RnnToolkit.Native;
using TorchSharp;
using static RnnToolkit.Kernels.VectorMath;
using static TorchSharp.torch;

namespace RnnToolkit.Kernels;

/// <summary>
/// The whole GRU recurrence (PyTorch's form, <see cref="Cells.GruCell"/>) as one autograd node with
/// hand-written backpropagation through time:
/// <code>
/// x̂ = W_ih x_t + b_ih,  ĥ = W_hh h_{t-1} + b_hh          (each split r, z, n)
/// r = σ(x̂_r + ĥ_r),  z = σ(x̂_z + ĥ_z),  n = tanh(x̂_n + r ⊙ ĥ_n)
/// h_t = (1 − z) ⊙ n + z ⊙ h_{t-1}
///
/// δh_t = ∂L/∂y_t + z_{t+1} ⊙ δh_{t+1} + W_hhᵀ δĥ_{t+1}
/// δn̂ = δh_t ⊙ (1 − z)(1 − n²)          = δx̂_n;   δĥ_n = δn̂ ⊙ r
/// δẑ = δh_t ⊙ (h_{t-1} − n) z(1 − z)    = δx̂_z = δĥ_z
/// δr̂ = δn̂ ⊙ ĥ_n r(1 − r)               = δx̂_r = δĥ_r
/// </code>
/// Each step's element-wise work is one C# pass over eight-lane chunks (<see cref="VectorMath"/>); float32 only.
/// </summary>
internal sealed unsafe class GruSequenceKernel : autograd.MultiTensorFunction<GruSequenceKernel>
{
    public override string Name => nameof(GruSequenceKernel);

    /// <summary>x (T, B, I) time-first → h_1…h_T (T, B, H) and h_T (a view of it: the node has one output, so every gradient reaching it is defined).</summary>
    public static (Tensor Output, Tensor HT) Run(Tensor x, Tensor W_ih, Tensor W_hh, Tensor b_ih, Tensor b_hh, Tensor h0)
    {
        var output = apply(x, W_ih, W_hh, b_ih, b_hh, h0)[0];
        return (output, output[-1]);
    }

    public override List<Tensor> forward(autograd.AutogradContext ctx, params object[] vars)
    {
        KernelRuns.Count(nameof(GruSequenceKernel));
        var (x, W_ih, W_hh, b_ih, b_hh) = ((Tensor)vars[0], (Tensor)vars[1], (Tensor)vars[2], (Tensor)vars[3], (Tensor)vars[4]);
        long T = x.shape[0], B = x.shape[1], I = x.shape[2], H = W_hh.shape[1];
        using var scope = NewDisposeScope();
        var h0 = ((Tensor)vars[5]).contiguous();

        var xh = b_ih.addmm(x.reshape(T * B, I), W_ih.t()).view(T, B, 3 * H);   // x̂ for all steps; becomes [r, z, n]
        var W_hhT = W_hh.t();
        var output = empty(T, B, H, dtype: x.dtype);
        var output_t = output.unbind(0);
        var hhN = empty(T, B, H, dtype: x.dtype);                                 // ĥ_n of every step, for the backward pass
        float* pxh = Floats(xh), pout = Floats(output), phhN = Floats(hhN), ph0 = Floats(h0);
        Tensor h = h0;
        using (SingleThread.ForSteps(B * 3 * H * H))
            for (int t = 0; t < T; t++)
            {
                using var hh = b_hh.addmm(h, W_hhT);                                // ĥ
                Forward(pxh + t * B * 3 * H, Floats(hh), t == 0 ? ph0 : pout + (t - 1) * B * H, pout + t * B * H, phhN + t * B * H, (int)B, (int)H);
                h = output_t[t];
            }
        ctx.save_for_backward([x, W_ih, W_hh, h0, xh, hhN, output]);
        ctx.set_materialize_grads(false);
        foreach (var keep in new[] { output, xh, hhN, h0 }) keep.MoveToOuterDisposeScope();
        return [output];
    }

    /// <summary>
    /// One step, row by row in eight-lane chunks: r, z = σ(x̂_r + ĥ_r), σ(x̂_z + ĥ_z);  n = tanh(x̂_n + r ⊙ ĥ_n);
    /// h_t = n + z ⊙ (h_{t-1} − n).  r, z, n overwrite x̂; ĥ_n is kept.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Forward(float* xh, float* hh, float* hPrev, float* h, float* hhN, int B, int H)
    {
        for (int b = 0; b < B; b++)
        {
            long row = (long)b * H;
            float* xr = xh + 3 * row, xz = xr + H, xn = xz + H;
            float* hr = hh + 3 * row, hz = hr + H, hn = hz + H;
            for (int j = 0; j < H; j += 8)
            {
                int m = Math.Min(8, H - j);
                var r = Sigmoid(Load(xr + j, m) + Load(hr + j, m));
                var z = Sigmoid(Load(xz + j, m) + Load(hz + j, m));
                var h_n = Load(hn + j, m);
                var n = Tanh(Vector256.FusedMultiplyAdd(r, h_n, Load(xn + j, m)));
                Store(r, xr + j, m); Store(z, xz + j, m); Store(n, xn + j, m); Store(h_n, hhN + row + j, m);
                Store(Vector256.FusedMultiplyAdd(z, Load(hPrev + row + j, m) - n, n), h + row + j, m);
            }
        }
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, List<Tensor> grads)
    {
        using var scope = NewDisposeScope();
        var saved = ctx.get_saved_variables();
        var (x, W_ih, W_hh, h0, gates, hhN, output) = (saved[0], saved[1], saved[2], saved[3], saved[4], saved[5], saved[6]);
        long T = x.shape[0], B = x.shape[1], I = x.shape[2], H = W_hh.shape[1];
        var dY = IncomingGradient.Of(grads, output).contiguous();
        var hPrev = cat([h0.unsqueeze(0), output.narrow(0, 0, T - 1)]);

        var dx = empty(T, B, 3 * H, dtype: x.dtype);                // δx̂ = [δr̂, δẑ, δn̂]
        var dhh = empty(T, B, 3 * H, dtype: x.dtype);               // δĥ = [δr̂, δẑ, δn̂ ⊙ r]
        var dhh_t = dhh.unbind(0);
        var dh = zeros(B, H, dtype: x.dtype);                       // δh carried back: z ⊙ δh_t + δĥ W_hh
        float* pdY = Floats(dY), pgates = Floats(gates), phhN = Floats(hhN), pout = Floats(output), ph0 = Floats(h0);
        float* pdx = Floats(dx), pdhh = Floats(dhh), pdh = Floats(dh);
        using (SingleThread.ForSteps(B * 3 * H * H))
            for (long t = T - 1; t >= 0; t--)
            {
                Backward(pdh, pdY + t * B * H, pgates + t * B * 3 * H, phhN + t * B * H, t == 0 ? ph0 : pout + (t - 1) * B * H,
                    pdx + t * B * 3 * H, pdhh + t * B * 3 * H, (int)B, (int)H);
                dh.addmm_(dhh_t[t], W_hh);                          // δh_{t-1}, before its own ∂L/∂y
            }
        var dx2 = dx.view(T * B, 3 * H);
        var dhh2 = dhh.view(T * B, 3 * H);
        var result = new List<Tensor>
        {
            dx2.mm(W_ih).view(T, B, I),
            dx2.t().mm(x.reshape(T * B, I)),
            dhh2.t().mm(hPrev.reshape(T * B, H)),
            dx2.sum(dim: 0),
            dhh2.sum(dim: 0),
            dh,
        };
        foreach (var t in result) t.MoveToOuterDisposeScope();
        return result;
    }

    /// <summary>
    /// One step back, row by row in eight-lane chunks: δh_t = δh + ∂L/∂y_t;  δn̂ = δh_t ⊙ (1 − z)(1 − n²);
    /// δẑ = δh_t ⊙ (h_{t-1} − n) z(1 − z);  δr̂ = δn̂ ⊙ ĥ_n r(1 − r);  δĥ_n = δn̂ ⊙ r;  δh ← z ⊙ δh_t (the product adds δĥ W_hh).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Backward(float* dh, float* dY, float* gates, float* hhN, float* hPrev, float* dx, float* dhh, int B, int H)
    {
        var one = Vector256<float>.One;
        for (int b = 0; b < B; b++)
        {
            long row = (long)b * H;
            float* r_ = gates + 3 * row, z_ = r_ + H, n_ = z_ + H;
            float* dxr = dx + 3 * row, dxz = dxr + H, dxn = dxz + H;
            float* dhr = dhh + 3 * row, dhz = dhr + H, dhn = dhz + H;
            for (int j = 0; j < H; j += 8)
            {
                int m = Math.Min(8, H - j);
                var (r, z, n) = (Load(r_ + j, m), Load(z_ + j, m), Load(n_ + j, m));
                var dh_t = Load(dh + row + j, m) + Load(dY + row + j, m);
                var dn = dh_t * (one - z) * (one - n * n);
                var dz = dh_t * (Load(hPrev + row + j, m) - n) * z * (one - z);
                var dr = dn * Load(hhN + row + j, m) * r * (one - r);
                Store(dr, dxr + j, m); Store(dz, dxz + j, m); Store(dn, dxn + j, m);
                Store(dr, dhr + j, m); Store(dz, dhz + j, m); Store(dn * r, dhn + j, m);
                Store(z * dh_t, dh + row + j, m);
            }
        }
    }
}
