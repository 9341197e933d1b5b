using TorchSharp;
using static TorchSharp.torch;

namespace RnnToolkit.Training;

/// <summary>The built-in metrics.</summary>
public static class Metrics
{
    /// <summary>
    /// Keras' <c>accuracy</c>: with targets of the output's shape and more than one class in the last dimension,
    /// compares argmaxes (one-hot targets); with targets lacking the last dimension, compares the output's argmax with
    /// class ids; with a last dimension of 1, thresholds at 0.5 (binary). Targets equal to <paramref name="ignoreIndex"/>
    /// (class-id form) are not counted.
    /// </summary>
    /// <param name="ignoreIndex">A class id (e.g. padding) to leave out, or null.</param>
    public static Metric Accuracy(int? ignoreIndex = null) => new AccuracyMetric(ignoreIndex);

    /// <summary>Keras' <c>binary_accuracy</c>: the fraction of outputs on the target's side of <paramref name="threshold"/>.</summary>
    /// <param name="threshold">Outputs above it count as 1 (use 0 for logits).</param>
    public static Metric BinaryAccuracy(double threshold = 0.5) => new BinaryAccuracyMetric(threshold);

    /// <summary>Mean squared error over all elements (<c>mse</c>).</summary>
    public static Metric MeanSquaredError() => new ErrorMetric("mse", squared: true);

    /// <summary>Mean absolute error over all elements (<c>mae</c>).</summary>
    public static Metric MeanAbsoluteError() => new ErrorMetric("mae", squared: false);

    /// <summary>
    /// Perplexity: <c>exp</c> of the mean per-token negative log-likelihood. Outputs (..., vocabulary), targets (...) of ids;
    /// tokens equal to <paramref name="padIndex"/> are left out.
    /// </summary>
    /// <param name="padIndex">Padding id to ignore, or null.</param>
    /// <param name="fromLogits">Whether outputs are logits (default) or probabilities.</param>
    public static Metric Perplexity(int? padIndex = null, bool fromLogits = true) => new PerplexityMetric(padIndex, fromLogits);

    /// <summary>
    /// Corpus-level BLEU (<see cref="Bleu"/>) of greedy decodes: outputs (batch, steps, vocabulary) are argmaxed (or are ids
    /// already, (batch, steps)), targets are ids (batch, steps); each sequence is cut at <paramref name="endIndex"/> and
    /// <paramref name="padIndex"/> tokens are dropped. Reported in [0, 1].
    /// </summary>
    /// <param name="endIndex">End-of-sequence id (the toolkit's <c>Vocabulary</c> uses 3), or null.</param>
    /// <param name="padIndex">Padding id (0), or null.</param>
    /// <param name="maxOrder">Largest n-gram order.</param>
    /// <param name="smooth">Add-one smoothing of the n-gram precisions.</param>
    public static Metric Bleu(int? endIndex = 3, int? padIndex = 0, int maxOrder = 4, bool smooth = false) => new BleuMetric(endIndex, padIndex, maxOrder, smooth);

    /// <summary>Looks a metric up by its Keras name: accuracy (acc), binary_accuracy, mse, mae, perplexity, bleu.</summary>
    /// <param name="name">The name.</param>
    public static Metric FromName(string name) => name.ToLowerInvariant() switch
    {
        "accuracy" or "acc" => Accuracy(),
        "binary_accuracy" => BinaryAccuracy(),
        "mse" or "mean_squared_error" => MeanSquaredError(),
        "mae" or "mean_absolute_error" => MeanAbsoluteError(),
        "perplexity" => Perplexity(),
        "bleu" => Bleu(),
        _ => throw new ArgumentException($"Unknown metric '{name}'; expected one of accuracy, binary_accuracy, mse, mae, perplexity, bleu.", nameof(name)),
    };

    sealed class AccuracyMetric(int? ignoreIndex) : MeanMetric
    {
        public override string Name => "accuracy";

        protected override (double, double) Accumulate(Tensor p, Tensor t)
        {
            Tensor correct, counted;
            if (p.shape.SequenceEqual(t.shape) && p.shape[^1] == 1)
            {
                correct = p.gt(0.5).eq(t.gt(0.5));
                counted = ones_like(correct);
            }
            else if (p.shape.SequenceEqual(t.shape))
            {
                correct = p.argmax(-1).eq(t.argmax(-1));
                counted = ones_like(correct);
            }
            else if (p.shape[..^1].SequenceEqual(t.shape))
            {
                var ids = t.to_type(ScalarType.Int64);
                correct = p.argmax(-1).eq(ids);
                counted = ignoreIndex is int ig ? ids.ne(ig) : ones_like(correct);
                correct = correct.logical_and(counted);
            }
            else throw new ArgumentException($"Metric 'accuracy' expects targets of the output's shape {Shapes.Format(p)} or of {Shapes.Format(p.shape[..^1])} (class ids); the targets have shape {Shapes.Format(t)}.");
            return (correct.sum().ToDouble(), counted.sum().ToDouble());
        }
    }

    sealed class BinaryAccuracyMetric(double threshold) : MeanMetric
    {
        public override string Name => "binary_accuracy";

        protected override (double, double) Accumulate(Tensor p, Tensor t)
        {
            if (!p.shape.SequenceEqual(t.shape))
                throw new ArgumentException($"Metric 'binary_accuracy' expects targets of the output's shape {Shapes.Format(p)}; the targets have shape {Shapes.Format(t)}.");
            var correct = p.gt(threshold).eq(t.gt(0.5));
            return (correct.sum().ToDouble(), correct.numel());
        }
    }

    sealed class ErrorMetric(string name, bool squared) : MeanMetric
    {
        public override string Name => name;

        protected override (double, double) Accumulate(Tensor p, Tensor t)
        {
            if (!p.shape.SequenceEqual(t.shape))
                throw new ArgumentException($"Metric '{name}' expects targets of the output's shape {Shapes.Format(p)}; the targets have shape {Shapes.Format(t)}.");
            var d = (p.to_type(ScalarType.Float64) - t.to_type(ScalarType.Float64));
            var e = squared ? d.square() : d.abs();
            return (e.sum().ToDouble(), e.numel());
        }
    }

    sealed class PerplexityMetric(int? padIndex, bool fromLogits) : MeanMetric
    {
        public override string Name => "perplexity";

        protected override (double, double) Accumulate(Tensor p, Tensor t)
        {
            if (!p.shape[..^1].SequenceEqual(t.shape))
                throw new ArgumentException($"Metric 'perplexity' expects targets of shape {Shapes.Format(p.shape[..^1])} (token ids); the targets have shape {Shapes.Format(t)}.");
            var logp = Losses.LogProbabilities(p.to_type(ScalarType.Float64), fromLogits).reshape(-1, p.shape[^1]);
            var ids = t.to_type(ScalarType.Int64).reshape(-1);
            var mask = padIndex is int pad ? ids.ne(pad) : ones_like(ids, ScalarType.Bool);
            var safe = ids.masked_fill(mask.logical_not(), 0);
            var nll = -logp.gather(1, safe.unsqueeze(1)).squeeze(1);
            return ((nll * mask.to_type(ScalarType.Float64)).sum().ToDouble(), mask.sum().ToDouble());
        }

        protected override double Finish(double mean) => Math.Exp(mean);
    }

    sealed class BleuMetric(int? endIndex, int? padIndex, int maxOrder, bool smooth) : Metric
    {
        BleuStatistics stats = new(maxOrder);

        public override string Name => "bleu";

        public override void Reset() => stats = new BleuStatistics(maxOrder);

        public override void Update(Tensor prediction, Tensor target)
        {
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            var ids = prediction.shape.Length == target.shape.Length + 1 ? prediction.argmax(-1) : prediction;
            if (!ids.shape.SequenceEqual(target.shape) || target.shape.Length != 2)
                throw new ArgumentException($"Metric 'bleu' expects targets (batch, steps) of ids and outputs (batch, steps, vocabulary) or (batch, steps); got outputs {Shapes.Format(prediction)} and targets {Shapes.Format(target)}.");
            var c = ids.to_type(ScalarType.Int64).data<long>().ToArray();
            var r = target.to_type(ScalarType.Int64).data<long>().ToArray();
            int n = (int)target.shape[0], steps = (int)target.shape[1];
            for (int i = 0; i < n; i++)
                stats.Add(Clean(c.AsSpan(i * steps, steps)), [Clean(r.AsSpan(i * steps, steps))]);
        }

        List<long> Clean(ReadOnlySpan<long> s)
        {
            var list = new List<long>();
            foreach (var v in s)
            {
                if (endIndex is int e && v == e) break;
                if (padIndex is int p && v == p) continue;
                list.Add(v);
            }
            return list;
        }

        public override double Result() => stats.Sentences == 0 ? double.NaN : stats.Score(smooth);
    }
}
