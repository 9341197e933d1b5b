using System.Text.Json;
using RnnToolkit.Cells;
using RnnToolkit.Layers;
using RnnToolkit.Tests.Support;

namespace RnnToolkit.Tests.Layers;

/// <summary>
/// The standard layers against PyTorch 1.13 (tools/pytorch/make_goldens.py): outputs, final states
/// and gradients for fixed weights and inputs, on both backends, within 1e-5.
/// </summary>
public class PyTorchGoldenTests
{
    const string File = "recurrent.json";

    public static IEnumerable<object[]> SequenceCases() => Golden.CaseNames(File, c => !c.GetProperty("mode").GetString()!.EndsWith("_cell"));
    public static IEnumerable<object[]> CellCases() => Golden.CaseNames(File, c => c.GetProperty("mode").GetString()!.EndsWith("_cell"));

    static StandardRecurrent Build(JsonElement c)
    {
        string mode = c.GetProperty("mode").GetString()!;
        long I = c.GetProperty("input_size").GetInt64(), H = c.GetProperty("hidden_size").GetInt64(), L = c.GetProperty("num_layers").GetInt64();
        bool bi = c.GetProperty("bidirectional").GetBoolean(), bf = c.GetProperty("batch_first").GetBoolean();
        return mode switch
        {
            "lstm" => new Lstm(I, H, L, batchFirst: bf, bidirectional: bi),
            "gru" => new Gru(I, H, L, batchFirst: bf, bidirectional: bi),
            "rnn_tanh" => new Rnn(I, H, L, RnnActivation.Tanh, batchFirst: bf, bidirectional: bi),
            "rnn_relu" => new Rnn(I, H, L, RnnActivation.Relu, batchFirst: bf, bidirectional: bi),
            _ => throw new InvalidOperationException(mode),
        };
    }

    [Theory]
    [MemberData(nameof(SequenceCases))]
    public void Fused_backend_matches_pytorch(string name) => Check(name, RecurrentBackend.Fused);

    [Theory]
    [MemberData(nameof(SequenceCases))]
    public void Cell_backend_matches_pytorch(string name) => Check(name, RecurrentBackend.Cells);

    [Theory]
    [MemberData(nameof(SequenceCases))]
    public void Kernel_backend_matches_pytorch(string name) => Check(name, RecurrentBackend.Kernels);

    static void Check(string name, RecurrentBackend backend)
    {
        var c = Golden.Case(File, name);
        using var scope = NewDisposeScope();
        var layer = Build(c);
        layer.Backend = backend;
        Golden.LoadParameters(layer, c.GetProperty("params"));
        RecurrentGolden.Check(c, name, layer);
    }

    [Theory]
    [MemberData(nameof(CellCases))]
    public void Cells_match_pytorch_cells(string name)
    {
        var c = Golden.Case(File, name);
        using var scope = NewDisposeScope();
        long I = c.GetProperty("input_size").GetInt64(), H = c.GetProperty("hidden_size").GetInt64();
        RecurrentCell cell = c.GetProperty("mode").GetString() switch
        {
            "rnn_cell" => new RnnCell(I, H),
            "lstm_cell" => new LstmCell(I, H),
            "gru_cell" => new GruCell(I, H),
            var m => throw new InvalidOperationException(m),
        };
        Golden.LoadParameters(cell, c.GetProperty("params"));
        var x = c.Tensor("x").requires_grad_();
        var h0 = c.Tensor("h0").requires_grad_();
        var c0 = c.TensorOrNull("c0")?.requires_grad_();
        var s = cell.call(x, new RecurrentState(h0, c0));

        TensorAssert.Close(c.Tensor("h1"), s.H, $"{name} h1");
        var loss = (s.H * c.Tensor("r_h")).sum();
        if (c0 is not null)
        {
            TensorAssert.Close(c.Tensor("c1"), s.C, $"{name} c1");
            loss = loss + (s.C! * c.Tensor("r_c")).sum();
        }
        loss.backward();
        TensorAssert.Close(c.Tensor("grad_x"), x.grad, $"{name} ∂L/∂x");
        TensorAssert.Close(c.Tensor("grad_h0"), h0.grad, $"{name} ∂L/∂h0");
        if (c0 is not null) TensorAssert.Close(c.Tensor("grad_c0"), c0.grad, $"{name} ∂L/∂c0");
        var grads = c.GetProperty("grad_params");
        foreach (var (pname, p) in cell.named_parameters())
            TensorAssert.Close(grads.Tensor(pname), p.grad, $"{name} ∂L/∂{pname}");
    }
}
