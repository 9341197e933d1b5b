using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace RnnToolkit.Training;

/// <summary>
/// Trains a <see cref="nn.Module{Tensor, Tensor}"/> (or a two-input <see cref="nn.Module{Tensor, Tensor, Tensor}"/>,
/// e.g. a Seq2Seq model fed encoder inputs and decoder inputs) the Keras way: a model "compiled" with a loss, an
/// optimizer and metrics, then <c>Fit</c>, <c>Evaluate</c> and <c>Predict</c>. Inputs and targets are tensors whose
/// first dimension indexes the samples. Every batch runs in its own dispose scope, so native memory stays flat.
/// </summary>
public sealed class Trainer
{
    Action<string>? messageSink;
    readonly Func<Tensor[], Tensor> forward;

    /// <summary>Compiles <paramref name="model"/>: builds the optimizer over its parameters.</summary>
    /// <param name="model">The model (any module from tensor to tensor).</param>
    /// <param name="loss">The loss (see <see cref="Losses"/>).</param>
    /// <param name="optimizer">The optimizer (see <see cref="Optimizers"/>); Adam by default.</param>
    /// <param name="metrics">Metrics to track (see <see cref="Metrics"/>).</param>
    public Trainer(nn.Module<Tensor, Tensor> model, Loss loss, OptimizerSpec? optimizer = null, IEnumerable<Metric>? metrics = null)
        : this(model, 1, xs => model.call(xs[0]), loss, optimizer, metrics)
    {
    }

    /// <summary>Compiles a two-input model (Keras' <c>fit([x1, x2], y)</c>), e.g. Seq2Seq with teacher forcing.</summary>
    /// <param name="model">The model: (first input, second input) → output.</param>
    /// <param name="loss">The loss (see <see cref="Losses"/>).</param>
    /// <param name="optimizer">The optimizer (see <see cref="Optimizers"/>); Adam by default.</param>
    /// <param name="metrics">Metrics to track (see <see cref="Metrics"/>).</param>
    public Trainer(nn.Module<Tensor, Tensor, Tensor> model, Loss loss, OptimizerSpec? optimizer = null, IEnumerable<Metric>? metrics = null)
        : this(model, 2, xs => model.call(xs[0], xs[1]), loss, optimizer, metrics)
    {
    }

    Trainer(nn.Module model, int inputs, Func<Tensor[], Tensor> forward, Loss loss, OptimizerSpec? optimizer, IEnumerable<Metric>? metrics)
    {
        ArgumentNullException.ThrowIfNull(model);
        this.forward = forward;
        InputCount = inputs;
        ArgumentNullException.ThrowIfNull(loss);
        Model = model;
        Loss = loss;
        OptimizerSpec = optimizer ?? Optimizers.Adam();
        Optimizer = OptimizerSpec.Create(model.parameters());
        Metrics = (metrics ?? []).ToList();
        var dup = Metrics.GroupBy(m => m.Name).FirstOrDefault(g => g.Count() > 1 || g.Key == "loss");
        if (dup is not null) throw new ArgumentException($"Metric names must be distinct and not 'loss'; '{dup.Key}' is repeated.", nameof(metrics));
    }

    /// <summary>The model.</summary>
    public nn.Module Model { get; }

    /// <summary>How many input tensors the model takes (1, or 2 for a two-input model).</summary>
    public int InputCount { get; }

    /// <summary>The loss.</summary>
    public Loss Loss { get; }

    /// <summary>How the optimizer was built.</summary>
    public OptimizerSpec OptimizerSpec { get; }

    /// <summary>The optimizer.</summary>
    public optim.Optimizer Optimizer { get; }

    /// <summary>The tracked metrics.</summary>
    public IReadOnlyList<Metric> Metrics { get; }

    /// <summary>Epochs completed so far (over all <c>Fit</c> calls, and restored by <see cref="LoadCheckpoint"/>).</summary>
    public int Epoch { get; private set; }

    /// <summary>Every epoch recorded so far, over all <c>Fit</c> calls (restored by <see cref="LoadCheckpoint"/>).</summary>
    public History History { get; private set; } = new();

    /// <summary>Set by a callback to end training after the current epoch.</summary>
    public bool StopTraining { get; set; }

    /// <summary>Why training is being stopped (set with <see cref="StopTraining"/>).</summary>
    public string? StopReason { get; set; }

    /// <summary>The optimizer's learning rate (of its first parameter group; setting changes all groups).</summary>
    public double LearningRate
    {
        get => Optimizer.ParamGroups.First().LearningRate;
        set
        {
            foreach (var g in Optimizer.ParamGroups) g.LearningRate = value;
        }
    }

    /// <summary>Shows a message the way the current <c>Fit</c> reports (nothing when silent).</summary>
    /// <param name="message">The message.</param>
    public void Report(string message) => messageSink?.Invoke(message);

    /// <summary>
    /// Trains for epochs <paramref name="initialEpoch"/> .. <paramref name="epochs"/> - 1 (Keras' <c>fit</c>) and returns
    /// this call's history: <c>loss</c>, each metric, their <c>val_</c> versions when there is validation data, and
    /// <c>lr</c>. All arguments are checked before training starts. A NaN or infinite batch loss stops training with a
    /// message in <see cref="History.StopReason"/> and restores the weights of the last epoch that ended with a finite loss.
    /// </summary>
    /// <param name="x">Inputs, samples first (e.g. (1000, 10, 1)).</param>
    /// <param name="y">Targets, samples first.</param>
    /// <param name="epochs">The index of the last epoch + 1 (the number of epochs when starting from 0).</param>
    /// <param name="batchSize">Samples per batch (the last batch may be smaller).</param>
    /// <param name="validationSplit">Fraction of the samples, taken from the end before shuffling, held out for validation.</param>
    /// <param name="validationData">Validation inputs and targets (takes precedence over <paramref name="validationSplit"/>).</param>
    /// <param name="shuffle">Shuffle the training samples every epoch.</param>
    /// <param name="callbacks">Callbacks, called in order.</param>
    /// <param name="verbose">0 silent, 1 progress bar, 2 one line per epoch (written to <paramref name="output"/>).</param>
    /// <param name="progress">Receives every progress report (in addition to <paramref name="verbose"/> output).</param>
    /// <param name="initialEpoch">The epoch to start at (to resume: <see cref="Epoch"/> after <see cref="LoadCheckpoint"/>).</param>
    /// <param name="seed">Seeds shuffling and torch's generator per epoch, so runs (and resumed runs) are reproducible.</param>
    /// <param name="output">Where verbose output goes (the console by default).</param>
    /// <param name="cancellationToken">Stops training after the current batch (a notebook's interrupt); the history so far is returned with a <see cref="History.StopReason"/>.</param>
    public History Fit(Tensor x, Tensor y, int epochs = 1, int batchSize = 32, double validationSplit = 0,
        (Tensor X, Tensor Y)? validationData = null, bool shuffle = true, IEnumerable<Callback>? callbacks = null,
        int verbose = 1, IProgress<TrainingProgress>? progress = null, int initialEpoch = 0, int? seed = null, TextWriter? output = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(x);
        return Fit([x], y, epochs, batchSize, validationSplit, validationData is var (vx, vy) ? ([vx], vy) : null, shuffle, callbacks, verbose, progress, initialEpoch, seed, output, cancellationToken);
    }

    /// <summary>
    /// <c>Fit</c> for a model with several inputs (Keras' <c>fit([x1, x2], y)</c>): <paramref name="x"/> holds one tensor
    /// per model input, all with the same number of samples. See the single-input <c>Fit</c>.
    /// </summary>
    /// <param name="x">The inputs, one tensor per model input.</param>
    /// <param name="y">Targets, samples first.</param>
    /// <param name="epochs">The index of the last epoch + 1.</param>
    /// <param name="batchSize">Samples per batch.</param>
    /// <param name="validationSplit">Fraction of the samples held out for validation.</param>
    /// <param name="validationData">Validation inputs and targets.</param>
    /// <param name="shuffle">Shuffle every epoch.</param>
    /// <param name="callbacks">Callbacks.</param>
    /// <param name="verbose">0 silent, 1 progress bar, 2 one line per epoch.</param>
    /// <param name="progress">Receives every progress report.</param>
    /// <param name="initialEpoch">The epoch to start at.</param>
    /// <param name="seed">Seed of shuffling and torch's generator.</param>
    /// <param name="output">Where verbose output goes.</param>
    /// <param name="cancellationToken">Stops training after the current batch.</param>
    public History Fit(Tensor[] x, Tensor y, int epochs = 1, int batchSize = 32, double validationSplit = 0,
        (Tensor[] X, Tensor Y)? validationData = null, bool shuffle = true, IEnumerable<Callback>? callbacks = null,
        int verbose = 1, IProgress<TrainingProgress>? progress = null, int initialEpoch = 0, int? seed = null, TextWriter? output = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        CheckInputCount(x, "x");
        if (epochs < 0) throw new ArgumentOutOfRangeException(nameof(epochs), epochs, "Epochs must be non-negative.");
        if (initialEpoch < 0) throw new ArgumentOutOfRangeException(nameof(initialEpoch), initialEpoch, "The initial epoch must be non-negative.");
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be positive.");
        if (validationSplit is < 0 or >= 1 || double.IsNaN(validationSplit))
            throw new ArgumentOutOfRangeException(nameof(validationSplit), validationSplit, "The validation split must be in [0, 1).");
        if (verbose is < 0 or > 2) throw new ArgumentOutOfRangeException(nameof(verbose), verbose, "Verbose must be 0 (silent), 1 (progress bar) or 2 (one line per epoch).");
        CheckAll(x, y, "x", "y");

        var cbs = (callbacks ?? []).ToList();
        long n = x[0].shape[0];
        Tensor[]? xTrain = null, xVal = null;
        Tensor? yTrain = null, yVal = null;
        bool ownSplit = false;
        if (validationData is var (vx, vy))
        {
            ArgumentNullException.ThrowIfNull(vx, "validationData.X");
            CheckInputCount(vx, "validationData.X");
            CheckAll(vx, vy, "validationData.X", "validationData.Y");
            (xTrain, yTrain, xVal, yVal) = (x, y, vx, vy);
        }
        else if (validationSplit > 0)
        {
            long nTrain = (long)Math.Floor(n * (1 - validationSplit));
            if (nTrain <= 0 || nTrain >= n)
                throw new ArgumentException($"A validation split of {validationSplit} of {n} samples leaves {nTrain} for training and {n - nTrain} for validation; both need at least one.", nameof(validationSplit));
            xTrain = x.Select(t => t.narrow(0, 0, nTrain)).ToArray(); yTrain = y.narrow(0, 0, nTrain);
            xVal = x.Select(t => t.narrow(0, nTrain, n - nTrain)).ToArray(); yVal = y.narrow(0, nTrain, n - nTrain);
            ownSplit = true;
        }
        else (xTrain, yTrain) = (x, y);

        try
        {
            CheckShapes(xTrain, yTrain, "x", "y");
            if (xVal is not null) CheckShapes(xVal, yVal!, "validationData.X", "validationData.Y");
            return Run(xTrain, yTrain, xVal, yVal, epochs, batchSize, shuffle, cbs, verbose, progress, initialEpoch, seed, output, cancellationToken);
        }
        finally
        {
            if (ownSplit)
            {
                foreach (var t in xTrain.Concat(xVal!)) t.Dispose();
                yTrain.Dispose();
                yVal!.Dispose();
            }
        }
    }

    History Run(Tensor[] x, Tensor y, Tensor[]? xVal, Tensor? yVal, int epochs, int batchSize, bool shuffle, List<Callback> cbs,
        int verbose, IProgress<TrainingProgress>? progress, int initialEpoch, int? seed, TextWriter? output, CancellationToken cancellationToken)
    {
        var bar = verbose == 0 ? null : new ConsoleProgressBar(output, perEpochOnly: verbose == 2);
        messageSink = bar is null ? null : bar.WriteMessage;
        var history = new History();
        StopTraining = false;
        StopReason = null;
        long n = x[0].shape[0];
        int batches = (int)((n + batchSize - 1) / batchSize);
        var lastGood = WeightSnapshot.Capture(Model);
        int lastGoodEpoch = initialEpoch - 1;
        var watch = new Stopwatch();
        try
        {
            foreach (var c in cbs) c.OnTrainBegin(this);
            for (int epoch = initialEpoch; epoch < epochs && !StopTraining; epoch++)
            {
                foreach (var c in cbs) c.OnEpochBegin(this, epoch);
                watch.Restart();
                long[] order = Order(n, shuffle, seed, epoch);
                if (seed is int s) torch.random.manual_seed(Mix(s, epoch) ^ 0x5DEECE66DL);
                Model.train();
                foreach (var m in Metrics) m.Reset();
                double lossSum = 0;
                long seen = 0;
                bool nan = false, cancelled = false;
                for (int b = 0; b < batches; b++)
                {
                    if (cancellationToken.IsCancellationRequested)
                    {
                        cancelled = true;
                        StopTraining = true;
                        StopReason = $"Training cancelled at epoch {epoch + 1}, batch {b + 1} of {batches}; the weights are those after the last completed batch, and the unfinished epoch is not recorded.";
                        break;
                    }
                    double lv;
                    long count = Math.Min(batchSize, n - (long)b * batchSize);
                    using (var scope = NewDisposeScope())
                    {
                        using var idx = torch.tensor(order.AsSpan(b * batchSize, (int)count).ToArray());
                        var xb = x.Select(t => t.index_select(0, idx)).ToArray();
                        var yb = y.index_select(0, idx);
                        Optimizer.zero_grad();
                        var output_ = forward(xb);
                        var loss = Loss.Compute(output_, yb);
                        lv = loss.ToDouble();
                        if (!double.IsFinite(lv)) nan = true;
                        else
                        {
                            loss.backward();
                            foreach (var c in cbs) c.OnAfterBackward(this);
                            Optimizer.step();
                            var detached = output_.detach();
                            foreach (var m in Metrics) m.Update(detached, yb);
                        }
                    }
                    if (nan)
                    {
                        lastGood.Restore(Model);
                        history.TerminatedOnNaN = true;
                        StopTraining = true;
                        StopReason = $"Training stopped: the loss became {(double.IsNaN(lv) ? "NaN" : lv.ToString(System.Globalization.CultureInfo.InvariantCulture))} at epoch {epoch + 1}, batch {b + 1}. "
                            + (lastGoodEpoch >= 0 ? $"The weights from the end of epoch {lastGoodEpoch + 1} (the last with a finite loss) were restored." : "The weights from before training were restored.");
                        Report(StopReason);
                        break;
                    }
                    lossSum += lv * count;
                    seen += count;
                    foreach (var c in cbs) c.OnBatchEnd(this, b, lv);
                    if (bar is not null || progress is not null)
                    {
                        var p = new TrainingProgress(epoch, epochs, b + 1, batches, RunningLogs(lossSum / seen), watch.Elapsed, false);
                        bar?.Report(p);
                        progress?.Report(p);
                    }
                }
                if (nan || cancelled) break;

                var logs = RunningLogs(lossSum / seen);
                if (xVal is not null)
                    foreach (var (k, v) in Evaluate(xVal, yVal!, batchSize)) logs["val_" + k] = v;
                logs["lr"] = LearningRate;
                history.Add(epoch, logs);
                History.Add(epoch, logs);
                Epoch = epoch + 1;
                if (double.IsFinite(lossSum))
                {
                    lastGood.Dispose();
                    lastGood = WeightSnapshot.Capture(Model);
                    lastGoodEpoch = epoch;
                }
                var done = new TrainingProgress(epoch, epochs, batches, batches, logs, watch.Elapsed, true);
                bar?.Report(done);
                progress?.Report(done);
                foreach (var c in cbs) c.OnEpochEnd(this, epoch, logs);
            }
            foreach (var c in cbs) c.OnTrainEnd(this);
            if (StopReason is not null && !history.TerminatedOnNaN) Report(StopReason);
            history.StopReason = StopReason;
            History.StopReason = StopReason;
            History.TerminatedOnNaN = history.TerminatedOnNaN;
            return history;
        }
        finally
        {
            lastGood.Dispose();
            messageSink = null;
        }
    }

    Dictionary<string, double> RunningLogs(double loss)
    {
        var logs = new Dictionary<string, double> { ["loss"] = loss };
        foreach (var m in Metrics) logs[m.Name] = m.Result();
        return logs;
    }

    static long Mix(int seed, int epoch) => unchecked(seed * 1_000_003L + epoch * 7_919L + 17);

    static long[] Order(long n, bool shuffle, int? seed, int epoch)
    {
        var order = new long[n];
        for (long i = 0; i < n; i++) order[i] = i;
        if (shuffle)
        {
            var rng = seed is int s ? new Random((int)(Mix(s, epoch) & 0x7FFFFFFF)) : Random.Shared;
            rng.Shuffle(order);
        }
        return order;
    }

    /// <summary>Runs the model on a couple of samples to check the targets' shape and type against the loss and metrics.</summary>
    void CheckShapes(Tensor[] x, Tensor y, string xName, string yName)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        bool wasTraining = Model.training;
        Model.eval();
        try
        {
            long k = Math.Min(2, x[0].shape[0]);
            Tensor output;
            try { output = forward(x.Select(t => t.narrow(0, 0, k)).ToArray()); }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw new ArgumentException($"The model could not run on {xName} of shape {string.Join(" and ", x.Select(Shapes.Format))}: {e.Message}", xName, e);
            }
            if (output.shape.Length == 0 || output.shape[0] != k)
                throw new ArgumentException($"The model's output must have the samples first: for {k} samples of {xName} it returned shape {Shapes.Format(output)}.", xName);
            var predShape = output.shape.ToArray();
            predShape[0] = y.shape[0];
            try { Loss.Validate(predShape, y.shape, y.dtype); }
            catch (ArgumentException e) { throw new ArgumentException(e.Message.Replace("the targets", "the targets (" + yName + ")", StringComparison.Ordinal), yName); }
            var yk = y.narrow(0, 0, k);
            foreach (var m in Metrics)
            {
                try { m.Compute(output, yk); }
                catch (ArgumentException e) { throw new ArgumentException(e.Message, yName, e); }
                finally { m.Reset(); }
            }
        }
        finally
        {
            Model.train(wasTraining);
        }
    }

    /// <summary>The loss and metrics on <paramref name="x"/>, <paramref name="y"/> (eval mode, no gradients).</summary>
    /// <param name="x">Inputs, samples first.</param>
    /// <param name="y">Targets, samples first.</param>
    /// <param name="batchSize">Samples per batch.</param>
    public Dictionary<string, double> Evaluate(Tensor x, Tensor y, int batchSize = 32)
    {
        ArgumentNullException.ThrowIfNull(x);
        return Evaluate([x], y, batchSize);
    }

    /// <summary>The loss and metrics of a several-input model (eval mode, no gradients).</summary>
    /// <param name="x">One tensor per model input, samples first.</param>
    /// <param name="y">Targets, samples first.</param>
    /// <param name="batchSize">Samples per batch.</param>
    public Dictionary<string, double> Evaluate(Tensor[] x, Tensor y, int batchSize = 32)
    {
        ArgumentNullException.ThrowIfNull(x);
        CheckInputCount(x, "x");
        CheckAll(x, y, "x", "y");
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be positive.");
        bool wasTraining = Model.training;
        Model.eval();
        try
        {
            foreach (var m in Metrics) m.Reset();
            long n = x[0].shape[0];
            double sum = 0;
            for (long start = 0; start < n; start += batchSize)
            {
                using var scope = NewDisposeScope();
                using var _ = no_grad();
                long count = Math.Min(batchSize, n - start);
                var xb = x.Select(t => t.narrow(0, start, count)).ToArray();
                var yb = y.narrow(0, start, count);
                var output = forward(xb);
                sum += Loss.Compute(output, yb).ToDouble() * count;
                foreach (var m in Metrics) m.Update(output, yb);
            }
            var logs = new Dictionary<string, double> { ["loss"] = sum / n };
            foreach (var m in Metrics) logs[m.Name] = m.Result();
            return logs;
        }
        finally
        {
            Model.train(wasTraining);
        }
    }

    /// <summary>The model's outputs for <paramref name="x"/>, in batches, in eval mode without gradients.</summary>
    /// <param name="x">Inputs, samples first.</param>
    /// <param name="batchSize">Samples per batch.</param>
    public Tensor Predict(Tensor x, int batchSize = 32)
    {
        ArgumentNullException.ThrowIfNull(x);
        return Predict([x], batchSize);
    }

    /// <summary>The outputs of a several-input model, in batches, in eval mode without gradients.</summary>
    /// <param name="x">One tensor per model input, samples first.</param>
    /// <param name="batchSize">Samples per batch.</param>
    public Tensor Predict(Tensor[] x, int batchSize = 32)
    {
        ArgumentNullException.ThrowIfNull(x);
        CheckInputCount(x, "x");
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be positive.");
        foreach (var t in x)
        {
            if (t.shape.Length == 0 || t.shape[0] == 0) throw new ArgumentException($"x must hold at least one sample; it has shape {Shapes.Format(t)}.", nameof(x));
            if (t.shape[0] != x[0].shape[0]) throw new ArgumentException($"All inputs must have the same number of samples; got {string.Join(" and ", x.Select(Shapes.Format))}.", nameof(x));
        }
        long n = x[0].shape[0];
        bool wasTraining = Model.training;
        Model.eval();
        var parts = new List<Tensor>();
        try
        {
            for (long start = 0; start < n; start += batchSize)
            {
                using var scope = NewDisposeScope();
                using var _ = no_grad();
                long count = Math.Min(batchSize, n - start);
                parts.Add(forward(x.Select(t => t.narrow(0, start, count)).ToArray()).MoveToOuterDisposeScope());
            }
            return parts.Count == 1 ? parts[0] : torch.cat(parts, 0);
        }
        finally
        {
            if (parts.Count > 1) foreach (var p in parts) p.Dispose();
            Model.train(wasTraining);
        }
    }

    void CheckInputCount(Tensor[] x, string name)
    {
        if (x.Length != InputCount)
            throw new ArgumentException($"The model takes {InputCount} input tensor{(InputCount == 1 ? "" : "s")}; {name} has {x.Length}.", name);
        for (int i = 0; i < x.Length; i++)
            if (x[i] is null) throw new ArgumentNullException(name, $"{name}[{i}] is null.");
    }

    static void CheckAll(Tensor[] x, Tensor y, string xName, string yName)
    {
        for (int i = 0; i < x.Length; i++) DataChecks.CheckPair(x[i], y, x.Length == 1 ? xName : $"{xName}[{i}]", yName);
    }

    /// <summary>Saves the model's weights (atomically, TorchSharp format).</summary>
    /// <param name="path">The file.</param>
    public void SaveWeights(string path) => Checkpoint.SaveWeights(Model, path);

    /// <summary>Loads weights saved by <see cref="SaveWeights"/>.</summary>
    /// <param name="path">The file.</param>
    public void LoadWeights(string path) => Checkpoint.LoadWeights(Model, path);

    /// <summary>Saves model, optimizer state, <see cref="Epoch"/> and <see cref="History"/> atomically, so training can resume.</summary>
    /// <param name="path">The file.</param>
    public void SaveCheckpoint(string path) =>
        Checkpoint.Save(path, Model, Optimizer, new CheckpointInfo(Epoch, LearningRate, OptimizerSpec.Name, History.Clone()));

    /// <summary>
    /// Restores a checkpoint written by <see cref="SaveCheckpoint"/>: weights, optimizer state, <see cref="Epoch"/>,
    /// <see cref="History"/> and learning rate. Resume with <c>Fit(..., initialEpoch: trainer.Epoch)</c>.
    /// </summary>
    /// <param name="path">The file.</param>
    public CheckpointInfo LoadCheckpoint(string path)
    {
        var info = Checkpoint.Load(path, Model, Optimizer, OptimizerSpec.Name);
        Epoch = info.Epoch;
        History = info.History;
        LearningRate = info.LearningRate;
        return info;
    }
}
