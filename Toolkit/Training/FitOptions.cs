namespace RnnToolkit.Training;

/// <summary>
/// How <c>Trainer.Fit</c> trains (Keras's <c>fit</c> arguments): <c>trainer.Fit(x, y, new FitOptions { Epochs = 10, BatchSize = 32 })</c>.
/// The loss, optimizer and metrics belong to the trainer (<c>Compile</c>); gradient clipping is a callback (<see cref="GradientClipping"/>).
/// </summary>
public sealed record FitOptions
{
    /// <summary>The index of the last epoch + 1: the number of epochs when starting from 0 (default 1).</summary>
    public int Epochs { get; init; } = 1;

    /// <summary>Samples per batch (default 32; the last batch may be smaller unless <see cref="Stateful"/>).</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Fraction of the samples, taken from the end before shuffling, held out for validation (default 0).</summary>
    public double ValidationSplit { get; init; }

    /// <summary>Validation inputs and targets (takes precedence over <see cref="ValidationSplit"/>); a tuple <c>(x, y)</c> converts.</summary>
    public ValidationData? ValidationData { get; init; }

    /// <summary>Shuffle the training samples every epoch (default true; must be false when <see cref="Stateful"/>).</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>Callbacks, called in order.</summary>
    public IReadOnlyList<Callback> Callbacks { get; init; } = [];

    /// <summary>0 silent, 1 progress bar (default), 2 one line per epoch (written to <see cref="Output"/>).</summary>
    public int Verbose { get; init; } = 1;

    /// <summary>Receives every progress report (in addition to the <see cref="Verbose"/> output).</summary>
    public IProgress<TrainingProgress>? Progress { get; init; }

    /// <summary>The epoch to start at (to resume: <see cref="Trainer.Epoch"/> after <see cref="Trainer.LoadCheckpoint"/>).</summary>
    public int InitialEpoch { get; init; }

    /// <summary>Seeds shuffling and torch's generator per epoch, so runs (and resumed runs) are reproducible.</summary>
    public int? Seed { get; init; }

    /// <summary>Where verbose output goes (the console by default).</summary>
    public TextWriter? Output { get; init; }

    /// <summary>Stops training after the current batch (a notebook's interrupt); the history so far is returned with a <see cref="History.StopReason"/>.</summary>
    public CancellationToken CancellationToken { get; init; }

    /// <summary>
    /// Consecutive batches continue the same sequences (Keras's stateful training, d2l's sequential partitioning): sample
    /// i of batch b + 1 follows sample i of batch b, and the model's stateful layers carry their states (detached) from one
    /// batch to the next, starting from zeros at every epoch. Needs <see cref="Shuffle"/> false, a sample count divisible
    /// by <see cref="BatchSize"/>, and at least one stateful layer in the model.
    /// </summary>
    public bool Stateful { get; init; }

    /// <summary>
    /// Truncated backpropagation through time over k steps: each batch of sequences (samples, T, …) with per-step
    /// targets (samples, T, …) is run in pieces of k steps, in order, each with its own loss, backward pass and
    /// optimizer step; the stateful layers carry the state from piece to piece, detached, so gradients reach at most
    /// k steps back while the forward pass is the full sequence's. Needs stateful layers in the model; null (default): whole sequences.
    /// </summary>
    public int? TruncatedBptt { get; init; }
}
