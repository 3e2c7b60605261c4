using Planner.Solver.Care;
using static Planner.SampleData.Sampling;

namespace Planner.SampleData;

/// <summary>A medical team of teams.csv with its members per specialty (in the order of Specialties.All).</summary>
internal sealed record Team(
    string Code,
    string Name,
    string HomeCity,
    string Level,
    DateOnly From,
    DateOnly To,
    string Site,
    long[] Members
)
{
    public long Size => Members.Sum();
}

/// <summary>
/// teams.csv and team-members.csv: the 17 batches Zhejiang sent to Hubei, those found in the supply milestones on their
/// real date with their real size, the others synthetic so that the batches add up to the real totals (1,990 people by
/// 19 Feb, 2,018 in 17 batches); then the teams that stayed in Zhejiang.
/// </summary>
internal static class Teams
{
    private const string Wuhan = "HB-WUHAN";
    private const string Jingmen = "HB-JINGMEN";
    private const string Hangzhou = "330100";
    private const int Batches = 17;

    // The batches found with their size, by the start of their item in zhejiang-supply-2020.csv: name, home city,
    // level, the share of doctors (the 5th team's is real: 45 doctors, 125 nurses), and the item of their return.
    private static readonly (
        string Item,
        string Name,
        string Home,
        string Level,
        double Doctors,
        string Back
    )[] Found =
    [
        (
            "Zhejiang 2nd emergency medical team",
            "浙江省第二批援鄂医疗队",
            Hangzhou,
            "provincial",
            0.3,
            "Zhejiang 2nd Wuhan team returned"
        ),
        ("Zhejiang high-level expert group", "李兰娟院士专家组", Hangzhou, "provincial", 1.0, LastReturn),
        (
            "Zhejiang national emergency medical rescue team",
            "国家紧急医学救援队（浙江）",
            Hangzhou,
            "provincial",
            0.35,
            LastReturn
        ),
        (
            "Zhejiang Jingmen team first group",
            "浙江省援荆门医疗队第一批",
            Hangzhou,
            "provincial",
            0.3,
            "Zhejiang Jingmen team returned"
        ),
        ("Zhejiang 5th medical team", "浙江省第五批援鄂医疗队", Hangzhou, "provincial", 45 / 172.0, LastReturn),
        ("Zhejiang 2nd Jingmen team", "台州市援荆门医疗队", "331000", "city", 0.3, "Zhejiang Jingmen team returned"),
    ];

    // The return group after which every team was home (31 Mar): the return of the teams not found individually.
    private const string LastReturn = "medical staff returned to Zhejiang in 5th return group";

    // The batches not found with a size. The 1st and 3rd teams' dates are real (the first dispatch; the 3rd team's
    // arrival), the others synthetic; the last one left after 19 Feb.
    private static readonly (string Name, string Home, string Site, DateOnly? Day, string Item)[] Synthetic =
    [
        ("浙江省首批援鄂医疗队", Hangzhou, Wuhan, null, "start of Zhejiang medical dispatches"),
        ("宁波市援鄂医疗队", "330200", Wuhan, new(2020, 1, 27), ""),
        ("温州市援鄂医疗队", "330300", Wuhan, new(2020, 1, 31), ""),
        ("绍兴市援鄂医疗队", "330600", Wuhan, new(2020, 2, 2), ""),
        ("金华市援鄂医疗队", "330700", Wuhan, new(2020, 2, 7), ""),
        ("浙江省第三批援鄂医疗队（方舱医院）", Hangzhou, Wuhan, null, "Zhejiang 3rd Hubei medical team"),
        ("湖州市援鄂医疗队", "330500", Wuhan, new(2020, 2, 11), ""),
        ("浙江省第四批援鄂医疗队", Hangzhou, Wuhan, new(2020, 2, 14), ""),
        ("嘉兴市援荆门医疗队", "330400", Jingmen, new(2020, 2, 15), ""),
        ("丽水市援鄂医疗队", "331100", Wuhan, new(2020, 2, 17), ""),
        ("衢州市援荆门医疗队", "330800", Jingmen, new(2020, 2, 24), ""),
    ];

    public static List<Team> Build(Random rng, History h, Regions regions, double scale, DateOnly planStart)
    {
        var hubei = HubeiBatches(rng, h);
        var home = HomeTeams(rng, regions, scale, planStart);
        return hubei.Concat(home).Select((t, i) => t with { Code = Code("T-", i + 1, 3) }).ToList();
    }

    private static List<Team> HubeiBatches(Random rng, History h)
    {
        var teams = Found
            .Select(f =>
            {
                var m = h.Milestone(f.Item);
                var site = m.Scope.EndsWith("Jingmen", StringComparison.Ordinal) ? Jingmen : Wuhan;
                var members = Members(rng, (long)m.Value, f.Doctors, site);
                return new Team("", f.Name, f.Home, f.Level, m.Day, h.Milestone(f.Back).Day, site, members);
            })
            .ToList();
        var byFeb19 = (long)h.Milestone("cumulative Zhejiang medical staff sent to Hubei").Value;
        var total = h.Milestone("total Zhejiang medical staff sent to Hubei");
        if (
            !total.Item.Contains($"{Batches} batches", StringComparison.Ordinal)
            || teams.Count + Synthetic.Length != Batches
        )
            throw new InvalidDataException($"The batches to Hubei no longer add up to {Batches}.");
        var cutoff = h.Milestone("cumulative Zhejiang medical staff sent to Hubei").Day;
        var days = Synthetic.Select(s => s.Day ?? h.Milestone(s.Item).Day).ToList();
        var early = Enumerable.Range(0, Synthetic.Length).Where(i => days[i] <= cutoff).ToList();
        var sizes = Split(
            byFeb19 - teams.Where(t => t.From <= cutoff).Sum(t => t.Size),
            early.Select(_ => (long)rng.Next(80, 201)).ToList()
        );
        var late = (long)total.Value - byFeb19 - teams.Where(t => t.From > cutoff).Sum(t => t.Size);
        var back = h.Milestone(LastReturn).Day;
        for (var i = 0; i < Synthetic.Length; i++)
        {
            var s = Synthetic[i];
            var size = early.Contains(i) ? sizes[early.IndexOf(i)] : late;
            var level = s.Home == Hangzhou ? "provincial" : "city";
            teams.Add(new Team("", s.Name, s.Home, level, days[i], back, s.Site, Members(rng, size, 0.28, s.Site)));
        }

        return teams.OrderBy(t => t.From).ThenBy(t => t.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>A team of <paramref name="size"/>: 1-2 infection-control staff, the doctors' share split among critical
    /// care, respiratory and infectious disease, the nurses between ICU and general nursing.</summary>
    private static long[] Members(Random rng, long size, double doctorsShare, string site)
    {
        var control = doctorsShare >= 1 ? 0 : Math.Min(2, size / 50 + 1);
        var doctors = Math.Min(size - control, Round(size * doctorsShare));
        var nurses = size - control - doctors;
        var d = Split(doctors, [rng.Next(3, 6), rng.Next(2, 4), rng.Next(1, 4)]);
        var n = Split(nurses, site == Wuhan ? [3, 2] : [2, 3]);
        return [d[0], d[1], d[2], n[0], n[1], control];
    }

    /// <summary>Teams that stayed in Zhejiang: a quarter provincial (Hangzhou), the rest city teams by population,
    /// available around the plan start.</summary>
    private static List<Team> HomeTeams(Random rng, Regions regions, double scale, DateOnly planStart)
    {
        var total = Math.Max(4, (int)Math.Round(43 * scale));
        var provincial = total / 4;
        var perCity = Split(total - provincial, regions.Cities.Select(c => regions.CityPopulation[c.Code]).ToList());
        var homes = Enumerable
            .Repeat((City: regions.Cities[0], Level: "provincial"), provincial)
            .Concat(regions.Cities.SelectMany((c, i) => Enumerable.Repeat((City: c, Level: "city"), (int)perCity[i])))
            .ToList();
        var seqInCity = new Dictionary<string, int>(StringComparer.Ordinal);
        var result = new List<Team>();
        foreach (var (city, level) in homes)
        {
            var n = seqInCity[city.Code + level] = seqInCity.GetValueOrDefault(city.Code + level) + 1;
            var name = level == "provincial" ? $"浙江省第{n}支高级别医疗队" : $"{city.Name}医疗队{n}";
            var from = planStart.AddDays(rng.Next(-7, 4));
            // Members per specialty, from lo to hi, in the order of Specialties.All.
            int[] lo = level == "provincial" ? [3, 2, 2, 10, 5, 1] : [0, 1, 0, 3, 3, 0];
            int[] hi = level == "provincial" ? [8, 6, 5, 30, 20, 3] : [3, 3, 2, 10, 10, 1];
            var members = lo.Select((l, s) => (long)rng.Next(l, hi[s] + 1)).ToArray();
            result.Add(new Team("", name, city.Code, level, from, new DateOnly(2020, 4, 30), "", members));
        }

        return result;
    }

    public static IEnumerable<string> Rows(List<Team> teams) =>
        teams.Select(t => Row(t.Code, t.Name, t.HomeCity, t.Level, Date(t.From), Date(t.To), 14, t.Site));

    public static IEnumerable<string> MemberRows(List<Team> teams) =>
        teams.SelectMany(t =>
            t.Members.Select((n, s) => (n, s)).Where(m => m.n > 0).Select(m => Row(t.Code, Specialties.All[m.s], m.n))
        );
}
