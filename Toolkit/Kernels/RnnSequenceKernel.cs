using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using static RnnToolkit.Kernels.VectorMath;
using static TorchSharp.torch;

namespace RnnToolkit.Kernels;

/// <summary>
/// The Elman recurrence (<see cref="Cells.RnnCell"/> with tanh or ReLU) as one autograd node:
/// <code>
/// a_t = W_ih x_t + b_ih + b_hh + W_hh h_{t-1},   h_t = φ(a_t)
/// δa_t = (∂L/∂y_t + W_hhᵀ δa_{t+1}) ⊙ φ'(a_t)       φ' = 1 − h² (tanh) or [h &gt; 0] (ReLU)
/// </code>
/// Each step: one product, then one C# pass over eight-lane chunks (<see cref="VectorMath"/>); float32 only. The product is the
/// toolkit's own (<see cref="PackedMatrix"/>, the units split in two halves on two cores: <see cref="UnitHalves"/>) where it fits, else libtorch's.
/// The skeleton around the steps is <see cref="SequenceKernel{TStep}"/>'s; φ is a type argument, so each pass is compiled for its φ.
/// </summary>
static class RnnSequenceKernel
{
    /// <summary>x (T, B, I) time-first → h_1…h_T (T, B, H) and h_T (a view of it: one output, so every gradient reaching the node is defined).</summary>
    public static (Tensor Output, Tensor HT) Run(Tensor x, Tensor W_ih, Tensor W_hh, Tensor b_ih, Tensor b_hh, Tensor h0, bool relu) =>
        relu ? SequenceKernel<Step<Relu>>.RunToLast(x, W_ih, W_hh, b_ih, b_hh, h0) : SequenceKernel<Step<Tanh>>.RunToLast(x, W_ih, W_hh, b_ih, b_hh, h0);

    /// <summary>φ and its derivative, on eight lanes.</summary>
    internal interface IActivation
    {
        /// <summary>h = φ(a).</summary>
        static abstract Vector256<float> Of(Vector256<float> a);

        /// <summary>φ'(a), from h = φ(a).</summary>
        static abstract Vector256<float> SlopeAt(Vector256<float> h);
    }

    /// <summary>φ = tanh: φ' = 1 − h².</summary>
    internal readonly struct Tanh : IActivation
    {
        public static Vector256<float> Of(Vector256<float> a) => VectorMath.Tanh(a);
        public static Vector256<float> SlopeAt(Vector256<float> h) => Vector256<float>.One - h * h;
    }

    /// <summary>φ = max(a, 0): φ' = [h &gt; 0].</summary>
    internal readonly struct Relu : IActivation
    {
        public static Vector256<float> Of(Vector256<float> a) => Vector256.Max(a, Vector256<float>.Zero);
        public static Vector256<float> SlopeAt(Vector256<float> h) =>
            Vector256.ConditionalSelect(Vector256.GreaterThan(h, Vector256<float>.Zero), Vector256<float>.One, Vector256<float>.Zero);
    }

    /// <summary>The Elman step forward (a_t += W_hh h_{t-1}, then h_t = φ(a_t) in place) and back (δa_t, then δh_{t-1} = W_hhᵀ δa_t).</summary>
    internal unsafe struct Step<TPhi> : IStepEquations<Step<TPhi>> where TPhi : struct, IActivation
    {
        public static string Kernel => nameof(RnnSequenceKernel);
        public static long StepMacs(Sequence s) => s.B * 1 * s.H * s.H;
        /// <summary>With the packed product the two halves of every step's units run on two cores.</summary>
        public static bool Pairs(Sequence s) => Packs(s);
        static bool Packs(Sequence s) => s.Type == ScalarType.Float32 && PackedMatrix.Fits(s.H);
        public Sequence Shape { get; private set; }
        public Tensor Output { get; private set; }                   // a, which the steps turn into h_1…h_T in place
        public readonly Tensor[] Saved => [x, W_ih, W_hh, h0];

        Tensor x, W_ih, W_hh, W_hhT, h0, da, dh;                      // dh: δh_{t-1} = W_hhᵀ δa_t
        Tensor[] a_t, da_t;
        float* pout, pdY, pda, ph0, pdh;
        PackedMatrix? W_hhT_packed, W_hh_packed;                     // the packed product's W_hhᵀ (forward) and W_hh (backward), or null: libtorch's
        UnitHalves? halves;                                           // the packed loops' steps, split by hidden units

        public static Step<TPhi> Forward(Tensor[] v)
        {
            var k = new Step<TPhi> { x = v[0], W_ih = v[1], W_hh = v[2], h0 = v[5] };
            var s = k.Shape = Sequence.Of(k.x, k.W_hh);
            k.Output = s.Project(k.x, k.W_ih, v[3] + v[4], 1);
            k.a_t = k.Output.unbind(0);
            k.W_hhT = k.W_hh.t();
            k.pout = Floats(k.Output);
            if (!Packs(s)) return k;
            k.ph0 = Floats(k.h0 = k.h0.contiguous());
            k.W_hhT_packed = PackedMatrix.Transposed(Floats(k.W_hh.contiguous()), (int)s.H, (int)s.H);
            var run = k;
            k.halves = new UnitHalves(s.H, run.ForwardUnits);
            return k;
        }

        public readonly void Forward(int t, StepPair pair)
        {
            if (halves is not null) { halves.Run(pair, t); return; }
            a_t[t].addmm_(t == 0 ? h0 : a_t[t - 1], W_hhT);
            Activate(Shape.At(pout, t, 1), Shape.B * Shape.H);
        }

        public static Step<TPhi> Backward(IReadOnlyList<Tensor> saved, Tensor output, Tensor dOutput)
        {
            var k = new Step<TPhi> { x = saved[0], W_ih = saved[1], W_hh = saved[2], h0 = saved[3], Output = output };
            var s = k.Shape = Sequence.Of(k.x, k.W_hh);
            var dY = dOutput.contiguous();
            k.da = s.Steps(1);
            k.da_t = k.da.unbind(0);
            k.dh = s.Carried();
            k.pdY = Floats(dY); k.pout = Floats(output); k.pda = Floats(k.da);
            if (!Packs(s)) return k;
            k.pdh = Floats(k.dh);
            k.W_hh_packed = PackedMatrix.Of(Floats(k.W_hh.contiguous()), (int)s.H, (int)s.H);
            var run = k;
            k.halves = new UnitHalves(s.H, run.BackwardUnits);
            return k;
        }

        public void Backward(int t, StepPair pair)
        {
            if (halves is not null) { halves.Run(pair, t); return; }
            Derive(Floats(dh), Shape.At(pdY, t, 1), Shape.At(pout, t, 1), Shape.At(pda, t, 1), Shape.B * Shape.H);
            dh = da_t[t].mm(W_hh);
        }

        /// <summary>Step t forward for the units [u0, u1): their columns of a_t += h_{t-1} W_hhᵀ, then h_t = φ(a_t) in them.</summary>
        readonly void ForwardUnits(int t, int u0, int u1)
        {
            var s = Shape;
            int B = (int)s.B, H = (int)s.H;
            float* a = s.At(pout, t, 1);
            W_hhT_packed!.MultiplyAddUnits(s.Previous(ph0, pout, t), H, a, H, B, H, u0, u1);
            for (int b = 0; b < B; b++) Activate(a + (long)b * H + u0, u1 - u0);
        }

        /// <summary>Step t back for the units [u0, u1): δh = δa_{t+1} W_hh in their columns (δa_{t+1} whole: the previous step's join), then their δa_t.</summary>
        readonly void BackwardUnits(int t, int u0, int u1)
        {
            var s = Shape;
            int B = (int)s.B, H = (int)s.H;
            if (t < s.T - 1) W_hh_packed!.MultiplyUnits(s.At(pda, t + 1, 1), H, pdh, H, B, H, u0, u1);
            for (int b = 0; b < B; b++)
            {
                long at = (long)b * H + u0;
                Derive(pdh + at, s.At(pdY, t, 1) + at, s.At(pout, t, 1) + at, s.At(pda, t, 1) + at, u1 - u0);
            }
        }

        public readonly List<Tensor?> Gradients()
        {
            var s = Shape;
            var dh = halves is null ? this.dh : da_t[0].mm(W_hh);        // δh_0 = W_hhᵀ δa_0: the packed loop stops at step 0's pass
            var hPrev = s.Previous(h0, Output);
            var da2 = da.view(s.T * s.B, s.H);
            var db = da2.sum(dim: 0);
            var (dInput, dW_ih) = s.ThroughProjection(da2, W_ih, x);
            return [dInput, dW_ih, s.ThroughRecurrence(da2, hPrev), db, db.clone(), dh];
        }

        /// <summary>h_t = φ(a_t) in place over one step's (B, H) block (contiguous, so one run of B·H floats).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        static void Activate(float* a, long count)
        {
            for (long k = 0; k < count; k += 8)
            {
                int n = (int)Math.Min(8, count - k);
                Store(TPhi.Of(Load(a + k, n)), a + k, n);
            }
        }

        /// <summary>δa_t = (δh + ∂L/∂y_t) ⊙ φ'(a_t), over one step's (B, H) block.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        static void Derive(float* dh, float* dY, float* h, float* da, long count)
        {
            for (long k = 0; k < count; k += 8)
            {
                int n = (int)Math.Min(8, count - k);
                Store((Load(dh + k, n) + Load(dY + k, n)) * TPhi.SlopeAt(Load(h + k, n)), da + k, n);
            }
        }
    }
}
