using Microsoft.DotNet.Interactive.Formatting;
using RnnToolkit.Formatting;

namespace RnnToolkit.FormatterTests;

/// <summary>
/// <see cref="NotebookDisplay.Show"/> updates the output that was published. Formatting 1.0.0-beta.26120.1's own
/// <c>Display</c> returns a value whose display id differs from the published one, which is why live charts stood still
/// in the kernel; the kernel end of this is in Tests/Notebooks.Tests (live curves under the runner and under Jupyter).
/// </summary>
[Collection("displayed values")]
public class NotebookDisplayTests
{
    // What a kernel receives, as it receives it (a DisplayedValue is mutated by its Update, so it is copied here).
    sealed record Seen(string DisplayId, bool IsUpdated, object Value, string Text);

    static List<Seen> Capture(Action act)
    {
        var seen = new List<Seen>();
        using (Formatter.SubscribeToDisplayedValues(v =>
               {
                   lock (seen) seen.Add(new Seen(v.DisplayId, v.IsUpdated, v.Value, v.FormattedValues.Single(f => f.MimeType == "text/plain").Value));
               }))
            act();
        return seen;
    }

    [Fact]
    public void Update_replaces_the_published_output()
    {
        var first = new object[] { "first" };
        var second = new object[] { "second" };
        var seen = Capture(() => NotebookDisplay.Show(first, "text/plain").Update(second));
        var published = Assert.Single(seen, v => !v.IsUpdated && ReferenceEquals(v.Value, first));
        var updated = Assert.Single(seen, v => v.IsUpdated);
        Assert.Equal(published.DisplayId, updated.DisplayId);
        Assert.Same(second, updated.Value);
        Assert.Contains("second", updated.Text);
        Assert.Contains("first", published.Text);
    }

    [Fact]
    public void Each_show_is_its_own_output()
    {
        var seen = Capture(() =>
        {
            NotebookDisplay.Show(new object[] { 1 }, "text/plain");
            NotebookDisplay.Show(new object[] { 2 }, "text/plain").Update(new object[] { 3 });
        });
        var shown = seen.Where(v => !v.IsUpdated).ToList();
        Assert.Equal(2, shown.Count);
        Assert.NotEqual(shown[0].DisplayId, shown[1].DisplayId);
        Assert.Equal(shown[1].DisplayId, seen.Single(v => v.IsUpdated).DisplayId);
    }

    [Fact]
    public void A_null_value_is_refused_with_its_name() =>
        Assert.Equal("value", Assert.Throws<ArgumentNullException>(() => NotebookDisplay.Show(null!)).ParamName);
}
