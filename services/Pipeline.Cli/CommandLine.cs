using System.Globalization;

namespace WildlifeWatch.Cli;

public sealed class UsageException(string message) : Exception(message);

/// <summary>A verb's options: <c>--name value</c> pairs and <c>--flag</c> switches, each checked against what the verb knows.</summary>
public sealed class CommandLine
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);

    private CommandLine(string verb) => Verb = verb;

    public string Verb { get; }

    public static CommandLine Parse(string[] args, IReadOnlyDictionary<string, IReadOnlySet<string>> verbs)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            return new CommandLine("help");
        }

        var verb = args[0];
        if (!verbs.TryGetValue(verb, out var known))
        {
            throw new UsageException($"Unknown command '{verb}'. Commands: {string.Join(", ", verbs.Keys)}.");
        }

        var line = new CommandLine(verb);
        for (var i = 1; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg is "-h" or "--help")
            {
                return new CommandLine("help");
            }

            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new UsageException($"'{verb}': unexpected argument '{arg}'.");
            }

            var name = arg[2..];
            string? value = null;
            var eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0)
            {
                value = name[(eq + 1)..];
                name = name[..eq];
            }

            if (!known.Contains(name))
            {
                throw new UsageException($"'{verb}' has no option --{name}. Options: {string.Join(", ", known.Order().Select(k => "--" + k))}.");
            }

            if (value is null && i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                value = args[++i];
            }

            line._values[name] = value;
        }

        return line;
    }

    public bool Flag(string name) => _values.ContainsKey(name);

    public string? String(string name)
    {
        if (!_values.TryGetValue(name, out var value))
        {
            return null;
        }

        return value ?? throw new UsageException($"--{name} needs a value.");
    }

    public int? Int(string name, int min, int max) => Number(name, min, max, s => int.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture));

    public double? Double(string name, double min, double max) => Number(name, min, max, s => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture));

    private T? Number<T>(string name, T min, T max, Func<string, T> parse)
        where T : struct, IComparable<T>
    {
        var text = String(name);
        if (text is null)
        {
            return null;
        }

        T value;
        try
        {
            value = parse(text);
        }
        catch (FormatException)
        {
            throw new UsageException($"--{name} must be a number, not '{text}'.");
        }
        catch (OverflowException)
        {
            throw new UsageException($"--{name} is out of range: '{text}'.");
        }

        return value.CompareTo(min) < 0 || value.CompareTo(max) > 0
            ? throw new UsageException($"--{name} must be between {min} and {max}, not {text}.")
            : value;
    }
}
