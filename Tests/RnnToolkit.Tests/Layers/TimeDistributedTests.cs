using RnnToolkit.Layers;
using RnnToolkit.Tests.Support;

namespace RnnToolkit.Tests.Layers;

public class TimeDistributedTests
{
    [Fact]
    public void Equals_the_module_applied_step_by_step()
    {
        random.manual_seed(11);
        var dense = nn.Linear(4, 3);
        var td = new TimeDistributed(dense);
        var x = randn(2, 5, 4);
        var expected = stack(Enumerable.Range(0, 5).Select(t => dense.call(x[.., t])).ToArray(), 1);   // per-step loop
        var y = td.call(x);
        Assert.Equal([2L, 5, 3], y.shape);
        TensorAssert.Close(expected, y, "TimeDistributed vs loop", 1e-6, 1e-6);
    }

    [Fact]
    public void Keeps_extra_dimensions_of_each_step()
    {
        random.manual_seed(12);
        var conv = new Conv1D(2, 6, 3);                       // each step is itself a (L, C) sequence
        var x = randn(3, 4, 7, 2);                            // (B, T, L, C)
        var y = new TimeDistributed(conv).call(x);
        Assert.Equal([3L, 4, 5, 6], y.shape);
        TensorAssert.Close(conv.call(x[1, 2].unsqueeze(0))[0], y[1, 2], "step (1, 2)", 1e-6, 1e-6);
    }

    /// <summary>Image sequences (B, T, C, H, W): a CNN per frame, as in a CNN-RNN on video (000 §2.5).</summary>
    [Fact]
    public void Runs_a_2d_cnn_on_every_frame()
    {
        random.manual_seed(13);
        var cnn = nn.Sequential(nn.Conv2d(3, 4, 3, padding: 1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten());
        var td = new TimeDistributed(cnn);
        var x = randn(new long[] { 2, 5, 3, 6, 8 });                          // (B, T, C, H, W)
        var y = td.call(x);
        Assert.Equal([2L, 5, 4 * 3 * 4], y.shape);
        var expected = stack(Enumerable.Range(0, 5).Select(t => cnn.call(x[.., t])).ToArray(), 1);   // frame by frame
        TensorAssert.Close(expected, y, "TimeDistributed(CNN) vs frame loop", 1e-6, 1e-6);

        // A frame's features depend on that frame only: changing frame 3 leaves the other steps' outputs alone.
        var changed = x.clone();
        changed[.., 3] = randn(2, 3, 6, 8);
        var y2 = td.call(changed);
        TensorAssert.Close(y.index_select(1, tensor(new long[] { 0, 1, 2, 4 })), y2.index_select(1, tensor(new long[] { 0, 1, 2, 4 })), "untouched frames", 0, 0);
        Assert.True((y[.., 3] - y2[.., 3]).abs().max().ToDouble() > 1e-3);
    }

    [Fact]
    public void Runs_a_conv2d_on_channels_last_frames_and_keeps_map_dimensions()
    {
        random.manual_seed(14);
        var conv = nn.Conv2d(2, 3, 3, padding: 1);
        var x = randn(new long[] { 2, 4, 5, 6, 2 });                          // (B, T, H, W, C): Keras's channels-last frames
        var y = new TimeDistributed(conv).call(x.permute(0, 1, 4, 2, 3));   // to channels first per frame
        Assert.Equal([2L, 4, 3, 5, 6], y.shape);
        TensorAssert.Close(conv.call(x[1, 2].permute(2, 0, 1).unsqueeze(0))[0], y[1, 2], "frame (1, 2)", 1e-6, 1e-6);
    }

    [Fact]
    public void Parameters_are_shared_across_steps()
    {
        var dense = nn.Linear(4, 3);
        var td = new TimeDistributed(dense);
        var names = td.named_parameters().Select(p => p.name).ToArray();
        Assert.Equal(["layer.weight", "layer.bias"], names);
        Assert.Equal(4 * 3 + 3, ParameterCounts.PyTorch(td));
        Assert.Same(dense.weight, td.parameters().First());

        // gradient of a loss on every step accumulates into the one weight: Σ_t of per-step gradients
        var x = randn(2, 3, 4);
        td.call(x).sum().backward();
        var expected = x.reshape(6, 4).sum(0, keepdim: true).expand(3, 4);   // ∂Σ(Wx+b)/∂W = Σ x
        TensorAssert.Close(expected, dense.weight!.grad, "∂L/∂W", 1e-5, 1e-5);
    }

    [Fact]
    public void Rejects_input_without_a_time_axis()
    {
        var td = new TimeDistributed(nn.Linear(4, 3));
        var e = Assert.Throws<ArgumentException>(() => td.call(randn(2, 4)));
        Assert.Contains("(B, T, …)", e.Message);
        Assert.Contains("[2, 4]", e.Message);
    }
}
