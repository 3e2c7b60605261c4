using Planner.Solver.Allocation;

namespace Planner.Solver.Breakdown;

/// <summary>Who receives a segment's supplies in a county.</summary>
public enum ConsigneeKind
{
    /// <summary>The county's hospitals, each by its own figure (<see cref="HospitalDriver"/>).</summary>
    Hospitals,

    /// <summary>Down the five levels to towns and villages (<see cref="FiveLevelBreakdown"/>).</summary>
    Villages,

    /// <summary>The county's enterprises back at work: one line per county, which the county's economy and
    /// information bureau hands on (no list of enterprises exists in the data).</summary>
    Enterprises,
}

/// <summary>The figure of a hospital's latest report that shares a hospital segment among a county's
/// hospitals.</summary>
public enum HospitalDriver
{
    /// <summary>Severe and critical patients.</summary>
    SevereAndCritical,

    /// <summary>Critical patients.</summary>
    Critical,

    /// <summary>Severe patients.</summary>
    Severe,

    /// <summary>Occupied beds less the severe and critical patients.</summary>
    OtherInpatients,

    /// <summary>Staff on duty.</summary>
    StaffOnDuty,

    /// <summary>Fever clinic visits where the hospital reports them; otherwise the designated hospitals' beds (the
    /// fever clinics are theirs).</summary>
    FeverClinicVisits,
}

/// <summary>Where a segment goes: to the hospitals (by <paramref name="Driver"/>), the villages or the
/// enterprises.</summary>
public sealed record ConsigneeRoute(ConsigneeKind Kind, HospitalDriver Driver = HospitalDriver.SevereAndCritical);

/// <summary>A hospital's own figures from its latest capacity report (after patient transfers): beds, severe and
/// critical patients, other inpatients (occupied beds less those), staff on duty, and its fever clinic's daily
/// visits when reported (the capacity report has no such field: null).</summary>
public sealed record HospitalFigures(
    string Code,
    string County,
    bool Designated,
    double Beds,
    double Severe,
    double Critical,
    double OtherInpatients,
    double StaffOnDuty,
    double? FeverClinicVisits = null
);

/// <summary>Whole units a county's consignee receives of one product for one segment. <see cref="Hospital"/> is
/// the hospital's code for <see cref="ConsigneeKind.Hospitals"/>, or null when the county has no hospital that
/// reports (then the county's health commission receives them for its hospitals).</summary>
public sealed record ConsigneeLine(
    string County,
    ConsigneeKind Kind,
    string? Hospital,
    string Product,
    string Segment,
    long Quantity
);

/// <summary>Who signs for part of a shipment into a county: a hospital (<see cref="Hospital"/> its code, null for the
/// county's health commission), the enterprises, the villages, or — <see cref="Kind"/> null — the county's own store
/// (units beyond what its consignees are given in the horizon).</summary>
public sealed record Receiver(ConsigneeKind? Kind, string? Hospital = null)
{
    /// <summary>The county's own store.</summary>
    public static readonly Receiver Store = new(Kind: null);
}

/// <summary>Whole units of a shipment line for one receiver.</summary>
public sealed record Delivery(Receiver Receiver, long Quantity);

/// <summary>
/// The right consignee for each need below the county. A county's served quantity of a product in a tier is first
/// shared among the tier's segments in proportion to their demand (<see cref="BySegment"/>); then each segment goes
/// where its route says (<see cref="Split"/>): hospital segments to the county's hospitals by each one's own figure,
/// return-to-work to the county's enterprises, the rest down the five levels by population
/// (<see cref="Villages"/>). Every split is a largest-remainder apportionment of whole units, so the lines add up
/// exactly to what the county was served.
/// </summary>
public static class Consignees
{
    /// <summary>
    /// Whole shares of a county's <paramref name="served"/> units of one tier and product among the tier's segments,
    /// in proportion to each segment's demand over the horizon (segments in the order given; ties to the first).
    /// </summary>
    public static long[] BySegment(long served, IReadOnlyList<double> demand) =>
        FiveLevelBreakdown.Apportion(served, demand);

    /// <summary>
    /// Each consignee's whole quantity of a county's served units per product and segment.
    /// </summary>
    /// <param name="served">Whole units served per (county, product, segment).</param>
    /// <param name="routes">Each segment's route; a segment not listed goes to the villages.</param>
    /// <param name="hospitals">Every hospital with its figures; a county's hospitals are those naming it.</param>
    public static List<ConsigneeLine> Split(
        IEnumerable<(string County, string Product, string Segment, long Quantity)> served,
        IReadOnlyDictionary<string, ConsigneeRoute> routes,
        IReadOnlyList<HospitalFigures> hospitals
    )
    {
        ArgumentNullException.ThrowIfNull(served);
        ArgumentNullException.ThrowIfNull(routes);
        ArgumentNullException.ThrowIfNull(hospitals);
        var byCounty = hospitals
            .OrderBy(h => h.Code, StringComparer.Ordinal)
            .ToLookup(h => h.County, StringComparer.Ordinal);
        var lines = new List<ConsigneeLine>();
        foreach (var (county, product, segment, quantity) in served)
        {
            if (quantity < 0)
                throw new ArgumentOutOfRangeException(nameof(served), quantity, "A served quantity must be ≥ 0.");
            if (quantity == 0)
                continue;
            var route = routes.GetValueOrDefault(segment) ?? new ConsigneeRoute(ConsigneeKind.Villages);
            if (route.Kind != ConsigneeKind.Hospitals)
            {
                lines.Add(new ConsigneeLine(county, route.Kind, null, product, segment, quantity));
                continue;
            }
            var own = byCounty[county].ToList();
            if (own.Count == 0)
            {
                lines.Add(new ConsigneeLine(county, ConsigneeKind.Hospitals, null, product, segment, quantity));
                continue;
            }
            var shares = FiveLevelBreakdown.Apportion(quantity, Weights(own, route.Driver));
            lines.AddRange(
                own.Select(
                        (h, i) =>
                            new ConsigneeLine(county, ConsigneeKind.Hospitals, h.Code, product, segment, shares[i])
                    )
                    .Where(l => l.Quantity > 0)
            );
        }
        return lines;
    }

    /// <summary>
    /// Each hospital's weight for <paramref name="driver"/>. Where none of the county's hospitals has any (a forecast
    /// of patients the hospitals do not hold yet), the designated hospitals' beds share it — they admit them —, or
    /// every hospital's beds when none is designated.
    /// </summary>
    public static double[] Weights(IReadOnlyList<HospitalFigures> hospitals, HospitalDriver driver)
    {
        ArgumentNullException.ThrowIfNull(hospitals);
        var own = hospitals
            .Select(h =>
                driver switch
                {
                    HospitalDriver.SevereAndCritical => h.Severe + h.Critical,
                    HospitalDriver.Critical => h.Critical,
                    HospitalDriver.Severe => h.Severe,
                    HospitalDriver.OtherInpatients => h.OtherInpatients,
                    HospitalDriver.StaffOnDuty => h.StaffOnDuty,
                    _ => hospitals.Any(x => x.FeverClinicVisits is not null) ? h.FeverClinicVisits ?? 0 : 0,
                }
            )
            .Select(w => double.IsFinite(w) ? Math.Max(0, w) : 0)
            .ToArray();
        if (own.Sum() > 0)
            return own;
        var designated = hospitals.Any(h => h.Designated && h.Beds > 0);
        return hospitals.Select(h => !designated || h.Designated ? Math.Max(0, h.Beds) : 0).ToArray();
    }

    /// <summary>
    /// Whole units at every level of the tree, per product, for what goes down to the villages: each county's
    /// <see cref="ConsigneeKind.Villages"/> lines summed, then shared by population (<see cref="FiveLevelBreakdown"/>).
    /// </summary>
    public static Dictionary<string, IReadOnlyDictionary<string, long>> Villages(
        IReadOnlyList<RegionNode> tree,
        IEnumerable<string> products,
        IEnumerable<ConsigneeLine> lines
    )
    {
        var carried = lines
            .Where(l => l.Kind == ConsigneeKind.Villages)
            .ToLookup(l => l.Product, StringComparer.Ordinal);
        return products.ToDictionary(
            p => p,
            p =>
                FiveLevelBreakdown.Build(
                    tree,
                    carried[p]
                        .GroupBy(l => l.County, StringComparer.Ordinal)
                        .ToDictionary(g => g.Key, g => (double)g.Sum(l => l.Quantity), StringComparer.Ordinal)
                ),
            StringComparer.Ordinal
        );
    }

    /// <summary>
    /// Each shipment into a county, split among the county's receivers of its product: whole units in proportion to
    /// what each receiver still has to get of its horizon quantity (<paramref name="lines"/>), shipments taken by
    /// day, arrival, depot and product. A receiver never gets more than its horizon quantity, so when the shipments
    /// into a county carry exactly what its consignees are given, each receiver's deliveries add up to its line;
    /// units beyond that go to the county's <see cref="Receiver.Store"/>. Shipments to places not in
    /// <paramref name="counties"/> (depots, Hubei sites) and of no whole unit have no deliveries.
    /// </summary>
    public static Dictionary<Shipment, IReadOnlyList<Delivery>> Deliveries(
        IEnumerable<Shipment> shipments,
        IEnumerable<ConsigneeLine> lines,
        IReadOnlySet<string> counties
    )
    {
        ArgumentNullException.ThrowIfNull(shipments);
        ArgumentNullException.ThrowIfNull(counties);
        var left = Receivers(lines);
        var result = new Dictionary<Shipment, IReadOnlyList<Delivery>>();
        foreach (
            var s in shipments
                .Where(s => counties.Contains(s.To))
                .OrderBy(s => s.Day)
                .ThenBy(s => s.ArrivalDay)
                .ThenBy(s => s.From, StringComparer.Ordinal)
                .ThenBy(s => s.To, StringComparer.Ordinal)
                .ThenBy(s => s.Product, StringComparer.Ordinal)
        )
        {
            var quantity = (long)Math.Round(s.Quantity, MidpointRounding.AwayFromZero);
            if (quantity <= 0 || result.ContainsKey(s))
                continue;
            var receivers = left.GetValueOrDefault((s.To, s.Product)) ?? [];
            var given = Math.Min(quantity, receivers.Sum(r => r.Left));
            var shares = FiveLevelBreakdown.Apportion(given, [.. receivers.Select(r => (double)r.Left)]);
            var deliveries = new List<Delivery>();
            for (var i = 0; i < receivers.Length; i++)
            {
                var share = Math.Min(shares.ElementAtOrDefault(i), receivers[i].Left);
                receivers[i].Left -= share;
                if (share > 0)
                    deliveries.Add(new Delivery(receivers[i].Receiver, share));
            }
            if (quantity > deliveries.Sum(d => d.Quantity))
                deliveries.Add(new Delivery(Receiver.Store, quantity - deliveries.Sum(d => d.Quantity)));
            result[s] = deliveries;
        }
        return result;
    }

    /// <summary>Each county's receivers of each product with their horizon quantity: hospitals by code (the
    /// health commission after them), then the villages, then the enterprises.</summary>
    private static Dictionary<(string County, string Product), Remaining[]> Receivers(IEnumerable<ConsigneeLine> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        return lines
            .GroupBy(l => (l.County, l.Product))
            .ToDictionary(
                g => g.Key,
                g =>
                    g.GroupBy(l => new Receiver(l.Kind, l.Hospital))
                        .OrderBy(r => r.Key.Kind)
                        .ThenBy(r => r.Key.Hospital is null)
                        .ThenBy(r => r.Key.Hospital, StringComparer.Ordinal)
                        .Select(r => new Remaining(r.Key, r.Sum(l => l.Quantity)))
                        .ToArray()
            );
    }

    private sealed class Remaining(Receiver receiver, long left)
    {
        public Receiver Receiver { get; } = receiver;

        public long Left { get; set; } = left;
    }
}
