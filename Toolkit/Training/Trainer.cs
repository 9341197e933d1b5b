using RnnToolkit.Data;
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
    /// Trains (Keras' <c>fit</c>) for epochs <see cref="FitOptions.InitialEpoch"/> .. <see cref="FitOptions.Epochs"/> - 1 and
    /// returns this call's history: <c>loss</c>, each metric, their <c>val_</c> versions when there is validation data, and
    /// <c>lr</c>. All options are checked before training starts. A NaN or infinite batch loss stops training with a
    /// message in <see cref="History.StopReason"/> and restores the weights of the last epoch that ended with a finite loss.
    /// </summary>
    /// <param name="x">Inputs, samples first (e.g. (1000, 10, 1)).</param>
    /// <param name="y">Targets, samples first.</param>
    /// <param name="options">How to train (defaults: one epoch of batches of 32, shuffled, with a progress bar).</param>
    public History Fit(Tensor x, Tensor y, FitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        return Fit([x], y, options);
    }

    /// <summary><c>Fit</c> on a generated data set (<c>trainer.Fit(train, new FitOptions { Epochs = 10, ValidationData = test })</c>).</summary>
    /// <param name="data">Inputs and targets, samples first.</param>
    /// <param name="options">How to train.</param>
    public History Fit(SupervisedData data, FitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Fit([data.X], data.Y, options);
    }

    /// <summary>
    /// <c>Fit</c> for a model with several inputs (Keras' <c>fit([x1, x2], y)</c>): <paramref name="x"/> holds one tensor
    /// per model input, all with the same number of samples. See the single-input <c>Fit</c>.
    /// </summary>
    /// <param name="x">The inputs, one tensor per model input.</param>
    /// <param name="y">Targets, samples first.</param>
    /// <param name="options">How to train.</param>
    public History Fit(Tensor[] x, Tensor y, FitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        options ??= new FitOptions();
        CheckInputCount(x, "x");
        CheckOptions(options);
        CheckAll(x, y, "x", "y");
        using var data = FitData.Split(x, y, options, this);
        CheckStateful(options, data);
        CheckShapes(data.X, data.Y, "x", "y");
        if (data.ValX is not null) CheckShapes(data.ValX, data.ValY!, "validationData.X", "validationData.Y");
        return new TrainingRun(this, data, options).Run();
    }

    static void CheckOptions(FitOptions o)
    {
        ArgumentNullException.ThrowIfNull(o.Callbacks, "options.Callbacks");
        if (o.Epochs < 0) throw new ArgumentOutOfRangeException("options.Epochs", o.Epochs, "Epochs must be non-negative.");
        if (o.InitialEpoch < 0) throw new ArgumentOutOfRangeException("options.InitialEpoch", o.InitialEpoch, "The initial epoch must be non-negative.");
        if (o.BatchSize <= 0) throw new ArgumentOutOfRangeException("options.BatchSize", o.BatchSize, "The batch size must be positive.");
        if (o.ValidationSplit is < 0 or >= 1 || double.IsNaN(o.ValidationSplit))
            throw new ArgumentOutOfRangeException("options.ValidationSplit", o.ValidationSplit, "The validation split must be in [0, 1).");
        if (o.Verbose is < 0 or > 2) throw new ArgumentOutOfRangeException("options.Verbose", o.Verbose, "Verbose must be 0 (silent), 1 (progress bar) or 2 (one line per epoch).");
        if (o.TruncatedBptt is int k && k <= 0) throw new ArgumentOutOfRangeException("options.TruncatedBptt", k, $"TruncatedBptt: expected k ≥ 1 steps (or null for whole sequences); got {k}.");
    }

    // Stateful training and truncated BPTT need stateful layers, batches that continue each other, and per-step targets.
    void CheckStateful(FitOptions o, FitData data)
    {
        var stateful = StatefulLayers();
        bool carries = o.Stateful || o.TruncatedBptt is not null;
        if (!carries && stateful.Count > 0)
            throw new ArgumentException($"The model has stateful layers ({string.Join(", ", stateful.Select(l => l.GetType().Name))}); expected FitOptions.Stateful = true (consecutive batches continue the same sequences) or TruncatedBptt = k; got neither.", "options");
        if (carries && stateful.Count == 0)
            throw new ArgumentException($"FitOptions.{(o.Stateful ? "Stateful" : "TruncatedBptt")}: expected a model with at least one stateful recurrent layer to carry the state (e.g. new Lstm(…, stateful: true)); got none.", "options");
        if (o.Stateful && o.Shuffle)
            throw new ArgumentException("FitOptions.Stateful: expected Shuffle = false (sample i of batch b + 1 continues sample i of batch b); got Shuffle = true.", "options");
        if (o.Stateful)
            foreach (var (part, t) in new[] { ("training", data.X[0]), ("validation", data.ValX?[0]) })
                if (t is not null && t.shape[0] % o.BatchSize != 0)
                    throw new ArgumentException($"FitOptions.Stateful: expected a number of {part} samples divisible by BatchSize = {o.BatchSize} (every batch continues the previous one sample by sample); got {t.shape[0]} samples.", "options");
        if (o.TruncatedBptt is int k)
        {
            long T = data.X[0].dim() >= 2 ? data.X[0].shape[1] : 0;
            foreach (var (name, t) in data.X.Select((t, i) => ($"x[{i}]", t)).Append(("y", data.Y)))
                if (t.dim() < 2 || t.shape[1] != T)
                    throw new ArgumentException($"TruncatedBptt = {k}: expected inputs and per-step targets with the same time axis, (samples, T, …) with T = {T}; got {name} of shape {Shapes.Format(t)}.", "options");
        }
    }

    /// <summary>The model's layers that carry state between calls (Keras's stateful layers).</summary>
    internal List<Layers.RecurrentLayer> StatefulLayers() =>
        new[] { Model }.Concat(Model.modules()).Distinct().OfType<Layers.RecurrentLayer>().Where(l => l.Stateful).ToList();

    /// <summary>Resets every stateful layer of the model (Keras's <c>model.reset_states()</c>).</summary>
    public void ResetStates()
    {
        foreach (var l in StatefulLayers()) l.ResetStates();
    }

    /// <summary>
    /// Runs the model over <paramref name="plan"/>, each batch in its own dispose scope, resetting the stateful layers where
    /// a batch starts fresh. <paramref name="visit"/> gets the batch index, the batch, the output and the targets (null
    /// without <paramref name="y"/>) and returns false to stop; <paramref name="proceed"/>, when given, is asked before each batch.
    /// </summary>
    internal void RunBatches(Tensor[] x, Tensor? y, IReadOnlyList<Batch> plan, Func<int, Batch, Tensor, Tensor?, bool> visit, Func<int, bool>? proceed = null)
    {
        var stateful = StatefulLayers();
        for (int b = 0; b < plan.Count; b++)
        {
            if (proceed is not null && !proceed(b)) return;
            var batch = plan[b];
            if (batch.Fresh) foreach (var l in stateful) l.ResetStates();
            using var scope = NewDisposeScope();
            using var index = torch.tensor(batch.Samples);
            var output = forward(x.Select(t => batch.Of(t, index)).ToArray());
            if (!visit(b, batch, output, y is null ? null : batch.Of(y, index))) return;
        }
    }

    /// <summary>The model's output for a batch (its inputs, one tensor per model input).</summary>
    internal Tensor Forward(Tensor[] x) => forward(x);

    /// <summary>Where <see cref="Report"/> writes while a <c>Fit</c> runs (null: silent).</summary>
    internal Action<string>? MessageSink { set => messageSink = value; }

    /// <summary>Records a finished epoch.</summary>
    internal void Record(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        History.Add(epoch, logs);
        Epoch = epoch + 1;
    }

    /// <summary>Runs the model on a couple of samples to check the targets' shape and type against the loss and metrics.</summary>
    void CheckShapes(Tensor[] x, Tensor y, string xName, string yName)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        bool wasTraining = Model.training;
        Model.eval();
        ResetStates();
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
            ResetStates();
            Model.train(wasTraining);
        }
    }

    /// <summary>The loss and metrics on <paramref name="x"/>, <paramref name="y"/> (eval mode, no gradients; a stateful model's batches continue each other, from zero states).</summary>
    /// <param name="x">Inputs, samples first.</param>
    /// <param name="y">Targets, samples first.</param>
    /// <param name="batchSize">Samples per batch.</param>
    public Dictionary<string, double> Evaluate(Tensor x, Tensor y, int batchSize = 32)
    {
        ArgumentNullException.ThrowIfNull(x);
        return Evaluate([x], y, batchSize);
    }

    /// <summary>The loss and metrics of a several-input model (eval mode, no gradients; a stateful model's batches continue each other, from zero states).</summary>
    /// <param name="x">One tensor per model input, samples first.</param>
    /// <param name="y">Targets, samples first.</param>
    /// <param name="batchSize">Samples per batch.</param>
    public Dictionary<string, double> Evaluate(Tensor[] x, Tensor y, int batchSize = 32)
    {
        ArgumentNullException.ThrowIfNull(x);
        CheckInputCount(x, "x");
        CheckAll(x, y, "x", "y");
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be positive.");
        return Evaluate(x, y, Batch.Plan(InOrder(x[0].shape[0]), batchSize, continued: StatefulLayers().Count > 0, steps: null, length: 0));
    }

    /// <summary>The loss and metrics over the batches of <paramref name="plan"/> (eval mode, no gradients).</summary>
    internal Dictionary<string, double> Evaluate(Tensor[] x, Tensor y, IReadOnlyList<Batch> plan)
    {
        bool wasTraining = Model.training;
        Model.eval();
        try
        {
            using var _ = no_grad();
            foreach (var m in Metrics) m.Reset();
            double sum = 0;
            long weight = 0;
            RunBatches(x, y, plan, (_, batch, output, yb) =>
            {
                sum += Loss.Compute(output, yb!).ToDouble() * batch.Weight;
                weight += batch.Weight;
                foreach (var m in Metrics) m.Update(output, yb!);
                return true;
            });
            var logs = new Dictionary<string, double> { ["loss"] = sum / weight };
            foreach (var m in Metrics) logs[m.Name] = m.Result();
            return logs;
        }
        finally
        {
            Model.train(wasTraining);
        }
    }

    /// <summary>Sample indices 0 … n − 1.</summary>
    internal static long[] InOrder(long n)
    {
        var order = new long[n];
        for (long i = 0; i < n; i++) order[i] = i;
        return order;
    }

    /// <summary>The model's outputs for <paramref name="x"/>, in batches, in eval mode without gradients.</summary>
    /// <param name="x">Inputs, samples first.</param>
    /// <param name="batchSize">Samples per batch.</param>
    public Tensor Predict(Tensor x, int batchSize = 32)
    {
        ArgumentNullException.ThrowIfNull(x);
        return Predict([x], batchSize);
    }

    /// <summary>The outputs of a several-input model, in batches, in eval mode without gradients (a stateful model's batches continue each other, from zero states).</summary>
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
        bool wasTraining = Model.training;
        Model.eval();
        var parts = new List<Tensor>();
        try
        {
            using var _ = no_grad();
            var plan = Batch.Plan(InOrder(x[0].shape[0]), batchSize, continued: StatefulLayers().Count > 0, steps: null, length: 0);
            RunBatches(x, null, plan, (_, _, output, _) =>
            {
                parts.Add(output.MoveToOuterDisposeScope());
                return true;
            });
            return parts.Count == 1 ? parts[0] : torch.cat(parts, 0);
        }
        finally
        {
            if (parts.Count > 1) foreach (var p in parts) p.Dispose();
            Model.train(wasTraining);
        }
    }

    /// <summary>Checks validation inputs and targets as <c>Fit</c>'s own.</summary>
    internal void CheckValidationData(Tensor[] x, Tensor y)
    {
        CheckInputCount(x, "validationData.X");
        CheckAll(x, y, "validationData.X", "validationData.Y");
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
    /// <see cref="History"/> and learning rate. Resume with <c>Fit(x, y, options with { InitialEpoch = trainer.Epoch })</c>.
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
