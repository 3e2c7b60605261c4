namespace Planner.Api.Sources;

/// <summary>The tables of each feed, in the order they are pulled (parents before children).</summary>
internal static class Feeds
{
    public static IReadOnlyList<FeedTable> Tables(Feed feed) => feed switch
    {
        Feed.Production => Production,
        Feed.Hospitals => Hospitals,
        Feed.Teams => Teams,
        _ => throw new ArgumentOutOfRangeException(nameof(feed)),
    };

    private static readonly FeedTable[] Production =
    [
        new("enterprises",
            "SELECT code, name, county_code, kind, row_version FROM enterprises WHERE row_version > @watermark ORDER BY row_version",
            """
            INSERT INTO suppliers (code, name, county_code, kind, pull_run_id) VALUES (@code, @name, @county_code, @kind, @pull_run_id)
            ON CONFLICT (code) DO UPDATE SET name = excluded.name, county_code = excluded.county_code, kind = excluded.kind, pull_run_id = excluded.pull_run_id
            WHERE suppliers.name IS DISTINCT FROM excluded.name OR suppliers.county_code IS DISTINCT FROM excluded.county_code OR suppliers.kind IS DISTINCT FROM excluded.kind
            """,
            (r, known) =>
            {
                var code = r.Text("code");
                var county = r.Text("county_code");
                var kind = r.Text("kind");
                r.Require(known.Counties.Contains(county), $"county_code {county} is not a Zhejiang county");
                r.Require(kind is "factory" or "provincial_reserve" or "city_reserve" or "national_allocation", $"kind '{kind}' is not factory, provincial_reserve, city_reserve or national_allocation");
                if (r.Problems.Count == 0) known.Suppliers.Add(code);
                return new { code, name = r.Text("name"), county_code = county, kind };
            },
            r => $"enterprise {r.OptionalText("code")}"),
        new("enterprise_products",
            "SELECT enterprise_code, product_code, daily_capacity, row_version FROM enterprise_products WHERE row_version > @watermark ORDER BY row_version",
            """
            INSERT INTO supplier_products (supplier_code, product_code, daily_capacity) VALUES (@supplier_code, @product_code, @daily_capacity)
            ON CONFLICT (supplier_code, product_code) DO UPDATE SET daily_capacity = excluded.daily_capacity
            WHERE supplier_products.daily_capacity IS DISTINCT FROM excluded.daily_capacity
            """,
            (r, known) => new { supplier_code = Supplier(r, known), product_code = Product(r, known), daily_capacity = r.Count("daily_capacity") },
            r => $"enterprise {r.OptionalText("enterprise_code")} product {r.OptionalText("product_code")}"),
        new("daily_output",
            "SELECT enterprise_code, product_code, report_date, quantity, row_version FROM daily_output WHERE row_version > @watermark ORDER BY row_version",
            """
            INSERT INTO production_reports (supplier_code, product_code, report_date, output, pull_run_id) VALUES (@supplier_code, @product_code, @report_date, @output, @pull_run_id)
            ON CONFLICT (supplier_code, product_code, report_date) DO UPDATE SET output = excluded.output, pull_run_id = excluded.pull_run_id
            WHERE production_reports.output IS DISTINCT FROM excluded.output
            """,
            (r, known) => new { supplier_code = Supplier(r, known), product_code = Product(r, known), report_date = r.Date("report_date"), output = r.Count("quantity") },
            r => $"output {r.OptionalText("enterprise_code")} {r.OptionalText("product_code")} {r.OptionalText("report_date")}"),
        new("stock_on_hand",
            "SELECT enterprise_code, product_code, as_of, quantity, row_version FROM stock_on_hand WHERE row_version > @watermark ORDER BY row_version",
            """
            INSERT INTO stock_reports (supplier_code, product_code, as_of, quantity, pull_run_id) VALUES (@supplier_code, @product_code, @as_of, @quantity, @pull_run_id)
            ON CONFLICT (supplier_code, product_code, as_of) DO UPDATE SET quantity = excluded.quantity, pull_run_id = excluded.pull_run_id
            WHERE stock_reports.quantity IS DISTINCT FROM excluded.quantity
            """,
            (r, known) => new { supplier_code = Supplier(r, known), product_code = Product(r, known), as_of = r.Date("as_of"), quantity = r.Count("quantity") },
            r => $"stock {r.OptionalText("enterprise_code")} {r.OptionalText("product_code")} {r.OptionalText("as_of")}"),
    ];

    private static readonly FeedTable[] Hospitals =
    [
        new("hospitals",
            "SELECT code, name, county_code, designated, grade, row_version FROM hospitals WHERE row_version > @watermark ORDER BY row_version",
            """
            INSERT INTO hospitals (code, name, county_code, designated, grade, pull_run_id) VALUES (@code, @name, @county_code, @designated, @grade, @pull_run_id)
            ON CONFLICT (code) DO UPDATE SET name = excluded.name, county_code = excluded.county_code, designated = excluded.designated, grade = excluded.grade, pull_run_id = excluded.pull_run_id
            WHERE hospitals.name IS DISTINCT FROM excluded.name OR hospitals.county_code IS DISTINCT FROM excluded.county_code
               OR hospitals.designated IS DISTINCT FROM excluded.designated OR hospitals.grade IS DISTINCT FROM excluded.grade
            """,
            (r, known) =>
            {
                var code = r.Text("code");
                var county = r.Text("county_code");
                var designated = r.Count("designated");
                r.Require(known.Counties.Contains(county), $"county_code {county} is not a Zhejiang county");
                r.Require(designated is 0 or 1, $"designated is {designated}; it must be 0 or 1");
                if (r.Problems.Count == 0) known.Hospitals.Add(code);
                return new { code, name = r.Text("name"), county_code = county, designated, grade = r.Text("grade") };
            },
            r => $"hospital {r.OptionalText("code")}"),
        new("capacity_reports",
            """
            SELECT hospital_code, report_date, beds_general_total, beds_general_occupied, beds_isolation_total, beds_isolation_occupied,
                   beds_icu_total, beds_icu_occupied, severe_patients, critical_patients, ventilators_total, ventilators_in_use,
                   ecmo_total, ecmo_in_use, staff_on_duty, row_version
            FROM capacity_reports WHERE row_version > @watermark ORDER BY row_version
            """,
            """
            INSERT INTO capacity_reports (hospital_code, report_date, beds_general_total, beds_general_occupied, beds_isolation_total, beds_isolation_occupied,
                beds_icu_total, beds_icu_occupied, severe_patients, critical_patients, ventilators_total, ventilators_in_use, ecmo_total, ecmo_in_use, staff_on_duty, pull_run_id)
            VALUES (@hospital_code, @report_date, @beds_general_total, @beds_general_occupied, @beds_isolation_total, @beds_isolation_occupied,
                @beds_icu_total, @beds_icu_occupied, @severe_patients, @critical_patients, @ventilators_total, @ventilators_in_use, @ecmo_total, @ecmo_in_use, @staff_on_duty, @pull_run_id)
            ON CONFLICT (hospital_code, report_date) DO UPDATE SET
                beds_general_total = excluded.beds_general_total, beds_general_occupied = excluded.beds_general_occupied,
                beds_isolation_total = excluded.beds_isolation_total, beds_isolation_occupied = excluded.beds_isolation_occupied,
                beds_icu_total = excluded.beds_icu_total, beds_icu_occupied = excluded.beds_icu_occupied,
                severe_patients = excluded.severe_patients, critical_patients = excluded.critical_patients,
                ventilators_total = excluded.ventilators_total, ventilators_in_use = excluded.ventilators_in_use,
                ecmo_total = excluded.ecmo_total, ecmo_in_use = excluded.ecmo_in_use, staff_on_duty = excluded.staff_on_duty,
                pull_run_id = excluded.pull_run_id
            WHERE (capacity_reports.beds_general_total, capacity_reports.beds_general_occupied, capacity_reports.beds_isolation_total,
                   capacity_reports.beds_isolation_occupied, capacity_reports.beds_icu_total, capacity_reports.beds_icu_occupied,
                   capacity_reports.severe_patients, capacity_reports.critical_patients, capacity_reports.ventilators_total,
                   capacity_reports.ventilators_in_use, capacity_reports.ecmo_total, capacity_reports.ecmo_in_use, capacity_reports.staff_on_duty)
               IS DISTINCT FROM
                  (excluded.beds_general_total, excluded.beds_general_occupied, excluded.beds_isolation_total,
                   excluded.beds_isolation_occupied, excluded.beds_icu_total, excluded.beds_icu_occupied,
                   excluded.severe_patients, excluded.critical_patients, excluded.ventilators_total,
                   excluded.ventilators_in_use, excluded.ecmo_total, excluded.ecmo_in_use, excluded.staff_on_duty)
            """,
            (r, known) =>
            {
                var hospital = r.Text("hospital_code");
                r.Require(known.Hospitals.Contains(hospital), $"hospital_code {hospital} is not a known hospital");
                var report = new
                {
                    hospital_code = hospital,
                    report_date = r.Date("report_date"),
                    beds_general_total = r.Count("beds_general_total"),
                    beds_general_occupied = r.Count("beds_general_occupied"),
                    beds_isolation_total = r.Count("beds_isolation_total"),
                    beds_isolation_occupied = r.Count("beds_isolation_occupied"),
                    beds_icu_total = r.Count("beds_icu_total"),
                    beds_icu_occupied = r.Count("beds_icu_occupied"),
                    severe_patients = r.Count("severe_patients"),
                    critical_patients = r.Count("critical_patients"),
                    ventilators_total = r.Count("ventilators_total"),
                    ventilators_in_use = r.Count("ventilators_in_use"),
                    ecmo_total = r.Count("ecmo_total"),
                    ecmo_in_use = r.Count("ecmo_in_use"),
                    staff_on_duty = r.Count("staff_on_duty"),
                };
                r.Require(report.beds_general_occupied <= report.beds_general_total, "beds_general_occupied exceeds beds_general_total");
                r.Require(report.beds_isolation_occupied <= report.beds_isolation_total, "beds_isolation_occupied exceeds beds_isolation_total");
                r.Require(report.beds_icu_occupied <= report.beds_icu_total, "beds_icu_occupied exceeds beds_icu_total");
                r.Require(report.ventilators_in_use <= report.ventilators_total, "ventilators_in_use exceeds ventilators_total");
                r.Require(report.ecmo_in_use <= report.ecmo_total, "ecmo_in_use exceeds ecmo_total");
                r.Require(report.severe_patients + report.critical_patients <= report.beds_general_occupied + report.beds_isolation_occupied + report.beds_icu_occupied,
                    "severe + critical patients exceed the occupied beds");
                return report;
            },
            r => $"capacity {r.OptionalText("hospital_code")} {r.OptionalText("report_date")}"),
    ];

    private static readonly FeedTable[] Teams =
    [
        new("teams",
            "SELECT code, name, home_city_code, level, available_from, available_to, rest_days, current_site, row_version FROM teams WHERE row_version > @watermark ORDER BY row_version",
            """
            INSERT INTO medical_teams (code, name, home_city_code, level, available_from, available_to, rest_days, current_site, pull_run_id)
            VALUES (@code, @name, @home_city_code, @level, @available_from, @available_to, @rest_days, @current_site, @pull_run_id)
            ON CONFLICT (code) DO UPDATE SET name = excluded.name, home_city_code = excluded.home_city_code, level = excluded.level,
                available_from = excluded.available_from, available_to = excluded.available_to, rest_days = excluded.rest_days,
                current_site = excluded.current_site, pull_run_id = excluded.pull_run_id
            WHERE (medical_teams.name, medical_teams.home_city_code, medical_teams.level, medical_teams.available_from,
                   medical_teams.available_to, medical_teams.rest_days, medical_teams.current_site)
               IS DISTINCT FROM
                  (excluded.name, excluded.home_city_code, excluded.level, excluded.available_from,
                   excluded.available_to, excluded.rest_days, excluded.current_site)
            """,
            (r, known) =>
            {
                var code = r.Text("code");
                var city = r.Text("home_city_code");
                var level = r.Text("level");
                var site = r.OptionalText("current_site");
                var from = r.Date("available_from");
                var to = r.Date("available_to");
                r.Require(known.Cities.Contains(city), $"home_city_code {city} is not a Zhejiang city");
                r.Require(level is "provincial" or "city", $"level '{level}' is not provincial or city");
                r.Require(from <= to, $"available_from {from:yyyy-MM-dd} is after available_to {to:yyyy-MM-dd}");
                r.Require(site is null || known.Sites.Contains(site) || known.Counties.Contains(site), $"current_site {site} is not a known site");
                if (r.Problems.Count == 0) known.Teams.Add(code);
                return new { code, name = r.Text("name"), home_city_code = city, level, available_from = from, available_to = to, rest_days = r.Count("rest_days"), current_site = site };
            },
            r => $"team {r.OptionalText("code")}"),
        new("team_members",
            "SELECT team_code, specialty, members, row_version FROM team_members WHERE row_version > @watermark ORDER BY row_version",
            """
            INSERT INTO team_members (team_code, specialty, members) VALUES (@team_code, @specialty, @members)
            ON CONFLICT (team_code, specialty) DO UPDATE SET members = excluded.members
            WHERE team_members.members IS DISTINCT FROM excluded.members
            """,
            (r, known) =>
            {
                var team = r.Text("team_code");
                var specialty = r.Text("specialty");
                r.Require(known.Teams.Contains(team), $"team_code {team} is not a known team");
                r.Require(specialty is "critical_care" or "respiratory" or "infectious_disease" or "icu_nursing" or "general_nursing" or "infection_control",
                    $"specialty '{specialty}' is not one of critical_care, respiratory, infectious_disease, icu_nursing, general_nursing, infection_control");
                return new { team_code = team, specialty, members = r.Count("members") };
            },
            r => $"team {r.OptionalText("team_code")} {r.OptionalText("specialty")}"),
    ];

    private static string Supplier(SourceRow r, KnownCodes known)
    {
        var code = r.Text("enterprise_code");
        r.Require(known.Suppliers.Contains(code), $"enterprise_code {code} is not a known enterprise");
        return code;
    }

    private static string Product(SourceRow r, KnownCodes known)
    {
        var code = r.Text("product_code");
        r.Require(known.Products.Contains(code), $"product_code {code} is not a known product");
        return code;
    }
}
