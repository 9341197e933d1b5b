using System.Diagnostics;
using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace RnnToolkit.Training;

/// <summary>
/// One <c>Fit</c> call: epochs of batches (<see cref="Batch.Plan"/>), each batch forward, loss, backward, callbacks and an
/// optimizer step; validation and the history at each epoch's end; a NaN loss restores the last good weights.
/// </summary>
sealed class TrainingRun
{
    readonly Trainer trainer;
    readonly FitData data;
    readonly FitOptions options;
    readonly IReadOnlyList<Callback> callbacks;
    readonly ConsoleProgressBar? bar;
    readonly List<string> keys = [];   // the keys this call logs, in order
    readonly Stopwatch watch = new();
    WeightSnapshot lastGood;
    int lastGoodEpoch;
    bool terminatedOnNaN;

    public TrainingRun(Trainer trainer, FitData data, FitOptions options)
    {
        (this.trainer, this.data, this.options) = (trainer, data, options);
        callbacks = options.Callbacks;
        bar = options.Verbose == 0 ? null : new ConsoleProgressBar(options.Output, perEpochOnly: options.Verbose == 2);
        lastGood = WeightSnapshot.Capture(trainer.Model);
        lastGoodEpoch = options.InitialEpoch - 1;
    }

    /// <summary>Trains and returns this call's history.</summary>
    public History Run()
    {
        trainer.MessageSink = bar is null ? null : bar.WriteMessage;
        trainer.StopTraining = false;
        trainer.StopReason = null;
        int firstRecord = trainer.History.Count;
        try
        {
            foreach (var c in callbacks) c.OnTrainBegin(trainer);
            for (int epoch = options.InitialEpoch; epoch < options.Epochs && !trainer.StopTraining; epoch++)
                if (!RunEpoch(epoch)) break;
            foreach (var c in callbacks) c.OnTrainEnd(trainer);
            if (trainer.StopReason is not null && !terminatedOnNaN) trainer.Report(trainer.StopReason);
            trainer.History.StopReason = trainer.StopReason;
            trainer.History.TerminatedOnNaN = terminatedOnNaN;
            return trainer.History.Since(firstRecord, keys);
        }
        finally
        {
            lastGood.Dispose();
            trainer.MessageSink = null;
        }
    }

    // One epoch; false when it ended early (NaN loss or cancellation) and is not recorded.
    bool RunEpoch(int epoch)
    {
        foreach (var c in callbacks) c.OnEpochBegin(trainer, epoch);
        watch.Restart();
        var plan = Batch.Plan(Order(epoch), options.BatchSize, options.Stateful, options.TruncatedBptt, Steps(data.X[0]));
        if (options.Seed is int s) torch.random.manual_seed(Mix(s, epoch) ^ 0x5DEECE66DL);
        trainer.Model.train();
        foreach (var m in trainer.Metrics) m.Reset();
        var mean = new RunningMean();
        bool finished = true;
        trainer.RunBatches(data.X, data.Y, plan,
            proceed: b => finished = !Cancelled(epoch, b, plan.Count),
            visit: (b, batch, output, yb) =>
            {
                double loss = Step(output, yb!);
                if (!double.IsFinite(loss)) return finished = StopOnNaN(epoch, b, loss);
                mean.Add(loss, batch.Weight);
                foreach (var c in callbacks) c.OnBatchEnd(trainer, b, loss);
                if (bar is not null || options.Progress is not null)
                    ReportProgress(new TrainingProgress(epoch, options.Epochs, b + 1, plan.Count, RunningLogs(mean.Value), watch.Elapsed, false));
                return true;
            });
        if (!finished) return false;
        EndEpoch(epoch, plan.Count, mean);
        return true;
    }

    // Loss, backward, callbacks, optimizer step and metrics for one batch; returns the loss (not stepped when not finite).
    double Step(Tensor output, Tensor y)
    {
        trainer.Optimizer.zero_grad();
        var loss = trainer.Loss.Compute(output, y);
        double value = loss.ToDouble();
        if (!double.IsFinite(value)) return value;
        loss.backward();
        foreach (var c in callbacks) c.OnAfterBackward(trainer);
        trainer.Optimizer.step();
        var detached = output.detach();
        foreach (var m in trainer.Metrics) m.Update(detached, y);
        return value;
    }

    void EndEpoch(int epoch, int batches, RunningMean mean)
    {
        var logs = RunningLogs(mean.Value);
        if (data.ValX is not null)
            foreach (var (k, v) in trainer.Evaluate(data.ValX, data.ValY!, ValidationPlan())) logs["val_" + k] = v;
        logs["lr"] = trainer.LearningRate;
        foreach (var k in logs.Keys) if (!keys.Contains(k)) keys.Add(k);
        trainer.Record(epoch, logs);
        if (double.IsFinite(mean.Sum))
        {
            lastGood.Dispose();
            lastGood = WeightSnapshot.Capture(trainer.Model);
            lastGoodEpoch = epoch;
        }
        ReportProgress(new TrainingProgress(epoch, options.Epochs, batches, batches, logs, watch.Elapsed, true));
        foreach (var c in callbacks) c.OnEpochEnd(trainer, epoch, logs);
    }

    // Validation runs whole sequences (truncation changes gradients, not the forward pass), batches continuing each other when stateful.
    List<Batch> ValidationPlan() => Batch.Plan(Trainer.InOrder(data.ValX![0].shape[0]), options.BatchSize, options.Stateful, steps: null, length: 0);

    bool Cancelled(int epoch, int b, int batches)
    {
        if (!options.CancellationToken.IsCancellationRequested) return false;
        trainer.StopTraining = true;
        trainer.StopReason = $"Training cancelled at epoch {epoch + 1}, batch {b + 1} of {batches}; the weights are those after the last completed batch, and the unfinished epoch is not recorded.";
        return true;
    }

    // Restores the last good weights and stops; returns false (the epoch did not finish).
    bool StopOnNaN(int epoch, int b, double loss)
    {
        lastGood.Restore(trainer.Model);
        terminatedOnNaN = true;
        trainer.StopTraining = true;
        trainer.StopReason = $"Training stopped: the loss became {(double.IsNaN(loss) ? "NaN" : loss.ToString(CultureInfo.InvariantCulture))} at epoch {epoch + 1}, batch {b + 1}. "
            + (lastGoodEpoch >= 0 ? $"The weights from the end of epoch {lastGoodEpoch + 1} (the last with a finite loss) were restored." : "The weights from before training were restored.");
        trainer.Report(trainer.StopReason);
        return false;
    }

    void ReportProgress(TrainingProgress p)
    {
        bar?.Report(p);
        options.Progress?.Report(p);
    }

    Dictionary<string, double> RunningLogs(double loss)
    {
        var logs = new Dictionary<string, double> { ["loss"] = loss };
        foreach (var m in trainer.Metrics) logs[m.Name] = m.Result();
        return logs;
    }

    static long Steps(Tensor x) => x.dim() >= 2 ? x.shape[1] : 0;

    static long Mix(int seed, int epoch) => unchecked(seed * 1_000_003L + epoch * 7_919L + 17);

    // The epoch's sample order: shuffled (seeded per epoch when a seed is given) or in order.
    long[] Order(int epoch)
    {
        var order = Trainer.InOrder(data.X[0].shape[0]);
        if (options.Shuffle)
        {
            var rng = options.Seed is int s ? new Random((int)(Mix(s, epoch) & 0x7FFFFFFF)) : Random.Shared;
            rng.Shuffle(order);
        }
        return order;
    }

    // The epoch's mean loss so far, each batch weighted by the values its loss averages.
    sealed class RunningMean
    {
        long weight;
        public double Sum { get; private set; }
        public double Value => Sum / weight;
        public void Add(double value, long w)
        {
            Sum += value * w;
            weight += w;
        }
    }
}
