using Microsoft.DotNet.Interactive.Formatting;
using RnnToolkit.Formatting;
using RnnToolkit.Training;

namespace RnnToolkit.FormatterTests;

public class LiveTrainingCurvesTests
{
    public LiveTrainingCurvesTests() => RnnToolkit.Formatters.Register();

    /// <summary>Stands in for a notebook's display: one output per <c>display</c>, replaced by <c>Update</c>.</summary>
    sealed class FakeDisplay
    {
        public List<List<string>> Outputs { get; } = [];

        public Action<object> Show(object value)
        {
            var output = new List<string> { value.ToDisplayString("text/html") };
            Outputs.Add(output);
            return v => output.Add(v.ToDisplayString("text/html"));
        }
    }

    static (Trainer Trainer, Tensor X, Tensor Y) Setup()
    {
        random.manual_seed(1);
        var model = nn.Sequential(nn.Linear(3, 1));
        var x = randn(32, 3);
        var y = x.sum(1, keepdim: true);
        return (new Trainer(model, Losses.MeanSquaredError(), metrics: [Metrics.MeanAbsoluteError()]), x, y);
    }

    [Fact]
    public void Fit_grows_one_chart_in_place()
    {
        var (trainer, x, y) = Setup();
        var display = new FakeDisplay();
        var live = new LiveTrainingCurves(display.Show);
        var history = trainer.Fit(x, y, new FitOptions { Epochs = 4, BatchSize = 8, ValidationSplit = 0.25, Callbacks = [live], Verbose = 0 });
        var output = Assert.Single(display.Outputs);
        Assert.Equal(5, output.Count); // the empty chart, then one update per epoch
        var (data, _) = Support.Html.SingleFigure(output[^1]);
        var loss = data.EnumerateArray().Single(t => t.GetProperty("name").GetString() == "loss");
        Assert.Equal(history["loss"].ToArray(), Support.Html.Doubles(loss.GetProperty("y")));
        Assert.Contains(data.EnumerateArray(), t => t.GetProperty("name").GetString() == "val_mae");
        Assert.Equal(2, Support.Html.SingleFigure(output[2]).Data[0].GetProperty("y").GetArrayLength());
    }

    [Fact]
    public void Works_as_progress_receiver_and_through_a_display_handle()
    {
        var (trainer, x, y) = Setup();
        var handle = new RecordingHandle();
        var live = LiveTrainingCurves.Create(v => { handle.Values.Add(v); return handle; });
        trainer.Fit(x, y, new FitOptions { Epochs = 3, BatchSize = 8, Progress = live, Callbacks = [live], Verbose = 0 });
        Assert.Equal(3, live.History.Count); // reported twice per epoch, recorded once
        var last = Assert.IsType<History>(handle.Values[^1]);
        Assert.Equal(3, last.Count);
        Assert.Equal([0, 1, 2], last.Epochs);
    }

    sealed class RecordingHandle : IDisplayHandle
    {
        public List<object> Values { get; } = [];
        public void Update(object value) => Values.Add(value);
    }
}
