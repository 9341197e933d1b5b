using System.Text;
using System.Text.Json.Nodes;

namespace RnnToolkit.Runner.Kernel;

/// <summary>
/// Collects what a notebook's cells publish (streams, displays, return values, errors) into the cells' nbformat
/// <c>outputs</c> arrays, the way nbclient records the kernel's iopub messages. Display ids are notebook-wide, so
/// <c>DisplayedValue.Update</c> rewrites an output even from a later cell.
/// </summary>
sealed class OutputSink
{
    readonly Dictionary<string, List<JsonObject>> displaysById = new(StringComparer.Ordinal);
    JsonArray? currentOutputs;
    int currentCount;
    bool detached;

    /// <summary>Creates a sink; <paramref name="gate"/> guards every change to the notebook JSON.</summary>
    public OutputSink(object gate, Action<string, string>? echo)
    {
        Gate = gate;
        Echo = echo;
    }

    /// <summary>The lock guarding the notebook JSON (also taken by saves).</summary>
    public object Gate { get; }

    /// <summary>When set, receives (kind, text) of every output as it is produced (<c>--log-output</c>).</summary>
    public Action<string, string>? Echo { get; }

    /// <summary>True when outputs changed since the last <see cref="ClearDirty"/>.</summary>
    public bool IsDirty { get; private set; }

    /// <summary>Resets <see cref="IsDirty"/>.</summary>
    public void ClearDirty() => IsDirty = false;

    /// <summary>Directs subsequent outputs to a cell's outputs array.</summary>
    public void BeginCell(JsonArray outputs, int executionCount)
    {
        lock (Gate)
        {
            if (detached) return;
            currentOutputs = outputs;
            currentCount = executionCount;
        }
    }

    /// <summary>Stops recording: outputs of a cell that timed out and is still running are dropped.</summary>
    public void Detach()
    {
        lock (Gate)
        {
            currentOutputs = null;
            detached = true;
        }
    }

    /// <summary>Appends stream text, merging with the previous output when it is the same stream.</summary>
    public void WriteStream(string name, string text)
    {
        if (text.Length == 0) return;
        lock (Gate)
        {
            var outputs = currentOutputs;
            if (outputs is null) return;
            if (outputs.Count > 0 && outputs[^1] is JsonObject last
                && (string?)last["output_type"] == "stream" && (string?)last["name"] == name)
            {
                last["text"] = (string?)last["text"] + text;
            }
            else
            {
                outputs.Add(new JsonObject { ["output_type"] = "stream", ["name"] = name, ["text"] = text });
            }
            IsDirty = true;
        }
        Echo?.Invoke(name, text);
    }

    /// <summary>Appends a <c>display_data</c> output registered under <paramref name="displayId"/>.</summary>
    public void Display(string displayId, JsonObject bundle)
    {
        lock (Gate)
        {
            if (currentOutputs is null) return;
            var output = new JsonObject { ["output_type"] = "display_data", ["data"] = bundle, ["metadata"] = new JsonObject() };
            currentOutputs.Add(output);
            if (!displaysById.TryGetValue(displayId, out var list)) displaysById[displayId] = list = new List<JsonObject>();
            list.Add(output);
            IsDirty = true;
        }
        Echo?.Invoke("display_data", Describe(bundle));
    }

    /// <summary>Replaces the data of every output shown under <paramref name="displayId"/> (<c>update_display_data</c>).</summary>
    public void UpdateDisplay(string displayId, JsonObject bundle)
    {
        lock (Gate)
        {
            if (detached || !displaysById.TryGetValue(displayId, out var list)) return;
            foreach (var output in list)
                output["data"] = bundle.DeepClone();
            IsDirty = true;
        }
        Echo?.Invoke("update_display_data", Describe(bundle));
    }

    /// <summary>Appends the cell's <c>execute_result</c>.</summary>
    public void ExecuteResult(JsonObject bundle)
    {
        lock (Gate)
        {
            currentOutputs?.Add(new JsonObject
            {
                ["output_type"] = "execute_result",
                ["data"] = bundle,
                ["metadata"] = new JsonObject(),
                ["execution_count"] = currentCount,
            });
            IsDirty = true;
        }
        Echo?.Invoke("execute_result", Describe(bundle));
    }

    /// <summary>Appends an <c>error</c> output.</summary>
    public void Error(string ename, string evalue, IEnumerable<string> traceback)
    {
        var tb = new JsonArray();
        foreach (var line in traceback) tb.Add(line);
        lock (Gate)
        {
            currentOutputs?.Add(new JsonObject
            {
                ["output_type"] = "error",
                ["ename"] = ename,
                ["evalue"] = evalue,
                ["traceback"] = tb,
            });
            IsDirty = true;
        }
        Echo?.Invoke("error", ename + ": " + evalue);
    }

    static string Describe(JsonObject bundle)
    {
        var sb = new StringBuilder();
        if (bundle["text/plain"] is JsonValue plain)
            sb.Append((string?)plain);
        else
            sb.Append('[').Append(string.Join(", ", bundle.Select(p => p.Key))).Append(']');
        return sb.ToString();
    }
}
