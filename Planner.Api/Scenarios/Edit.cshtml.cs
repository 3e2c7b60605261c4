using Hangfire;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Planner.Api.Access;
using Planner.Api.Planning;
using Planner.Api.Runs;

namespace Planner.Api.Scenarios;

/// <summary>The scenario editor: a new scenario, or a new version of one; save, or save and run.</summary>
[Authorize(Policy = AccessSetup.Planners)]
public sealed class EditModel(Database planner, TimeProvider clock, IBackgroundJobClient jobs) : PageModel
{
    /// <summary>Rows offered for multipliers; empty rows are ignored.</summary>
    public const int Rows = 5;

    public sealed class MultiplierRow
    {
        public string? Code { get; set; }
        public string? Scope { get; set; }
        public double? Multiplier { get; set; }
    }

    [BindProperty(SupportsGet = true)]
    public string? Id { get; set; }

    public bool IsNew { get; private set; }

    [BindProperty]
    public string? NewId { get; set; }

    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public string? Description { get; set; }

    /// <summary>Code: product (or empty for all); Scope: city (or empty for all).</summary>
    [BindProperty]
    public List<MultiplierRow> Production { get; set; } = [];

    /// <summary>Code: county (or empty for all); Scope: tier (or empty for all).</summary>
    [BindProperty]
    public List<MultiplierRow> Demand { get; set; } = [];

    [BindProperty]
    public double? HubeiQuota { get; set; }

    [BindProperty]
    public List<string> UnavailableTeams { get; set; } = [];

    [BindProperty]
    public int? HorizonDays { get; set; }

    [BindProperty]
    public string? Policy { get; set; }

    /// <summary>Every demand driver held at its last report (no forecast).</summary>
    [BindProperty]
    public bool HoldDrivers { get; set; }

    /// <summary>Census growth per week, in per cent.</summary>
    [BindProperty]
    public double? CensusGrowthPercent { get; set; }

    [BindProperty]
    public int? ProductionDelayDays { get; set; }

    /// <summary>Return-to-work target, in per cent of employees.</summary>
    [BindProperty]
    public double? ReturnToWorkPercent { get; set; }

    /// <summary>Code: city; Scope: colour 1–5.</summary>
    [BindProperty]
    public List<MultiplierRow> RiskHolds { get; set; } = [];

    public IReadOnlyList<ScenarioError> Errors { get; private set; } = [];

    public IReadOnlyList<(string Code, string Name)> Products { get; private set; } = [];
    public IReadOnlyList<(string Code, string Name)> Cities { get; private set; } = [];
    public IReadOnlyList<(string Code, string Name)> Counties { get; private set; } = [];
    public IReadOnlyList<(string Code, string Name)> Tiers { get; private set; } = [];
    public IReadOnlyList<(string Code, string Name)> Teams { get; private set; } = [];

    /// <summary>The five risk colours, green (low) to red (high).</summary>
    public static readonly (string Level, string Colour)[] Colours =
    [
        ("1", "green (low)"),
        ("2", "blue"),
        ("3", "yellow"),
        ("4", "orange"),
        ("5", "red (high)"),
    ];

    public static readonly string[] Policies = ["optimized", "pro-rata", "population-share", "no-sharing"];

    public async Task<IActionResult> OnGetAsync()
    {
        await using var db = await planner.OpenAsync(HttpContext.RequestAborted);
        if (Id is not null)
        {
            if (await ScenarioStore.GetAsync(db, Id) is not { } scenario)
                return NotFound();
            (Name, Description) = (scenario.Name, scenario.Description);
            var o = scenario.Overrides;
            Production = o
                .ProductionMultipliers.Select(m => new MultiplierRow
                {
                    Code = m.Product,
                    Scope = m.City,
                    Multiplier = m.Multiplier,
                })
                .ToList();
            Demand = o
                .DemandMultipliers.Select(m => new MultiplierRow
                {
                    Code = m.County,
                    Scope = m.Tier?.ToString(CultureInfo.InvariantCulture),
                    Multiplier = m.Multiplier,
                })
                .ToList();
            (HubeiQuota, UnavailableTeams, HorizonDays, Policy) = (
                o.HubeiQuota,
                o.UnavailableTeams.ToList(),
                o.HorizonDays,
                o.Policy
            );
            ShowForecast(o);
        }
        await LoadChoicesAsync(db);
        return Page();
    }

    /// <summary>Saves; with <paramref name="run"/> also queues a run and shows its progress.</summary>
    public async Task<IActionResult> OnPostAsync(bool run)
    {
        await using var db = await planner.OpenAsync(HttpContext.RequestAborted);
        var id = Id ?? NewId?.Trim() ?? "";
        var overrides = new ScenarioOverrides
        {
            ProductionMultipliers = Production
                .Where(r => r.Multiplier is not null)
                .Select(r => new ProductionMultiplier(Empty(r.Code), Empty(r.Scope), r.Multiplier!.Value))
                .ToList(),
            DemandMultipliers = Demand
                .Where(r => r.Multiplier is not null)
                .Select(r => new DemandMultiplier(
                    Empty(r.Code),
                    Empty(r.Scope) is { } tier ? int.Parse(tier, CultureInfo.InvariantCulture) : null,
                    r.Multiplier!.Value
                ))
                .ToList(),
            HubeiQuota = HubeiQuota,
            UnavailableTeams = UnavailableTeams,
            HorizonDays = HorizonDays,
            Policy = Empty(Policy),
            HoldDrivers = HoldDrivers ? true : null,
            CensusGrowthPerWeek = CensusGrowthPercent / 100,
            ProductionDelayDays = ProductionDelayDays,
            ReturnToWorkShare = ReturnToWorkPercent / 100,
            RiskHolds = RiskHolds
                .Where(r => Empty(r.Code) is not null && Empty(r.Scope) is not null)
                .Select(r => new RiskHold(r.Code!.Trim(), int.Parse(r.Scope!, CultureInfo.InvariantCulture)))
                .ToList(),
        };
        try
        {
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
            Errors = e.Errors;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            await LoadChoicesAsync(db);
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

    private async Task<IActionResult> RunAsync(System.Data.Common.DbConnection db, string id)
    {
        return Redirect(
            $"/runs/{await RunJobs.QueueAsync(db, jobs, new PlanRequest(Scenario: id), clock.GetUtcNow())}"
        );
    }

    /// <summary>The overrides that act on the forecast, as the form shows them (shares in per cent).</summary>
    private void ShowForecast(ScenarioOverrides o)
    {
        HoldDrivers = o.HoldDrivers == true;
        CensusGrowthPercent = o.CensusGrowthPerWeek * 100;
        ProductionDelayDays = o.ProductionDelayDays;
        ReturnToWorkPercent = o.ReturnToWorkShare * 100;
        RiskHolds = o
            .RiskHolds.Select(h => new MultiplierRow
            {
                Code = h.City,
                Scope = h.Level.ToString(CultureInfo.InvariantCulture),
            })
            .ToList();
    }

    private async Task LoadChoicesAsync(System.Data.Common.DbConnection db)
    {
        IsNew = Id is null;
        async Task<IReadOnlyList<(string, string)>> List(string sql) =>
            (await db.QueryAsync<(string, string)>(sql)).ToList();
        Products = await List("SELECT code, name_en FROM products ORDER BY code");
        Cities = await List(
            "SELECT code, COALESCE(name_en, name) FROM regions WHERE level IN ('province', 'city') ORDER BY code"
        );
        Counties = await List("SELECT code, name FROM regions WHERE level = 'county' ORDER BY code");
        Tiers = await List("SELECT CAST(tier AS TEXT), name_en FROM priority_tiers ORDER BY tier");
        Teams = await List("SELECT code, name FROM medical_teams ORDER BY code");
        while (Production.Count < Rows)
            Production.Add(new MultiplierRow());
        while (Demand.Count < Rows)
            Demand.Add(new MultiplierRow());
        while (RiskHolds.Count < 3)
            RiskHolds.Add(new MultiplierRow());
    }

    private static string? Empty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
