using RnnToolkit.Cells;
using RnnToolkit.Kernels;
using RnnToolkit.Layers;

namespace RnnToolkit.Tests.Kernels;

/// <summary>
/// The backends that should run a sequence kernel do run it. A fallback to the cells gives the same numbers, so the
/// agreement and golden tests cannot see one; these tests count the kernel's runs (and check that the cells backend
/// and <c>UseKernels = false</c> do not run it).
/// </summary>
public class KernelGuardTests
{
    public static IEnumerable<object[]> StandardLayers() =>
    [
        ["lstm", nameof(LstmSequenceKernel)], ["gru", nameof(GruSequenceKernel)], ["rnn", nameof(RnnSequenceKernel)], ["rnn-relu", nameof(RnnSequenceKernel)],
    ];

    static StandardRecurrent Layer(string kind) => kind switch
    {
        "lstm" => new Lstm(4, 13, numLayers: 2, bidirectional: true),
        "gru" => new Gru(4, 13, numLayers: 2, bidirectional: true),
        "rnn-relu" => new Rnn(4, 13, numLayers: 2, activation: RnnActivation.Relu, bidirectional: true),
        _ => new Rnn(4, 13, numLayers: 2, bidirectional: true),
    };

    // Runs of the kernel during one forward and backward pass of the layer.
    static long Runs(string kernel, Func<Tensor, Tensor> forward, long inputSize = 4)
    {
        random.manual_seed(3);
        var x = randn(3, 6, inputSize).requires_grad_();
        long before = KernelRuns.Of(kernel);
        forward(x).sum().backward();
        return KernelRuns.Of(kernel) - before;
    }

    [Theory]
    [MemberData(nameof(StandardLayers))]
    public void Kernels_and_auto_training_run_the_kernel_for_every_layer_and_direction(string kind, string kernel)
    {
        var layer = Layer(kind);
        layer.Backend = RecurrentBackend.Kernels;
        Assert.Equal(4, Runs(kernel, x => layer.Run(x).Output));            // 2 layers × 2 directions
        layer.Backend = RecurrentBackend.Auto;
        Assert.Equal(RecurrentBackend.Kernels, layer.ResolveBackend(null, training: true));
        Assert.Equal(4, Runs(kernel, x => layer.call(x)));
        layer.Backend = RecurrentBackend.Cells;
        Assert.Equal(0, Runs(kernel, x => layer.Run(x).Output));
        layer.Backend = RecurrentBackend.Fused;
        Assert.Equal(0, Runs(kernel, x => layer.Run(x).Output));
    }

    public static IEnumerable<object[]> Cells() =>
    [
        ["lstm", nameof(LstmSequenceKernel)], ["gru", nameof(GruSequenceKernel)], ["rnn", nameof(RnnSequenceKernel)],
        ["peephole-diagonal", nameof(LstmSequenceKernel)], ["peephole-matrix", nameof(MatrixPeepholeLstmSequenceKernel)],
        ["gru000", nameof(Gru000SequenceKernel)], ["gru002", nameof(Gru002SequenceKernel)], ["gru003", nameof(Gru003SequenceKernel)],
    ];

    static RecurrentCell Cell(string kind) => kind switch
    {
        "lstm" => new LstmCell(4, 13),
        "gru" => new GruCell(4, 13),
        "rnn" => new RnnCell(4, 13),
        "peephole-diagonal" => new PeepholeLstmCell(4, 13, PeepholeForm.Diagonal),
        "peephole-matrix" => new PeepholeLstmCell(4, 13, PeepholeForm.Matrix),
        "gru000" => new Gru000AsPrintedCell(4, 13),
        "gru002" => new Gru002AsPrintedCell(13, 13),                     // 002 multiplies x_t by W_hh: input = hidden
        _ => new Gru003AsPrintedCell(4, 13),
    };

    [Theory]
    [MemberData(nameof(Cells))]
    public void Recurrent_runs_each_cells_kernel_unless_told_not_to(string kind, string kernel)
    {
        var cell = Cell(kind);
        var recurrent = new Recurrent(cell);
        Assert.Equal(1, Runs(kernel, x => recurrent.call(x), cell.InputSize));
        recurrent.UseKernels = false;
        Assert.Equal(0, Runs(kernel, x => recurrent.call(x), cell.InputSize));
    }
}
