using RnnToolkit.Cells;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RnnToolkit.Tests.Cells;

/// <summary>
/// The cells' argument contracts and initial ranges, written from the survivors of Stryker's first run over
/// Toolkit/Cells (docs/mutation.md): each boundary is refused naming the argument, its neighbour accepted, and the
/// convolution kernels start in PyTorch's U(−1/√fan_in, 1/√fan_in), both signs drawn.
/// </summary>
public class CellContractTests
{
    static void Refused(Action build, string argument)
    {
        var e = Assert.ThrowsAny<ArgumentException>(build);
        Assert.Equal(argument, e.ParamName);
        Assert.False(string.IsNullOrWhiteSpace(e.Message.Replace($"(Parameter '{argument}')", "")));
    }

    [Fact]
    public void Kernel_sizes_must_be_odd_and_positive()
    {
        Refused(() => new ConvLstm1dCell(2, 3, kernelSize: 0), "kernelSize");
        Refused(() => new ConvLstm1dCell(2, 3, kernelSize: 2), "kernelSize");
        Assert.Equal(1, new ConvLstm1dCell(2, 3, kernelSize: 1).KernelSize);
        Refused(() => new ConvLstm2dCell(2, 3, kernelSize: 0), "kernelSize");
        Refused(() => new ConvLstm2dCell(2, 3, kernelSize: 4), "kernelSize");
        Assert.Equal(1, new ConvLstm2dCell(2, 3, kernelSize: 1).KernelSize);
        Refused(() => new ConvRnnCell(2, 3, kernelSize: 0), "kernelSize");
        Refused(() => new ConvRnnCell(2, 3, kernelSize: 2), "kernelSize");
        _ = new ConvRnnCell(2, 3, kernelSize: 1);
    }

    [Fact]
    public void A_peephole_map_must_have_a_positive_height_and_width()
    {
        Refused(() => new ConvLstm2dCell(2, 3, peepholes: new MapSize(0, 4)), "peepholes");
        Refused(() => new ConvLstm2dCell(2, 3, peepholes: new MapSize(4, 0)), "peepholes");
        var cell = new ConvLstm2dCell(2, 3, peepholes: new MapSize(1, 1));
        Assert.Equal([3L, 1, 1], cell.W_ci!.shape);
    }

    [Fact]
    public void A_cell_needs_at_least_one_hidden_unit_and_a_projection_below_it()
    {
        Refused(() => new RnnCell(3, 0), "hiddenSize");
        Assert.Equal(1, new RnnCell(3, 1).HiddenSize);
        Refused(() => new LstmCell(3, 4, projSize: 4), "projSize");
        Refused(() => new LstmCell(3, 4, projSize: -1), "projSize");
        Assert.Equal(3, new LstmCell(3, 4, projSize: 3).ProjSize);
        Assert.Equal(0, new LstmCell(3, 4).ProjSize);
    }

    [Fact]
    public void An_LSTM_cell_from_weights_checks_the_projection_shape()
    {
        // H = 2, P = 1: weight_hh is (4H, P) and weight_hr (P, H).
        var ok = new LstmCell(new Parameter(randn(8, 3)), new Parameter(randn(8, 1)), null, null, new Parameter(randn(1, 2)));
        Assert.Equal(1, ok.ProjSize);
        Assert.Equal(["weight_ih", "weight_hh", "weight_hr"], ok.named_parameters().Select(p => p.name).ToArray());
        var e = Assert.Throws<ArgumentException>(() => new LstmCell(new Parameter(randn(8, 3)), new Parameter(randn(8, 1)), null, null, new Parameter(randn(1, 3))));
        Assert.Contains("weight_hr (P, H)", e.Message);
        Assert.Contains("weight_hr [1, 3]", e.Message);
        e = Assert.Throws<ArgumentException>(() => new LstmCell(new Parameter(randn(8, 3)), new Parameter(randn(8, 3)), null, null));
        Assert.Contains("weight_hh (4H, H)", e.Message);
        Assert.DoesNotContain("weight_hr", e.Message);
    }

    [Fact]
    public void Cells_built_from_weights_register_them()
    {
        var gru = new GruCell(new Parameter(randn(6, 3)), new Parameter(randn(6, 2)), null, null);
        Assert.Equal(2, gru.parameters().Count());
        var lstm = new LstmCell(new Parameter(randn(8, 3)), new Parameter(randn(8, 2)), new Parameter(randn(8)), new Parameter(randn(8)));
        Assert.Equal(4, lstm.parameters().Count());
        Assert.Equal(["weight_ih", "weight_hh", "bias_ih", "bias_hh"], lstm.named_parameters().Select(p => p.name).ToArray());
    }

    static void StartsInFanInRange(Tensor w, long fanIn)
    {
        double bound = 1.0 / Math.Sqrt(fanIn);
        double min = w.min().ToDouble(), max = w.max().ToDouble();
        Assert.True(max <= bound && min >= -bound, $"range [{min}, {max}] outside ±{bound}");
        Assert.True(max > bound / 2 && min < -bound / 2, $"range [{min}, {max}] does not fill ±{bound}");
    }

    [Fact]
    public void Convolution_kernels_start_in_pytorchs_fan_in_range()
    {
        torch.random.manual_seed(3);
        var lstm2d = new ConvLstm2dCell(4, 6, kernelSize: 3);
        StartsInFanInRange(lstm2d.W_x, 4 * 3 * 3);
        StartsInFanInRange(lstm2d.W_h, 6 * 3 * 3);
        var rnn = new ConvRnnCell(4, 6, kernelSize: 5);
        StartsInFanInRange(rnn.W_xh, 4 * 5);
        StartsInFanInRange(rnn.W_hh, 6 * 5);
    }

    [Fact]
    public void An_lstm_cell_from_weights_takes_both_biases_or_neither()
    {
        const long I = 3, H = 5;
        Parameter P(params long[] shape) => new(zeros(shape));
        var both = new LstmCell(P(4 * H, I), P(4 * H, H), P(4 * H), P(4 * H));
        Assert.NotNull(both.bias_ih);
        var neither = new LstmCell(P(4 * H, I), P(4 * H, H), null, null);
        Assert.Null(neither.bias_hh);
        var onlyHidden = Assert.Throws<ArgumentException>(() => new LstmCell(P(4 * H, I), P(4 * H, H), null, P(4 * H)));
        Assert.StartsWith("LstmCell: expected both or neither of bias_ih, bias_hh, each (4H) = (20); got bias_ih [] (none), bias_hh [20].", onlyHidden.Message);
        var onlyInput = Assert.Throws<ArgumentException>(() => new LstmCell(P(4 * H, I), P(4 * H, H), P(4 * H), null));
        Assert.StartsWith("LstmCell: expected both or neither of bias_ih, bias_hh, each (4H) = (20); got bias_ih [20], bias_hh [] (none).", onlyInput.Message);
        var wrongSize = Assert.Throws<ArgumentException>(() => new LstmCell(P(4 * H, I), P(4 * H, H), P(4 * H), P(3 * H)));
        Assert.StartsWith("LstmCell: expected both or neither of bias_ih, bias_hh, each (4H) = (20); got bias_ih [20], bias_hh [15].", wrongSize.Message);
        Assert.Equal("bias_hh", wrongSize.ParamName);
    }

    [Fact]
    public void An_rnn_cell_from_weights_takes_both_biases_or_neither()
    {
        const long I = 3, H = 5;
        Parameter P(params long[] shape) => new(ones(shape));
        Assert.NotNull(new RnnCell(P(H, I), P(H, H), P(H), P(H)).bias_hh);
        Assert.Null(new RnnCell(P(H, I), P(H, H), null, null).bias_ih);
        var onlyInput = Assert.Throws<ArgumentException>(() => new RnnCell(P(H, I), P(H, H), P(H), null));
        Assert.StartsWith("RnnCell: expected both or neither of bias_ih, bias_hh; got bias_ih [5], bias_hh (none).", onlyInput.Message);
        var onlyHidden = Assert.Throws<ArgumentException>(() => new RnnCell(P(H, I), P(H, H), null, P(H)));
        Assert.StartsWith("RnnCell: expected both or neither of bias_ih, bias_hh; got bias_ih (none), bias_hh [5].", onlyHidden.Message);
        Assert.Equal("bias_hh", onlyHidden.ParamName);
    }
}
