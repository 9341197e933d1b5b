using Microsoft.DotNet.Interactive.Formatting;
using RnnToolkit.Formatting;
using RnnToolkit.Training;

namespace RnnToolkit.FormatterTests;

public class RegistrationTests
{
    [Fact]
    public void Register_is_idempotent_and_survives_a_reset()
    {
        RnnToolkit.Formatters.Register();
        int count = Formatter.RegisteredFormatters(false).OfType<IRnnToolkitFormatter>().Count();
        Assert.True(count >= 10);
        RnnToolkit.Formatters.Register();
        Assert.Equal(count, Formatter.RegisteredFormatters(false).OfType<IRnnToolkitFormatter>().Count());

        Formatter.ResetToDefault();
        Assert.False(RnnToolkit.Formatters.IsRegistered);
        using var t = ones(2);
        RnnToolkit.Formatters.Register();
        Assert.True(RnnToolkit.Formatters.IsRegistered);
        Assert.Equal(count, Formatter.RegisteredFormatters(false).OfType<IRnnToolkitFormatter>().Count());
        Assert.Contains("rnntk-tensor", t.ToDisplayString("text/html"));
        Assert.Equal(["text/html", "text/plain"], Formatter.GetPreferredMimeTypesFor(typeof(Tensor)).ToArray());
        Assert.Equal(["text/html", "image/svg+xml"], Formatter.GetPreferredMimeTypesFor(typeof(History)).ToArray());
    }
}

public class ConventionTests
{
    [Fact]
    public void Toolkit_types_format_by_convention_without_register()
    {
        Formatter.ResetToDefault();
        try
        {
            Assert.False(RnnToolkit.Formatters.IsRegistered);
            var (data, _) = Support.Html.SingleFigure(ChartTests.SampleHistory().ToDisplayString("text/html"));
            Assert.Equal(4, data.GetArrayLength());
            var results = new RnnToolkit.Experiments.GradientFlowResult("RNN", [1e-3, 1], 0.1);
            Assert.Single(Support.Html.SingleFigure(results.ToDisplayString("text/html")).Data.EnumerateArray());
            Assert.Equal(ChartTests.SampleHistory().ToString(), ChartTests.SampleHistory().ToDisplayString("text/plain"));
        }
        finally
        {
            Formatter.ResetToDefault();
            RnnToolkit.Formatters.Register();
        }
    }
}
