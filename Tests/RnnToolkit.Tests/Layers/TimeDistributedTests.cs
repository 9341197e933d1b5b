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
