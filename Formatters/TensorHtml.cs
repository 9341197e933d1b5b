using System.Globalization;
using System.Net;
using System.Text;
using static TorchSharp.torch;

namespace RnnToolkit.Formatting;

/// <summary>How <see cref="TensorHtml"/> renders tensors (PyTorch's print options, plus a heatmap switch).</summary>
public sealed class TensorFormatOptions
{
    /// <summary>Tensors with more elements than this are summarized (PyTorch's <c>threshold</c>, default 1000).</summary>
    public int Threshold { get; set; } = 1000;

    /// <summary>Items kept at the start and end of each summarized dimension (PyTorch's <c>edgeitems</c>, default 3).</summary>
    public int EdgeItems { get; set; } = 3;

    /// <summary>Significant digits of floating-point values (default 4).</summary>
    public int Precision { get; set; } = 4;

    /// <summary>Render 2-D floating-point tensors as a heatmap (cells coloured by value) instead of a plain table.</summary>
    public bool Heatmap2D { get; set; }

    /// <summary>At most this many 2-D slices of a tensor with 3 or more dimensions are shown (head and tail, default 6).</summary>
    public int MaxSlices { get; set; } = 6;
}

/// <summary>
/// The text/html and text/plain of TorchSharp tensors: a header with shape, dtype and device, then the values —
/// a scalar plainly, a vector as a one-row table, a matrix as a table, higher ranks as one table per leading index —
/// summarized with head and tail items (…) like PyTorch's print when larger than
/// <see cref="TensorFormatOptions.Threshold"/>.
/// </summary>
public static class TensorHtml
{
    /// <summary>The header: <c>Tensor [2, 3] float32 cpu</c> (plus <c>requires_grad</c> when set).</summary>
    /// <param name="t">The tensor.</param>
    public static string Header(Tensor t) => t.IsInvalid ? "Tensor (disposed)" :
        $"Tensor [{string.Join(", ", t.shape)}] {DType(t.dtype)} {t.device}" + (t.requires_grad ? " requires_grad" : "");

    /// <summary>The dtype's PyTorch name, e.g. <c>float32</c>.</summary>
    /// <param name="type">The dtype.</param>
    public static string DType(ScalarType type) => type switch
    {
        ScalarType.Float32 => "float32",
        ScalarType.Float64 => "float64",
        ScalarType.Float16 => "float16",
        ScalarType.BFloat16 => "bfloat16",
        ScalarType.Int64 => "int64",
        ScalarType.Int32 => "int32",
        ScalarType.Int16 => "int16",
        ScalarType.Int8 => "int8",
        ScalarType.Byte => "uint8",
        ScalarType.Bool => "bool",
        ScalarType.ComplexFloat32 => "complex64",
        ScalarType.ComplexFloat64 => "complex128",
        _ => type.ToString().ToLowerInvariant(),
    };

    /// <summary>Writes the HTML.</summary>
    /// <param name="t">The tensor.</param>
    /// <param name="writer">Where to write.</param>
    public static void WriteHtml(Tensor t, TextWriter writer) => writer.Write(ToHtml(t));

    /// <summary>Writes the plain text.</summary>
    /// <param name="t">The tensor.</param>
    /// <param name="writer">Where to write.</param>
    public static void WritePlain(Tensor t, TextWriter writer) => writer.Write(ToPlainText(t));

    /// <summary>The HTML.</summary>
    /// <param name="t">The tensor.</param>
    /// <param name="options">Options; <see cref="Formatters.Tensors"/> when null.</param>
    public static string ToHtml(Tensor t, TensorFormatOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(t);
        var o = options ?? Formatters.Tensors;
        var sb = new StringBuilder("<div class=\"rnntk-tensor\">");
        sb.Append("<div class=\"rnntk-tensor-header\" style=\"font-family: monospace\">").Append(Enc(Header(t))).Append("</div>");
        if (t.IsInvalid) return sb.Append("<div>(disposed)</div></div>").ToString();
        if (!Readable(t)) return sb.Append("<pre>").Append(Enc(t.ToString(TorchSharp.TensorStringStyle.Julia))).Append("</pre></div>").ToString();
        var v = Values.Read(t, o);
        if (t.dim() == 0) sb.Append("<div class=\"rnntk-scalar\" style=\"font-family: monospace\">").Append(Enc(v.Format(v.Data[0]))).Append("</div>");
        else if (t.dim() == 1) AppendTable(sb, v, [], o, heat: false);
        else if (t.dim() == 2) AppendTable(sb, v, [], o, heat: o.Heatmap2D && v.Floating);
        else AppendSlices(sb, v, [], o);
        return sb.Append("</div>").ToString();
    }

    /// <summary>The plain text: the header, then nested brackets like PyTorch's print.</summary>
    /// <param name="t">The tensor.</param>
    /// <param name="options">Options; <see cref="Formatters.Tensors"/> when null.</param>
    public static string ToPlainText(Tensor t, TensorFormatOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(t);
        var o = options ?? Formatters.Tensors;
        if (t.IsInvalid) return Header(t) + "\n(disposed)";
        if (!Readable(t)) return Header(t) + "\n" + t.ToString(TorchSharp.TensorStringStyle.Julia);
        var v = Values.Read(t, o);
        var sb = new StringBuilder(Header(t)).Append('\n');
        AppendPlain(sb, v, 0, 0, 0);
        return sb.ToString();
    }

    static void AppendPlain(StringBuilder sb, Values v, int dim, long offset, int indent)
    {
        if (v.Shape.Length == 0) { sb.Append(v.Format(v.Data[0])); return; }
        sb.Append('[');
        var idx = v.Indices[dim];
        long stride = v.Strides[dim];
        for (int i = 0; i < idx.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
                if (dim < v.Shape.Length - 1) sb.Append('\n', v.Shape.Length - 1 - dim).Append(' ', indent + 1);
                else sb.Append(' ');
            }
            if (idx[i] < 0) { sb.Append("..."); continue; }
            if (dim == v.Shape.Length - 1) sb.Append(v.Format(v.Data[offset + Slot(idx, i) * stride]));
            else AppendPlain(sb, v, dim + 1, offset + Slot(idx, i) * stride, indent + 1);
        }
        sb.Append(']');
    }

    static void AppendSlices(StringBuilder sb, Values v, List<long> prefix, TensorFormatOptions o)
    {
        int dim = prefix.Count;
        if (v.Shape.Length - dim == 2) { AppendTable(sb, v, prefix, o, heat: false); return; }
        var idx = v.Indices[dim];
        int shown = 0;
        foreach (var i in idx)
        {
            if (i < 0 || shown >= o.MaxSlices) { sb.Append("<div class=\"rnntk-ellipsis\">…</div>"); if (i >= 0) break; continue; }
            prefix.Add(i);
            if (v.Shape.Length - prefix.Count == 2)
            {
                sb.Append("<div class=\"rnntk-slice\" style=\"font-family: monospace\">[").Append(string.Join(", ", prefix)).Append(", :, :]</div>");
                shown++;
            }
            AppendSlices(sb, v, prefix, o);
            prefix.RemoveAt(prefix.Count - 1);
        }
    }

    static void AppendTable(StringBuilder sb, Values v, List<long> prefix, TensorFormatOptions o, bool heat)
    {
        int rank = v.Shape.Length;
        long[] rows = rank == 1 ? [0] : v.Indices[rank - 2];
        long[] cols = v.Indices[rank - 1];
        long baseOffset = 0;
        for (int d = 0; d < prefix.Count; d++) baseOffset += Slot(v.Indices[d], Array.IndexOf(v.Indices[d], prefix[d])) * v.Strides[d];
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        if (heat)
            foreach (var x in v.Data) if (double.IsFinite(x)) { min = Math.Min(min, x); max = Math.Max(max, x); }
        sb.Append("<table class=\"rnntk-values").Append(heat ? " rnntk-heatmap" : "").Append("\" style=\"font-family: monospace; border-collapse: collapse\">");
        sb.Append("<thead><tr><th></th>");
        foreach (var c in cols) sb.Append("<th>").Append(c < 0 ? "…" : c.ToString(CultureInfo.InvariantCulture)).Append("</th>");
        sb.Append("</tr></thead><tbody>");
        for (int ri = 0; ri < rows.Length; ri++)
        {
            long r = rows[ri];
            sb.Append("<tr><th>").Append(r < 0 ? "…" : rank == 1 ? "" : r.ToString(CultureInfo.InvariantCulture)).Append("</th>");
            for (int ci = 0; ci < cols.Length; ci++)
            {
                if (r < 0 || cols[ci] < 0) { sb.Append("<td>…</td>"); continue; }
                long off = baseOffset + (rank == 1 ? 0 : Slot(rows, ri) * v.Strides[rank - 2]) + Slot(cols, ci) * v.Strides[rank - 1];
                double x = v.Data[off];
                if (heat)
                {
                    double f = max > min && double.IsFinite(x) ? (x - min) / (max - min) : 0.5;
                    var (bg, fg) = Viridis(f);
                    sb.Append("<td data-value=\"").Append(x.ToString("R", CultureInfo.InvariantCulture)).Append("\" style=\"background-color: ").Append(bg).Append("; color: ").Append(fg).Append("\">");
                }
                else sb.Append("<td>");
                sb.Append(Enc(v.Format(x))).Append("</td>");
            }
            sb.Append("</tr>");
        }
        sb.Append("</tbody></table>");
    }

    /// <summary>A colour of the viridis scale for <paramref name="f"/> in [0, 1], and a readable text colour on it.</summary>
    /// <param name="f">Position on the scale.</param>
    public static (string Background, string Text) Viridis(double f)
    {
        ReadOnlySpan<(double R, double G, double B)> stops = [(68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37)];
        f = Math.Clamp(double.IsFinite(f) ? f : 0.5, 0, 1) * (stops.Length - 1);
        int i = Math.Min((int)f, stops.Length - 2);
        double u = f - i;
        int r = (int)Math.Round(stops[i].R + u * (stops[i + 1].R - stops[i].R));
        int g = (int)Math.Round(stops[i].G + u * (stops[i + 1].G - stops[i].G));
        int b = (int)Math.Round(stops[i].B + u * (stops[i + 1].B - stops[i].B));
        return ($"#{r:x2}{g:x2}{b:x2}", f / (stops.Length - 1) > 0.6 ? "#000000" : "#ffffff");
    }

    /// <summary>Whether the values convert to double (not complex).</summary>
    static bool Readable(Tensor t) => t.dtype is not (ScalarType.ComplexFloat32 or ScalarType.ComplexFloat64);

    /// <summary>The position in the kept (summarized) data of entry <paramref name="i"/> of <paramref name="idx"/>.</summary>
    static long Slot(long[] idx, int i)
    {
        long slot = i;
        for (int j = 0; j < i; j++) if (idx[j] < 0) slot--;
        return slot;
    }

    static string Enc(string s) => WebUtility.HtmlEncode(s);

    /// <summary>The values of a tensor, summarized: for each dimension the kept indices (-1 marks the ellipsis).</summary>
    sealed class Values
    {
        public required long[] Shape;
        public required long[][] Indices;
        public required long[] Strides;
        public required double[] Data;
        public required bool Floating;
        public required bool Boolean;
        public required int Precision;

        public string Format(double x)
        {
            if (Boolean) return x != 0 ? "True" : "False";
            if (!Floating) return x.ToString("0", CultureInfo.InvariantCulture);
            if (double.IsNaN(x)) return "nan";
            if (double.IsInfinity(x)) return x > 0 ? "inf" : "-inf";
            double a = Math.Abs(x);
            return a != 0 && (a < 1e-4 || a >= 1e8)
                ? x.ToString("0." + new string('0', Precision) + "e+00", CultureInfo.InvariantCulture)
                : x.ToString("0." + new string('0', Precision), CultureInfo.InvariantCulture);
        }

        public static Values Read(Tensor t, TensorFormatOptions o)
        {
            using var scope = NewDisposeScope();
            var shape = t.shape;
            bool summarize = t.numel() > o.Threshold;
            var x = t.detach();
            var indices = new long[shape.Length][];
            for (int d = 0; d < shape.Length; d++)
            {
                long n = shape[d];
                if (summarize && n > 2L * o.EdgeItems)
                {
                    var keep = Enumerable.Range(0, o.EdgeItems).Select(i => (long)i).Concat(Enumerable.Range(0, o.EdgeItems).Select(i => n - o.EdgeItems + i)).ToArray();
                    x = x.index_select(d, tensor(keep, device: t.device));
                    indices[d] = [.. keep.Take(o.EdgeItems), -1, .. keep.Skip(o.EdgeItems)];
                }
                else indices[d] = Enumerable.Range(0, (int)n).Select(i => (long)i).ToArray();
            }
            var kept = x.shape;
            var strides = new long[kept.Length];
            long s = 1;
            for (int d = kept.Length - 1; d >= 0; d--) { strides[d] = s; s *= kept[d]; }
            bool floating = t.dtype is ScalarType.Float32 or ScalarType.Float64 or ScalarType.Float16 or ScalarType.BFloat16;
            bool boolean = t.dtype == ScalarType.Bool;
            var data = x.cpu().to_type(ScalarType.Float64).contiguous().data<double>().ToArray();
            // Strides over the kept tensor; the ellipsis entries (-1) take no slot, so index positions skip them.
            return new Values
            {
                Shape = shape,
                Indices = indices,
                Strides = strides,
                Data = data,
                Floating = floating,
                Boolean = boolean,
                Precision = o.Precision,
            };
        }
    }
}
