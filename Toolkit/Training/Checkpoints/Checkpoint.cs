using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using TorchSharp;
using TorchSharp.Modules;

namespace RnnToolkit.Training;

/// <summary>What a checkpoint carries besides the tensors.</summary>
/// <param name="Epoch">Epochs completed when it was written (resume with <c>initialEpoch: Epoch</c>).</param>
/// <param name="LearningRate">The optimizer's learning rate.</param>
/// <param name="Optimizer">The optimizer's name.</param>
/// <param name="History">The history up to <paramref name="Epoch"/>.</param>
public sealed record CheckpointInfo(int Epoch, double LearningRate, string Optimizer, History History);

/// <summary>
/// Weights and checkpoint files. Every file is written atomically: to a temporary file in the same folder, flushed to
/// disk, then renamed over the target, so a process killed mid-save leaves the previous file intact. Weight files use
/// TorchSharp's format (<c>Module.load</c> reads them); checkpoints hold the model, the optimizer's state, the epoch and
/// the history, and end with a marker so a truncated file is reported as such.
/// </summary>
public static class Checkpoint
{
    static readonly byte[] Magic = "RNNTKCK1"u8.ToArray();
    static readonly byte[] EndMarker = "RNNTKEND"u8.ToArray();

    static readonly JsonSerializerOptions Json = new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Test hook: runs after the payload is written and before the rename.</summary>
    internal static Action<string>? BeforeRename;

    /// <summary>Writes a file atomically: <paramref name="write"/> fills a temporary file that then replaces <paramref name="path"/>.</summary>
    /// <param name="path">The target file.</param>
    /// <param name="write">Writes the content.</param>
    public static void WriteAtomically(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        var tmp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(fs);
                fs.Flush(flushToDisk: true);
            }
            BeforeRename?.Invoke(tmp);
            File.Move(tmp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(tmp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
        RemoveStaleTemporaries(dir, Path.GetFileName(full));
    }

    /// <summary>How old a temporary file of a save must be before a later save of the same file removes it.</summary>
    public static readonly TimeSpan StaleTemporaryAge = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Temporary files left by saves that were killed before their rename (".name.guid.tmp") pile up; a successful
    /// save removes those of the same file that are older than <see cref="StaleTemporaryAge"/> (a save still being
    /// written by another process is younger than that).
    /// </summary>
    static void RemoveStaleTemporaries(string dir, string name)
    {
        var cutoff = DateTime.UtcNow - StaleTemporaryAge;
        foreach (var leftover in Directory.EnumerateFiles(dir, $".{name}.*.tmp"))
        {
            try
            {
                if (File.GetLastWriteTimeUtc(leftover) < cutoff) File.Delete(leftover);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>Saves a module's weights (TorchSharp format), atomically.</summary>
    /// <param name="module">The module.</param>
    /// <param name="path">The file.</param>
    public static void SaveWeights(torch.nn.Module module, string path) =>
        WriteAtomically(path, s =>
        {
            using var w = new BinaryWriter(s, Encoding.UTF8, leaveOpen: true);
            module.save(w);
        });

    /// <summary>Loads weights saved by <see cref="SaveWeights"/> (or TorchSharp's <c>save</c>) into a module of the same architecture.</summary>
    /// <param name="module">The module.</param>
    /// <param name="path">The file.</param>
    public static void LoadWeights(torch.nn.Module module, string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"No weights file at '{path}'.", path);
        using var fs = File.OpenRead(path);
        using var r = new BinaryReader(fs);
        module.load(r);
    }

    /// <summary>Saves model, optimizer state, epoch and history in one file, atomically.</summary>
    /// <param name="path">The file.</param>
    /// <param name="model">The model.</param>
    /// <param name="optimizer">The optimizer, or null.</param>
    /// <param name="info">Epoch, learning rate and history.</param>
    public static void Save(string path, torch.nn.Module model, torch.optim.Optimizer? optimizer, CheckpointInfo info)
    {
        var modelBytes = ToBytes(w => model.save(w));
        var optimizerBytes = optimizer is OptimizerHelper h ? ToBytes(w => h.save_state_dict(w)) : [];
        var header = JsonSerializer.SerializeToUtf8Bytes(new Header(info.Epoch, info.LearningRate, info.Optimizer, info.History.Values, info.History.Epochs, info.History.StopReason), Json);
        WriteAtomically(path, s =>
        {
            using var w = new BinaryWriter(s, Encoding.UTF8, leaveOpen: true);
            w.Write(Magic);
            w.Write(header.Length); w.Write(header);
            w.Write(modelBytes.LongLength); w.Write(modelBytes);
            w.Write(optimizerBytes.LongLength); w.Write(optimizerBytes);
            w.Write(EndMarker);
        });
    }

    /// <summary>Loads a checkpoint into <paramref name="model"/> and <paramref name="optimizer"/> (if given) and returns its epoch and history.</summary>
    /// <param name="path">The file.</param>
    /// <param name="model">A model of the saved architecture.</param>
    /// <param name="optimizer">An optimizer of the saved kind over <paramref name="model"/>'s parameters, or null.</param>
    /// <param name="optimizerName">The name of <paramref name="optimizer"/>'s kind (e.g. adam), checked against the file's before anything is loaded; null skips the check.</param>
    public static CheckpointInfo Load(string path, torch.nn.Module model, torch.optim.Optimizer? optimizer, string? optimizerName = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"No checkpoint at '{path}'.", path);
        var bytes = File.ReadAllBytes(path);
        using var r = new BinaryReader(new MemoryStream(bytes));
        try
        {
            if (!r.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic))
                throw new InvalidDataException($"'{path}' is not an RnnToolkit checkpoint (use LoadWeights for weight files).");
            var header = JsonSerializer.Deserialize<Header>(r.ReadBytes(r.ReadInt32()), Json)!;
            var modelBytes = r.ReadBytes(checked((int)r.ReadInt64()));
            var optimizerBytes = r.ReadBytes(checked((int)r.ReadInt64()));
            if (!r.ReadBytes(EndMarker.Length).AsSpan().SequenceEqual(EndMarker))
                throw new InvalidDataException($"Checkpoint '{path}' is truncated.");
            if (optimizer is not null && optimizerName is not null && optimizerBytes.Length > 0 && !string.Equals(optimizerName, header.Optimizer, StringComparison.OrdinalIgnoreCase))
                throw new InvalidDataException($"Checkpoint '{path}' holds the state of a '{header.Optimizer}' optimizer; this trainer uses '{optimizerName}'.");
            try
            {
                using (var mr = new BinaryReader(new MemoryStream(modelBytes))) model.load(mr);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.Runtime.InteropServices.ExternalException or IOException)
            {
                throw new InvalidDataException($"Checkpoint '{path}' does not fit this model ({model.GetType().Name}): {e.Message}", e);
            }
            if (optimizer is OptimizerHelper h && optimizerBytes.Length > 0)
                using (var orr = new BinaryReader(new MemoryStream(optimizerBytes))) h.load_state_dict(orr);
            var history = new History { Values = header.Values, Epochs = header.Epochs, StopReason = header.StopReason };
            return new CheckpointInfo(header.Epoch, header.LearningRate, header.Optimizer, history);
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException($"Checkpoint '{path}' is truncated.");
        }
    }

    static byte[] ToBytes(Action<BinaryWriter> write)
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, Encoding.UTF8, leaveOpen: true)) write(w);
        return ms.ToArray();
    }

    sealed record Header(int Epoch, double LearningRate, string Optimizer, Dictionary<string, List<double>> Values, List<int> Epochs, string? StopReason);
}
