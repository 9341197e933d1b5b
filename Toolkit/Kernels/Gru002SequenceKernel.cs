using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using RnnToolkit.Native;
using TorchSharp;
using static RnnToolkit.Kernels.VectorMath;
using static TorchSharp.torch;

namespace RnnToolkit.Kernels;

/// <summary>
/// 002 §2.3/§3.2.3's printed GRU (<see cref="Cells.Gru002AsPrintedCell"/>) over a whole sequence as
/// one autograd node with hand-written backpropagation through time:
/// <code>
/// [ẑ; r̂] = W_x_zr x_t + b_zr + W_h_zr h_{t-1},   z = σ(ẑ),  r = σ(r̂)
/// u = W_hh x_t + b_h,  p = W_hh h_{t-1}            (one product [W_h_zr; W_hh] h_{t-1} per step)
/// a = u + (1 − z) ⊙ p,                             n = tanh(a)
/// h_t = (1 − z) ⊙ r ⊙ n + z ⊙ h_{t-1}
///
/// δh_t = ∂L/∂y_t + (δh_{t-1} computed at step t+1)
/// δa = δh_t ⊙ (1 − z) r (1 − n²);   δu = δa
/// δp = δa ⊙ (1 − z)
/// δr̂ = δh_t ⊙ (1 − z) n r(1 − r)
/// δẑ = (δh_t ⊙ (h_{t-1} − r n) − δa ⊙ p) z(1 − z)
/// δh_{t-1} = δh_t ⊙ z + [W_h_zr; W_hh]ᵀ [δẑ; δr̂; δp]
/// ∂L/∂W_hh = Σ_t δu x_tᵀ + Σ_t δp h_{t-1}ᵀ        (the one matrix serves both)
/// </code>
/// Each step is one product and one C# pass over eight-lane chunks (<see cref="VectorMath"/>) for its
/// element-wise work, forward and backward; the weight gradients are one product each over all steps
/// after the loop. Float32 only.
/// </summary>
internal sealed unsafe class Gru002SequenceKernel : autograd.MultiTensorFunction<Gru002SequenceKernel>
{
    public override string Name => nameof(Gru002SequenceKernel);

    /// <summary>x (T, B, I) time-first → h_1…h_T (T, B, H) and h_T (a view of it: the node has one output, so every gradient reaching it is defined).</summary>
    public static (Tensor Output, Tensor HT) Run(Tensor x, Tensor W_x_zr, Tensor W_h_zr, Tensor b_zr, Tensor W_hh, Tensor b_h, Tensor h0)
    {
        var output = apply(x, W_x_zr, W_h_zr, b_zr, W_hh, b_h, h0)[0];
        return (output, output[-1]);
    }

    public override List<Tensor> forward(autograd.AutogradContext ctx, params object[] vars)
    {
        KernelRuns.Count(nameof(Gru002SequenceKernel));
        var v = vars.Select(o => (Tensor)o).ToArray();
        var (x, W_x_zr, W_h_zr, b_zr, W_hh, b_h) = (v[0], v[1], v[2], v[3], v[4], v[5]);
        long T = x.shape[0], B = x.shape[1], I = x.shape[2], H = W_hh.shape[1];
        using var scope = NewDisposeScope();
        var h0 = v[6].contiguous();

        // [x̂_z; x̂_r; u] for every step in one product; the loop turns it into [z; r; n] in place.
        var g = cat([b_zr, b_h]).addmm(x.reshape(T * B, I), cat([W_x_zr, W_hh]).t()).view(T, B, 3 * H);
        var W_hT = cat([W_h_zr, W_hh]).t();
        var output = empty(T, B, H, dtype: x.dtype);
        var output_t = output.unbind(0);
        var P = empty(T, B, H, dtype: x.dtype);                                   // p of every step, for the backward pass
        float* pg = Floats(g), pout = Floats(output), pP = Floats(P), ph0 = Floats(h0);
        Tensor h = h0;
        using (SingleThread.ForSteps(B * 3 * H * H))
            for (int t = 0; t < T; t++)
            {
                using var hh = h.mm(W_hT);                                         // [W_hz h; W_hr h; p]
                Forward(pg + t * B * 3 * H, Floats(hh), t == 0 ? ph0 : pout + (t - 1) * B * H, pout + t * B * H, pP + t * B * H, (int)B, (int)H);
                h = output_t[t];
            }
        ctx.save_for_backward([x, W_x_zr, W_h_zr, W_hh, h0, g, P, output]);
        ctx.set_materialize_grads(false);
        foreach (var keep in new[] { output, g, P, h0 }) keep.MoveToOuterDisposeScope();
        return [output];
    }

    /// <summary>
    /// One step, row by row in eight-lane chunks: z, r = σ(x̂_z + W_hz h), σ(x̂_r + W_hr h);  n = tanh(u + (1 − z) ⊙ p);
    /// h_t = (1 − z) ⊙ r ⊙ n + z ⊙ h_{t-1}.  z, r, n overwrite [x̂_z; x̂_r; u]; p is kept.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Forward(float* g, float* hh, float* hPrev, float* h, float* P, int B, int H)
    {
        var one = Vector256<float>.One;
        for (int b = 0; b < B; b++)
        {
            long row = (long)b * H;
            float* gz = g + 3 * row, gr = gz + H, gu = gr + H;
            float* hz = hh + 3 * row, hr = hz + H, hp = hr + H;
            for (int j = 0; j < H; j += 8)
            {
                int m = Math.Min(8, H - j);
                var z = Sigmoid(Load(gz + j, m) + Load(hz + j, m));
                var r = Sigmoid(Load(gr + j, m) + Load(hr + j, m));
                var p = Load(hp + j, m);
                var keep = one - z;
                var n = Tanh(Vector256.FusedMultiplyAdd(keep, p, Load(gu + j, m)));
                Store(z, gz + j, m); Store(r, gr + j, m); Store(n, gu + j, m); Store(p, P + row + j, m);
                Store(Vector256.FusedMultiplyAdd(keep * r, n, z * Load(hPrev + row + j, m)), h + row + j, m);
            }
        }
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, List<Tensor> grads)
    {
        using var scope = NewDisposeScope();
        var s = ctx.get_saved_variables();
        var (x, W_x_zr, W_h_zr, W_hh, h0, gates, P, output) = (s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]);
        long T = x.shape[0], B = x.shape[1], I = x.shape[2], H = W_hh.shape[1];
        var dY = IncomingGradient.Of(grads, output).contiguous();
        var hPrev = cat([h0.unsqueeze(0), output.narrow(0, 0, T - 1)]);

        var dx = empty(T, B, 3 * H, dtype: x.dtype);                              // [δẑ; δr̂; δu]
        var d = empty(T, B, 3 * H, dtype: x.dtype);                               // [δẑ; δr̂; δp]
        var d_t = d.unbind(0);
        var W_h = cat([W_h_zr, W_hh]);
        var dh = zeros(B, H, dtype: x.dtype);                                     // δh carried back: z ⊙ δh_t + [W_h_zr; W_hh]ᵀ [δẑ; δr̂; δp]
        float* pdY = Floats(dY), pgates = Floats(gates), pP = Floats(P), pout = Floats(output), ph0 = Floats(h0);
        float* pdx = Floats(dx), pd = Floats(d), pdh = Floats(dh);
        using (SingleThread.ForSteps(B * 3 * H * H))
            for (long t = T - 1; t >= 0; t--)
            {
                Backward(pdh, pdY + t * B * H, pgates + t * B * 3 * H, pP + t * B * H, t == 0 ? ph0 : pout + (t - 1) * B * H,
                    pdx + t * B * 3 * H, pd + t * B * 3 * H, (int)B, (int)H);
                dh.addmm_(d_t[t], W_h);                                            // δh_{t-1}, before its own ∂L/∂y
            }
        var dx2 = dx.view(T * B, 3 * H);
        var d2 = d.view(T * B, 3 * H);
        var dWx = dx2.t().mm(x.reshape(T * B, I));                                 // [∂L/∂W_x_zr; ∂L/∂W_hh from x] = Σ_t [δẑ; δr̂; δu] x_tᵀ
        var dWh = d2.t().mm(hPrev.reshape(T * B, H));                              // [∂L/∂W_h_zr; ∂L/∂W_hh from h] = Σ_t [δẑ; δr̂; δp] h_{t-1}ᵀ
        var db = dx2.sum(dim: 0);                                                  // [∂L/∂b_zr; ∂L/∂b_h] = Σ_t [δẑ; δr̂; δa]
        var result = new List<Tensor>
        {
            dx2.mm(cat([W_x_zr, W_hh])).view(T, B, I),                             // ∂L/∂x_t = [W_x_zr; W_hh]ᵀ [δẑ; δr̂; δu]
            dWx.narrow(0, 0, 2 * H),
            dWh.narrow(0, 0, 2 * H),
            db.narrow(0, 0, 2 * H),
            dWx.narrow(0, 2 * H, H) + dWh.narrow(0, 2 * H, H),                     // ∂L/∂W_hh, both uses
            db.narrow(0, 2 * H, H),
            dh,                                                                    // ∂L/∂h_0
        };
        foreach (var t in result) t.MoveToOuterDisposeScope();
        return result;
    }

    /// <summary>
    /// One step back, row by row in eight-lane chunks: δh_t = δh + ∂L/∂y_t;  δa = δh_t ⊙ (1 − z) r (1 − n²) = δu;
    /// δp = δa ⊙ (1 − z);  δr̂ = δh_t ⊙ (1 − z) n r(1 − r);  δẑ = (δh_t ⊙ (h_{t-1} − r n) − δa ⊙ p) z(1 − z);
    /// δh ← z ⊙ δh_t (the product adds [W_h_zr; W_hh]ᵀ [δẑ; δr̂; δp]).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Backward(float* dh, float* dY, float* gates, float* P, float* hPrev, float* dx, float* d, int B, int H)
    {
        var one = Vector256<float>.One;
        for (int b = 0; b < B; b++)
        {
            long row = (long)b * H;
            float* z_ = gates + 3 * row, r_ = z_ + H, n_ = r_ + H;
            float* dxz = dx + 3 * row, dxr = dxz + H, dxu = dxr + H;
            float* dz_ = d + 3 * row, dr_ = dz_ + H, dp_ = dr_ + H;
            for (int j = 0; j < H; j += 8)
            {
                int m = Math.Min(8, H - j);
                var (z, r, n) = (Load(z_ + j, m), Load(r_ + j, m), Load(n_ + j, m));
                var keep = one - z;
                var dh_t = Load(dh + row + j, m) + Load(dY + row + j, m);
                var da = dh_t * keep * r * (one - n * n);
                var dp = da * keep;
                var dr = dh_t * keep * n * r * (one - r);
                var dz = (dh_t * (Load(hPrev + row + j, m) - r * n) - da * Load(P + row + j, m)) * z * keep;
                Store(dz, dxz + j, m); Store(dr, dxr + j, m); Store(da, dxu + j, m);
                Store(dz, dz_ + j, m); Store(dr, dr_ + j, m); Store(dp, dp_ + j, m);
                Store(z * dh_t, dh + row + j, m);
            }
        }
    }
}
