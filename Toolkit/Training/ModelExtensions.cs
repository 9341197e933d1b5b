using static TorchSharp.torch;

namespace RnnToolkit.Training;

/// <summary>Keras-style entry points on any module from tensor to tensor.</summary>
public static class ModelExtensions
{
    /// <summary>Keras' <c>compile</c>: pairs the model with a loss, an optimizer (Adam by default) and metrics.</summary>
    /// <param name="model">The model.</param>
    /// <param name="loss">The loss.</param>
    /// <param name="optimizer">The optimizer; Adam(0.001) when null.</param>
    /// <param name="metrics">Metrics to track.</param>
    public static Trainer Compile(this nn.Module<Tensor, Tensor> model, Loss loss, OptimizerSpec? optimizer = null, params Metric[] metrics)
        => new(model, loss, optimizer, metrics);

    /// <summary>Keras' <c>compile</c> for a two-input model (e.g. Seq2Seq fed encoder and decoder inputs).</summary>
    /// <param name="model">The model.</param>
    /// <param name="loss">The loss.</param>
    /// <param name="optimizer">The optimizer; Adam(0.001) when null.</param>
    /// <param name="metrics">Metrics to track.</param>
    public static Trainer Compile(this nn.Module<Tensor, Tensor, Tensor> model, Loss loss, OptimizerSpec? optimizer = null, params Metric[] metrics)
        => new(model, loss, optimizer, metrics);

    /// <summary>Keras' <c>compile</c> with names: <c>model.Compile("mse", metrics: ["mae"])</c>.</summary>
    /// <param name="model">The model.</param>
    /// <param name="loss">A loss name (see <see cref="Losses.FromName"/>).</param>
    /// <param name="optimizer">adam, sgd or rmsprop (default learning rates).</param>
    /// <param name="metrics">Metric names (see <see cref="Metrics.FromName"/>).</param>
    public static Trainer Compile(this nn.Module<Tensor, Tensor> model, string loss, string optimizer = "adam", params string[] metrics)
        => new(model, Losses.FromName(loss), optimizer.ToLowerInvariant() switch
        {
            "adam" => Optimizers.Adam(),
            "sgd" => Optimizers.SGD(),
            "rmsprop" => Optimizers.RMSprop(),
            _ => throw new ArgumentException($"Unknown optimizer '{optimizer}'; expected adam, sgd or rmsprop.", nameof(optimizer)),
        }, metrics.Select(Metrics.FromName));

    /// <summary>Keras' <c>model.summary()</c> for samples of shape <paramref name="inputShape"/> (without the batch dimension).</summary>
    /// <param name="model">The model.</param>
    /// <param name="inputShape">One sample's shape, e.g. 50, 1.</param>
    public static ModelSummary Summary(this nn.Module<Tensor, Tensor> model, params long[] inputShape) => ModelSummary.Create(model, inputShape);

    /// <summary>The number of parameters (all, or only trainable ones).</summary>
    /// <param name="model">The model.</param>
    /// <param name="trainableOnly">Count only parameters that require gradients.</param>
    public static long CountParameters(this nn.Module model, bool trainableOnly = false)
        => model.parameters().Where(p => !trainableOnly || p.requires_grad).Sum(p => p.numel());
}
