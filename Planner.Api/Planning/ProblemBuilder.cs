using Planner.Api.Localization;
using Planner.Solver.Allocation;
using Planner.Solver.Breakdown;
using Planner.Solver.Care;
using Planner.Solver.Risk;

namespace Planner.Api.Planning;

/// <summary>
/// Builds the allocation problem from what was read (<see cref="PlanInputs"/>), without the database: dates become
/// day numbers of the plan, demand is drivers × consumption rates × the county's risk multiplier, the lanes follow
/// <see cref="LaneRules"/>, and the scenario's overrides are applied here and only here.
/// </summary>
public static class ProblemBuilder
{
    /// <summary>The segment of the supplies promised to the Hubei sites.</summary>
    public const string HubeiSegment = "hubei";

    /// <summary>The plan's problem, its context (regions, products, tiers, the five-level tree) and the care
    /// inputs.</summary>
    public static PlanSnapshot Build(PlanInputs inputs)
    {
        var regions = inputs.Regions;
        var province = regions.Single(r => r.Level == "province");
        var cities = regions.Where(r => r.Level == "city").ToList();
        var counties = regions.Where(r => r.Level == "county").ToList();
        var sites = regions.Where(r => r.Level == "external").ToList();
        var reserveCity = inputs.ReserveCity ?? cities[0].Code;
        var lanes = Lanes(province, cities.Single(c => c.Code == reserveCity), cities, counties, sites);
        List<string> depots = [province.Code, .. cities.Select(c => c.Code)];
        var stockDays = inputs.OpeningStock.ToDictionary(s => (s.Depot, s.Product), s => s.Day);
        var production = ProductionSupply.Build(inputs, stockDays);
        var (opening, arrivals, carried) = EarlierPlans.CarryOver(inputs, production.ReleasedSinceStock, depots, lanes);
        var (supplies, floors) = Supplies(inputs, province.Code, opening, production.Planned);
        var drivers = DemandDrivers.Build(inputs, counties);
        var hubei = HubeiDemands(inputs);
        var problem = new AllocationProblem
        {
            Days = inputs.HorizonDays,
            Products = inputs.Products.Select(p => p.Code).ToList(),
            Depots = depots,
            Destinations = counties.Concat(sites).Select(r => r.Code).ToList(),
            Supplies = supplies,
            Arrivals = arrivals,
            Demands = [.. CountyDemands(inputs, counties, drivers), .. hubei],
            Lanes = lanes,
            ReserveFloors = floors,
            PackSizes = inputs.Products.ToDictionary(p => p.Code, p => (double)Math.Max(1, p.PackSize)),
            Population = counties.ToDictionary(c => c.Code, c => (double)(c.Population ?? 0), StringComparer.Ordinal),
        };
        return new PlanSnapshot(
            inputs.PlanStart,
            inputs.HorizonDays,
            regions,
            inputs.Products,
            inputs.Tiers,
            problem,
            Tree(regions),
            Care(inputs),
            CareRates(inputs)
        )
        {
            Warnings = [.. carried, .. production.Warnings, .. drivers.Warnings],
            Segments = inputs.Segments,
            HospitalHeld = NetRequirements.HeldAboveCover(inputs),
            OverdueReceipts = inputs.OverdueReceipts,
            HospitalReports = inputs.Care.Hospitals,
            Forecast = new PlanForecast(
                inputs.PlanStart.AddDays(-1),
                [.. production.Forecasts, .. drivers.Forecasts, .. DemandForecast.Build(inputs, drivers, hubei)]
            ),
            Production = supplies.Take(supplies.Count - opening.Count).ToList(),
            Uncertain = [.. DriverSeries(drivers, counties, province.Code), .. production.Series],
            CareCensus = drivers
                .Drivers.Where(d => PlanSnapshot.CareSegments.Contains(d.Key.Segment))
                .ToDictionary(d => d.Key, d => d.Value.Select(v => v.P50).ToList()),
        };
    }

    /// <summary>The consumption rates of the care segments, whose demand the care plan recomputes.</summary>
    private static List<(string Segment, string Product, double Rate, int Tier)> CareRates(PlanInputs inputs) =>
        inputs
            .Rates.Where(r => PlanSnapshot.CareSegments.Contains(r.Segment))
            .Select(r => (r.Segment, r.Product, r.Rate, r.Tier))
            .ToList();

    /// <summary>Each county's drivers as forecast series for the risk paths, grouped by city (counties of a city move
    /// together).</summary>
    private static IEnumerable<UncertainSeries> DriverSeries(
        DemandDrivers.Result drivers,
        List<RegionInfo> counties,
        string province
    )
    {
        var cityOf = counties.ToDictionary(c => c.Code, c => c.ParentCode ?? province, StringComparer.Ordinal);
        return drivers.Drivers.Select(d => new UncertainSeries(
            PathDemand.Key(d.Key.County, d.Key.Segment),
            cityOf[d.Key.County],
            d.Value
        ));
    }

    /// <summary>The whole five-level tree, weighted by population, for breaking county plans down to
    /// villages.</summary>
    private static List<RegionNode> Tree(IReadOnlyList<RegionInfo> regions) =>
        regions
            .Where(r => r.Level != "external")
            .Select(r => new RegionNode(r.Code, r.ParentCode, r.Population ?? 0))
            .ToList();

    /// <summary>
    /// Forecast production (<see cref="ProductionSupply"/>; a scenario's factor applies to production, not to stock
    /// held) and each depot's opening stock on day 0; the provincial reserve keeps a share of its opening stock as a
    /// floor that only tier-1 needs may breach. The production lines come first, then the stock.
    /// </summary>
    private static (List<Supply> Supplies, List<ReserveFloor> Floors) Supplies(
        PlanInputs inputs,
        string province,
        List<Supply> opening,
        List<(string Depot, string Product, int Day, double Quantity)> production
    )
    {
        var supplies = new List<Supply>();
        foreach (
            var s in production
                .OrderBy(p => p.Depot, StringComparer.Ordinal)
                .ThenBy(p => p.Product, StringComparer.Ordinal)
                .ThenBy(p => p.Day)
        )
        {
            var quantity = Math.Round(
                s.Quantity * inputs.Overrides.Production(s.Product, s.Depot),
                MidpointRounding.AwayFromZero
            );
            if (quantity > 0)
                supplies.Add(new Supply(s.Depot, s.Product, s.Day, quantity));
        }
        var openingReserve = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var s in opening)
        {
            supplies.Add(s);
            if (s.Depot == province)
                openingReserve[s.Product] = s.Quantity;
        }
        var floorShare = inputs.Parameters.TryGetValue("provincial_reserve_floor_share", out var share)
            ? double.Parse(share, CultureInfo.InvariantCulture)
            : 0;
        var floors = openingReserve
            .Where(r => r.Value > 0 && floorShare > 0)
            .Select(r => new ReserveFloor(province, r.Key, Math.Floor(r.Value * floorShare)))
            .OrderBy(f => f.Product, StringComparer.Ordinal)
            .ToList();
        return (supplies, floors);
    }

    /// <summary>Every county's daily demand per segment and product: its driver's median on the day × the rate × the
    /// multiplier of the day's risk colour (risk-scaled segments) × the scenario's factor.</summary>
    private static List<Demand> CountyDemands(
        PlanInputs inputs,
        List<RegionInfo> counties,
        DemandDrivers.Result drivers
    )
    {
        var demands = new List<Demand>();
        foreach (var rate in inputs.Rates)
        {
            foreach (var county in counties)
            {
                if (!drivers.Drivers.TryGetValue((county.Code, rate.Segment), out var path))
                    continue;
                var risk = drivers.Risk[county.Code];
                for (var day = 0; day < inputs.HorizonDays; day++)
                {
                    var daily = Math.Round(
                        DemandForecast.Daily(inputs, rate, path[day].P50, risk[day].P50)
                            * inputs.Overrides.Demand(county.Code, rate.Tier),
                        MidpointRounding.AwayFromZero
                    );
                    if (daily > 0)
                        demands.Add(new Demand(county.Code, rate.Product, day, rate.Tier, daily, rate.Segment));
                }
            }
        }
        return demands;
    }

    /// <summary>The Hubei sites' supply requests on the days they cover, scaled by the scenario's quota, in the tier
    /// <c>segments.csv</c> gives the <c>hubei</c> segment (the first tier if it has none).</summary>
    private static List<Demand> HubeiDemands(PlanInputs inputs)
    {
        var tier = inputs.Segments.FirstOrDefault(s => s.Code == HubeiSegment)?.Tier ?? inputs.Tiers.Min(t => t.Tier);
        var demands = new List<Demand>();
        foreach (var r in inputs.HubeiSupplyRequests)
        {
            for (var day = 0; day < inputs.HorizonDays; day++)
            {
                var date = inputs.PlanStart.AddDays(day);
                if (date < r.StartDate || date >= r.StartDate.AddDays(r.DurationDays))
                    continue;
                var quantity = Math.Round(
                    r.Quantity * (inputs.Overrides.HubeiQuota ?? 1),
                    MidpointRounding.AwayFromZero
                );
                if (quantity > 0)
                    demands.Add(new Demand(r.Site, r.Product!, day, tier, quantity, HubeiSegment));
            }
        }
        return demands;
    }

    private static List<Lane> Lanes(
        RegionInfo province,
        RegionInfo reserveCity,
        List<RegionInfo> cities,
        List<RegionInfo> counties,
        List<RegionInfo> sites
    )
    {
        try
        {
            return LaneRules.Build(
                province.Code,
                Place(reserveCity),
                cities.Select(Place).ToList(),
                counties.Select(Place).ToList(),
                sites.Select(Place).ToList()
            );
        }
        catch (ArgumentException e)
        {
            throw new PlannerException(Messages.Get("CoordinatesMissing", e.Message), e);
        }
    }

    /// <summary>A region as the lane rules see it.</summary>
    public static LanePlace Place(RegionInfo region) => new(region.Code, region.ParentCode, region.Lat, region.Lon);

    /// <summary>
    /// The care models' inputs on the plan's days: a team on deployment left on the first day of its availability (the
    /// roster keeps no departure date); the scenario takes teams out and scales Hubei's team requests.
    /// </summary>
    private static CareInputs Care(PlanInputs inputs)
    {
        var start = inputs.PlanStart;
        var rows = inputs.Care;
        var hospitals = rows
            .Hospitals.Select(h => new HospitalCensus(
                h.Code,
                h.County,
                h.City,
                h.Designated != 0,
                (int)h.Beds,
                (int)h.IcuBeds,
                (int)h.IcuOccupied,
                (int)h.Ventilators,
                (int)h.VentilatorsInUse,
                (int)h.Severe,
                (int)h.Critical,
                (int)h.StaffOnDuty
            ))
            .ToList();
        var ratios = rows
            .Ratios.Select(r => new StaffingRatio(
                r.Specialty,
                r.PerCriticalPatient,
                r.PerSeverePatient,
                r.ShareOfStaffOnDuty
            ))
            .ToList();
        var (available, needs) = inputs.Overrides.Care(Teams(rows, start), HubeiNeeds(rows, start));
        return new CareInputs(
            hospitals,
            available,
            needs,
            ratios,
            rows.Kit,
            Number("home_city_floor_share"),
            (int)Number("max_deployment_days"),
            Number("patient_transfer_max_km")
        );

        double Number(string name) =>
            double.Parse(InputsReader.Parameter(inputs.Parameters, name), CultureInfo.InvariantCulture);
    }

    /// <summary>The teams with their members by specialty and their availability as day numbers of the plan.</summary>
    private static List<MedicalTeam> Teams(CareRows rows, DateOnly start)
    {
        var members = rows
            .Members.GroupBy(m => m.TeamCode)
            .ToDictionary(
                g => g.Key,
                g =>
                    (IReadOnlyDictionary<string, int>)
                        g.ToDictionary(m => m.Specialty, m => (int)m.Members, StringComparer.Ordinal),
                StringComparer.Ordinal
            );
        return rows
            .Teams.Select(t =>
            {
                var from = t.AvailableFrom.DayNumber - start.DayNumber;
                return new MedicalTeam(
                    t.Code,
                    t.HomeCity,
                    from,
                    t.AvailableTo.DayNumber - start.DayNumber,
                    (int)t.RestDays,
                    members.GetValueOrDefault(t.Code) ?? new Dictionary<string, int>(),
                    t.CurrentSite,
                    t.CurrentSite is null ? 0 : Math.Min(0, from)
                );
            })
            .ToList();
    }

    /// <summary>Hubei's team requests as staff needs: one per site and period, with the staff asked per
    /// specialty.</summary>
    private static List<StaffNeed> HubeiNeeds(CareRows rows, DateOnly start) =>
        rows
            .HubeiRequests.GroupBy(r => (r.Site, r.StartDate, r.DurationDays))
            .Select(g => new StaffNeed(
                $"{g.Key.Site}@{g.Key.StartDate:yyyy-MM-dd}",
                g.Key.Site,
                g.Key.Site,
                g.Key.Site,
                NeedKind.Hubei,
                g.Key.StartDate.DayNumber - start.DayNumber,
                g.Key.DurationDays,
                g.GroupBy(r => r.Specialty!)
                    .ToDictionary(s => s.Key, s => (int)s.Sum(r => r.Quantity), StringComparer.Ordinal)
            ))
            .ToList();
}
