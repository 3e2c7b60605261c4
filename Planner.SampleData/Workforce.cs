using static Planner.SampleData.Sampling;

namespace Planner.SampleData;

/// <summary>
/// workforce.csv: employees on post per county and day. No provincial figure for February exists, so the curve is an
/// ESTIMATE: 10% of employees (essential services and epidemic-supply factories) until 9 Feb, the end of Zhejiang's
/// extended Spring Festival holiday for enterprises; from 15% on 10 Feb up an S-curve to the province's target of 70%
/// on 29 Feb; then on to 80% on 10 Mar. While it ramps, lower-risk counties return faster (±10% per colour from
/// yellow).
/// </summary>
internal static class Workforce
{
    private static readonly DateOnly Reopening = new(2020, 2, 10);
    private static readonly DateOnly Target = new(2020, 2, 29);
    private const double Holiday = 0.10;
    private const double FirstDay = 0.15;
    private const double TargetShare = 0.70;
    private const double AfterTarget = 0.80;

    /// <summary>The province's share of employees on post on <paramref name="day"/>.</summary>
    public static double Share(DateOnly day, DateOnly last)
    {
        if (day < Reopening)
            return Holiday;
        if (day <= Target)
        {
            var t = (double)(day.DayNumber - Reopening.DayNumber) / (Target.DayNumber - Reopening.DayNumber);
            return FirstDay + ((TargetShare - FirstDay) * t * t * (3 - (2 * t)));
        }

        var after = (double)(day.DayNumber - Target.DayNumber) / Math.Max(1, last.DayNumber - Target.DayNumber);
        return TargetShare + ((AfterTarget - TargetShare) * after);
    }

    public static IEnumerable<string> Rows(History h, List<CountyDrivers> counties)
    {
        var employees = counties.Sum(c => c.Employees);
        var onPost = counties.ToDictionary(c => c.Code, _ => new long[h.Days.Count], StringComparer.Ordinal);
        for (var i = 0; i < h.Days.Count; i++)
        {
            var day = h.Days[i];
            var ramping = day >= Reopening && day < Target;
            var weights = counties.Select(c => Round(c.Employees * (ramping ? 1 + (0.1 * (3 - c.Risk)) : 1))).ToList();
            var split = Split(Round(Share(day, h.Last) * employees), weights);
            for (var k = 0; k < counties.Count; k++)
                onPost[counties[k].Code][i] = split[k];
        }

        return counties.SelectMany(c => h.Days.Select((d, i) => Row(c.Code, Date(d), onPost[c.Code][i])));
    }
}
