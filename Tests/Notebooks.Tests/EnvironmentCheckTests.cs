namespace RnnToolkit.Notebooks.Tests;

/// <summary>
/// Binder's and the dev container's set-up, replayed on this machine by scripts/check-environments.sh as fresh
/// non-root users with fresh homes (no Docker engine here), each then running index.ipynb on the kernel it installed.
/// It makes users, so it needs root (CI runs as root); elsewhere it fails rather than skips. In the "notebooks"
/// collection so its kernels do not start alongside the other notebook tests'.
/// </summary>
[Collection("notebooks")]
public sealed class EnvironmentCheckTests
{
    [Fact]
    public void Binder_and_dev_container_set_up_a_fresh_user_who_can_run_a_notebook()
    {
        Assert.True(Environment.IsPrivilegedProcess,
            "EnvironmentCheckTests must run as root: scripts/check-environments.sh creates and removes temporary users (CI runs as root)");
        var (code, output) = Repository.Run("bash", "scripts/check-environments.sh");
        Assert.True(code == 0, $"scripts/check-environments.sh failed (exit {code}):\n{Tail(output)}");
        Assert.Equal(2, output.Split('\n').Count(l => l.StartsWith("PASS index.ipynb", StringComparison.Ordinal)));   // Binder's user and the dev container's
        Assert.Contains("both environments passed", output);

        // The temporary users are gone again.
        var users = File.ReadAllLines("/etc/passwd").Select(l => l.Split(':')[0]).ToList();
        Assert.DoesNotContain(users, u => u.StartsWith("rnnbinder", StringComparison.Ordinal) || u.StartsWith("rnndevc", StringComparison.Ordinal) || u.StartsWith("rnnubuntu", StringComparison.Ordinal));
    }

    static string Tail(string s) => s.Length > 6000 ? s[^6000..] : s;
}
