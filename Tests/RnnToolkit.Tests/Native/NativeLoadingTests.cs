using System.Security.Cryptography;
using RnnToolkit.Native;
using RnnToolkit.Tests.Support;

namespace RnnToolkit.Tests.Native;

public sealed class NativeLoadingTests : IDisposable
{
    readonly string temp = Directory.CreateTempSubdirectory("rnntoolkit-native-").FullName;

    public void Dispose() => Directory.Delete(temp, recursive: true);

    static string HostLibStdCxx => TorchSharpNative.FindLibStdCxx() ?? throw new InvalidOperationException("no libstdc++ on this host");

    static string NuGetPackages => Environment.GetEnvironmentVariable("NUGET_PACKAGES")
        ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    static string PackagedLibTorchSharp => Path.Combine(NuGetPackages, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
    static string PackagedLibTorch => Path.Combine(NuGetPackages, "libtorch-cpu-linux-x64", "2.10.0", "runtimes", "linux-x64", "native");

    // The host's libstdc++ with its version names edited so that it lacks GLIBCXX_3.4.32 (Debian 12, GCC 12) or has it
    // (Ubuntu 24.04, GCC 13+), whichever this host is: both of the loader's paths are tested on any host. Names are
    // replaced by names of the same length, so the ELF tables stay valid.
    static byte[] HostLibrary() => File.ReadAllBytes(HostLibStdCxx);

    string LibStdCxxLacking()
    {
        var lib = HostLibrary();
        var required = System.Text.Encoding.ASCII.GetBytes(TorchSharpNative.RequiredVersion + "\0");
        for (int at; (at = lib.AsSpan().IndexOf(required)) >= 0;)
            "GLIBCXX_9.9.99\0"u8.CopyTo(lib.AsSpan(at));
        Assert.DoesNotContain(TorchSharpNative.RequiredVersion, ElfVersions.DefinedVersions(lib));
        return Write("lacking", lib);
    }

    string LibStdCxxHaving()
    {
        var lib = HostLibrary();
        if (!ElfVersions.DefinedVersions(lib).Contains(TorchSharpNative.RequiredVersion))
        {
            int at = lib.AsSpan().IndexOf("GLIBCXX_3.4.30\0"u8);
            Assert.True(at > 0, "the host's libstdc++ defines neither GLIBCXX_3.4.32 nor GLIBCXX_3.4.30");
            "GLIBCXX_3.4.32\0"u8.CopyTo(lib.AsSpan(at));
        }
        Assert.Contains(TorchSharpNative.RequiredVersion, ElfVersions.DefinedVersions(lib));
        return Write("having", lib);
    }

    string Write(string folder, byte[] lib)
    {
        var path = Path.Combine(Directory.CreateDirectory(Path.Combine(temp, folder)).FullName, "libstdc++.so.6");
        File.WriteAllBytes(path, lib);
        return path;
    }

    [Fact]
    public void Torchsharp_requires_the_version_and_the_loader_decides_by_the_hosts_libstdcxx()
    {
        // The premise of the loader, read from the real files: if it changes, the loader's decision must too.
        var need = ElfVersions.NeededVersions(File.ReadAllBytes(PackagedLibTorchSharp)).Single(n => n.Version == TorchSharpNative.RequiredVersion);
        Assert.Equal("libstdc++.so.6", need.File);
        Assert.False(need.IsWeak);
        bool hostHas = ElfVersions.DefinedVersions(HostLibrary()).Contains(TorchSharpNative.RequiredVersion);
        var report = TorchSharpNative.Prepare(HostLibStdCxx, PackagedLibTorchSharp, PackagedLibTorch, Path.Combine(temp, "host"), load: false);
        Assert.Equal(hostHas ? NativeLoadAction.HostHasVersion : NativeLoadAction.LoadedPatchedCopy, report.Action);
    }

    [Fact]
    public void MarkWeak_sets_only_the_weak_flag_of_that_one_requirement()
    {
        var original = File.ReadAllBytes(PackagedLibTorchSharp);
        var patched = (byte[])original.Clone();
        Assert.Equal(1, ElfVersions.MarkWeak(patched, TorchSharpNative.RequiredVersion));
        var differing = Enumerable.Range(0, original.Length).Where(i => original[i] != patched[i]).ToList();
        Assert.Single(differing);                                      // one byte of vna_flags
        Assert.Equal(ElfVersions.VerFlagWeak, patched[differing[0]] ^ original[differing[0]]);
        var before = ElfVersions.NeededVersions(original);
        var after = ElfVersions.NeededVersions(patched);
        Assert.Equal(before.Count, after.Count);
        foreach (var (b, a) in before.Zip(after))
            Assert.Equal(b.Version == TorchSharpNative.RequiredVersion, a.IsWeak != b.IsWeak);
        Assert.Equal(0, ElfVersions.MarkWeak(patched, TorchSharpNative.RequiredVersion));   // idempotent
    }

    [Fact]
    public void Bad_files_are_rejected_with_what_was_expected()
    {
        var e = Assert.Throws<ArgumentException>(() => ElfVersions.DefinedVersions("not an ELF file"u8.ToArray()));
        Assert.Contains("Expected an ELF file", e.Message);
        var patched = File.ReadAllBytes(PackagedLibTorchSharp);
        var missing = Assert.Throws<ArgumentException>(() => ElfVersions.MarkWeak(patched, "GLIBCXX_9.9.99"));
        Assert.Contains("GLIBCXX_9.9.99", missing.Message);
        Assert.Contains("GLIBCXX_3.4.32", missing.Message);                   // says what the file does require
    }

    [Fact]
    public void Notebook_layout_patches_a_copy_and_leaves_the_package_cache_alone()
    {
        // #r "nuget: RnnToolkit" resolves libLibTorchSharp.so and libtorch from two package folders.
        byte[] hashBefore = SHA256.HashData(File.ReadAllBytes(PackagedLibTorchSharp));
        var lacking = LibStdCxxLacking();
        var report = TorchSharpNative.Prepare(lacking, PackagedLibTorchSharp, PackagedLibTorch, temp, load: false);

        Assert.Equal(NativeLoadAction.LoadedPatchedCopy, report.Action);
        Assert.StartsWith(temp, report.Patched);
        Assert.Equal(hashBefore, SHA256.HashData(File.ReadAllBytes(PackagedLibTorchSharp)));
        Assert.True(ElfVersions.NeededVersions(File.ReadAllBytes(report.Patched!)).Single(n => n.Version == TorchSharpNative.RequiredVersion).IsWeak);
        // The copy's $ORIGIN run-path finds libtorch as links to the very files of the package.
        var dir = Path.GetDirectoryName(report.Patched)!;
        foreach (var lib in new[] { "libtorch.so", "libtorch_cpu.so", "libc10.so" })
            Assert.Equal(Path.Combine(PackagedLibTorch, lib), new FileInfo(Path.Combine(dir, lib)).LinkTarget);
        Assert.Empty(Directory.GetFiles(dir, "*.tmp"));                // written by rename, nothing half-written left

        // A second preparation reuses the copy.
        var again = TorchSharpNative.Prepare(lacking, PackagedLibTorchSharp, PackagedLibTorch, temp, load: false);
        Assert.Equal(report.Patched, again.Patched);
    }

    [Fact]
    public void A_host_whose_libstdcxx_has_the_version_is_not_touched()
    {
        string newer = LibStdCxxHaving();
        string cache = Path.Combine(temp, "cache");
        var report = TorchSharpNative.Prepare(newer, PackagedLibTorchSharp, PackagedLibTorch, cache, load: false);
        Assert.Equal(NativeLoadAction.HostHasVersion, report.Action);
        Assert.Null(report.Patched);
        Assert.False(Directory.Exists(cache));                          // nothing written anywhere
    }

    [Fact]
    public void Locates_libtorch_in_the_nuget_layout()
    {
        // <packages>/torchsharp/0.107.0/lib/net8.0 and <packages>/libtorch-cpu-linux-x64/{2.9.0,2.10.0}/runtimes/linux-x64/native
        string packages = Path.Combine(temp, "packages");
        string torchsharpDir = Directory.CreateDirectory(Path.Combine(packages, "torchsharp", "0.107.0", "lib", "net8.0")).FullName;
        string native = Directory.CreateDirectory(Path.Combine(packages, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native")).FullName;
        File.WriteAllBytes(Path.Combine(native, "libLibTorchSharp.so"), []);
        foreach (var v in new[] { "2.9.0", "2.10.0" })
            File.WriteAllBytes(Path.Combine(Directory.CreateDirectory(Path.Combine(packages, "libtorch-cpu-linux-x64", v, "runtimes", "linux-x64", "native")).FullName, "libtorch_cpu.so"), []);

        Assert.Equal(Path.Combine(native, "libLibTorchSharp.so"), TorchSharpNative.FindLibTorchSharp(torchsharpDir, []));
        Assert.Equal(Path.Combine(packages, "libtorch-cpu-linux-x64", "2.10.0", "runtimes", "linux-x64", "native"),
            TorchSharpNative.FindLibTorchDirectory(native, torchsharpDir, []));
    }

    [Fact]
    public void A_fresh_process_whose_first_call_is_into_the_toolkit_trains_an_LSTM()
    {
        // An empty cache: the patch happens in that process.
        var (exitCode, stdout, stderr) = FreshProcess.Run([], new Dictionary<string, string?> { ["RNNTOOLKIT_CACHE"] = temp });
        Assert.True(exitCode == 0, $"exit {exitCode}\nstdout: {stdout}\nstderr: {stderr}");
        if (ElfVersions.DefinedVersions(HostLibrary()).Contains(TorchSharpNative.RequiredVersion))
        {
            Assert.Contains("Action = HostHasVersion", stdout);            // nothing to patch on this host
            Assert.False(Directory.EnumerateFileSystemEntries(temp).Any(), "the loader wrote into its cache on a host that needs no patch");
        }
        else
        {
            Assert.Contains("Action = LoadedPatchedCopy", stdout);
            Assert.Contains($"Patched = {temp}", stdout);
        }
        Assert.Matches(@"loss: \S+ -> \S+", stdout);
        Assert.DoesNotContain("NNPACK", stderr);                        // switched off, so no per-call warning
    }
}
