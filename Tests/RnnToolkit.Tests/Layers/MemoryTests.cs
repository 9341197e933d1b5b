using RnnToolkit.Cells;
using RnnToolkit.Layers;

namespace RnnToolkit.Tests.Layers;

/// <summary>Training steps inside a dispose scope leave no live tensors behind, on every path.</summary>
public class MemoryTests
{
    public static IEnumerable<object[]> Paths() =>
    [
        ["lstm", RecurrentBackend.Fused], ["lstm", RecurrentBackend.Cells], ["lstm", RecurrentBackend.Kernels],
        ["gru", RecurrentBackend.Kernels], ["rnn", RecurrentBackend.Kernels], ["peephole", RecurrentBackend.Kernels],
        ["peephole", RecurrentBackend.Cells], ["peephole-matrix", RecurrentBackend.Kernels], ["bidirectional-gru-masked", RecurrentBackend.Auto],
        ["gru000", RecurrentBackend.Kernels], ["gru002", RecurrentBackend.Kernels], ["gru003", RecurrentBackend.Kernels],
    ];

    [Theory]
    [MemberData(nameof(Paths))]
    public void Live_tensor_count_stays_flat_over_training_steps(string model, RecurrentBackend backend)
    {
        random.manual_seed(1);
        RecurrentLayer layer = model switch
        {
            "lstm" => new Lstm(4, 8) { Backend = backend },
            "gru" => new Gru(4, 8) { Backend = backend },
            "rnn" => new Rnn(4, 8) { Backend = backend },
            "peephole" => new Recurrent(new PeepholeLstmCell(4, 8)) { UseKernels = backend == RecurrentBackend.Kernels },
            "peephole-matrix" => new Recurrent(new PeepholeLstmCell(4, 8, PeepholeForm.Matrix)) { UseKernels = backend == RecurrentBackend.Kernels },
            "gru000" => new Recurrent(new Gru000AsPrintedCell(4, 8)) { UseKernels = backend == RecurrentBackend.Kernels },
            "gru002" => new Recurrent(new Gru002AsPrintedCell(4, 4)) { UseKernels = backend == RecurrentBackend.Kernels },
            "gru003" => new Recurrent(new Gru003AsPrintedCell(4, 8)) { UseKernels = backend == RecurrentBackend.Kernels },
            _ => new Gru(4, 8, bidirectional: true, numLayers: 2),
        };
        var optimizer = optim.Adam(layer.parameters(), 0.01);
        var x = randn(3, 6, 4);
        var mask = model.EndsWith("masked") ? tensor(new[,] { { true, true, true, true, true, true }, { true, true, true, false, false, false }, { true, false, false, false, false, false } }) : null;
        var counts = new List<long>();
        for (int step = 0; step < 30; step++)
        {
            using (var scope = NewDisposeScope())
            {
                optimizer.zero_grad();
                var r = layer.Run(x, mask: mask);
                (r.Output.square().sum() + r.HN.sum()).backward();
                optimizer.step();
            }
            counts.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        }
        Assert.True(counts[^1] <= counts[5], $"live tensors grew from {counts[5]} (step 5) to {counts[^1]} (step 30): {string.Join(", ", counts)}");
    }
}
