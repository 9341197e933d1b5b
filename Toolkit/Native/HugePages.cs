using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace RnnToolkit.Native;

/// <summary>
/// Asks Linux to back a large fresh buffer with 2 MiB pages (<c>madvise(MADV_HUGEPAGE)</c>) before anything touches it.
/// glibc maps every block over 32 MiB fresh (its largest mmap threshold) and unmaps it when freed, so a sequence kernel's
/// buffers for long sequences (from T ≈ 250 at B = 64, H = 128) are faulted in page by page on every call: 4 KiB pages
/// made the time per step grow with T. With transparent huge pages in <c>madvise</c> mode (Debian's and Ubuntu's
/// default) each fault then maps 2 MiB. Nothing changes where THP is off, on other systems, or for smaller buffers.
/// </summary>
static partial class HugePages
{
    const int MADV_HUGEPAGE = 14;
    const long Huge = 2L << 20;

    /// <summary>Buffers from this size on are advised (glibc's largest mmap threshold: smaller blocks come from the heap and are reused).</summary>
    public const long MinBytes = 32L << 20;

    static bool unavailable;

    /// <summary>Advises the whole 2 MiB pages inside <paramref name="t"/>'s memory (a new, contiguous CPU tensor) when it has at least <see cref="MinBytes"/>; returns <paramref name="t"/>.</summary>
    public static unsafe Tensor Advise(Tensor t)
    {
        long bytes = t.NumberOfElements * t.ElementSize;
        if (bytes < MinBytes || unavailable || !OperatingSystem.IsLinux() || t.device_type != TorchSharp.DeviceType.CPU || !t.is_contiguous()) return t;
        long start = (long)Unsafe.AsPointer(ref MemoryMarshal.GetReference(t.bytes));
        long first = (start + Huge - 1) & ~(Huge - 1), end = (start + bytes) & ~(Huge - 1);
        if (end <= first) return t;
        try { madvise((nint)first, (nuint)(end - first), MADV_HUGEPAGE); }
        catch (EntryPointNotFoundException) { unavailable = true; }
        catch (DllNotFoundException) { unavailable = true; }
        return t;
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int madvise(nint address, nuint length, int advice);
}
