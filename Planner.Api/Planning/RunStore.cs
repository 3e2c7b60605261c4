using System.Security.Cryptography;
using System.Text.Json;
using Planner.Api.Localization;
using Planner.Api.Sources;
using Planner.Solver.Allocation;
using Planner.Solver.Breakdown;
using Planner.Solver.Care;
using Planner.Solver.Risk;
using ResultTable = (string Table, string[] Columns, System.Collections.Generic.IEnumerable<object?[]> Rows);

namespace Planner.Api.Planning;

/// <summary>A file a run publishes: its kind (province, city-CODE, summary), where it was written, its sha256 and
/// size.</summary>
public sealed record PublishedFile(string Kind, string Path, string Sha256, long Bytes)
{
    /// <summary>The workbook's language (<c>zh-CN</c> or <c>en</c>); none for summary.json.</summary>
    public string? Language { get; init; }
}

/// <summary>How long a run took to read its inputs, to solve and to publish.</summary>
public sealed record RunTimings(double SnapshotSeconds, double SolveSeconds, double PublishSeconds);

/// <summary>
/// The plan runs and their results (<c>plan_runs</c> and the tables beside it): a run is recorded as started with its
/// inputs, then either recorded with its results and files in one transaction, fenced by the job layer's claim
/// (<see cref="IRunFence"/>), or marked failed. Each call opens a connection of its own, so that a database restart
/// during a long solve costs the solve nothing.
/// </summary>
public sealed class RunStore(Database planner, TimeProvider clock)
{
    private const string StartSql = """
        INSERT INTO plan_runs (id, scenario_id, scenario_version, status, policy, solver, plan_start, horizon_days,
                               input_digest, started_at, request_id, attempt, reference_version)
        VALUES (@id, @scenario, @scenarioVersion, 'running', @policy, @solver, @start, @days, @digest, @at, @request,
                @attempt, (SELECT MAX(version) FROM reference_versions))
        ON CONFLICT (id) DO NOTHING
        """;

    /// <summary>The uploads behind the capacity reports a plan reads (each hospital's latest before the plan
    /// starts).</summary>
    private const string UploadsSql = """
        INSERT INTO plan_run_uploads (run_id, upload_id)
        SELECT DISTINCT @run, r.upload_id FROM capacity_reports r
        WHERE r.upload_id IS NOT NULL
          AND r.report_date = (SELECT MAX(r2.report_date) FROM capacity_reports r2
                               WHERE r2.hospital_code = r.hospital_code AND r2.report_date < @start)
        """;

    private const string SucceededSql = """
        UPDATE plan_runs SET status = 'succeeded', solver_status = @status, objective = @objective,
            transfers = @transfers, finished_at = @at,
            snapshot_seconds = @snapshot, solve_seconds = @solve, publish_seconds = @publish, warnings = @warnings
        WHERE id = @id
        """;

    /// <summary>sha256 of the problem and the settings that shape the plan: the same digest means the same
    /// plan.</summary>
    public static string InputDigest(AllocationProblem problem, AllocationSettings solver, string scenario)
    {
        var canonical = JsonSerializer.SerializeToUtf8Bytes(
            new
            {
                problem,
                solver = solver.Solver,
                policy = solver.Policy,
                scenario,
                solver.ChangePenalty,
                solver.MeasureFairnessCost,
                solver.MinimizeTransfers,
            }
        );
        return Convert.ToHexStringLower(SHA256.HashData(canonical));
    }

    /// <summary>
    /// Records the run as started, with its inputs, and returns its id: the start time and the input digest
    /// (<c>yyyyMMdd-HHmmss-digest</c>), then <c>-2</c>, <c>-3</c>… when that is taken. The insert itself decides,
    /// not a check before it: two workers starting identical runs in the same second get one id each.
    /// </summary>
    public async Task<string> StartAsync(
        PlanInputs inputs,
        AllocationSettings solver,
        string digest,
        IReadOnlyList<PullRun> pulls,
        IRunFence? fence,
        CancellationToken ct
    )
    {
        var at = clock.GetUtcNow();
        var stem = $"{at:yyyyMMdd-HHmmss}-{digest[..8]}";
        await using var db = await planner.OpenAsync(ct);
        await using var tx = await db.BeginTransactionAsync(ct);
        var runId = stem;
        var run = new
        {
            scenario = inputs.ScenarioId,
            scenarioVersion = inputs.ScenarioVersion,
            policy = Policies.Name(solver.Policy),
            solver = solver.Solver,
            start = inputs.PlanStart,
            days = inputs.HorizonDays,
            digest,
            at,
            request = fence?.RequestId,
            attempt = fence?.Attempt,
        };
        for (var n = 2; await db.ExecuteAsync(StartSql, WithId(run, runId), tx) == 0; n++)
        {
            runId = $"{stem}-{n}";
        }
        await db.ExecuteAsync(
            "INSERT INTO plan_run_inputs (run_id, pull_run_id) VALUES (@run, @pull)",
            pulls.Select(p => new { run = runId, pull = p.Id }),
            tx
        );
        await db.ExecuteAsync(UploadsSql, new { run = runId, start = inputs.PlanStart }, tx);
        await tx.CommitAsync(ct);
        return runId;
    }

    private static DynamicParameters WithId(object values, string id)
    {
        var parameters = new DynamicParameters(values);
        parameters.Add("id", id);
        return parameters;
    }

    /// <summary>Results, the published files and the run's end state, in one transaction that the fence may
    /// refuse.</summary>
    public async Task RecordAsync(
        string runId,
        PlanRunInfo info,
        AllocationResult result,
        PlanReport report,
        CareOutcome care,
        IReadOnlyList<PublishedFile> files,
        RunTimings timings,
        IReadOnlyList<string> warnings,
        IRunFence? fence,
        CancellationToken ct
    )
    {
        await using var db = await planner.OpenAsync(ct);
        await using var tx = await db.BeginTransactionAsync(ct);
        if (fence is not null)
            await fence.HoldAsync(db, tx, runId, clock.GetUtcNow());
        await ResultsAsync(db, tx, runId, result, report, care, ct);
        foreach (var file in files)
        {
            await db.ExecuteAsync(
                """
                INSERT INTO published_workbooks
                    (id, run_id, kind, language, file_name, sha256, bytes, created_at, content)
                VALUES (@id, @run, @kind, @language, @file, @sha, @bytes, @at, @content)
                """,
                new
                {
                    id = Guid.NewGuid().ToString("N"),
                    run = runId,
                    kind = file.Kind,
                    language = file.Language,
                    file = Path.GetFileName(file.Path),
                    sha = file.Sha256,
                    bytes = file.Bytes,
                    at = clock.GetUtcNow(),
                    content = await File.ReadAllBytesAsync(file.Path, ct),
                },
                tx
            );
        }
        await db.ExecuteAsync(
            SucceededSql,
            new
            {
                id = runId,
                status = info.SolverStatus,
                objective = info.Objective,
                transfers = info.Transfers,
                at = clock.GetUtcNow(),
                snapshot = Math.Round(timings.SnapshotSeconds, 3),
                solve = Math.Round(timings.SolveSeconds, 3),
                publish = Math.Round(timings.PublishSeconds, 3),
                warnings = warnings.Count == 0 ? null : string.Join("\n", warnings),
            },
            tx
        );
        await tx.CommitAsync(ct);
    }

    private async Task ResultsAsync(
        DbConnection db,
        DbTransaction tx,
        string runId,
        AllocationResult result,
        PlanReport report,
        CareOutcome care,
        CancellationToken ct
    )
    {
        var tables = AllocationTables(runId, result, report.Gaps)
            .Append(Consignees(runId, report.Consignees))
            .Concat(CareTables(runId, care))
            .Concat(report.Risk is { } risk ? RiskTables(runId, risk) : []);
        foreach (var (table, columns, rows) in tables)
            await planner.BulkInsertAsync(db, tx, table, columns, rows, ct);
        if (report.Risk is { } measured)
            await db.ExecuteAsync(
                "UPDATE plan_runs SET stockout_target = @target, risk_paths = @paths WHERE id = @runId",
                new
                {
                    runId,
                    target = measured.Target,
                    paths = measured.Paths,
                },
                tx
            );
    }

    /// <summary>The plan's risk (<see cref="PlanReport.Risk"/>): per destination, product and tier, and per product
    /// and tier over all destinations.</summary>
    private static ResultTable[] RiskTables(string runId, RiskReport risk) =>
        [RiskDestinations(runId, risk.Destinations), RiskTiers(runId, risk.Tiers)];

    private static ResultTable RiskDestinations(string runId, IReadOnlyList<DestinationRisk> lines) =>
        (
            "plan_risk",
            [
                "run_id",
                "destination_code",
                "product_code",
                "tier",
                "expected_need",
                "positioned",
                "buffer",
                "unpositioned",
                "stockout_probability",
                "standard_error",
                "expected_shortfall",
                "p95_shortfall",
            ],
            lines.Select(d =>
                new object?[]
                {
                    runId,
                    d.Destination,
                    d.Product,
                    d.Tier,
                    d.ExpectedNeed,
                    d.Positioned,
                    d.Buffer,
                    d.Unpositioned,
                    d.StockoutProbability,
                    d.StandardError,
                    d.ExpectedShortfall,
                    d.P95Shortfall,
                }
            )
        );

    private static ResultTable RiskTiers(string runId, IReadOnlyList<TierRisk> tiers) =>
        (
            "plan_risk_tiers",
            ["run_id", "product_code", "tier", "expected_shortfall", "p95_shortfall", "expected_need", "expected_fill"],
            tiers.Select(t =>
                new object?[]
                {
                    runId,
                    t.Product,
                    t.Tier,
                    t.ExpectedShortfall,
                    t.P95Shortfall,
                    t.ExpectedNeed,
                    t.ExpectedFill,
                }
            )
        );

    /// <summary>Who receives what each county is served (<see cref="PlanReport.Consignees"/>).</summary>
    private static ResultTable Consignees(string runId, IReadOnlyList<ConsigneeLine> lines) =>
        (
            "plan_consignees",
            ["run_id", "county_code", "kind", "hospital_code", "product_code", "segment", "quantity"],
            lines.Select(l =>
                new object?[]
                {
                    runId,
                    l.County,
                    l.Kind.ToString().ToLowerInvariant(),
                    l.Hospital,
                    l.Product,
                    l.Segment,
                    l.Quantity,
                }
            )
        );

    /// <summary>The allocation plan's rows: what each destination was given, the shipments and the gap
    /// list.</summary>
    private static ResultTable[] AllocationTables(string runId, AllocationResult result, IReadOnlyList<Gap> gaps) =>
        [
            (
                "plan_gaps",
                [
                    "run_id",
                    "destination_code",
                    "product_code",
                    "day",
                    "tier",
                    "unmet",
                    "reason",
                    "closable",
                    "depot_code",
                    "supply_by",
                ],
                gaps.Select(g =>
                    new object?[]
                    {
                        runId,
                        g.Destination,
                        g.Product,
                        g.Day,
                        g.Tier,
                        g.Unmet,
                        ShortfallReasons.Code(g.Reason),
                        g.Closable,
                        g.Depot,
                        g.SupplyBy,
                    }
                )
            ),
            (
                "plan_allocations",
                ["run_id", "destination_code", "product_code", "day", "tier", "demand", "served", "reason"],
                result.Allocations.Select(a =>
                    new object?[]
                    {
                        runId,
                        a.Destination,
                        a.Product,
                        a.Day,
                        a.Tier,
                        a.Demand,
                        a.Served,
                        a.Reason is { } r ? ShortfallReasons.Code(r) : null,
                    }
                )
            ),
            (
                "plan_shipments",
                ["run_id", "from_code", "to_code", "product_code", "day", "arrival_day", "quantity"],
                result.Shipments.Select(s =>
                    new object?[] { runId, s.From, s.To, s.Product, s.Day, s.ArrivalDay, s.Quantity }
                )
            ),
        ];

    /// <summary>The care plan's rows: team assignments, needs left uncovered, and patient transfers.</summary>
    private static ResultTable[] CareTables(string runId, CareOutcome care) =>
        [
            (
                "plan_team_assignments",
                ["run_id", "team_code", "need_code", "site_code", "from_day", "to_day", "specialties"],
                care.Teams.Assignments.Select(a =>
                    new object?[] { runId, a.Team, a.Need, a.Site, a.FromDay, a.ToDay, string.Join(" ", a.Specialties) }
                )
            ),
            (
                "plan_unmet_needs",
                ["run_id", "need_code", "site_code", "kind", "specialty", "week", "required", "covered", "reason"],
                care.Teams.Unmet.Select(u =>
                    new object?[]
                    {
                        runId,
                        u.Need,
                        u.Site,
                        u.Kind.ToString(),
                        u.Specialty,
                        u.Week,
                        u.Required,
                        u.Covered,
                        u.Reason.ToString(),
                    }
                )
            ),
            (
                "plan_patient_transfers",
                ["run_id", "from_hospital", "to_hospital", "patients", "km"],
                care.Transfers.Transfers.Select(t => new object?[] { runId, t.From, t.To, t.Patients, t.Km })
            ),
        ];

    /// <summary>Marks a started run failed (or cancelled); if the database itself is away, the next claim marks it
    /// abandoned.</summary>
    public async Task FailAsync(string runId, string error)
    {
        try
        {
            await using var db = await planner.OpenAsync();
            await db.ExecuteAsync(
                "UPDATE plan_runs SET status = 'failed', finished_at = @at, error = @error "
                    + "WHERE id = @id AND status = 'running'",
                new
                {
                    id = runId,
                    at = clock.GetUtcNow(),
                    error,
                }
            );
        }
        catch (Exception e) when ((e is DbException or PlannerException) && Database.IsConnectionLost(e))
        {
            Database.ForgetBrokenConnections(e);
        }
    }

    /// <summary>The earlier run's shipments, moved onto this plan's days (those before its first day are
    /// dropped).</summary>
    public async Task<PreviousPlan> PreviousPlanAsync(string runId, PlanSnapshot snapshot, int dispatchedThroughDay)
    {
        await using var db = await planner.OpenAsync();
        var offset = await DaysSinceAsync(db, runId, snapshot);
        var lanes = snapshot.Problem.Lanes.ToDictionary(l => (l.From, l.To));
        var rows = await db.QueryAsync<ShipmentRow>(
            "SELECT from_code, to_code, product_code, day, quantity FROM plan_shipments WHERE run_id = @runId",
            new { runId }
        );
        var shipments = rows.Where(r => r.Day - offset >= 0 && lanes.ContainsKey((r.FromCode, r.ToCode)))
            .Select(r => new Shipment(
                r.FromCode,
                r.ToCode,
                r.ProductCode,
                r.Day - offset,
                r.Day - offset + lanes[(r.FromCode, r.ToCode)].LeadDays,
                r.Quantity
            ))
            .OrderBy(s => s.Day)
            .ThenBy(s => s.From, StringComparer.Ordinal)
            .ThenBy(s => s.To, StringComparer.Ordinal)
            .ThenBy(s => s.Product, StringComparer.Ordinal)
            .ToList();
        return new PreviousPlan(shipments, dispatchedThroughDay);
    }

    /// <summary>The earlier run's team assignments, moved onto this plan's days.</summary>
    public async Task<IReadOnlyList<TeamAssignment>> PreviousTeamsAsync(string runId, PlanSnapshot snapshot)
    {
        await using var db = await planner.OpenAsync();
        var offset = await DaysSinceAsync(db, runId, snapshot);
        var rows = await db.QueryAsync<AssignmentRow>(
            """
            SELECT team_code, need_code, site_code, from_day, to_day, specialties FROM plan_team_assignments
            WHERE run_id = @runId ORDER BY team_code, from_day
            """,
            new { runId }
        );
        return rows.Where(r => r.ToDay - offset > 0)
            .Select(r => new TeamAssignment(
                r.TeamCode,
                r.NeedCode,
                r.SiteCode,
                Math.Max(0, r.FromDay - offset),
                r.ToDay - offset,
                r.Specialties.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            ))
            .ToList();
    }

    /// <summary>Days from the earlier run's first day to this plan's: its day d is this plan's day d −
    /// offset.</summary>
    private static async Task<int> DaysSinceAsync(DbConnection db, string runId, PlanSnapshot snapshot)
    {
        var start = await db.QuerySingleOrDefaultAsync<DateOnly?>(
            "SELECT plan_start FROM plan_runs WHERE id = @runId AND status = 'succeeded'",
            new { runId }
        ) ?? throw new PlannerException(Messages.Get("NoSucceededRun", runId));
        return snapshot.PlanStart.DayNumber - start.DayNumber;
    }

    private sealed class AssignmentRow
    {
        public string TeamCode { get; set; } = "";
        public string NeedCode { get; set; } = "";
        public string SiteCode { get; set; } = "";
        public int FromDay { get; set; }
        public int ToDay { get; set; }
        public string Specialties { get; set; } = "";
    }

    private sealed class ShipmentRow
    {
        public string FromCode { get; set; } = "";
        public string ToCode { get; set; } = "";
        public string ProductCode { get; set; } = "";
        public int Day { get; set; }
        public double Quantity { get; set; }
    }
}
