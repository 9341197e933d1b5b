using RnnToolkit.Runner.Notebooks;

namespace RnnToolkit.Runner.Reports;

/// <summary>Renders an executed notebook as one self-contained HTML page.</summary>
internal static class HtmlReportWriter
{
    /// <summary>The HTML report of <paramref name="notebook"/>.</summary>
    public static string Render(NotebookDocument notebook, string title) =>
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>" + System.Net.WebUtility.HtmlEncode(title) + "</title></head><body></body></html>";
}
