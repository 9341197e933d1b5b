using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
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
/// after the loop. Float32 only. The skeleton around the steps is <see cref="SequenceKernel{TStep}"/>'s.
/// Where the toolkit's own product fits (<see cref="PackedMatrix"/>), each step's hidden units are split in two halves on
/// two cores (<see cref="UnitHalves"/>) and the step's products are the toolkit's; elsewhere libtorch's.
/// </summary>
static class Gru002SequenceKernel
{
    /// <summary>x (T, B, I) time-first → h_1…h_T (T, B, H) and h_T (a view of it: the node has one output, so every gradient reaching it is defined).</summary>
    public static (Tensor Output, Tensor HT) Run(Tensor x, Tensor W_x_zr, Tensor W_h_zr, Tensor b_zr, Tensor W_hh, Tensor b_h, Tensor h0) =>
        SequenceKernel<Step>.RunToLast(x, W_x_zr, W_h_zr, b_zr, W_hh, b_h, h0);

    /// <summary>The printed GRU's step forward ([W_h_zr; W_hh] h_{t-1}, then the gate pass) and back (the pass back, then δh_{t-1} += [W_h_zr; W_hh]ᵀ [δẑ; δr̂; δp]).</summary>
    internal unsafe struct Step : IStepEquations<Step>
    {
        public static string Kernel => nameof(Gru002SequenceKernel);
        public static long StepMacs(Sequence s) => s.B * 3 * s.H * s.H;
        /// <summary>With the packed product the two halves of every step's units run on two cores.</summary>
        public static bool Pairs(Sequence s) => Packs(s);
        static bool Packs(Sequence s) => s.Type == ScalarType.Float32 && PackedMatrix.Fits(s.H);
        public Sequence Shape { get; private set; }
        public Tensor Output { get; private set; }
        public readonly Tensor[] Saved => [x, W_x_zr, W_h_zr, W_hh, h0, gates, P];

        Tensor x, W_x_zr, W_h_zr, W_hh, W_h, h0, gates, P;       // W_h = [W_h_zr; W_hh]; gates: [x̂_z; x̂_r; u], turned into [z; r; n]; P: p of every step
        Tensor dx, d, dh;                                          // [δẑ; δr̂; δu] and [δẑ; δr̂; δp] of every step; δh carried back
        Tensor[] output_t, d_t;
        float* pg, pout, pP, ph0, pdY, pdx, pd, pdh, phh;
        PackedMatrix? W_hT_packed, W_h_packed;                    // the packed product's [W_h_zr; W_hh]ᵀ (forward) and [W_h_zr; W_hh] (backward), or null: libtorch's
        UnitHalves? halves;                                        // the packed loops' steps, split by hidden units

        public static Step Forward(Tensor[] v)
        {
            var k = new Step { x = v[0], W_x_zr = v[1], W_h_zr = v[2], W_hh = v[4], h0 = v[6].contiguous() };
            var s = k.Shape = Sequence.Of(k.x, k.W_hh);
            // [x̂_z; x̂_r; u] for every step in one product; the steps turn it into [z; r; n] in place.
            k.gates = s.Project(k.x, cat([k.W_x_zr, k.W_hh]), cat([v[3], v[5]]), 3);
            k.W_h = cat([k.W_h_zr, k.W_hh]).t();
            k.Output = s.Steps(1);
            k.output_t = k.Output.unbind(0);
            k.P = s.Steps(1);
            k.pg = Floats(k.gates); k.pout = Floats(k.Output); k.pP = Floats(k.P); k.ph0 = Floats(k.h0);
            if (!Packs(s)) return k;
            k.W_hT_packed = PrintedGruGates.PackForward(k.W_h_zr, k.W_hh, s, out k.phh);
            var run = k;
            k.halves = new UnitHalves(s.H, run.ForwardUnits);
            return k;
        }

        public readonly void Forward(int t, StepPair pair)
        {
            if (halves is not null) { halves.Run(pair, t); return; }
            var s = Shape;
            using var hh = (t == 0 ? h0 : output_t[t - 1]).mm(W_h);                            // [W_hz h; W_hr h; p]
            Activate(s.At(pg, t, 3), Floats(hh), s.Previous(ph0, pout, t), s.At(pout, t, 1), s.At(pP, t, 1), (int)s.B, (int)s.H, 0, (int)s.H);
        }

        public static Step Backward(IReadOnlyList<Tensor> saved, Tensor output, Tensor dOutput)
        {
            var k = new Step { x = saved[0], W_x_zr = saved[1], W_h_zr = saved[2], W_hh = saved[3], h0 = saved[4], gates = saved[5], P = saved[6], Output = output };
            var s = k.Shape = Sequence.Of(k.x, k.W_hh);
            var dY = dOutput.contiguous();
            (k.dx, k.d) = (s.Steps(3), s.Steps(3));
            k.d_t = k.d.unbind(0);
            k.W_h = cat([k.W_h_zr, k.W_hh]);
            k.dh = s.Carried();                                    // z ⊙ δh_t + [W_h_zr; W_hh]ᵀ [δẑ; δr̂; δp]
            k.pdY = Floats(dY); k.pg = Floats(k.gates); k.pP = Floats(k.P); k.pout = Floats(output); k.ph0 = Floats(k.h0);
            k.pdx = Floats(k.dx); k.pd = Floats(k.d); k.pdh = Floats(k.dh);
            if (!Packs(s)) return k;
            k.W_h_packed = PackedMatrix.Of(Floats(k.W_h.contiguous()), (int)(3 * s.H), (int)s.H);
            var run = k;
            k.halves = new UnitHalves(s.H, run.BackwardUnits);
            return k;
        }

        public readonly void Backward(int t, StepPair pair)
        {
            if (halves is not null) { halves.Run(pair, t); return; }
            var s = Shape;
            Derive(pdh, s.At(pdY, t, 1), s.At(pg, t, 3), s.At(pP, t, 1), s.Previous(ph0, pout, t), s.At(pdx, t, 3), s.At(pd, t, 3), (int)s.B, (int)s.H, 0, (int)s.H);
            dh.addmm_(d_t[t], W_h);                                                          // δh_{t-1}, before its own ∂L/∂y
        }

        /// <summary>Step t forward for the units [u0, u1): their columns of [W_hz h; W_hr h; p] = h_{t-1} [W_h_zr; W_hh]ᵀ, then their gate pass.</summary>
        readonly void ForwardUnits(int t, int u0, int u1)
        {
            var s = Shape;
            int B = (int)s.B, H = (int)s.H;
            float* hPrev = s.Previous(ph0, pout, t);
            W_hT_packed!.MultiplyUnits(hPrev, H, phh, 3 * H, B, H, u0, u1);
            Activate(s.At(pg, t, 3), phh, hPrev, s.At(pout, t, 1), s.At(pP, t, 1), B, H, u0, u1);
        }

        /// <summary>Step t back for the units [u0, u1): δh += [δẑ; δr̂; δp]_{t+1} [W_h_zr; W_hh] in their columns (whole: the previous step's join), then their pass back.</summary>
        readonly void BackwardUnits(int t, int u0, int u1)
        {
            var s = Shape;
            int B = (int)s.B, H = (int)s.H;
            if (t < s.T - 1) W_h_packed!.MultiplyAddUnits(s.At(pd, t + 1, 3), 3 * H, pdh, H, B, H, u0, u1);
            Derive(pdh, s.At(pdY, t, 1), s.At(pg, t, 3), s.At(pP, t, 1), s.Previous(ph0, pout, t), s.At(pdx, t, 3), s.At(pd, t, 3), B, H, u0, u1);
        }

        public readonly List<Tensor?> Gradients()
        {
            var s = Shape;
            if (halves is not null) dh.addmm_(d_t[0], W_h);                                  // δh_0: the packed loop stops at step 0's pass
            var (H, TB) = (s.H, s.T * s.B);
            var (dx2, d2) = (dx.view(TB, 3 * H), d.view(TB, 3 * H));
            var (dInput, dWx) = s.ThroughProjection(dx2, cat([W_x_zr, W_hh]), x);  // [W_x_zr; W_hh]ᵀ [δẑ; δr̂; δu];  [∂L/∂W_x_zr; ∂L/∂W_hh from x]
            var dWh = s.ThroughRecurrence(d2, s.Previous(h0, Output));              // [∂L/∂W_h_zr; ∂L/∂W_hh from h] = Σ_t [δẑ; δr̂; δp] h_{t-1}ᵀ
            var db = dx2.sum(dim: 0);                                                 // [∂L/∂b_zr; ∂L/∂b_h] = Σ_t [δẑ; δr̂; δa]
            return
            [
                dInput,
                dWx.narrow(0, 0, 2 * H),
                dWh.narrow(0, 0, 2 * H),
                db.narrow(0, 0, 2 * H),
                dWx.narrow(0, 2 * H, H) + dWh.narrow(0, 2 * H, H),                   // ∂L/∂W_hh, both uses
                db.narrow(0, 2 * H, H),
                dh,                                                                  // ∂L/∂h_0
            ];
        }

        /// <summary>
        /// One step, row by row in eight-lane chunks: z, r = σ(x̂_z + W_hz h), σ(x̂_r + W_hr h);  n = tanh(u + (1 − z) ⊙ p);
        /// h_t = (1 − z) ⊙ r ⊙ n + z ⊙ h_{t-1}.  z, r, n overwrite [x̂_z; x̂_r; u]; p is kept.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        static void Activate(float* g, float* hh, float* hPrev, float* h, float* P, int B, int H, int j0, int j1)
        {
            var one = Vector256<float>.One;
            for (int b = 0; b < B; b++)
            {
                long row = (long)b * H;
                float* gz = g + 3 * row, gr = gz + H, gu = gr + H;
                for (int j = j0; j < j1; j += 8)
                {
                    int m = Math.Min(8, j1 - j);
                    var (z, r, p) = PrintedGruGates.Of(gz, hh + 3 * row, H, j, m);
                    var keep = one - z;
                    var n = Tanh(Vector256.FusedMultiplyAdd(keep, p, Load(gu + j, m)));
                    Store(z, gz + j, m); Store(r, gr + j, m); Store(n, gu + j, m); Store(p, P + row + j, m);
                    Store(Vector256.FusedMultiplyAdd(keep * r, n, z * Load(hPrev + row + j, m)), h + row + j, m);
                }
            }
        }

        /// <summary>
        /// One step back, row by row in eight-lane chunks: δh_t = δh + ∂L/∂y_t;  δa = δh_t ⊙ (1 − z) r (1 − n²) = δu;
        /// δp = δa ⊙ (1 − z);  δr̂ = δh_t ⊙ (1 − z) n r(1 − r);  δẑ = (δh_t ⊙ (h_{t-1} − r n) − δa ⊙ p) z(1 − z);
        /// δh ← z ⊙ δh_t (the product adds [W_h_zr; W_hh]ᵀ [δẑ; δr̂; δp]).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        static void Derive(float* dh, float* dY, float* gates, float* P, float* hPrev, float* dx, float* d, int B, int H, int j0, int j1)
        {
            var one = Vector256<float>.One;
            for (int b = 0; b < B; b++)
            {
                long row = (long)b * H;
                float* dxz = dx + 3 * row, dxr = dxz + H, dxu = dxr + H;
                float* dz_ = d + 3 * row, dr_ = dz_ + H, dp_ = dr_ + H;
                for (int j = j0; j < j1; j += 8)
                {
                    int m = Math.Min(8, j1 - j);
                    var (z, r, n) = LoadThree(gates + 3 * row, H, j, m);
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
}
