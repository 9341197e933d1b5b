using TorchSharp;
using static TorchSharp.torch;

namespace RnnToolkit.Training;

/// <summary>The built-in losses (Keras names in <see cref="Loss.Name"/>).</summary>
public static class Losses
{
    /// <summary>Mean squared error, <c>mean((y - ŷ)²)</c>; targets have the output's shape.</summary>
    public static Loss MeanSquaredError() => new ElementwiseLoss("mse", (p, t) => (p - t).square().mean());

    /// <summary>Mean absolute error, <c>mean(|y - ŷ|)</c>; targets have the output's shape.</summary>
    public static Loss MeanAbsoluteError() => new ElementwiseLoss("mae", (p, t) => (p - t).abs().mean());

    /// <summary>
    /// Binary cross-entropy; targets (0 or 1, or probabilities) have the output's shape. With
    /// <paramref name="fromLogits"/> false (Keras' default) the outputs are probabilities (after a sigmoid);
    /// with true they are logits and the sigmoid is applied inside, stably.
    /// </summary>
    /// <param name="fromLogits">Whether the model outputs logits rather than probabilities.</param>
    public static Loss BinaryCrossEntropy(bool fromLogits = false) => new ElementwiseLoss(
        "binary_crossentropy",
        fromLogits
            ? (p, t) => nn.functional.binary_cross_entropy_with_logits(p, t)
            : (p, t) => nn.functional.binary_cross_entropy(p.clamp(1e-7, 1 - 1e-7), t));

    /// <summary>
    /// Categorical cross-entropy over the last dimension with one-hot (or probability) targets of the output's shape.
    /// With <paramref name="fromLogits"/> false (Keras' default) the outputs are probabilities (after a softmax).
    /// </summary>
    /// <param name="fromLogits">Whether the model outputs logits rather than probabilities.</param>
    public static Loss CategoricalCrossEntropy(bool fromLogits = false) => new ElementwiseLoss(
        "categorical_crossentropy",
        (p, t) => -(t * LogProbabilities(p, fromLogits)).sum(-1).mean());

    /// <summary>
    /// Sparse categorical cross-entropy: outputs (..., classes), targets (...) of integer class ids.
    /// With <paramref name="fromLogits"/> false (Keras' default) the outputs are probabilities.
    /// </summary>
    /// <param name="fromLogits">Whether the model outputs logits rather than probabilities.</param>
    public static Loss SparseCategoricalCrossEntropy(bool fromLogits = false) => new SequenceCrossEntropy("sparse_categorical_crossentropy", fromLogits, null);

    /// <summary>
    /// Masked sequence cross-entropy (d2l's <c>MaskedSoftmaxCELoss</c>): outputs (batch, steps, vocabulary),
    /// targets (batch, steps) of token ids; steps whose target is <paramref name="padIndex"/> are left out,
    /// and the loss is the mean over the remaining tokens. Outputs are logits unless <paramref name="fromLogits"/> is false.
    /// </summary>
    /// <param name="padIndex">The padding id to ignore (the toolkit's <c>Vocabulary</c> uses 0).</param>
    /// <param name="fromLogits">Whether the model outputs logits (default) rather than probabilities.</param>
    public static Loss MaskedSequenceCrossEntropy(int padIndex = 0, bool fromLogits = true) => new SequenceCrossEntropy("masked_sequence_crossentropy", fromLogits, padIndex);

    /// <summary>Looks a loss up by its Keras name: mse, mae, binary_crossentropy, categorical_crossentropy, sparse_categorical_crossentropy.</summary>
    /// <param name="name">The Keras name (also accepts mean_squared_error and mean_absolute_error).</param>
    public static Loss FromName(string name) => name.ToLowerInvariant() switch
    {
        "mse" or "mean_squared_error" => MeanSquaredError(),
        "mae" or "mean_absolute_error" => MeanAbsoluteError(),
        "binary_crossentropy" => BinaryCrossEntropy(),
        "categorical_crossentropy" => CategoricalCrossEntropy(),
        "sparse_categorical_crossentropy" => SparseCategoricalCrossEntropy(),
        _ => throw new ArgumentException($"Unknown loss '{name}'; expected one of mse, mae, binary_crossentropy, categorical_crossentropy, sparse_categorical_crossentropy.", nameof(name)),
    };

    internal static Tensor LogProbabilities(Tensor p, bool fromLogits) =>
        fromLogits ? nn.functional.log_softmax(p, -1) : p.clamp(1e-7, 1.0).log();

    sealed class ElementwiseLoss(string name, Func<Tensor, Tensor, Tensor> compute) : Loss
    {
        public override string Name => name;
        public override Tensor Compute(Tensor prediction, Tensor target) => compute(prediction, target.to_type(prediction.dtype));
        public override void Validate(long[] predictionShape, long[] targetShape, ScalarType targetType)
        {
            RequireSameShape(predictionShape, targetShape);
            RequireFloat(targetType);
        }
    }

    sealed class SequenceCrossEntropy(string name, bool fromLogits, int? padIndex) : Loss
    {
        public override string Name => name;

        public override Tensor Compute(Tensor prediction, Tensor target)
        {
            var classes = prediction.shape[^1];
            var logp = LogProbabilities(prediction, fromLogits).reshape(-1, classes);
            var ids = target.to_type(ScalarType.Int64).reshape(-1);
            if (padIndex is int pad)
            {
                var mask = ids.ne(pad);
                var safe = ids.masked_fill(ids.eq(pad), 0);
                var nll = -logp.gather(1, safe.unsqueeze(1)).squeeze(1);
                var m = mask.to_type(nll.dtype);
                return (nll * m).sum() / m.sum().clamp_min(1);
            }
            return -logp.gather(1, ids.unsqueeze(1)).mean();
        }

        public override void Validate(long[] predictionShape, long[] targetShape, ScalarType targetType)
        {
            var expected = predictionShape[..^1];
            if (predictionShape.Length < 2 || !expected.SequenceEqual(targetShape))
                throw new ArgumentException($"Loss '{Name}' expects targets of shape {Shapes.Format(expected)} (the model output {Shapes.Format(predictionShape)} without its class dimension) holding class ids; the targets have shape {Shapes.Format(targetShape)}.", "y");
            RequireIntegral(targetType);
        }
    }
}
