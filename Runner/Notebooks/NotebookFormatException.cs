namespace RnnToolkit.Runner.Notebooks;

/// <summary>Thrown when a file is not a readable nbformat 4 notebook; the message names what was expected and what was found.</summary>
public sealed class NotebookFormatException : Exception
{
    /// <summary>Creates the exception with a message naming the expected and the given content.</summary>
    /// <param name="message">What was expected and what was found.</param>
    /// <param name="inner">The underlying parse error, if any.</param>
    public NotebookFormatException(string message, Exception? inner = null) : base(message, inner) { }
}
