using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
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
/// (<see cref="VectorMath"/>; float32 only). Verified against PyTorch by the cells' reference data. The skeleton around
/// the steps is <see cref="SequenceKernel{TStep}"/>'s.
/// <para>
/// A step does 7H² multiply-adds against the LSTM's 4H², but they are not one chain: W_ho h_{t-1} is needed
/// only at o_t and [W_ci; W_cf] c_t only at the next step. With two threads the loops are paired
/// (<see cref="StepPair"/>): forward, the partner thread does W_hg h_{t-1}, W_ho h_{t-1} and [W_ci; W_cf] c_t
/// (4H²) while this one does W_h{i,f} h_{t-1} and W_co c_t (3H²) and the element-wise passes, each on one
/// libtorch thread; backward likewise. B = 64, H = 128: 1.70x the LSTM's training time unpaired, 1.16–1.19x paired.
/// </para>
/// Where the toolkit's own product fits (<see cref="PackedMatrix"/>), each step's hidden units are split in two halves on
/// two cores (<see cref="UnitHalves"/>) and the step's products are the toolkit's; elsewhere libtorch's.
/// </summary>
static class MatrixPeepholeLstmSequenceKernel
{
    /// <summary>Runs the kernel: x (T, B, I) time-first → h_1…h_T (T, B, H), h_T, c_T; W_ci, W_cf, W_co (H, H).</summary>
    /// <remarks>As in <see cref="LstmSequenceKernel"/>, the node's one output is [h_t; c_t] for every step (T, B, 2H), and all returned are views of it.</remarks>
    public static (Tensor Output, Tensor HT, Tensor CT) Run(Tensor x, Tensor W_ih, Tensor W_hh, Tensor b_ih, Tensor b_hh, Tensor h0, Tensor c0,
        Tensor W_ci, Tensor W_cf, Tensor W_co)
    {
        long H = W_hh.shape[1];
        var hc = SequenceKernel<Step>.Run(x, W_ih, W_hh, b_ih, b_hh, h0, c0, W_ci, W_cf, W_co);
        var hs = hc.narrow(2, 0, H);
        return (hs, hs[-1], hc.narrow(2, H, H)[-1]);
    }

    /// <summary>
    /// The matrix-peephole LSTM's step forward and back: its products split between this thread and the partner
    /// (<see cref="StepPair"/>) around the passes through the memory and through the output.
    /// </summary>
    internal unsafe struct Step : IStepEquations<Step>
    {
        public static string Kernel => nameof(MatrixPeepholeLstmSequenceKernel);
        public static long StepMacs(Sequence s) => s.B * 7 * s.H * s.H;
        public static bool Pairs(Sequence s) => true;
        static bool Packs(Sequence s) => s.Type == ScalarType.Float32 && PackedMatrix.Fits(s.H);
        public Sequence Shape { get; private set; }
        public Tensor Output { get; private set; }                   // [h_t; c_t] of every step
        public readonly Tensor[] Saved => [x, W_ih, W_hh, h0, c0, gates, tanhC, W_ci, W_cf, W_co];

        Tensor x, W_ih, W_hh, h0, c0, gates, tanhC, W_ci, W_cf, W_co;  // gates: a, which the passes activate in place (i, f, g, o)
        Tensor W_hifT, W_hgT, W_hoT, W_cifT, W_coT, peep, co;           // peep: [W_ci; W_cf] c_{t-1} for the step at hand; co: W_co c_t
        Tensor[] h_t, c_t, if_t, g_t, o_t;
        Tensor W_hif, W_hg, W_ho, W_cif, da, dhIF, dhG, dhO, dcH, dc;   // dh·: δh_t's parts from the step after, W_hhᵀ δa_{t+1} by gate rows
        Tensor[] daIF_t, daG_t, daO_t;                                  // dcH: δc_t through h_t and o_t; dc: δc_t through c_{t+1}
        float* pa, phc, ptanhC, pc0, ppeep, pco, pdHC, pda, pdc, pdcH, pdhIF, pdhG, pdhO;
        long hDone, cDone;                                              // the partner's tickets for δh_{t-1}'s and δc_{t-1}'s products
        float* ph0;
        PackedMatrix? W_hh_packed, W_cif_packed, W_co_packed;           // forward W_hhᵀ, [W_ci; W_cf]ᵀ, W_coᵀ; backward W_hh, [W_ci; W_cf], W_co; or null: libtorch's
        UnitHalves? firstHalves, secondHalves;                          // the packed loops' two phases a step, split by hidden units

        public static Step Forward(Tensor[] v)
        {
            var k = new Step { x = v[0], W_ih = v[1], W_hh = v[2], h0 = v[5].contiguous(), c0 = v[6].contiguous(), W_ci = v[7], W_cf = v[8], W_co = v[9] };
            var s = k.Shape = Sequence.Of(k.x, k.W_hh);
            long H = s.H;
            var W_hhT = k.W_hh.t();
            (k.W_hifT, k.W_hgT, k.W_hoT) = (W_hhT.narrow(1, 0, 2 * H), W_hhT.narrow(1, 2 * H, H), W_hhT.narrow(1, 3 * H, H));
            k.W_cifT = cat([k.W_ci, k.W_cf]).t();                     // (H, 2H): c [W_ci; W_cf]ᵀ = [W_ci c; W_cf c] per row
            k.W_coT = k.W_co.t();
            k.Output = s.Steps(2);
            (k.h_t, k.c_t) = (k.Output.narrow(2, 0, H).unbind(0), k.Output.narrow(2, H, H).unbind(0));
            k.tanhC = s.Steps(1);
            k.peep = empty(s.B, 2 * H, dtype: s.Type);
            k.co = empty(s.B, H, dtype: s.Type);
            // a_t's input half for every step at once; the steps add the recurrent products and activate in place.
            k.gates = s.Project(k.x, k.W_ih, v[3] + v[4], 4);
            (k.if_t, k.g_t, k.o_t) = (k.gates.narrow(2, 0, 2 * H).unbind(0), k.gates.narrow(2, 2 * H, H).unbind(0), k.gates.narrow(2, 3 * H, H).unbind(0));
            k.pa = Floats(k.gates); k.phc = Floats(k.Output); k.ptanhC = Floats(k.tanhC); k.pc0 = Floats(k.c0); k.ppeep = Floats(k.peep); k.pco = Floats(k.co);
            if (!Packs(s)) return k;
            k.ph0 = Floats(k.h0);
            k.W_hh_packed = PackedMatrix.Transposed(Floats(k.W_hh.contiguous()), (int)(4 * H), (int)H);
            k.W_cif_packed = PackedMatrix.Transposed(Floats(cat([k.W_ci, k.W_cf]).contiguous()), (int)(2 * H), (int)H);
            k.W_co_packed = PackedMatrix.Transposed(Floats(k.W_co.contiguous()), (int)H, (int)H);
            var run = k;
            (k.firstHalves, k.secondHalves) = (new UnitHalves(H, run.ForwardMemory), new UnitHalves(H, run.ForwardOutput));
            return k;
        }

        /// <remarks>
        /// Paired, the partner does W_hg h_{t-1}, W_ho h_{t-1} and [W_ci; W_cf] c_t (4H²) while this thread does
        /// W_h{i,f} h_{t-1}, then W_co c_t, which waits for c_t (3H²), and the element-wise passes.
        /// </remarks>
        public readonly void Forward(int t, StepPair pair)
        {
            if (firstHalves is not null) { firstHalves.Run(pair, t); secondHalves!.Run(pair, t); return; }
            var s = Shape;
            var (peep, W_cifT, W_hgT, W_hoT, g, o) = (this.peep, this.W_cifT, this.W_hgT, this.W_hoT, g_t[t], o_t[t]);
            var (hPrev, c0) = (t == 0 ? h0 : h_t[t - 1], this.c0);
            if (t == 0) pair.Beside(() => peep.addmm_(c0, W_cifT, beta: 0));  // [W_ci; W_cf] c_0
            long gDone = pair.Beside(() => g.addmm_(hPrev, W_hgT));            // a_g += W_hg h_{t-1}
            long oDone = pair.Beside(() => o.addmm_(hPrev, W_hoT));            // a_o += W_ho h_{t-1}
            if_t[t].addmm_(hPrev, W_hifT);                                     // a_{i,f} += W_h{i,f} h_{t-1}
            pair.Await(gDone);                                                 // and [W_ci; W_cf] c_{t-1}, posted before
            float* cPrev = s.PreviousMemory(pc0, phc, t, out long stride);
            Memory(s.At(pa, t, 4), ppeep, cPrev, stride, s.At(phc, t, 2) + s.H, (int)s.B, (int)s.H, 0, (int)s.H);
            var c = c_t[t];
            if (t + 1 < s.T) pair.Beside(() => peep.addmm_(c, W_cifT, beta: 0)); // [W_ci; W_cf] c_t for the next step
            co.addmm_(c, W_coT, beta: 0);                                      // W_co c_t
            pair.Await(oDone);
            HiddenState(s.At(pa, t, 4), pco, s.At(phc, t, 2), s.At(ptanhC, t, 1), (int)s.B, (int)s.H, 0, (int)s.H);
        }

        /// <summary>Step t's first phase for the units [u0, u1): a += W_hh h_{t-1} and [W_ci; W_cf] c_{t-1} in their columns, then i, f, g and c_t.</summary>
        readonly void ForwardMemory(int t, int u0, int u1)
        {
            var s = Shape;
            int B = (int)s.B, H = (int)s.H;
            float* a = s.At(pa, t, 4), cPrev = s.PreviousMemory(pc0, phc, t, out long stride);
            W_hh_packed!.MultiplyAddUnits(t == 0 ? ph0 : s.At(phc, t - 1, 2), t == 0 ? H : 2 * H, a, 4 * H, B, H, u0, u1);
            W_cif_packed!.MultiplyUnits(cPrev, stride, ppeep, 2 * H, B, H, u0, u1);
            Memory(a, ppeep, cPrev, stride, s.At(phc, t, 2) + H, B, H, u0, u1);
        }

        /// <summary>Step t's second phase for the units [u0, u1) (c_t whole: the first phase's join): W_co c_t in their columns, then o and h_t.</summary>
        readonly void ForwardOutput(int t, int u0, int u1)
        {
            var s = Shape;
            int B = (int)s.B, H = (int)s.H;
            W_co_packed!.MultiplyUnits(s.At(phc, t, 2) + H, 2 * H, pco, H, B, H, u0, u1);
            HiddenState(s.At(pa, t, 4), pco, s.At(phc, t, 2), s.At(ptanhC, t, 1), B, H, u0, u1);
        }

        public static Step Backward(IReadOnlyList<Tensor> saved, Tensor output, Tensor dOutput)
        {
            var k = new Step { x = saved[0], W_ih = saved[1], W_hh = saved[2], h0 = saved[3], c0 = saved[4], gates = saved[5], tanhC = saved[6],
                W_ci = saved[7], W_cf = saved[8], W_co = saved[9], Output = output };
            var s = k.Shape = Sequence.Of(k.x, k.W_hh);
            long H = s.H;
            var dHC = dOutput.contiguous();                                    // [∂L/∂h_t; ∂L/∂c_t] from outside
            k.W_cif = cat([k.W_ci, k.W_cf]);                                   // (2H, H)
            k.da = s.Steps(4);
            (k.daIF_t, k.daG_t, k.daO_t) = (k.da.narrow(2, 0, 2 * H).unbind(0), k.da.narrow(2, 2 * H, H).unbind(0), k.da.narrow(2, 3 * H, H).unbind(0));
            (k.W_hif, k.W_hg, k.W_ho) = (k.W_hh.narrow(0, 0, 2 * H), k.W_hh.narrow(0, 2 * H, H), k.W_hh.narrow(0, 3 * H, H));
            (k.dhIF, k.dhG, k.dhO) = (s.Carried(), s.Carried(), s.Carried());
            k.dcH = empty(s.B, H, dtype: s.Type);                              // δh_t ⊙ o ⊙ (1 − tanh²c_t) + W_coᵀ δa_o
            k.dc = s.Carried();                                                // δc_{t+1} ⊙ f_{t+1} + [W_ci; W_cf]ᵀ [δa_i; δa_f]_{t+1}
            k.pdHC = Floats(dHC); k.pa = Floats(k.gates); k.ptanhC = Floats(k.tanhC); k.phc = Floats(output); k.pc0 = Floats(k.c0);
            k.pda = Floats(k.da); k.pdc = Floats(k.dc); k.pdcH = Floats(k.dcH); k.pdhIF = Floats(k.dhIF); k.pdhG = Floats(k.dhG); k.pdhO = Floats(k.dhO);
            if (!Packs(s)) return k;
            k.W_hh_packed = PackedMatrix.Of(Floats(k.W_hh.contiguous()), (int)(4 * H), (int)H);    // δh whole in dhIF; dhG, dhO stay 0
            k.W_cif_packed = PackedMatrix.Of(Floats(k.W_cif.contiguous()), (int)(2 * H), (int)H);
            k.W_co_packed = PackedMatrix.Of(Floats(k.W_co.contiguous()), (int)H, (int)H);
            var run = k;
            (k.firstHalves, k.secondHalves) = (new UnitHalves(H, run.BackwardOutput), new UnitHalves(H, run.BackwardMemory));
            return k;
        }

        /// <remarks>
        /// Paired, the partner does W_hoᵀ δa_o, W_hgᵀ δa_g and [W_ci; W_cf]ᵀ [δa_i; δa_f] (4H²) while this thread does
        /// W_coᵀ δa_o, which δa_{i,f,g} wait for, then W_h{i,f}ᵀ δa_{i,f} (3H²), and the element-wise passes.
        /// </remarks>
        public void Backward(int t, StepPair pair)
        {
            if (firstHalves is not null) { firstHalves.Run(pair, t); secondHalves!.Run(pair, t); return; }
            var s = Shape;
            var (dhO, dhG, dc, W_ho, W_hg, W_cif) = (this.dhO, this.dhG, this.dc, this.W_ho, this.W_hg, this.W_cif);
            var (daO, daG, daIF) = (daO_t[t], daG_t[t], daIF_t[t]);
            pair.Await(hDone);
            ThroughOutput(pdhIF, pdhG, pdhO, s.At(pdHC, t, 2), pdcH, s.At(pa, t, 4), s.At(ptanhC, t, 1), s.At(pda, t, 4), (int)s.B, (int)s.H, 0, (int)s.H);
            pair.Beside(() => dhO.addmm_(daO, W_ho, beta: 0));                // W_hoᵀ δa_o, for δh_{t-1}
            dcH.addmm_(daO, W_co);                                             // δc_t += W_coᵀ δa_o (c_t feeds o_t)
            pair.Await(cDone);
            float* cPrev = s.PreviousMemory(pc0, phc, t, out long stride);
            ThroughMemory(pdc, pdcH, s.At(pdHC, t, 2) + s.H, s.At(pa, t, 4), cPrev, stride, s.At(pda, t, 4), (int)s.B, (int)s.H, 0, (int)s.H);
            hDone = pair.Beside(() => dhG.addmm_(daG, W_hg, beta: 0));         // W_hgᵀ δa_g
            cDone = pair.Beside(() => dc.addmm_(daIF, W_cif));                 // δc_{t-1} += [W_ci; W_cf]ᵀ [δa_i; δa_f]
            dhIF.addmm_(daIF, W_hif, beta: 0);                                 // W_h{i,f}ᵀ δa_{i,f}
        }

        /// <summary>
        /// Step t's first phase back for the units [u0, u1): δh = W_hhᵀ δa_{t+1} and δc += [W_ci; W_cf]ᵀ [δa_i; δa_f]_{t+1} in
        /// their columns (δa_{t+1} whole: the previous phase's join), then the pass through the output.
        /// </summary>
        readonly void BackwardOutput(int t, int u0, int u1)
        {
            var s = Shape;
            int B = (int)s.B, H = (int)s.H;
            if (t < s.T - 1)
            {
                float* daNext = s.At(pda, t + 1, 4);
                W_hh_packed!.MultiplyUnits(daNext, 4 * H, pdhIF, H, B, H, u0, u1);
                W_cif_packed!.MultiplyAddUnits(daNext, 4 * H, pdc, H, B, H, u0, u1);
            }
            ThroughOutput(pdhIF, pdhG, pdhO, s.At(pdHC, t, 2), pdcH, s.At(pa, t, 4), s.At(ptanhC, t, 1), s.At(pda, t, 4), B, H, u0, u1);
        }

        /// <summary>Step t's second phase back for the units [u0, u1) (δa_o whole: the first phase's join): δc_t += W_coᵀ δa_o in their columns, then the pass through the memory.</summary>
        readonly void BackwardMemory(int t, int u0, int u1)
        {
            var s = Shape;
            int B = (int)s.B, H = (int)s.H;
            W_co_packed!.MultiplyAddUnits(s.At(pda, t, 4) + 3 * H, 4 * H, pdcH, H, B, H, u0, u1);
            float* cPrev = s.PreviousMemory(pc0, phc, t, out long stride);
            ThroughMemory(pdc, pdcH, s.At(pdHC, t, 2) + H, s.At(pa, t, 4), cPrev, stride, s.At(pda, t, 4), B, H, u0, u1);
        }

        public readonly List<Tensor?> Gradients()
        {
            var s = Shape;
            var (T, B, H) = (s.T, s.B, s.H);
            if (firstHalves is not null) dc.addmm_(da[0].narrow(1, 0, 2 * H), W_cif);  // the packed loop stops at step 0's passes: δc_0's peephole paths,
            var dh = firstHalves is not null ? da[0].mm(W_hh) : dhIF + dhG + dhO;   // and δh_0
            var da2 = da.view(T * B, 4 * H);
            var (dx, dW_ih) = s.ThroughProjection(da2, W_ih, x);               // W_ihᵀ δa_t;  Σ_t δa_t x_tᵀ
            var db = da2.sum(dim: 0);                                          // Σ_t δa_t
            // Terms with h_{t-1}, c_{t-1}: step 0 takes the initial state, steps 1…T-1 the rows of hc before theirs.
            var hcRows = Output.view(T * B, 2 * H);
            var (hRows, cRows, R) = (hcRows.narrow(1, 0, H), hcRows.narrow(1, H, H), (T - 1) * B);
            if (s.Own(H))
            {
                // The same sums with the toolkit's own product: Σ_t δa_t h_{t-1}ᵀ, Σ_t [δa_i; δa_f] c_{t-1}ᵀ, Σ_t δa_o c_tᵀ.
                var (hh, cif, co) = (s.ThroughRecurrence(da2, s.Previous(h0, Output.narrow(2, 0, H))),
                    s.OuterSum(Floats(da), 4 * H, (int)(2 * H), Floats(s.Previous(c0, Output.narrow(2, H, H))), H),
                    s.OuterSum(Floats(da) + 3 * H, 4 * H, (int)H, Floats(Output) + H, 2 * H));
                return [dx, dW_ih, hh, db, db.clone(), dh, dc, cif.narrow(0, 0, H), cif.narrow(0, H, H), co];
            }
            var (da0, daLater) = (da[0], da2.narrow(0, B, R));
            var dW_hh = da0.t().mm(h0);                                        // Σ_t δa_t h_{t-1}ᵀ
            var dW_cif = da0.narrow(1, 0, 2 * H).t().mm(c0);                  // Σ_t [δa_i; δa_f] c_{t-1}ᵀ
            if (T > 1)
            {
                dW_hh.addmm_(daLater.t(), hRows.narrow(0, 0, R));
                dW_cif.addmm_(daLater.narrow(1, 0, 2 * H).t(), cRows.narrow(0, 0, R));
            }
            var dW_co = da2.narrow(1, 3 * H, H).t().mm(cRows);                 // Σ_t δa_o c_tᵀ
            return [dx, dW_ih, dW_hh, db, db.clone(), dh, dc, dW_cif.narrow(0, 0, H), dW_cif.narrow(0, H, H), dW_co];
        }

        /// <summary>i, f = σ(a_i + W_ci c_{t-1}), σ(a_f + W_cf c_{t-1});  g = tanh a_g;  c_t = f ⊙ c_{t-1} + i ⊙ g (row by row, eight lanes at a time; i, f, g overwrite a).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        static void Memory(float* a, float* peep, float* cPrev, long cPrevStride, float* c, int B, int H, int j0, int j1)
        {
            for (int b = 0; b < B; b++)
            {
                float* ai = a + (long)b * 4 * H, af = ai + H, ag = af + H, pi = peep + (long)b * 2 * H, pf = pi + H;
                float* cp = cPrev + b * cPrevStride, cr = c + (long)b * 2 * H;
                for (int j = j0; j < j1; j += 8)
                {
                    int n = Math.Min(8, j1 - j);
                    var (i, f, g) = (Sigmoid(Load(ai + j, n) + Load(pi + j, n)), Sigmoid(Load(af + j, n) + Load(pf + j, n)), Tanh(Load(ag + j, n)));
                    Store(i, ai + j, n); Store(f, af + j, n); Store(g, ag + j, n);
                    Store(Vector256.FusedMultiplyAdd(f, Load(cp + j, n), i * g), cr + j, n);
                }
            }
        }

        /// <summary>o = σ(a_o + W_co c_t);  h_t = o ⊙ tanh c_t (o overwrites a_o; tanh c_t kept for the backward pass).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        static void HiddenState(float* a, float* co, float* hc, float* tanhC, int B, int H, int j0, int j1)
        {
            for (int b = 0; b < B; b++)
            {
                float* ao = a + (long)b * 4 * H + 3 * H, cor = co + (long)b * H, hr = hc + (long)b * 2 * H, cr = hr + H, tr = tanhC + (long)b * H;
                for (int j = j0; j < j1; j += 8)
                {
                    int n = Math.Min(8, j1 - j);
                    var (o, tanh_c) = (Sigmoid(Load(ao + j, n) + Load(cor + j, n)), Tanh(Load(cr + j, n)));
                    Store(o, ao + j, n); Store(tanh_c, tr + j, n); Store(o * tanh_c, hr + j, n);
                }
            }
        }

        /// <summary>δh_t = W_hhᵀ δa_{t+1} (three parts) + ∂L/∂y_t;  δa_o = δh_t ⊙ tanh c_t ⊙ o(1 − o);  δc_t through h_t = δh_t ⊙ o ⊙ (1 − tanh²c_t) (the product then adds W_coᵀ δa_o).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        static void ThroughOutput(float* dhIF, float* dhG, float* dhO, float* dY, float* dcH, float* gates, float* tanhC, float* da, int B, int H, int j0, int j1)
        {
            var one = Vector256<float>.One;
            for (int b = 0; b < B; b++)
            {
                long row = (long)b * H;
                float* go = gates + 4 * row + 3 * H, dao = da + 4 * row + 3 * H;
                for (int j = j0; j < j1; j += 8)
                {
                    int n = Math.Min(8, j1 - j);
                    var (o, tanh_c) = (Load(go + j, n), Load(tanhC + row + j, n));
                    var dh_t = Load(dhIF + row + j, n) + Load(dhG + row + j, n) + Load(dhO + row + j, n) + Load(dY + 2 * row + j, n);
                    Store(dh_t * tanh_c * o * (one - o), dao + j, n);
                    Store(dh_t * o * (one - tanh_c * tanh_c), dcH + row + j, n);
                }
            }
        }

        /// <summary>δc_t = δc + δc_h + ∂L/∂c_t;  δa_i = δc_t ⊙ g ⊙ i(1 − i);  δa_f = δc_t ⊙ c_{t-1} ⊙ f(1 − f);  δa_g = δc_t ⊙ i ⊙ (1 − g²);  δc ← δc_t ⊙ f (the product then adds the peephole paths).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        static void ThroughMemory(float* dc, float* dcH, float* dcOut, float* gates, float* cPrev, long cPrevStride, float* da, int B, int H, int j0, int j1)
        {
            var one = Vector256<float>.One;
            for (int b = 0; b < B; b++)
            {
                long row = (long)b * H;
                float* gi = gates + 4 * row, gf = gi + H, gg = gf + H;
                float* dai = da + 4 * row, daf = dai + H, dag = daf + H;
                for (int j = j0; j < j1; j += 8)
                {
                    int n = Math.Min(8, j1 - j);
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
}
