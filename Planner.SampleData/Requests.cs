using static Planner.SampleData.Sampling;

namespace Planner.SampleData;

internal sealed record Request(
    string Code,
    string Site,
    string Kind,
    string Product,
    string Specialty,
    int Quantity,
    DateOnly Start,
    int Days
);

/// <summary>assistance-requests.csv: what the Hubei sites ask of Zhejiang over the plan's horizon.</summary>
internal static class Requests
{
    public const string Header = "code,site_code,kind,product_code,specialty,quantity,start_date,duration_days";

    /// <summary>Two weekly supply requests per Hubei site and product (units per day), plus a few team
    /// requests.</summary>
    public static List<Request> Build(Random rng, Assumptions a)
    {
        // Per-day base quantities for the first site (Wuhan); the paired city asks for about a third.
        int[] basePerDay = [20_000, 80_000, 8_000, 3_000, 30_000];
        var result = new List<Request>();
        string NextCode() => Code("AR-", result.Count + 1, 4);
        for (var s = 0; s < a.Sites.Count; s++)
        {
            var siteFactor = s == 0 ? 1.0 : 0.3;
            for (var p = 0; p < Supply.Products.Length; p++)
            {
                var week1 = basePerDay[p] * siteFactor * (0.9 + (0.2 * rng.NextDouble()));
                var week2 = week1 * (1.0 + (0.3 * rng.NextDouble()));
                foreach (var (perDay, start) in new[] { (week1, a.PlanStart), (week2, a.PlanStart.AddDays(7)) })
                {
                    var quantity = (int)Math.Round(perDay / 100) * 100;
                    var product = Supply.Products[p];
                    result.Add(new Request(NextCode(), a.Sites[s], "supply", product, "", quantity, start, 7));
                }
            }
        }

        (int Site, string Specialty, int People, int StartOffset, int Days)[] teams =
        [
            (0, "critical_care", 10, 2, 28),
            (0, "respiratory", 6, 2, 28),
            (0, "icu_nursing", 40, 2, 28),
            (0, "infection_control", 4, 7, 21),
            (0, "general_nursing", 30, 7, 21),
            (1, "infectious_disease", 5, 3, 21),
            (1, "icu_nursing", 15, 3, 21),
            (1, "general_nursing", 20, 3, 21),
        ];
        foreach (var t in teams.Where(t => t.Site < a.Sites.Count))
        {
            var start = a.PlanStart.AddDays(t.StartOffset);
            result.Add(new Request(NextCode(), a.Sites[t.Site], "team", "", t.Specialty, t.People, start, t.Days));
        }

        return result;
    }

    public static IEnumerable<string> Rows(List<Request> requests) =>
        requests.Select(q => Row(q.Code, q.Site, q.Kind, q.Product, q.Specialty, q.Quantity, Date(q.Start), q.Days));
}
