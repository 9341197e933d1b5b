using RnnToolkit.Native;
using RnnToolkit.Tests.Support;

namespace RnnToolkit.Tests.Native;

public class OneDnnTests
{
    static Tensor ConvGradients(ScalarType dtype)
    {
        random.manual_seed(11);
        var x = randn(3, 3, 7, dtype: float64).to(dtype).requires_grad_();
        var w = randn(3, 3, 3, dtype: float64).to(dtype).requires_grad_();
        var upstream = randn(3, 3, 7, dtype: float64).to(dtype);
        nn.functional.conv1d(x, w, padding: 1).backward([upstream]);
        return cat([x.grad!.flatten(), w.grad!.flatten()]).to(float64);
    }

    [Fact]
    public void After_the_toolkit_loads_float32_conv_gradients_are_right()
    {
        // libtorch 2.10's oneDNN conv1d backward is wrong for small float32 maps on this CPU (off by
        // O(1)); the toolkit switches oneDNN off, so float32 agrees with the float64 reference.
        Assert.True(OneDnn.Available);
        Assert.False(OneDnn.Enabled);
        TensorAssert.Close(ConvGradients(float64), ConvGradients(float32), "conv1d ∂x, ∂W float32 vs float64", 1e-4, 1e-4);
    }

    [Fact]
    public void Inference_scopes_nest_and_restore_the_safe_default()
    {
        using (OneDnn.ForInference())
        {
            Assert.True(OneDnn.Enabled);
            using (OneDnn.ForInference()) Assert.True(OneDnn.Enabled);
            Assert.True(OneDnn.Enabled);
        }
        Assert.False(OneDnn.Enabled);
    }

    [Fact]
    public void A_single_thread_scope_restores_the_thread_count()
    {
        int before = get_num_threads();
        set_num_threads(2);
        try
        {
            using (SingleThread.Begin())
            {
                Assert.Equal(1, get_num_threads());
                using (SingleThread.Begin()) Assert.Equal(1, get_num_threads());   // scopes nest
                Assert.Equal(1, get_num_threads());
            }
            Assert.Equal(2, get_num_threads());
        }
        finally
        {
            set_num_threads(before);
        }
    }

    // oneDNN's LSTM inference is wrong for some hidden sizes in libtorch 2.10 on this project's CPUs (16 and 100 among
    // them; 128 is right): whatever the CPU, the toolkit's inference must equal its from-scratch cells there.
    [Theory]
    [InlineData(8, 16, 1, false)]
    [InlineData(8, 100, 1, false)]
    [InlineData(32, 128, 1, false)]
    [InlineData(8, 40, 2, true)]
    public void Lstm_inference_equals_the_cells_for_every_size(long inputSize, long hiddenSize, long layers, bool bidirectional)
    {
        int before = get_num_threads();
        set_num_threads(2);
        try
        {
            random.manual_seed(3);
            var lstm = new RnnToolkit.Layers.Lstm(inputSize, hiddenSize, numLayers: layers, bidirectional: bidirectional);
            var x = randn(4, 12, inputSize);
            Tensor auto, cells;
            using (no_grad())
            {
                auto = lstm.call(x);
                Assert.Equal(2, get_num_threads());                                   // restored after the call
                lstm.Backend = RnnToolkit.Layers.RecurrentBackend.Cells;
                cells = lstm.call(x);
            }
            Assert.Equal(cells.shape, auto.shape);
            double diff = (auto - cells).abs().max().item<float>();
            Assert.True(diff < 1e-5, $"H = {hiddenSize}: max difference {diff} (oneDNN used: {lstm.OneDnnAgrees()})");
        }
        finally
        {
            set_num_threads(before);
        }
    }
}
