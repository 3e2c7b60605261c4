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

/// <summary>A problem with a scenario's fields: the field (as in the JSON) and what is wrong.</summary>
public sealed record ScenarioError(string Field, string Message);

/// <summary>The scenario cannot be saved as given; every problem is listed.</summary>
public sealed class ScenarioInvalid(IReadOnlyList<ScenarioError> errors)
    : PlannerException(
        $"The scenario has {errors.Count} problem{(errors.Count == 1 ? "" : "s")}: "
            + $"{string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}"))}"
    )
{
    public IReadOnlyList<ScenarioError> Errors { get; } = errors;
}

/// <summary>Scenarios with their overrides and the history of their versions.</summary>
public static class ScenarioStore
{
    public const string Baseline = ScenarioOverrides.Baseline;

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
        var errors = await CheckAsync(db, id, name, overrides, create);
        if (errors.Count > 0)
            throw new ScenarioInvalid(errors);
        var existing = await GetAsync(db, id);
        if (create && existing is not null)
            throw new ScenarioInvalid([new("id", $"There is already a scenario '{id}'; edit it instead.")]);
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

    private static async Task<List<ScenarioError>> CheckAsync(
        DbConnection db,
        string id,
        string? name,
        ScenarioOverrides o,
        bool create
    )
    {
        var errors = new List<ScenarioError>();
        if (id == Baseline)
            errors.Add(
                new(
                    "id",
                    "The baseline is the daily plan without overrides and cannot be changed; save a new scenario."
                )
            );
        if (create && (id.Length is 0 or > 40 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
            errors.Add(new("id", $"'{id}' is not a scenario id: 1 to 40 letters, digits, '-' or '_'."));
        if (string.IsNullOrWhiteSpace(name))
            errors.Add(new("name", "Give the scenario a name."));
        var known = await KnownAsync(db);
        CheckProduction(errors, o, known);
        CheckDemand(errors, o, known);
        CheckForecast(errors, o, known);
        if (o.HubeiQuota is { } quota)
            CheckFactor(errors, "hubeiQuota", quota);
        foreach (var team in o.UnavailableTeams.Where(t => !known.Teams.Contains(t)))
            errors.Add(new("unavailableTeams", $"There is no medical team '{team}'."));
        if (o.HorizonDays is { } days and (< 1 or > 366))
            errors.Add(new("horizonDays", $"{days} days; the horizon is 1 to 366 days."));
        if (o.Policy is { } policy)
        {
            try
            {
                Policies.Parse(policy);
            }
            catch (PlannerException e)
            {
                errors.Add(new("policy", e.Message));
            }
        }
        return errors;
    }

    /// <summary>The codes an override may name.</summary>
    private sealed record KnownCodes(
        HashSet<string> Products,
        HashSet<string> Cities,
        HashSet<string> Counties,
        HashSet<int> Tiers,
        HashSet<string> Teams
    );

    private static async Task<KnownCodes> KnownAsync(DbConnection db)
    {
        async Task<HashSet<string>> Codes(string sql) =>
            (await db.QueryAsync<string>(sql)).ToHashSet(StringComparer.Ordinal);
        var products = await Codes("SELECT code FROM products");
        var cities = await Codes("SELECT code FROM regions WHERE level IN ('city', 'province')");
        var counties = await Codes("SELECT code FROM regions WHERE level = 'county'");
        var tiers = (await db.QueryAsync<long>("SELECT tier FROM priority_tiers")).Select(t => (int)t).ToHashSet();
        var teams = await Codes("SELECT code FROM medical_teams");
        return new KnownCodes(products, cities, counties, tiers, teams);
    }

    private static void CheckProduction(List<ScenarioError> errors, ScenarioOverrides o, KnownCodes known)
    {
        for (var i = 0; i < o.ProductionMultipliers.Count; i++)
        {
            var m = o.ProductionMultipliers[i];
            var field = $"productionMultipliers[{i}]";
            if (m.Product is not null && !known.Products.Contains(m.Product))
                errors.Add(new($"{field}.product", $"There is no product '{m.Product}'."));
            if (m.City is not null && !known.Cities.Contains(m.City))
                errors.Add(
                    new(
                        $"{field}.city",
                        $"There is no city '{m.City}' (a city code such as 330100, or the province 330000)."
                    )
                );
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
                errors.Add(new($"{field}.county", $"There is no county '{m.County}'."));
            if (m.Tier is { } tier && !known.Tiers.Contains(tier))
                errors.Add(
                    new(
                        $"{field}.tier",
                        $"There is no tier {tier}; the tiers are {string.Join(", ", known.Tiers.Order())}."
                    )
                );
            CheckFactor(errors, $"{field}.multiplier", m.Multiplier);
        }
    }

    /// <summary>The overrides that act on the forecast: growth, delayed ramp, return-to-work target, colours
    /// held.</summary>
    private static void CheckForecast(List<ScenarioError> errors, ScenarioOverrides o, KnownCodes known)
    {
        if (o.CensusGrowthPerWeek is { } growth && (!double.IsFinite(growth) || growth <= -1 || growth > 10))
            errors.Add(new("censusGrowthPerWeek", $"{growth} is not a weekly growth above -1 (-100 %) and up to 10."));
        if (o.ProductionDelayDays is { } delay and (< 0 or > 366))
            errors.Add(new("productionDelayDays", $"{delay} days; the delay is 0 to 366 days."));
        if (o.ReturnToWorkShare is { } share && (!double.IsFinite(share) || share < 0 || share > 1))
            errors.Add(new("returnToWorkShare", $"{share} is not a share from 0 to 1."));
        for (var i = 0; i < o.RiskHolds.Count; i++)
        {
            var h = o.RiskHolds[i];
            if (!known.Cities.Contains(h.City) || h.City.EndsWith("0000", StringComparison.Ordinal))
                errors.Add(new($"riskHolds[{i}].city", $"There is no city '{h.City}' (a city code such as 330100)."));
            if (h.Level is < 1 or > 5)
                errors.Add(new($"riskHolds[{i}].level", $"{h.Level} is not a risk colour: 1 (green) to 5 (red)."));
        }
    }

    private static void CheckFactor(List<ScenarioError> errors, string field, double value)
    {
        if (!double.IsFinite(value) || value < 0 || value > 100)
            errors.Add(new(field, $"{value} is not a factor from 0 to 100."));
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
