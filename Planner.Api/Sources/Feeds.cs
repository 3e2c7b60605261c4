using Planner.Solver.Care;

namespace Planner.Api.Sources;

/// <summary>The tables of each feed, in the order they are pulled (parents before children).</summary>
internal static class Feeds
{
    public static IReadOnlyList<FeedTable> Tables(Feed feed) =>
        feed switch
        {
            Feed.Production => Production,
            Feed.Hospitals => Hospitals,
            Feed.Teams => Teams,
            Feed.Situation => Situation,
            _ => throw new ArgumentOutOfRangeException(nameof(feed)),
        };

    private static readonly FeedTable[] Production =
    [
        new(
            "enterprises",
            "SELECT code, name, county_code, kind, row_version FROM enterprises "
                + "WHERE row_version > @watermark ORDER BY row_version",
            Target: "suppliers",
            Keys: ["code"],
            Values: ["name", "county_code", "kind"],
            StampsPullRun: true,
            (r, known) =>
            {
                var code = r.Text("code");
                var name = r.Text("name");
                var county = r.Text("county_code");
                var kind = r.Text("kind");
                r.Require(known.Counties.Contains(county), $"county_code {county} is not a Zhejiang county");
                r.Require(
                    kind is "factory" or "provincial_reserve" or "city_reserve" or "national_allocation",
                    $"kind '{kind}' is not factory, provincial_reserve, city_reserve or national_allocation"
                );
                if (r.Problems.Count == 0)
                    known.Suppliers.Add(code);
                return [code, name, county, kind];
            },
            r => $"enterprise {r.OptionalText("code")}"
        ),
        new(
            "enterprise_products",
            "SELECT enterprise_code, product_code, daily_capacity, row_version FROM enterprise_products "
                + "WHERE row_version > @watermark ORDER BY row_version",
            Target: "supplier_products",
            Keys: ["supplier_code", "product_code"],
            Values: ["daily_capacity"],
            StampsPullRun: false,
            (r, known) => [Supplier(r, known), Product(r, known), r.Count("daily_capacity")],
            r => $"enterprise {r.OptionalText("enterprise_code")} product {r.OptionalText("product_code")}"
        ),
        new(
            "daily_output",
            "SELECT enterprise_code, product_code, report_date, quantity, row_version FROM daily_output "
                + "WHERE row_version > @watermark ORDER BY row_version",
            Target: "production_reports",
            Keys: ["supplier_code", "product_code", "report_date"],
            Values: ["output"],
            StampsPullRun: true,
            (r, known) => [Supplier(r, known), Product(r, known), r.Date("report_date"), r.Count("quantity")],
            r =>
                $"output {r.OptionalText("enterprise_code")} {r.OptionalText("product_code")} "
                + $"{r.OptionalText("report_date")}"
        ),
        new(
            "stock_on_hand",
            "SELECT enterprise_code, product_code, as_of, quantity, row_version FROM stock_on_hand "
                + "WHERE row_version > @watermark ORDER BY row_version",
            Target: "stock_reports",
            Keys: ["supplier_code", "product_code", "as_of"],
            Values: ["quantity"],
            StampsPullRun: true,
            (r, known) => [Supplier(r, known), Product(r, known), r.Date("as_of"), r.Count("quantity")],
            r => $"stock {r.OptionalText("enterprise_code")} {r.OptionalText("product_code")} {r.OptionalText("as_of")}"
        ),
    ];

    private static readonly FeedTable[] Hospitals =
    [
        new(
            "hospitals",
            "SELECT code, name, county_code, designated, grade, row_version FROM hospitals "
                + "WHERE row_version > @watermark ORDER BY row_version",
            Target: "hospitals",
            Keys: ["code"],
            Values: ["name", "county_code", "designated", "grade"],
            StampsPullRun: true,
            (r, known) =>
            {
                var code = r.Text("code");
                var name = r.Text("name");
                var county = r.Text("county_code");
                var designated = r.Count("designated");
                var grade = r.Text("grade");
                r.Require(known.Counties.Contains(county), $"county_code {county} is not a Zhejiang county");
                r.Require(designated is 0 or 1, $"designated is {designated}; it must be 0 or 1");
                if (r.Problems.Count == 0)
                    known.Hospitals.Add(code);
                return [code, name, county, designated, grade];
            },
            r => $"hospital {r.OptionalText("code")}"
        ),
        new(
            "capacity_reports",
            """
            SELECT hospital_code, report_date, beds_general_total, beds_general_occupied, beds_isolation_total,
            beds_isolation_occupied,
                   beds_icu_total, beds_icu_occupied, severe_patients, critical_patients, ventilators_total,
                   ventilators_in_use, ecmo_total, ecmo_in_use, staff_on_duty, row_version
            FROM capacity_reports WHERE row_version > @watermark ORDER BY row_version
            """,
            Target: "capacity_reports",
            Keys: ["hospital_code", "report_date"],
            Values: [.. CapacityCounts.Columns],
            StampsPullRun: true,
            (r, known) =>
            {
                var hospital = r.Text("hospital_code");
                r.Require(known.Hospitals.Contains(hospital), $"hospital_code {hospital} is not a known hospital");
                var date = r.Date("report_date");
                var generalTotal = r.Count("beds_general_total");
                var generalOccupied = r.Count("beds_general_occupied");
                var isolationTotal = r.Count("beds_isolation_total");
                var isolationOccupied = r.Count("beds_isolation_occupied");
                var icuTotal = r.Count("beds_icu_total");
                var icuOccupied = r.Count("beds_icu_occupied");
                var severe = r.Count("severe_patients");
                var critical = r.Count("critical_patients");
                var ventilatorsTotal = r.Count("ventilators_total");
                var ventilatorsInUse = r.Count("ventilators_in_use");
                var ecmoTotal = r.Count("ecmo_total");
                var ecmoInUse = r.Count("ecmo_in_use");
                var staff = r.Count("staff_on_duty");
                r.Require(generalOccupied <= generalTotal, "beds_general_occupied exceeds beds_general_total");
                r.Require(isolationOccupied <= isolationTotal, "beds_isolation_occupied exceeds beds_isolation_total");
                r.Require(icuOccupied <= icuTotal, "beds_icu_occupied exceeds beds_icu_total");
                r.Require(ventilatorsInUse <= ventilatorsTotal, "ventilators_in_use exceeds ventilators_total");
                r.Require(ecmoInUse <= ecmoTotal, "ecmo_in_use exceeds ecmo_total");
                r.Require(
                    severe + critical <= generalOccupied + isolationOccupied + icuOccupied,
                    "severe + critical patients exceed the occupied beds"
                );
                return
                [
                    hospital,
                    date,
                    generalTotal,
                    generalOccupied,
                    isolationTotal,
                    isolationOccupied,
                    icuTotal,
                    icuOccupied,
                    severe,
                    critical,
                    ventilatorsTotal,
                    ventilatorsInUse,
                    ecmoTotal,
                    ecmoInUse,
                    staff,
                ];
            },
            r => $"capacity {r.OptionalText("hospital_code")} {r.OptionalText("report_date")}"
        ),
    ];

    private static readonly FeedTable[] Teams =
    [
        new(
            "teams",
            "SELECT code, name, home_city_code, level, available_from, available_to, rest_days, current_site, "
                + "row_version FROM teams WHERE row_version > @watermark ORDER BY row_version",
            Target: "medical_teams",
            Keys: ["code"],
            Values: ["name", "home_city_code", "level", "available_from", "available_to", "rest_days", "current_site"],
            StampsPullRun: true,
            (r, known) =>
            {
                var code = r.Text("code");
                var name = r.Text("name");
                var city = r.Text("home_city_code");
                var level = r.Text("level");
                var from = r.Date("available_from");
                var to = r.Date("available_to");
                var restDays = r.Count("rest_days");
                var site = r.OptionalText("current_site");
                r.Require(known.Cities.Contains(city), $"home_city_code {city} is not a Zhejiang city");
                r.Require(level is "provincial" or "city", $"level '{level}' is not provincial or city");
                r.Require(from <= to, $"available_from {from:yyyy-MM-dd} is after available_to {to:yyyy-MM-dd}");
                r.Require(
                    site is null || known.Sites.Contains(site) || known.Counties.Contains(site),
                    $"current_site {site} is not a known site"
                );
                if (r.Problems.Count == 0)
                    known.Teams.Add(code);
                return [code, name, city, level, from, to, restDays, site];
            },
            r => $"team {r.OptionalText("code")}"
        ),
        new(
            "team_members",
            "SELECT team_code, specialty, members, row_version FROM team_members "
                + "WHERE row_version > @watermark ORDER BY row_version",
            Target: "team_members",
            Keys: ["team_code", "specialty"],
            Values: ["members"],
            StampsPullRun: false,
            (r, known) =>
            {
                var team = r.Text("team_code");
                var specialty = r.Text("specialty");
                r.Require(known.Teams.Contains(team), $"team_code {team} is not a known team");
                r.Require(
                    Specialties.All.Contains(specialty),
                    $"specialty '{specialty}' is not one of {string.Join(", ", Specialties.All)}"
                );
                return [team, specialty, r.Count("members")];
            },
            r => $"team {r.OptionalText("team_code")} {r.OptionalText("specialty")}"
        ),
    ];

    private static readonly FeedTable[] Situation =
    [
        new(
            "case_bulletins",
            "SELECT county_code, report_date, confirmed_cumulative, new_confirmed, under_observation, row_version "
                + "FROM case_bulletins WHERE row_version > @watermark ORDER BY row_version",
            Target: "situation_reports",
            Keys: ["county_code", "report_date"],
            Values: ["confirmed_cumulative", "new_confirmed", "under_observation"],
            StampsPullRun: true,
            (r, known) =>
                [
                    County(r, known),
                    r.Date("report_date"),
                    r.Count("confirmed_cumulative"),
                    r.Count("new_confirmed"),
                    r.Count("under_observation"),
                ],
            r => $"bulletin {r.OptionalText("county_code")} {r.OptionalText("report_date")}"
        ),
        new(
            "risk_map",
            "SELECT county_code, effective_date, risk_level, row_version FROM risk_map "
                + "WHERE row_version > @watermark ORDER BY row_version",
            Target: "county_risk_levels",
            Keys: ["county_code", "effective_date"],
            Values: ["risk_level"],
            StampsPullRun: true,
            (r, known) =>
            {
                var county = County(r, known);
                var date = r.Date("effective_date");
                var level = r.Count("risk_level");
                r.Require(level is >= 1 and <= 5, $"risk_level is {level}; it must be 1 (low) to 5 (high)");
                return [county, date, level];
            },
            r => $"risk {r.OptionalText("county_code")} {r.OptionalText("effective_date")}"
        ),
        new(
            "workforce",
            "SELECT county_code, report_date, employees_on_post, row_version FROM workforce "
                + "WHERE row_version > @watermark ORDER BY row_version",
            Target: "workforce_reports",
            Keys: ["county_code", "report_date"],
            Values: ["employees_on_post"],
            StampsPullRun: true,
            (r, known) => [County(r, known), r.Date("report_date"), r.Count("employees_on_post")],
            r => $"workforce {r.OptionalText("county_code")} {r.OptionalText("report_date")}"
        ),
    ];

    private static string County(SourceRow r, KnownCodes known)
    {
        var code = r.Text("county_code");
        r.Require(known.Counties.TryGetValue(code, out var held), $"county_code {code} is not a Zhejiang county");
        return held ?? code;
    }

    // Both return the known set's own copy of a code, so that the many rows kept until the pull's end share a few
    // strings instead of each holding the one just read (fewer objects for the garbage collector to move).
    private static string Supplier(SourceRow r, KnownCodes known)
    {
        var code = r.Text("enterprise_code");
        r.Require(known.Suppliers.TryGetValue(code, out var held), $"enterprise_code {code} is not a known enterprise");
        return held ?? code;
    }

    private static string Product(SourceRow r, KnownCodes known)
    {
        var code = r.Text("product_code");
        r.Require(known.Products.TryGetValue(code, out var held), $"product_code {code} is not a known product");
        return held ?? code;
    }
}
