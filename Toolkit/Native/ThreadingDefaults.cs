using System.Runtime.InteropServices;

namespace RnnToolkit.Native;

/// <summary>
/// libtorch's OpenMP threads spin while they wait for work (OMP_WAIT_POLICY=ACTIVE). On a small machine shared with
/// anything else — a test runner, a notebook server, a second process — the spinning threads steal the cores the work
/// needs and recurrent loops of small ops run several times slower (figures: docs/benchmarks.md). Unless the user chose
/// a policy, the toolkit asks for PASSIVE before libtorch's OpenMP runtime starts. Must run before TorchSharp's native
/// library loads.
/// </summary>
static partial class ThreadingDefaults
{
    const string Variable = "OMP_WAIT_POLICY";

    /// <summary>Sets OMP_WAIT_POLICY=PASSIVE in the process environment unless it is set, and reports the variable before and after.</summary>
    public static RuntimeSetting Apply()
    {
        string before = Environment.GetEnvironmentVariable(Variable) ?? "unset";
        RuntimeSetting Report() => new(Variable, before, Environment.GetEnvironmentVariable(Variable) ?? "unset", $"{Variable}=<any policy>");
        if (!OperatingSystem.IsLinux() || before != "unset")
            return Report();
        try
        {
            setenv(Variable, "PASSIVE", 0);   // the native environment, which libgomp reads
            Environment.SetEnvironmentVariable(Variable, "PASSIVE");
        }
        catch (EntryPointNotFoundException) { }
        catch (DllNotFoundException) { }
        return Report();
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int setenv(string name, string value, int overwrite);
}
