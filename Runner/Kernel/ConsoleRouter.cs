using System.Text;

namespace RnnToolkit.Runner.Kernel;

/// <summary>
/// Replaces <see cref="Console.Out"/> and <see cref="Console.Error"/> once per process with writers that send text to
/// the running cell's <see cref="OutputSink"/> as stdout/stderr streams, and to the real console otherwise.
/// </summary>
internal static class ConsoleRouter
{
    private static readonly object InstallLock = new();
    private static bool _installed;

    /// <summary>The process's original standard output.</summary>
    public static TextWriter OriginalOut { get; private set; } = Console.Out;

    /// <summary>The process's original standard error.</summary>
    public static TextWriter OriginalError { get; private set; } = Console.Error;

    /// <summary>Installs the routing writers (idempotent).</summary>
    public static void Install()
    {
        lock (InstallLock)
        {
            if (_installed) return;
            OriginalOut = Console.Out;
            OriginalError = Console.Error;
            Console.SetOut(new RoutingWriter("stdout", OriginalOut));
            Console.SetError(new RoutingWriter("stderr", OriginalError));
            _installed = true;
        }
    }

    private sealed class RoutingWriter : TextWriter
    {
        private readonly string _name;
        private readonly TextWriter _fallback;

        public RoutingWriter(string name, TextWriter fallback)
        {
            _name = name;
            _fallback = fallback;
        }

        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value) => Write(value.ToString());

        public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

        public override void Write(string? value)
        {
            if (string.IsNullOrEmpty(value)) return;
            var sink = KernelContext.Current;
            if (sink is null)
                _fallback.Write(value);
            else
                sink.WriteStream(_name, value);
        }

        public override void WriteLine(string? value) => Write((value ?? "") + "\n");

        public override void WriteLine() => Write("\n");

        public override void Flush()
        {
            if (KernelContext.Current is null) _fallback.Flush();
        }
    }
}
