using RnnToolkit.Native;
using TorchSharp;
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
/// steps after the loop. Verified against PyTorch by the cells' reference data.
/// </summary>
internal sealed class MatrixPeepholeLstmSequenceKernel : autograd.MultiTensorFunction<MatrixPeepholeLstmSequenceKernel>
{
    public override string Name => nameof(MatrixPeepholeLstmSequenceKernel);

    /// <summary>Runs the kernel: x (T, B, I) time-first → h_1…h_T (T, B, H), h_T, c_T; W_ci, W_cf, W_co (H, H).</summary>
    /// <remarks>As in <see cref="LstmSequenceKernel"/>, the node's one output is [h_t; c_t] for every step (T, B, 2H), and all returned are views of it.</remarks>
    public static (Tensor Output, Tensor HT, Tensor CT) Run(Tensor x, Tensor W_ih, Tensor W_hh, Tensor b_ih, Tensor b_hh, Tensor h0, Tensor c0,
        Tensor W_ci, Tensor W_cf, Tensor W_co)
    {
        long H = W_hh.shape[1];
        var hc = apply(x, W_ih, W_hh, b_ih, b_hh, h0, c0, W_ci, W_cf, W_co)[0];
        var hs = hc.narrow(2, 0, H);
        return (hs, hs[-1], hc.narrow(2, H, H)[-1]);
    }

    public override List<Tensor> forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var (x, W_ih, W_hh, b_ih, b_hh, h0, c0) = ((Tensor)vars[0], (Tensor)vars[1], (Tensor)vars[2], (Tensor)vars[3], (Tensor)vars[4], (Tensor)vars[5], (Tensor)vars[6]);
        var (W_ci, W_cf, W_co) = ((Tensor)vars[7], (Tensor)vars[8], (Tensor)vars[9]);
        long T = x.shape[0], B = x.shape[1], I = x.shape[2], H = W_hh.shape[1];
        using var scope = NewDisposeScope();

        // a_t's input half for every step at once; the loop adds the recurrent products and activates in place.
        var a = (b_ih + b_hh).addmm(x.reshape(T * B, I), W_ih.t()).view(T, B, 4 * H);
        var a_t = a.unbind(0);
        var if_t = a.narrow(2, 0, 2 * H).unbind(0);
        var i_t = a.narrow(2, 0, H).unbind(0);
        var f_t = a.narrow(2, H, H).unbind(0);
        var g_t = a.narrow(2, 2 * H, H).unbind(0);
        var o_t = a.narrow(2, 3 * H, H).unbind(0);
        var W_hhT = W_hh.t();
        var W_cifT = cat([W_ci, W_cf]).t();                    // (H, 2H): c [W_ci; W_cf]ᵀ = [W_ci c; W_cf c] per row
        var W_coT = W_co.t();
        var hc = empty(T, B, 2 * H, dtype: x.dtype);          // the output: [h_t; c_t]
        var (h_t, c_t) = (hc.narrow(2, 0, H).unbind(0), hc.narrow(2, H, H).unbind(0));
        var tanhC_all = empty(T, B, H, dtype: x.dtype);
        var tanhC_t = tanhC_all.unbind(0);
        Tensor h = h0, c = c0;
        using var oneThread = SingleThread.ForSteps(B * 6 * H * H);
        for (int t = 0; t < T; t++)
        {
            a_t[t].addmm_(h, W_hhT);                                          // + W_hh h_{t-1}
            if_t[t].addmm_(c, W_cifT);                                        // + [W_ci; W_cf] c_{t-1}
            if_t[t].sigmoid_();                                               // i, f
            FastTanh.Tanh_(g_t[t]);                                           // g
            c = c_t[t].copy_(c).mul_(f_t[t]).addcmul_(i_t[t], g_t[t], 1);    // c_t = f ⊙ c_{t-1} + i ⊙ g
            o_t[t].addmm_(c, W_coT).sigmoid_();                               // o = σ(a_o + W_co c_t)
            FastTanh.Tanh_(tanhC_t[t].copy_(c));
            h = h_t[t].copy_(o_t[t]).mul_(tanhC_t[t]);                        // h_t = o ⊙ tanh c_t
        }
        var gates = a;                                                        // activated: i, f, g, o
        ctx.save_for_backward([x, W_ih, W_hh, h0, c0, gates, tanhC_all, hc, W_ci, W_cf, W_co]);
        ctx.set_materialize_grads(false);
        foreach (var keep in new[] { hc, gates, tanhC_all }) keep.MoveToOuterDisposeScope();
        return [hc];
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, List<Tensor> grads)
    {
        using var scope = NewDisposeScope();
        var saved = ctx.get_saved_variables();
        var (x, W_ih, W_hh, h0, c0, gates, tanhC, hc) = (saved[0], saved[1], saved[2], saved[3], saved[4], saved[5], saved[6], saved[7]);
        var (W_ci, W_cf, W_co) = (saved[8], saved[9], saved[10]);
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
        var dcFromH = (o * (1.0 - tanhC.square())).unbind(0);                       // ∂h_t/∂c_t = o ⊙ (1 − tanh²c_t)
        var daO = (tanhC * o * (1.0 - o)).unbind(0);                                   // δa_o = δh ⊙ tanh c_t ⊙ o(1 − o)
        var daIFG = stack([g * i * (1.0 - i), cPrev * f * (1.0 - f), i * (1.0 - g.square())], 2).unbind(0);  // (B, 3, H): δa_{i,f,g} = δc ⊙ this
        var W_cif = cat([W_ci, W_cf]);                                                 // (2H, H)
        var f_t = f.unbind(0);
        var dY_t = dY.unbind(0);
        var dCout_t = dCout.unbind(0);

        var da = empty(T, B, 4 * H, dtype: x.dtype);
        var da_t = da.unbind(0);
        var daIFG_t = da.narrow(2, 0, 3 * H).view(T, B, 3, H).unbind(0);
        var daIF_t = da.narrow(2, 0, 2 * H).unbind(0);
        var daO_t = da.narrow(2, 3 * H, H).unbind(0);
        var dh = zeros(B, H, dtype: x.dtype);
        var dc = zeros(B, H, dtype: x.dtype);
        using var oneThread = SingleThread.ForSteps(B * 6 * H * H);
        for (long t = T - 1; t >= 0; t--)
        {
            dh.add_(dY_t[t]);                                                  // δh_t
            dc.add_(dCout_t[t]);
            dc.addcmul_(dh, dcFromH[t], 1);                                     // δc_t through h_t
            daO_t[t].copy_(dh).mul_(daO[t]);                                   // δa_o
            dc.addmm_(daO_t[t], W_co);                                         // δc_t += W_coᵀ δa_o (c_t feeds o_t)
            daIFG_t[t].copy_(dc.unsqueeze(1)).mul_(daIFG[t]);                  // δa_i, δa_f, δa_g
            dc.mul_(f_t[t]);                                                   // → δc_{t-1} = δc_t ⊙ f
            dc.addmm_(daIF_t[t], W_cif);                                       //   + [W_ci; W_cf]ᵀ [δa_i; δa_f]
            dh = da_t[t].mm(W_hh);                                             // → δh_{t-1} = W_hhᵀ δa_t
        }
        var da2 = da.view(T * B, 4 * H);
        var dx = da2.mm(W_ih).view(T, B, I);
        var dW_ih = da2.t().mm(x.reshape(T * B, I));                           // Σ_t δa_t x_tᵀ
        var dW_hh = da2.t().mm(hPrev.reshape(T * B, H));                       // Σ_t δa_t h_{t-1}ᵀ
        var db = da2.sum(dim: 0);                                              // Σ_t δa_t
        var dW_cif = da2.narrow(1, 0, 2 * H).t().mm(cPrev.reshape(T * B, H)); // Σ_t [δa_i; δa_f] c_{t-1}ᵀ
        var dW_co = da2.narrow(1, 3 * H, H).t().mm(C.reshape(T * B, H));      // Σ_t δa_o c_tᵀ
        var result = new List<Tensor> { dx, dW_ih, dW_hh, db, db.clone(), dh, dc, dW_cif.narrow(0, 0, H), dW_cif.narrow(0, H, H), dW_co };
        foreach (var r in result) r.MoveToOuterDisposeScope();
        return result;
    }
}
