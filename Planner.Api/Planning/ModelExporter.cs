using System.Text.Json;
using Planner.Solver.Allocation;

namespace Planner.Api.Planning;

/// <summary>
/// Writes each LP stage as it is solved to <c>&lt;product&gt;-&lt;stage&gt;.mps</c> (free MPS, with the earlier stages'
/// optima fixed in it) and, at the end, <c>stages.json</c>: the stages in solve order with their sense and optimum,
/// so an external LP solver can confirm each one.
/// </summary>
public sealed class ModelExporter(string directory)
{
    private readonly List<Entry> _entries = [];
    private readonly Lock _lock = new();

    public string Directory { get; } = directory;

    public int Count => _entries.Count;

    public void Write(StageModel stage)
    {
        var name = $"{stage.Product}-{stage.Stage}";
        File.WriteAllText(Path.Combine(Directory, name + ".mps"), stage.ToMps());
        lock (_lock)
        {
            _entries.Add(new Entry(name, name + ".mps", stage.Sense, stage.Objective, stage.Scale));
        }
    }

    public Task FinishAsync(CancellationToken ct) =>
        File.WriteAllTextAsync(
            Path.Combine(Directory, "stages.json"),
            JsonSerializer.Serialize(_entries, Options) + "\n",
            ct
        );

    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
    };

    /// <summary>Scale: the model's quantities are product units divided by it.</summary>
    private sealed record Entry(string Stage, string File, string Sense, double Objective, double Scale);
}
