using System.Runtime.CompilerServices;
using RnnToolkit.Native;

namespace RnnToolkit.FormatterTests.Support;

static class TestSetup
{
    /// <summary>Load TorchSharp the toolkit's way before any test touches a tensor.</summary>
    [ModuleInitializer]
    internal static void LoadTorchSharp() => TorchSharpNative.EnsureLoaded();
}
