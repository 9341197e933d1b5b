using System.Runtime.CompilerServices;

namespace RnnToolkit.Native;

/// <summary>
/// The toolkit's one runtime initializer, run once per process before TorchSharp's first native call through the
/// toolkit (a module initializer), or by <see cref="TorchSharpNative.EnsureLoaded"/>. In order it
/// <list type="number">
/// <item>fixes glibc malloc's mmap and trim thresholds (<see cref="MallocTuning"/>; off: <c>RNNTOOLKIT_MALLOC_TUNING=0</c>),</item>
/// <item>sets <c>OMP_WAIT_POLICY=PASSIVE</c> unless the variable is set (<see cref="ThreadingDefaults"/>),</item>
/// <item>loads TorchSharp's native library, patched where the host's libstdc++ is too old (<see cref="TorchSharpNative"/>),</item>
/// <item>turns libtorch's oneDNN off outside the standard layers' inference, and NNPACK off (<see cref="OneDnn"/>; off: <c>RNNTOOLKIT_ONEDNN=1</c>),</item>
/// </list>
/// and returns one <see cref="NativeLoadReport"/> that lists each setting with its value before and after.
/// Everything else the toolkit does with threads (one libtorch thread for small steps, inference as two batch halves,
/// the sequence kernels' partner thread) happens in scopes around its own calls and is restored after them.
/// </summary>
static class ToolkitRuntime
{
    static readonly object gate = new();
    static NativeLoadReport? report;

#pragma warning disable CA2255 // A module initializer is the one hook that runs before a user's first TorchSharp call through the toolkit.
    [ModuleInitializer]
    internal static void OnToolkitLoaded() => Initialize();
#pragma warning restore CA2255

    /// <summary>Runs the initializer once per process; later calls return the first call's report.</summary>
    public static NativeLoadReport Initialize()
    {
        lock (gate)
        {
            if (report is not null) return report;
            var settings = new List<RuntimeSetting>(MallocTuning.Apply()) { ThreadingDefaults.Apply() };
            try
            {
                var loaded = TorchSharpNative.Load();
                if (loaded.Action != NativeLoadAction.Failed)
                    settings.AddRange(OneDnn.UseSafeDefault());
                report = loaded with { Settings = settings };
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or DllNotFoundException or BadImageFormatException or NotSupportedException or TypeInitializationException)
            {
                report = new NativeLoadReport(NativeLoadAction.Failed, Error: e.Message) { Settings = settings };
            }
            return report;
        }
    }
}
