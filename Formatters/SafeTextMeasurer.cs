using OxyPlot;

namespace RnnToolkit.Formatting;

/// <summary>
/// Measures text for OxyPlot's SVG export with room for the font a reader's browser actually uses. OxyPlot sizes legend
/// boxes (and clips their text to them) by the standard PDF metrics of Arial/Helvetica; where the browser substitutes a
/// wider sans-serif (DejaVu Sans on most Linux hosts, CJK fonts for Chinese labels) "val_accuracy" was clipped to
/// "val_accura". Widths are measured with those metrics and widened by <see cref="WidthFactor"/>; nothing is drawn.
/// </summary>
sealed class SafeTextMeasurer(double width, double height) : RenderContextBase
{
    /// <summary>DejaVu Sans is about 15 % wider than Arial; 25 % also covers bold and mixed-script labels.</summary>
    internal const double WidthFactor = 1.25;

    readonly PdfRenderContext metrics = new(width, height, OxyColors.White);

    /// <summary>
    /// Latin text by Arial's metrics (the font stack's first font; other names would get narrower fallback metrics),
    /// widened; wide (CJK) characters, which those metrics lack, one em each.
    /// </summary>
    public override OxySize MeasureText(string text, string fontFamily, double fontSize, double fontWeight)
    {
        int wide = text.Count(IsWide);
        var latin = wide == 0 ? text : new string(text.Where(c => !IsWide(c)).ToArray());
        var size = metrics.MeasureText(latin.Length == 0 ? " " : latin, "Arial", fontSize, fontWeight);
        return new OxySize((latin.Length == 0 ? 0 : size.Width * WidthFactor) + wide * fontSize, size.Height);
    }

    static bool IsWide(char c) => c >= '\u2E80';

    // A measurer only: OxyPlot's SVG context draws; these are never called through it.
    public override void DrawLine(IList<ScreenPoint> points, OxyColor stroke, double thickness, EdgeRenderingMode edgeRenderingMode, double[]? dashArray, LineJoin lineJoin) { }
    public override void DrawPolygon(IList<ScreenPoint> points, OxyColor fill, OxyColor stroke, double thickness, EdgeRenderingMode edgeRenderingMode, double[]? dashArray, LineJoin lineJoin) { }
    public override void DrawText(ScreenPoint p, string text, OxyColor fill, string fontFamily, double fontSize, double fontWeight, double rotation, HorizontalAlignment halign, VerticalAlignment valign, OxySize? maxSize) { }
    public override void PushClip(OxyRect clippingRectangle) { }
    public override void PopClip() { }
    public override int ClipCount => 0;
}
