using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using RnnToolkit.Native;
using TorchSharp;
using static RnnToolkit.Kernels.VectorMath;
using static TorchSharp.torch;

namespace RnnToolkit.Kernels;

/// <summary>
/// 000 §3.3's printed GRU (<see cref="Cells.Gru000AsPrintedCell"/>) over a whole sequence as one
/// autograd node with hand-written backpropagation through time:
/// <code>
/// [ẑ; r̂] = W_x_zr x_t + b_zr + W_h_zr h_{t-1},   z = σ(ẑ),  r = σ(r̂)
/// a = W_xh x_t + b_h + W_hh (r ⊙ h_{t-1}),        n = tanh(a)
/// h_t = (1 − z) ⊙ r ⊙ n                            (no carry term)
///
/// δh_t = ∂L/∂y_t + (δh_{t-1} computed at step t+1)
/// δa  = δh_t ⊙ (1 − z) r (1 − n²)                  = δ(W_xh x_t + b_h)
/// δẑ  = δh_t ⊙ (−r n) z(1 − z)
/// δ(r ⊙ h_{t-1}) = W_hhᵀ δa
/// δr̂  = (δh_t ⊙ (1 − z) n + W_hhᵀ δa ⊙ h_{t-1}) r(1 − r)
/// δh_{t-1} = W_hhᵀ δa ⊙ r + W_h_zrᵀ [δẑ; δr̂]
/// </code>
/// r ⊙ h_{t-1} feeds the second product, and W_hhᵀ δa feeds δr̂, so each step is two products with a
/// C# pass over eight-lane chunks (<see cref="VectorMath"/>) after each, forward and backward; the
/// weight gradients are one product each over all steps after the loop. Float32 only.
/// </summary>
internal sealed unsafe class Gru000SequenceKernel : autograd.MultiTensorFunction<Gru000SequenceKernel>
{
    public override string Name => nameof(Gru000SequenceKernel);

    /// <summary>x (T, B, I) time-first → h_1…h_T (T, B, H) and h_T (a view of it: the node has one output, so every gradient reaching it is defined).</summary>
    public static (Tensor Output, Tensor HT) Run(Tensor x, Tensor W_x_zr, Tensor W_h_zr, Tensor b_zr, Tensor W_xh, Tensor W_hh, Tensor b_h, Tensor h0)
    {
        var output = apply(x, W_x_zr, W_h_zr, b_zr, W_xh, W_hh, b_h, h0)[0];
        return (output, output[-1]);
    }

    public override List<Tensor> forward(autograd.AutogradContext ctx, params object[] vars)
    {
        KernelRuns.Count(nameof(Gru000SequenceKernel));
        var t_ = vars.Select(v => (Tensor)v).ToArray();
        var (x, W_x_zr, W_h_zr, b_zr, W_xh, W_hh, b_h) = (t_[0], t_[1], t_[2], t_[3], t_[4], t_[5], t_[6]);
        long T = x.shape[0], B = x.shape[1], I = x.shape[2], H = W_hh.shape[1];
        using var scope = NewDisposeScope();
        var h0 = t_[7].contiguous();

        // [x̂_z; x̂_r; x̂_a] for every step in one product; the loop turns it into [z; r; n] in place.
        var g = cat([b_zr, b_h]).addmm(x.reshape(T * B, I), cat([W_x_zr, W_xh]).t()).view(T, B, 3 * H);
        var zr_t = g.narrow(2, 0, 2 * H).unbind(0);
        var a_t = g.narrow(2, 2 * H, H).unbind(0);
        var (W_h_zrT, W_hhT) = (W_h_zr.t(), W_hh.t());
        var output = empty(T, B, H, dtype: x.dtype);
        var output_t = output.unbind(0);
        var RH = empty(T, B, H, dtype: x.dtype);                                  // r ⊙ h_{t-1} of every step: the second product's input, and ∂L/∂W_hh's
        var RH_t = RH.unbind(0);
        float* pg = Floats(g), pout = Floats(output), pRH = Floats(RH), ph0 = Floats(h0);
        Tensor h = h0;
        // Two sequential products per step, the larger (gates) B·2H·H: one thread (B = 64, H = 128: 42.6 vs 48.0 ms per training step).
        using (SingleThread.ForSteps(B * 2 * H * H))
            for (int t = 0; t < T; t++)
            {
                zr_t[t].addmm_(h, W_h_zrT);                                        // [ẑ; r̂]
                Gates(pg + t * B * 3 * H, t == 0 ? ph0 : pout + (t - 1) * B * H, pRH + t * B * H, (int)B, (int)H);
                a_t[t].addmm_(RH_t[t], W_hhT);                                      // a = x̂_a + W_hh (r ⊙ h_{t-1})
                Output(pg + t * B * 3 * H, pout + t * B * H, (int)B, (int)H);
                h = output_t[t];
            }
        ctx.save_for_backward([x, W_x_zr, W_h_zr, W_xh, W_hh, h0, g, RH, output]);
        ctx.set_materialize_grads(false);
        foreach (var keep in new[] { output, g, RH, h0 }) keep.MoveToOuterDisposeScope();
        return [output];
    }

    /// <summary>The step's first pass, row by row in eight-lane chunks: z, r = σ(ẑ), σ(r̂) in place;  r ⊙ h_{t-1}.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Gates(float* g, float* hPrev, float* rh, int B, int H)
    {
        for (int b = 0; b < B; b++)
        {
            long row = (long)b * H;
            float* gz = g + 3 * row, gr = gz + H;
            for (int j = 0; j < H; j += 8)
            {
                int m = Math.Min(8, H - j);
                var z = Sigmoid(Load(gz + j, m));
                var r = Sigmoid(Load(gr + j, m));
                Store(z, gz + j, m); Store(r, gr + j, m);
                Store(r * Load(hPrev + row + j, m), rh + row + j, m);
            }
        }
    }

    /// <summary>The step's second pass, row by row in eight-lane chunks: n = tanh(a) in place;  h_t = (1 − z) ⊙ r ⊙ n.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Output(float* g, float* h, int B, int H)
    {
        var one = Vector256<float>.One;
        for (int b = 0; b < B; b++)
        {
            long row = (long)b * H;
            float* z_ = g + 3 * row, r_ = z_ + H, a_ = r_ + H;
            for (int j = 0; j < H; j += 8)
            {
                int m = Math.Min(8, H - j);
                var n = Tanh(Load(a_ + j, m));
                Store(n, a_ + j, m);
                Store((one - Load(z_ + j, m)) * Load(r_ + j, m) * n, h + row + j, m);
            }
        }
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, List<Tensor> grads)
    {
        using var scope = NewDisposeScope();
        var saved = ctx.get_saved_variables();
        var (x, W_x_zr, W_h_zr, W_xh, W_hh, h0, gates, RH, output) = (saved[0], saved[1], saved[2], saved[3], saved[4], saved[5], saved[6], saved[7], saved[8]);
        long T = x.shape[0], B = x.shape[1], I = x.shape[2], H = W_hh.shape[1];
        var dY = IncomingGradient.Of(grads, output).contiguous();
        var hPrev = cat([h0.unsqueeze(0), output.narrow(0, 0, T - 1)]);

        var d = empty(T, B, 3 * H, dtype: x.dtype);                               // [δẑ; δr̂; δa]
        var (dzr_t, da_t) = (d.narrow(2, 0, 2 * H).unbind(0), d.narrow(2, 2 * H, H).unbind(0));
        var dh = zeros(B, H, dtype: x.dtype);                                     // δh_t within a step; carried back: W_hhᵀ δa ⊙ r + W_h_zrᵀ [δẑ; δr̂]
        float* pdY = Floats(dY), pgates = Floats(gates), pout = Floats(output), ph0 = Floats(h0), pd = Floats(d), pdh = Floats(dh);
        using (SingleThread.ForSteps(B * 2 * H * H))
            for (long t = T - 1; t >= 0; t--)
            {
                BackwardCandidate(pdh, pdY + t * B * H, pgates + t * B * 3 * H, pd + t * B * 3 * H, (int)B, (int)H);
                using var drh = da_t[t].mm(W_hh);                                  // δ(r ⊙ h_{t-1}) = W_hhᵀ δa
                BackwardReset(pdh, Floats(drh), pgates + t * B * 3 * H, t == 0 ? ph0 : pout + (t - 1) * B * H, pd + t * B * 3 * H, (int)B, (int)H);
                dh.addmm_(dzr_t[t], W_h_zr);                                        // δh_{t-1}, before its own ∂L/∂y
            }
        var d2 = d.view(T * B, 3 * H);
        var dzr2 = d.narrow(2, 0, 2 * H).reshape(T * B, 2 * H);
        var da2 = d.narrow(2, 2 * H, H).reshape(T * B, H);
        var dWx = d2.t().mm(x.reshape(T * B, I));                                  // [∂L/∂W_x_zr; ∂L/∂W_xh] = Σ_t δ x_tᵀ
        var db = d2.sum(dim: 0);
        var result = new List<Tensor>
        {
            d2.mm(cat([W_x_zr, W_xh])).view(T, B, I),                              // ∂L/∂x_t = [W_x_zr; W_xh]ᵀ δ
            dWx.narrow(0, 0, 2 * H),
            dzr2.t().mm(hPrev.reshape(T * B, H)),                                  // ∂L/∂W_h_zr = Σ_t [δẑ; δr̂] h_{t-1}ᵀ
            db.narrow(0, 0, 2 * H),
            dWx.narrow(0, 2 * H, H),
            da2.t().mm(RH.view(T * B, H)),                                         // ∂L/∂W_hh = Σ_t δa (r ⊙ h_{t-1})ᵀ
            db.narrow(0, 2 * H, H),
            dh,                                                                    // ∂L/∂h_0
        };
        foreach (var t in result) t.MoveToOuterDisposeScope();
        return result;
    }

    /// <summary>
    /// The step's first pass back, row by row in eight-lane chunks: δh_t = δh + ∂L/∂y_t (kept in δh for the second pass);
    /// δa = δh_t ⊙ (1 − z) r (1 − n²);  δẑ = δh_t ⊙ (−r n) z(1 − z).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void BackwardCandidate(float* dh, float* dY, float* gates, float* d, int B, int H)
    {
        var one = Vector256<float>.One;
        for (int b = 0; b < B; b++)
        {
            long row = (long)b * H;
            float* z_ = gates + 3 * row, r_ = z_ + H, n_ = r_ + H;
            float* dz_ = d + 3 * row, da_ = dz_ + 2 * H;
            for (int j = 0; j < H; j += 8)
            {
                int m = Math.Min(8, H - j);
                var (z, r, n) = (Load(z_ + j, m), Load(r_ + j, m), Load(n_ + j, m));
                var keep = one - z;
                var dh_t = Load(dh + row + j, m) + Load(dY + row + j, m);
                Store(dh_t * keep * r * (one - n * n), da_ + j, m);
                Store(-(dh_t * r * n) * z * keep, dz_ + j, m);
                Store(dh_t, dh + row + j, m);
            }
        }
    }

    /// <summary>
    /// The step's second pass back, given δ(r ⊙ h_{t-1}) = W_hhᵀ δa: δr̂ = (δh_t ⊙ (1 − z) n + δ(r ⊙ h_{t-1}) ⊙ h_{t-1}) r(1 − r);
    /// δh ← δ(r ⊙ h_{t-1}) ⊙ r (the product adds W_h_zrᵀ [δẑ; δr̂]).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void BackwardReset(float* dh, float* drh, float* gates, float* hPrev, float* d, int B, int H)
    {
        var one = Vector256<float>.One;
        for (int b = 0; b < B; b++)
        {
            long row = (long)b * H;
            float* z_ = gates + 3 * row, r_ = z_ + H, n_ = r_ + H;
            float* dr_ = d + 3 * row + H;
            for (int j = 0; j < H; j += 8)
            {
                int m = Math.Min(8, H - j);
                var (z, r, n) = (Load(z_ + j, m), Load(r_ + j, m), Load(n_ + j, m));
                var dh_t = Load(dh + row + j, m);
                var d_rh = Load(drh + row + j, m);
                Store((dh_t * (one - z) * n + d_rh * Load(hPrev + row + j, m)) * r * (one - r), dr_ + j, m);
                Store(d_rh * r, dh + row + j, m);
            }
        }
    }
}
