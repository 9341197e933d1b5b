using System.Reflection;
using RnnToolkit.Formatting;

namespace RnnToolkit.FormatterTests;

/// <summary>
/// Which loaded FSharp.Core answers a request the runtime cannot bind. The end-to-end case (Plotly.NET 6 charts in the
/// 1.0.712001 kernel, whose host loads FSharp.Core 10.0) is in Tests/Notebooks.Tests/RealKernelChartTests.cs.
/// </summary>
public class FSharpCoreBindingTests
{
    static AssemblyName Name(string name, string version) => new(name) { Version = new Version(version) };

    [Fact]
    public void A_request_for_10_1_binds_to_the_hosts_10_0()
    {
        var chosen = FSharpCoreBinding.Choose(Name("FSharp.Core", "10.1.0.0"),
            [Name("System.Runtime", "10.0.0.0"), Name("FSharp.Core", "10.0.0.0")]);
        Assert.Equal(new Version(10, 0, 0, 0), chosen?.Version);
    }

    [Fact]
    public void The_newest_older_copy_of_the_same_major_wins()
    {
        var chosen = FSharpCoreBinding.Choose(Name("FSharp.Core", "10.2.0.0"),
            [Name("FSharp.Core", "10.0.0.0"), Name("FSharp.Core", "10.1.0.0"), Name("FSharp.Core", "9.0.0.0")]);
        Assert.Equal(new Version(10, 1, 0, 0), chosen?.Version);
    }

    [Theory]
    [InlineData("FSharp.Core", "10.1.0.0", "FSharp.Core", "9.0.0.0")]     // another major: not compatible
    [InlineData("FSharp.Core", "10.1.0.0", "FSharp.Core", "10.1.0.0")]    // the same version: the runtime binds it itself
    [InlineData("FSharp.Core", "10.0.0.0", "FSharp.Core", "10.1.0.0")]    // a newer one: the runtime binds it itself
    [InlineData("DynamicObj", "8.0.0.0", "DynamicObj", "7.0.0.0")]        // only FSharp.Core is redirected
    [InlineData("FSharp.Core", "10.1.0.0", "FSharp.Core.Extra", "10.0.0.0")]
    public void Requests_it_cannot_answer_are_left_to_the_runtime(string requested, string requestedVersion, string loaded, string loadedVersion) =>
        Assert.Null(FSharpCoreBinding.Choose(Name(requested, requestedVersion), [Name(loaded, loadedVersion)]));

    [Fact]
    public void A_request_without_a_version_is_left_to_the_runtime() =>
        Assert.Null(FSharpCoreBinding.Choose(new AssemblyName("FSharp.Core"), [Name("FSharp.Core", "10.0.0.0")]));

    [Fact]
    public void Using_the_formatters_installs_it() =>
        Assert.True(FSharpCoreBinding.IsInstalled);
}
