namespace RnnToolkit.Runner.Packages;

/// <summary>The outcome of adding packages: new assembly paths to reference, or why the restore failed.</summary>
internal sealed record RestoreResult(bool Succeeded, IReadOnlyList<string> NewReferences, string? ErrorMessage)
{
    /// <summary>A successful result.</summary>
    public static RestoreResult Success(IReadOnlyList<string> references) => new(true, references, null);

    /// <summary>A failed result with the kernel-style message.</summary>
    public static RestoreResult Failure(string message) => new(false, Array.Empty<string>(), message);
}
