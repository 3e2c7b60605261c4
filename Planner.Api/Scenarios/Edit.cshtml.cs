using System.Text.RegularExpressions;
using Hangfire;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Planner.Api.Access;
using Planner.Api.Localization;
using Planner.Api.Planning;
using Planner.Api.Runs;

namespace Planner.Api.Scenarios;

/// <summary>
/// The scenario editor: a new scenario, or a new version of one; save, or save and run. Override rows are as many as
/// needed: a blank row is always offered, "add a row" and "remove" post the form back as it is (no script needed).
/// Numbers are read here, so a value that is not one is named in the reader's language like every other problem.
/// </summary>
[Authorize(Policy = AccessSetup.Planners)]
public sealed partial class EditModel(
    Database planner,
    TimeProvider clock,
    IBackgroundJobClient jobs,
    IStringLocalizer<EditModel> text
) : PageModel
{
    /// <summary>A row of a table of overrides, as typed: Code and Scope are codes, Multiplier a number.</summary>
    public sealed class Row
    {
        public string? Code { get; set; }
        public string? Scope { get; set; }
        public string? Multiplier { get; set; }

        public bool Blank => Empty(Code) is null && Empty(Scope) is null && Empty(Multiplier) is null;
    }

    /// <summary>The tables of rows, by the name their add and remove buttons send.</summary>
    public static readonly string[] Tables = ["production", "demand", "risk"];

    [BindProperty(SupportsGet = true)]
    public string? Id { get; set; }

    public bool IsNew => Id is null;

    [BindProperty]
    public string? NewId { get; set; }

    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public string? Description { get; set; }

    /// <summary>The first planned day, yyyy-MM-dd; empty: as of the latest data.</summary>
    [BindProperty]
    public string? PlanStart { get; set; }

    /// <summary>Code: product (or empty for all); Scope: city (or empty for all); Multiplier: factor.</summary>
    [BindProperty]
    public List<Row> Production { get; set; } = [];

    /// <summary>Code: county (or empty for all); Scope: tier (or empty for all); Multiplier: factor.</summary>
    [BindProperty]
    public List<Row> Demand { get; set; } = [];

    [BindProperty]
    public string? HubeiQuota { get; set; }

    [BindProperty]
    public List<string> UnavailableTeams { get; set; } = [];

    [BindProperty]
    public string? HorizonDays { get; set; }

    [BindProperty]
    public string? Policy { get; set; }

    /// <summary>Every demand driver held at its last report (no forecast).</summary>
    [BindProperty]
    public bool HoldDrivers { get; set; }

    /// <summary>Census growth per week, in per cent.</summary>
    [BindProperty]
    public string? CensusGrowthPercent { get; set; }

    [BindProperty]
    public string? ProductionDelayDays { get; set; }

    /// <summary>Return-to-work target, in per cent of employees.</summary>
    [BindProperty]
    public string? ReturnToWorkPercent { get; set; }

    /// <summary>Code: city; Scope: colour 1–5.</summary>
    [BindProperty]
    public List<Row> RiskHolds { get; set; } = [];

    /// <summary>The highest chance of a tier-1 or tier-2 stockout the plan hedges against, in per cent.</summary>
    [BindProperty]
    public string? StockoutTargetPercent { get; set; }

    /// <summary>The number of forecast paths the plan's risk is measured on.</summary>
    [BindProperty]
    public string? RiskPaths { get; set; }

    /// <summary>The planning parameters a blank stockout target and number of paths stand for (the target in per
    /// cent).</summary>
    public (string TargetPercent, string Paths) RiskDefaults { get; private set; } = ("", "");

    public IReadOnlyList<ScenarioError> Errors { get; private set; } = [];

    /// <summary>Codes and names in the reader's language.</summary>
    public IReadOnlyList<(string Code, string Name)> Products { get; private set; } = [];
    public IReadOnlyList<(string Code, string Name)> Cities { get; private set; } = [];
    public IReadOnlyList<(string Code, string Name)> Counties { get; private set; } = [];
    public IReadOnlyList<(string Code, string Name)> Tiers { get; private set; } = [];
    public IReadOnlyList<(string Code, string Name)> RiskLevels { get; private set; } = [];

    /// <summary>Medical teams: code, name (from the data, in Chinese) and home city in the reader's language.</summary>
    public IReadOnlyList<(string Code, string Name, string City)> Teams { get; private set; } = [];

    public static readonly string[] Policies = ["optimized", "pro-rata", "population-share", "no-sharing"];

    public async Task<IActionResult> OnGetAsync()
    {
        await using var db = await planner.OpenAsync(HttpContext.RequestAborted);
        if (Id is not null)
        {
            if (await ScenarioStore.GetAsync(db, Id) is not { } scenario)
                return NotFound();
            (Name, Description) = (scenario.Name, scenario.Description);
            Show(scenario.Overrides);
        }
        await LoadChoicesAsync(db, add: null);
        return Page();
    }

    /// <summary>
    /// With <paramref name="add"/> or <paramref name="remove"/> (a table, or a table and row: <c>demand:2</c>), the
    /// form again with a row more or less, nothing saved. Otherwise saves; with <paramref name="run"/> also queues a
    /// run and shows its progress.
    /// </summary>
    public async Task<IActionResult> OnPostAsync(bool run, string? add, string? remove)
    {
        await using var db = await planner.OpenAsync(HttpContext.RequestAborted);
        if (add is not null || remove is not null)
        {
            Remove(remove);
            ModelState.Clear();
            await LoadChoicesAsync(db, add);
            return Page();
        }
        var id = Id ?? NewId?.Trim() ?? "";
        (Production, Demand, RiskHolds) = (Filled(Production), Filled(Demand), Filled(RiskHolds));
        var errors = new List<ScenarioError>();
        var overrides = Read(errors);
        try
        {
            // What the page could not read stands in as a neutral value; all is checked as saving would, nothing saved.
            if (errors.Count > 0)
                throw new ScenarioInvalid([
                    .. errors,
                    .. await ScenarioStore.ProblemsAsync(db, id, Name, overrides, IsNew),
                ]);
            await ScenarioStore.SaveAsync(
                db,
                id,
                Name,
                Description,
                overrides,
                create: Id is null,
                User.Identity?.Name,
                clock.GetUtcNow()
            );
        }
        catch (ScenarioInvalid e)
        {
            Errors = InFormOrder(e.Errors);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            ModelState.Clear();
            await LoadChoicesAsync(db, add: null);
            return Page();
        }
        return run ? await RunAsync(db, id) : Redirect("/scenarios");
    }

    /// <summary>Queues a run of a saved scenario (the Run buttons of the scenario list).</summary>
    public async Task<IActionResult> OnPostRunAsync()
    {
        await using var db = await planner.OpenAsync(HttpContext.RequestAborted);
        return Id is not null && await ScenarioStore.GetAsync(db, Id) is not null ? await RunAsync(db, Id) : NotFound();
    }

    private async Task<IActionResult> RunAsync(DbConnection db, string id) =>
        Redirect($"/runs/{await RunJobs.QueueAsync(db, jobs, new PlanRequest(Scenario: id), clock.GetUtcNow())}");

    /// <summary>
    /// The overrides the form gives; what cannot be read is added to <paramref name="errors"/>. A value that cannot
    /// be read stands in as a neutral one (a factor of 1), so that every row keeps its number in the store's
    /// problems too; nothing is saved while there are problems.
    /// </summary>
    private ScenarioOverrides Read(List<ScenarioError> errors)
    {
        var form = new FormReader(errors, text);
        var production = Production.Select(
            (r, i) =>
                new ProductionMultiplier(
                    Empty(r.Code),
                    Empty(r.Scope),
                    form.Factor($"productionMultipliers[{i}].multiplier", r) ?? 1
                )
        );
        var demand = Demand.Select(
            (r, i) =>
                new DemandMultiplier(
                    Empty(r.Code),
                    form.Whole($"demandMultipliers[{i}].tier", r.Scope),
                    form.Factor($"demandMultipliers[{i}].multiplier", r) ?? 1
                )
        );
        var growth = form.Number("censusGrowthPerWeek", CensusGrowthPercent);
        var share = form.Number("returnToWorkShare", ReturnToWorkPercent);
        var target = form.Number("stockoutTarget", StockoutTargetPercent);
        return new ScenarioOverrides
        {
            PlanStart = form.Day("planStart", PlanStart),
            ProductionMultipliers = production.ToList(),
            DemandMultipliers = demand.ToList(),
            HubeiQuota = form.Number("hubeiQuota", HubeiQuota),
            UnavailableTeams = UnavailableTeams.Where(t => !string.IsNullOrWhiteSpace(t)).Distinct().ToList(),
            HorizonDays = form.Whole("horizonDays", HorizonDays),
            Policy = Empty(Policy),
            HoldDrivers = HoldDrivers ? true : null,
            CensusGrowthPerWeek = form.Percent("censusGrowthPerWeek", growth, (-100, 1000), "BadGrowthPercent") / 100,
            ProductionDelayDays = form.Whole("productionDelayDays", ProductionDelayDays),
            ReturnToWorkShare = form.Percent("returnToWorkShare", share, (null, 100), "BadPercent") / 100,
            RiskHolds = RiskHolds.Select((r, i) => form.Hold(i, r)).ToList(),
            StockoutTarget = form.Percent("stockoutTarget", target, (0, 50), "BadStockoutPercent") / 100,
            RiskPaths = form.Whole("riskPaths", RiskPaths),
        };
    }

    /// <summary>The form's fields as the scenario's JSON names them; their problems, in the reader's
    /// language.</summary>
    private sealed class FormReader(List<ScenarioError> errors, IStringLocalizer text)
    {
        public double? Number(string field, string? value)
        {
            if (Empty(value) is not { } given)
                return null;
            if (double.TryParse(given, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                return number;
            errors.Add(new(field, text["NotNumber", given]));
            return null;
        }

        public int? Whole(string field, string? value)
        {
            if (Empty(value) is not { } given)
                return null;
            if (int.TryParse(given, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number))
                return number;
            errors.Add(new(field, text["NotWhole", given]));
            return null;
        }

        public DateOnly? Day(string field, string? value)
        {
            if (Empty(value) is not { } given)
                return null;
            if (
                DateOnly.TryParseExact(
                    given,
                    "yyyy-MM-dd",
                    CultureInfo.InvariantCulture,
                    DateTimeStyles.None,
                    out var d
                )
            )
                return d;
            errors.Add(new(field, text["NotDate", given]));
            return null;
        }

        /// <summary>A row's factor; a row with codes but no factor is a problem, not a row to drop silently.</summary>
        public double? Factor(string field, Row row)
        {
            if (Empty(row.Multiplier) is null)
                errors.Add(new(field, text["NoFactor"]));
            return Number(field, row.Multiplier);
        }

        /// <summary>A percentage within its range: above <c>Above</c> (or from 0 when null) and up to <c>UpTo</c>;
        /// otherwise <paramref name="problem"/> says so in per cent, as typed (the store checks the share it becomes,
        /// with the API's words).</summary>
        public double? Percent(string field, double? value, (double? Above, double UpTo) range, string problem)
        {
            if (value is not { } percent)
                return null;
            if (
                double.IsFinite(percent)
                && (range.Above is { } low ? percent > low : percent >= 0)
                && percent <= range.UpTo
            )
                return percent;
            errors.Add(new(field, text[problem, percent.ToString("0.##", CultureInfo.InvariantCulture)]));
            return null;
        }

        /// <summary>A risk hold; one without a city or a colour stands in as Hangzhou held green.</summary>
        public RiskHold Hold(int i, Row row)
        {
            var city = Empty(row.Code);
            if (city is null)
                errors.Add(new($"riskHolds[{i}].city", text["NoHoldCity"]));
            var level = Whole($"riskHolds[{i}].level", row.Scope);
            if (Empty(row.Scope) is null)
                errors.Add(new($"riskHolds[{i}].level", text["NoHoldLevel"]));
            return new RiskHold(city ?? "330100", level ?? 1);
        }
    }

    /// <summary>A problem's field in the reader's words: <c>demandMultipliers[1].multiplier</c> is the factor of
    /// the second demand row.</summary>
    public string Label(string field) =>
        FieldPath().Match(field) is { Success: true } m
            ? text[
                $"Field.{m.Groups["list"].Value}.{m.Groups["part"].Value}",
                int.Parse(m.Groups["row"].Value, CultureInfo.InvariantCulture) + 1
            ]
            : text[$"Field.{field}"];

    /// <summary>The fields in the order the form shows them.</summary>
    private static readonly string[] FormOrder =
    [
        "id",
        "name",
        "planStart",
        "productionMultipliers",
        "demandMultipliers",
        "censusGrowthPerWeek",
        "productionDelayDays",
        "returnToWorkShare",
        "riskHolds",
        "stockoutTarget",
        "riskPaths",
        "hubeiQuota",
        "unavailableTeams",
        "horizonDays",
        "policy",
    ];

    /// <summary>Problems as a reader meets their fields going down the form: by field, then row.</summary>
    private static List<ScenarioError> InFormOrder(IEnumerable<ScenarioError> errors) =>
        errors
            .Select(e => (Error: e, Path: FieldPath().Match(e.Field)))
            .OrderBy(e => Array.IndexOf(FormOrder, e.Path.Success ? e.Path.Groups["list"].Value : e.Error.Field))
            .ThenBy(e => e.Path.Success ? int.Parse(e.Path.Groups["row"].Value, CultureInfo.InvariantCulture) : 0)
            .Select(e => e.Error)
            .ToList();

    /// <summary>Whether a field has a problem (its input is marked invalid).</summary>
    public bool Invalid(string field) => Errors.Any(e => e.Field == field);

    [GeneratedRegex(@"^(?<list>\w+)\[(?<row>\d+)\]\.(?<part>\w+)$")]
    private static partial Regex FieldPath();

    /// <summary>The form of a saved scenario (shares in per cent).</summary>
    private void Show(ScenarioOverrides o)
    {
        string? Invariant(double? value) => value?.ToString("0.####", CultureInfo.InvariantCulture);
        PlanStart = o.PlanStart?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        Production = o
            .ProductionMultipliers.Select(m => new Row
            {
                Code = m.Product,
                Scope = m.City,
                Multiplier = Invariant(m.Multiplier),
            })
            .ToList();
        Demand = o
            .DemandMultipliers.Select(m => new Row
            {
                Code = m.County,
                Scope = m.Tier?.ToString(CultureInfo.InvariantCulture),
                Multiplier = Invariant(m.Multiplier),
            })
            .ToList();
        (HubeiQuota, UnavailableTeams, HorizonDays, Policy) = (
            Invariant(o.HubeiQuota),
            o.UnavailableTeams.ToList(),
            o.HorizonDays?.ToString(CultureInfo.InvariantCulture),
            o.Policy
        );
        HoldDrivers = o.HoldDrivers == true;
        CensusGrowthPercent = Invariant(o.CensusGrowthPerWeek * 100);
        ProductionDelayDays = o.ProductionDelayDays?.ToString(CultureInfo.InvariantCulture);
        ReturnToWorkPercent = Invariant(o.ReturnToWorkShare * 100);
        StockoutTargetPercent = Invariant(o.StockoutTarget * 100);
        RiskPaths = o.RiskPaths?.ToString(CultureInfo.InvariantCulture);
        RiskHolds = o
            .RiskHolds.Select(h => new Row { Code = h.City, Scope = h.Level.ToString(CultureInfo.InvariantCulture) })
            .ToList();
    }

    /// <summary>Takes out the row a remove button names (<c>production:0</c>).</summary>
    private void Remove(string? remove)
    {
        if (
            remove?.Split(':') is not [var table, var number]
            || !int.TryParse(number, CultureInfo.InvariantCulture, out var i)
        )
            return;
        if (Rows(table) is { } rows && i >= 0 && i < rows.Count)
            rows.RemoveAt(i);
    }

    private List<Row>? Rows(string table) =>
        table switch
        {
            "production" => Production,
            "demand" => Demand,
            "risk" => RiskHolds,
            _ => null,
        };

    private static List<Row> Filled(List<Row> rows) => rows.Where(r => !r.Blank).ToList();

    /// <summary>The choices of every list in the reader's language, and a blank row at the end of each table (two
    /// in the table <paramref name="add"/> names).</summary>
    private async Task LoadChoicesAsync(DbConnection db, string? add)
    {
        // Names in the reader's language: English where the data has it, else the Chinese one.
        string Name(string table) => Texts.Chinese ? $"{table}.name" : $"COALESCE({table}.name_en, {table}.name)";
        async Task<IReadOnlyList<(string, string)>> List(string sql) =>
            (await db.QueryAsync<(string, string)>(sql)).ToList();
        Products = await List($"SELECT code, {Name("products")} FROM products ORDER BY code");
        Cities = await List(
            $"SELECT code, {Name("regions")} FROM regions WHERE level IN ('province', 'city') ORDER BY code"
        );
        Counties = await List(
            $"SELECT c.code, {Name("c")} || ' · ' || {Name("p")} FROM regions c JOIN regions p "
                + "ON p.code = c.parent_code WHERE c.level = 'county' ORDER BY c.code"
        );
        Tiers = await List($"SELECT CAST(tier AS TEXT), {Name("priority_tiers")} FROM priority_tiers ORDER BY tier");
        RiskLevels = await List($"SELECT CAST(level AS TEXT), {Name("risk_levels")} FROM risk_levels ORDER BY level");
        Teams = (
            await db.QueryAsync<(string, string, string)>(
                $"SELECT t.code, t.name, {Name("c")} FROM medical_teams t JOIN regions c ON c.code = t.home_city_code "
                    + "ORDER BY t.code"
            )
        ).ToList();
        RiskDefaults = await RiskDefaultsAsync(db);
        foreach (var table in Tables)
        {
            var rows = Rows(table)!;
            if (rows.Count == 0 || !rows[^1].Blank)
                rows.Add(new Row());
            if (table == add)
                rows.Add(new Row());
        }
    }

    /// <summary>The planning parameters <c>stockout_target</c> (in per cent) and <c>risk_paths</c>, or the defaults a
    /// plan uses when they are missing.</summary>
    private static async Task<(string TargetPercent, string Paths)> RiskDefaultsAsync(DbConnection db)
    {
        var values = (
            await db.QueryAsync<(string Name, string Value)>(
                "SELECT name, value FROM planning_parameters WHERE name IN ('stockout_target', 'risk_paths')"
            )
        ).ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);
        double Value(string name, double fallback) =>
            values.TryGetValue(name, out var text)
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                ? value
                : fallback;
        var percent = Value("stockout_target", RiskSettings.Default.Target) * 100;
        var paths = Value("risk_paths", RiskSettings.Default.Paths);
        return (
            percent.ToString("0.##", CultureInfo.InvariantCulture),
            paths.ToString("0", CultureInfo.InvariantCulture)
        );
    }

    private static string? Empty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
