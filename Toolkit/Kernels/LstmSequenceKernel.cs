using RnnToolkit.Native;
using TorchSharp;
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
/// Everything that does not depend on the recurrence (input projection, gate derivatives, weight
/// gradients) runs once over the whole sequence; the per-step loops hold only what must be
/// sequential — about 8 tensor operations forward and 9 backward per step, against some 30 for
/// autograd over the cell. Verified against PyTorch by the same reference data as the cells.
/// </summary>
internal sealed class LstmSequenceKernel : autograd.MultiTensorFunction<LstmSequenceKernel>
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
        var (x, W_ih, W_hh, b_ih, b_hh, h0, c0) = ((Tensor)vars[0], (Tensor)vars[1], (Tensor)vars[2], (Tensor)vars[3], (Tensor)vars[4], (Tensor)vars[5], (Tensor)vars[6]);
        var (w_ci, w_cf, w_co) = (vars[7] as Tensor, vars[8] as Tensor, vars[9] as Tensor);
        bool peep = w_ci is not null;
        long T = x.shape[0], B = x.shape[1], I = x.shape[2], H = W_hh.shape[1];
        using var scope = NewDisposeScope();

        // a_t's input half for every step at once; the loop adds W_hh h_{t-1} and activates in place.
        var a = (b_ih + b_hh).addmm(x.reshape(T * B, I), W_ih.t()).view(T, B, 4 * H);
        var a_t = a.unbind(0);
        var if_t = a.narrow(2, 0, 2 * H).unbind(0);
        var i_t = a.narrow(2, 0, H).unbind(0);
        var f_t = a.narrow(2, H, H).unbind(0);
        var g_t = a.narrow(2, 2 * H, H).unbind(0);
        var o_t = a.narrow(2, 3 * H, H).unbind(0);
        var W_hhT = W_hh.t();
        var hc = empty(T, B, 2 * H, dtype: x.dtype);          // the output: [h_t; c_t]
        var (h_t, c_t) = (hc.narrow(2, 0, H).unbind(0), hc.narrow(2, H, H).unbind(0));
        var tanhC_all = empty(T, B, H, dtype: x.dtype);
        var tanhC_t = tanhC_all.unbind(0);
        Tensor h = h0, c = c0;
        using var oneThread = SingleThread.ForSteps(B * 4 * H * H);
        for (int t = 0; t < T; t++)
        {
            a_t[t].addmm_(h, W_hhT);
            if (peep)
            {
                i_t[t].addcmul_(c, w_ci!, 1);
                f_t[t].addcmul_(c, w_cf!, 1);
            }
            if_t[t].sigmoid_();
            FastTanh.Tanh_(g_t[t]);
            c = c_t[t].copy_(c).mul_(f_t[t]).addcmul_(i_t[t], g_t[t], 1);
            if (peep) o_t[t].addcmul_(c, w_co!, 1);
            o_t[t].sigmoid_();
            FastTanh.Tanh_(tanhC_t[t].copy_(c));
            h = h_t[t].copy_(o_t[t]).mul_(tanhC_t[t]);
        }
        var gates = a;                                         // activated: i, f, g, o
        ctx.save_for_backward(peep ? [x, W_ih, W_hh, h0, c0, gates, tanhC_all, hc, w_ci!, w_cf!, w_co!] : [x, W_ih, W_hh, h0, c0, gates, tanhC_all, hc]);
        ctx.set_materialize_grads(false);
        foreach (var keep in new[] { hc, gates, tanhC_all }) keep.MoveToOuterDisposeScope();
        return [hc];
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, List<Tensor> grads)
    {
        using var scope = NewDisposeScope();
        var saved = ctx.get_saved_variables();
        var (x, W_ih, W_hh, h0, c0, gates, tanhC, hc) = (saved[0], saved[1], saved[2], saved[3], saved[4], saved[5], saved[6], saved[7]);
        bool peep = saved.Count > 8;
        var (w_ci, w_cf, w_co) = peep ? (saved[8], saved[9], saved[10]) : (null, null, null);
        long T = x.shape[0], B = x.shape[1], I = x.shape[2], H = W_hh.shape[1];
        Tensor Defined(int k, long[] shape) => grads.Count > k && grads[k] is { IsInvalid: false } g ? g : zeros(shape, dtype: x.dtype);
        var dHC = Defined(0, [T, B, 2 * H]);
        var (dY, dCout) = (dHC.narrow(2, 0, H), dHC.narrow(2, H, H));             // ∂L/∂h_t and ∂L/∂c_t from outside (c_T, usually)
        var (output, C) = (hc.narrow(2, 0, H), hc.narrow(2, H, H));

        var i = gates.narrow(2, 0, H);
        var f = gates.narrow(2, H, H);
        var g = gates.narrow(2, 2 * H, H);
        var o = gates.narrow(2, 3 * H, H);
        var cPrev = cat([c0.unsqueeze(0), C.narrow(0, 0, T - 1)]);
        var hPrev = cat([h0.unsqueeze(0), output.narrow(0, 0, T - 1)]);

        // Everything the loop multiplies by, for all steps at once.
        var dcFromH = (o * (1.0 - tanhC.square())).unbind(0);                       // ∂c-path of δh
        var daO = (tanhC * o * (1.0 - o)).unbind(0);                                   // δa_o = δh ⊙ this
        var daIFG = stack([g * i * (1.0 - i), cPrev * f * (1.0 - f), i * (1.0 - g.square())], 2).unbind(0);  // (B, 3, H): δa_{i,f,g} = δc ⊙ this
        var f_t = f.unbind(0);
        var dY_t = dY.unbind(0);
        var dCout_t = dCout.unbind(0);

        var da = empty(T, B, 4 * H, dtype: x.dtype);
        var da_t = da.unbind(0);
        var daIFG_t = da.narrow(2, 0, 3 * H).view(T, B, 3, H).unbind(0);
        var daO_t = da.narrow(2, 3 * H, H).unbind(0);
        var (daI_t, daF_t) = (da.narrow(2, 0, H).unbind(0), da.narrow(2, H, H).unbind(0));
        var dh = dY_t[T - 1];                                                  // δh_{T-1}: from outside only
        var dc = zeros(B, H, dtype: x.dtype);
        using var oneThread = SingleThread.ForSteps(B * 4 * H * H);
        for (long t = T - 1; t >= 0; t--)
        {
            dc.add_(dCout_t[t]);
            dc.addcmul_(dh, dcFromH[t], 1);                                     // δc_t
            daO_t[t].copy_(dh).mul_(daO[t]);
            if (peep) dc.addcmul_(daO_t[t], w_co!, 1);                         // c_t also feeds o_t
            daIFG_t[t].copy_(dc.unsqueeze(1)).mul_(daIFG[t]);
            dc.mul_(f_t[t]);                                                   // → δc_{t-1} (before its own term)
            if (peep)
            {
                dc.addcmul_(daI_t[t], w_ci!, 1);                               // c_{t-1} also feeds i_t, f_t
                dc.addcmul_(daF_t[t], w_cf!, 1);
            }
            // δh_{t-1} = δa_t W_hh + ∂L/∂h_{t-1} from outside (added by the product itself: beta = 1)
            dh = t > 0 ? dY_t[t - 1].addmm(da_t[t], W_hh) : da_t[t].mm(W_hh);
        }
        var da2 = da.view(T * B, 4 * H);
        var dx = da2.mm(W_ih).view(T, B, I);
        var dW_ih = da2.t().mm(x.reshape(T * B, I));
        var dW_hh = da2.t().mm(hPrev.reshape(T * B, H));
        var db = da2.sum(dim: 0);
        var result = new List<Tensor> { dx, dW_ih, dW_hh, db, db.clone(), dh, dc };
        if (peep)
        {
            result.Add((da.narrow(2, 0, H) * cPrev).sum([0, 1]));
            result.Add((da.narrow(2, H, H) * cPrev).sum([0, 1]));
            result.Add((da.narrow(2, 3 * H, H) * C).sum([0, 1]));
        }
        foreach (var r in result) r.MoveToOuterDisposeScope();
        if (!peep) result.AddRange([null!, null!, null!]);                    // no peepholes: nothing to differentiate
        return result;
    }
}
