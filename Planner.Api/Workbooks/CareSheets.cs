using ClosedXML.Excel;
using Planner.Api.Planning;
using Planner.Solver.Care;
using static Planner.Api.Workbooks.Sheet;

namespace Planner.Api.Workbooks;

/// <summary>The care plan's sheets of the province workbook: Hubei commitments, team assignments, patient
/// transfers.</summary>
internal static class CareSheets
{
    /// <summary>Per Hubei site: supplies promised and planned per product, then the teams sent there and what stays
    /// uncovered.</summary>
    public static void Hubei(
        IXLWorksheet ws,
        PlanRunInfo run,
        PlanSnapshot snapshot,
        PlanReport report,
        CareOutcome care
    )
    {
        var sites = snapshot
            .Regions.Where(r => r.Level == "external")
            .Select(r => r.Code)
            .ToHashSet(StringComparer.Ordinal);
        Header(
            ws,
            1,
            [
                T("SiteCode"),
                T("Name"),
                T("NameEn"),
                T("ProductCode"),
                T("Hubei.Requested"),
                T("Hubei.Planned"),
                T("Hubei.Short"),
                T("FillRate"),
            ]
        );
        var row = 1;
        foreach (
            var d in report
                .Destinations.Where(d => sites.Contains(d.Code))
                .OrderBy(d => d.Code, StringComparer.Ordinal)
                .ThenBy(d => d.Product, StringComparer.Ordinal)
        )
        {
            row++;
            Text(ws.Cell(row, 1), d.Code);
            ws.Cell(row, 2).SetValue(d.Name);
            ws.Cell(row, 3).SetValue(d.NameEn ?? "");
            Text(ws.Cell(row, 4), d.Product);
            ws.Cell(row, 5).SetValue(d.Totals.Demand).Style.NumberFormat.Format = Count;
            ws.Cell(row, 6).SetValue(d.Totals.Served).Style.NumberFormat.Format = Count;
            ws.Cell(row, 7).SetValue(d.Totals.Shortfall).Style.NumberFormat.Format = Count;
            ws.Cell(row, 8).SetValue(d.Totals.FillRate).Style.NumberFormat.Format = Percent;
        }
        ws.Range(1, 1, Math.Max(row, 2), 8).CreateTable("HubeiSupplies");
        HubeiTeams(ws, run, care, sites, row + 2);
        Widths(ws, 12, 12, 12, 12, 14, 14, 40, 10);
        Finish(ws, run);
    }

    /// <summary>The teams sent to the Hubei sites, under a header on <paramref name="first"/>.</summary>
    private static void HubeiTeams(IXLWorksheet ws, PlanRunInfo run, CareOutcome care, HashSet<string> sites, int first)
    {
        var row = first;
        var teams = care.TeamProblem.Teams.ToDictionary(t => t.Code, StringComparer.Ordinal);
        var hubei = care.Teams.Assignments.Where(a => sites.Contains(a.Site)).ToList();
        Header(
            ws,
            row,
            [
                T("SiteCode"),
                T("Team"),
                T("HomeCity"),
                T("Short.From"),
                T("Short.To"),
                T("Members"),
                T("Specialties"),
                "",
            ]
        );
        foreach (var a in hubei)
        {
            row++;
            Text(ws.Cell(row, 1), a.Site);
            Text(ws.Cell(row, 2), a.Team);
            Text(ws.Cell(row, 3), teams[a.Team].HomeCity);
            Date(ws.Cell(row, 4), run, a.FromDay);
            Date(ws.Cell(row, 5), run, a.ToDay - 1);
            ws.Cell(row, 6).SetValue(teams[a.Team].Size);
            ws.Cell(row, 7).SetValue(string.Join(", ", a.Specialties));
        }
        ws.Range(first, 1, Math.Max(row, first + 1), 7).CreateTable("HubeiTeams");
    }

    /// <summary>Every assignment (team, destination, dates, specialties), then every uncovered specialty-week with its
    /// reason.</summary>
    public static void Teams(IXLWorksheet ws, PlanRunInfo run, PlanSnapshot snapshot, CareOutcome care)
    {
        var names = snapshot.Regions.ToDictionary(r => r.Code, r => r.Name, StringComparer.Ordinal);
        var teams = care.TeamProblem.Teams.ToDictionary(t => t.Code, StringComparer.Ordinal);
        var needs = care.TeamProblem.Needs.ToDictionary(n => n.Code, StringComparer.Ordinal);
        Header(
            ws,
            1,
            [
                T("Team"),
                T("HomeCity"),
                T("HomeCityName"),
                T("Need"),
                T("NeedKind"),
                T("SiteCode"),
                T("SiteArea"),
                T("Short.From"),
                T("Short.To"),
                T("Members"),
                T("SpecialtiesCovered"),
            ]
        );
        var row = 1;
        foreach (var a in care.Teams.Assignments)
        {
            var need = needs[a.Need];
            row++;
            Text(ws.Cell(row, 1), a.Team);
            Text(ws.Cell(row, 2), teams[a.Team].HomeCity);
            ws.Cell(row, 3).SetValue(names.GetValueOrDefault(teams[a.Team].HomeCity, ""));
            Text(ws.Cell(row, 4), a.Need);
            ws.Cell(row, 5).SetValue(T("NeedKind." + need.Kind));
            Text(ws.Cell(row, 6), a.Site);
            ws.Cell(row, 7).SetValue(names.GetValueOrDefault(need.Destination, ""));
            Date(ws.Cell(row, 8), run, a.FromDay);
            Date(ws.Cell(row, 9), run, a.ToDay - 1);
            ws.Cell(row, 10).SetValue(teams[a.Team].Size);
            ws.Cell(row, 11).SetValue(string.Join(", ", a.Specialties));
        }
        ws.Range(1, 1, Math.Max(row, 2), 11).CreateTable("TeamAssignments");
        Unmet(ws, run, care, row + 2);
        Widths(ws, 10, 10, 14, 22, 10, 12, 14, 12, 12, 10, 44);
        Finish(ws, run);
    }

    /// <summary>Every uncovered specialty-week with its reason, under a header on <paramref name="first"/>.</summary>
    private static void Unmet(IXLWorksheet ws, PlanRunInfo run, CareOutcome care, int first)
    {
        var row = first;
        Header(
            ws,
            row,
            [
                T("Need"),
                T("NeedKind"),
                T("SiteCode"),
                T("Specialty"),
                T("WeekFrom"),
                T("Required"),
                T("Covered"),
                T("Care.Reason"),
            ]
        );
        foreach (var u in care.Teams.Unmet)
        {
            row++;
            Text(ws.Cell(row, 1), u.Need);
            ws.Cell(row, 2).SetValue(T("NeedKind." + u.Kind));
            Text(ws.Cell(row, 3), u.Site);
            ws.Cell(row, 4).SetValue(u.Specialty);
            Date(ws.Cell(row, 5), run, 7 * u.Week);
            ws.Cell(row, 6).SetValue(u.Required);
            ws.Cell(row, 7).SetValue(u.Covered);
            ws.Cell(row, 8).SetValue(Explain(u.Reason));
        }
        ws.Range(first, 1, Math.Max(row, first + 1), 8).CreateTable("UnmetNeeds");
    }

    /// <summary>Critical patients moved (from, to, patients, km), those left over capacity, and reports set
    /// aside.</summary>
    public static void Transfers(IXLWorksheet ws, PlanRunInfo run, PlanSnapshot snapshot, CareOutcome care)
    {
        var hospitals = snapshot.Care.Hospitals.ToDictionary(h => h.Code, StringComparer.Ordinal);
        var names = snapshot.Regions.ToDictionary(r => r.Code, r => r.Name, StringComparer.Ordinal);
        Header(ws, 1, [T("FromHospital"), T("FromCounty"), T("ToHospital"), T("ToCounty"), T("Patients"), T("Km")]);
        var row = 1;
        foreach (var t in care.Transfers.Transfers)
        {
            row++;
            Text(ws.Cell(row, 1), t.From);
            ws.Cell(row, 2).SetValue(names.GetValueOrDefault(hospitals[t.From].County, ""));
            Text(ws.Cell(row, 3), t.To);
            ws.Cell(row, 4).SetValue(names.GetValueOrDefault(hospitals[t.To].County, ""));
            ws.Cell(row, 5).SetValue(t.Patients);
            ws.Cell(row, 6).SetValue(t.Km);
        }
        ws.Range(1, 1, Math.Max(row, 2), 6).CreateTable("PatientTransfers");
        row += 2;
        var first = row;
        Header(ws, row, [T("Hospital"), T("PatientsLeftOver"), T("Care.Reason")]);
        foreach (var u in care.Transfers.Unplaced)
        {
            row++;
            Text(ws.Cell(row, 1), u.Hospital);
            ws.Cell(row, 2).SetValue(u.Patients);
            ws.Cell(row, 3).SetValue(T("Unplaced." + u.Reason, u.WithinKm));
        }
        ws.Range(first, 1, Math.Max(row, first + 1), 3).CreateTable("Unplaced");
        foreach (var flag in care.Flags)
        {
            row += 2;
            ws.Cell(row, 1).SetValue(T("DataFlag", CareFlags.Say(flag)));
        }
        Widths(ws, 14, 16, 14, 16, 24, 40);
        Finish(ws, run);
    }

    private static string Explain(UnmetReason reason) =>
        reason switch
        {
            UnmetReason.NoTeamAvailable => T("Unmet.NoTeamAvailable"),
            UnmetReason.HomeCityFloor => T("Unmet.HomeCityFloor"),
            UnmetReason.RestRule => T("Unmet.RestRule"),
            _ => T("Unmet.Priority"),
        };
}
