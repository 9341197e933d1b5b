using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using RnnToolkit.Native;
using TorchSharp;
using static RnnToolkit.Kernels.VectorMath;
using static TorchSharp.torch;

namespace RnnToolkit.Kernels;

/// <summary>
/// The whole LSTM recurrence over a sequence as one autograd node, with hand-written
/// backpropagation through time. Same equations as <see cref="Cells.LstmCell"/>:
/// <code>
/// a_t = W_ih x_t + b_ih + b_hh + W_hh h_{t-1}          a = [a_i; a_f; a_g; a_o]
/// i, f, o = σ(a_i), σ(a_f), σ(a_o);  g = tanh(a_g)
/// c_t = f ⊙ c_{t-1} + i ⊙ g;  h_t = o ⊙ tanh(c_t)
/// </code>
/// and its gradients, with δ the loss gradient reaching each quantity:
/// <code>
/// δh_t = ∂L/∂y_t + W_hhᵀ δa_{t+1}
/// δc_t = δc_{t+1} ⊙ f_{t+1} + δh_t ⊙ o_t ⊙ (1 − tanh²c_t)
/// δa_o = δh_t ⊙ tanh c_t ⊙ o(1 − o);  δa_i = δc_t ⊙ g ⊙ i(1 − i)
/// δa_f = δc_t ⊙ c_{t-1} ⊙ f(1 − f);   δa_g = δc_t ⊙ i ⊙ (1 − g²)
/// ∂L/∂W_hh = Σ_t δa_t h_{t-1}ᵀ,  ∂L/∂W_ih = Σ_t δa_t x_tᵀ,  ∂L/∂b = Σ_t δa_t,  ∂L/∂x_t = W_ihᵀ δa_t
/// </code>
/// With diagonal peepholes (<see cref="Cells.PeepholeLstmCell"/>) a_i += w_ci ⊙ c_{t-1},
/// a_f += w_cf ⊙ c_{t-1}, a_o += w_co ⊙ c_t, and the memory gradient gains their paths:
/// δc_t += δa_o ⊙ w_co, δc_{t-1} += δa_i ⊙ w_ci + δa_f ⊙ w_cf, ∂L/∂w_c· = Σ_t δa_· ⊙ c.
/// Everything that does not depend on the recurrence (input projection, weight gradients) runs once
/// over the whole sequence; each step of the loops is the recurrent product (libtorch) and one C# pass
/// over the step's rows in eight-lane chunks (<see cref="VectorMath"/>; float32 only), against some 30
/// libtorch calls for autograd over the cell. Verified against PyTorch by the same reference data as the cells.
/// </summary>
internal sealed unsafe class LstmSequenceKernel : autograd.MultiTensorFunction<LstmSequenceKernel>
{
    public override string Name => nameof(LstmSequenceKernel);

    /// <summary>Runs the kernel: x (T, B, I) time-first → h_1…h_T (T, B, H), h_T, c_T; peepholes (H) each, or null.</summary>
    /// <remarks>
    /// The node has one output, [h_t; c_t] for every step (T, B, 2H), and everything returned is a view
    /// of it: so every gradient reaching the node is defined (no placeholder for an unused h_T or c_T)
    /// and no output handle is needed after the forward pass.
    /// </remarks>
    public static (Tensor Output, Tensor HT, Tensor CT) Run(Tensor x, Tensor W_ih, Tensor W_hh, Tensor b_ih, Tensor b_hh, Tensor h0, Tensor c0,
        Tensor? w_ci = null, Tensor? w_cf = null, Tensor? w_co = null)
    {
        long H = W_hh.shape[1];
        var hc = apply(x, W_ih, W_hh, b_ih, b_hh, h0, c0, w_ci!, w_cf!, w_co!)[0];
        var hs = hc.narrow(2, 0, H);
        return (hs, hs[-1], hc.narrow(2, H, H)[-1]);
    }

    public override List<Tensor> forward(autograd.AutogradContext ctx, params object[] vars)
    {
        KernelRuns.Count(nameof(LstmSequenceKernel));
        var (x, W_ih, W_hh, b_ih, b_hh) = ((Tensor)vars[0], (Tensor)vars[1], (Tensor)vars[2], (Tensor)vars[3], (Tensor)vars[4]);
        var (w_ci, w_cf, w_co) = (vars[7] as Tensor, vars[8] as Tensor, vars[9] as Tensor);
        long T = x.shape[0], B = x.shape[1], I = x.shape[2], H = W_hh.shape[1];
        using var scope = NewDisposeScope();
        var (h0, c0) = (((Tensor)vars[5]).contiguous(), ((Tensor)vars[6]).contiguous());
        var peep = Peepholes.Of(w_ci, w_cf, w_co);

        // a_t's input half for every step at once; the loop adds W_hh h_{t-1}, then activates in place.
        var a = (b_ih + b_hh).addmm(x.reshape(T * B, I), W_ih.t()).view(T, B, 4 * H);
        var a_t = a.unbind(0);
        var W_hhT = W_hh.t();
        var hc = empty(T, B, 2 * H, dtype: x.dtype);          // the output: [h_t; c_t]
        var h_t = hc.narrow(2, 0, H).unbind(0);
        var tanhC = empty(T, B, H, dtype: x.dtype);
        float* pa = Floats(a), phc = Floats(hc), ptanhC = Floats(tanhC), pc0 = Floats(c0);
        Tensor h = h0;
        using (SingleThread.ForSteps(B * 4 * H * H))
            for (int t = 0; t < T; t++)
            {
                a_t[t].addmm_(h, W_hhT);
                float* cPrev = t == 0 ? pc0 : phc + (t - 1) * B * 2 * H + H;
                Forward(pa + t * B * 4 * H, cPrev, t == 0 ? H : 2 * H, phc + t * B * 2 * H, ptanhC + t * B * H, (int)B, (int)H, peep);
                h = h_t[t];
            }
        var gates = a;                                         // activated: i, f, g, o
        ctx.save_for_backward(peep.On ? [x, W_ih, W_hh, h0, c0, gates, tanhC, hc, w_ci!, w_cf!, w_co!] : [x, W_ih, W_hh, h0, c0, gates, tanhC, hc]);
        ctx.set_materialize_grads(false);
        foreach (var keep in new[] { hc, gates, tanhC, h0, c0 }) keep.MoveToOuterDisposeScope();
        return [hc];
    }

    /// <summary>
    /// One step's gates, memory and output, row by row in eight-lane chunks:
    /// i, f = σ(a_i + w_ci ⊙ c_{t-1}), σ(a_f + w_cf ⊙ c_{t-1});  g = tanh a_g;  c_t = f ⊙ c_{t-1} + i ⊙ g;
    /// o = σ(a_o + w_co ⊙ c_t);  h_t = o ⊙ tanh c_t.  The activated gates overwrite a.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Forward(float* a, float* cPrev, long cPrevStride, float* hc, float* tanhC, int B, int H, Peepholes peep)
    {
        for (int b = 0; b < B; b++)
        {
            float* ai = a + (long)b * 4 * H, af = ai + H, ag = af + H, ao = ag + H;
            float* cp = cPrev + b * cPrevStride, hr = hc + (long)b * 2 * H, cr = hr + H, tr = tanhC + (long)b * H;
            for (int j = 0; j < H; j += 8)
            {
                int n = Math.Min(8, H - j);
                var c_1 = Load(cp + j, n);
                var i = Sigmoid(Vector256.FusedMultiplyAdd(peep.Ci(j, n), c_1, Load(ai + j, n)));
                var f = Sigmoid(Vector256.FusedMultiplyAdd(peep.Cf(j, n), c_1, Load(af + j, n)));
                var g = Tanh(Load(ag + j, n));
                var c = Vector256.FusedMultiplyAdd(f, c_1, i * g);
                var o = Sigmoid(Vector256.FusedMultiplyAdd(peep.Co(j, n), c, Load(ao + j, n)));
                var tanh_c = Tanh(c);
                Store(i, ai + j, n); Store(f, af + j, n); Store(g, ag + j, n); Store(o, ao + j, n);
                Store(c, cr + j, n); Store(tanh_c, tr + j, n); Store(o * tanh_c, hr + j, n);
            }
        }
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, List<Tensor> grads)
    {
        using var scope = NewDisposeScope();
        var saved = ctx.get_saved_variables();
        var (x, W_ih, W_hh, h0, c0, gates, tanhC, hc) = (saved[0], saved[1], saved[2], saved[3], saved[4], saved[5], saved[6], saved[7]);
        var peep = saved.Count > 8 ? Peepholes.Of(saved[8], saved[9], saved[10]) : Peepholes.Of(null, null, null);
        long T = x.shape[0], B = x.shape[1], I = x.shape[2], H = W_hh.shape[1];
        var dHC = IncomingGradient.Of(grads, hc);
        var dY_t = dHC.narrow(2, 0, H).unbind(0);                                 // ∂L/∂h_t from outside
        var dCout = dHC.narrow(2, H, H).contiguous();                             // ∂L/∂c_t from outside (c_T, usually)
        var (output, C) = (hc.narrow(2, 0, H), hc.narrow(2, H, H));
        var hPrev = cat([h0.unsqueeze(0), output.narrow(0, 0, T - 1)]);

        var da = empty(T, B, 4 * H, dtype: x.dtype);
        var da_t = da.unbind(0);
        var dc = zeros(B, H, dtype: x.dtype);                                     // δc, carried from step to step
        float* pda = Floats(da), pdc = Floats(dc), pdCout = Floats(dCout), pgates = Floats(gates), ptanhC = Floats(tanhC), phc = Floats(hc), pc0 = Floats(c0);
        var dh = dY_t[T - 1].contiguous();                                        // δh_{T-1}: from outside only
        using (SingleThread.ForSteps(B * 4 * H * H))
            for (long t = T - 1; t >= 0; t--)
            {
                float* cPrev = t == 0 ? pc0 : phc + (t - 1) * B * 2 * H + H;
                Backward(Floats(dh), pdCout + t * B * H, pdc, pgates + t * B * 4 * H, ptanhC + t * B * H, cPrev, t == 0 ? H : 2 * H,
                    pda + t * B * 4 * H, (int)B, (int)H, peep);
                // δh_{t-1} = δa_t W_hh + ∂L/∂h_{t-1} from outside (added by the product itself: beta = 1)
                dh = t > 0 ? dY_t[t - 1].addmm(da_t[t], W_hh) : da_t[t].mm(W_hh);
            }
        var da2 = da.view(T * B, 4 * H);
        var dx = da2.mm(W_ih).view(T, B, I);
        var dW_ih = da2.t().mm(x.reshape(T * B, I));
        var dW_hh = da2.t().mm(hPrev.reshape(T * B, H));
        var db = da2.sum(dim: 0);
        var result = new List<Tensor> { dx, dW_ih, dW_hh, db, db.clone(), dh, dc };
        if (peep.On)
        {
            var cPrevAll = cat([c0.unsqueeze(0), C.narrow(0, 0, T - 1)]);
            result.Add((da.narrow(2, 0, H) * cPrevAll).sum([0, 1]));
            result.Add((da.narrow(2, H, H) * cPrevAll).sum([0, 1]));
            result.Add((da.narrow(2, 3 * H, H) * C).sum([0, 1]));
        }
        foreach (var r in result) r.MoveToOuterDisposeScope();
        if (!peep.On) result.AddRange([null!, null!, null!]);                 // no peepholes: nothing to differentiate
        return result;
    }

    /// <summary>
    /// One step back, row by row in eight-lane chunks (i, f, g, o the activated gates of step t):
    /// δc_t = δc + ∂L/∂c_t + δh ⊙ o ⊙ (1 − tanh²c_t) + δa_o ⊙ w_co,  δa_o = δh ⊙ tanh c_t ⊙ o(1 − o);
    /// δa_i = δc_t ⊙ g ⊙ i(1 − i),  δa_f = δc_t ⊙ c_{t-1} ⊙ f(1 − f),  δa_g = δc_t ⊙ i ⊙ (1 − g²);
    /// δc ← δc_t ⊙ f + δa_i ⊙ w_ci + δa_f ⊙ w_cf (for step t − 1).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Backward(float* dh, float* dcOut, float* dc, float* gates, float* tanhC, float* cPrev, long cPrevStride, float* da, int B, int H, Peepholes peep)
    {
        var one = Vector256<float>.One;
        for (int b = 0; b < B; b++)
        {
            long row = (long)b * H;
            float* gi = gates + 4 * row, gf = gi + H, gg = gf + H, go = gg + H;
            float* dai = da + 4 * row, daf = dai + H, dag = daf + H, dao = dag + H;
            float* cp = cPrev + b * cPrevStride;
            for (int j = 0; j < H; j += 8)
            {
                int n = Math.Min(8, H - j);
                var (i, f, g, o) = (Load(gi + j, n), Load(gf + j, n), Load(gg + j, n), Load(go + j, n));
                var (tanh_c, dh_) = (Load(tanhC + row + j, n), Load(dh + row + j, n));
                var da_o = dh_ * tanh_c * o * (one - o);
                var dc_t = Load(dc + row + j, n) + Load(dcOut + row + j, n) + dh_ * o * (one - tanh_c * tanh_c) + da_o * peep.Co(j, n);
                var da_i = dc_t * g * i * (one - i);
                var da_f = dc_t * Load(cp + j, n) * f * (one - f);
                var da_g = dc_t * i * (one - g * g);
                Store(da_i, dai + j, n); Store(da_f, daf + j, n); Store(da_g, dag + j, n); Store(da_o, dao + j, n);
                Store(dc_t * f + da_i * peep.Ci(j, n) + da_f * peep.Cf(j, n), dc + row + j, n);
            }
        }
    }

    /// <summary>The diagonal peepholes' memory (w_ci, w_cf, w_co, each H long), or none: then every term they add is 0.</summary>
    readonly struct Peepholes
    {
        readonly float* ci, cf, co;
        public bool On => ci != null;
        Peepholes(float* ci, float* cf, float* co) { this.ci = ci; this.cf = cf; this.co = co; }
        public static Peepholes Of(Tensor? w_ci, Tensor? w_cf, Tensor? w_co) =>
            w_ci is null ? default : new Peepholes(Floats(w_ci), Floats(w_cf!), Floats(w_co!));
        public Vector256<float> Ci(int j, int n) => On ? Load(ci + j, n) : Vector256<float>.Zero;
        public Vector256<float> Cf(int j, int n) => On ? Load(cf + j, n) : Vector256<float>.Zero;
        public Vector256<float> Co(int j, int n) => On ? Load(co + j, n) : Vector256<float>.Zero;
    }
}
