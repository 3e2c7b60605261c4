namespace Planner.Solver.Allocation;

/// <summary>A place the lanes connect: its code, the city it belongs to (counties), and where it is.</summary>
/// <param name="Code">Division code (or an assistance site's code).</param>
/// <param name="City">A county's city; null for cities, the province and assistance sites.</param>
/// <param name="Lat">Latitude in degrees; counties need none (their leg has a fixed cost).</param>
/// <param name="Lon">Longitude in degrees.</param>
public sealed record LanePlace(string Code, string? City = null, double? Lat = null, double? Lon = null);

/// <summary>
/// Which lanes exist, how long they take and what a unit costs on them: model data, the same for every run.
/// <list type="bullet">
/// <item>A city's depot delivers to each of its counties the same day, at <see cref="CountyLegKm"/> a unit (there are
/// no county coordinates; a county seat is within a short drive of its city).</item>
/// <item>City depots transfer to one another the next day: no two Zhejiang cities are more than a day's drive
/// apart.</item>
/// <item>The provincial depot sits in the reserve's city: it supplies that city the same day and the others the
/// next.</item>
/// <item>Every depot (the province's from the reserve's city) delivers to each assistance site in a day per
/// <see cref="KmPerDay"/> km, the distance a truck on the epidemic "green channel" covered in a day.</item>
/// </list>
/// Costs are unit-km: great-circle distances rounded to whole km, so that costs are the same on every platform.
/// </summary>
public static class LaneRules
{
    /// <summary>Unit cost of the last leg from a city's depot to one of its counties, in unit-km.</summary>
    public const double CountyLegKm = 30;

    /// <summary>How far a truck to an assistance site gets in a day.</summary>
    public const double KmPerDay = 800;

    /// <summary>The lanes between the province's depot, its cities' depots, their counties and the assistance
    /// sites.</summary>
    /// <param name="province">The provincial depot (its coordinates are the reserve city's).</param>
    /// <param name="reserveCity">The city whose depot hosts the provincial reserve.</param>
    /// <param name="cities">The cities, each with its depot.</param>
    /// <param name="counties">The counties, each with its city.</param>
    /// <param name="sites">The assistance sites.</param>
    public static List<Lane> Build(
        string province,
        LanePlace reserveCity,
        IReadOnlyList<LanePlace> cities,
        IReadOnlyList<LanePlace> counties,
        IReadOnlyList<LanePlace> sites
    )
    {
        var lanes = new List<Lane>();
        foreach (var city in cities)
        {
            lanes.AddRange(
                counties.Where(c => c.City == city.Code).Select(c => new Lane(city.Code, c.Code, 0, CountyLegKm))
            );
            foreach (var other in cities.Where(o => o.Code != city.Code))
            {
                lanes.Add(new Lane(city.Code, other.Code, 1, Distance(city, other), Kind: LaneKind.Transfer));
            }
            lanes.Add(
                new Lane(
                    province,
                    city.Code,
                    city.Code == reserveCity.Code ? 0 : 1,
                    Distance(reserveCity, city),
                    Kind: LaneKind.Provincial
                )
            );
        }
        foreach (var site in sites)
        {
            foreach (var from in cities.Prepend(reserveCity with { Code = province }))
            {
                var km = Distance(from, site);
                lanes.Add(new Lane(from.Code, site.Code, Math.Max(1, (int)Math.Ceiling(km / KmPerDay)), km));
            }
        }
        return lanes;
    }

    /// <summary>Great-circle distance in km, rounded to whole km; both places need coordinates.</summary>
    public static double Distance(LanePlace a, LanePlace b)
    {
        if (a.Lat is not { } lat1 || a.Lon is not { } lon1 || b.Lat is not { } lat2 || b.Lon is not { } lon2)
        {
            throw new ArgumentException($"Place {a.Code} or {b.Code} has no coordinates.");
        }
        static double Rad(double deg) => deg * Math.PI / 180;
        var h =
            Math.Pow(Math.Sin(Rad(lat2 - lat1) / 2), 2)
            + Math.Cos(Rad(lat1)) * Math.Cos(Rad(lat2)) * Math.Pow(Math.Sin(Rad(lon2 - lon1) / 2), 2);
        return Math.Round(2 * 6371 * Math.Asin(Math.Sqrt(h)));
    }
}
