using Google.OrTools.Graph;

namespace Planner.Solver.Care;

/// <summary>A hospital's latest report: where it is, its ICU beds and ventilators, its severe and critical census, its
/// staff.</summary>
public sealed record HospitalCensus(
    string Code,
    string County,
    string City,
    bool Designated,
    int Beds,
    int IcuBeds,
    int IcuOccupied,
    int Ventilators,
    int VentilatorsInUse,
    int Severe,
    int Critical,
    int StaffOnDuty
)
{
    /// <summary>Critical patients beyond what its ICU beds and ventilators can take.</summary>
    public int Overflow => Math.Max(0, Critical - Math.Min(IcuBeds, Ventilators));

    /// <summary>Critical patients a designated hospital can still take: the fewer of free ICU beds and free
    /// ventilators.</summary>
    public int Free =>
        Designated && Overflow == 0 ? Math.Max(0, Math.Min(IcuBeds - IcuOccupied, Ventilators - VentilatorsInUse)) : 0;
}

/// <summary>Critical patients moved from one hospital to another.</summary>
public sealed record PatientTransfer(string From, string To, int Patients, double Km);

/// <summary>Critical patients who stay in a hospital over its capacity, and why: every designated ICU bed within
/// <see cref="WithinKm"/> is full, or there is none within that distance.</summary>
public sealed record Unplaced(string Hospital, int Patients, UnplacedReason Reason, double WithinKm);

/// <summary>Why critical patients stay over capacity.</summary>
public enum UnplacedReason
{
    /// <summary>Designated hospitals are within reach, but their ICU beds are full.</summary>
    BedsFull,

    /// <summary>No designated hospital with a free ICU bed is within reach.</summary>
    NoBedInReach,
}

/// <summary>The transfers, the patients left over capacity, the census after the transfers, and reports set aside as
/// implausible (<see cref="DataFlagKind.NegativeCount"/>, <see cref="DataFlagKind.CriticalOverBeds"/>).</summary>
public sealed record TransferPlan(
    IReadOnlyList<PatientTransfer> Transfers,
    IReadOnlyList<Unplaced> Unplaced,
    IReadOnlyList<HospitalCensus> Census,
    IReadOnlyList<DataFlag> Flags
);

/// <summary>How far and at what price critical patients are moved.</summary>
public sealed record TransferSettings
{
    /// <summary>Longest transfer of a critical patient, in km.</summary>
    public double MaxKm { get; init; } = 200;

    /// <summary>Cost of moving one patient, in km, on top of the distance: moves only when a bed is in reach, fewer
    /// moves first.</summary>
    public int PerPatientKm { get; init; } = 100;
}

/// <summary>
/// Concentrates critical patients: a min-cost flow (OR-Tools) from hospitals over their ICU or ventilator capacity to
/// designated hospitals with free capacity within <see cref="TransferSettings.MaxKm"/>, costing km + a per-patient
/// charge; a patient for whom no bed is in reach stays (at a cost above any transfer). The flow is integral, so
/// patients move whole. Reports with more critical patients than beds are flagged and left out of the transfers.
/// </summary>
public static class PatientTransfers
{
    /// <summary>Plans the transfers; <paramref name="km"/> gives the road distance between two hospitals.</summary>
    public static TransferPlan Solve(
        IReadOnlyList<HospitalCensus> hospitals,
        Func<HospitalCensus, HospitalCensus, double> km,
        TransferSettings? settings = null
    )
    {
        ArgumentNullException.ThrowIfNull(hospitals);
        ArgumentNullException.ThrowIfNull(km);
        settings ??= new TransferSettings();
        var flags = new List<DataFlag>();
        var flagged = Flag(hospitals, flags);
        var usable = hospitals
            .Where(h => !flagged.Contains(h.Code))
            .OrderBy(h => h.Code, StringComparer.Ordinal)
            .ToList();
        var senders = usable.Where(h => h.Overflow > 0).ToList();
        var receivers = usable.Where(h => h.Free > 0).ToList();
        if (senders.Count == 0)
        {
            return new TransferPlan([], [], hospitals, flags);
        }
        var (flow, arcs) = Route(senders, receivers, km, settings);
        var transfers = arcs.Where(a => flow.Flow(a.Arc) > 0)
            .Select(a => new PatientTransfer(
                senders[a.Sender].Code,
                receivers[a.Receiver].Code,
                (int)flow.Flow(a.Arc),
                Math.Round(a.Km, 1)
            ))
            .OrderBy(t => t.From, StringComparer.Ordinal)
            .ThenBy(t => t.To, StringComparer.Ordinal)
            .ToList();
        var moved = transfers
            .GroupBy(t => t.From)
            .ToDictionary(g => g.Key, g => g.Sum(t => t.Patients), StringComparer.Ordinal);
        var unplaced = senders
            .Where(s => s.Overflow > moved.GetValueOrDefault(s.Code))
            .Select(s => new Unplaced(
                s.Code,
                s.Overflow - moved.GetValueOrDefault(s.Code),
                arcs.Any(a => senders[a.Sender] == s) ? UnplacedReason.BedsFull : UnplacedReason.NoBedInReach,
                settings.MaxKm
            ))
            .ToList();
        return new TransferPlan(transfers, unplaced, After(hospitals, transfers, moved), flags);
    }

    /// <summary>Reports set aside (a negative count, more critical patients than beds), each with a flag saying
    /// why.</summary>
    private static HashSet<string> Flag(IReadOnlyList<HospitalCensus> hospitals, List<DataFlag> flags)
    {
        var flagged = new HashSet<string>(StringComparer.Ordinal);
        foreach (var h in hospitals)
        {
            if (
                new[]
                {
                    h.Beds,
                    h.IcuBeds,
                    h.IcuOccupied,
                    h.Ventilators,
                    h.VentilatorsInUse,
                    h.Severe,
                    h.Critical,
                    h.StaffOnDuty,
                }.Any(v => v < 0)
            )
            {
                flags.Add(new DataFlag(DataFlagKind.NegativeCount, h.Code));
                flagged.Add(h.Code);
            }
            else if (h.Critical > h.Beds)
            {
                flags.Add(new DataFlag(DataFlagKind.CriticalOverBeds, h.Code, h.Critical, h.Beds));
                flagged.Add(h.Code);
            }
        }
        return flagged;
    }

    /// <summary>
    /// The min-cost flow, solved. Nodes: senders, receivers, one sink. Arcs: sender → receiver in reach; sender → sink
    /// (stays); receiver → sink (free beds). Returns the flow and the sender → receiver arcs.
    /// </summary>
    private static (MinCostFlow Flow, List<(int Arc, int Sender, int Receiver, double Km)> Arcs) Route(
        List<HospitalCensus> senders,
        List<HospitalCensus> receivers,
        Func<HospitalCensus, HospitalCensus, double> km,
        TransferSettings settings
    )
    {
        var flow = new MinCostFlow();
        var sink = senders.Count + receivers.Count;
        const long Stay = 1_000_000;
        var arcs = new List<(int Arc, int Sender, int Receiver, double Km)>();
        for (var s = 0; s < senders.Count; s++)
        {
            flow.SetNodeSupply(s, senders[s].Overflow);
            for (var r = 0; r < receivers.Count; r++)
            {
                var distance = km(senders[s], receivers[r]);
                if (distance > settings.MaxKm)
                    continue;
                var arc = flow.AddArcWithCapacityAndUnitCost(
                    s,
                    senders.Count + r,
                    senders[s].Overflow,
                    (long)Math.Round(distance) + settings.PerPatientKm
                );
                arcs.Add((arc, s, r, distance));
            }
            flow.AddArcWithCapacityAndUnitCost(s, sink, senders[s].Overflow, Stay);
        }
        for (var r = 0; r < receivers.Count; r++)
        {
            flow.AddArcWithCapacityAndUnitCost(senders.Count + r, sink, receivers[r].Free, 0);
        }
        flow.SetNodeSupply(sink, -senders.Sum(s => s.Overflow));
        var status = flow.Solve();
        if (status != MinCostFlowBase.Status.OPTIMAL)
        {
            throw new InvalidOperationException(
                $"The patient-transfer flow returned {status}; it is feasible by construction."
            );
        }
        return (flow, arcs);
    }

    /// <summary>The census after the transfers: patients moved out and in, the receivers' ICU beds and ventilators
    /// taken.</summary>
    private static List<HospitalCensus> After(
        IReadOnlyList<HospitalCensus> hospitals,
        List<PatientTransfer> transfers,
        Dictionary<string, int> moved
    )
    {
        var received = transfers
            .GroupBy(t => t.To)
            .ToDictionary(g => g.Key, g => g.Sum(t => t.Patients), StringComparer.Ordinal);
        return hospitals
            .Select(h =>
                h with
                {
                    Critical = h.Critical - moved.GetValueOrDefault(h.Code) + received.GetValueOrDefault(h.Code),
                    IcuOccupied = h.IcuOccupied + received.GetValueOrDefault(h.Code),
                    VentilatorsInUse = h.VentilatorsInUse + received.GetValueOrDefault(h.Code),
                }
            )
            .ToList();
    }
}
