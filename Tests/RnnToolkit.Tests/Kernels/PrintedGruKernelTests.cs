using RnnToolkit.Cells;
using RnnToolkit.Kernels;
using RnnToolkit.Layers;
using RnnToolkit.Tests.Support;

namespace RnnToolkit.Tests.Kernels;

/// <summary>
/// The printed GRUs' sequence kernels (hand-written BPTT) against autograd over their cells' steps,
/// at a working size (the goldens are tiny) and at hidden sizes that leave a partial eight-lane chunk
/// (13) or fill none (5): outputs, final state and every gradient within 1e-5.
/// </summary>
public class PrintedGruKernelTests
{
    public static IEnumerable<object[]> Cases() =>
    [
        ["000", true, 16], ["000", false, 16], ["002", true, 16], ["002", false, 16], ["003", true, 16], ["003", false, 16],
        ["000", true, 13], ["002", true, 13], ["003", true, 13], ["000", true, 5], ["002", true, 5], ["003", true, 5],
        ["000", true, 64], ["002", true, 64], ["003", true, 64], ["002", false, 64],   // 64: the packed product, split by units
    ];

    static RecurrentCell Make(string which, long I, long H) => which switch
    {
        "000" => new Gru000AsPrintedCell(I, H),
        "002" => new Gru002AsPrintedCell(H, H),
        _ => new Gru003AsPrintedCell(I, H),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Kernel_and_steps_agree(string which, bool initialState, int H)
    {
        const long B = 8, T = 20;
        using var scope = NewDisposeScope();
        random.manual_seed(7);
        var cell = Make(which, 5, H);
        long I = cell.InputSize;
        var x = randn(B, T, I);
        var h0 = randn(B, H) * 0.5;
        var upstream = randn(B, T, H);
        var upstreamH = randn(B, H);

        using (no_grad())
            Assert.NotNull(cell.RunSequence(x.transpose(0, 1), new RecurrentState(h0)));   // the kernel path exists

        var results = new Dictionary<bool, (Tensor Output, Tensor HT, Tensor GradX, Tensor? GradH0, Dictionary<string, Tensor> Grads)>();
        foreach (var kernels in new[] { true, false })
        {
            long packs = PackedMatrix.Packs;
            var layer = new Recurrent(cell) { UseKernels = kernels };
            cell.zero_grad();
            var xi = x.clone().requires_grad_();
            var hi = initialState ? h0.clone().requires_grad_() : null;
            var r = layer.Run(xi, hi is null ? null : [new RecurrentState(hi)]);
            ((r.Output * upstream).sum() + (r.Final[0].H * upstreamH).sum()).backward();
            // Packed where whole panels fit: the input projection's weight, and forward and back [W_h_zr; W_hh] (002, 003) or W_h_zr and W_hh (000).
            long packed = kernels && PackedMatrix.Fits(H) ? (which == "000" ? 5 : 3) : 0;
            Assert.Equal(packs + packed, PackedMatrix.Packs);
            results[kernels] = (r.Output.detach(), r.Final[0].H.detach(), xi.grad!.clone(), hi?.grad!.clone(),
                cell.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.clone()));
        }
        var (k, s) = (results[true], results[false]);
        TensorAssert.Close(s.Output, k.Output, $"{which} H = {H}: outputs");
        TensorAssert.Close(s.HT, k.HT, $"{which} H = {H}: h_T");
        TensorAssert.Close(s.GradX, k.GradX, $"{which} H = {H}: ∂L/∂x");
        if (initialState) TensorAssert.Close(s.GradH0!, k.GradH0, $"{which} H = {H}: ∂L/∂h0");
        foreach (var (name, grad) in s.Grads)
            TensorAssert.Close(grad, k.Grads[name], $"{which} H = {H}: ∂L/∂{name}");
    }

    [Theory]
    [InlineData("000")]
    [InlineData("002")]
    [InlineData("003")]
    public void Kernel_handles_a_single_step_and_gradients_of_h_T_only(string which)
    {
        using var scope = NewDisposeScope();
        random.manual_seed(3);
        var cell = Make(which, 5, 16);
        var x = randn(4, 1, cell.InputSize);
        var grads = new List<Tensor>();
        foreach (var kernels in new[] { true, false })
        {
            cell.zero_grad();
            var xi = x.clone().requires_grad_();
            var r = new Recurrent(cell) { UseKernels = kernels }.Run(xi);
            r.Final[0].H.square().sum().backward();
            grads.Add(xi.grad!.clone());
        }
        TensorAssert.Close(grads[1], grads[0], $"{which} ∂L/∂x");
    }

    /// <summary>The kernels are float32 only: other dtypes get null, so the layer runs the cells' steps.</summary>
    [Theory]
    [InlineData("000")]
    [InlineData("002")]
    [InlineData("003")]
    public void Kernel_declines_float64(string which)
    {
        using var scope = NewDisposeScope();
        var cell = Make(which, 5, 6);
        using (no_grad())
            Assert.Null(cell.RunSequence(randn(3, 2, cell.InputSize, dtype: float64), new RecurrentState(zeros(2, 6, dtype: float64))));
    }
}
