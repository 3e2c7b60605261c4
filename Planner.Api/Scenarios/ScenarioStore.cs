using Microsoft.Extensions.Localization;
using Planner.Api.Localization;
using Planner.Api.Planning;

namespace Planner.Api.Scenarios;

/// <summary>A scenario as saved now, with its version.</summary>
public sealed record Scenario(string Id, string Name, string Description, ScenarioOverrides Overrides, int Version);

/// <summary>One saved version of a scenario.</summary>
public sealed record ScenarioVersion(
    int Version,
    string Name,
    string Description,
    ScenarioOverrides Overrides,
    string? SavedBy,
    DateTimeOffset SavedAt
);

/// <summary>A problem with a scenario's fields: the field (as in the JSON) and what is wrong, in the reader's
/// language (the texts beside this record, <c>ScenarioError.*.resx</c>, which the scenarios API also answers
/// with).</summary>
public sealed record ScenarioError(string Field, string Message)
{
    /// <summary>The scenario texts in the current UI culture.</summary>
    public static IStringLocalizer Text => Texts.For<ScenarioError>();
}

/// <summary>The scenario cannot be saved as given; every problem is listed.</summary>
public sealed class ScenarioInvalid(IReadOnlyList<ScenarioError> errors)
    : PlannerException(
        ScenarioError.Text[
            "Problems",
            errors.Count,
            string.Join(ScenarioError.Text["Separator"], errors.Select(e => $"{e.Field}: {e.Message}"))
        ]
    )
{
    public IReadOnlyList<ScenarioError> Errors { get; } = errors;
}

/// <summary>Scenarios with their overrides and the history of their versions.</summary>
public static class ScenarioStore
{
    public const string Baseline = ScenarioOverrides.Baseline;

    /// <summary>The fewest forecast paths a plan's risk is measured on: a 5 % chance is 5 stockouts in 100.</summary>
    public const int MinRiskPaths = 100;

    /// <summary>The most forecast paths: each is drawn, and the plan checked on it, for every county and day.</summary>
    public const int MaxRiskPaths = 10000;

    private const string ScenarioSql =
        "SELECT id AS Id, name AS Name, description AS Description, overrides_json AS OverridesJson, "
        + "version AS Version FROM scenarios";

    public static async Task<IReadOnlyList<Scenario>> ListAsync(DbConnection db) =>
        (await db.QueryAsync<ScenarioRow>($"{ScenarioSql} ORDER BY id")).Select(r => r.Scenario()).ToList();

    public static async Task<Scenario?> GetAsync(DbConnection db, string id) =>
        (await db.QuerySingleOrDefaultAsync<ScenarioRow>($"{ScenarioSql} WHERE id = @id", new { id }))?.Scenario();

    public static async Task<IReadOnlyList<ScenarioVersion>> HistoryAsync(DbConnection db, string id)
    {
        var rows = await db.QueryAsync<VersionRow>(
            """
            SELECT version AS Version, name AS Name, description AS Description, overrides_json AS OverridesJson,
            saved_by AS SavedBy, saved_at AS SavedAt FROM scenario_versions WHERE scenario_id = @id
            ORDER BY version DESC
            """,
            new { id }
        );
        return rows.Select(v => new ScenarioVersion(
                (int)v.Version,
                v.Name,
                v.Description,
                ScenarioOverrides.Parse(v.OverridesJson),
                v.SavedBy,
                v.SavedAt
            ))
            .ToList();
    }

    /// <summary>
    /// Saves a new scenario (<paramref name="create"/>) or a new version of an existing one, after checking every
    /// field against the reference data; returns what was saved. The baseline cannot be changed.
    /// </summary>
    public static async Task<Scenario> SaveAsync(
        DbConnection db,
        string id,
        string? name,
        string? description,
        ScenarioOverrides overrides,
        bool create,
        string? user,
        DateTimeOffset now
    )
    {
        var errors = await ProblemsAsync(db, id, name, overrides, create);
        if (errors.Count > 0)
            throw new ScenarioInvalid(errors);
        var existing = await GetAsync(db, id);
        if (create && existing is not null)
            throw new ScenarioInvalid([new("id", Text["Exists", id])]);
        if (!create && existing is null)
            throw new ScenarioNotFound(id);
        var version = (existing?.Version ?? 0) + 1;
        var json = overrides.ToJson();
        await using var tx = await db.BeginTransactionAsync();
        await db.ExecuteAsync(
            create
                ? "INSERT INTO scenarios (id, name, description, overrides_json, created_at, version) "
                    + "VALUES (@id, @name, @description, @json, @now, @version)"
                : "UPDATE scenarios SET name = @name, description = @description, overrides_json = @json, "
                    + "version = @version WHERE id = @id",
            new
            {
                id,
                name,
                description = description ?? "",
                json,
                now,
                version,
            },
            tx
        );
        await db.ExecuteAsync(
            """
            INSERT INTO scenario_versions (scenario_id, version, name, description, overrides_json, saved_by, saved_at)
            VALUES (@id, @version, @name, @description, @json, @user, @now)
            """,
            new
            {
                id,
                version,
                name,
                description = description ?? "",
                json,
                user,
                now,
            },
            tx
        );
        await tx.CommitAsync();
        return new Scenario(id, name!, description ?? "", overrides, version);
    }

    /// <summary>Every problem with the fields of a scenario to save, in the reader's language; none: it can be
    /// saved.</summary>
    public static async Task<List<ScenarioError>> ProblemsAsync(
        DbConnection db,
        string id,
        string? name,
        ScenarioOverrides o,
        bool create
    )
    {
        var errors = new List<ScenarioError>();
        if (id == Baseline)
            errors.Add(new("id", Text["BaselineFixed"]));
        if (create && (id.Length is 0 or > 40 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
            errors.Add(new("id", Text["BadId", id]));
        if (string.IsNullOrWhiteSpace(name))
            errors.Add(new("name", Text["NoName"]));
        var known = await KnownAsync(db);
        if (o.PlanStart is { } start && known.FirstReport is { } first && start <= first)
            errors.Add(new("planStart", Text["EarlyStart", Day(start), Day(first), Day(first.AddDays(1))]));
        CheckProduction(errors, o, known);
        CheckDemand(errors, o, known);
        CheckForecast(errors, o, known);
        CheckRisk(errors, o);
        if (o.HubeiQuota is { } quota)
            CheckFactor(errors, "hubeiQuota", quota);
        foreach (var team in o.UnavailableTeams.Where(t => !known.Teams.Contains(t)))
            errors.Add(new("unavailableTeams", Text["NoTeam", team]));
        if (o.HorizonDays is { } days and (< 1 or > 366))
            errors.Add(new("horizonDays", Text["BadHorizon", days]));
        if (o.Policy is { } policy && !Policies.TryParse(policy, out _))
            errors.Add(new("policy", Text["BadPolicy", policy]));
        return errors;
    }

    private static IStringLocalizer Text => ScenarioError.Text;

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Number(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    /// <summary>The codes an override may name, and the first day hospitals reported capacity on (a plan is made
    /// as of a day with data: from the day after it at the earliest).</summary>
    private sealed record KnownCodes(
        HashSet<string> Products,
        HashSet<string> Cities,
        HashSet<string> Counties,
        HashSet<int> Tiers,
        HashSet<string> Teams,
        DateOnly? FirstReport
    );

    private sealed class FirstReportRow
    {
        public DateOnly? Day { get; set; }
    }

    private static async Task<KnownCodes> KnownAsync(DbConnection db)
    {
        async Task<HashSet<string>> Codes(string sql) =>
            (await db.QueryAsync<string>(sql)).ToHashSet(StringComparer.Ordinal);
        var products = await Codes("SELECT code FROM products");
        var cities = await Codes("SELECT code FROM regions WHERE level IN ('city', 'province')");
        var counties = await Codes("SELECT code FROM regions WHERE level = 'county'");
        var tiers = (await db.QueryAsync<long>("SELECT tier FROM priority_tiers")).Select(t => (int)t).ToHashSet();
        var teams = await Codes("SELECT code FROM medical_teams");
        var first = await db.QuerySingleAsync<FirstReportRow>("SELECT MIN(report_date) AS Day FROM capacity_reports");
        return new KnownCodes(products, cities, counties, tiers, teams, first.Day);
    }

    private static void CheckProduction(List<ScenarioError> errors, ScenarioOverrides o, KnownCodes known)
    {
        for (var i = 0; i < o.ProductionMultipliers.Count; i++)
        {
            var m = o.ProductionMultipliers[i];
            var field = $"productionMultipliers[{i}]";
            if (m.Product is not null && !known.Products.Contains(m.Product))
                errors.Add(new($"{field}.product", Text["NoProduct", m.Product]));
            if (m.City is not null && !known.Cities.Contains(m.City))
                errors.Add(new($"{field}.city", Text["NoCity", m.City]));
            CheckFactor(errors, $"{field}.multiplier", m.Multiplier);
        }
    }

    private static void CheckDemand(List<ScenarioError> errors, ScenarioOverrides o, KnownCodes known)
    {
        for (var i = 0; i < o.DemandMultipliers.Count; i++)
        {
            var m = o.DemandMultipliers[i];
            var field = $"demandMultipliers[{i}]";
            if (m.County is not null && !known.Counties.Contains(m.County))
                errors.Add(new($"{field}.county", Text["NoCounty", m.County]));
            if (m.Tier is { } tier && !known.Tiers.Contains(tier))
                errors.Add(new($"{field}.tier", Text["NoTier", tier, string.Join(", ", known.Tiers.Order())]));
            CheckFactor(errors, $"{field}.multiplier", m.Multiplier);
        }
    }

    /// <summary>The overrides that act on the forecast: growth, delayed ramp, return-to-work target, colours
    /// held.</summary>
    private static void CheckForecast(List<ScenarioError> errors, ScenarioOverrides o, KnownCodes known)
    {
        if (o.CensusGrowthPerWeek is { } growth && (!double.IsFinite(growth) || growth <= -1 || growth > 10))
            errors.Add(new("censusGrowthPerWeek", Text["BadGrowth", Number(growth)]));
        if (o.ProductionDelayDays is { } delay and (< 0 or > 366))
            errors.Add(new("productionDelayDays", Text["BadDelay", delay]));
        if (o.ReturnToWorkShare is { } share && (!double.IsFinite(share) || share < 0 || share > 1))
            errors.Add(new("returnToWorkShare", Text["BadShare", Number(share)]));
        for (var i = 0; i < o.RiskHolds.Count; i++)
        {
            var h = o.RiskHolds[i];
            if (!known.Cities.Contains(h.City) || h.City.EndsWith("0000", StringComparison.Ordinal))
                errors.Add(new($"riskHolds[{i}].city", Text["NoHoldCity", h.City]));
            if (h.Level is < 1 or > 5)
                errors.Add(new($"riskHolds[{i}].level", Text["BadLevel", h.Level]));
        }
    }

    /// <summary>The hedge against the forecast's spread: a chance of running out the plan can be sized for (none at
    /// all would need an endless reserve), and enough forecast paths to see such a chance happen, but not so many
    /// that a run drags.</summary>
    private static void CheckRisk(List<ScenarioError> errors, ScenarioOverrides o)
    {
        if (o.StockoutTarget is { } target && (!double.IsFinite(target) || target <= 0 || target > 0.5))
            errors.Add(new("stockoutTarget", Text["BadStockoutTarget", Number(target)]));
        if (o.RiskPaths is { } paths and (< MinRiskPaths or > MaxRiskPaths))
            errors.Add(new("riskPaths", Text["BadRiskPaths", paths, MinRiskPaths, MaxRiskPaths]));
    }

    private static void CheckFactor(List<ScenarioError> errors, string field, double value)
    {
        if (!double.IsFinite(value) || value < 0 || value > 100)
            errors.Add(new(field, Text["BadFactor", Number(value)]));
    }

    private sealed class ScenarioRow
    {
        public string Id { get; set; } = "";
        public string Name { get; set; } = "";
        public string Description { get; set; } = "";
        public string OverridesJson { get; set; } = "{}";
        public long Version { get; set; }

        public Scenario Scenario() => new(Id, Name, Description, ScenarioOverrides.Parse(OverridesJson), (int)Version);
    }

    private sealed class VersionRow
    {
        public long Version { get; set; }
        public string Name { get; set; } = "";
        public string Description { get; set; } = "";
        public string OverridesJson { get; set; } = "{}";
        public string? SavedBy { get; set; }
        public DateTimeOffset SavedAt { get; set; }
    }
}
