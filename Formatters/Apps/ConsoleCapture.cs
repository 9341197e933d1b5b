using System.Text;

namespace RnnToolkit.Formatting;

/// <summary>A console writer that still writes to the console and also hands every piece of text to the app's session.</summary>
sealed class ConsoleCapture(TextWriter console, Action<string> capture) : TextWriter
{
    public override Encoding Encoding => console.Encoding;

    public override void Write(char value)
    {
        console.Write(value);
        capture(value.ToString());
    }

    public override void Write(string? value)
    {
        if (value is null) return;
        console.Write(value);
        capture(value);
    }

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override void WriteLine(string? value) => Write((value ?? "") + CoreNewLine.AsSpan().ToString());

    public override void Flush() => console.Flush();
}
