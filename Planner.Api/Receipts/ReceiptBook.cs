using Microsoft.Data.Sqlite;
using Npgsql;
using Planner.Api.Localization;

namespace Planner.Api.Receipts;

/// <summary>A batch with problems: every one found (see <see cref="ReceiptRules"/>); nothing was written.</summary>
public sealed class ReceiptsRefused(IReadOnlyList<ReceiptProblem> problems)
    : PlannerException(
        ReceiptText.Get(problems.Count == 1 ? "RefusedOne" : "RefusedMany", problems.Count, problems[0].Message)
    )
{
    public IReadOnlyList<ReceiptProblem> Problems { get; } = problems;
}

/// <summary>There is no run of that id that succeeded (so no lines to confirm).</summary>
public sealed class NoSuchRun(string run) : PlannerException(ReceiptText.Get("NoRun", run));

/// <summary>
/// Records batches of receipts: all of a batch or none of it, checked by <see cref="ReceiptRules"/> against the
/// run's lines and the receipts held, and written in the same transaction. Two batches confirming one line at
/// once: the second meets the table's key, and is checked again to name the line.
/// </summary>
public sealed class ReceiptBook(Database planner, TimeProvider clock)
{
    private static readonly string[] Columns =
    [
        "run_id",
        "from_code",
        "to_code",
        "product_code",
        "day",
        "received",
        "shortage",
        "damaged",
        "received_on",
        "note",
        "source",
        "recorded_by",
        "recorded_at",
    ];

    /// <summary>Where an item of a request is (its path in the JSON body), for messages that point at another
    /// item.</summary>
    public static string ItemPlace(int item) => FormattableString.Invariant($"receipts[{item}]");

    /// <summary>
    /// Records <paramref name="inputs"/> for the lines of <paramref name="run"/> into <paramref name="city"/> (any
    /// line when null) as <paramref name="user"/>; returns how many were written, or throws
    /// <see cref="ReceiptsRefused"/> (nothing written) or <see cref="NoSuchRun"/>. <paramref name="found"/>: problems
    /// the caller found reading the inputs (a cell or a value that could not be read); with any, nothing is written
    /// and they come first in the refusal, before the rules' own.
    /// </summary>
    public async Task<int> RecordAsync(
        string run,
        string? city,
        IReadOnlyList<ReceiptInput> inputs,
        (string Source, string User, int MaxNoteLength) by,
        Func<int, string> place,
        IReadOnlyList<ReceiptProblem> found,
        CancellationToken ct = default
    )
    {
        await using var db = await planner.OpenAsync(ct);
        for (var attempt = 1; ; attempt++)
        {
            await using var tx = await db.BeginTransactionAsync(ct);
            List<Receipt> receipts;
            try
            {
                receipts = await CheckAsync(db, tx, run, city, inputs, by.MaxNoteLength, place);
            }
            catch (ReceiptsRefused e) when (found.Count > 0)
            {
                throw new ReceiptsRefused([.. found, .. e.Problems]);
            }
            if (found.Count > 0)
                throw new ReceiptsRefused(found);
            var (source, user) = (by.Source, by.User);
            try
            {
                await WriteAsync(db, tx, run, receipts, source, user, ct);
                await tx.CommitAsync(ct);
                return receipts.Count;
            }
            catch (DbException e) when (attempt == 1 && IsDuplicate(e))
            {
                // Another batch confirmed one of these lines since they were checked: check again, naming it.
                await tx.RollbackAsync(ct);
            }
        }
    }

    /// <summary>The receipts of the batch, or <see cref="ReceiptsRefused"/> with every problem.</summary>
    public async Task<List<Receipt>> CheckAsync(
        DbConnection db,
        DbTransaction? tx,
        string run,
        string? city,
        IReadOnlyList<ReceiptInput> inputs,
        int maxNoteLength,
        Func<int, string> place
    )
    {
        var start = await ShipmentLines.PlanStartAsync(db, run, tx) ?? throw new NoSuchRun(run);
        var lines = await ShipmentLines.LinesAsync(db, run, null, tx);
        var mine = city is null
            ? lines.Select(l => l.Key).ToHashSet()
            : (await ShipmentLines.LinesAsync(db, run, city, tx)).Select(l => l.Key).ToHashSet();
        var stored = await ShipmentLines.ReceiptsAsync(db, run, null, tx);
        var rules = new ReceiptRules(lines, mine, stored, BeijingTime.Today(clock), maxNoteLength, place);
        if (inputs.Count == 0)
            throw new ReceiptsRefused([new ReceiptProblem(0, ReceiptField.Line, null, ReceiptText.Get("Nothing"))]);
        var receipts = rules.Check(inputs);
        if (rules.Problems.Count > 0)
            throw new ReceiptsRefused(rules.Problems);
        return receipts;
    }

    private async Task WriteAsync(
        DbConnection db,
        DbTransaction tx,
        string run,
        List<Receipt> receipts,
        string source,
        string user,
        CancellationToken ct
    )
    {
        var now = clock.GetUtcNow();
        await planner.BulkInsertAsync(
            db,
            tx,
            "shipment_receipts",
            Columns,
            receipts.Select(r =>
                (object?[])
                    [
                        run,
                        r.Key.From,
                        r.Key.To,
                        r.Key.Product,
                        r.Day,
                        r.Received,
                        r.Shortage,
                        r.Damaged,
                        r.ReceivedOn,
                        r.Note,
                        source,
                        user,
                        now,
                    ]
            ),
            ct
        );
    }

    private static bool IsDuplicate(DbException e) =>
        e is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation }
        || e is SqliteException { SqliteErrorCode: 19 }; // SQLITE_CONSTRAINT: the key, as the rules passed
}
