using System.Runtime.CompilerServices;
using RnnToolkit.Native;

namespace RnnToolkit.Tests.Support;

static class TestSetup
{
    /// <summary>Tests build tensors before touching a toolkit type; load TorchSharp the toolkit's way first.</summary>
    [ModuleInitializer]
    internal static void LoadTorchSharp() => TorchSharpNative.EnsureLoaded();
}
