using System.Runtime.InteropServices;

namespace RnnToolkit.Native;

/// <summary>
/// glibc's malloc hands large blocks (over 128 KiB, adaptively up to 32 MiB) back to the kernel
/// as soon as they are freed, so libtorch's per-batch activation buffers are unmapped and
/// re-faulted every step (thousands of page faults per batch). Fixing the mmap threshold at its
/// maximum and raising the trim threshold keeps those pages in the heap for reuse. Applied once,
/// on glibc Linux only; set <c>RNNTOOLKIT_MALLOC_TUNING=0</c> to leave malloc alone.
/// </summary>
static partial class MallocTuning
{
    const int M_TRIM_THRESHOLD = -1;
    const int M_MMAP_THRESHOLD = -3;
    const string TurnOff = "RNNTOOLKIT_MALLOC_TUNING=0";

    /// <summary>True once the thresholds have been set in this process.</summary>
    public static bool Applied { get; private set; }

    /// <summary>Sets malloc's mmap threshold to 32 MiB and its trim threshold to 1 GiB (idempotent), and reports both.</summary>
    public static IReadOnlyList<RuntimeSetting> Apply()
    {
        bool mmap = false, trim = false;
        if (!Applied && OperatingSystem.IsLinux() && Environment.GetEnvironmentVariable("RNNTOOLKIT_MALLOC_TUNING") != "0")
        {
            try
            {
                mmap = mallopt(M_MMAP_THRESHOLD, 32 << 20) == 1;
                trim = mallopt(M_TRIM_THRESHOLD, 1 << 30) == 1;
                Applied = mmap & trim;
            }
            catch (EntryPointNotFoundException) { }   // not glibc (musl has no mallopt)
            catch (DllNotFoundException) { }
        }
        // glibc cannot report its thresholds: "before" is its documented default.
        return
        [
            new("malloc M_MMAP_THRESHOLD", "glibc default (128 KiB, adaptive)", mmap ? "32 MiB, fixed" : "glibc default (128 KiB, adaptive)", TurnOff),
            new("malloc M_TRIM_THRESHOLD", "glibc default (128 KiB, adaptive)", trim ? "1 GiB" : "glibc default (128 KiB, adaptive)", TurnOff),
        ];
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int mallopt(int param, int value);
}
