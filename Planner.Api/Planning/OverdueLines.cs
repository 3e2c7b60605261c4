namespace Planner.Api.Planning;

/// <summary>
/// A shipment line of the dispatch plan that its consignee has not confirmed by the day after it was due to arrive
/// (issue 21 item 5): from which depot, to which consignee, what and how much, and the day its receipt was due
/// (the arrival day + 1). Codes only; the workbooks name them in their language.
/// </summary>
public sealed record OverdueLine(string Depot, string Consignee, string Product, double Quantity, DateOnly Due);

/// <summary>
/// The lines overdue for a receipt when a plan is made, against the dispatch plan officers confirm receipts against:
/// the approved run (签发), else the latest baseline run that succeeded. A line is overdue on a day when its receipt
/// was due before it (<see cref="IsOverdue"/>); the next plan lists those overdue on its first day, as its Summary
/// and <c>summary.json</c> show.
/// </summary>
public static class OverdueLines
{
    private const string ApprovedRunSql = "SELECT run_id FROM plan_approvals ORDER BY number DESC LIMIT 1";

    /// <summary>The baseline's latest run that succeeded, the one officers dispatch from until a plan is approved
    /// (issue 21 item 7); null when there is none.</summary>
    public static Task<string?> LatestBaselineAsync(DbConnection db) =>
        db.QueryFirstOrDefaultAsync<string?>(
            """
            SELECT id FROM plan_runs WHERE status = 'succeeded' AND scenario_id = 'baseline'
            ORDER BY started_at DESC, id DESC LIMIT 1
            """
        );

    /// <summary>Lines of the run without a receipt, with the day their receipt was due (arrival day + 1; runs
    /// stored before arrival days count a line as arriving the day it leaves).</summary>
    private const string UnconfirmedSql = """
        SELECT s.from_code AS Depot, s.to_code AS Consignee, s.product_code AS Product, s.quantity AS Quantity,
            COALESCE(s.arrival_day, s.day) + 1 AS DueDay, r.plan_start AS PlanStart
        FROM plan_shipments s JOIN plan_runs r ON r.id = s.run_id
        WHERE s.run_id = @run AND NOT EXISTS (
            SELECT 1 FROM shipment_receipts x WHERE x.run_id = s.run_id AND x.from_code = s.from_code
            AND x.to_code = s.to_code AND x.product_code = s.product_code AND x.day = s.day)
        ORDER BY DueDay, s.from_code, s.to_code, s.product_code
        """;

    /// <summary>Whether a line due to arrive on <paramref name="arrival"/> and not confirmed is overdue on
    /// <paramref name="today"/>: its receipt was due the day after it arrived, and that day has passed.</summary>
    public static bool IsOverdue(DateOnly arrival, DateOnly today) => arrival.AddDays(1) < today;

    /// <summary>The dispatch plan's lines overdue on <paramref name="today"/>, by due day, depot, consignee and
    /// product; none when no run has succeeded.</summary>
    public static async Task<List<OverdueLine>> ReadAsync(DbConnection db, DateOnly today)
    {
        var run = await db.ExecuteScalarAsync<string?>(ApprovedRunSql) ?? await LatestBaselineAsync(db);
        if (run is null)
            return [];
        return (await db.QueryAsync<Row>(UnconfirmedSql, new { run }))
            .Select(r => new OverdueLine(r.Depot, r.Consignee, r.Product, r.Quantity, r.PlanStart.AddDays(r.DueDay)))
            .Where(l => IsOverdue(l.Due.AddDays(-1), today))
            .ToList();
    }

    private sealed class Row
    {
        public string Depot { get; set; } = "";
        public string Consignee { get; set; } = "";
        public string Product { get; set; } = "";
        public double Quantity { get; set; }
        public int DueDay { get; set; }
        public DateOnly PlanStart { get; set; }
    }
}
