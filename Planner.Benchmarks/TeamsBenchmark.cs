using System.Diagnostics;
using System.Globalization;
using System.Text;
using Planner.Solver.Care;

namespace Planner.Benchmarks;

/// <summary>
/// The team-deployment benchmark of issue 4: a seeded synthetic instance (default 300 teams × 60 needs × 8 weeks)
/// solved with CP-SAT at the model's defaults, per worker count: time, status, proven gap.
/// </summary>
public static class TeamsBenchmark
{
    public const string Heading = "## Teams (issue 4)";

    public const string Usage = """
        usage: dotnet run -c Release --project Planner.Benchmarks -- teams [options]
          --teams N        teams (default 300)
          --needs N        needs (default 60: a quarter from Hubei, the rest hospitals' critical and severe needs)
          --weeks N        weekly periods (default 8)
          --seed N         instance seed (default 20200210)
          --limit S        CP-SAT time limit for the whole plan, seconds (default 10, the model's default)
          --workers A,B    worker counts to compare (default 1,2)
          --write FILE     replace (or add) the "## Teams (issue 4)" section of FILE
        """;

    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter log)
    {
        var (teams, needs, weeks, seed, limit, workers, write) = (
            300,
            60,
            8,
            20200210,
            10.0,
            new[] { 1, 2 },
            (string?)null
        );
        new Options(Usage)
            .Int("--teams", v => teams = v)
            .Int("--needs", v => needs = v)
            .Int("--weeks", v => weeks = v)
            .Int("--seed", v => seed = v)
            .Double("--limit", v => limit = v)
            .Text("--workers", v =>
                workers = v.Split(',').Select(w => int.Parse(w, CultureInfo.InvariantCulture)).ToArray()
            )
            .Text("--write", v => write = v)
            .ParseOrThrow(args);
        var build = Stopwatch.StartNew();
        var problem = Instance(teams, needs, weeks, seed);
        build.Stop();
        var rows = workers.Select(w => Measure(problem, w, limit, log)).ToList();
        var md = Section.Start(Heading, "teams", args);
        Describe(md, problem, seed, weeks, build.Elapsed.TotalSeconds);
        md.Append("| workers | seconds | status | weighted coverage | bound | gap | assignments ")
            .Append("| uncovered specialty-weeks | travel km | under 10 s |\n");
        md.Append("|---:|---:|---|---:|---:|---:|---:|---:|---:|---|\n");
        foreach (var r in rows)
            md.Append(r).Append('\n');
        Section.Publish(md.ToString(), Heading, write, output);
        return 0;
    }

    /// <summary>Solves with <paramref name="workers"/> CP-SAT workers; the table row.</summary>
    private static string Measure(TeamProblem problem, int workers, double limit, TextWriter log)
    {
        var settings = new TeamSettings { TimeLimit = TimeSpan.FromSeconds(limit), Workers = workers };
        var watch = Stopwatch.StartNew();
        var plan = TeamDeployment.Solve(problem, settings);
        watch.Stop();
        var seconds = watch.Elapsed.TotalSeconds;
        log.WriteLine(
            FormattableString.Invariant($"teams: {workers} worker(s): {plan.Status} in {seconds:0.00} s, ")
                + FormattableString.Invariant(
                    $"coverage {plan.Coverage} of bound {plan.CoverageBound}, gap {plan.Gap:0.####}"
                )
        );
        return FormattableString.Invariant(
                $"| {workers} | {seconds:0.00} | {plan.Status} | {plan.Coverage:N0} | {plan.CoverageBound:N0} | "
            )
            + string.Create(
                CultureInfo.InvariantCulture,
                $"{plan.Gap:P2} | {plan.Assignments.Count} | {plan.Unmet.Count} | {plan.Travel:N0} | "
                    + $"{Met(seconds < 10)} |"
            );
    }

    private static void Describe(StringBuilder md, TeamProblem problem, int seed, int weeks, double buildSeconds)
    {
        var deployed = problem.Teams.Count(t => t.CurrentSite is not null);
        int Needs(NeedKind kind) => problem.Needs.Count(n => n.Kind == kind);
        md.Append(
            CultureInfo.InvariantCulture,
            $"Synthetic instance (`TeamsBenchmark.Instance`, seed {seed}): {problem.Teams.Count} teams in 11 cities "
                + $"({deployed} already on deployment), "
        );
        md.Append(
            CultureInfo.InvariantCulture,
            $"{problem.Needs.Count} needs ({Needs(NeedKind.Hubei)} Hubei, {Needs(NeedKind.Critical)} critical, "
                + $"{Needs(NeedKind.Severe)} severe), {weeks} weeks; generated in {buildSeconds:0.00} s. "
        );
        md.Append(
            "Settings are the model's defaults (home-city floor 50 %, 8-week longest deployment, teams on deployment "
                + "kept) except the worker count; the time limit covers both phases (coverage, then travel and "
                + "change). "
        );
        md.Append("Gap is (bound − coverage) ÷ bound on the weighted coverage, as CP-SAT proves it.\n\n");
    }

    /// <summary>A seeded instance: teams with 2–4 specialties, windows of 5–8 weeks, some on deployment; Hubei needs
    /// over a few weeks, hospital needs over the horizon.</summary>
    public static TeamProblem Instance(int teamCount, int needCount, int weeks, int seed)
    {
        var random = new Random(seed);
        var cities = Enumerable.Range(1, 11).Select(i => $"33{i:00}00").ToList();
        var places = cities.ToDictionary(
            c => c,
            _ => (X: random.NextDouble() * 300, Y: random.NextDouble() * 300),
            StringComparer.Ordinal
        );
        var sites = new[] { "HB-WUHAN", "HB-JINGMEN", "HB-XIAOGAN" };
        foreach (var s in sites)
            places[s] = (X: -700 - random.NextDouble() * 100, Y: random.NextDouble() * 300);
        string[] Pick(int n) =>
            Specialties.All.OrderBy(_ => random.Next()).Take(n).Order(StringComparer.Ordinal).ToArray();

        var teams = Teams(random, Pick, cities, sites, teamCount, weeks);
        var needs = Needs(random, Pick, cities, sites, needCount, weeks);
        return new TeamProblem
        {
            Weeks = weeks,
            Teams = teams,
            Needs = needs,
            Km = (a, b) =>
                Math.Round(Math.Sqrt(Math.Pow(places[a].X - places[b].X, 2) + Math.Pow(places[a].Y - places[b].Y, 2))),
        };
    }

    /// <summary>Teams with 2–4 specialties, windows of 5–8 weeks, about 15 % on deployment.</summary>
    private static List<MedicalTeam> Teams(
        Random random,
        Func<int, string[]> pick,
        List<string> cities,
        string[] sites,
        int teamCount,
        int weeks
    )
    {
        var teams = new List<MedicalTeam>();
        for (var i = 0; i < teamCount; i++)
        {
            var members = pick(random.Next(2, 5)).ToDictionary(s => s, _ => random.Next(2, 13), StringComparer.Ordinal);
            var from = 7 * random.Next(0, 3);
            var to = Math.Min(7 * weeks, from + 7 * random.Next(5, 9)) - 1;
            var deployed = random.NextDouble() < 0.15;
            teams.Add(
                new MedicalTeam(
                    $"T-{i + 1:000}",
                    cities[random.Next(cities.Count)],
                    deployed ? -7 * random.Next(1, 7) : from,
                    to,
                    14,
                    members,
                    deployed ? sites[random.Next(sites.Length)] : null,
                    deployed ? -7 * random.Next(1, 7) : 0
                )
            );
        }
        return teams;
    }

    /// <summary>A quarter Hubei needs over a few weeks, the rest hospitals' needs over the horizon.</summary>
    private static List<StaffNeed> Needs(
        Random random,
        Func<int, string[]> pick,
        List<string> cities,
        string[] sites,
        int needCount,
        int weeks
    )
    {
        var needs = new List<StaffNeed>();
        for (var i = 0; i < needCount; i++)
        {
            if (i < needCount / 4)
            {
                var site = sites[i % sites.Length];
                var start = 7 * random.Next(0, Math.Max(1, weeks - 2));
                needs.Add(
                    new StaffNeed(
                        $"{site}-{i + 1:00}",
                        site,
                        site,
                        site,
                        NeedKind.Hubei,
                        start,
                        7 * random.Next(2, 7),
                        pick(random.Next(3, 6)).ToDictionary(s => s, _ => random.Next(10, 61), StringComparer.Ordinal)
                    )
                );
            }
            else
            {
                var city = cities[random.Next(cities.Count)];
                var kind = random.NextDouble() < 0.5 ? NeedKind.Critical : NeedKind.Severe;
                needs.Add(
                    new StaffNeed(
                        $"H-{i + 1:000}-{kind.ToString().ToLowerInvariant()}",
                        $"H-{i + 1:000}",
                        city,
                        city,
                        kind,
                        0,
                        7 * weeks,
                        pick(random.Next(1, 4)).ToDictionary(s => s, _ => random.Next(4, 25), StringComparer.Ordinal)
                    )
                );
            }
        }
        return needs;
    }

    private static string Met(bool met) => met ? "yes" : "no";
}
