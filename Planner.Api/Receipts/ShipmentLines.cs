using System.Text.Json.Serialization;
using Planner.Api.Localization;
using Planner.Api.Planning;

namespace Planner.Api.Receipts;

/// <summary>
/// A shipment line of a run as an officer confirms it: the row of <c>plan_shipments</c> named by its key (run, from,
/// to, product, departure day), with names for people, its dates and what was shipped.
/// </summary>
public sealed class ShipmentLine
{
    public string FromCode { get; set; } = "";
    public string FromName { get; set; } = "";
    public string FromNameEn { get; set; } = "";
    public string ToCode { get; set; } = "";
    public string ToName { get; set; } = "";
    public string ToNameEn { get; set; } = "";
    public string ProductCode { get; set; } = "";
    public string ProductName { get; set; } = "";
    public string ProductNameEn { get; set; } = "";
    public int Day { get; set; }
    public int ArrivalDay { get; set; }
    public double Quantity { get; set; }
    public DateOnly PlanStart { get; set; }

    public DateOnly Departure => PlanStart.AddDays(Day);

    public DateOnly Arrival => PlanStart.AddDays(ArrivalDay);

    public LineKey Key => new(FromCode, ToCode, ProductCode, Departure);

    /// <summary>The names in the current language.</summary>
    public string From => Texts.Chinese || FromNameEn.Length == 0 ? FromName : FromNameEn;

    public string To => Texts.Chinese || ToNameEn.Length == 0 ? ToName : ToNameEn;

    public string Product => Texts.Chinese ? ProductName : ProductNameEn;
}

/// <summary>How a receipt, a file row or a request names the line it confirms.</summary>
public readonly record struct LineKey(string From, string To, string Product, DateOnly Departure)
{
    public override string ToString() =>
        $"{From} → {To} {Product} {Departure.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}";
}

/// <summary>A receipt as stored, with who recorded it and when (UTC).</summary>
public sealed class StoredReceipt
{
    public string FromCode { get; set; } = "";
    public string ToCode { get; set; } = "";
    public string ProductCode { get; set; } = "";

    /// <summary>The line's departure as the run's day (as stored) and the run's first day.</summary>
    [JsonIgnore]
    public int Day { get; set; }

    [JsonIgnore]
    public DateOnly PlanStart { get; set; }

    public DateOnly Departure => PlanStart.AddDays(Day);
    public long Received { get; set; }
    public long Shortage { get; set; }
    public long Damaged { get; set; }
    public DateOnly ReceivedOn { get; set; }
    public string? Note { get; set; }
    public string Source { get; set; } = "";
    public string RecordedBy { get; set; } = "";
    public DateTimeOffset RecordedAt { get; set; }

    internal LineKey Key => new(FromCode, ToCode, ProductCode, Departure);
}

/// <summary>
/// The shipment lines of a run and their receipts, limited to an officer's area: a city officer's lines are those
/// into their city and its counties; the province's officers and planners see every line.
/// </summary>
public static class ShipmentLines
{
    private const string RunSql = """
        SELECT plan_start FROM plan_runs WHERE id = @run AND status = 'succeeded'
        """;

    private const string LinesSql = """
        SELECT s.from_code, f.name AS from_name, COALESCE(f.name_en, '') AS from_name_en,
            s.to_code, t.name AS to_name, COALESCE(t.name_en, '') AS to_name_en,
            s.product_code, p.name AS product_name, p.name_en AS product_name_en,
            s.day, COALESCE(s.arrival_day, s.day) AS arrival_day, s.quantity, r.plan_start
        FROM plan_shipments s
        JOIN plan_runs r ON r.id = s.run_id
        JOIN regions f ON f.code = s.from_code
        JOIN regions t ON t.code = s.to_code
        JOIN products p ON p.code = s.product_code
        WHERE s.run_id = @run AND (@everywhere OR s.to_code = @city OR t.parent_code = @city)
        ORDER BY s.day, s.to_code, s.from_code, s.product_code
        """;

    private const string ReceiptsSql = """
        SELECT x.from_code, x.to_code, x.product_code, x.day, r.plan_start, x.received, x.shortage, x.damaged,
            x.received_on, x.note, x.source, x.recorded_by, x.recorded_at
        FROM shipment_receipts x JOIN regions t ON t.code = x.to_code JOIN plan_runs r ON r.id = x.run_id
        WHERE x.run_id = @run AND (@everywhere OR x.to_code = @city OR t.parent_code = @city)
        ORDER BY x.day, x.to_code, x.from_code, x.product_code
        """;

    /// <summary>The first day of the run's plan; null when there is no such run that succeeded.</summary>
    public static async Task<DateOnly?> PlanStartAsync(DbConnection db, string run, DbTransaction? tx = null) =>
        (await db.QueryAsync<DateOnly>(RunSql, new { run }, tx)).Select(d => (DateOnly?)d).FirstOrDefault();

    /// <summary>The run's lines into <paramref name="city"/> and its counties (every line when null).</summary>
    public static async Task<List<ShipmentLine>> LinesAsync(
        DbConnection db,
        string run,
        string? city,
        DbTransaction? tx = null
    ) => (await db.QueryAsync<ShipmentLine>(LinesSql, Scope(run, city), tx)).ToList();

    /// <summary>The receipts stored for the run's lines into <paramref name="city"/> (every line when null).</summary>
    public static async Task<List<StoredReceipt>> ReceiptsAsync(
        DbConnection db,
        string run,
        string? city,
        DbTransaction? tx = null
    ) => (await db.QueryAsync<StoredReceipt>(ReceiptsSql, Scope(run, city), tx)).ToList();

    /// <summary>
    /// The lines not confirmed by the day after they arrive: unconfirmed lines whose arrival day + 1 is before
    /// <paramref name="today"/> (Beijing time).
    /// </summary>
    public static async Task<List<ShipmentLine>> OverdueAsync(DbConnection db, string run, string? city, DateOnly today)
    {
        var lines = await LinesAsync(db, run, city);
        if (lines.Count == 0)
            return lines;
        var confirmed = (await ReceiptsAsync(db, run, city)).Select(r => r.Key).ToHashSet();
        return lines.Where(l => OverdueLines.IsOverdue(l.Arrival, today) && !confirmed.Contains(l.Key)).ToList();
    }

    private static object Scope(string run, string? city) =>
        new
        {
            run,
            everywhere = city is null,
            city = city ?? "",
        };
}
