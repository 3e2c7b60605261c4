using System.Globalization;

namespace Planner.Benchmarks;

/// <summary>
/// A benchmark's command line: <c>--name value</c> options and <c>--name</c> flags, each setting what the benchmark
/// declared for it; the benchmark's usage is part of every complaint.
/// </summary>
internal sealed class Options(string usage)
{
    private readonly Dictionary<string, Action<string>> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Action> _flags = new(StringComparer.Ordinal);

    public Options Text(string name, Action<string> set)
    {
        _values[name] = set;
        return this;
    }

    public Options Int(string name, Action<int> set) =>
        Text(name, value => set(int.Parse(value, CultureInfo.InvariantCulture)));

    public Options Double(string name, Action<double> set) =>
        Text(name, value => set(double.Parse(value, CultureInfo.InvariantCulture)));

    public Options Flag(string name, Action set)
    {
        _flags[name] = set;
        return this;
    }

    /// <summary>Applies the options in order; returns the first unknown one (the rest are not read), or null.</summary>
    public string? Parse(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            if (_flags.TryGetValue(args[i], out var flag))
                flag();
            else if (!_values.TryGetValue(args[i], out var set))
                return args[i];
            else
                set(i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.\n{usage}"));
        }
        return null;
    }

    /// <summary>Applies the options; an unknown one is an <see cref="ArgumentException"/>.</summary>
    public void ParseOrThrow(IReadOnlyList<string> args)
    {
        if (Parse(args) is { } unknown)
            throw new ArgumentException($"unknown option {unknown}\n{usage}");
    }
}
