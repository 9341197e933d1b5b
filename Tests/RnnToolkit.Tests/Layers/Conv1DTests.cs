using RnnToolkit.Layers;
using RnnToolkit.Tests.Support;

namespace RnnToolkit.Tests.Layers;

public class Conv1DTests
{
    [Theory]
    [InlineData(ConvPadding.Valid, 1, 1, 8)]      // T' = T − k + 1
    [InlineData(ConvPadding.Same, 1, 1, 10)]
    [InlineData(ConvPadding.Causal, 1, 1, 10)]
    [InlineData(ConvPadding.Same, 2, 1, 5)]       // ⌈T / s⌉
    [InlineData(ConvPadding.Causal, 1, 2, 10)]
    [InlineData(ConvPadding.Valid, 1, 2, 6)]      // T − d(k − 1)
    public void Output_lengths_follow_keras(ConvPadding padding, long stride, long dilation, long expected)
    {
        var conv = new Conv1D(2, 4, 3, padding: padding, stride: stride, dilation: dilation);
        Assert.Equal([3L, expected, 4], conv.call(randn(3, 10, 2)).shape);
    }

    [Fact]
    public void Channels_last_matches_pytorch_conv1d_on_channels_first()
    {
        random.manual_seed(3);
        var conv = new Conv1D(2, 4, 3, activation: "relu");
        var x = randn(3, 10, 2);
        var expected = nn.functional.conv1d(x.transpose(1, 2), conv.conv.weight!, conv.conv.bias).relu().transpose(1, 2);
        TensorAssert.Close(expected, conv.call(x), "Conv1D vs conv1d", 1e-6, 1e-6);
    }

    [Fact]
    public void Causal_outputs_never_see_the_future()
    {
        random.manual_seed(4);
        var conv = new Conv1D(1, 3, 4, padding: ConvPadding.Causal, dilation: 2);
        var x = randn(1, 12, 1);
        var y = conv.call(x);
        var changed = x.clone();
        changed[0, 7, 0] = changed[0, 7, 0] + 10;              // perturb step 7
        var y2 = conv.call(changed);
        TensorAssert.Equal(y[.., ..7], y2[.., ..7], "outputs before step 7");
        Assert.False(y[.., 7].allclose(y2[.., 7]));
    }

    [Fact]
    public void Cnn_rnn_of_000_section_4_5_is_one_line_and_trains()
    {
        random.manual_seed(5);
        var model = nn.Sequential(new Conv1D(1, 64, 3, "relu"), new Lstm(64, 50, returnSequences: false), nn.Linear(50, 1));
        var x = rand(32, 10, 1);
        var y = x.sum(1) / 10;
        var optimizer = optim.Adam(model.parameters(), 0.01);
        double first = 0, last = 0;
        for (int step = 0; step < 60; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = nn.functional.mse_loss(model.call(x), y);
            loss.backward();
            optimizer.step();
            last = loss.item<float>();
            if (step == 0) first = last;
        }
        Assert.Equal([32L, 1], model.call(x).shape);
        Assert.True(last < first / 5, $"loss {first} → {last}");
    }
}
