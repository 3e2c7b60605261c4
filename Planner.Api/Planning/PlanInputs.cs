namespace Planner.Api.Planning;

// Rows as read with Dapper: settable properties, because Dapper converts column types (SQLite's Int64,
// PostgreSQL's int4 or numeric) only when it maps to properties, not to constructor parameters. Dates stay dates:
// the problem builder turns them into day numbers.

public sealed record RegionInfo
{
    public string Code { get; init; } = "";
    public string Name { get; init; } = "";
    public string? NameEn { get; init; }
    public string Level { get; init; } = "";
    public string? ParentCode { get; init; }
    public long? Population { get; init; }
    public int? RiskLevel { get; init; }
    public double? Lat { get; init; }
    public double? Lon { get; init; }

    /// <summary>The codes of the counties among <paramref name="regions"/>.</summary>
    public static HashSet<string> Counties(IEnumerable<RegionInfo> regions) =>
        regions.Where(r => r.Level == "county").Select(r => r.Code).ToHashSet(StringComparer.Ordinal);

    /// <summary>The city a destination belongs to: a county's parent city; a place with no city above it (a Hubei
    /// site) stands for itself. The gap list groups by it in its sheet and its API.</summary>
    public static string CityOf(IReadOnlyDictionary<string, RegionInfo> regions, string code) =>
        regions.TryGetValue(code, out var r)
        && r.ParentCode is { } parent
        && regions.TryGetValue(parent, out var p)
        && p.Level == "city"
            ? parent
            : code;
}

public sealed record ProductInfo
{
    public string Code { get; init; } = "";
    public string Name { get; init; } = "";
    public string NameEn { get; init; } = "";
    public string Unit { get; init; } = "";

    /// <summary>The unit in Chinese: 只, 件, 副, 双.</summary>
    public string UnitZh { get; init; } = "";

    /// <summary>Units per carton: depots ship whole cartons.</summary>
    public int PackSize { get; init; } = 1;
}

public sealed record TierInfo
{
    public int Tier { get; init; }
    public string Name { get; init; } = "";
    public string NameEn { get; init; } = "";
}

/// <summary>A demand segment and the priority tier its needs are served in (<c>segments.csv</c>).</summary>
public sealed record SegmentInfo
{
    public string Code { get; init; } = "";
    public string Name { get; init; } = "";
    public string NameEn { get; init; } = "";
    public int Tier { get; init; }
}

/// <summary>A supplier's reported output of a product on a day, and the depot it enters the network at.</summary>
public sealed record OutputRow
{
    public string Supplier { get; init; } = "";
    public string Depot { get; init; } = "";
    public string Product { get; init; } = "";
    public DateOnly Day { get; init; }
    public long Quantity { get; init; }
}

/// <summary>A supplier's line: the product it makes, its declared daily capacity, and its depot.</summary>
public sealed record LineRow
{
    public string Supplier { get; init; } = "";
    public string Depot { get; init; } = "";
    public string Product { get; init; } = "";
    public long Capacity { get; init; }
}

/// <summary>Production (or, for opening stock, the stock held) of a product entering the network at a depot on a
/// date.</summary>
public sealed record SupplyRow
{
    public string Depot { get; init; } = "";
    public string Product { get; init; } = "";
    public DateOnly Day { get; init; }
    public long Quantity { get; init; }
}

/// <summary>A segment's consumption rate of a product, the segment's tier and driver, and whether risk scales
/// it.</summary>
public sealed record RateRow
{
    public string Segment { get; init; } = "";
    public string Product { get; init; } = "";
    public double Rate { get; init; }
    public int Tier { get; init; }
    public string Driver { get; init; } = "";
    public bool RiskScaled { get; init; }
}

/// <summary>
/// A Hubei site's daily request (<c>assistance_requests</c>) from a date, for a number of days: of a product (a
/// supply request) or of staff of a specialty (a team request).
/// </summary>
public sealed record AssistanceRequestRow
{
    public string Site { get; init; } = "";
    public string? Product { get; init; }
    public string? Specialty { get; init; }
    public long Quantity { get; init; }
    public DateOnly StartDate { get; init; }
    public int DurationDays { get; init; }
}

/// <summary>A county's hospitals, summed from each one's latest capacity report before the plan.</summary>
public sealed record HospitalDriverRow
{
    public string County { get; init; } = "";
    public long Severe { get; init; }
    public long Critical { get; init; }
    public long OtherInpatients { get; init; }
    public long Staff { get; init; }
}

/// <summary>A hospital's days on hand of a product, with the census and staff of the same report.</summary>
public sealed record HospitalStockRow
{
    public string County { get; init; } = "";
    public string Hospital { get; init; } = "";
    public string Product { get; init; } = "";
    public long Days { get; init; }
    public long Critical { get; init; }
    public long Severe { get; init; }
    public long OtherInpatients { get; init; }
    public long Staff { get; init; }
}

/// <summary>A county's drivers other than its hospitals.</summary>
public sealed record CountyDriverRow
{
    public string County { get; init; } = "";
    public long Employees { get; init; }
    public long KeyPopulation { get; init; }
    public long FeverClinicVisits { get; init; }
    public long Checkpoints { get; init; }
}

/// <summary>A county's severe and critical patients on a day, summed over its hospitals' reports.</summary>
public sealed record CensusRow
{
    public string County { get; init; } = "";
    public DateOnly Day { get; init; }
    public long Severe { get; init; }
    public long Critical { get; init; }
}

/// <summary>A county's case bulletin of a day: confirmed cases so far and people under medical observation.</summary>
public sealed record BulletinRow
{
    public string County { get; init; } = "";
    public DateOnly Day { get; init; }
    public long ConfirmedCumulative { get; init; }
    public long UnderObservation { get; init; }
}

/// <summary>A county's value on a day: its risk colour from that day, or its employees on post.</summary>
public sealed record CountyDayValue
{
    public string County { get; init; } = "";
    public DateOnly Day { get; init; }
    public long Value { get; init; }
}

/// <summary>
/// What the demand drivers are forecast from, all dated before the first planned day: the hospitals' census by
/// county and day, the case bulletins, the risk colours and the employees on post (the situation feed).
/// </summary>
public sealed record SituationRows(
    IReadOnlyList<CensusRow> Census,
    IReadOnlyList<BulletinRow> Bulletins,
    IReadOnlyList<CountyDayValue> RiskLevels,
    IReadOnlyList<CountyDayValue> OnPost
)
{
    /// <summary>Nothing reported: every driver holds its last value.</summary>
    public static SituationRows None { get; } = new([], [], [], []);
}

/// <summary>A hospital's latest capacity report before the plan.</summary>
public sealed record HospitalRow
{
    public string Code { get; init; } = "";
    public string Name { get; init; } = "";
    public string County { get; init; } = "";
    public string City { get; init; } = "";
    public long Designated { get; init; }
    public long Beds { get; init; }

    /// <summary>General and isolation beds occupied (the county's other-inpatients driver counts the same).</summary>
    public long OccupiedBeds { get; init; }
    public long IcuBeds { get; init; }
    public long IcuOccupied { get; init; }
    public long Ventilators { get; init; }
    public long VentilatorsInUse { get; init; }
    public long Severe { get; init; }
    public long Critical { get; init; }
    public long StaffOnDuty { get; init; }
}

/// <summary>A medical team and its availability window.</summary>
public sealed record TeamRow
{
    public string Code { get; init; } = "";
    public string HomeCity { get; init; } = "";
    public DateOnly AvailableFrom { get; init; }
    public DateOnly AvailableTo { get; init; }
    public long RestDays { get; init; }
    public string? CurrentSite { get; init; }
}

/// <summary>How many members of a specialty a team has.</summary>
public sealed record MemberRow
{
    public string TeamCode { get; init; } = "";
    public string Specialty { get; init; } = "";
    public long Members { get; init; }
}

/// <summary>Staff a specialty needs per critical and per severe patient, and its share of staff on duty.</summary>
public sealed record RatioRow
{
    public string Specialty { get; init; } = "";
    public double PerCriticalPatient { get; init; }
    public double PerSeverePatient { get; init; }
    public double ShareOfStaffOnDuty { get; init; }
}

/// <summary>What the care models read, as rows: hospitals, teams, Hubei's team requests, ratios and kits.</summary>
public sealed record CareRows(
    IReadOnlyList<HospitalRow> Hospitals,
    IReadOnlyList<TeamRow> Teams,
    IReadOnlyList<MemberRow> Members,
    IReadOnlyList<AssistanceRequestRow> HubeiRequests,
    IReadOnlyList<RatioRow> Ratios,
    IReadOnlyDictionary<string, double> Kit
);

/// <summary>
/// Everything a plan is made from, as read from the planner database for one window of days: reference data,
/// planning parameters, the scenario, the latest reports before the first day and the production inside the window.
/// </summary>
public sealed record PlanInputs
{
    public required DateOnly PlanStart { get; init; }
    public required int HorizonDays { get; init; }
    public required string ScenarioId { get; init; }
    public required int ScenarioVersion { get; init; }
    public required ScenarioOverrides Overrides { get; init; }
    public required IReadOnlyDictionary<string, string> Parameters { get; init; }
    public required IReadOnlyList<RegionInfo> Regions { get; init; }
    public required IReadOnlyList<ProductInfo> Products { get; init; }
    public required IReadOnlyList<TierInfo> Tiers { get; init; }

    /// <summary>The demand segments and their tiers: the priority order a run uses.</summary>
    public IReadOnlyList<SegmentInfo> Segments { get; init; } = [];
    public required IReadOnlyDictionary<int, double> RiskMultipliers { get; init; }

    /// <summary>Each supplier's reported daily output up to the as-of day (<see cref="InputsReader.HistoryDays"/>
    /// days).</summary>
    public required IReadOnlyList<OutputRow> ProductionHistory { get; init; }

    /// <summary>Each supplier's lines: product and declared daily capacity.</summary>
    public required IReadOnlyList<LineRow> ProductionLines { get; init; }

    /// <summary>Each depot's stock on its latest report on or before the as-of day (<see cref="SupplyRow.Day"/>
    /// the report's date).</summary>
    public required IReadOnlyList<SupplyRow> OpeningStock { get; init; }

    /// <summary>What the plans in force sent on the days before the start (<see cref="EarlierPlans"/>).</summary>
    public IReadOnlyList<EarlierShipment> EarlierShipments { get; init; } = [];

    /// <summary>The dispatch plan's lines not confirmed by the day after they arrived, as of the first planned day
    /// (<see cref="OverdueLines"/>).</summary>
    public IReadOnlyList<OverdueLine> OverdueReceipts { get; init; } = [];
    public required string? ReserveCity { get; init; }
    public required IReadOnlyList<HospitalDriverRow> HospitalDrivers { get; init; }

    /// <summary>Days on hand each hospital reported per product with its latest report
    /// (<see cref="NetRequirements"/>).</summary>
    public IReadOnlyList<HospitalStockRow> HospitalStock { get; init; } = [];
    public required IReadOnlyList<CountyDriverRow> CountyDrivers { get; init; }

    /// <summary>The history the demand drivers are forecast from (<see cref="DemandDrivers"/>).</summary>
    public SituationRows Situation { get; init; } = SituationRows.None;
    public required IReadOnlyList<RateRow> Rates { get; init; }
    public required IReadOnlyList<AssistanceRequestRow> HubeiSupplyRequests { get; init; }
    public required CareRows Care { get; init; }
}
