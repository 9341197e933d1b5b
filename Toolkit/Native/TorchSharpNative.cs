using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using System.Security.Cryptography;

namespace RnnToolkit.Native;

/// <summary>
/// Makes TorchSharp-cpu's native library load on hosts whose libstdc++ is older than GCC 13's
/// (Debian 12, Ubuntu 22.04). libLibTorchSharp.so 0.107 requires <c>GLIBCXX_3.4.32</c> only for
/// <c>_ZSt21ios_base_library_initv</c>, a link-time marker that is never called. On such hosts the
/// toolkit copies the library into a cache folder of its own (never into the NuGet package cache
/// or the build output), marks that one version requirement weak, and loads the copy before
/// TorchSharp's first native call; the rest of libtorch is linked in place from where it is.
/// Hosts whose libstdc++ has the version are left alone. Runs automatically when the toolkit's
/// assembly is first used, as part of the toolkit's runtime initializer (see <see cref="EnsureLoaded"/>).
/// </summary>
public static class TorchSharpNative
{
    /// <summary>The libstdc++ symbol version TorchSharp-cpu 0.107.0 asks for.</summary>
    public const string RequiredVersion = "GLIBCXX_3.4.32";

    const string LibraryFile = "libLibTorchSharp.so";
    static IntPtr handle;

    /// <summary>
    /// Loads TorchSharp's native library for this host and applies the toolkit's process-wide runtime settings, once per
    /// process (the toolkit does this itself when it is first used; calling it again is free). The report says what was
    /// done, and lists every setting changed with its old and new value and the environment variable that turns it off.
    /// </summary>
    public static NativeLoadReport EnsureLoaded() => ToolkitRuntime.Initialize();

    /// <summary>Finds TorchSharp's native library and libtorch, and prepares (patches and loads) them where this host needs it.</summary>
    internal static NativeLoadReport Load()
    {
        string torchsharpDir = Path.GetDirectoryName(typeof(TorchSharp.torch).Assembly.Location) ?? AppContext.BaseDirectory;
        var searchDirs = NativeSearchDirectories();
        var libTorchSharp = FindLibTorchSharp(torchsharpDir, searchDirs);
        var libtorchDir = libTorchSharp is null ? null : FindLibTorchDirectory(Path.GetDirectoryName(libTorchSharp)!, torchsharpDir, searchDirs);
        return Prepare(FindLibStdCxx(), libTorchSharp, libtorchDir, CacheRoot(), load: true);
    }

    /// <summary>
    /// The decision and the patch, with every input explicit (tests call it with other files):
    /// inspects <paramref name="libStdCxx"/>; when it lacks <see cref="RequiredVersion"/> and
    /// <paramref name="libTorchSharp"/> requires it, writes a patched copy under
    /// <paramref name="cacheRoot"/> (atomically) beside links to the libraries of
    /// <paramref name="libtorchDir"/>, and, when <paramref name="load"/> is set, loads it and answers
    /// TorchSharp's requests for it. Nothing outside <paramref name="cacheRoot"/> is written.
    /// </summary>
    internal static NativeLoadReport Prepare(string? libStdCxx, string? libTorchSharp, string? libtorchDir, string cacheRoot, bool load)
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
            return new NativeLoadReport(NativeLoadAction.NotApplicable);
        if (libStdCxx is not null && ElfVersions.DefinedVersions(File.ReadAllBytes(libStdCxx)).Contains(RequiredVersion))
            return new NativeLoadReport(NativeLoadAction.HostHasVersion, libStdCxx);
        if (libTorchSharp is null)
            return new NativeLoadReport(NativeLoadAction.Failed, libStdCxx, Error: $"{LibraryFile} was not found next to TorchSharp.dll, in the application's native search directories or in the NuGet package layout; is TorchSharp-cpu referenced?");

        byte[] bytes = File.ReadAllBytes(libTorchSharp);
        if (!ElfVersions.NeededVersions(bytes).Any(n => n.Version == RequiredVersion && !n.IsWeak))
            return new NativeLoadReport(NativeLoadAction.NoPatchNeeded, libStdCxx, libTorchSharp);

        if (libtorchDir is null)
            return new NativeLoadReport(NativeLoadAction.Failed, libStdCxx, libTorchSharp, Error: $"libtorch_cpu.so was not found beside {libTorchSharp}, in the application's native search directories or in the libtorch-cpu-linux-x64 package; is TorchSharp-cpu referenced?");
        ElfVersions.MarkWeak(bytes, RequiredVersion);
        string key = Convert.ToHexString(SHA256.HashData(bytes.Concat(System.Text.Encoding.UTF8.GetBytes(libtorchDir)).ToArray()))[..16].ToLowerInvariant();
        string dir = Path.Combine(cacheRoot, "torchsharp-native", key);
        string patched = Path.Combine(dir, LibraryFile);
        Directory.CreateDirectory(dir);
        LinkSiblings(libtorchDir, dir);
        if (!File.Exists(patched) || !File.ReadAllBytes(patched).AsSpan().SequenceEqual(bytes))
            WriteAtomically(patched, bytes);

        if (load)
        {
            handle = NativeLibrary.Load(patched);
            var context = AssemblyLoadContext.GetLoadContext(typeof(TorchSharp.torch).Assembly) ?? AssemblyLoadContext.Default;
            context.ResolvingUnmanagedDll += (_, name) => IsLibTorchSharp(name) ? handle : IntPtr.Zero;
        }
        return new NativeLoadReport(NativeLoadAction.LoadedPatchedCopy, libStdCxx, libTorchSharp, patched);
    }

    static bool IsLibTorchSharp(string name) =>
        name is "LibTorchSharp" or LibraryFile or "libLibTorchSharp" or "LibTorchSharp.so";

    /// <summary>Every other shared library of libtorch's folder becomes a link in <paramref name="dir"/>, so the copy's <c>$ORIGIN</c> run-path finds the very same files (one copy of libtorch per process).</summary>
    static void LinkSiblings(string libtorchDir, string dir)
    {
        foreach (var source in Directory.GetFiles(libtorchDir, "*.so*"))
        {
            string name = Path.GetFileName(source);
            if (name == LibraryFile) continue;
            string link = Path.Combine(dir, name);
            var existing = new FileInfo(link);
            if (existing.LinkTarget == source) continue;
            string temp = link + "." + Environment.ProcessId + ".tmp";
            File.Delete(temp);
            File.CreateSymbolicLink(temp, source);
            File.Move(temp, link, overwrite: true);
        }
    }

    static void WriteAtomically(string path, byte[] bytes)
    {
        string temp = path + "." + Environment.ProcessId + ".tmp";
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>The libstdc++ this process uses (already mapped), else the one the dynamic loader would find.</summary>
    internal static string? FindLibStdCxx()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/maps"))
            {
                int at = line.IndexOf('/');
                if (at >= 0 && Path.GetFileName(line[at..]).StartsWith("libstdc++.so", StringComparison.Ordinal))
                    return line[at..];
            }
        }
        catch (IOException) { }
        var dirs = (Environment.GetEnvironmentVariable("LD_LIBRARY_PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64", "/usr/lib", "/lib"]);
        return dirs.Select(d => Path.Combine(d, "libstdc++.so.6")).FirstOrDefault(File.Exists);
    }

    /// <summary>Where libLibTorchSharp.so is: beside TorchSharp.dll, in the app's native search directories, or in the NuGet package layout (<c>torchsharp/V/lib/net8.0/../../runtimes/linux-x64/native</c>).</summary>
    internal static string? FindLibTorchSharp(string torchsharpDir, IReadOnlyList<string> searchDirs) =>
        searchDirs.Prepend(torchsharpDir)
            .Append(Path.Combine(torchsharpDir, "..", "..", "runtimes", "linux-x64", "native"))
            .Select(d => Path.GetFullPath(Path.Combine(d, LibraryFile)))
            .FirstOrDefault(File.Exists);

    /// <summary>Where libtorch_cpu.so is: beside libLibTorchSharp.so, in the app's native search directories, or in the NuGet package <c>libtorch-cpu-linux-x64</c> next to TorchSharp's (newest version first).</summary>
    internal static string? FindLibTorchDirectory(string libTorchSharpDir, string torchsharpDir, IReadOnlyList<string> searchDirs)
    {
        var packaged = Enumerable.Empty<string>();
        // NuGet layout: <packages>/torchsharp/<v>/lib/net8.0/TorchSharp.dll and <packages>/libtorch-cpu-linux-x64/<v>/runtimes/linux-x64/native.
        string libtorchPackage = Path.GetFullPath(Path.Combine(torchsharpDir, "..", "..", "..", "..", "libtorch-cpu-linux-x64"));
        if (Directory.Exists(libtorchPackage))
            packaged = Directory.GetDirectories(libtorchPackage).OrderByDescending(d => Version.TryParse(Path.GetFileName(d), out var v) ? v : new Version())
                .Select(d => Path.Combine(d, "runtimes", "linux-x64", "native"));
        return searchDirs.Prepend(torchsharpDir).Prepend(libTorchSharpDir).Concat(packaged)
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "libtorch_cpu.so")));
    }

    /// <summary>The application's base folder and the native search directories the host gave it (deps.json).</summary>
    static IReadOnlyList<string> NativeSearchDirectories()
    {
        var dirs = new List<string> { AppContext.BaseDirectory };
        if (AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") is string searchDirs)
            dirs.AddRange(searchDirs.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
        return dirs;
    }

    /// <summary>The toolkit's own cache: <c>$RNNTOOLKIT_CACHE</c>, else <c>$XDG_CACHE_HOME/rnntoolkit</c>, else <c>~/.cache/rnntoolkit</c>.</summary>
    public static string CacheRoot()
    {
        var explicitRoot = Environment.GetEnvironmentVariable("RNNTOOLKIT_CACHE");
        if (!string.IsNullOrEmpty(explicitRoot)) return explicitRoot;
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(!string.IsNullOrEmpty(xdg) ? xdg : Path.Combine(string.IsNullOrEmpty(home) ? Path.GetTempPath() : home, ".cache"), "rnntoolkit");
    }
}
