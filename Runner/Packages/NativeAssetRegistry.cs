using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace RnnToolkit.Runner.Packages;

/// <summary>
/// Process-wide resolution of restored packages' managed assemblies (by simple name) and native libraries (from
/// registered <c>runtimes/&lt;rid&gt;/native</c> folders), as the kernel does after a <c>#r "nuget:"</c> restore.
/// </summary>
internal static class NativeAssetRegistry
{
    private static readonly ConcurrentDictionary<string, string> Assemblies = new(StringComparer.OrdinalIgnoreCase);
    private static readonly ConcurrentQueue<string> NativeFolders = new();
    private static int _installed;

    /// <summary>The native folders registered so far.</summary>
    public static IReadOnlyCollection<string> Folders => NativeFolders.ToArray();

    /// <summary>Registers managed assembly paths so that dependencies between restored packages load.</summary>
    public static void AddAssemblies(IEnumerable<string> paths)
    {
        Install();
        foreach (var path in paths)
            Assemblies.TryAdd(Path.GetFileNameWithoutExtension(path), path);
    }

    /// <summary>Registers a folder holding native libraries.</summary>
    public static void AddNativeFolder(string folder)
    {
        Install();
        if (!NativeFolders.Contains(folder, StringComparer.Ordinal)) NativeFolders.Enqueue(folder);
    }

    private static void Install()
    {
        if (Interlocked.Exchange(ref _installed, 1) == 1) return;
        AssemblyLoadContext.Default.Resolving += (context, name) =>
            name.Name is { } simple && Assemblies.TryGetValue(simple, out var path) && File.Exists(path)
                ? context.LoadFromAssemblyPath(path)
                : null;
        // Roslyn loads #r assemblies into its own load contexts: hook every context, present and future.
        foreach (var context in AssemblyLoadContext.All) Hook(context);
        AppDomain.CurrentDomain.AssemblyLoad += (_, e) =>
        {
            if (AssemblyLoadContext.GetLoadContext(e.LoadedAssembly) is { } context) Hook(context);
        };
    }

    private static readonly ConditionalWeakTable<AssemblyLoadContext, object> Hooked = new();

    private static void Hook(AssemblyLoadContext context)
    {
        lock (Hooked)
        {
            if (Hooked.TryGetValue(context, out _)) return;
            Hooked.Add(context, new object());
        }
        context.ResolvingUnmanagedDll += ResolveNative;
    }

    private static IntPtr ResolveNative(Assembly assembly, string name)
    {
        foreach (var folder in NativeFolders)
        {
            foreach (var candidate in Candidates(name))
            {
                var path = Path.Combine(folder, candidate);
                if (File.Exists(path) && NativeLibrary.TryLoad(path, out var handle)) return handle;
            }
        }
        return IntPtr.Zero;
    }

    private static IEnumerable<string> Candidates(string name)
    {
        yield return name;
        if (!name.EndsWith(".so", StringComparison.Ordinal) && !name.Contains(".so.", StringComparison.Ordinal))
        {
            yield return name + ".so";
            if (!name.StartsWith("lib", StringComparison.Ordinal)) yield return "lib" + name + ".so";
        }
    }
}
