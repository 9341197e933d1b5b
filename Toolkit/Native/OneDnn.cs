using System.Runtime.InteropServices;

namespace RnnToolkit.Native;

/// <summary>
/// libtorch's oneDNN (MKL-DNN) CPU kernels, switched per mode (at::Context::setUserEnabledMkldnn,
/// which TorchSharp does not expose). In libtorch 2.10 on some CPUs, oneDNN's float32 conv1d
/// backward returns wrong input and weight gradients for small maps (see the tests) and trains RNNs
/// on a slow reference kernel, while its RNN inference is faster than libtorch's own (figures:
/// docs/benchmarks.md). So the toolkit turns oneDNN off when it loads, and the standard recurrent
/// layers turn it on only around inference (no autograd graph, so no backward pass), for the
/// configurations where it agrees with libtorch's own kernel (<see cref="OneDnnAgreement"/>).
/// Set <c>RNNTOOLKIT_ONEDNN=1</c> to keep libtorch's default. The flag is process-wide.
/// The safe default also turns NNPACK off: on CPUs it does not support libtorch tries it on every
/// convolution and prints "Could not initialize NNPACK! Reason: Unsupported hardware" each time,
/// into notebooks' outputs too; its own convolution runs instead.
/// </summary>
static unsafe class OneDnn
{
    const string TurnOff = "RNNTOOLKIT_ONEDNN=1";
    static readonly object gate = new();
    static delegate* unmanaged<IntPtr> globalContext;
    static delegate* unmanaged<IntPtr, byte, void> setUserEnabledMkldnn;
    static delegate* unmanaged<IntPtr, byte, void> setUserEnabledNNPACK;
    static delegate* unmanaged<IntPtr, byte> userEnabledMkldnn;
    static delegate* unmanaged<IntPtr, byte> userEnabledNNPACK;
    static bool resolved, available, enabled = true;
    static int inferenceDepth;
    static volatile bool ready;     // resolved and published: Available need not take the lock (the standard layers read it on every call)

    /// <summary>True when the libtorch in this process exports the switch.</summary>
    public static bool Available { get { Resolve(); return available; } }

    /// <summary>Whether oneDNN kernels may run right now.</summary>
    public static bool Enabled { get { Resolve(); lock (gate) return enabled; } }

    /// <summary>
    /// Turns oneDNN off for everything but the toolkit's inference scopes, and NNPACK off (done when the toolkit loads,
    /// unless <c>RNNTOOLKIT_ONEDNN=1</c>); reports both flags before and after, as libtorch reads them back.
    /// </summary>
    public static IReadOnlyList<RuntimeSetting> UseSafeDefault()
    {
        Resolve();
        lock (gate)
        {
            string mkldnnBefore = Read(userEnabledMkldnn), nnpackBefore = Read(userEnabledNNPACK);
            if (Environment.GetEnvironmentVariable("RNNTOOLKIT_ONEDNN") != "1")
            {
                if (inferenceDepth == 0) Set(false);
                if (setUserEnabledNNPACK != null) setUserEnabledNNPACK(globalContext(), 0);
            }
            return
            [
                new("libtorch oneDNN (mkldnn) kernels", mkldnnBefore, Read(userEnabledMkldnn) is "off" ? "off (on only around the standard layers' inference)" : Read(userEnabledMkldnn), TurnOff),
                new("libtorch NNPACK kernels", nnpackBefore, Read(userEnabledNNPACK), TurnOff),
            ];
        }
    }

    static string Read(delegate* unmanaged<IntPtr, byte> getter) =>
        getter == null ? "unknown (libtorch does not export the flag)" : getter(globalContext()) != 0 ? "on" : "off";

    /// <summary>Turns oneDNN on until the returned scope is disposed (scopes nest); only for work without autograd.</summary>
    public static IDisposable ForInference()
    {
        Resolve();
        lock (gate)
        {
            if (inferenceDepth++ == 0)
            {
                bool before = enabled;
                Set(true);
                return new Scope(before);
            }
            return new Scope(null);
        }
    }

    /// <summary>Runs <paramref name="work"/> with oneDNN off, whatever scopes are open, and restores the flag.</summary>
    internal static T Without<T>(Func<T> work)
    {
        Resolve();
        lock (gate)
        {
            bool before = enabled;
            Set(false);
            try { return work(); }
            finally { Set(before); }
        }
    }

    sealed class Scope(bool? restore) : IDisposable
    {
        bool disposed;
        public void Dispose()
        {
            lock (gate)
            {
                if (disposed) return;
                disposed = true;
                inferenceDepth--;
                if (restore is bool before) Set(before);
            }
        }
    }

    static void Set(bool on)
    {
        if (!available) return;
        setUserEnabledMkldnn(globalContext(), on ? (byte)1 : (byte)0);
        enabled = on;
    }

    static void Resolve()
    {
        if (ready) return;
        lock (gate)
        {
            if (resolved) return;
            resolved = true;
            try { Bind(); }
            finally { ready = true; }
        }
    }

    // Finds libtorch's switches (and their getters) in libtorch_cpu.so.
    static void Bind()
    {
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
            if (NativeLibrary.TryGetExport(lib, "_ZN2at7Context20setUserEnabledNNPACKEb", out var nnpack))
                setUserEnabledNNPACK = (delegate* unmanaged<IntPtr, byte, void>)nnpack;
            if (NativeLibrary.TryGetExport(lib, "_ZNK2at7Context17userEnabledMkldnnEv", out var mkldnnGetter))
                userEnabledMkldnn = (delegate* unmanaged<IntPtr, byte>)mkldnnGetter;
            if (NativeLibrary.TryGetExport(lib, "_ZNK2at7Context17userEnabledNNPACKEv", out var nnpackGetter))
                userEnabledNNPACK = (delegate* unmanaged<IntPtr, byte>)nnpackGetter;
        }
    }
}
