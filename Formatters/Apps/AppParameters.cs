namespace RnnToolkit.Formatting;

/// <summary>
/// A notebook app's parameters, given on its command line as <c>--name value</c> (or <c>--name=value</c>), each with
/// the notebook's default. Values are read as the default's type: integers, decimals (invariant culture,
/// <c>1e-3</c> too), <c>true</c>/<c>false</c>, strings, and arrays of these separated by commas. A bad value or an
/// unknown name ends the app with exit code 2 and a message naming the parameter, the expected type and the given text.
/// </summary>
public sealed class AppParameters
{
    /// <summary>The exit code of an app given bad parameters.</summary>
    public const int UsageExitCode = 2;

    readonly Dictionary<string, string> given;
    readonly Action<string, object?>? record;

    AppParameters(Dictionary<string, string> given, Action<string, object?>? record)
    {
        this.given = given;
        this.record = record;
    }

    /// <summary>Parses <paramref name="args"/> against the parameter <paramref name="names"/>.</summary>
    /// <exception cref="ArgumentException">An argument is not <c>--name value</c> for a known name, or a name repeats.</exception>
    internal static AppParameters Parse(string[] args, IReadOnlyCollection<string> names, Action<string, object?>? record = null)
    {
        var given = new Dictionary<string, string>(StringComparer.Ordinal);
        var known = string.Join(", ", names.Select(n => "--" + n));
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
                throw new ArgumentException($"expected a parameter as --name value (one of {known}), got '{arg}'.");
            var name = arg[2..];
            string value;
            var equals = name.IndexOf('=', StringComparison.Ordinal);
            if (equals >= 0)
            {
                value = name[(equals + 1)..];
                name = name[..equals];
            }
            else if (i + 1 < args.Length)
            {
                value = args[++i];
            }
            else
            {
                throw new ArgumentException($"parameter --{name}: expected a value after it, got nothing.");
            }
            if (!names.Contains(name)) throw new ArgumentException($"unknown parameter --{name}: expected one of {known}.");
            if (!given.TryAdd(name, value)) throw new ArgumentException($"parameter --{name} is given twice.");
        }
        return new AppParameters(given, record);
    }

    internal static AppParameters ParseOrExit(string[] args, IReadOnlyCollection<string> names, Action<string, object?>? record) =>
        OrExit(() => Parse(args, names, record));

    /// <summary>The value of parameter <paramref name="name"/> from the command line, or <paramref name="defaultValue"/>.</summary>
    /// <typeparam name="T">The parameter's type (the type of the notebook's value).</typeparam>
    /// <param name="name">The parameter's name.</param>
    /// <param name="defaultValue">The notebook's value.</param>
    public T Get<T>(string name, T defaultValue) => OrExit(() => Read(name, defaultValue));

    /// <summary>As <see cref="Get{T}"/>, throwing <see cref="ArgumentException"/> for a value that is not a <typeparamref name="T"/>.</summary>
    internal T Read<T>(string name, T defaultValue)
    {
        if (!given.TryGetValue(name, out var text)) return defaultValue;
        var value = (T)ParameterText.Convert(text, typeof(T), name);
        record?.Invoke(name, value);
        return value;
    }

    static TResult OrExit<TResult>(Func<TResult> read)
    {
        try
        {
            return read();
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine("error: " + e.Message);
            Console.Error.Flush();
            Environment.Exit(UsageExitCode);
            throw;   // not reached
        }
    }
}
