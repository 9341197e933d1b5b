using RnnToolkit.Native;
using RnnToolkit.Tests.Support;

namespace RnnToolkit.Tests.Native;

/// <summary>
/// The runtime initializer's report (<see cref="NativeLoadReport.Settings"/>): every process-wide setting it looks at,
/// before and after, and the environment variable that turns it off. The settings are process-wide and applied once, so
/// each switch is tried in a fresh process (Tests/FreshProcess) with only that switch set.
/// </summary>
public class RuntimeSettingsTests
{
    const string MmapThreshold = "malloc M_MMAP_THRESHOLD", TrimThreshold = "malloc M_TRIM_THRESHOLD", WaitPolicy = "OMP_WAIT_POLICY";
    const string OneDnnKernels = "libtorch oneDNN (mkldnn) kernels", NnpackKernels = "libtorch NNPACK kernels";
    static readonly string[] All = [MmapThreshold, TrimThreshold, WaitPolicy, OneDnnKernels, NnpackKernels];

    // Which settings a fresh process reports as changed, by name.
    static Dictionary<string, bool> ChangedIn(IReadOnlyDictionary<string, string?> environment, out string stdout)
    {
        var (exitCode, output, stderr) = FreshProcess.Run(["--settings"], environment);
        stdout = output;
        Assert.True(exitCode == 0, $"exit {exitCode}\nstdout: {output}\nstderr: {stderr}");
        return output.Split('\n').Where(l => l.StartsWith("setting: ", StringComparison.Ordinal))
            .Select(l => l["setting: ".Length..].Split(" | "))
            .ToDictionary(parts => parts[0], parts => bool.Parse(parts[1]["changed: ".Length..]));
    }

    [Theory]
    [InlineData(null, null, new string[0])]
    [InlineData("RNNTOOLKIT_MALLOC_TUNING", "0", new[] { MmapThreshold, TrimThreshold })]
    [InlineData("OMP_WAIT_POLICY", "ACTIVE", new[] { WaitPolicy })]
    [InlineData("OMP_WAIT_POLICY", "PASSIVE", new[] { WaitPolicy })]
    [InlineData("RNNTOOLKIT_ONEDNN", "1", new[] { OneDnnKernels, NnpackKernels })]
    public void Each_environment_switch_leaves_its_settings_alone_and_only_those(string? variable, string? value, string[] leftAlone)
    {
        var environment = FreshProcess.Switches.ToDictionary(s => s, string? (_) => null);
        if (variable is not null) environment[variable] = value;
        var changed = ChangedIn(environment, out string stdout);
        Assert.Equal(All.Order(), changed.Keys.Order());
        foreach (var name in All)
            Assert.True(changed[name] != leftAlone.Contains(name), $"{name}: expected {(leftAlone.Contains(name) ? "left alone" : "changed")} with {variable}={value}\n{stdout}");
        if (variable == "OMP_WAIT_POLICY")
            Assert.Contains($"{WaitPolicy}: {value}, left alone (opt out: OMP_WAIT_POLICY=<any policy>)", stdout);
    }

    [Fact]
    public void The_report_names_each_change_and_its_switch()
    {
        var report = TorchSharpNative.EnsureLoaded();
        Assert.Equal(All, report.Settings.Select(s => s.Name));
        Assert.All(report.Settings, s => Assert.Matches(@"^(OMP_WAIT_POLICY=<any policy>|RNNTOOLKIT_MALLOC_TUNING=0|RNNTOOLKIT_ONEDNN=1)$", s.TurnOff));
        Assert.Same(report, TorchSharpNative.EnsureLoaded());                       // once per process
        string text = report.ToString();
        Assert.Contains($"Action = {report.Action}", text);
        foreach (var setting in report.Settings) Assert.Contains(setting.ToString(), text);

        var changed = new RuntimeSetting("x", "on", "off", "X=1");
        Assert.True(changed.Changed);
        Assert.Equal("x: on → off (opt out: X=1)", changed.ToString());
        var alone = changed with { After = "on" };
        Assert.False(alone.Changed);
        Assert.Equal("x: on, left alone (opt out: X=1)", alone.ToString());
    }
}
