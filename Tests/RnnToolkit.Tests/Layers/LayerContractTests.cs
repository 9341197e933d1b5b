using RnnToolkit.Cells;
using RnnToolkit.Layers;
using RnnToolkit.Tests.Support;

namespace RnnToolkit.Tests.Layers;

/// <summary>
/// Written from the survivors of Stryker's run over Toolkit/Layers (docs/mutation.md, Layers): the standard layers'
/// option checks, each boundary refused with the layer, what was expected and the value given, its neighbour accepted;
/// the initial-state messages word for word; the checks that must hold on the fused path too (state count, a
/// zero-length sequence, eval mode's dropout); the projected LSTM's initial range.
/// </summary>
public class LayerContractTests
{
    static StandardRecurrent Make(string kind, long inputSize = 3, long hiddenSize = 4, long numLayers = 1, double dropout = 0, double recurrentDropout = 0, long projSize = 0) => kind switch
    {
        "Lstm" => new RnnToolkit.Layers.Lstm(inputSize, hiddenSize, numLayers, dropout: dropout, recurrentDropout: recurrentDropout, projSize: projSize),
        "Gru" => new Gru(inputSize, hiddenSize, numLayers, dropout: dropout, recurrentDropout: recurrentDropout),
        _ => new Rnn(inputSize, hiddenSize, numLayers, dropout: dropout, recurrentDropout: recurrentDropout),
    };

    static void Refused(Func<StandardRecurrent> build, string expected, object given)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => build());
        Assert.StartsWith(expected, e.Message);
        Assert.Equal(given, e.ActualValue);
    }

    [Theory]
    [InlineData("Lstm")]
    [InlineData("Gru")]
    [InlineData("Rnn")]
    public void A_standard_layer_refuses_each_option_out_of_range_naming_itself_what_it_expected_and_the_value(string kind)
    {
        Refused(() => Make(kind, inputSize: 0), $"{kind}: expected inputSize > 0.", 0L);
        Refused(() => Make(kind, hiddenSize: 0), $"{kind}: expected hiddenSize > 0.", 0L);
        Refused(() => Make(kind, numLayers: 0), $"{kind}: expected numLayers ≥ 1.", 0L);
        Refused(() => Make(kind, recurrentDropout: -0.1), $"{kind}: expected recurrentDropout in [0, 1).", -0.1);
        Refused(() => Make(kind, recurrentDropout: 1), $"{kind}: expected recurrentDropout in [0, 1).", 1.0);
        Refused(() => Make(kind, dropout: -0.1), $"{kind}: expected dropout in [0, 1).", -0.1);
        Refused(() => Make(kind, dropout: 1), $"{kind}: expected dropout in [0, 1).", 1.0);
        // The neighbours of each boundary are accepted.
        Assert.Equal(1, Make(kind, inputSize: 1).InputSize);
        Assert.Equal(1, Make(kind, hiddenSize: 1).HiddenSize);
        Assert.Equal(1, Make(kind, numLayers: 1).NumLayers);
        Assert.Equal(0.0, Make(kind, recurrentDropout: 0).RecurrentDropout);
        Assert.Equal(0.99, Make(kind, recurrentDropout: 0.99).RecurrentDropout);
        Assert.Equal(0.0, Make(kind, numLayers: 2, dropout: 0).Dropout);
        Assert.Equal(0.99, Make(kind, numLayers: 2, dropout: 0.99).Dropout);
    }

    [Fact]
    public void An_LSTM_projection_must_be_below_the_hidden_size_and_not_negative()
    {
        Refused(() => Make("Lstm", projSize: 4), "Lstm: expected projSize in [0, hiddenSize = 4) (0: no projection), as PyTorch requires.", 4L);
        Refused(() => Make("Lstm", projSize: -1), "Lstm: expected projSize in [0, hiddenSize = 4) (0: no projection), as PyTorch requires.", -1L);
        Assert.Equal(3, Make("Lstm", projSize: 3).ProjSize);
        Assert.Equal(0, Make("Lstm", projSize: 0).ProjSize);
    }

    static string Without(ArgumentException e) => e.Message.Replace($" (Parameter '{e.ParamName}')", "");

    [Fact]
    public void A_wrong_initial_state_is_refused_with_the_shapes_expected_and_given()
    {
        var x = zeros(2, 5, 4);
        var e = Assert.Throws<ArgumentException>(() => new RnnToolkit.Layers.Lstm(4, 6).Run(x, [new RecurrentState(zeros(2, 6))]));
        Assert.Equal("Lstm: expected each initial state's h and c, h of shape (2, 6) and c of shape (2, 6); got h [2, 6], c [].", Without(e));
        Assert.Equal("initialState", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => new RnnToolkit.Layers.Lstm(4, 6).Run(x, [new RecurrentState(zeros(2, 6), zeros(2, 5))]));
        Assert.Equal("Lstm: expected each initial state's h and c, h of shape (2, 6) and c of shape (2, 6); got h [2, 6], c [2, 5].", Without(e));
        e = Assert.Throws<ArgumentException>(() => new RnnToolkit.Layers.Lstm(4, 6, projSize: 3).Run(x, [new RecurrentState(zeros(2, 6), zeros(2, 6))]));
        Assert.Equal("Lstm: expected each initial state's h and c, h of shape (2, 3) and c of shape (2, 6); got h [2, 6], c [2, 6].", Without(e));
        e = Assert.Throws<ArgumentException>(() => new Gru(4, 6).Run(x, [new RecurrentState(zeros(2, 5))]));
        Assert.Equal("Gru: expected each initial state's h of shape (2, 6); got h [2, 5].", Without(e));
    }

    [Fact]
    public void Too_many_initial_states_are_refused_on_the_fused_path_too()
    {
        // Without autograd, Auto runs libtorch's fused module: the count is checked before, not left to libtorch.
        var layer = new RnnToolkit.Layers.Lstm(4, 6);
        var states = Enumerable.Repeat(new RecurrentState(zeros(2, 6), zeros(2, 6)), 2).ToList();
        using var noGrad = no_grad();
        Assert.Equal(RecurrentBackend.Fused, layer.ResolveBackend(null));
        var e = Assert.Throws<ArgumentException>(() => layer.Run(zeros(2, 5, 4), states));
        Assert.Equal("Lstm: expected 1 initial state(s) (layers × directions); got 2.", Without(e));
    }

    [Fact]
    public void A_sequence_of_length_zero_runs_on_the_cells_and_keeps_its_initial_state()
    {
        // Prefix mask, but one length is 0: packed sequences cannot hold it, so Auto takes the cells.
        random.manual_seed(7);
        var layer = new Gru(3, 4);
        var mask = Masks.FromLengths(tensor(new long[] { 3, 0 }), 2, 3);
        Assert.Equal(RecurrentBackend.Cells, layer.ResolveBackend(mask));
        var h0 = randn(2, 4);
        using var noGrad = no_grad();
        var result = layer.Run(randn(2, 3, 3), [new RecurrentState(h0)], mask);
        TensorAssert.Equal(zeros(3, 4), result.Output[1], "outputs of the empty sequence");
        TensorAssert.Equal(h0[1], result.Final[0].H[1], "final state of the empty sequence");
    }

    [Fact]
    public void In_eval_mode_the_fused_path_drops_nothing_between_layers()
    {
        random.manual_seed(8);
        var layer = new RnnToolkit.Layers.Lstm(3, 8, numLayers: 2, dropout: 0.5);
        layer.eval();
        var x = randn(4, 6, 3);
        using var noGrad = no_grad();
        Assert.Equal(RecurrentBackend.Fused, layer.ResolveBackend(null));
        var first = layer.call(x);
        var second = layer.call(x);
        TensorAssert.Equal(first, second, "two eval calls");
        layer.Backend = RecurrentBackend.Cells;
        TensorAssert.Close(layer.call(x), first, "fused vs the cells in eval mode", 1e-5, 1e-5);
    }

    [Fact]
    public void A_projected_LSTM_starts_in_pytorchs_range_drawn_on_both_sides()
    {
        // H = 16: U(−1/4, 1/4), as nn.LSTM(proj_size = 4) draws every weight and bias.
        random.manual_seed(9);
        var values = cat(new RnnToolkit.Layers.Lstm(3, 16, numLayers: 2, projSize: 4).parameters().Select(p => p.detach().flatten()).ToArray());
        Assert.True(values.abs().max().item<float>() <= 0.25f);
        Assert.True(values.max().item<float>() > 0.2f && values.min().item<float>() < -0.2f, "both signs, up to the bound");
    }

    [Fact]
    public void A_projected_LSTM_never_asks_oneDNN_and_an_RNN_keeps_its_activation()
    {
        Assert.False(new RnnToolkit.Layers.Lstm(4, 6, projSize: 3).OneDnnAgrees());
        Assert.Equal(RnnActivation.Relu, new Rnn(3, 4, activation: RnnActivation.Relu).Activation);
        Assert.Equal(RnnActivation.Tanh, new Rnn(3, 4).Activation);
    }
}
