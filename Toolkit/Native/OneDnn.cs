using System.Runtime.InteropServices;

namespace RnnToolkit.Native;

/// <summary>
/// Switches libtorch's oneDNN (MKL-DNN) CPU kernels on and off (at::Context::setUserEnabledMkldnn),
/// which TorchSharp does not expose. oneDNN is 3x faster than libtorch's native RNN kernels for
/// inference but, in libtorch 2.10, trains RNNs on a slow reference kernel; the standard layers turn
/// it off for the duration of a training forward pass. The flag is process-wide.
/// </summary>
public static unsafe class OneDnn
{
    static readonly object gate = new();
    static delegate* unmanaged<IntPtr> globalContext;
    static delegate* unmanaged<IntPtr, byte, void> setUserEnabledMkldnn;
    static bool resolved, available;
    static int disabledDepth;

    /// <summary>True when the libtorch in this process exports the switch.</summary>
    public static bool Available { get { Resolve(); return available; } }

    /// <summary>True unless a <see cref="Disable"/> scope is open.</summary>
    public static bool Enabled => Volatile.Read(ref disabledDepth) == 0;

    /// <summary>Turns oneDNN off until the returned scope is disposed (scopes nest).</summary>
    public static IDisposable Disable()
    {
        Resolve();
        lock (gate)
        {
            if (disabledDepth++ == 0 && available)
                setUserEnabledMkldnn(globalContext(), 0);
        }
        return new Scope();
    }

    sealed class Scope : IDisposable
    {
        bool disposed;
        public void Dispose()
        {
            if (disposed) return;
            disposed = true;
            lock (gate)
            {
                if (--disabledDepth == 0 && available)
                    setUserEnabledMkldnn(globalContext(), 1);
            }
        }
    }

    static void Resolve()
    {
        lock (gate)
        {
            if (resolved) return;
            resolved = true;
            TorchSharp.torch.InitializeDeviceType(TorchSharp.DeviceType.CPU);   // libtorch_cpu.so is loaded by now
            if (!NativeLibrary.TryLoad("libtorch_cpu.so", typeof(TorchSharp.torch).Assembly, null, out var lib) &&
                !NativeLibrary.TryLoad("torch_cpu", typeof(TorchSharp.torch).Assembly, null, out lib))
                return;
            if (NativeLibrary.TryGetExport(lib, "_ZN2at13globalContextEv", out var context) &&
                NativeLibrary.TryGetExport(lib, "_ZN2at7Context20setUserEnabledMkldnnEb", out var setter))
            {
                globalContext = (delegate* unmanaged<IntPtr>)context;
                setUserEnabledMkldnn = (delegate* unmanaged<IntPtr, byte, void>)setter;
                available = true;
            }
        }
    }
}
