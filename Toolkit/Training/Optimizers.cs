using TorchSharp;
using TorchSharp.Modules;

namespace RnnToolkit.Training;

/// <summary>
/// How to build an optimizer once the model's parameters are known (Keras passes optimizers before the model is
/// trained; TorchSharp's need the parameters). Create with <see cref="Optimizers"/>.
/// </summary>
/// <param name="Name">A display name, e.g. <c>adam</c>.</param>
/// <param name="LearningRate">The initial learning rate.</param>
/// <param name="Create">Builds the optimizer over the given parameters.</param>
public sealed record OptimizerSpec(string Name, double LearningRate, Func<IEnumerable<Parameter>, torch.optim.Optimizer> Create);

/// <summary>TorchSharp's Adam, SGD and RMSprop with Keras' default learning rates.</summary>
public static class Optimizers
{
    /// <summary>Adam (Kingma and Ba).</summary>
    /// <param name="learningRate">Step size (Keras default 0.001).</param>
    /// <param name="beta1">First-moment decay.</param>
    /// <param name="beta2">Second-moment decay.</param>
    /// <param name="epsilon">Denominator term (Keras uses 1e-7).</param>
    /// <param name="weightDecay">L2 penalty.</param>
    public static OptimizerSpec Adam(double learningRate = 0.001, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-7, double weightDecay = 0)
        => new("adam", learningRate, p => torch.optim.Adam(p, learningRate, beta1, beta2, epsilon, weightDecay));

    /// <summary>Stochastic gradient descent, optionally with (Nesterov) momentum.</summary>
    /// <param name="learningRate">Step size (Keras default 0.01).</param>
    /// <param name="momentum">Momentum factor.</param>
    /// <param name="nesterov">Nesterov momentum.</param>
    /// <param name="weightDecay">L2 penalty.</param>
    public static OptimizerSpec SGD(double learningRate = 0.01, double momentum = 0, bool nesterov = false, double weightDecay = 0)
        => new("sgd", learningRate, p => torch.optim.SGD(p, learningRate, momentum, 0, weightDecay, nesterov));

    /// <summary>RMSprop (Hinton).</summary>
    /// <param name="learningRate">Step size (Keras default 0.001).</param>
    /// <param name="rho">Decay of the squared-gradient average (TorchSharp's alpha).</param>
    /// <param name="momentum">Momentum factor.</param>
    /// <param name="epsilon">Denominator term.</param>
    public static OptimizerSpec RMSprop(double learningRate = 0.001, double rho = 0.9, double momentum = 0, double epsilon = 1e-7)
        => new("rmsprop", learningRate, p => torch.optim.RMSProp(p, learningRate, rho, epsilon, 0, momentum));
}
