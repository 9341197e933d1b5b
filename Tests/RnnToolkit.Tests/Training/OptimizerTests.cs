using RnnToolkit.Training;
using TorchSharp.Modules;

namespace RnnToolkit.Tests.Training;

public class OptimizerTests
{
    public OptimizerTests() => RnnToolkit.Native.TorchSharpNative.EnsureLoaded();

    static readonly double[] W0 = [0.5, -1.0, 2.0];
    static readonly double[] C = [0.01, 0.02, 0.001];

    /// <summary>
    /// The RMSprop rule TorchSharp (like PyTorch) implements, for the loss ½ Σ c_i w_i² (gradient g = c ⊙ w):
    /// v ← α v + (1 − α) g²;  d = g / (√v + ε);  without momentum w ← w − lr d, with momentum b ← μ b + d, w ← w − lr b.
    /// (Keras puts ε inside the root, √(v + ε); with these small gradients that differs by ~2% of a step, so the
    /// comparison below would catch a switch.) Returns w after each of <paramref name="steps"/> steps.
    /// </summary>
    static List<double[]> HandRmsprop(int steps, double lr, double alpha, double eps, double momentum)
    {
        var w = (double[])W0.Clone();
        var v = new double[w.Length];
        var b = new double[w.Length];
        var result = new List<double[]>();
        for (int s = 0; s < steps; s++)
        {
            for (int i = 0; i < w.Length; i++)
            {
                double g = C[i] * w[i];
                v[i] = alpha * v[i] + (1 - alpha) * g * g;
                double d = g / (Math.Sqrt(v[i]) + eps);
                if (momentum > 0)
                {
                    b[i] = momentum * b[i] + d;
                    w[i] -= lr * b[i];
                }
                else w[i] -= lr * d;
            }
            result.Add((double[])w.Clone());
        }
        return result;
    }

    /// <summary>Runs the toolkit's optimizer on the same loss and returns w after each step.</summary>
    static List<double[]> RunToolkit(OptimizerSpec spec, int steps)
    {
        var w = new Parameter(torch.tensor(W0.Select(v => (float)v).ToArray()));
        var c = torch.tensor(C.Select(v => (float)v).ToArray());
        var optimizer = spec.Create([w]);
        var result = new List<double[]>();
        for (int s = 0; s < steps; s++)
        {
            optimizer.zero_grad();
            (0.5 * c * w.square()).sum().backward();
            optimizer.step();
            result.Add(w.detach().data<float>().Select(v => (double)v).ToArray());
        }
        return result;
    }

    static void AssertClose(List<double[]> expected, List<double[]> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int s = 0; s < expected.Count; s++)
            for (int i = 0; i < expected[s].Length; i++)
                Assert.True(Math.Abs(expected[s][i] - actual[s][i]) < 1e-6,
                    $"step {s + 1}, w[{i}]: expected {expected[s][i]:R}, got {actual[s][i]:R}");
    }

    [Fact]
    public void RMSpropDefaultsFollowTheRuleWithKerasDefaults()
    {
        // Optimizers.RMSprop(): lr 0.001, rho (TorchSharp's alpha) 0.9, epsilon 1e-7, no momentum, not centered, no weight decay.
        var expected = HandRmsprop(3, lr: 0.001, alpha: 0.9, eps: 1e-7, momentum: 0);
        AssertClose(expected, RunToolkit(Optimizers.RMSprop(), 3));
        // The first step is ≈ lr / √(1 − α) = 0.00316 in the direction of −g, for every coordinate.
        Assert.Equal(0.5 - 0.001 / Math.Sqrt(0.1), expected[0][0], 6);
        Assert.Equal(-1.0 + 0.001 / Math.Sqrt(0.1), expected[0][1], 6);
    }

    [Fact]
    public void RMSpropOptionsReachTorchSharpInTheRightPlaces()
    {
        // Every option away from its default, with ε large against √v (g ~ 0.005): swapping ε and ρ, or dropping
        // momentum, changes the result far beyond the tolerance.
        var spec = Optimizers.RMSprop(learningRate: 0.01, rho: 0.8, momentum: 0.5, epsilon: 1e-3);
        Assert.Equal("rmsprop", spec.Name);
        Assert.Equal(0.01, spec.LearningRate);
        var expected = HandRmsprop(3, lr: 0.01, alpha: 0.8, eps: 1e-3, momentum: 0.5);
        AssertClose(expected, RunToolkit(spec, 3));
        // The same options without momentum give a different trajectory (momentum is really on).
        var noMomentum = HandRmsprop(3, lr: 0.01, alpha: 0.8, eps: 1e-3, momentum: 0);
        Assert.True(Math.Abs(noMomentum[2][0] - expected[2][0]) > 1e-3);
    }

    [Fact]
    public void CompileByNameResolvesRmspropWithKerasDefaults()
    {
        foreach (var name in new[] { "rmsprop", "RMSprop" })
        {
            var trainer = TestData.Mlp().Compile("mse", name);
            Assert.Equal("rmsprop", trainer.OptimizerSpec.Name);
            var rms = Assert.IsType<RMSProp>(trainer.Optimizer);
            Assert.Equal(0.001, trainer.LearningRate, 12);
            var options = Assert.IsType<RMSProp.ParamGroup>(rms.ParamGroups.Single()).Options;
            // Keras: RMSprop(learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-07, centered=False).
            Assert.Equal(0.9, options.alpha);
            Assert.Equal(1e-7, options.eps);
            Assert.Equal(0.0, options.momentum);
            Assert.False(options.centered);
            Assert.Equal(0.0, options.weight_decay);
            Assert.False(options.maximize);
        }
        Assert.Throws<ArgumentException>(() => TestData.Mlp().Compile("mse", "adagrad"));
    }
}
