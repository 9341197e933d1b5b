using RnnToolkit.Cells;
using RnnToolkit.Layers;
using RnnToolkit.Tests.Support;
using TorchSharp.Modules;

namespace RnnToolkit.Tests.Cells;

/// <summary>
/// Written from the survivors of the Cells re-run with <see cref="CellContractTests"/> (docs/mutation.md, Cells): the
/// messages quoted word for word (an out-of-range message also carries "Actual value was …", so a test that only asks
/// for a non-empty message passes with the text gone), the from-weights checks for shapes of the wrong rank or rows,
/// bias-free cells' parameters and step (values by hand), the sigmoid RNN through the unroller, and the zero state.
/// </summary>
public class CellMessageContractTests
{
    static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));

    static Parameter P(float[] values, params long[] shape) => new(tensor(values).reshape(shape));

    static string Without(ArgumentException e) => e.Message.Replace($" (Parameter '{e.ParamName}')", "");

    [Fact]
    public void Out_of_range_sizes_are_refused_with_what_was_expected_and_the_value_given()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new ConvLstm1dCell(2, 3, kernelSize: 2));
        Assert.StartsWith("Expected an odd kernel width ≥ 1 (so 'same' padding keeps the map's length).", e.Message);
        Assert.Equal(2L, e.ActualValue);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => new RnnCell(3, 0));
        Assert.StartsWith("Expected hiddenSize > 0.", e.Message);
        Assert.Equal(0L, e.ActualValue);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => new LstmCell(3, 4, projSize: 4));
        Assert.StartsWith("Expected projSize in [0, hiddenSize = 4) (0: no projection).", e.Message);
        Assert.Equal(4L, e.ActualValue);
    }

    [Fact]
    public void A_peephole_ConvLSTM_refuses_frames_that_differ_from_its_map_in_one_side_only()
    {
        var cell = new ConvLstm2dCell(2, 3, 3, new MapSize(4, 5));
        var e = Assert.Throws<ArgumentException>(() => cell.ZeroState(zeros(2, 2, 4, 6)));
        Assert.Equal("ConvLstm2dCell: expected frames of 4×5 (the map its peephole weights cover); got 4×6 (input [2, 2, 4, 6]).", Without(e));
        e = Assert.Throws<ArgumentException>(() => cell.ZeroState(zeros(2, 2, 3, 5)));
        Assert.Equal("ConvLstm2dCell: expected frames of 4×5 (the map its peephole weights cover); got 3×5 (input [2, 2, 3, 5]).", Without(e));
        Assert.Equal([2L, 3, 4, 5], cell.ZeroState(zeros(2, 2, 4, 5)).H.shape);
    }

    [Fact]
    public void A_GRU_cell_from_weights_refuses_wrong_rows_and_ranks_and_lists_every_shape()
    {
        var e = Assert.Throws<ArgumentException>(() => new GruCell(new Parameter(zeros(12, 4)), new Parameter(zeros(18, 6)), null, null));
        Assert.Equal("GruCell: expected weight_ih (3H, I), weight_hh (3H, H) and both or neither of bias_ih, bias_hh (3H), with H = weight_hh's columns = 6; got weight_ih [12, 4], weight_hh [18, 6], bias_ih [], bias_hh [].", Without(e));
        Assert.Equal("weight_hh", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => new GruCell(new Parameter(zeros(18, 4)), new Parameter(zeros(18, 6)), new Parameter(zeros(18)), new Parameter(zeros(12))));
        Assert.Equal("GruCell: expected weight_ih (3H, I), weight_hh (3H, H) and both or neither of bias_ih, bias_hh (3H), with H = weight_hh's columns = 6; got weight_ih [18, 4], weight_hh [18, 6], bias_ih [18], bias_hh [12].", Without(e));
        // A weight of rank 1 is reported as such, not read past its one dimension.
        e = Assert.Throws<ArgumentException>(() => new GruCell(new Parameter(zeros(18)), new Parameter(zeros(18, 6)), null, null));
        Assert.Contains("got weight_ih [18], weight_hh [18, 6]", e.Message);
        e = Assert.Throws<ArgumentException>(() => new GruCell(new Parameter(zeros(18, 4)), new Parameter(zeros(18)), null, null));
        Assert.Contains("got weight_ih [18, 4], weight_hh [18]", e.Message);
    }

    [Fact]
    public void An_LSTM_cell_from_weights_refuses_rows_that_are_not_four_gates_and_names_h_or_p()
    {
        var e = Assert.Throws<ArgumentException>(() => new LstmCell(new Parameter(zeros(7, 3)), new Parameter(zeros(4, 1)), null, null));
        Assert.Equal("LstmCell: expected weight_ih (4H, I), weight_hh (4H, H) with H = 1; got weight_ih [7, 3], weight_hh [4, 1].", Without(e));
        e = Assert.Throws<ArgumentException>(() => new LstmCell(new Parameter(zeros(8, 3)), new Parameter(zeros(8, 3)), null, null));
        Assert.Equal("LstmCell: expected weight_ih (4H, I), weight_hh (4H, H) with H = 2; got weight_ih [8, 3], weight_hh [8, 3].", Without(e));
        e = Assert.Throws<ArgumentException>(() => new LstmCell(new Parameter(zeros(8, 3)), new Parameter(zeros(8, 1)), null, null, new Parameter(zeros(1, 3))));
        Assert.Equal("LstmCell: expected weight_ih (4H, I), weight_hh (4H, P) and weight_hr (P, H) with H = 2; got weight_ih [8, 3], weight_hh [8, 1], weight_hr [1, 3].", Without(e));
        Assert.Equal("weight_hh", e.ParamName);
    }

    [Fact]
    public void Cells_built_without_bias_have_only_their_weights()
    {
        var gru = new GruCell(3, 4, bias: false);
        Assert.Equal(["weight_ih", "weight_hh"], gru.named_parameters().Select(p => p.name).ToArray());
        Assert.Null(gru.bias_ih);
        var lstm = new LstmCell(3, 4, bias: false);
        Assert.Equal(["weight_ih", "weight_hh"], lstm.named_parameters().Select(p => p.name).ToArray());
        Assert.Null(lstm.bias_hh);
        Assert.Equal(3 * 4 * (3 + 4), ParameterCounts.PyTorch(gru));   // 3H(I + H), no 2 · 3H of biases
    }

    [Fact]
    public void A_bias_free_LSTM_cell_steps_as_computed_by_hand()
    {
        // I = H = 1, gates i, f, g, o in PyTorch's order.
        float[] wi = [0.5f, -0.3f, 0.8f, 0.2f], wh = [0.1f, 0.4f, -0.6f, 0.7f];
        var cell = new LstmCell(P(wi, 4, 1), P(wh, 4, 1), null, null);
        double x = 0.5, h0 = 0.2, c0 = 0.3;
        double i = Sigmoid(wi[0] * x + wh[0] * h0), f = Sigmoid(wi[1] * x + wh[1] * h0);
        double g = Math.Tanh(wi[2] * x + wh[2] * h0), o = Sigmoid(wi[3] * x + wh[3] * h0);
        double c1 = f * c0 + i * g, h1 = o * Math.Tanh(c1);
        var next = cell.call(tensor(new[] { (float)x }).reshape(1, 1), new RecurrentState(tensor(new[] { (float)h0 }).reshape(1, 1), tensor(new[] { (float)c0 }).reshape(1, 1)));
        TensorAssert.Close(tensor(new[] { h1 }).reshape(1, 1), next.H, "h_1", 1e-6, 1e-6);
        TensorAssert.Close(tensor(new[] { c1 }).reshape(1, 1), next.C, "c_1", 1e-6, 1e-6);
    }

    [Fact]
    public void A_sigmoid_RNN_with_biases_is_unrolled_with_the_sigmoid()
    {
        // h_t = σ(w x_t + b_ih + u h_{t-1} + b_hh), h_0 = 0; float32 and unmasked, the case the tanh/ReLU kernel takes for its own cells.
        var cell = new RnnCell(P([0.7f], 1, 1), P([-0.4f], 1, 1), P([0.1f], 1), P([0.05f], 1), RnnActivation.Sigmoid);
        double h1 = Sigmoid(0.7 * 1.0 + 0.15), h2 = Sigmoid(0.7 * -2.0 - 0.4 * h1 + 0.15);
        var output = new Recurrent(cell).call(tensor(new[] { 1f, -2f }).reshape(1, 2, 1));
        TensorAssert.Close(tensor(new[] { h1, h2 }).reshape(1, 2, 1), output, "σ RNN", 1e-6, 1e-6);
    }

    [Fact]
    public void A_zero_state_has_a_memory_cell_only_for_cells_that_have_one()
    {
        var x = zeros(2, 3);
        Assert.Null(new GruCell(3, 4).ZeroState(x).C);
        Assert.Single(new RnnCell(3, 4).ZeroState(x).Tensors);
        var projected = new LstmCell(3, 4, projSize: 2).ZeroState(x);
        Assert.Equal([2L, 2], projected.H.shape);
        Assert.Equal([2L, 4], projected.C!.shape);
        Assert.Equal(0, projected.C.abs().sum().item<float>());
    }

    [Fact]
    public void Zipping_a_state_that_has_a_memory_cell_with_one_that_has_none_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => new RecurrentState(zeros(1, 2), zeros(1, 2)).Zip(new RecurrentState(zeros(1, 2)), (a, b) => a + b));
        Assert.Equal("Expected both states to carry a memory cell c; the other state has none.", e.Message);
    }

    [Fact]
    public void Shape_messages_number_the_dimensions_of_steps_beyond_images()
    {
        Assert.Equal(["D1", "D2", "D3"], RecurrentCell.MapDimensions(4));
        Assert.Equal(["D1", "D2", "D3", "D4"], RecurrentCell.MapDimensions(5));
        Assert.Equal(["H", "W"], RecurrentCell.MapDimensions(3));
    }
}
