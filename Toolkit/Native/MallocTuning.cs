using System.Runtime.InteropServices;

namespace RnnToolkit.Native;

/// <summary>
/// glibc's malloc hands large blocks (over 128 KiB, adaptively up to 32 MiB) back to the kernel
/// as soon as they are freed, so libtorch's per-batch activation buffers are unmapped and
/// re-faulted every step (thousands of page faults per batch). Fixing the mmap threshold at its
/// maximum and raising the trim threshold keeps those pages in the heap for reuse. Blocks over that maximum (a sequence
/// kernel's buffers from T ≈ 250 steps at B = 64, H = 128) were still mapped fresh on every call, and faulting them in
/// made the time per step grow with T (figures in docs/benchmarks.md); with mmap off (<c>M_MMAP_MAX</c> = 0) every block
/// comes from the heap and is reused. Applied once, on glibc Linux only; set <c>RNNTOOLKIT_MALLOC_TUNING=0</c> to leave
/// malloc alone.
/// </summary>
static partial class MallocTuning
{
    const int M_TRIM_THRESHOLD = -1;
    const int M_MMAP_THRESHOLD = -3;
    const int M_MMAP_MAX = -4;
    const string TurnOff = "RNNTOOLKIT_MALLOC_TUNING=0";

    /// <summary>True once the thresholds have been set in this process.</summary>
    public static bool Applied { get; private set; }

    /// <summary>Sets malloc's mmap threshold to 32 MiB, its trim threshold to 1 GiB and its mmap count to 0 (idempotent), and reports the three.</summary>
    public static IReadOnlyList<RuntimeSetting> Apply()
    {
        bool mmap = false, trim = false, mmapMax = false;
        if (!Applied && OperatingSystem.IsLinux() && Environment.GetEnvironmentVariable("RNNTOOLKIT_MALLOC_TUNING") != "0")
        {
            try
            {
                mmap = mallopt(M_MMAP_THRESHOLD, 32 << 20) == 1;
                trim = mallopt(M_TRIM_THRESHOLD, 1 << 30) == 1;
                mmapMax = mallopt(M_MMAP_MAX, 0) == 1;
                Applied = mmap & trim & mmapMax;
            }
            catch (EntryPointNotFoundException) { }   // not glibc (musl has no mallopt)
            catch (DllNotFoundException) { }
        }
        // glibc cannot report its thresholds: "before" is its documented default.
        return
        [
            new("malloc M_MMAP_THRESHOLD", "glibc default (128 KiB, adaptive)", mmap ? "32 MiB, fixed" : "glibc default (128 KiB, adaptive)", TurnOff),
            new("malloc M_TRIM_THRESHOLD", "glibc default (128 KiB, adaptive)", trim ? "1 GiB" : "glibc default (128 KiB, adaptive)", TurnOff),
            new("malloc M_MMAP_MAX", "glibc default (65536 mappings)", mmapMax ? "0: every block from the heap" : "glibc default (65536 mappings)", TurnOff),
        ];
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int mallopt(int param, int value);
}
