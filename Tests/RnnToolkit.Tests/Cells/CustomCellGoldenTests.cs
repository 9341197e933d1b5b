using System.Text.Json;
using RnnToolkit.Cells;
using RnnToolkit.Layers;
using RnnToolkit.Models;
using RnnToolkit.Tests.Support;

namespace RnnToolkit.Tests.Cells;

/// <summary>
/// The cells PyTorch has no module for (peephole LSTM in both forms, the documents' printed GRUs, the reset-before GRU,
/// σ-RNN, convolutional recurrences (1-D, and 2-D ConvLSTM with and without per-position peepholes), the Elman network with 001's V x_t) against independent
/// PyTorch implementations of their equations (tools/pytorch/make_cell_goldens.py).
/// </summary>
public class CustomCellGoldenTests
{
    const string File = "cells.json";

    // Single cells unrolled over time (the Elman network and the reset-before GRU layers have tests of their own).
    public static IEnumerable<object[]> RecurrentCases() => Golden.CaseNames(File, c => c.GetProperty("cell").GetString() is not ("elman_network" or "gru_reset_before_layer"));
    public static IEnumerable<object[]> ResetBeforeGruCases() => Golden.CaseNames(File, c => c.GetProperty("cell").GetString() == "gru_reset_before");
    // The cells with a sequence kernel (the σ-RNN and the convolutional cells have none: they always run step by step).
    static readonly string[] KernelCells = ["peephole_lstm", "gru_000_as_printed", "gru_002_as_printed", "gru_003_as_printed"];
    public static IEnumerable<object[]> KernelCases() => Golden.CaseNames(File, c => KernelCells.Contains(c.GetProperty("cell").GetString()));
    public static IEnumerable<object[]> ElmanCases() => Golden.CaseNames(File, c => c.GetProperty("cell").GetString() == "elman_network");

    static RecurrentCell Build(JsonElement c)
    {
        long I = c.GetProperty("input_size").GetInt64(), H = c.GetProperty("hidden_size").GetInt64();
        string Option(string name) => c.GetProperty(name).GetString()!;
        long K() => c.GetProperty("kernel_size").GetInt64();
        return c.GetProperty("cell").GetString() switch
        {
            "peephole_lstm" => new PeepholeLstmCell(I, H, Option("form") == "matrix" ? PeepholeForm.Matrix : PeepholeForm.Diagonal),
            "gru_000_as_printed" => new Gru000AsPrintedCell(I, H),
            "gru_002_as_printed" => new Gru002AsPrintedCell(I, H),
            "gru_003_as_printed" => new Gru003AsPrintedCell(I, H),
            "gru_reset_before" => new GruCell(I, H, resetAfter: false),
            "rnn_sigmoid" => new RnnCell(I, H, RnnActivation.Sigmoid),
            "conv_rnn" => new ConvRnnCell(I, H, K(), Option("activation") == "tanh" ? RnnActivation.Tanh : RnnActivation.Sigmoid),
            "conv_lstm1d" => new ConvLstm1dCell(I, H, K()),
            "conv_lstm2d" => new ConvLstm2dCell(I, H, K(),
                c.GetProperty("peepholes").GetBoolean() ? new MapSize(c.GetProperty("height").GetInt64(), c.GetProperty("width").GetInt64()) : null),
            var other => throw new InvalidOperationException(other),
        };
    }

    [Theory]
    [MemberData(nameof(RecurrentCases))]
    public void Cell_matches_pytorch_reference(string name) => Check(name, kernels: false);

    /// <summary>The kernel cases include hidden sizes 8, 13 and 24 (a full eight-lane chunk, a partial one, three full
    /// ones); each must really run on its kernel (counted), not fall back to the cells.</summary>
    [Theory]
    [MemberData(nameof(KernelCases))]
    public void Cell_with_its_sequence_kernel_matches_pytorch_reference(string name)
    {
        long before = KernelRunsTotal();
        Check(name, kernels: true);
        Assert.True(KernelRunsTotal() > before, $"{name}: no sequence kernel ran");
    }

    /// <summary>The reset-before GRU has no sequence kernel: with kernels allowed it must still step through its own
    /// equations (the GRU kernel computes the reset-after form) and match the reference.</summary>
    [Theory]
    [MemberData(nameof(ResetBeforeGruCases))]
    public void Reset_before_gru_cell_never_runs_the_reset_after_kernel(string name)
    {
        long before = RnnToolkit.Kernels.KernelRuns.Of(nameof(RnnToolkit.Kernels.GruSequenceKernel));
        Check(name, kernels: true);
        Assert.Equal(before, RnnToolkit.Kernels.KernelRuns.Of(nameof(RnnToolkit.Kernels.GruSequenceKernel)));
    }

    static long KernelRunsTotal() =>
        new[] { nameof(RnnToolkit.Kernels.LstmSequenceKernel), nameof(RnnToolkit.Kernels.MatrixPeepholeLstmSequenceKernel), nameof(RnnToolkit.Kernels.Gru000SequenceKernel),
                nameof(RnnToolkit.Kernels.Gru002SequenceKernel), nameof(RnnToolkit.Kernels.Gru003SequenceKernel) }.Sum(RnnToolkit.Kernels.KernelRuns.Of);

    static void Check(string name, bool kernels)
    {
        var c = Golden.Case(File, name);
        using var scope = NewDisposeScope();
        var cell = Build(c);
        Golden.LoadParameters(cell, c.GetProperty("params"));
        var layer = new Recurrent(cell) { UseKernels = kernels };
        var x = c.Tensor("x").requires_grad_();
        var h0 = c.Tensor("h0").requires_grad_();
        var c0 = c.TensorOrNull("c0")?.requires_grad_();
        var r = layer.Run(x, [new RecurrentState(h0, c0)]);

        TensorAssert.Close(c.Tensor("outputs"), r.Output, $"{name} outputs");
        TensorAssert.Close(c.Tensor("h_T"), r.Final[0].H, $"{name} h_T");
        var loss = (r.Output * c.Tensor("r_out")).sum() + (r.Final[0].H * c.Tensor("r_h")).sum();
        if (c0 is not null)
        {
            TensorAssert.Close(c.Tensor("c_T"), r.Final[0].C, $"{name} c_T");
            loss = loss + (r.Final[0].C! * c.Tensor("r_c")).sum();
        }
        loss.backward();
        TensorAssert.Close(c.Tensor("grad_x"), x.grad, $"{name} ∂L/∂x");
        TensorAssert.Close(c.Tensor("grad_h0"), h0.grad, $"{name} ∂L/∂h0");
        if (c0 is not null) TensorAssert.Close(c.Tensor("grad_c0"), c0.grad, $"{name} ∂L/∂c0");
        var grads = c.GetProperty("grad_params");
        foreach (var (pname, p) in cell.named_parameters())
            TensorAssert.Close(grads.Tensor(pname), p.grad, $"{name} ∂L/∂{pname}");
    }

    [Theory]
    [MemberData(nameof(ElmanCases))]
    public void Elman_network_matches_pytorch_reference(string name)
    {
        var c = Golden.Case(File, name);
        using var scope = NewDisposeScope();
        var net = new ElmanNetwork(c.GetProperty("input_size").GetInt64(), c.GetProperty("hidden_size").GetInt64(), c.GetProperty("output_size").GetInt64(),
            inputSkip: c.GetProperty("input_skip").GetBoolean());
        Golden.LoadParameters(net, c.GetProperty("params"));
        var x = c.Tensor("x").requires_grad_();
        TensorAssert.Close(c.Tensor("hidden"), net.rnn.call(x), $"{name} h_t");
        var y = net.call(x);
        TensorAssert.Close(c.Tensor("outputs"), y, $"{name} y_t");
        (y * c.Tensor("r_out")).sum().backward();
        TensorAssert.Close(c.Tensor("grad_x"), x.grad, $"{name} ∂L/∂x");
        var grads = c.GetProperty("grad_params");
        foreach (var (pname, p) in net.named_parameters())
            TensorAssert.Close(grads.Tensor(pname), p.grad, $"{name} ∂L/∂{pname}");
    }
}
