using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using RnnToolkit.Native;
using TorchSharp;
using static RnnToolkit.Kernels.VectorMath;
using static TorchSharp.torch;

namespace RnnToolkit.Kernels;

/// <summary>
/// The Elman recurrence (<see cref="Cells.RnnCell"/> with tanh or ReLU) as one autograd node:
/// <code>
/// a_t = W_ih x_t + b_ih + b_hh + W_hh h_{t-1},   h_t = φ(a_t)
/// δa_t = (∂L/∂y_t + W_hhᵀ δa_{t+1}) ⊙ φ'(a_t)       φ' = 1 − h² (tanh) or [h &gt; 0] (ReLU)
/// </code>
/// Each step: one product in libtorch, then one C# pass over eight-lane chunks (<see cref="VectorMath"/>); float32 only.
/// </summary>
internal sealed unsafe class RnnSequenceKernel : autograd.MultiTensorFunction<RnnSequenceKernel>
{
    public override string Name => nameof(RnnSequenceKernel);

    /// <summary>x (T, B, I) time-first → h_1…h_T (T, B, H) and h_T (a view of it: one output, so every gradient reaching the node is defined).</summary>
    public static (Tensor Output, Tensor HT) Run(Tensor x, Tensor W_ih, Tensor W_hh, Tensor b_ih, Tensor b_hh, Tensor h0, bool relu)
    {
        var output = apply(x, W_ih, W_hh, b_ih, b_hh, h0, relu)[0];
        return (output, output[-1]);
    }

    public override List<Tensor> forward(autograd.AutogradContext ctx, params object[] vars)
    {
        KernelRuns.Count(nameof(RnnSequenceKernel));
        var (x, W_ih, W_hh, b_ih, b_hh, h0, relu) = ((Tensor)vars[0], (Tensor)vars[1], (Tensor)vars[2], (Tensor)vars[3], (Tensor)vars[4], (Tensor)vars[5], (bool)vars[6]);
        long T = x.shape[0], B = x.shape[1], I = x.shape[2], H = W_hh.shape[1];
        using var scope = NewDisposeScope();
        var a = (b_ih + b_hh).addmm(x.reshape(T * B, I), W_ih.t()).view(T, B, H);   // becomes h_1…h_T in place
        var a_t = a.unbind(0);
        var W_hhT = W_hh.t();
        float* pa = Floats(a);
        Tensor h = h0;
        using (SingleThread.ForSteps(B * 1 * H * H))
            for (int t = 0; t < T; t++)
            {
                a_t[t].addmm_(h, W_hhT);
                Activate(pa + t * B * H, B * H, relu);
                h = a_t[t];
            }
        ctx.save_for_backward([x, W_ih, W_hh, h0, a]);
        ctx.save_data("relu", relu);
        ctx.set_materialize_grads(false);
        a.MoveToOuterDisposeScope();
        return [a];
    }

    /// <summary>h_t = φ(a_t) in place over one step's (B, H) block (contiguous, so one run of B·H floats).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Activate(float* a, long count, bool relu)
    {
        for (long k = 0; k < count; k += 8)
        {
            int n = (int)Math.Min(8, count - k);
            var v = Load(a + k, n);
            Store(relu ? Vector256.Max(v, Vector256<float>.Zero) : Tanh(v), a + k, n);
        }
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, List<Tensor> grads)
    {
        using var scope = NewDisposeScope();
        var saved = ctx.get_saved_variables();
        var (x, W_ih, W_hh, h0, output) = (saved[0], saved[1], saved[2], saved[3], saved[4]);
        bool relu = (bool)ctx.get_data("relu");
        long T = x.shape[0], B = x.shape[1], I = x.shape[2], H = W_hh.shape[1];
        var dY = IncomingGradient.Of(grads, output).contiguous();
        var da = empty(T, B, H, dtype: x.dtype);
        var da_t = da.unbind(0);
        var dh = zeros(B, H, dtype: x.dtype);
        float* pdY = Floats(dY), pout = Floats(output), pda = Floats(da);
        using (SingleThread.ForSteps(B * 1 * H * H))
            for (long t = T - 1; t >= 0; t--)
            {
                Derive(Floats(dh), pdY + t * B * H, pout + t * B * H, pda + t * B * H, B * H, relu);
                dh = da_t[t].mm(W_hh);
            }
        var hPrev = cat([h0.unsqueeze(0), output.narrow(0, 0, T - 1)]);
        var da2 = da.view(T * B, H);
        var db = da2.sum(dim: 0);
        var result = new List<Tensor>
        {
            da2.mm(W_ih).view(T, B, I),
            da2.t().mm(x.reshape(T * B, I)),
            da2.t().mm(hPrev.reshape(T * B, H)),
            db,
            db.clone(),
            dh,
        };
        foreach (var t in result) t.MoveToOuterDisposeScope();
        result.Add(null!);                                        // the φ flag is not differentiable
        return result;
    }

    /// <summary>δa_t = (δh + ∂L/∂y_t) ⊙ φ'(a_t), φ' = 1 − h² or [h &gt; 0], over one step's (B, H) block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Derive(float* dh, float* dY, float* h, float* da, long count, bool relu)
    {
        var one = Vector256<float>.One;
        for (long k = 0; k < count; k += 8)
        {
            int n = (int)Math.Min(8, count - k);
            var h_t = Load(h + k, n);
            var dphi = relu ? Vector256.ConditionalSelect(Vector256.GreaterThan(h_t, Vector256<float>.Zero), one, Vector256<float>.Zero) : one - h_t * h_t;
            Store((Load(dh + k, n) + Load(dY + k, n)) * dphi, da + k, n);
        }
    }
}
