using Planner.Api;
using Planner.Solver.Risk;

namespace Planner.Tests.Planning;

/// <summary>How a run hedges: the scenario's target and paths, else the planning parameters, and a parameter out of
/// range refused with its name.</summary>
public class RiskSettingsTests
{
    private static async Task<PlanInputs> InputsAsync(TestDatabase db)
    {
        var node = await TestPlanner.PulledAsync(db);
        await using var connection = await node.Planner.OpenAsync(Ct);
        return await InputsReader.ReadAsync(connection, PlanScenario.Baseline);
    }

    [Fact]
    public async Task TheScenarioOverridesTheParameters_AndABadParameterIsRefusedByName()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var inputs = await InputsAsync(db);

        // The shipped parameters.
        Assert.Equal(new RiskSettings(0.05, 1000, 20200210, BufferMethod.Quantile), RiskSettings.Of(inputs));
        // A scenario's own target and paths.
        var scenario = inputs with
        {
            Overrides = new ScenarioOverrides { StockoutTarget = 0.1, RiskPaths = 400 },
        };
        Assert.Equal((0.1, 400), (RiskSettings.Of(scenario).Target, RiskSettings.Of(scenario).Paths));
        // Without the parameters (a database seeded before them): the defaults.
        var none = inputs with
        {
            Parameters = inputs
                .Parameters.Where(p =>
                    !p.Key.StartsWith("risk_", StringComparison.Ordinal) && p.Key != "stockout_target"
                )
                .ToDictionary(),
        };
        Assert.Equal(RiskSettings.Default, RiskSettings.Of(none));

        foreach (var (name, value) in new[] { ("stockout_target", "2"), ("risk_paths", "10"), ("risk_method", "mean") })
        {
            var bad = inputs with { Parameters = new Dictionary<string, string>(inputs.Parameters) { [name] = value } };
            var refused = Assert.Throws<PlannerException>(() => RiskSettings.Of(bad));
            Assert.Contains(name, refused.Message, StringComparison.Ordinal);
            Assert.Contains($"\"{value}\"", refused.Message, StringComparison.Ordinal);
        }
    }
}
