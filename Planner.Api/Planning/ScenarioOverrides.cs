using System.Text.Json;
using System.Text.Json.Serialization;
using Planner.Api.Localization;
using Planner.Solver.Care;

namespace Planner.Api.Planning;

/// <summary>A scenario as a plan uses it: its id, the version read, and its overrides.</summary>
public sealed record PlanScenario(string Id, int Version, ScenarioOverrides Overrides)
{
    /// <summary>The baseline with no overrides (version 1), for plans outside a saved scenario.</summary>
    public static PlanScenario Baseline { get; } = new(ScenarioOverrides.Baseline, 1, new ScenarioOverrides());
}

/// <summary>There is no scenario of that id.</summary>
public sealed class ScenarioNotFound(string id) : PlannerException(Messages.Get("NoScenario", id));

/// <summary>Production at one city's depot (or all, when <see cref="City"/> is null) of one product (or all), times a
/// factor.</summary>
public sealed record ProductionMultiplier(string? Product, string? City, double Multiplier);

/// <summary>Demand of one county (or all) in one tier (or all), times a factor.</summary>
public sealed record DemandMultiplier(string? County, int? Tier, double Multiplier);

/// <summary>The risk colour (1 green … 5 red) every county of a city is held at over the horizon.</summary>
public sealed record RiskHold(string City, int Level);

/// <summary>
/// What a scenario changes against the baseline (stored as <c>scenarios.overrides_json</c>): production by product
/// and city, demand by county and tier, the Hubei assistance quota (a factor on Hubei's requests, supplies and
/// teams), medical teams made unavailable, the horizon and the fairness policy. Empty: the baseline.
/// </summary>
public sealed record ScenarioOverrides
{
    /// <summary>The scenario of the daily plan: no overrides.</summary>
    public const string Baseline = "baseline";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The first planned day: the plan is made as of the day before, with the data known on it. Null: as
    /// of the latest data. A run that names its own day plans from that day instead.</summary>
    public DateOnly? PlanStart { get; init; }

    public IReadOnlyList<ProductionMultiplier> ProductionMultipliers { get; init; } = [];

    public IReadOnlyList<DemandMultiplier> DemandMultipliers { get; init; } = [];

    /// <summary>A factor on Hubei's supply requests and team requests (1: as requested, 0: none).</summary>
    public double? HubeiQuota { get; init; }

    public IReadOnlyList<string> UnavailableTeams { get; init; } = [];

    public int? HorizonDays { get; init; }

    /// <summary>optimized, pro-rata, population-share or no-sharing.</summary>
    public string? Policy { get; init; }

    /// <summary>Every demand driver held at its last report instead of forecast: the plan as it was made before
    /// forecasts (the baseline they were chosen against).</summary>
    public bool? HoldDrivers { get; init; }

    /// <summary>Growth per week of the severe and critical census and of people under observation, on top of the
    /// forecast (0.2: 20 % more each week; −0.2: 20 % fewer).</summary>
    public double? CensusGrowthPerWeek { get; init; }

    /// <summary>Days by which every factory's forecast ramp is delayed: the output it was to reach on a day comes
    /// that many days later.</summary>
    public int? ProductionDelayDays { get; init; }

    /// <summary>The share of employees to be on post by the target date, instead of the planning parameter.</summary>
    public double? ReturnToWorkShare { get; init; }

    /// <summary>The highest chance of a tier-1 or tier-2 stockout over the horizon the plan hedges each county
    /// against (0.05: 5 %), instead of the planning parameter <c>stockout_target</c>.</summary>
    public double? StockoutTarget { get; init; }

    /// <summary>The number of forecast paths the plan hedges on, instead of the planning parameter
    /// <c>risk_paths</c>.</summary>
    public int? RiskPaths { get; init; }

    /// <summary>Cities whose counties are held at a risk colour.</summary>
    public IReadOnlyList<RiskHold> RiskHolds { get; init; } = [];

    /// <summary>The request, from the scenario's first day when the request names no day of its own (before the
    /// configured as-of day applies).</summary>
    public PlanRequest Dated(PlanRequest request) =>
        request is { AsOf: null, PlanStart: null } && PlanStart is { } start
            ? request with
            {
                PlanStart = start,
            }
            : request;

    public static ScenarioOverrides Parse(string json) =>
        JsonSerializer.Deserialize<ScenarioOverrides>(json, Json) ?? new ScenarioOverrides();

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The factor on a product's production at a depot: the product of every matching multiplier.</summary>
    public double Production(string product, string depot) =>
        ProductionMultipliers
            .Where(m => (m.Product is null || m.Product == product) && (m.City is null || m.City == depot))
            .Aggregate(1.0, (f, m) => f * m.Multiplier);

    /// <summary>The factor on a county's demand in a tier.</summary>
    public double Demand(string county, int tier) =>
        DemandMultipliers
            .Where(m => (m.County is null || m.County == county) && (m.Tier is null || m.Tier == tier))
            .Aggregate(1.0, (f, m) => f * m.Multiplier);

    /// <summary>The teams the scenario leaves available, and Hubei's team requests scaled by the quota (rounded to
    /// whole members).</summary>
    public (IReadOnlyList<MedicalTeam> Teams, IReadOnlyList<StaffNeed> HubeiNeeds) Care(
        IReadOnlyList<MedicalTeam> teams,
        IReadOnlyList<StaffNeed> hubeiNeeds
    )
    {
        var unavailable = UnavailableTeams.ToHashSet(StringComparer.Ordinal);
        var quota = HubeiQuota ?? 1;
        return (
            teams.Where(t => !unavailable.Contains(t.Code)).ToList(),
            quota == 1
                ? hubeiNeeds
                : hubeiNeeds
                    .Select(n =>
                        n with
                        {
                            Required = n.Required.ToDictionary(
                                r => r.Key,
                                r => (int)Math.Round(r.Value * quota, MidpointRounding.AwayFromZero),
                                StringComparer.Ordinal
                            ),
                        }
                    )
                    .Where(n => n.Required.Values.Any(v => v > 0))
                    .ToList()
        );
    }
}
