using System.Text;

namespace RnnToolkit.Native;

/// <summary>
/// What the toolkit's runtime initializer did when the toolkit loaded (<see cref="TorchSharpNative.EnsureLoaded"/>):
/// how TorchSharp's native library was prepared, and every process-wide setting it looked at (<see cref="Settings"/>).
/// </summary>
/// <param name="Action">What was done to load TorchSharp's native library.</param>
/// <param name="LibStdCxx">The libstdc++ that was inspected, if any.</param>
/// <param name="Original">The libLibTorchSharp.so that was found, if any.</param>
/// <param name="Patched">The patched copy that was loaded, if any.</param>
/// <param name="Error">Why it failed, when <paramref name="Action"/> is <see cref="NativeLoadAction.Failed"/>.</param>
public sealed record NativeLoadReport(NativeLoadAction Action, string? LibStdCxx = null, string? Original = null, string? Patched = null, string? Error = null)
{
    /// <summary>
    /// The process-wide settings the initializer looked at — malloc's thresholds, OMP_WAIT_POLICY, libtorch's oneDNN and
    /// NNPACK flags — each with its value before and after and the environment variable that makes the toolkit leave it
    /// alone (<see cref="RuntimeSetting.Changed"/> is false then). The oneDNN and NNPACK flags are missing when the
    /// native library failed to load.
    /// </summary>
    public IReadOnlyList<RuntimeSetting> Settings { get; init; } = [];

    /// <summary>The settings the initializer changed.</summary>
    public IEnumerable<RuntimeSetting> Changed => Settings.Where(s => s.Changed);

    bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"Action = {Action}, LibStdCxx = {LibStdCxx}, Original = {Original}, Patched = {Patched}, Error = {Error}, ");
        builder.Append($"Settings = [{string.Join("; ", Settings)}]");
        return true;
    }
}
