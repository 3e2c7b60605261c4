using Planner.Api.Planning;
using Planner.Solver.Forecasting;

namespace Planner.Benchmarks;

/// <summary>
/// How a city's and the province's P10–P90 band should be made from their counties' (issue 19's forecast page and
/// Forecast sheet show them): as of every day 1–25 February 2020, each county's severe + critical census and people
/// under observation are forecast as a plan makes them (<see cref="DemandDrivers"/>), summed per city and for the
/// province under several assumptions on how the counties' errors go together, and each band is scored against the
/// census that came (the counties' reports, summed).
/// </summary>
internal static class RegionalBands
{
    public static readonly DateOnly FirstAsOf = new(2020, 2, 1);
    public static readonly DateOnly LastAsOf = new(2020, 2, 25);

    /// <summary>The correlations between counties' errors tried: 1 adds the counties' percentiles (the band of
    /// counties moving together); 0 adds their spreads in quadrature (independent counties).</summary>
    public static readonly double[] Correlations = [1, 0.5, 0.25, 0];

    public static readonly string[] Segments = ["critical_care", "key_population"];

    /// <summary>One band scored: the segment, city or province, correlation, horizon (1 = the first planned day),
    /// and whether the outcome fell inside P10 … P90.</summary>
    public sealed record Outcome(string Segment, bool Province, double Correlation, int Horizon, bool Inside);

    public static async Task<List<Outcome>> RunAsync(TextWriter log)
    {
        var folder = Directory.CreateTempSubdirectory("planner-bands-");
        try
        {
            var node = await Node.SampleAsync(folder.FullName);
            await using var connection = await node.Planner.OpenAsync();
            var held = new PlanScenario("held", 1, new ScenarioOverrides { HoldDrivers = true });
            var came = new Dictionary<DateOnly, Dictionary<(string, string), List<ForecastDay>>>();
            for (var day = FirstAsOf.AddDays(1); day <= PlanReplay.LastData; day = day.AddDays(1))
                came[day] = (await DriversAsync(connection, held, day)).Drivers;
            var outcomes = new List<Outcome>();
            for (var asOf = FirstAsOf; asOf <= LastAsOf; asOf = asOf.AddDays(1))
            {
                var (counties, forecast) = await DriversAsync(connection, PlanScenario.Baseline, asOf);
                foreach (var segment in Segments)
                {
                    var groups = counties
                        .GroupBy(c => c[..4] + "00")
                        .Select(g => (Province: false, Members: g.ToList()))
                        .Append((Province: true, Members: counties));
                    foreach (var (province, members) in groups)
                    {
                        var paths = members.Where(c => forecast.ContainsKey((c, segment))).ToList();
                        if (paths.Count == 0)
                            continue;
                        for (var h = 1; h <= forecast[(paths[0], segment)].Count; h++)
                        {
                            if (!came.TryGetValue(asOf.AddDays(h), out var outcome))
                                continue;
                            var actual = paths.Sum(c => outcome[(c, segment)][0].P50);
                            var days = paths.Select(c => forecast[(c, segment)][h - 1]).ToList();
                            foreach (var rho in Correlations)
                            {
                                var (low, high) = Band(days, rho);
                                outcomes.Add(
                                    new Outcome(
                                        segment,
                                        province,
                                        rho,
                                        h,
                                        actual >= low - 1e-9 && actual <= high + 1e-9
                                    )
                                );
                            }
                        }
                    }
                }
                await log.WriteLineAsync($"forecast-plans: regional bands as of {asOf:yyyy-MM-dd}");
            }
            return outcomes;
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>The sum's P10 and P90 when the members' errors have correlation <paramref name="rho"/> with one
    /// another: the median adds up, each side's spread is √((1 − ρ) Σ dᵢ² + ρ (Σ dᵢ)²).</summary>
    public static (double Low, double High) Band(IReadOnlyList<ForecastDay> days, double rho)
    {
        var median = days.Sum(d => d.P50);
        double Spread(Func<ForecastDay, double> d) =>
            Math.Sqrt((1 - rho) * days.Sum(x => d(x) * d(x)) + rho * Math.Pow(days.Sum(d), 2));
        return (median - Spread(d => d.P50 - d.P10), median + Spread(d => d.P90 - d.P50));
    }

    private static async Task<(
        List<string> Counties,
        Dictionary<(string, string), List<ForecastDay>> Drivers
    )> DriversAsync(System.Data.Common.DbConnection connection, PlanScenario scenario, DateOnly asOf)
    {
        var inputs = await InputsReader.ReadAsync(connection, scenario, new PlanRequest { AsOf = asOf });
        var counties = inputs.Regions.Where(r => r.Level == "county").ToList();
        return (counties.Select(c => c.Code).ToList(), DemandDrivers.Build(inputs, counties).Drivers);
    }
}
