namespace RnnToolkit.Runner.Export;

/// <summary>A NuGet package a notebook references (<c>#r "nuget: Name, Version"</c>), as the app's <c>#:package Name@Version</c>.</summary>
/// <param name="Name">The package id.</param>
/// <param name="Version">The version, or null for the latest (<c>@*</c>).</param>
sealed record PackageDirective(string Name, string? Version)
{
    /// <summary>The file-based app directive.</summary>
    public override string ToString() => $"#:package {Name}@{Version ?? "*"}";
}
