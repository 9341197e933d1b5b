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
/// Each step is the recurrent product and one C# pass over eight-lane chunks (<see cref="VectorMath"/>); float32 only. The
/// product is the toolkit's own (<see cref="PackedMatrix"/>) where it fits, each step's hidden units split in two halves
/// on two cores (<see cref="UnitHalves"/>), else libtorch's.
/// The skeleton around the steps is <see cref="SequenceKernel{TStep}"/>'s.
/// </summary>
static class GruSequenceKernel
{
    /// <summary>x (T, B, I) time-first → h_1…h_T (T, B, H) and h_T (a view of it: the node has one output, so every gradient reaching it is defined).</summary>
    public static (Tensor Output, Tensor HT) Run(Tensor x, Tensor W_ih, Tensor W_hh, Tensor b_ih, Tensor b_hh, Tensor h0) =>
        SequenceKernel<Step>.RunToLast(x, W_ih, W_hh, b_ih, b_hh, h0);

    /// <summary>The GRU's step forward (ĥ = W_hh h_{t-1} + b_hh, then the gate pass) and back (the pass back, then δh_{t-1} += W_hhᵀ δĥ).</summary>
    internal unsafe struct Step : IStepEquations<Step>
    {
        public static string Kernel => nameof(GruSequenceKernel);
        public static long StepMacs(Sequence s) => s.B * 3 * s.H * s.H;
        /// <summary>With the packed product the two halves of every step's units run on two cores.</summary>
        public static bool Pairs(Sequence s) => Packs(s);
        static bool Packs(Sequence s) => s.Type == ScalarType.Float32 && PackedMatrix.Fits(s.H);
        public Sequence Shape { get; private set; }
        public Tensor Output { get; private set; }
        public readonly Tensor[] Saved => [x, W_ih, W_hh, h0, gates, hhN];

        Tensor x, W_ih, W_hh, b_hh, W_hhT, h0, gates, hhN;       // gates: x̂ for all steps, which the passes turn into [r, z, n]; hhN: ĥ_n of every step
        Tensor[] output_t, dhh_t;
        Tensor dx, dhh, dh;                                        // δx̂, δĥ of every step; δh carried back: z ⊙ δh_t + δĥ W_hh
        float* pgates, phhN, pout, ph0, pdY, pdx, pdhh, pdh, pb_hh, phh;
        PackedMatrix? W_hhT_packed, W_hh_packed;                  // the packed product's W_hhᵀ (forward) and W_hh (backward), or null: libtorch's
        UnitHalves? halves;                                        // the packed loops' steps, split by hidden units

        public static Step Forward(Tensor[] v)
        {
            var k = new Step { x = v[0], W_ih = v[1], W_hh = v[2], b_hh = v[4], h0 = v[5].contiguous() };
            var s = k.Shape = Sequence.Of(k.x, k.W_hh);
            k.gates = s.Project(k.x, k.W_ih, v[3], 3);
            k.W_hhT = k.W_hh.t();
            k.Output = s.Steps(1);
            k.output_t = k.Output.unbind(0);
            k.hhN = s.Steps(1);
            k.pgates = Floats(k.gates); k.pout = Floats(k.Output); k.phhN = Floats(k.hhN); k.ph0 = Floats(k.h0);
            if (!Packs(s)) return k;
            k.pb_hh = Floats(k.b_hh.contiguous());
            k.phh = Floats(empty(s.B, 3 * s.H, dtype: s.Type));                                 // ĥ of the step
            k.W_hhT_packed = PackedMatrix.Transposed(Floats(k.W_hh.contiguous()), (int)(3 * s.H), (int)s.H);
            var run = k;
            k.halves = new UnitHalves(s.H, run.ForwardUnits);
            return k;
        }

        public readonly void Forward(int t, StepPair pair)
        {
            if (halves is not null) { halves.Run(pair, t); return; }
            var s = Shape;
            using var hh = b_hh.addmm(t == 0 ? h0 : output_t[t - 1], W_hhT);                    // ĥ
            Activate(s.At(pgates, t, 3), Floats(hh), s.Previous(ph0, pout, t), s.At(pout, t, 1), s.At(phhN, t, 1), (int)s.B, (int)s.H, 0, (int)s.H);
        }

        /// <summary>Step t forward for the units [u0, u1): their columns of ĥ = b_hh + h_{t-1} W_hhᵀ in each gate, then their gate pass.</summary>
        readonly void ForwardUnits(int t, int u0, int u1)
        {
            var s = Shape;
            int B = (int)s.B, H = (int)s.H;
            float* hPrev = s.Previous(ph0, pout, t);
            for (int b = 0; b < B; b++)
                for (int gate = 0; gate < 3; gate++)
                    new ReadOnlySpan<float>(pb_hh + gate * H + u0, u1 - u0).CopyTo(new Span<float>(phh + (long)b * 3 * H + gate * H + u0, u1 - u0));
            W_hhT_packed!.MultiplyAddUnits(hPrev, H, phh, 3 * H, B, H, u0, u1);
            Activate(s.At(pgates, t, 3), phh, hPrev, s.At(pout, t, 1), s.At(phhN, t, 1), B, H, u0, u1);
        }

        public static Step Backward(IReadOnlyList<Tensor> saved, Tensor output, Tensor dOutput)
        {
            var k = new Step { x = saved[0], W_ih = saved[1], W_hh = saved[2], h0 = saved[3], gates = saved[4], hhN = saved[5], Output = output };
            var s = k.Shape = Sequence.Of(k.x, k.W_hh);
            var dY = dOutput.contiguous();
            k.dx = s.Steps(3);                                                             // δx̂ = [δr̂, δẑ, δn̂]
            k.dhh = s.Steps(3);                                                            // δĥ = [δr̂, δẑ, δn̂ ⊙ r]
            k.dhh_t = k.dhh.unbind(0);
            k.dh = s.Carried();
            k.pdY = Floats(dY); k.pgates = Floats(k.gates); k.phhN = Floats(k.hhN); k.pout = Floats(output); k.ph0 = Floats(k.h0);
            k.pdx = Floats(k.dx); k.pdhh = Floats(k.dhh); k.pdh = Floats(k.dh);
            if (!Packs(s)) return k;
            k.W_hh_packed = PackedMatrix.Of(Floats(k.W_hh.contiguous()), (int)(3 * s.H), (int)s.H);
            var run = k;
            k.halves = new UnitHalves(s.H, run.BackwardUnits);
            return k;
        }

        public readonly void Backward(int t, StepPair pair)
        {
            if (halves is not null) { halves.Run(pair, t); return; }
            var s = Shape;
            Derive(pdh, s.At(pdY, t, 1), s.At(pgates, t, 3), s.At(phhN, t, 1), s.Previous(ph0, pout, t), s.At(pdx, t, 3), s.At(pdhh, t, 3), (int)s.B, (int)s.H, 0, (int)s.H);
            dh.addmm_(dhh_t[t], W_hh);                                                           // δh_{t-1}, before its own ∂L/∂y
        }

        /// <summary>
        /// Step t back for the units [u0, u1): δh += δĥ_{t+1} W_hh in their columns (δĥ_{t+1} whole: the previous
        /// step's join), then their pass back, which needs only their own columns of δh.
        /// </summary>
        readonly void BackwardUnits(int t, int u0, int u1)
        {
            var s = Shape;
            int B = (int)s.B, H = (int)s.H;
            if (t < s.T - 1) W_hh_packed!.MultiplyAddUnits(s.At(pdhh, t + 1, 3), 3 * H, pdh, H, B, H, u0, u1);
            Derive(pdh, s.At(pdY, t, 1), s.At(pgates, t, 3), s.At(phhN, t, 1), s.Previous(ph0, pout, t), s.At(pdx, t, 3), s.At(pdhh, t, 3), B, H, u0, u1);
        }

        public readonly List<Tensor?> Gradients()
        {
            var s = Shape;
            if (halves is not null) dh.addmm_(dhh_t[0], W_hh);                                  // δh_0: the packed loop stops at step 0's pass
            var (dx2, dhh2) = (dx.view(s.T * s.B, 3 * s.H), dhh.view(s.T * s.B, 3 * s.H));
            var (dInput, dW_ih) = s.ThroughProjection(dx2, W_ih, x);
            return [dInput, dW_ih, s.ThroughRecurrence(dhh2, s.Previous(h0, Output)), dx2.sum(dim: 0), dhh2.sum(dim: 0), dh];
        }

        /// <summary>
        /// One step, row by row in eight-lane chunks: r, z = σ(x̂_r + ĥ_r), σ(x̂_z + ĥ_z);  n = tanh(x̂_n + r ⊙ ĥ_n);
        /// h_t = n + z ⊙ (h_{t-1} − n).  r, z, n overwrite x̂; ĥ_n is kept. Units [j0, j1) only.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        static void Activate(float* xh, float* hh, float* hPrev, float* h, float* hhN, int B, int H, int j0, int j1)
        {
            for (int b = 0; b < B; b++)
            {
                long row = (long)b * H;
                float* xr = xh + 3 * row, xz = xr + H, xn = xz + H;
                float* hr = hh + 3 * row, hz = hr + H, hn = hz + H;
                for (int j = j0; j < j1; j += 8)
                {
                    int m = Math.Min(8, j1 - j);
                    var r = Sigmoid(Load(xr + j, m) + Load(hr + j, m));
                    var z = Sigmoid(Load(xz + j, m) + Load(hz + j, m));
                    var h_n = Load(hn + j, m);
                    var n = Tanh(Vector256.FusedMultiplyAdd(r, h_n, Load(xn + j, m)));
                    Store(r, xr + j, m); Store(z, xz + j, m); Store(n, xn + j, m); Store(h_n, hhN + row + j, m);
                    Store(Vector256.FusedMultiplyAdd(z, Load(hPrev + row + j, m) - n, n), h + row + j, m);
                }
            }
        }

        /// <summary>
        /// One step back, row by row in eight-lane chunks: δh_t = δh + ∂L/∂y_t;  δn̂ = δh_t ⊙ (1 − z)(1 − n²);
        /// δẑ = δh_t ⊙ (h_{t-1} − n) z(1 − z);  δr̂ = δn̂ ⊙ ĥ_n r(1 − r);  δĥ_n = δn̂ ⊙ r;  δh ← z ⊙ δh_t (the product adds δĥ W_hh). Units [j0, j1) only.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        static void Derive(float* dh, float* dY, float* gates, float* hhN, float* hPrev, float* dx, float* dhh, int B, int H, int j0, int j1)
        {
            var one = Vector256<float>.One;
            for (int b = 0; b < B; b++)
            {
                long row = (long)b * H;
                float* dxr = dx + 3 * row, dxz = dxr + H, dxn = dxz + H;
                float* dhr = dhh + 3 * row, dhz = dhr + H, dhn = dhz + H;
                for (int j = j0; j < j1; j += 8)
                {
                    int m = Math.Min(8, j1 - j);
                    var (r, z, n) = LoadThree(gates + 3 * row, H, j, m);
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
}
