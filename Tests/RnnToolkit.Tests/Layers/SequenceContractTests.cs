using RnnToolkit.Cells;
using RnnToolkit.Layers;
using RnnToolkit.Tests.Support;
using TorchSharp.Modules;

namespace RnnToolkit.Tests.Layers;

/// <summary>
/// Written from the survivors of Stryker's run over the rest of Toolkit/Layers (docs/mutation.md, Layers): the
/// unroller, wrappers, masks, pooling, Conv1D and TimeDistributed — their messages word for word, each boundary and its
/// neighbour, what the results hold (steps, c_n) and release (carried states), and Conv1D's activations by hand.
/// </summary>
public class SequenceContractTests
{
    static string Without(ArgumentException e) => e.Message.Replace($" (Parameter '{e.ParamName}')", "");

    [Fact]
    public void Input_messages_give_the_layout_the_layer_reads_and_the_shape_given()
    {
        var e = Assert.Throws<ArgumentException>(() => new RnnToolkit.Layers.Lstm(4, 6).Run(zeros(2, 5)));
        Assert.Equal("Lstm: expected input of shape (B, T, 4) (batch-first); got [2, 5].", Without(e));
        e = Assert.Throws<ArgumentException>(() => new Rnn(4, 6, batchFirst: false).Run(zeros(2, 5)));
        Assert.Equal("Rnn: expected input of shape (T, B, 4) (time-first); got [2, 5].", Without(e));
        e = Assert.Throws<ArgumentException>(() => new RnnToolkit.Layers.Lstm(4, 6).Run(zeros(2, 0, 4)));
        Assert.Equal("Lstm: expected at least one sequence of at least one step; got shape [2, 0, 4] (B = 2, T = 0).", Without(e));
        // A mask of the right rank and length but another batch.
        e = Assert.Throws<ArgumentException>(() => new Recurrent(new GruCell(4, 6)).Run(zeros(2, 5, 4), mask: ones(3, 5, dtype: ScalarType.Bool)));
        Assert.Equal("Recurrent: expected a mask of shape (2, 5) (batch, time) and dtype Bool; got [3, 5] of Bool.", Without(e));
        // Lengths for an input of rank 1 are refused as an argument, not read past its one dimension.
        Assert.Throws<ArgumentException>(() => new Recurrent(new GruCell(4, 6)).RunWithLengths(zeros(5), tensor(new long[] { 5 })));
    }

    [Fact]
    public void Bidirectional_needs_two_layers_of_one_layout_that_are_not_stateful_and_says_which_is()
    {
        var e = Assert.Throws<ArgumentException>(() => new Bidirectional(new Recurrent(new RnnCell(4, 6)), new Recurrent(new RnnCell(4, 6), batchFirst: false)));
        Assert.Equal("Bidirectional: expected two layers of the same layout and sizes; got forward (batchFirst True, 4 → 6) and backward (batchFirst False, 4 → 6).", Without(e));
        e = Assert.Throws<ArgumentException>(() => new Bidirectional(new Recurrent(new RnnCell(4, 6), stateful: true), new Recurrent(new RnnCell(4, 6))));
        Assert.StartsWith("Bidirectional: expected layers that are not stateful; got a stateful forward layer.", e.Message);
        Assert.Equal("forward", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => new Bidirectional(new Recurrent(new RnnCell(4, 6)), new Recurrent(new RnnCell(4, 6), stateful: true)));
        Assert.StartsWith("Bidirectional: expected layers that are not stateful; got a stateful backward layer.", e.Message);
        Assert.Equal("backward", e.ParamName);
    }

    [Fact]
    public void A_merged_bidirectional_layer_outputs_one_directions_width_and_wrappers_are_not_stateful()
    {
        var sum = new Bidirectional(() => new Recurrent(new GruCell(3, 4)), MergeMode.Sum);
        Assert.Equal(4, sum.OutputSize);
        Assert.Equal(8, new Bidirectional(() => new Recurrent(new GruCell(3, 4))).OutputSize);
        var stacked = new Stacked([sum, new Recurrent(new GruCell(4, 5))]);
        Assert.Equal([2L, 6, 5], stacked.call(randn(2, 6, 3)).shape);
        Assert.False(sum.Stateful);
        Assert.False(stacked.Stateful);
        Assert.Null(stacked.States);
    }

    [Fact]
    public void A_bidirectional_layer_of_an_LSTM_and_a_GRU_has_no_c_n()
    {
        var mixed = new Bidirectional(new Recurrent(new LstmCell(3, 4)), new Recurrent(new GruCell(3, 4)));
        var result = mixed.Run(randn(2, 5, 3));
        Assert.NotNull(result.Final[0].C);
        Assert.Null(result.CN);
        Assert.Null(new Recurrent(new GruCell(3, 4)).Run(randn(2, 5, 3)).CN);
        Assert.Equal([1L, 2, 4], new Recurrent(new LstmCell(3, 4)).Run(randn(2, 5, 3)).CN!.shape);
    }

    [Fact]
    public void Stacked_checks_its_dropout_and_layers_and_follows_their_layout()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Stacked([new Recurrent(new RnnCell(4, 6))], dropout: 1));
        Assert.StartsWith("Expected a dropout probability in [0, 1).", e.Message);
        Assert.Equal(1.0, e.ActualValue);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => new Stacked([new Recurrent(new RnnCell(4, 6))], dropout: -0.1));
        Assert.Equal(-0.1, e.ActualValue);
        Assert.Equal(0.99, new Stacked([new Recurrent(new RnnCell(4, 6))], dropout: 0.99).Dropout);
        var wrong = Assert.Throws<ArgumentException>(() => new Stacked([new Recurrent(new RnnCell(4, 6)), new Recurrent(new RnnCell(5, 6))]));
        Assert.Equal("Stacked: layer 1 expects 5 input features (batchFirst True) but layer 0 outputs 6 (batchFirst True).", Without(wrong));
        var timeFirst = new Stacked([new Recurrent(new RnnCell(4, 6), batchFirst: false), new Recurrent(new RnnCell(6, 3), batchFirst: false)]);
        Assert.False(timeFirst.BatchFirst);
        Assert.Equal([7L, 2, 3], timeFirst.call(randn(7, 2, 4)).shape);
    }

    [Fact]
    public void Stacked_drops_nothing_before_its_first_layer()
    {
        // One layer: dropout applies between layers only, so in train mode the output equals eval mode's.
        random.manual_seed(12);
        var stacked = new Stacked([new Recurrent(new GruCell(3, 4))], dropout: 0.5);
        var x = randn(2, 6, 3);
        stacked.train();
        var trained = stacked.call(x);
        stacked.eval();
        TensorAssert.Equal(stacked.call(x), trained, "train vs eval, one layer");
    }

    [Fact]
    public void Keeping_steps_returns_every_h_t_and_only_when_asked()
    {
        var mask = Masks.FromLengths(tensor(new long[] { 4, 2 }), 2, 4);
        var layer = new Recurrent(new GruCell(3, 4)) { KeepSteps = true };
        var x = randn(2, 4, 3);
        var result = layer.Run(x);
        Assert.Equal(4, result.Steps!.Count);
        for (int t = 0; t < 4; t++)
            TensorAssert.Equal(result.Output[.., t], result.Steps[t], $"h_{t}");
        layer.KeepSteps = false;
        Assert.Null(layer.Run(x, mask: mask).Steps);
    }

    [Fact]
    public void Recurrent_dropout_out_of_range_is_refused_with_what_was_expected()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Recurrent(new GruCell(3, 4), recurrentDropout: 1));
        Assert.StartsWith("Recurrent: expected recurrentDropout in [0, 1).", e.Message);
        Assert.Equal(1.0, e.ActualValue);
    }

    [Fact]
    public void A_stateful_layer_uses_an_initial_state_given_over_the_one_it_carries()
    {
        random.manual_seed(13);
        var layer = new Gru(3, 4, stateful: true);
        var x = randn(2, 5, 3);
        using var noGrad = no_grad();
        var first = layer.call(x);
        var carried = layer.States![0].H;
        var again = layer.Run(x, [new RecurrentState(zeros(2, 4))]).Output;
        TensorAssert.Equal(first, again, "from zeros given, as the first call from zeros");
        Assert.True(carried.IsInvalid, "the carried states of the previous call are released");
        var e = Assert.Throws<ArgumentException>(() => layer.Run(randn(3, 5, 3)));
        Assert.Equal("x", e.ParamName);
        Assert.Equal(3, layer.Run(randn(3, 5, 3), [new RecurrentState(zeros(3, 4))]).Output.shape[0]);
        var h = layer.States![0].H;
        layer.ResetStates();
        Assert.True(h.IsInvalid);
        Assert.Null(layer.States);
    }

    [Fact]
    public void Setting_return_state_again_keeps_the_last_calls_states()
    {
        var layer = new Gru(3, 4, returnState: true);
        layer.call(randn(2, 5, 3));
        layer.ReturnState = true;
        Assert.Single(layer.FinalState);
    }

    [Fact]
    public void Mask_helpers_accept_length_zero_and_quote_what_they_expected()
    {
        TensorAssert.Equal(tensor(new[] { false, false, false, true, true, false }).reshape(2, 3), Masks.FromLengths(tensor(new long[] { 0, 2 }), 2, 3), "lengths 0 and 2");
        var e = Assert.Throws<ArgumentException>(() => Masks.FromLengths(zeros(2, 2, dtype: ScalarType.Int64), 2, 3));
        Assert.Equal("Expected lengths of shape (2), one per sequence; got [2, 2].", Without(e));
        e = Assert.Throws<ArgumentException>(() => Masks.FromTokens(zeros(2, 2, 2, dtype: ScalarType.Int64)));
        Assert.Equal("Expected token ids of shape (B, T) (batch, time); got [2, 2, 2].", Without(e));
        e = Assert.Throws<ArgumentException>(() => Masks.FromTokens(zeros(2, 2)));
        Assert.Equal("Expected integer token ids; got dtype Float32.", Without(e));
        e = Assert.Throws<ArgumentException>(() => Masks.FromValue(zeros(2, 3)));
        Assert.Equal("Expected input of shape (B, T, F) (batch, time, features); got [2, 3].", Without(e));
        e = Assert.Throws<ArgumentException>(() => new Masking().ComputeMask(zeros(2, 3)));
        Assert.Equal("Masking: expected input of shape (B, T, F) (batch, time, features); got [2, 3].", Without(e));
        e = Assert.Throws<ArgumentException>(() => new Masking().call(zeros(2, 3)));
        Assert.Equal("Masking: expected input of shape (B, T, F) (batch, time, features); got [2, 3].", Without(e));
    }

    [Fact]
    public void Pooling_refuses_a_mask_of_another_batch_and_quotes_the_input_shape()
    {
        var e = Assert.Throws<ArgumentException>(() => new GlobalAveragePooling1D().forward(randn(2, 3, 4), ones(3, 3, dtype: ScalarType.Bool)));
        Assert.Equal("GlobalAveragePooling1D: expected a mask of shape (2, 3) (batch, time) and dtype Bool; got [3, 3] of Bool.", Without(e));
        e = Assert.Throws<ArgumentException>(() => new GlobalMaxPooling1D().call(randn(2, 3)));
        Assert.Equal("GlobalMaxPooling1D: expected input of shape (B, T, F) (channels last) with T ≥ 1; got [2, 3].", Without(e));
    }

    [Fact]
    public void Keras_counts_refuse_a_projected_LSTM_naming_its_projection()
    {
        var e = Assert.Throws<ArgumentException>(() => ParameterCounts.Keras(new RnnToolkit.Layers.Lstm(4, 6, projSize: 3)));
        Assert.Equal("ParameterCounts.Keras: Keras's LSTM has no projection; this layer has projSize = 3 (use ParameterCounts.PyTorch).", Without(e));
    }

    [Fact]
    public void Conv1D_refuses_each_size_below_one_and_accepts_one()
    {
        var sizes = new (long InputChannels, long Filters, long KernelSize, long Stride, long Dilation)[] { (0, 8, 3, 1, 1), (2, 0, 3, 1, 1), (2, 8, 0, 1, 1), (2, 8, 3, 0, 1), (2, 8, 3, 1, 0) };
        foreach (var (c, f, k, s, d) in sizes)
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Conv1D(c, f, k, stride: s, dilation: d));
            Assert.StartsWith($"Conv1D: expected positive sizes; got inputChannels {c}, filters {f}, kernelSize {k}, stride {s}, dilation {d}.", e.Message);
        }
        Assert.Equal([1L, 3, 1], new Conv1D(1, 1, 1).call(randn(1, 3, 1)).shape);
    }

    [Fact]
    public void Conv1D_valid_padding_fits_one_window_exactly()
    {
        // k = 3, dilation 2: a window spans 5 steps; 5 steps give one output, 4 are refused.
        var conv = new Conv1D(1, 2, 3, dilation: 2);
        Assert.Equal([1L, 1, 2], conv.call(randn(1, 5, 1)).shape);
        var e = Assert.Throws<ArgumentException>(() => conv.call(randn(1, 4, 1)));
        Assert.Equal("Conv1D: expected at least 5 steps for a kernel of 3 (dilation 2) with 'valid' padding; got 4.", Without(e));
    }

    [Theory]
    [InlineData("tanh", -0.9051482536448664, 0.46211715726000974, 0.9640275800758169)]
    [InlineData("sigmoid", 0.18242552380635635, 0.6224593312018546, 0.8807970779778823)]
    [InlineData("gelu", -0.10021080190328713, 0.34573123063700656, 1.9544997361036416)]
    [InlineData("linear", -1.5, 0.5, 2.0)]
    public void Conv1D_applies_its_activation(string activation, double a, double b, double c)
    {
        // One input channel, one filter, k = 1, w = 1, b = 0: y_t = act(x_t); values from Python's math (gelu: x Φ(x)).
        var conv = new Conv1D(1, 1, 1, activation);
        using (no_grad())
        {
            conv.conv.weight!.fill_(1);
            conv.conv.bias!.fill_(0);
        }
        var y = conv.call(tensor(new[] { -1.5f, 0.5f, 2f }).reshape(1, 3, 1));
        TensorAssert.Close(tensor(new[] { a, b, c }).reshape(1, 3, 1), y, activation, 1e-6, 1e-6);
    }

    [Fact]
    public void Time_distributed_accepts_one_value_per_step_and_refuses_another_row_count()
    {
        // Linear(4 → 1) with w = 1, b = 0 then flattened: one number per step, the sum of its features.
        var linear = nn.Linear(4, 1);
        using (no_grad())
        {
            linear.weight!.fill_(1);
            linear.bias!.fill_(0);
        }
        var x = randn(2, 3, 4);
        var y = new TimeDistributed(nn.Sequential(linear, nn.Flatten(0))).call(x);
        TensorAssert.Close(x.sum(2), y, "per-step sums", 1e-6, 1e-6);
        var e = Assert.Throws<InvalidOperationException>(() => new TimeDistributed(nn.Flatten(0)).call(x));
        Assert.Equal("TimeDistributed: the wrapped Flatten returned shape [24] for a batch of 6 (B·T); expected 6 rows.", e.Message);
        e = Assert.Throws<InvalidOperationException>(() => new TimeDistributed(nn.Flatten(0, 1)).call(randn(2, 3, 4, 5)));
        Assert.Equal("TimeDistributed: the wrapped Flatten returned shape [24, 5] for a batch of 6 (B·T); expected 6 rows.", e.Message);
    }
}
