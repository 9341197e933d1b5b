namespace RnnToolkit.Native;

/// <summary>What <see cref="TorchSharpNative.EnsureLoaded"/> did.</summary>
public enum NativeLoadAction
{
    /// <summary>Not Linux x64: TorchSharp loads its own way.</summary>
    NotApplicable,
    /// <summary>The host's libstdc++ defines the version TorchSharp needs: nothing was touched.</summary>
    HostHasVersion,
    /// <summary>The native library found needs no patch (already weak, or built for an older libstdc++).</summary>
    NoPatchNeeded,
    /// <summary>A patched copy of libLibTorchSharp.so was made (or reused) in the toolkit's cache and loaded.</summary>
    LoadedPatchedCopy,
    /// <summary>The patch was needed but could not be applied; <see cref="NativeLoadReport.Error"/> says why.</summary>
    Failed,
}
