using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using RnnToolkit.Native;
using TorchSharp;
using static RnnToolkit.Kernels.VectorMath;
using static TorchSharp.torch;

namespace RnnToolkit.Kernels;

/// <summary>
/// The peephole LSTM with full peephole matrices (<see cref="Cells.PeepholeForm.Matrix"/>, as 000 §3.2
/// and 003 §3.4 print it) over a whole sequence as one autograd node, with hand-written backpropagation
/// through time:
/// <code>
/// a_t = W_ih x_t + b_ih + b_hh + W_hh h_{t-1}          a = [a_i; a_f; a_g; a_o]
/// a_i += W_ci c_{t-1};  a_f += W_cf c_{t-1}             (one product with [W_ci; W_cf])
/// i, f = σ(a_i), σ(a_f);  g = tanh(a_g)
/// c_t = f ⊙ c_{t-1} + i ⊙ g
/// a_o += W_co c_t;  o = σ(a_o)
/// h_t = o ⊙ tanh(c_t)
/// </code>
/// Its gradients, with δ the loss gradient reaching each quantity:
/// <code>
/// δh_t = ∂L/∂y_t + W_hhᵀ δa_{t+1}
/// δc_t = δc_{t+1}-path + δh_t ⊙ o_t ⊙ (1 − tanh²c_t)
/// δa_o = δh_t ⊙ tanh c_t ⊙ o(1 − o);   δc_t += W_coᵀ δa_o                       (c_t feeds o_t)
/// δa_i = δc_t ⊙ g ⊙ i(1 − i);  δa_f = δc_t ⊙ c_{t-1} ⊙ f(1 − f);  δa_g = δc_t ⊙ i ⊙ (1 − g²)
/// δc_{t-1} = δc_t ⊙ f + [W_ci; W_cf]ᵀ [δa_i; δa_f]                              (c_{t-1} feeds i_t, f_t)
/// ∂L/∂W_hh = Σ_t δa_t h_{t-1}ᵀ,  ∂L/∂W_ih = Σ_t δa_t x_tᵀ,  ∂L/∂b = Σ_t δa_t,  ∂L/∂x_t = W_ihᵀ δa_t
/// ∂L/∂W_ci = Σ_t δa_i c_{t-1}ᵀ,  ∂L/∂W_cf = Σ_t δa_f c_{t-1}ᵀ,  ∂L/∂W_co = Σ_t δa_o c_tᵀ
/// </code>
/// In batch-row form (rows are batch entries) the products are c [W_ci; W_cf]ᵀ and c W_coᵀ forward,
/// δa_{i,f} [W_ci; W_cf] and δa_o W_co backward. The weight gradients are single products over all
/// steps after the loop; between the per-step products, the element-wise work is one C# pass each
/// (<see cref="VectorMath"/>; float32 only). Verified against PyTorch by the cells' reference data.
/// <para>
/// A step does 7H² multiply-adds against the LSTM's 4H², but they are not one chain: W_ho h_{t-1} is needed
/// only at o_t and [W_ci; W_cf] c_t only at the next step. With two threads the loops are paired
/// (<see cref="StepPair"/>): forward, the partner thread does W_hg h_{t-1}, W_ho h_{t-1} and [W_ci; W_cf] c_t
/// (4H²) while this one does W_h{i,f} h_{t-1} and W_co c_t (3H²) and the element-wise passes, each on one
/// libtorch thread; backward likewise. B = 64, H = 128: 1.70x the LSTM's training time unpaired, 1.16–1.19x paired.
/// </para>
/// </summary>
internal sealed unsafe class MatrixPeepholeLstmSequenceKernel : autograd.MultiTensorFunction<MatrixPeepholeLstmSequenceKernel>
{
    public override string Name => nameof(MatrixPeepholeLstmSequenceKernel);

    /// <summary>Runs the kernel: x (T, B, I) time-first → h_1…h_T (T, B, H), h_T, c_T; W_ci, W_cf, W_co (H, H).</summary>
    /// <remarks>As in <see cref="LstmSequenceKernel"/>, the node's one output is [h_t; c_t] for every step (T, B, 2H), and all returned are views of it.</remarks>
    public static (Tensor Output, Tensor HT, Tensor CT) Run(Tensor x, Tensor W_ih, Tensor W_hh, Tensor b_ih, Tensor b_hh, Tensor h0, Tensor c0,
        Tensor W_ci, Tensor W_cf, Tensor W_co)
    {
        long H = W_hh.shape[1];
        var hc = apply(x, W_ih, W_hh, b_ih, b_hh, h0, c0, W_ci, W_cf, W_co)[0];
        var hs = hc.narrow(2, 0, H);
        return (hs, hs[-1], hc.narrow(2, H, H)[-1]);
    }

    public override List<Tensor> forward(autograd.AutogradContext ctx, params object[] vars)
    {
        KernelRuns.Count(nameof(MatrixPeepholeLstmSequenceKernel));
        var (x, W_ih, W_hh, b_ih, b_hh) = ((Tensor)vars[0], (Tensor)vars[1], (Tensor)vars[2], (Tensor)vars[3], (Tensor)vars[4]);
        var (W_ci, W_cf, W_co) = ((Tensor)vars[7], (Tensor)vars[8], (Tensor)vars[9]);
        long T = x.shape[0], B = x.shape[1], I = x.shape[2], H = W_hh.shape[1];
        using var scope = NewDisposeScope();
        var (h0, c0) = (((Tensor)vars[5]).contiguous(), ((Tensor)vars[6]).contiguous());

        var bias = b_ih + b_hh;
        var (W_ihT, W_hhT) = (W_ih.t(), W_hh.t());
        var (W_hifT, W_hgT, W_hoT) = (W_hhT.narrow(1, 0, 2 * H), W_hhT.narrow(1, 2 * H, H), W_hhT.narrow(1, 3 * H, H));
        var W_cifT = cat([W_ci, W_cf]).t();                    // (H, 2H): c [W_ci; W_cf]ᵀ = [W_ci c; W_cf c] per row
        var W_coT = W_co.t();
        var hc = empty(T, B, 2 * H, dtype: x.dtype);          // the output: [h_t; c_t]
        var (h_t, c_t) = (hc.narrow(2, 0, H).unbind(0), hc.narrow(2, H, H).unbind(0));
        var tanhC = empty(T, B, H, dtype: x.dtype);
        var peep = empty(B, 2 * H, dtype: x.dtype);           // [W_ci; W_cf] c_{t-1} for the step at hand
        var co = empty(B, H, dtype: x.dtype);                 // W_co c_t
        // a_t's input half for every step at once; the loop adds the recurrent products and activates in place.
        var a = bias.addmm(x.reshape(T * B, I), W_ihT).view(T, B, 4 * H);
        using (var pair = StepPair.For(B * 7 * H * H))
        {
            var (if_t, g_t, o_t) = (a.narrow(2, 0, 2 * H).unbind(0), a.narrow(2, 2 * H, H).unbind(0), a.narrow(2, 3 * H, H).unbind(0));
            float* pa = Floats(a), phc = Floats(hc), ptanhC = Floats(tanhC), pc0 = Floats(c0), ppeep = Floats(peep), pco = Floats(co);
            // Paired, the partner does W_hg h_{t-1}, W_ho h_{t-1} and [W_ci; W_cf] c_t (4H²) while this thread does
            // W_h{i,f} h_{t-1}, then W_co c_t, which waits for c_t (3H²), and the element-wise passes.
            pair.Beside(() => peep.addmm_(c0, W_cifT, beta: 0));
            for (int t = 0; t < T; t++)
            {
                var (hPrev, s) = (t == 0 ? h0 : h_t[t - 1], t);
                long gDone = pair.Beside(() => g_t[s].addmm_(hPrev, W_hgT));       // a_g += W_hg h_{t-1}
                long oDone = pair.Beside(() => o_t[s].addmm_(hPrev, W_hoT));       // a_o += W_ho h_{t-1}
                if_t[t].addmm_(hPrev, W_hifT);                                    // a_{i,f} += W_h{i,f} h_{t-1}
                pair.Await(gDone);                                                // and [W_ci; W_cf] c_{t-1}, posted before
                float* cPrev = t == 0 ? pc0 : phc + (t - 1) * B * 2 * H + H;
                Memory(pa + t * B * 4 * H, ppeep, cPrev, t == 0 ? H : 2 * H, phc + t * B * 2 * H + H, (int)B, (int)H);
                var c = c_t[t];
                if (t + 1 < T) pair.Beside(() => peep.addmm_(c, W_cifT, beta: 0)); // [W_ci; W_cf] c_t for the next step
                co.addmm_(c, W_coT, beta: 0);                                     // W_co c_t
                pair.Await(oDone);
                Output(pa + t * B * 4 * H, pco, phc + t * B * 2 * H, ptanhC + t * B * H, (int)B, (int)H);
            }
        }
        var gates = a;                                                            // activated: i, f, g, o
        ctx.save_for_backward([x, W_ih, W_hh, h0, c0, gates, tanhC, hc, W_ci, W_cf, W_co]);
        ctx.set_materialize_grads(false);
        foreach (var keep in new[] { hc, gates, tanhC, h0, c0 }) keep.MoveToOuterDisposeScope();
        return [hc];
    }

    /// <summary>i, f = σ(a_i + W_ci c_{t-1}), σ(a_f + W_cf c_{t-1});  g = tanh a_g;  c_t = f ⊙ c_{t-1} + i ⊙ g (row by row, eight lanes at a time; i, f, g overwrite a).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Memory(float* a, float* peep, float* cPrev, long cPrevStride, float* c, int B, int H)
    {
        for (int b = 0; b < B; b++)
        {
            float* ai = a + (long)b * 4 * H, af = ai + H, ag = af + H, pi = peep + (long)b * 2 * H, pf = pi + H;
            float* cp = cPrev + b * cPrevStride, cr = c + (long)b * 2 * H;
            for (int j = 0; j < H; j += 8)
            {
                int n = Math.Min(8, H - j);
                var (i, f, g) = (Sigmoid(Load(ai + j, n) + Load(pi + j, n)), Sigmoid(Load(af + j, n) + Load(pf + j, n)), Tanh(Load(ag + j, n)));
                Store(i, ai + j, n); Store(f, af + j, n); Store(g, ag + j, n);
                Store(Vector256.FusedMultiplyAdd(f, Load(cp + j, n), i * g), cr + j, n);
            }
        }
    }

    /// <summary>o = σ(a_o + W_co c_t);  h_t = o ⊙ tanh c_t (o overwrites a_o; tanh c_t kept for the backward pass).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Output(float* a, float* co, float* hc, float* tanhC, int B, int H)
    {
        for (int b = 0; b < B; b++)
        {
            float* ao = a + (long)b * 4 * H + 3 * H, cor = co + (long)b * H, hr = hc + (long)b * 2 * H, cr = hr + H, tr = tanhC + (long)b * H;
            for (int j = 0; j < H; j += 8)
            {
                int n = Math.Min(8, H - j);
                var (o, tanh_c) = (Sigmoid(Load(ao + j, n) + Load(cor + j, n)), Tanh(Load(cr + j, n)));
                Store(o, ao + j, n); Store(tanh_c, tr + j, n); Store(o * tanh_c, hr + j, n);
            }
        }
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, List<Tensor> grads)
    {
        using var scope = NewDisposeScope();
        var saved = ctx.get_saved_variables();
        var (x, W_ih, W_hh, h0, c0, gates, tanhC, hc) = (saved[0], saved[1], saved[2], saved[3], saved[4], saved[5], saved[6], saved[7]);
        var (W_ci, W_cf, W_co) = (saved[8], saved[9], saved[10]);
        long T = x.shape[0], B = x.shape[1], I = x.shape[2], H = W_hh.shape[1];
        var dHC = IncomingGradient.Of(grads, hc).contiguous();                   // [∂L/∂h_t; ∂L/∂c_t] from outside
        var W_cif = cat([W_ci, W_cf]);                                                 // (2H, H)

        var da = empty(T, B, 4 * H, dtype: x.dtype);
        var (daIF_t, daG_t, daO_t) = (da.narrow(2, 0, 2 * H).unbind(0), da.narrow(2, 2 * H, H).unbind(0), da.narrow(2, 3 * H, H).unbind(0));
        var (W_hif, W_hg, W_ho) = (W_hh.narrow(0, 0, 2 * H), W_hh.narrow(0, 2 * H, H), W_hh.narrow(0, 3 * H, H));
        // δh_t's parts from the step after, W_hhᵀ δa_{t+1} by gate rows: W_h{i,f}ᵀ δa_{i,f}, W_hgᵀ δa_g, W_hoᵀ δa_o.
        var (dhIF, dhG, dhO) = (zeros(B, H, dtype: x.dtype), zeros(B, H, dtype: x.dtype), zeros(B, H, dtype: x.dtype));
        var dcH = empty(B, H, dtype: x.dtype);                 // δc_t through h_t and o_t: δh_t ⊙ o ⊙ (1 − tanh²c_t) + W_coᵀ δa_o
        var dc = zeros(B, H, dtype: x.dtype);                  // δc_t through c_{t+1}: δc_{t+1} ⊙ f_{t+1} + [W_ci; W_cf]ᵀ [δa_i; δa_f]_{t+1}
        float* pdHC = Floats(dHC), pgates = Floats(gates), ptanhC = Floats(tanhC), phc = Floats(hc), pc0 = Floats(c0);
        float* pda = Floats(da), pdc = Floats(dc), pdcH = Floats(dcH), pdhIF = Floats(dhIF), pdhG = Floats(dhG), pdhO = Floats(dhO);
        using (var pair = StepPair.For(B * 7 * H * H))
        {
            // Paired, the partner does W_hoᵀ δa_o, W_hgᵀ δa_g and [W_ci; W_cf]ᵀ [δa_i; δa_f] (4H²) while this thread does
            // W_coᵀ δa_o, which δa_{i,f,g} wait for, then W_h{i,f}ᵀ δa_{i,f} (3H²), and the element-wise passes.
            long hDone = 0, cDone = 0;
            for (long t = T - 1; t >= 0; t--)
            {
                var s = t;
                pair.Await(hDone);
                ThroughOutput(pdhIF, pdhG, pdhO, pdHC + t * B * 2 * H, pdcH, pgates + t * B * 4 * H, ptanhC + t * B * H, pda + t * B * 4 * H, (int)B, (int)H);
                pair.Beside(() => dhO.addmm_(daO_t[s], W_ho, beta: 0));          // W_hoᵀ δa_o, for δh_{t-1}
                dcH.addmm_(daO_t[t], W_co);                                    // δc_t += W_coᵀ δa_o (c_t feeds o_t)
                pair.Await(cDone);
                float* cPrev = t == 0 ? pc0 : phc + (t - 1) * B * 2 * H + H;
                ThroughMemory(pdc, pdcH, pdHC + t * B * 2 * H + H, pgates + t * B * 4 * H, cPrev, t == 0 ? H : 2 * H, pda + t * B * 4 * H, (int)B, (int)H);
                hDone = pair.Beside(() => dhG.addmm_(daG_t[s], W_hg, beta: 0)); // W_hgᵀ δa_g
                cDone = pair.Beside(() => dc.addmm_(daIF_t[s], W_cif));         // δc_{t-1} += [W_ci; W_cf]ᵀ [δa_i; δa_f]
                dhIF.addmm_(daIF_t[t], W_hif, beta: 0);                        // W_h{i,f}ᵀ δa_{i,f}
            }
            pair.Join();
        }
        var dh = dhIF + dhG + dhO;                                             // δh_0
        var da2 = da.view(T * B, 4 * H);
        var dx = da2.mm(W_ih).view(T, B, I);
        var dW_ih = da2.t().mm(x.reshape(T * B, I));                           // Σ_t δa_t x_tᵀ
        var db = da2.sum(dim: 0);                                              // Σ_t δa_t
        // Terms with h_{t-1}, c_{t-1}: step 0 takes the initial state, steps 1…T-1 the rows of hc before theirs.
        var hcRows = hc.view(T * B, 2 * H);
        var (hRows, cRows, R) = (hcRows.narrow(1, 0, H), hcRows.narrow(1, H, H), (T - 1) * B);
        var (da0, daLater) = (da[0], da2.narrow(0, B, R));
        var dW_hh = da0.t().mm(h0);                                            // Σ_t δa_t h_{t-1}ᵀ
        var dW_cif = da0.narrow(1, 0, 2 * H).t().mm(c0);                      // Σ_t [δa_i; δa_f] c_{t-1}ᵀ
        if (T > 1)
        {
            dW_hh.addmm_(daLater.t(), hRows.narrow(0, 0, R));
            dW_cif.addmm_(daLater.narrow(1, 0, 2 * H).t(), cRows.narrow(0, 0, R));
        }
        var dW_co = da2.narrow(1, 3 * H, H).t().mm(cRows);                     // Σ_t δa_o c_tᵀ
        var result = new List<Tensor> { dx, dW_ih, dW_hh, db, db.clone(), dh, dc, dW_cif.narrow(0, 0, H), dW_cif.narrow(0, H, H), dW_co };
        foreach (var r in result) r.MoveToOuterDisposeScope();
        return result;
    }

    /// <summary>δh_t = W_hhᵀ δa_{t+1} (three parts) + ∂L/∂y_t;  δa_o = δh_t ⊙ tanh c_t ⊙ o(1 − o);  δc_t through h_t = δh_t ⊙ o ⊙ (1 − tanh²c_t) (the product then adds W_coᵀ δa_o).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void ThroughOutput(float* dhIF, float* dhG, float* dhO, float* dY, float* dcH, float* gates, float* tanhC, float* da, int B, int H)
    {
        var one = Vector256<float>.One;
        for (int b = 0; b < B; b++)
        {
            long row = (long)b * H;
            float* go = gates + 4 * row + 3 * H, dao = da + 4 * row + 3 * H;
            for (int j = 0; j < H; j += 8)
            {
                int n = Math.Min(8, H - j);
                var (o, tanh_c) = (Load(go + j, n), Load(tanhC + row + j, n));
                var dh_t = Load(dhIF + row + j, n) + Load(dhG + row + j, n) + Load(dhO + row + j, n) + Load(dY + 2 * row + j, n);
                Store(dh_t * tanh_c * o * (one - o), dao + j, n);
                Store(dh_t * o * (one - tanh_c * tanh_c), dcH + row + j, n);
            }
        }
    }

    /// <summary>δc_t = δc + δc_h + ∂L/∂c_t;  δa_i = δc_t ⊙ g ⊙ i(1 − i);  δa_f = δc_t ⊙ c_{t-1} ⊙ f(1 − f);  δa_g = δc_t ⊙ i ⊙ (1 − g²);  δc ← δc_t ⊙ f (the product then adds the peephole paths).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void ThroughMemory(float* dc, float* dcH, float* dcOut, float* gates, float* cPrev, long cPrevStride, float* da, int B, int H)
    {
        var one = Vector256<float>.One;
        for (int b = 0; b < B; b++)
        {
            long row = (long)b * H;
            float* gi = gates + 4 * row, gf = gi + H, gg = gf + H;
            float* dai = da + 4 * row, daf = dai + H, dag = daf + H;
            for (int j = 0; j < H; j += 8)
            {
                int n = Math.Min(8, H - j);
                var (i, f, g) = (Load(gi + j, n), Load(gf + j, n), Load(gg + j, n));
                var dc_t = Load(dc + row + j, n) + Load(dcH + row + j, n) + Load(dcOut + 2 * row + j, n);
                Store(dc_t * g * i * (one - i), dai + j, n);
                Store(dc_t * Load(cPrev + b * cPrevStride + j, n) * f * (one - f), daf + j, n);
                Store(dc_t * i * (one - g * g), dag + j, n);
                Store(dc_t * f, dc + row + j, n);
            }
        }
    }
}
