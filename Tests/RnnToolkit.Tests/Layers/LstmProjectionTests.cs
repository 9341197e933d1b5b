using System.Text.Json;
using RnnToolkit.Cells;
using RnnToolkit.Layers;
using RnnToolkit.Tests.Support;

namespace RnnToolkit.Tests.Layers;

/// <summary>
/// LSTM with proj_size against PyTorch 1.13's nn.LSTM(proj_size = P) (tools/pytorch/make_proj_goldens.py):
/// outputs, h_n, c_n and every gradient within 1e-5, parameter names and count as PyTorch reports them.
/// </summary>
public class LstmProjectionTests
{
    const string File = "lstm_proj.json";

    public static IEnumerable<object[]> Cases() => Golden.CaseNames(File);

    static Lstm Build(JsonElement c) => new(
        c.GetProperty("input_size").GetInt64(), c.GetProperty("hidden_size").GetInt64(), c.GetProperty("num_layers").GetInt64(),
        batchFirst: c.GetProperty("batch_first").GetBoolean(), bidirectional: c.GetProperty("bidirectional").GetBoolean(),
        projSize: c.GetProperty("proj_size").GetInt64());

    [Theory]
    [MemberData(nameof(Cases))]
    public void Matches_pytorch_proj_size(string name)
    {
        var c = Golden.Case(File, name);
        using var scope = NewDisposeScope();
        var layer = Build(c);
        Assert.Equal(RecurrentBackend.Cells, layer.ResolveBackend(null, training: true));
        Golden.LoadParameters(layer, c.GetProperty("params"));
        RecurrentGolden.Check(c, name, layer);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Parameters_are_named_shaped_and_counted_as_pytorch(string name)
    {
        var c = Golden.Case(File, name);
        var layer = Build(c);
        Assert.Equal(c.GetProperty("param_names").EnumerateArray().Select(n => n.GetString()!), layer.named_parameters().Select(p => p.name));
        foreach (var (pname, p) in layer.named_parameters())
            Assert.Equal(c.GetProperty("params").GetProperty(pname).GetProperty("shape").EnumerateArray().Select(v => v.GetInt64()), p.shape);
        Assert.Equal(c.GetProperty("num_params").GetInt64(), ParameterCounts.PyTorch(layer));
        long P = c.GetProperty("proj_size").GetInt64();
        Assert.Equal(c.GetProperty("bidirectional").GetBoolean() ? 2 * P : P, layer.OutputSize);
    }

    [Fact]
    public void Projected_cell_is_the_plain_cell_followed_by_W_hr()
    {
        random.manual_seed(8);
        var cell = new LstmCell(4, 6, projSize: 3);
        Assert.Equal(3, cell.OutputSize);
        var x = randn(2, 4);
        var state = new RecurrentState(randn(2, 3), randn(2, 6));
        var next = cell.call(x, state);
        // by hand: gates from x and the projected h, then h = W_hr (o ⊙ tanh c)
        var gates = (x.matmul(cell.weight_ih.t()) + state.H.matmul(cell.weight_hh.t()) + cell.bias_ih! + cell.bias_hh!).chunk(4, 1);
        var cNew = gates[1].sigmoid() * state.C! + gates[0].sigmoid() * gates[2].tanh();
        var hNew = (gates[3].sigmoid() * cNew.tanh()).matmul(cell.weight_hr!.t());
        TensorAssert.Close(cNew, next.C, "c_t", 1e-6, 1e-6);
        TensorAssert.Close(hNew, next.H, "h_t", 1e-6, 1e-6);
        Assert.Equal([2L, 3], cell.ZeroState(x).H.shape);
        Assert.Equal([2L, 6], cell.ZeroState(x).C!.shape);
    }

    [Fact]
    public void Bad_options_and_states_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Lstm(4, 6, projSize: 6));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Lstm(4, 6, projSize: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LstmCell(4, 6, projSize: 7));
        var layer = new Lstm(4, 6, projSize: 3);
        var x = randn(2, 5, 4);
        var e = Assert.Throws<ArgumentException>(() => layer.Run(x, [new RecurrentState(zeros(2, 6), zeros(2, 6))]));
        Assert.Contains("(2, 3)", e.Message);
        layer.Backend = RecurrentBackend.Fused;
        Assert.Throws<InvalidOperationException>(() => layer.Run(x));
        Assert.Throws<ArgumentException>(() => ParameterCounts.Keras(layer));
    }

    [Fact]
    public void Masked_projected_run_equals_running_the_unpadded_sequences()
    {
        random.manual_seed(9);
        var layer = new Lstm(4, 6, numLayers: 2, bidirectional: true, projSize: 2);
        var x = randn(2, 5, 4);
        var r = layer.RunWithLengths(x, tensor(new long[] { 5, 3 }));
        var alone = layer.Run(x[1, TensorIndex.Slice(0, 3)].unsqueeze(0));
        TensorAssert.Close(alone.Output[0], r.Output[1, TensorIndex.Slice(0, 3)], "outputs", 1e-5, 1e-5);
        TensorAssert.Close(alone.HN[.., 0], r.HN[.., 1], "h_n", 1e-5, 1e-5);
        TensorAssert.Close(alone.CN![.., 0], r.CN![.., 1], "c_n", 1e-5, 1e-5);
    }
}
