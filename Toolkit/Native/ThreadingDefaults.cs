using System.Runtime.InteropServices;

namespace RnnToolkit.Native;

/// <summary>
/// libtorch's OpenMP threads spin while they wait for work (OMP_WAIT_POLICY=ACTIVE). On a 2-core
/// machine shared with anything else — a test runner, a notebook server, a second process — the
/// spinning threads steal the cores the work needs and recurrent loops of small ops run 3–10x
/// slower (measured here). Unless the user chose a policy, the toolkit asks for PASSIVE before
/// libtorch's OpenMP runtime starts. Must run before TorchSharp's native library loads.
/// </summary>
public static partial class ThreadingDefaults
{
    /// <summary>Sets OMP_WAIT_POLICY=PASSIVE in the process environment unless it is set (idempotent).</summary>
    public static void Apply()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") is not null)
            return;
        try
        {
            setenv("OMP_WAIT_POLICY", "PASSIVE", 0);   // the native environment, which libgomp reads
            Environment.SetEnvironmentVariable("OMP_WAIT_POLICY", "PASSIVE");
        }
        catch (EntryPointNotFoundException) { }
        catch (DllNotFoundException) { }
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int setenv(string name, string value, int overwrite);
}
