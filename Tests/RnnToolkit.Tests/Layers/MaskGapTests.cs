using RnnToolkit.Cells;
using RnnToolkit.Layers;
using RnnToolkit.Tests.Support;

namespace RnnToolkit.Tests.Layers;

/// <summary>
/// Masks with gaps (padded steps between real ones, at the start and at the end), go_backwards with a mask, and padding
/// of every cell including the conv cells and 002's printed GRU — each compared with a computation that uses no mask:
/// the real steps alone, run without a mask (the sequence kernels where the cell has one, checked against PyTorch by the
/// golden tests), or libtorch's fused nn.LSTM / nn.GRU / nn.RNN with the same weights.
/// </summary>
public class MaskGapTests
{
    // Gaps in the middle, padding at the start, every step real, and alternating steps ending in padding.
    static readonly bool[,] Gapped =
    {
        { true, false, false, true, true, false, true },
        { false, true, true, false, true, true, true },
        { true, true, true, true, true, true, true },
        { true, false, true, false, true, false, false },
    };

    static int[] RealSteps(int b) => Enumerable.Range(0, Gapped.GetLength(1)).Where(t => Gapped[b, t]).ToArray();

    public static IEnumerable<object[]> EveryCell()
    {
        var cells = new (string Name, Func<RecurrentCell> Make, long[] Step)[]
        {
            ("RnnCell", () => new RnnCell(3, 5), [3]),
            ("LstmCell", () => new LstmCell(3, 5), [3]),
            ("GruCell", () => new GruCell(3, 5), [3]),
            ("GruCell reset-before", () => new GruCell(3, 5, resetAfter: false), [3]),
            ("PeepholeLstmCell", () => new PeepholeLstmCell(3, 5), [3]),
            ("PeepholeLstmCell matrix", () => new PeepholeLstmCell(3, 5, PeepholeForm.Matrix), [3]),
            ("Gru000AsPrintedCell", () => new Gru000AsPrintedCell(3, 5), [3]),
            ("Gru002AsPrintedCell", () => new Gru002AsPrintedCell(5, 5), [5]),
            ("Gru003AsPrintedCell", () => new Gru003AsPrintedCell(3, 5), [3]),
            ("ConvRnnCell", () => new ConvRnnCell(2, 3), [2, 6]),
            ("ConvLstm1dCell", () => new ConvLstm1dCell(2, 3), [2, 6]),
            ("ConvLstm2dCell", () => new ConvLstm2dCell(1, 2), [1, 4, 5]),
            ("ConvLstm2dCell peepholes", () => new ConvLstm2dCell(1, 2, peepholes: new MapSize(4, 5)), [1, 4, 5]),
        };
        foreach (var (name, make, step) in cells)
            foreach (bool backwards in new[] { false, true })
                yield return [name, make, step, backwards];
    }

    [Theory]
    [MemberData(nameof(EveryCell))]
    public void Gapped_mask_equals_the_real_steps_run_alone(string name, Func<RecurrentCell> make, long[] step, bool backwards)
    {
        random.manual_seed(31);
        var cell = make();
        var layer = new Recurrent(cell, goBackwards: backwards);
        var plain = new Recurrent(cell);
        int T = Gapped.GetLength(1);
        var x = randn([4, T, .. step]);
        var r = layer.Run(x, mask: tensor(Gapped));
        for (int b = 0; b < 4; b++)
        {
            // go_backwards reads the real steps last to first, and returns the outputs in that (processed) order.
            var real = backwards ? RealSteps(b).Reverse().ToArray() : RealSteps(b);
            var alone = plain.Run(x[b].index_select(0, tensor(real.Select(t => (long)t).ToArray())).unsqueeze(0));
            var position = real.Select(t => backwards ? T - 1 - t : t).ToArray();
            for (int k = 0; k < real.Length; k++)
                TensorAssert.Close(alone.Output[0, k], r.Output[b, position[k]], $"{name}: sequence {b}, real step {real[k]}", 1e-5, 1e-5);
            foreach (int p in Enumerable.Range(0, T).Except(position))
                Assert.Equal(0.0, r.Output[b, p].abs().max().item<float>());
            TensorAssert.Close(alone.Final[0].H[0], r.Final[0].H[b], $"{name}: final h of sequence {b}", 1e-5, 1e-5);
            if (alone.Final[0].C is not null)
                TensorAssert.Close(alone.Final[0].C![0], r.Final[0].C![b], $"{name}: final c of sequence {b}", 1e-5, 1e-5);
            TensorAssert.Close(alone.Last[0], r.Last[b], $"{name}: last of sequence {b}", 1e-5, 1e-5);
        }
    }

    public static IEnumerable<object[]> StandardLayers() =>
        from kind in new[] { "LSTM", "GRU", "RNN" }
        from layers in new[] { 1, 2 }
        from bidirectional in new[] { false, true }
        select new object[] { kind, layers, bidirectional };

    [Theory]
    [MemberData(nameof(StandardLayers))]
    public void Standard_layer_with_a_gapped_mask_equals_libtorch_on_the_real_steps(string kind, int layers, bool bidirectional)
    {
        random.manual_seed(32);
        const int I = 3, H = 5;
        RecurrentLayer layer;
        nn.Module reference;
        switch (kind)
        {
            case "LSTM": layer = new Lstm(I, H, numLayers: layers, bidirectional: bidirectional); reference = nn.LSTM(I, H, layers, batchFirst: true, bidirectional: bidirectional); break;
            case "GRU": layer = new Gru(I, H, numLayers: layers, bidirectional: bidirectional); reference = nn.GRU(I, H, layers, batchFirst: true, bidirectional: bidirectional); break;
            default: layer = new Rnn(I, H, numLayers: layers, bidirectional: bidirectional); reference = nn.RNN(I, H, layers, batchFirst: true, bidirectional: bidirectional); break;
        }
        using (no_grad())
            foreach (var (n, p) in reference.named_parameters())
                p.copy_(layer.get_parameter(n)!);
        Assert.Equal(layer.parameters().Count(), reference.parameters().Count());

        int T = Gapped.GetLength(1), D = bidirectional ? 2 : 1;
        var x = randn(4, T, I);
        var r = layer.Run(x, mask: tensor(Gapped));
        for (int b = 0; b < 4; b++)
        {
            var real = RealSteps(b);
            var steps = x[b].index_select(0, tensor(real.Select(t => (long)t).ToArray())).unsqueeze(0);
            Tensor output, hn;
            Tensor? cn = null;
            switch (reference)
            {
                case TorchSharp.Modules.LSTM lstm: (output, hn, cn) = lstm.call(steps); break;
                case TorchSharp.Modules.GRU gru: (output, hn) = gru.call(steps); break;
                default: (output, hn) = ((TorchSharp.Modules.RNN)reference).call(steps); break;
            }
            for (int k = 0; k < real.Length; k++)
                TensorAssert.Close(output[0, k], r.Output[b, real[k]], $"{kind}: sequence {b}, real step {real[k]}", 1e-5, 1e-5);
            foreach (int t in Enumerable.Range(0, T).Except(real))
                Assert.Equal(0.0, r.Output[b, t].abs().max().item<float>());
            Assert.Equal(layers * D, r.Final.Count);
            for (int s = 0; s < layers * D; s++)
            {
                TensorAssert.Close(hn[s, 0], r.Final[s].H[b], $"{kind}: h_n[{s}] of sequence {b}", 1e-5, 1e-5);
                if (cn is not null) TensorAssert.Close(cn[s, 0], r.Final[s].C![b], $"{kind}: c_n[{s}] of sequence {b}", 1e-5, 1e-5);
            }
            var last = bidirectional ? cat([hn[^2, 0], hn[^1, 0]], 0) : hn[^1, 0];
            TensorAssert.Close(last, r.Last[b], $"{kind}: last of sequence {b}", 1e-5, 1e-5);
        }
    }
}
