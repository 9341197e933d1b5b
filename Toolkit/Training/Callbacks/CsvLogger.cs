using System.Globalization;

namespace RnnToolkit.Training;

/// <summary>
/// Appends one line per epoch to a CSV file (Keras' <c>CSVLogger</c>): <c>epoch</c> (zero-based, as Keras writes it)
/// and the epoch's values in the order they first appear. With <see cref="Append"/> false the file is rewritten when
/// training begins.
/// </summary>
public sealed class CsvLogger : Callback
{
    List<string>? keys;
    bool headerWritten;

    /// <summary>Creates the logger.</summary>
    /// <param name="path">The CSV file.</param>
    /// <param name="append">Keep an existing file and add to it (for resumed runs).</param>
    public CsvLogger(string path, bool append = false)
    {
        Path = path;
        Append = append;
    }

    /// <summary>The CSV file.</summary>
    public string Path { get; }

    /// <summary>Whether an existing file is kept.</summary>
    public bool Append { get; }

    /// <inheritdoc />
    public override void OnTrainBegin(Trainer trainer)
    {
        keys = null;
        headerWritten = Append && File.Exists(Path) && new FileInfo(Path).Length > 0;
        if (!Append && File.Exists(Path)) File.Delete(Path);
        if (headerWritten)
            keys = File.ReadLines(Path).First().Split(',').Skip(1).ToList();
    }

    /// <inheritdoc />
    public override void OnEpochEnd(Trainer trainer, int epoch, IReadOnlyDictionary<string, double> logs)
    {
        keys ??= logs.Keys.ToList();
        var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path));
        if (dir is not null) Directory.CreateDirectory(dir);
        using var w = new StreamWriter(Path, append: true);
        if (!headerWritten)
        {
            w.WriteLine("epoch," + string.Join(",", keys));
            headerWritten = true;
        }
        w.WriteLine(epoch.ToString(CultureInfo.InvariantCulture) + "," + string.Join(",", keys.Select(k =>
            logs.TryGetValue(k, out var v) ? v.ToString("R", CultureInfo.InvariantCulture) : "")));
    }
}
