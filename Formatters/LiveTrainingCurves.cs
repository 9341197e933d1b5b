using RnnToolkit.Training;

namespace RnnToolkit.Formatting;

/// <summary>An output shown in a notebook that can be replaced in place (a .NET Interactive <c>DisplayedValue</c>).</summary>
public interface IDisplayHandle
{
    /// <summary>Replaces the shown value (re-formatted).</summary>
    /// <param name="value">The new value.</param>
    void Update(object value);
}

/// <summary>
/// Training curves that grow in place while <c>Trainer.Fit</c> runs: one output, updated after every epoch (a notebook
/// sees one chart grow, not fifty outputs). Pass it to <c>Fit</c> as a callback (<c>callbacks: [live]</c>) or as the
/// progress receiver (<c>progress: live</c>); either (or both) works.
/// <para>In a notebook write <c>new LiveTrainingCurves()</c>: it shows the chart through <see cref="NotebookDisplay.Show"/>,
/// whose handle replaces the output in place (the kernel's own <c>display(v).Update</c> does not in .NET Interactive
/// 1.0.712001: it updates a display id that was never shown). Any other host can pass how to show and replace a value.
/// The shown value is a copy of the
/// <see cref="History"/> so far, which <see cref="Formatters.Register"/> formats as the training-curve chart.</para>
/// </summary>
public sealed class LiveTrainingCurves : Callback, IProgress<TrainingProgress>
{
    readonly Func<object, Action<object>> show;
    readonly object gate = new();
    Action<object>? update;
    DateTime lastUpdate = DateTime.MinValue;
    bool pending;

    /// <summary>Creates the live display shown through <see cref="NotebookDisplay.Show"/> (updates in place in the
    /// .NET Interactive kernel, where <c>display(v).Update</c> does not).</summary>
    public LiveTrainingCurves() : this(v => NotebookDisplay.Show(v).Update)
    {
    }

    /// <summary>Creates the live display.</summary>
    /// <param name="show">Shows a first value and returns how to replace it.</param>
    public LiveTrainingCurves(Func<object, Action<object>> show)
    {
        ArgumentNullException.ThrowIfNull(show);
        this.show = show;
    }

    /// <summary>Creates the live display over a display-handle abstraction.</summary>
    /// <param name="show">Shows a first value and returns its handle.</param>
    public static LiveTrainingCurves Create(Func<object, IDisplayHandle> show)
    {
        ArgumentNullException.ThrowIfNull(show);
        return new LiveTrainingCurves(v => show(v).Update);
    }

    /// <summary>The epochs recorded so far.</summary>
    public History History { get; } = new();

    /// <summary>The least time between two updates (default 0: every epoch); the last epoch always updates.</summary>
    public TimeSpan MinInterval { get; init; } = TimeSpan.Zero;

    /// <summary>Also plot the learning rate.</summary>
    public bool IncludeLearningRate { get; init; }

    /// <summary>How many times the output was shown or replaced.</summary>
    public int Updates { get; private set; }

    /// <summary>Shows the (empty) chart now, before training; otherwise it appears when training begins.</summary>
    public void Show()
    {
        lock (gate) EnsureShown();
    }

    /// <inheritdoc />
    public override void OnTrainBegin(Trainer trainer) => Show();

    /// <inheritdoc />
    public override void OnEpochEnd(Trainer trainer, int epoch, IReadOnlyDictionary<string, double> logs) => Record(epoch, logs);

    /// <inheritdoc />
    public override void OnTrainEnd(Trainer trainer) => Flush();

    /// <summary>Records the end-of-epoch reports (batch reports are ignored).</summary>
    /// <param name="value">A progress report.</param>
    public void Report(TrainingProgress value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!value.EpochCompleted) return;
        Record(value.Epoch, value.Logs);
        if (value.Epoch + 1 >= value.Epochs) Flush();
    }

    /// <summary>Records one epoch's values (replacing that epoch if it was recorded already) and updates the output.</summary>
    /// <param name="epoch">Zero-based epoch.</param>
    /// <param name="logs">Its values.</param>
    public void Record(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        lock (gate)
        {
            EnsureShown();
            int at = History.Epochs.IndexOf(epoch);
            if (at >= 0)
            {
                foreach (var (k, v) in logs)
                    if (History.Values.TryGetValue(k, out var list)) list[at] = v;
            }
            else History.Add(epoch, logs);
            pending = true;
            if (DateTime.UtcNow - lastUpdate >= MinInterval) Push();
        }
    }

    /// <summary>Pushes the latest values if an update is pending.</summary>
    public void Flush()
    {
        lock (gate)
        {
            EnsureShown();
            if (pending) Push();
        }
    }

    /// <summary>The value shown: a copy of <see cref="History"/> (formatted as the chart), or the chart itself when
    /// <see cref="IncludeLearningRate"/> is set.</summary>
    public object Snapshot() => IncludeLearningRate ? new LiveChart(Charts.TrainingCurves(History, includeLearningRate: true)) : History.Clone();

    void EnsureShown()
    {
        if (update is not null) return;
        update = show(Snapshot()) ?? throw new InvalidOperationException("The show delegate returned no update action.");
        Updates++;
        lastUpdate = DateTime.UtcNow;
    }

    void Push()
    {
        update!(Snapshot());
        Updates++;
        pending = false;
        lastUpdate = DateTime.UtcNow;
    }
}

/// <summary>A chart to show as a notebook output (formatted like a <c>GenericChart</c>).</summary>
/// <param name="Chart">The chart.</param>
[TypeFormatterSource(typeof(LiveChart))]
public sealed record LiveChart(Plotly.NET.GenericChart Chart);
