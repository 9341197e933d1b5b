namespace RnnToolkit.Native;

/// <summary>
/// One process-wide setting the toolkit's runtime initializer looks at when it loads (see
/// <see cref="NativeLoadReport.Settings"/>): its value before and after, and the environment variable that makes the
/// toolkit leave it alone.
/// </summary>
/// <param name="Name">The setting, e.g. <c>OMP_WAIT_POLICY</c> or <c>malloc M_MMAP_THRESHOLD</c>.</param>
/// <param name="Before">Its value before the toolkit loaded.</param>
/// <param name="After">Its value now; equal to <paramref name="Before"/> when the toolkit left it alone.</param>
/// <param name="TurnOff">The environment variable, set before the process starts, that keeps the toolkit from changing it.</param>
public sealed record RuntimeSetting(string Name, string Before, string After, string TurnOff)
{
    /// <summary>True when the toolkit changed the setting.</summary>
    public bool Changed => Before != After;

    /// <summary>One line: <c>name: before → after (opt out: VARIABLE=value)</c>, or <c>name: before, left alone (opt out: …)</c>.</summary>
    public override string ToString() =>
        Changed ? $"{Name}: {Before} → {After} (opt out: {TurnOff})" : $"{Name}: {Before}, left alone (opt out: {TurnOff})";
}
