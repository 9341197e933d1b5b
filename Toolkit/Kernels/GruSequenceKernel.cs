using RnnToolkit.Native;
using TorchSharp;
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
/// Factors that do not depend on δ are computed once for all steps, outside the loops.
/// </summary>
internal sealed class GruSequenceKernel : autograd.MultiTensorFunction<GruSequenceKernel>
{
    public override string Name => nameof(GruSequenceKernel);

    /// <summary>x (T, B, I) time-first → h_1…h_T (T, B, H) and h_T (a view of it: the node has one output, so every gradient reaching it is defined).</summary>
    public static (Tensor Output, Tensor HT) Run(Tensor x, Tensor W_ih, Tensor W_hh, Tensor b_ih, Tensor b_hh, Tensor h0)
    {
        var output = apply(x, W_ih, W_hh, b_ih, b_hh, h0)[0];
        return (output, output[-1]);
    }

    public override List<Tensor> forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var (x, W_ih, W_hh, b_ih, b_hh, h0) = ((Tensor)vars[0], (Tensor)vars[1], (Tensor)vars[2], (Tensor)vars[3], (Tensor)vars[4], (Tensor)vars[5]);
        long T = x.shape[0], B = x.shape[1], I = x.shape[2], H = W_hh.shape[1];
        using var scope = NewDisposeScope();

        var xh = b_ih.addmm(x.reshape(T * B, I), W_ih.t()).view(T, B, 3 * H);   // x̂ for all steps; becomes [r, z, n]
        var rz_t = xh.narrow(2, 0, 2 * H).unbind(0);
        var r_t = xh.narrow(2, 0, H).unbind(0);
        var z_t = xh.narrow(2, H, H).unbind(0);
        var n_t = xh.narrow(2, 2 * H, H).unbind(0);
        var W_hhT = W_hh.t();
        var hs = new Tensor[T];
        var hn = new Tensor[T];
        Tensor h = h0;
        using var oneThread = SingleThread.ForSteps(B * 3 * H * H);
        for (int t = 0; t < T; t++)
        {
            var hh = b_hh.addmm(h, W_hhT);                                         // ĥ
            rz_t[t].add_(hh.narrow(1, 0, 2 * H)).sigmoid_();                       // r, z
            hn[t] = hh.narrow(1, 2 * H, H);
            FastTanh.Tanh_(n_t[t].addcmul_(r_t[t], hn[t], 1));                      // n
            h = n_t[t].addcmul(z_t[t], h - n_t[t], 1);                             // (1 − z) n + z h
            hs[t] = h;
        }
        var output = stack(hs);
        var hhN = stack(hn);
        ctx.save_for_backward([x, W_ih, W_hh, h0, xh, hhN, output]);
        ctx.set_materialize_grads(false);
        foreach (var keep in new[] { output, xh, hhN }) keep.MoveToOuterDisposeScope();
        return [output];
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, List<Tensor> grads)
    {
        using var scope = NewDisposeScope();
        var saved = ctx.get_saved_variables();
        var (x, W_ih, W_hh, h0, gates, hhN, output) = (saved[0], saved[1], saved[2], saved[3], saved[4], saved[5], saved[6]);
        long T = x.shape[0], B = x.shape[1], I = x.shape[2], H = W_hh.shape[1];
        Tensor Defined(int k, long[] shape) => grads.Count > k && grads[k] is { IsInvalid: false } g ? g : zeros(shape, dtype: x.dtype);
        var dY = Defined(0, [T, B, H]);

        var r = gates.narrow(2, 0, H);
        var z = gates.narrow(2, H, H);
        var n = gates.narrow(2, 2 * H, H);
        var hPrev = cat([h0.unsqueeze(0), output.narrow(0, 0, T - 1)]);
        var A = ((1.0 - z) * (1.0 - n.square())).unbind(0);            // δn̂ = δh ⊙ A
        var Bz = ((hPrev - n) * z * (1.0 - z)).unbind(0);             // δẑ = δh ⊙ Bz
        var Cr = (hhN * r * (1.0 - r)).unbind(0);                     // δr̂ = δn̂ ⊙ Cr
        var z_t = z.unbind(0);
        var r_t = r.unbind(0);
        var dY_t = dY.unbind(0);

        var dx = empty(T, B, 3 * H, dtype: x.dtype);                // δx̂ = [δr̂, δẑ, δn̂]
        var dhh = empty(T, B, 3 * H, dtype: x.dtype);               // δĥ = [δr̂, δẑ, δn̂ ⊙ r]
        var (dx_t, dxR, dxZ, dxN) = (dx.unbind(0), dx.narrow(2, 0, H).unbind(0), dx.narrow(2, H, H).unbind(0), dx.narrow(2, 2 * H, H).unbind(0));
        var (dhh_t, dhhN) = (dhh.unbind(0), dhh.narrow(2, 2 * H, H).unbind(0));
        var dh = zeros(B, H, dtype: x.dtype);
        using var oneThread = SingleThread.ForSteps(B * 3 * H * H);
        for (long t = T - 1; t >= 0; t--)
        {
            dh.add_(dY_t[t]);                                        // δh_t
            dxN[t].copy_(dh).mul_(A[t]);
            dxZ[t].copy_(dh).mul_(Bz[t]);
            dxR[t].copy_(dxN[t]).mul_(Cr[t]);
            dhh_t[t].copy_(dx_t[t]);
            dhhN[t].mul_(r_t[t]);
            dh = (dh * z_t[t]).addmm_(dhh_t[t], W_hh);               // δh_{t-1} before its own ∂L/∂y
        }
        var dx2 = dx.view(T * B, 3 * H);
        var dhh2 = dhh.view(T * B, 3 * H);
        var result = new List<Tensor>
        {
            dx2.mm(W_ih).view(T, B, I),
            dx2.t().mm(x.reshape(T * B, I)),
            dhh2.t().mm(hPrev.reshape(T * B, H)),
            dx2.sum(dim: 0),
            dhh2.sum(dim: 0),
            dh,
        };
        foreach (var t in result) t.MoveToOuterDisposeScope();
        return result;
    }
}
