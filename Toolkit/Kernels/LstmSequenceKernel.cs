using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
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
/// over the whole sequence; each step of the loops is the recurrent product and one C# pass
/// over the step's rows in eight-lane chunks (<see cref="VectorMath"/>; float32 only), against some 30
/// libtorch calls for autograd over the cell. The product is the toolkit's own (<see cref="PackedMatrix"/>) where it fits:
/// then each step's hidden units are split in two halves, each half's columns of the product and its gate pass on one
/// core (<see cref="UnitHalves"/>), else libtorch's. Verified against PyTorch by the same reference data as the cells.
/// The skeleton around the steps is <see cref="SequenceKernel{TStep}"/>'s.
/// </summary>
static class LstmSequenceKernel
{
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
        var hc = SequenceKernel<Step>.Run(x, W_ih, W_hh, b_ih, b_hh, h0, c0, w_ci!, w_cf!, w_co!);
        var hs = hc.narrow(2, 0, H);
        return (hs, hs[-1], hc.narrow(2, H, H)[-1]);
    }

    /// <summary>The LSTM's step forward (a_t += W_hh h_{t-1}, then the gate pass) and back (the pass back, then δh_{t-1} = W_hhᵀ δa_t + ∂L/∂h_{t-1}).</summary>
    internal unsafe struct Step : IStepEquations<Step>
    {
        public static string Kernel => nameof(LstmSequenceKernel);
        public static long StepMacs(Sequence s) => s.B * 4 * s.H * s.H;
        /// <summary>With the packed product the two halves of every step's units run on two cores.</summary>
        public static bool Pairs(Sequence s) => Packs(s);
        static bool Packs(Sequence s) => s.Type == ScalarType.Float32 && PackedMatrix.Fits(s.H);
        public Sequence Shape { get; private set; }
        public Tensor Output { get; private set; }                   // [h_t; c_t] of every step
        public readonly Tensor[] Saved => peep.On ? [x, W_ih, W_hh, h0, c0, gates, tanhC, w_ci!, w_cf!, w_co!] : [x, W_ih, W_hh, h0, c0, gates, tanhC];

        Tensor x, W_ih, W_hh, W_hhT, h0, c0, gates, tanhC;           // gates: a, which the passes activate in place (i, f, g, o)
        Tensor? w_ci, w_cf, w_co;
        Tensor da, dc, dh;                                           // δa of every step; δc, δh carried from step to step
        Tensor[] a_t, h_t, dY_t, da_t;
        float* pa, phc, ptanhC, pc0, pda, pdc, pdCout, ph0, pdOut, pdh;
        Peepholes peep;
        PackedMatrix? W_hhT_packed, W_hh_packed;                    // the packed product's W_hhᵀ (forward) and W_hh (backward), or null: libtorch's
        UnitHalves? halves;                                          // the packed loops' steps, split by hidden units

        public static Step Forward(Tensor[] v)
        {
            var k = new Step { x = v[0], W_ih = v[1], W_hh = v[2], h0 = v[5].contiguous(), c0 = v[6].contiguous(), w_ci = v[7], w_cf = v[8], w_co = v[9] };
            var s = k.Shape = Sequence.Of(k.x, k.W_hh);
            k.peep = Peepholes.Of(k.w_ci, k.w_cf, k.w_co);
            // a_t's input half for every step at once; the steps add W_hh h_{t-1}, then activate in place.
            k.gates = s.Project(k.x, k.W_ih, v[3] + v[4], 4);
            k.a_t = k.gates.unbind(0);
            k.W_hhT = k.W_hh.t();
            k.Output = s.Steps(2);
            k.h_t = k.Output.narrow(2, 0, s.H).unbind(0);
            k.tanhC = s.Steps(1);
            k.pa = Floats(k.gates); k.phc = Floats(k.Output); k.ptanhC = Floats(k.tanhC); k.pc0 = Floats(k.c0);
            if (!Packs(s)) return k;
            k.ph0 = Floats(k.h0);
            k.W_hhT_packed = PackedMatrix.Transposed(Floats(k.W_hh.contiguous()), (int)(4 * s.H), (int)s.H);
            var run = k;
            k.halves = new UnitHalves(s.H, run.ForwardUnits);
            return k;
        }

        public readonly void Forward(int t, StepPair pair)
        {
            if (halves is not null) { halves.Run(pair, t); return; }
            var s = Shape;
            a_t[t].addmm_(t == 0 ? h0 : h_t[t - 1], W_hhT);
            float* cPrev = s.PreviousMemory(pc0, phc, t, out long stride);
            Activate(s.At(pa, t, 4), cPrev, stride, s.At(phc, t, 2), s.At(ptanhC, t, 1), (int)s.B, (int)s.H, peep, 0, (int)s.H);
        }

        /// <summary>Step t forward for the units [u0, u1): their columns of a_t += h_{t-1} W_hhᵀ in each gate, then their gate pass.</summary>
        readonly void ForwardUnits(int t, int u0, int u1)
        {
            var s = Shape;
            int B = (int)s.B, H = (int)s.H;
            float* a = s.At(pa, t, 4), hPrev = t == 0 ? ph0 : s.At(phc, t - 1, 2);
            W_hhT_packed!.MultiplyAddUnits(hPrev, t == 0 ? H : 2 * H, a, 4 * H, B, H, u0, u1);
            float* cPrev = s.PreviousMemory(pc0, phc, t, out long stride);
            Activate(a, cPrev, stride, s.At(phc, t, 2), s.At(ptanhC, t, 1), B, H, peep, u0, u1);
        }

        public static Step Backward(IReadOnlyList<Tensor> saved, Tensor output, Tensor dOutput)
        {
            var k = new Step { x = saved[0], W_ih = saved[1], W_hh = saved[2], h0 = saved[3], c0 = saved[4], gates = saved[5], tanhC = saved[6], Output = output };
            if (saved.Count > 8) (k.w_ci, k.w_cf, k.w_co) = (saved[7], saved[8], saved[9]);
            k.peep = Peepholes.Of(k.w_ci, k.w_cf, k.w_co);
            var s = k.Shape = Sequence.Of(k.x, k.W_hh);
            k.dY_t = dOutput.narrow(2, 0, s.H).unbind(0);                                 // ∂L/∂h_t from outside
            var dCout = dOutput.narrow(2, s.H, s.H).contiguous();                         // ∂L/∂c_t from outside (c_T, usually)
            k.da = s.Steps(4);
            k.da_t = k.da.unbind(0);
            k.dc = s.Carried();
            k.dh = k.dY_t[s.T - 1].contiguous();                                           // δh_{T-1}: from outside only
            k.pda = Floats(k.da); k.pdc = Floats(k.dc); k.pdCout = Floats(dCout); k.pa = Floats(k.gates); k.ptanhC = Floats(k.tanhC);
            k.phc = Floats(output); k.pc0 = Floats(k.c0);
            if (!Packs(s)) return k;
            k.pdOut = Floats(dOutput.contiguous());
            k.dh = s.Carried();
            k.pdh = Floats(k.dh);
            k.W_hh_packed = PackedMatrix.Of(Floats(k.W_hh.contiguous()), (int)(4 * s.H), (int)s.H);
            var run = k;
            k.halves = new UnitHalves(s.H, run.BackwardUnits);
            return k;
        }

        public void Backward(int t, StepPair pair)
        {
            if (halves is not null) { halves.Run(pair, t); return; }
            var s = Shape;
            float* cPrev = s.PreviousMemory(pc0, phc, t, out long stride);
            Derive(Floats(dh), s.At(pdCout, t, 1), pdc, s.At(pa, t, 4), s.At(ptanhC, t, 1), cPrev, stride, s.At(pda, t, 4), (int)s.B, (int)s.H, peep, 0, (int)s.H);
            // δh_{t-1} = δa_t W_hh + ∂L/∂h_{t-1} from outside (added by the product itself: beta = 1)
            dh = t > 0 ? dY_t[t - 1].addmm(da_t[t], W_hh) : da_t[t].mm(W_hh);
        }

        /// <summary>
        /// Step t back for the units [u0, u1): δh_t = ∂L/∂h_t + δa_{t+1} W_hh in their columns (δa_{t+1} whole: the
        /// previous step's join), then their pass back, which needs only their own columns of δh and δc.
        /// </summary>
        readonly void BackwardUnits(int t, int u0, int u1)
        {
            var s = Shape;
            int B = (int)s.B, H = (int)s.H;
            for (int b = 0; b < B; b++)
                new ReadOnlySpan<float>(s.At(pdOut, t, 2) + (long)b * 2 * H + u0, u1 - u0).CopyTo(new Span<float>(pdh + (long)b * H + u0, u1 - u0));
            if (t < s.T - 1) W_hh_packed!.MultiplyAddUnits(s.At(pda, t + 1, 4), 4 * H, pdh, H, B, H, u0, u1);
            float* cPrev = s.PreviousMemory(pc0, phc, t, out long stride);
            Derive(pdh, s.At(pdCout, t, 1), pdc, s.At(pa, t, 4), s.At(ptanhC, t, 1), cPrev, stride, s.At(pda, t, 4), B, H, peep, u0, u1);
        }

        public readonly List<Tensor?> Gradients()
        {
            var s = Shape;
            var dh = halves is null ? this.dh : da_t[0].mm(W_hh);      // δh_0 ← W_hhᵀ δa_0: the packed loop stops at step 0's pass
            var (hs, C) = (Output.narrow(2, 0, s.H), Output.narrow(2, s.H, s.H));
            var da2 = da.view(s.T * s.B, 4 * s.H);
            var (dx, dW_ih) = s.ThroughProjection(da2, W_ih, x);
            var dW_hh = s.ThroughRecurrence(da2, s.Previous(h0, hs));
            var db = da2.sum(dim: 0);
            if (!peep.On) return [dx, dW_ih, dW_hh, db, db.clone(), dh, dc, null, null, null];   // no peepholes: nothing to differentiate
            var cPrevAll = s.Previous(c0, C);
            return [dx, dW_ih, dW_hh, db, db.clone(), dh, dc, (da.narrow(2, 0, s.H) * cPrevAll).sum([0, 1]),
                (da.narrow(2, s.H, s.H) * cPrevAll).sum([0, 1]), (da.narrow(2, 3 * s.H, s.H) * C).sum([0, 1])];
        }

        /// <summary>
        /// One step's gates, memory and output, row by row in eight-lane chunks:
        /// i, f = σ(a_i + w_ci ⊙ c_{t-1}), σ(a_f + w_cf ⊙ c_{t-1});  g = tanh a_g;  c_t = f ⊙ c_{t-1} + i ⊙ g;
        /// o = σ(a_o + w_co ⊙ c_t);  h_t = o ⊙ tanh c_t.  The activated gates overwrite a. Units [j0, j1) only.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        static void Activate(float* a, float* cPrev, long cPrevStride, float* hc, float* tanhC, int B, int H, Peepholes peep, int j0, int j1)
        {
            for (int b = 0; b < B; b++)
            {
                float* ai = a + (long)b * 4 * H, af = ai + H, ag = af + H, ao = ag + H;
                float* cp = cPrev + b * cPrevStride, hr = hc + (long)b * 2 * H, cr = hr + H, tr = tanhC + (long)b * H;
                for (int j = j0; j < j1; j += 8)
                {
                    int n = Math.Min(8, j1 - j);
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

        /// <summary>
        /// One step back, row by row in eight-lane chunks (i, f, g, o the activated gates of step t):
        /// δc_t = δc + ∂L/∂c_t + δh ⊙ o ⊙ (1 − tanh²c_t) + δa_o ⊙ w_co,  δa_o = δh ⊙ tanh c_t ⊙ o(1 − o);
        /// δa_i = δc_t ⊙ g ⊙ i(1 − i),  δa_f = δc_t ⊙ c_{t-1} ⊙ f(1 − f),  δa_g = δc_t ⊙ i ⊙ (1 − g²);
        /// δc ← δc_t ⊙ f + δa_i ⊙ w_ci + δa_f ⊙ w_cf (for step t − 1). Units [j0, j1) only.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        static void Derive(float* dh, float* dcOut, float* dc, float* gates, float* tanhC, float* cPrev, long cPrevStride, float* da, int B, int H, Peepholes peep, int j0, int j1)
        {
            var one = Vector256<float>.One;
            for (int b = 0; b < B; b++)
            {
                long row = (long)b * H;
                float* gi = gates + 4 * row, gf = gi + H, gg = gf + H, go = gg + H;
                float* dai = da + 4 * row, daf = dai + H, dag = daf + H, dao = dag + H;
                float* cp = cPrev + b * cPrevStride;
                for (int j = j0; j < j1; j += 8)
                {
                    int n = Math.Min(8, j1 - j);
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
    }

    /// <summary>The diagonal peepholes' memory (w_ci, w_cf, w_co, each H long), or none: then every term they add is 0.</summary>
    unsafe readonly struct Peepholes
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
