using RnnToolkit.Cells;
using RnnToolkit.Kernels;
using RnnToolkit.Layers;
using RnnToolkit.Tests.Support;

namespace RnnToolkit.Tests.Kernels;

/// <summary>
/// The matrix-peephole LSTM's sequence kernel (hand-written BPTT) against autograd over the cell's steps,
/// at a working size (the goldens are tiny): outputs, final state and every gradient within 1e-5, with the loops
/// paired (products beside the loop on the partner thread) and inline.
/// </summary>
[Collection(RnnToolkit.Tests.Native.PartnerCollection.Name)]
public class MatrixPeepholeKernelTests
{
    [Theory]
    [InlineData(true, true, 16)]
    [InlineData(false, true, 16)]
    [InlineData(true, false, 16)]
    [InlineData(false, false, 16)]
    [InlineData(true, true, 13)]
    [InlineData(true, true, 64)]     // 64: the packed product, the step's units in two halves
    [InlineData(false, false, 64)]
    public void Kernel_and_steps_agree(bool initialState, bool paired, long H)
    {
        const long B = 8, T = 20, I = 5;
        using var scope = NewDisposeScope();
        using var pairing = new ForcedPairing(paired);
        random.manual_seed(11);
        var cell = new PeepholeLstmCell(I, H, PeepholeForm.Matrix);
        var x = randn(B, T, I);
        var h0 = randn(B, H) * 0.5;
        var c0 = randn(B, H) * 0.5;
        var upstream = randn(B, T, H);
        var upstreamH = randn(B, H);
        var upstreamC = randn(B, H);

        using (no_grad())
            Assert.NotNull(cell.RunSequence(x.transpose(0, 1), new RecurrentState(h0, c0)));   // the kernel path exists

        var results = new Dictionary<bool, (Tensor Output, Tensor HT, Tensor CT, Tensor GradX, Tensor? GradH0, Tensor? GradC0, Dictionary<string, Tensor> Grads)>();
        foreach (var kernels in new[] { true, false })
        {
            long pairedLoops = StepPair.PairedLoops, packs = PackedMatrix.Packs;
            var layer = new Recurrent(cell) { UseKernels = kernels };
            cell.zero_grad();
            var xi = x.clone().requires_grad_();
            var hi = initialState ? h0.clone().requires_grad_() : null;
            var ci = initialState ? c0.clone().requires_grad_() : null;
            var r = layer.Run(xi, hi is null ? null : [new RecurrentState(hi, ci)]);
            ((r.Output * upstream).sum() + (r.Final[0].H * upstreamH).sum() + (r.Final[0].C! * upstreamC).sum()).backward();
            Assert.Equal(kernels && paired ? pairedLoops + 2 : pairedLoops, StepPair.PairedLoops);   // forward and backward loops
            // Packed where whole panels fit: the input projection's weight, and W_hh, [W_ci; W_cf], W_co forward and back.
            long packed = kernels && PackedMatrix.Fits(H) ? 7 : 0;
            Assert.Equal(packs + packed, PackedMatrix.Packs);
            results[kernels] = (r.Output.detach(), r.Final[0].H.detach(), r.Final[0].C!.detach(), xi.grad!.clone(), hi?.grad!.clone(), ci?.grad!.clone(),
                cell.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.clone()));
        }
        var (k, s) = (results[true], results[false]);
        TensorAssert.Close(s.Output, k.Output, "outputs");
        TensorAssert.Close(s.HT, k.HT, "h_T");
        TensorAssert.Close(s.CT, k.CT, "c_T");
        TensorAssert.Close(s.GradX, k.GradX, "∂L/∂x");
        if (initialState)
        {
            TensorAssert.Close(s.GradH0!, k.GradH0, "∂L/∂h0");
            TensorAssert.Close(s.GradC0!, k.GradC0, "∂L/∂c0");
        }
        Assert.Equal(7, s.Grads.Count);
        foreach (var (name, grad) in s.Grads)
            TensorAssert.Close(grad, k.Grads[name], $"∂L/∂{name}");
    }

    [Fact]
    public void Kernel_handles_a_single_step_and_gradients_of_h_T_only()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(3);
        var cell = new PeepholeLstmCell(5, 16, PeepholeForm.Matrix);
        var x = randn(4, 1, 5);
        var grads = new List<Tensor>();
        foreach (var kernels in new[] { true, false })
        {
            cell.zero_grad();
            var xi = x.clone().requires_grad_();
            var r = new Recurrent(cell) { UseKernels = kernels }.Run(xi);
            r.Final[0].H.square().sum().backward();
            grads.Add(xi.grad!.clone());
            grads.Add(cell.w_ci.grad!.clone());
        }
        TensorAssert.Close(grads[2], grads[0], "∂L/∂x");
        TensorAssert.Close(grads[3], grads[1], "∂L/∂W_ci");
    }

    /// <summary>Pairing forced on or off on this test's thread.</summary>
    sealed class ForcedPairing : IDisposable
    {
        public ForcedPairing(bool paired) => StepPair.Force = paired;
        public void Dispose() => StepPair.Force = null;
    }
}
