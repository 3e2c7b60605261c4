using Planner.Solver.Allocation;
using Planner.Solver.Breakdown;

namespace Planner.Api.Workbooks;

/// <summary>One product on a dispatch note: whole units, and the cartons they fill (with any units that do not fill
/// one: none on the depot-to-depot and depot-to-county lines, which the plan makes in whole packs). A line into a
/// county says who signs for its units there (<see cref="Consignees.Deliveries"/>).</summary>
public sealed record DispatchLine(string Product, long Quantity, int PackSize, int ArrivalDay)
{
    public IReadOnlyList<Delivery> Deliveries { get; init; } = [];

    public long Cartons => Quantity / PackSize;

    public long Loose => Quantity % PackSize;
}

/// <summary>
/// A dispatch note (调拨单): what one depot sends one consignee on one day, the paper the shipper, the carrier and
/// the consignee sign. Its number names the day, the depot and the consignee's place in the day's notes
/// (<c>DB20200210-330000-003</c>), so it is the same on the sheet, on the printed note and on the web page.
/// </summary>
public sealed record DispatchNote(string Number, string From, string To, int Day, IReadOnlyList<DispatchLine> Lines)
{
    public long Quantity => Lines.Sum(l => l.Quantity);

    public long Cartons => Lines.Sum(l => l.Cartons);

    public long Loose => Lines.Sum(l => l.Loose);
}

/// <summary>The dispatch notes of a depot: its shipment lines grouped by day and consignee.</summary>
public static class DispatchNotes
{
    /// <summary>
    /// The notes for the lines leaving <paramref name="depot"/>, by day and then consignee code, each with its
    /// products in code order. Quantities are whole units (the plan's lines are; a fraction left by an older plan is
    /// rounded to the nearest unit). Pack sizes missing or below 1 count as 1. A line's receivers come from
    /// <paramref name="deliveries"/> (the plan's, for every depot at once).
    /// </summary>
    public static List<DispatchNote> Of(
        string depot,
        DateOnly planStart,
        IEnumerable<Shipment> shipments,
        IReadOnlyDictionary<string, int> packSizes,
        IReadOnlyDictionary<Shipment, IReadOnlyList<Delivery>>? deliveries = null
    )
    {
        var notes = new List<DispatchNote>();
        foreach (
            var day in shipments
                .Where(s => s.From == depot && Math.Round(s.Quantity) > 0)
                .GroupBy(s => s.Day)
                .OrderBy(g => g.Key)
        )
        {
            var sequence = 0;
            foreach (var consignee in day.GroupBy(s => s.To).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var lines = consignee
                    .OrderBy(s => s.Product, StringComparer.Ordinal)
                    .ThenBy(s => s.ArrivalDay)
                    .Select(s => new DispatchLine(
                        s.Product,
                        (long)Math.Round(s.Quantity, MidpointRounding.AwayFromZero),
                        Math.Max(1, packSizes.GetValueOrDefault(s.Product, 1)),
                        s.ArrivalDay
                    )
                    {
                        Deliveries = deliveries?.GetValueOrDefault(s) ?? [],
                    })
                    .ToList();
                notes.Add(
                    new DispatchNote(
                        Number(planStart, day.Key, depot, ++sequence),
                        depot,
                        consignee.Key,
                        day.Key,
                        lines
                    )
                );
            }
        }
        return notes;
    }

    /// <summary>The note's number: <c>DB</c>, the shipping date, the depot's code and the note's place that
    /// day.</summary>
    public static string Number(DateOnly planStart, int day, string depot, int sequence) =>
        FormattableString.Invariant($"DB{planStart.AddDays(day):yyyyMMdd}-{depot}-{sequence:000}");
}
