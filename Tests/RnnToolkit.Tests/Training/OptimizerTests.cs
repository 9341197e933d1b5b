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
    public void RMSprop_defaults_follow_the_rule_with_Keras_defaults()
    {
        // Optimizers.RMSprop(): lr 0.001, rho (TorchSharp's alpha) 0.9, epsilon 1e-7, no momentum, not centered, no weight decay.
        var expected = HandRmsprop(3, lr: 0.001, alpha: 0.9, eps: 1e-7, momentum: 0);
        AssertClose(expected, RunToolkit(Optimizers.RMSprop(), 3));
        // The first step is ≈ lr / √(1 − α) = 0.00316 in the direction of −g, for every coordinate.
        Assert.Equal(0.5 - 0.001 / Math.Sqrt(0.1), expected[0][0], 6);
        Assert.Equal(-1.0 + 0.001 / Math.Sqrt(0.1), expected[0][1], 6);
    }

    [Fact]
    public void RMSprop_options_reach_TorchSharp_in_the_right_places()
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
    public void Compile_by_name_resolves_rmsprop_with_Keras_defaults()
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

    /// <summary>
    /// Adam as PyTorch (and TorchSharp) define it, for the loss ½ Σ c_i w_i² (g = c ⊙ w, plus λ w with weight decay λ):
    /// m ← β1 m + (1 − β1) g;  v ← β2 v + (1 − β2) g²;  w ← w − lr · (m / (1 − β1^t)) / (√(v / (1 − β2^t)) + ε).
    /// </summary>
    static List<double[]> HandAdam(int steps, double lr, double beta1, double beta2, double eps, double weightDecay)
    {
        var w = (double[])W0.Clone();
        var m = new double[w.Length];
        var v = new double[w.Length];
        var result = new List<double[]>();
        for (int t = 1; t <= steps; t++)
        {
            for (int i = 0; i < w.Length; i++)
            {
                double g = C[i] * w[i] + weightDecay * w[i];
                m[i] = beta1 * m[i] + (1 - beta1) * g;
                v[i] = beta2 * v[i] + (1 - beta2) * g * g;
                double mHat = m[i] / (1 - Math.Pow(beta1, t));
                double vHat = v[i] / (1 - Math.Pow(beta2, t));
                w[i] -= lr * mHat / (Math.Sqrt(vHat) + eps);
            }
            result.Add((double[])w.Clone());
        }
        return result;
    }

    /// <summary>
    /// SGD as PyTorch defines it (dampening 0): g = c ⊙ w + λ w; the momentum buffer is g at the first step and
    /// b ← μ b + g after; the step is b, or g + μ b with Nesterov; w ← w − lr · step.
    /// </summary>
    static List<double[]> HandSgd(int steps, double lr, double momentum, bool nesterov, double weightDecay)
    {
        var w = (double[])W0.Clone();
        var b = new double[w.Length];
        var result = new List<double[]>();
        for (int t = 1; t <= steps; t++)
        {
            for (int i = 0; i < w.Length; i++)
            {
                double g = C[i] * w[i] + weightDecay * w[i];
                double step = g;
                if (momentum != 0)
                {
                    b[i] = t == 1 ? g : momentum * b[i] + g;
                    step = nesterov ? g + momentum * b[i] : b[i];
                }
                w[i] -= lr * step;
            }
            result.Add((double[])w.Clone());
        }
        return result;
    }

    [Fact]
    public void Adam_defaults_follow_the_rule_with_Keras_defaults()
    {
        // Optimizers.Adam(): lr 0.001, β1 0.9, β2 0.999, ε 1e-7 (Keras's), no weight decay.
        var spec = Optimizers.Adam();
        Assert.Equal("adam", spec.Name);
        Assert.Equal(0.001, spec.LearningRate);
        var expected = HandAdam(3, lr: 0.001, beta1: 0.9, beta2: 0.999, eps: 1e-7, weightDecay: 0);
        AssertClose(expected, RunToolkit(spec, 3));
        // Bias correction makes the first step lr · g / |g| = lr against the gradient's sign, whatever the gradient's size.
        Assert.Equal(0.5 - 0.001, expected[0][0], 6);
        Assert.Equal(-1.0 + 0.001, expected[0][1], 6);
        Assert.Equal(2.0 - 0.001, expected[0][2], 6);
    }

    [Fact]
    public void Adam_options_reach_TorchSharp_in_the_right_places()
    {
        // ε of the order of |g| (g ~ 0.002–0.02) and unequal decays: swapping β1 and β2, moving ε inside the root or
        // outside the bias correction (Keras's form), or dropping weight decay each move w by far more than 1e-6.
        var spec = Optimizers.Adam(learningRate: 0.01, beta1: 0.5, beta2: 0.8, epsilon: 1e-2, weightDecay: 0.05);
        var expected = HandAdam(4, lr: 0.01, beta1: 0.5, beta2: 0.8, eps: 1e-2, weightDecay: 0.05);
        AssertClose(expected, RunToolkit(spec, 4));
        Assert.True(Math.Abs(HandAdam(4, 0.01, 0.8, 0.5, 1e-2, 0.05)[3][1] - expected[3][1]) > 1e-4, "β1 and β2 swapped would be caught");
        Assert.True(Math.Abs(HandAdam(4, 0.01, 0.5, 0.8, 1e-2, 0)[3][1] - expected[3][1]) > 1e-4, "weight decay dropped would be caught");
        Assert.True(Math.Abs(HandAdam(4, 0.01, 0.5, 0.8, 1e-3, 0.05)[3][1] - expected[3][1]) > 1e-4, "another ε would be caught");
    }

    [Theory]
    [InlineData(0.0, false, 0.0)]
    [InlineData(0.9, false, 0.0)]
    [InlineData(0.9, true, 0.0)]
    [InlineData(0.5, true, 0.1)]
    public void SGD_follows_the_rule_with_momentum_nesterov_and_weight_decay(double momentum, bool nesterov, double weightDecay)
    {
        // A large rate so that the four steps move w visibly: with c up to 0.02 and lr 5, a step is up to 10% of w.
        var spec = Optimizers.SGD(learningRate: 5, momentum: momentum, nesterov: nesterov, weightDecay: weightDecay);
        Assert.Equal("sgd", spec.Name);
        var expected = HandSgd(4, lr: 5, momentum, nesterov, weightDecay);
        AssertClose(expected, RunToolkit(spec, 4));
        if (momentum > 0)
            Assert.True(Math.Abs(HandSgd(4, 5, 0, false, weightDecay)[3][1] - expected[3][1]) > 1e-3, "momentum changes the trajectory");
        if (nesterov)
            Assert.True(Math.Abs(HandSgd(4, 5, momentum, false, weightDecay)[3][1] - expected[3][1]) > 1e-3, "Nesterov changes the trajectory");
    }

    [Fact]
    public void SGD_default_is_plain_gradient_descent_at_Keras_rate()
    {
        var spec = Optimizers.SGD();
        Assert.Equal(0.01, spec.LearningRate);
        // One step: w − 0.01 · c ⊙ w, by hand.
        var after = RunToolkit(spec, 1)[0];
        for (int i = 0; i < W0.Length; i++)
            Assert.Equal(W0[i] - 0.01 * C[i] * W0[i], after[i], tolerance: 1e-6);
        var trainer = TestData.Mlp().Compile("mse", "sgd");
        Assert.IsType<SGD>(trainer.Optimizer);
        Assert.Equal(0.01, trainer.LearningRate, 12);
        var adam = TestData.Mlp().Compile("mse", "adam");
        Assert.IsType<Adam>(adam.Optimizer);
        Assert.Equal(0.001, adam.LearningRate, 12);
    }
}
