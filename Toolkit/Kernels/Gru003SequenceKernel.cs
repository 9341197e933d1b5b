using RnnToolkit.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace RnnToolkit.Kernels;

/// <summary>
/// 003 §3.4's printed GRU (<see cref="Cells.Gru003AsPrintedCell"/>) over a whole sequence as one
/// autograd node with hand-written backpropagation through time:
/// <code>
/// [ẑ; r̂] = W_x_zr x_t + b_zr + W_h_zr h_{t-1},   z = σ(ẑ),  r = σ(r̂)
/// u = W_xh x_t,  p = W_hh h_{t-1}                  (one product [W_h_zr; W_hh] h_{t-1} per step)
/// a = u ⊙ r + p ⊙ (1 − z) + b_h,                   n = tanh(a)
/// h_t = (1 − z) ⊙ h_{t-1} + z ⊙ n
///
/// δh_t = ∂L/∂y_t + (δh_{t-1} computed at step t+1)
/// δa = δh_t ⊙ z (1 − n²)                           =: δh_t ⊙ A;   ∂L/∂b_h = Σ δa
/// δu = δa ⊙ r;   δp = δa ⊙ (1 − z)
/// δr̂ = δa ⊙ u r(1 − r)
/// δẑ = (δh_t ⊙ (n − h_{t-1}) − δa ⊙ p) z(1 − z)
/// δh_{t-1} = δh_t ⊙ (1 − z) + [W_h_zr; W_hh]ᵀ [δẑ; δr̂; δp]
/// </code>
/// Every δ is δh_t times a factor that does not depend on δ: the factors are computed once for all
/// steps, and the loop holds one product and three element-wise operations.
/// </summary>
internal sealed class Gru003SequenceKernel : autograd.MultiTensorFunction<Gru003SequenceKernel>
{
    public override string Name => nameof(Gru003SequenceKernel);

    /// <summary>x (T, B, I) time-first → h_1…h_T (T, B, H) and h_T (a view of it: the node has one output, so every gradient reaching it is defined).</summary>
    public static (Tensor Output, Tensor HT) Run(Tensor x, Tensor W_x_zr, Tensor W_h_zr, Tensor b_zr, Tensor W_xh, Tensor W_hh, Tensor b_h, Tensor h0)
    {
        var output = apply(x, W_x_zr, W_h_zr, b_zr, W_xh, W_hh, b_h, h0)[0];
        return (output, output[-1]);
    }

    public override List<Tensor> forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var v = vars.Select(o => (Tensor)o).ToArray();
        var (x, W_x_zr, W_h_zr, b_zr, W_xh, W_hh, b_h, h0) = (v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]);
        long T = x.shape[0], B = x.shape[1], I = x.shape[2], H = W_hh.shape[1];
        using var scope = NewDisposeScope();

        // [x̂_z; x̂_r; u] for every step in one product; the loop turns the first two into z, r in place.
        var g = cat([b_zr, zeros(H, dtype: x.dtype)]).addmm(x.reshape(T * B, I), cat([W_x_zr, W_xh]).t()).view(T, B, 3 * H);
        var zr_t = g.narrow(2, 0, 2 * H).unbind(0);
        var z_t = g.narrow(2, 0, H).unbind(0);
        var r_t = g.narrow(2, H, H).unbind(0);
        var u_t = g.narrow(2, 2 * H, H).unbind(0);
        var W_hT = cat([W_h_zr, W_hh]).t();
        var hs = new Tensor[T];
        var ps = new Tensor[T];
        var ns = new Tensor[T];
        Tensor h = h0;
        using var oneThread = SingleThread.ForSteps(B * 3 * H * H);
        for (int t = 0; t < T; t++)
        {
            var hh = h.mm(W_hT);                                                   // [W_hz h; W_hr h; p]
            zr_t[t].add_(hh.narrow(1, 0, 2 * H)).sigmoid_();                       // z, r
            ps[t] = hh.narrow(1, 2 * H, H);                                        // p = W_hh h_{t-1}
            var keep = 1.0 - z_t[t];                                               // 1 − z
            ns[t] = FastTanh.Tanh_(b_h.addcmul(ps[t], keep, 1).addcmul_(u_t[t], r_t[t], 1));   // n = tanh(u ⊙ r + p ⊙ (1 − z) + b_h)
            h = keep.mul_(h).addcmul_(z_t[t], ns[t], 1);                           // (1 − z) ⊙ h_{t-1} + z ⊙ n
            hs[t] = h;
        }
        var output = stack(hs);
        var P = stack(ps);
        var N = stack(ns);
        ctx.save_for_backward([x, W_x_zr, W_h_zr, W_xh, W_hh, h0, g, P, N, output]);
        ctx.set_materialize_grads(false);
        foreach (var keep in new[] { output, g, P, N }) keep.MoveToOuterDisposeScope();
        return [output];
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, List<Tensor> grads)
    {
        using var scope = NewDisposeScope();
        var s = ctx.get_saved_variables();
        var (x, W_x_zr, W_h_zr, W_xh, W_hh, h0, g, P, N, output) = (s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9]);
        long T = x.shape[0], B = x.shape[1], I = x.shape[2], H = W_hh.shape[1];
        var dH = grads.Count > 0 && grads[0] is { IsInvalid: false } dY ? empty(T, B, H, dtype: x.dtype).copy_(dY) : zeros(T, B, H, dtype: x.dtype);   // becomes δh_t (contiguous)

        var z = g.narrow(2, 0, H);
        var r = g.narrow(2, H, H);
        var u = g.narrow(2, 2 * H, H);
        var hPrev = cat([h0.unsqueeze(0), output.narrow(0, 0, T - 1)]);
        var keep = 1.0 - z;
        var A = z * (1.0 - N.square());                                           // δa = δh ⊙ A
        var F = cat([
            ((N - hPrev) - A * P) * z * keep,                                      // δẑ = δh ⊙ ((n − h_{t-1}) − A p) z(1 − z)
            A * u * r * (1.0 - r),                                                 // δr̂ = δh ⊙ A u r(1 − r)
            A * keep,                                                              // δp = δh ⊙ A (1 − z)
        ], 2).view(T, B, 3, H).unbind(0);
        var keep_t = keep.unbind(0);
        var dH_t = dH.unbind(0);

        var d = empty(T, B, 3 * H, dtype: x.dtype);                               // [δẑ; δr̂; δp]
        var d_t = d.unbind(0);
        var W_h = cat([W_h_zr, W_hh]);
        Tensor? carry = null;                                                      // δh_t from step t+1
        using var oneThread = SingleThread.ForSteps(B * 3 * H * H);
        for (long t = T - 1; t >= 0; t--)
        {
            var dh = carry is null ? dH_t[t] : dH_t[t].add_(carry);               // δh_t
            d_t[t].view(B, 3, H).copy_(dh.unsqueeze(1)).mul_(F[t]);               // [δẑ; δr̂; δp] = δh ⊙ F
            carry = (dh * keep_t[t]).addmm_(d_t[t], W_h);                          // δh_{t-1} = δh ⊙ (1 − z) + [W_h_zr; W_hh]ᵀ [δẑ; δr̂; δp]
        }
        var da = dH.mul_(A);                                                       // δa (δh is no longer needed)
        var dx = cat([d.narrow(2, 0, 2 * H), da * r], 2).view(T * B, 3 * H);       // [δẑ; δr̂; δu]
        var d2 = d.view(T * B, 3 * H);
        var dWx = dx.t().mm(x.reshape(T * B, I));                                  // [∂L/∂W_x_zr; ∂L/∂W_xh] = Σ_t [δẑ; δr̂; δu] x_tᵀ
        var dWh = d2.t().mm(hPrev.reshape(T * B, H));                              // [∂L/∂W_h_zr; ∂L/∂W_hh] = Σ_t [δẑ; δr̂; δp] h_{t-1}ᵀ
        var result = new List<Tensor>
        {
            dx.mm(cat([W_x_zr, W_xh])).view(T, B, I),                              // ∂L/∂x_t = [W_x_zr; W_xh]ᵀ [δẑ; δr̂; δu]
            dWx.narrow(0, 0, 2 * H),
            dWh.narrow(0, 0, 2 * H),
            d2.narrow(1, 0, 2 * H).sum(dim: 0),                                    // ∂L/∂b_zr = Σ_t [δẑ; δr̂]
            dWx.narrow(0, 2 * H, H),
            dWh.narrow(0, 2 * H, H),
            da.view(T * B, H).sum(dim: 0),                                         // ∂L/∂b_h = Σ_t δa
            carry ?? zeros(B, H, dtype: x.dtype),                                  // ∂L/∂h_0
        };
        foreach (var t in result) t.MoveToOuterDisposeScope();
        return result;
    }
}
