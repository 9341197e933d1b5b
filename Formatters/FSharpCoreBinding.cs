using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;

namespace RnnToolkit.Formatting;

/// <summary>
/// Lets Plotly.NET 6 run inside a host that already loaded an older FSharp.Core of the same major version.
/// <para>Plotly.NET 6.0.0 needs DynamicObj 8.0.0, which is built against FSharp.Core 10.1 (assembly version 10.1.0.0).
/// The .NET Interactive kernel (the <c>Microsoft.dotnet-interactive</c> tool 1.0.712001) ships and loads its own
/// FSharp.Core 10.0 (assembly version 10.0.0.0) into the default load context, where a second FSharp.Core cannot load:
/// every Plotly.NET chart — the toolkit's and a user's own <c>GenericChart</c> — then fails at its first property with
/// <c>FileNotFoundException: Could not load file or assembly 'FSharp.Core, Version=10.1.0.0'</c>. This binding answers
/// such a request with the FSharp.Core the host has loaded when both have the same major version (a downward binding
/// redirect within 10.x); requests it cannot answer that way are left to the runtime, which fails as before.</para>
/// <para>It is installed when this assembly is first used (a module initializer) and by
/// <see cref="Formatters.Register"/>; in the kernel, referencing the package runs <c>Register</c> through the
/// package's <c>interactive-extensions/dotnet/extension.dib</c>.</para>
/// </summary>
public static class FSharpCoreBinding
{
    static int installed;

    /// <summary>Whether the binding is installed in this process.</summary>
    public static bool IsInstalled => Volatile.Read(ref installed) == 1;

    /// <summary>How many requests for FSharp.Core the binding has answered with the host's copy.</summary>
    public static int Redirects { get; private set; }

    /// <summary>Installs the binding on the default load context (idempotent).</summary>
    public static void Install()
    {
        if (Interlocked.Exchange(ref installed, 1) == 1) return;
        AssemblyLoadContext.Default.Resolving += Resolve;
    }

#pragma warning disable CA2255 // a library's module initializer: the binding must be in place before any chart is built
    [ModuleInitializer]
    internal static void InstallOnLoad() => Install();
#pragma warning restore CA2255

    static Assembly? Resolve(AssemblyLoadContext context, AssemblyName requested)
    {
        if (requested.Name != "FSharp.Core") return null;
        var assemblies = AssemblyLoadContext.Default.Assemblies.ToList();
        if (Choose(requested, assemblies.Select(a => a.GetName())) is not { } chosen) return null;
        Redirects++;
        return assemblies.First(a => a.GetName() is { Name: "FSharp.Core" } name && name.Version == chosen.Version);
    }

    /// <summary>
    /// The loaded assembly that answers a request for <paramref name="requested"/>: an FSharp.Core of the same major
    /// version, older than the one asked for (a newer or equal one the runtime binds by itself); null when there is none.
    /// </summary>
    /// <param name="requested">The assembly asked for.</param>
    /// <param name="loaded">The names of the assemblies already loaded.</param>
    /// <returns>The name to bind to, or null.</returns>
    public static AssemblyName? Choose(AssemblyName requested, IEnumerable<AssemblyName> loaded)
    {
        ArgumentNullException.ThrowIfNull(requested);
        ArgumentNullException.ThrowIfNull(loaded);
        if (requested.Name != "FSharp.Core" || requested.Version is not { } wanted) return null;
        return loaded.Where(n => n.Name == "FSharp.Core" && n.Version is { } v && v.Major == wanted.Major && v < wanted)
            .OrderByDescending(n => n.Version)
            .FirstOrDefault();
    }
}
