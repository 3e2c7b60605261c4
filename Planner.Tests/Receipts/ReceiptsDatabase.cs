using Planner.Api.Receipts;
using Planner.Api.Uploads;

namespace Planner.Tests.Receipts;

/// <summary>
/// A planner database with the reference data and one finished run (<see cref="Run"/>, starting 2020-02-10) whose
/// shipment lines are written as a run stores them: into Hangzhou (the city and Shangcheng district) and one into
/// Ningbo, one a fraction as runs before whole units held them. Today is 2020-02-14 in Beijing
/// (<see cref="Clock"/> says 20:00 UTC on the 13th, so a date taken in UTC would be a day early).
/// </summary>
internal static class ReceiptsDatabase
{
    public const string Run = "req-receipts";
    public const string Hangzhou = "330100";

    public static readonly TimeProvider Clock = new FixedClock(
        new DateTimeOffset(2020, 2, 13, 20, 0, 0, TimeSpan.Zero)
    );

    /// <summary>The run's lines: from, to, product, departure day, arrival day, quantity.</summary>
    public static readonly (string From, string To, string Product, int Day, int Arrival, double Quantity)[] Lines =
    [
        ("330000", "330100", "N95", 0, 1, 1000), // Hangzhou, arrived 02-11: overdue on 02-14 unless confirmed
        ("330100", "330102", "N95", 1, 2, 250.5), // Shangcheng, arrived 02-12: overdue
        ("330000", "330200", "N95", 0, 1, 500), // Ningbo, arrived 02-11: overdue, not Hangzhou's
        ("330100", "330102", "SURGICAL", 2, 3, 100), // arrives 02-13: due by 02-14, not overdue yet
        ("330100", "330102", "GLOVES", 2, 3, 100),
        ("330100", "330102", "GOGGLES", 2, 3, 100),
        ("330100", "330102", "COVERALL", 2, 3, 100),
        ("330000", "330100", "SURGICAL", 0, 3, 100),
    ];

    public static async Task<TestNode> PrepareAsync(TestDatabase db)
    {
        var node = new TestNode(TestPlanner.Values(db), Clock);
        await node.PrepareAsync(Ct);
        await using var c = await node.Planner.OpenAsync(Ct);
        await c.ExecuteAsync(
            """
            INSERT INTO plan_runs (id, scenario_id, status, policy, solver, plan_start, horizon_days, started_at)
            VALUES (@Run, 'baseline', 'succeeded', 'lexicographic', 'glop', @start, 14, @at)
            """,
            new
            {
                Run,
                start = new DateOnly(2020, 2, 10),
                at = Clock.GetUtcNow(),
            }
        );
        foreach (var l in Lines)
        {
            await c.ExecuteAsync(
                """
                INSERT INTO plan_shipments (run_id, from_code, to_code, product_code, day, arrival_day, quantity)
                VALUES (@Run, @From, @To, @Product, @Day, @Arrival, @Quantity)
                """,
                new
                {
                    Run,
                    l.From,
                    l.To,
                    l.Product,
                    l.Day,
                    l.Arrival,
                    l.Quantity,
                }
            );
        }
        return node;
    }

    /// <summary>The receipt of line <paramref name="i"/> of <see cref="Lines"/> as a request gives it.</summary>
    public static ReceiptInput Input(
        int item,
        int i,
        decimal? received,
        string receivedOn = "2020-02-13",
        decimal? shortage = null,
        decimal? damaged = null
    ) =>
        new(
            item,
            Lines[i].From,
            Lines[i].To,
            Lines[i].Product,
            new DateOnly(2020, 2, 10).AddDays(Lines[i].Day),
            received,
            DateOnly.Parse(receivedOn, CultureInfo.InvariantCulture),
            shortage,
            damaged
        );

    public static ReceiptBook Book(TestNode node) => new(node.Planner, Clock);

    public static ReceiptUpload Upload(TestNode node) => new(node.Planner, new UploadLimits(), Clock);

    /// <summary>Everything receipts write, as one string.</summary>
    public static async Task<string> StateAsync(TestNode node)
    {
        await using var c = await node.Planner.OpenAsync(Ct);
        var rows = await c.QueryAsync<string>(
            """
            SELECT to_code || '|' || product_code || '|' || day || '|' || received || '|' || shortage || '|'
                || damaged || '|' || received_on || '|' || source || '|' || recorded_by
            FROM shipment_receipts ORDER BY 1
            """
        );
        return string.Join("\n", rows);
    }
}
