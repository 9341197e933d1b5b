using RnnToolkit.Cells;
using RnnToolkit.Layers;
using RnnToolkit.Models;

namespace RnnToolkit.Tests.Layers;

/// <summary>Every module rejects wrong shapes with an ArgumentException naming what it expected and what it got.</summary>
public class BadInputTests
{
    static void Rejects(Action call, params string[] mentions)
    {
        var e = Assert.ThrowsAny<ArgumentException>(call);
        foreach (var m in mentions)
            Assert.Contains(m, e.Message);
    }

    public static IEnumerable<object[]> Layers() =>
    [
        [(Func<RecurrentLayer>)(() => new Recurrent(new LstmCell(4, 6)))],
        [(Func<RecurrentLayer>)(() => new Recurrent(new GruCell(4, 6)))],
        [(Func<RecurrentLayer>)(() => new Recurrent(new PeepholeLstmCell(4, 6)))],
        [(Func<RecurrentLayer>)(() => new Recurrent(new Gru003AsPrintedCell(4, 6)))],
        [(Func<RecurrentLayer>)(() => new Bidirectional(() => new Recurrent(new RnnCell(4, 6))))],
        [(Func<RecurrentLayer>)(() => new Stacked([new Recurrent(new RnnCell(4, 6)), new Recurrent(new RnnCell(6, 6))]))],
        [(Func<RecurrentLayer>)(() => new Lstm(4, 6))],
        [(Func<RecurrentLayer>)(() => new Gru(4, 6, numLayers: 2, bidirectional: true))],
        [(Func<RecurrentLayer>)(() => new Rnn(4, 6, batchFirst: false))],
    ];

    [Theory]
    [MemberData(nameof(Layers))]
    public void Wrong_rank_and_feature_size(Func<RecurrentLayer> make)
    {
        var layer = make();
        Rejects(() => layer.call(zeros(2, 5)), "expected input of shape", "4", "got [2, 5]");
        Rejects(() => layer.call(zeros(2, 5, 3)), "expected input of shape", "got [2, 5, 3]");
        Rejects(() => layer.call(zeros(2, 0, 4)), "at least one sequence of at least one step");
    }

    [Theory]
    [MemberData(nameof(Layers))]
    public void Wrong_mask_lengths_and_state_count(Func<RecurrentLayer> make)
    {
        var layer = make();
        var x = layer.BatchFirst ? zeros(2, 5, 4) : zeros(5, 2, 4);
        Rejects(() => layer.Run(x, mask: ones(2, 4, dtype: ScalarType.Bool)), "mask of shape (2, 5)", "got [2, 4]");
        Rejects(() => layer.Run(x, mask: ones(2, 5)), "dtype Bool", "Float32");
        Rejects(() => layer.RunWithLengths(x, tensor(new long[] { 5, 6 })), "[0, 5]", "6");
        Rejects(() => layer.RunWithLengths(x, tensor(new long[] { 5, 5, 5 })), "lengths of shape (2)", "[3]");
        Rejects(() => layer.RunWithLengths(x, tensor(new[] { 5f, 5f })), "integer lengths");
        var tooMany = Enumerable.Repeat(new RecurrentState(zeros(2, 6), zeros(2, 6)), layer.StateCount + 1).ToList();
        Rejects(() => layer.Run(x, tooMany), $"expected {layer.StateCount} initial state", $"got {layer.StateCount + 1}");
    }

    [Fact]
    public void Wrong_state_shapes()
    {
        var x = zeros(2, 5, 4);
        Rejects(() => new Recurrent(new LstmCell(4, 6)).Run(x, [new RecurrentState(zeros(2, 7), zeros(2, 6))]), "h of shape [2, 6]", "got [2, 7]");
        Rejects(() => new Recurrent(new LstmCell(4, 6)).Run(x, [new RecurrentState(zeros(2, 6))]), "both h and c");
        Rejects(() => new Lstm(4, 6).Run(x, [new RecurrentState(zeros(3, 6), zeros(3, 6))]), "(2, 6)", "got h [3, 6]");
        Rejects(() => new Lstm(4, 6).Run(x, [new RecurrentState(zeros(2, 6))]), "h and c");
        Rejects(() => new Gru(4, 6).Run(x, [new RecurrentState(zeros(2, 5))]), "(2, 6)", "[2, 5]");
        Rejects(() => new LstmCell(4, 6).call(zeros(2, 4), new RecurrentState(zeros(2, 6), zeros(1, 6))), "c of shape [2, 6]", "[1, 6]");
    }

    [Fact]
    public void Cells_reject_wrong_step_inputs()
    {
        Rejects(() => new LstmCell(4, 6).call(zeros(2, 3), new RecurrentState(zeros(2, 6), zeros(2, 6))), "x_t of shape (B, 4)", "got [2, 3]");
        Rejects(() => new GruCell(4, 6).call(zeros(2, 5, 4), new RecurrentState(zeros(2, 6))), "(B, 4)", "[2, 5, 4]");
        Rejects(() => new ConvRnnCell(2, 3).call(zeros(2, 3, 7), new RecurrentState(zeros(2, 3, 7))), "(B, 2, L)", "[2, 3, 7]");
        Rejects(() => new Recurrent(new ConvLstm1dCell(2, 3)).call(zeros(2, 5, 2)), "(B, T, 2, L)", "[2, 5, 2]");
    }

    [Fact]
    public void ConvLstm2d_rejects_wrong_frames_states_and_sizes()
    {
        var layer = new Recurrent(new ConvLstm2dCell(2, 3));
        Rejects(() => layer.call(zeros(2, 5, 2, 6)), "expected input of shape (B, T, 2, H, W)", "got [2, 5, 2, 6]");
        Rejects(() => layer.call(zeros(new long[] { 2, 5, 3, 4, 5 })), "(B, T, 2, H, W)", "got [2, 5, 3, 4, 5]");
        Rejects(() => new ConvLstm2dCell(2, 3).call(zeros(2, 2, 4), new RecurrentState(zeros(2, 3, 4), zeros(2, 3, 4))), "x_t of shape (B, 2, H, W)", "got [2, 2, 4]");
        Rejects(() => layer.Run(zeros(new long[] { 2, 5, 2, 4, 5 }), [new RecurrentState(zeros(2, 3, 4, 4), zeros(2, 3, 4, 5))]), "h of shape [2, 3, 4, 5]", "got [2, 3, 4, 4]");
        var peephole = new Recurrent(new ConvLstm2dCell(2, 3, 3, new MapSize(4, 5)));
        Assert.Equal([2L, 5, 3, 4, 5], peephole.call(zeros(new long[] { 2, 5, 2, 4, 5 })).shape);
        Rejects(() => peephole.call(zeros(new long[] { 2, 5, 2, 5, 4 })), "expected frames of 4×5", "got 5×4");
        Rejects(() => new ConvLstm2dCell(2, 3, kernelSize: 2), "odd kernel size", "2");
        Rejects(() => new ConvLstm2dCell(2, 3, 3, new MapSize(0, 5)), "positive height and width", "0×5");
    }

    [Fact]
    public void Bad_constructor_arguments()
    {
        Rejects(() => new LstmCell(0, 6), "inputSize > 0");
        Rejects(() => new Lstm(4, 6, numLayers: 0), "numLayers");
        Rejects(() => new Gru(4, 6, dropout: 1.5), "dropout");
        Rejects(() => new ConvRnnCell(2, 3, kernelSize: 4), "odd kernel");
        Rejects(() => new Gru002AsPrintedCell(4, 6), "inputSize == hiddenSize", "got inputSize 4, hiddenSize 6");
        Rejects(() => new Rnn(4, 6, activation: RnnActivation.Sigmoid), "tanh and relu", "Sigmoid");
        Rejects(() => new Stacked([new Recurrent(new RnnCell(4, 6)), new Recurrent(new RnnCell(5, 6))]), "layer 1 expects 5", "outputs 6");
        Rejects(() => new Stacked([]), "at least one layer");
        Rejects(() => new Bidirectional(new Recurrent(new RnnCell(4, 6)), new Recurrent(new RnnCell(4, 7))), "same layout and sizes");
        Rejects(() => new Conv1D(1, 8, 3, activation: "swish"), "relu", "swish");
    }

    [Fact]
    public void Conv1D_and_Elman_network_reject_wrong_inputs()
    {
        Rejects(() => new Conv1D(3, 8, 3).call(zeros(2, 5, 4)), "(B, T, 3)", "[2, 5, 4]");
        Rejects(() => new Conv1D(3, 8, 5).call(zeros(2, 3, 3)), "at least 5 steps");
        Rejects(() => new ElmanNetwork(3, 8, 1).call(zeros(2, 5, 2)), "expected input of shape", "[2, 5, 2]");
    }
}
