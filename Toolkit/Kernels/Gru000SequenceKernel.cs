using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
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
/// weight gradients are one product each over all steps after the loop. Float32 only. The skeleton around the steps is
/// <see cref="SequenceKernel{TStep}"/>'s.
/// Where the toolkit's own product fits (<see cref="PackedMatrix"/>), each step's hidden units are split in two halves on
/// two cores (<see cref="UnitHalves"/>) and the step's products are the toolkit's; elsewhere libtorch's.
/// </summary>
static class Gru000SequenceKernel
{
    /// <summary>x (T, B, I) time-first → h_1…h_T (T, B, H) and h_T (a view of it: the node has one output, so every gradient reaching it is defined).</summary>
    public static (Tensor Output, Tensor HT) Run(Tensor x, Tensor W_x_zr, Tensor W_h_zr, Tensor b_zr, Tensor W_xh, Tensor W_hh, Tensor b_h, Tensor h0) =>
        SequenceKernel<Step>.RunToLast(x, W_x_zr, W_h_zr, b_zr, W_xh, W_hh, b_h, h0);

    /// <summary>
    /// The printed GRU's step forward ([ẑ; r̂] += W_h_zr h_{t-1}, the gate pass, a += W_hh (r ⊙ h_{t-1}), the output pass)
    /// and back (the candidate's pass, δ(r ⊙ h_{t-1}) = W_hhᵀ δa, the reset's pass, δh_{t-1} += W_h_zrᵀ [δẑ; δr̂]).
    /// </summary>
    internal unsafe struct Step : IStepEquations<Step>
    {
        public static string Kernel => nameof(Gru000SequenceKernel);
        // Two sequential products per step, the larger (gates) B·2H·H: one thread (B = 64, H = 128: 42.6 vs 48.0 ms per training step).
        public static long StepMacs(Sequence s) => s.B * 2 * s.H * s.H;
        /// <summary>With the packed product the two halves of every step's units run on two cores (two hand-overs a step: the gates, then the state).</summary>
        public static bool Pairs(Sequence s) => Packs(s);
        static bool Packs(Sequence s) => s.Type == ScalarType.Float32 && PackedMatrix.Fits(s.H);
        public Sequence Shape { get; private set; }
        public Tensor Output { get; private set; }
        public readonly Tensor[] Saved => [x, W_x_zr, W_h_zr, W_xh, W_hh, h0, gates, RH];

        Tensor x, W_x_zr, W_h_zr, W_xh, W_hh, W_h_zrT, W_hhT, h0, gates, RH;  // gates: [x̂_z; x̂_r; x̂_a], turned into [z; r; n]; RH: r ⊙ h_{t-1} of every step
        Tensor d, dh;                                                           // [δẑ; δr̂; δa] of every step; δh_t within a step, carried back
        Tensor[] zr_t, a_t, RH_t, output_t, dzr_t, da_t;
        float* pg, pout, pRH, ph0, pdY, pd, pdh, pdrh;
        PackedMatrix? W_h_zr_packed, W_hh_packed;                              // forward W_h_zrᵀ, W_hhᵀ; backward W_h_zr, W_hh; or null: libtorch's products
        UnitHalves? gateHalves, stateHalves;                                    // the packed loops' two phases a step, split by hidden units

        public static Step Forward(Tensor[] v)
        {
            var k = new Step { x = v[0], W_x_zr = v[1], W_h_zr = v[2], W_xh = v[4], W_hh = v[5], h0 = v[7].contiguous() };
            var s = k.Shape = Sequence.Of(k.x, k.W_hh);
            // [x̂_z; x̂_r; x̂_a] for every step in one product; the steps turn it into [z; r; n] in place.
            k.gates = s.Project(k.x, cat([k.W_x_zr, k.W_xh]), cat([v[3], v[6]]), 3);
            k.zr_t = k.gates.narrow(2, 0, 2 * s.H).unbind(0);
            k.a_t = k.gates.narrow(2, 2 * s.H, s.H).unbind(0);
            (k.W_h_zrT, k.W_hhT) = (k.W_h_zr.t(), k.W_hh.t());
            k.Output = s.Steps(1);
            k.output_t = k.Output.unbind(0);
            k.RH = s.Steps(1);                                                  // the second product's input, and ∂L/∂W_hh's
            k.RH_t = k.RH.unbind(0);
            k.pg = Floats(k.gates); k.pout = Floats(k.Output); k.pRH = Floats(k.RH); k.ph0 = Floats(k.h0);
            if (!Packs(s)) return k;
            k.W_h_zr_packed = PackedMatrix.Transposed(Floats(k.W_h_zr.contiguous()), (int)(2 * s.H), (int)s.H);
            k.W_hh_packed = PackedMatrix.Transposed(Floats(k.W_hh.contiguous()), (int)s.H, (int)s.H);
            var run = k;
            (k.gateHalves, k.stateHalves) = (new UnitHalves(s.H, run.ForwardGates), new UnitHalves(s.H, run.ForwardState));
            return k;
        }

        public readonly void Forward(int t, StepPair pair)
        {
            if (gateHalves is not null) { gateHalves.Run(pair, t); stateHalves!.Run(pair, t); return; }
            var s = Shape;
            zr_t[t].addmm_(t == 0 ? h0 : output_t[t - 1], W_h_zrT);                          // [ẑ; r̂]
            Gates(s.At(pg, t, 3), s.Previous(ph0, pout, t), s.At(pRH, t, 1), (int)s.B, (int)s.H, 0, (int)s.H);
            a_t[t].addmm_(RH_t[t], W_hhT);                                                  // a = x̂_a + W_hh (r ⊙ h_{t-1})
            HiddenState(s.At(pg, t, 3), s.At(pout, t, 1), (int)s.B, (int)s.H, 0, (int)s.H);
        }

        /// <summary>Step t's first phase for the units [u0, u1): their columns of [ẑ; r̂] += W_h_zr h_{t-1}, then z, r and r ⊙ h_{t-1}.</summary>
        readonly void ForwardGates(int t, int u0, int u1)
        {
            var s = Shape;
            int B = (int)s.B, H = (int)s.H;
            float* hPrev = s.Previous(ph0, pout, t);
            W_h_zr_packed!.MultiplyAddUnits(hPrev, H, s.At(pg, t, 3), 3 * H, B, H, u0, u1);
            Gates(s.At(pg, t, 3), hPrev, s.At(pRH, t, 1), B, H, u0, u1);
        }

        /// <summary>Step t's second phase for the units [u0, u1) (r ⊙ h_{t-1} whole: the first phase's join): a += W_hh (r ⊙ h_{t-1}) in their columns, then n and h_t.</summary>
        readonly void ForwardState(int t, int u0, int u1)
        {
            var s = Shape;
            int B = (int)s.B, H = (int)s.H;
            W_hh_packed!.MultiplyAddUnits(s.At(pRH, t, 1), H, s.At(pg, t, 3) + 2 * H, 3 * H, B, H, u0, u1);
            HiddenState(s.At(pg, t, 3), s.At(pout, t, 1), B, H, u0, u1);
        }

        public static Step Backward(IReadOnlyList<Tensor> saved, Tensor output, Tensor dOutput)
        {
            var k = new Step { x = saved[0], W_x_zr = saved[1], W_h_zr = saved[2], W_xh = saved[3], W_hh = saved[4], h0 = saved[5], gates = saved[6], RH = saved[7], Output = output };
            var s = k.Shape = Sequence.Of(k.x, k.W_hh);
            var dY = dOutput.contiguous();
            k.d = s.Steps(3);
            (k.dzr_t, k.da_t) = (k.d.narrow(2, 0, 2 * s.H).unbind(0), k.d.narrow(2, 2 * s.H, s.H).unbind(0));
            k.dh = s.Carried();                                                 // carried back: W_hhᵀ δa ⊙ r + W_h_zrᵀ [δẑ; δr̂]
            k.pdY = Floats(dY); k.pg = Floats(k.gates); k.pout = Floats(output); k.ph0 = Floats(k.h0); k.pd = Floats(k.d); k.pdh = Floats(k.dh);
            if (!Packs(s)) return k;
            k.pdrh = Floats(s.Carried());                                       // δ(r ⊙ h_{t-1}) of the step
            k.W_h_zr_packed = PackedMatrix.Of(Floats(k.W_h_zr.contiguous()), (int)(2 * s.H), (int)s.H);
            k.W_hh_packed = PackedMatrix.Of(Floats(k.W_hh.contiguous()), (int)s.H, (int)s.H);
            var run = k;
            (k.gateHalves, k.stateHalves) = (new UnitHalves(s.H, run.BackwardCandidateUnits), new UnitHalves(s.H, run.BackwardResetUnits));
            return k;
        }

        public readonly void Backward(int t, StepPair pair)
        {
            if (gateHalves is not null) { gateHalves.Run(pair, t); stateHalves!.Run(pair, t); return; }
            var s = Shape;
            BackwardCandidate(pdh, s.At(pdY, t, 1), s.At(pg, t, 3), s.At(pd, t, 3), (int)s.B, (int)s.H, 0, (int)s.H);
            using var drh = da_t[t].mm(W_hh);                                               // δ(r ⊙ h_{t-1}) = W_hhᵀ δa
            BackwardReset(pdh, Floats(drh), s.At(pg, t, 3), s.Previous(ph0, pout, t), s.At(pd, t, 3), (int)s.B, (int)s.H, 0, (int)s.H);
            dh.addmm_(dzr_t[t], W_h_zr);                                                     // δh_{t-1}, before its own ∂L/∂y
        }

        /// <summary>Step t's first phase back for the units [u0, u1): δh += W_h_zrᵀ [δẑ; δr̂]_{t+1} in their columns (whole: the previous phase's join), then the candidate's pass.</summary>
        readonly void BackwardCandidateUnits(int t, int u0, int u1)
        {
            var s = Shape;
            int B = (int)s.B, H = (int)s.H;
            if (t < s.T - 1) W_h_zr_packed!.MultiplyAddUnits(s.At(pd, t + 1, 3), 3 * H, pdh, H, B, H, u0, u1);
            BackwardCandidate(pdh, s.At(pdY, t, 1), s.At(pg, t, 3), s.At(pd, t, 3), B, H, u0, u1);
        }

        /// <summary>Step t's second phase back for the units [u0, u1): δ(r ⊙ h_{t-1}) = W_hhᵀ δa in their columns (δa whole: the first phase's join), then the reset's pass.</summary>
        readonly void BackwardResetUnits(int t, int u0, int u1)
        {
            var s = Shape;
            int B = (int)s.B, H = (int)s.H;
            W_hh_packed!.MultiplyUnits(s.At(pd, t, 3) + 2 * H, 3 * H, pdrh, H, B, H, u0, u1);
            BackwardReset(pdh, pdrh, s.At(pg, t, 3), s.Previous(ph0, pout, t), s.At(pd, t, 3), B, H, u0, u1);
        }

        public readonly List<Tensor?> Gradients()
        {
            var s = Shape;
            if (gateHalves is not null) dh.addmm_(dzr_t[0], W_h_zr);                          // δh_0: the packed loop stops at step 0's passes
            var (H, TB) = (s.H, s.T * s.B);
            var d2 = d.view(TB, 3 * H);
            var dzr2 = d.narrow(2, 0, 2 * H).reshape(TB, 2 * H);
            var da2 = d.narrow(2, 2 * H, H).reshape(TB, H);
            var (dx, dWx) = s.ThroughProjection(d2, cat([W_x_zr, W_xh]), x);         // ∂L/∂x_t = [W_x_zr; W_xh]ᵀ δ;  [∂L/∂W_x_zr; ∂L/∂W_xh] = Σ_t δ x_tᵀ
            var db = d2.sum(dim: 0);
            return
            [
                dx,
                dWx.narrow(0, 0, 2 * H),
                s.ThroughRecurrence(dzr2, s.Previous(h0, Output)),                           // ∂L/∂W_h_zr = Σ_t [δẑ; δr̂] h_{t-1}ᵀ
                db.narrow(0, 0, 2 * H),
                dWx.narrow(0, 2 * H, H),
                s.ThroughRecurrence(da2, RH),                                                // ∂L/∂W_hh = Σ_t δa (r ⊙ h_{t-1})ᵀ
                db.narrow(0, 2 * H, H),
                dh,                                                                          // ∂L/∂h_0
            ];
        }

        /// <summary>The step's first pass, row by row in eight-lane chunks: z, r = σ(ẑ), σ(r̂) in place;  r ⊙ h_{t-1}.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        static void Gates(float* g, float* hPrev, float* rh, int B, int H, int j0, int j1)
        {
            for (int b = 0; b < B; b++)
            {
                long row = (long)b * H;
                float* gz = g + 3 * row, gr = gz + H;
                for (int j = j0; j < j1; j += 8)
                {
                    int m = Math.Min(8, j1 - j);
                    var z = Sigmoid(Load(gz + j, m));
                    var r = Sigmoid(Load(gr + j, m));
                    Store(z, gz + j, m); Store(r, gr + j, m);
                    Store(r * Load(hPrev + row + j, m), rh + row + j, m);
                }
            }
        }

        /// <summary>The step's second pass, row by row in eight-lane chunks: n = tanh(a) in place;  h_t = (1 − z) ⊙ r ⊙ n.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        static void HiddenState(float* g, float* h, int B, int H, int j0, int j1)
        {
            var one = Vector256<float>.One;
            for (int b = 0; b < B; b++)
            {
                long row = (long)b * H;
                float* z_ = g + 3 * row, r_ = z_ + H, a_ = r_ + H;
                for (int j = j0; j < j1; j += 8)
                {
                    int m = Math.Min(8, j1 - j);
                    var n = Tanh(Load(a_ + j, m));
                    Store(n, a_ + j, m);
                    Store((one - Load(z_ + j, m)) * Load(r_ + j, m) * n, h + row + j, m);
                }
            }
        }

        /// <summary>
        /// The step's first pass back, row by row in eight-lane chunks: δh_t = δh + ∂L/∂y_t (kept in δh for the second pass);
        /// δa = δh_t ⊙ (1 − z) r (1 − n²);  δẑ = δh_t ⊙ (−r n) z(1 − z).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        static void BackwardCandidate(float* dh, float* dY, float* gates, float* d, int B, int H, int j0, int j1)
        {
            var one = Vector256<float>.One;
            for (int b = 0; b < B; b++)
            {
                long row = (long)b * H;
                float* dz_ = d + 3 * row, da_ = dz_ + 2 * H;
                for (int j = j0; j < j1; j += 8)
                {
                    int m = Math.Min(8, j1 - j);
                    var (z, r, n) = LoadThree(gates + 3 * row, H, j, m);
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
        static void BackwardReset(float* dh, float* drh, float* gates, float* hPrev, float* d, int B, int H, int j0, int j1)
        {
            var one = Vector256<float>.One;
            for (int b = 0; b < B; b++)
            {
                long row = (long)b * H;
                float* dr_ = d + 3 * row + H;
                for (int j = j0; j < j1; j += 8)
                {
                    int m = Math.Min(8, j1 - j);
                    var (z, r, n) = LoadThree(gates + 3 * row, H, j, m);
                    var dh_t = Load(dh + row + j, m);
                    var d_rh = Load(drh + row + j, m);
                    Store((dh_t * (one - z) * n + d_rh * Load(hPrev + row + j, m)) * r * (one - r), dr_ + j, m);
                    Store(d_rh * r, dh + row + j, m);
                }
            }
        }
    }
}
