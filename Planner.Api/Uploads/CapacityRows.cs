namespace Planner.Api.Uploads;

/// <summary>A valid row of a capacity upload: counts by field, staff by specialty, supplies by product, note.</summary>
internal sealed record CapacityReport(
    string Hospital,
    DateOnly Date,
    Dictionary<string, long> Counts,
    Dictionary<string, long> Staff,
    Dictionary<string, (long Days, bool Obtain)> Supplies,
    string? Notes
);

/// <summary>Problems as they are found: the first <c>cap</c> are kept to be listed, all are counted.</summary>
internal sealed class ProblemList(int cap)
{
    private readonly List<UploadError> _listed = [];

    public int Count { get; private set; }

    public IReadOnlyList<UploadError> Listed => _listed;

    public void Add(UploadError error)
    {
        Count++;
        if (_listed.Count < cap)
            _listed.Add(error);
    }
}

/// <summary>
/// The rules of the capacity template, run over the sheet as <see cref="SheetReader"/> streams it. Every rule
/// runs on every cell of every row and every problem is reported in one answer (the first <see cref="Listed"/>
/// listed, the rest counted): a formula is reported and its cached value left unused while the row's other cells
/// are still checked; a rule between fields (ICU beds occupied against ICU beds) runs whenever both fields can be
/// read. Only headers that are not the template's, in its own columns, stop the row checks: the rows cannot then
/// be read by column. Rules: rows without a report date are skipped; a formula is refused (its cached value is
/// not trusted), and so is an error value; text is taken exactly as typed, even when it starts with =, +, - or @;
/// dates are date cells, yyyy-mm-dd text or Excel date serials.
/// </summary>
internal static class CapacityRows
{
    public const int Listed = 1_000;

    /// <summary>
    /// The valid reports of the data sheet, or an <see cref="UploadInvalid"/> with every problem. The template may be
    /// the English or the Chinese one, told by its sheets' names; its headers must then be that language's.
    /// </summary>
    public static List<CapacityReport> Read(
        UploadPackage package,
        IReadOnlyList<CapacityColumn> columns,
        IReadOnlySet<string> hospitals,
        IReadOnlySet<string>? allowed,
        DateOnly today,
        UploadLimits limits
    )
    {
        var layout = new ProblemList(Listed);
        var rows = new ProblemList(Listed);
        var (capacity, chinese, found) = CapacityTemplate.Sheets.Find(package, layout, (name, other) =>
            UploadText.Get("NoSheet", name, other)
        );
        if (!found)
            throw Invalid(layout, rows);

        using var sheet = package.OpenSheet(capacity);
        var template = new Template(capacity, columns, chinese);
        var reports = ReadRows(
            sheet,
            template,
            new RowRules(template, hospitals, allowed, today, limits, rows),
            layout
        );
        SheetLayout.MergedAndHidden(sheet, layout);
        if (layout.Count + rows.Count == 0 && reports.Count == 0)
        {
            rows.Add(
                new UploadError(
                    capacity,
                    null,
                    "D",
                    columns[3].TitleIn(chinese),
                    null,
                    UploadText.Get("NothingReported")
                )
            );
        }
        if (layout.Count + rows.Count > 0)
            throw Invalid(layout, rows);
        return reports;
    }

    /// <summary>The data sheet's name, its columns and whether its headers are the Chinese ones.</summary>
    private sealed record Template(string Sheet, IReadOnlyList<CapacityColumn> Columns, bool Chinese)
    {
        public string Title(int i) => Columns[i].TitleIn(Chinese);

        public TemplateHeader Header { get; } =
            new(
                Sheet,
                Chinese,
                [.. Columns.Select(c => c.TitleIn(Chinese))],
                [.. Columns.Select(c => c.TitleIn(!Chinese))]
            );
    }

    /// <summary>The header, then the reports of the rows under it when it lets them be read by column; hidden rows
    /// holding data are problems.</summary>
    private static List<CapacityReport> ReadRows(
        SheetReader sheet,
        Template template,
        RowRules rules,
        ProblemList layout
    )
    {
        var reports = new List<CapacityReport>();
        bool? readable = null;
        while (sheet.Next() is { } row)
        {
            SheetLayout.HiddenRow(sheet, row, layout);
            readable ??= template.Header.Check(row.Number == 1 ? row : null, layout);
            if (row.Number == 1 || readable == false)
                continue;
            if (rules.Check(row) is { } report)
                reports.Add(report);
        }
        readable ??= template.Header.Check(null, layout);
        return reports;
    }

    private static UploadInvalid Invalid(ProblemList layout, ProblemList rows) =>
        new([.. layout.Listed.Concat(rows.Listed).Take(Listed)], layout.Count + rows.Count);

    /// <summary>What a row gives, as its cells are checked.</summary>
    private sealed class RowValues
    {
        public Dictionary<string, long?> Counts { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, long> Staff { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, long> Days { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, bool> Obtain { get; } = new(StringComparer.Ordinal);

        /// <summary>Products (and "staff", for the specialties) with a cell that could not be read: no rule across
        /// them runs.</summary>
        public HashSet<string> Unreadable { get; } = new(StringComparer.Ordinal);

        public string? Notes { get; set; }
    }

    /// <summary>Every rule of one row; the hospitals and dates seen so far, for duplicates.</summary>
    private sealed class RowRules(
        Template template,
        IReadOnlySet<string> hospitals,
        IReadOnlySet<string>? allowed,
        DateOnly today,
        UploadLimits limits,
        ProblemList problems
    )
    {
        private readonly Dictionary<(string, DateOnly), int> _seen = [];

        private readonly IReadOnlyList<CapacityColumn> columns = template.Columns;

        private readonly Dictionary<string, int> _index = template
            .Columns.Select((c, i) => (c.Field, i))
            .ToDictionary(x => x.Field, x => x.i, StringComparer.Ordinal);

        private readonly string[] _products = template
            .Columns.Select(c => c.Product)
            .OfType<string>()
            .Distinct()
            .ToArray();

        /// <summary>The row being checked, and its cells by column (null where the sheet has none).</summary>
        private SheetRow _row = null!;
        private SheetCell?[] _cells = [];

        public CapacityReport? Check(SheetRow row)
        {
            _row = row;
            _cells = new SheetCell?[columns.Count];
            foreach (var cell in row.Cells.Where(c => c.Column <= columns.Count))
                _cells[cell.Column - 1] = cell;
            var before = problems.Count;
            Formulas();
            if (_cells.All(c => c is null || c.IsEmpty))
                return null;
            if (_cells[3] is not { IsEmpty: false })
                return null; // not reported this time

            var hospital = Hospital();
            var date = Date(3);
            var values = Values();
            BothOrNeither(values);
            AcrossFields(values);
            if (hospital is not null && date is { } day && !_seen.TryAdd((hospital, day), row.Number))
            {
                Error(
                    0,
                    UploadText.Get(
                        "Twice",
                        hospital,
                        day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                        _seen[(hospital, day)],
                        row.Number
                    )
                );
            }
            if (problems.Count > before)
                return null;
            return new CapacityReport(
                hospital!,
                date!.Value,
                values.Counts.ToDictionary(c => c.Key, c => c.Value!.Value, StringComparer.Ordinal),
                values.Staff,
                values.Days.ToDictionary(d => d.Key, d => (d.Value, values.Obtain[d.Key]), StringComparer.Ordinal),
                values.Notes
            );
        }

        /// <summary>A formula is refused wherever it is, in rows reported or not; its cached value is never
        /// used.</summary>
        private void Formulas()
        {
            for (var i = 0; i < _cells.Length; i++)
            {
                if (_cells[i]?.Formula is not { } formula)
                    continue;
                var shown = formula.Length > 0 ? Shorten("=" + formula) : UploadText.Get("SharedFormula");
                Error(i, UploadText.Get("Formula", shown));
            }
        }

        /// <summary>The values of the columns after the report date, each checked.</summary>
        private RowValues Values()
        {
            var values = new RowValues();
            for (var i = 4; i < columns.Count; i++)
            {
                var column = columns[i];
                var problemsBefore = problems.Count;
                switch (column.Kind)
                {
                    case CapacityKind.Count:
                        var n = Count(i);
                        var key = column.Specialty is not null ? "staff" : column.Product;
                        if (key is not null && !Readable(i, problemsBefore))
                            values.Unreadable.Add(key);
                        if (column.Specialty is { } specialty && n is { } people)
                            values.Staff[specialty] = people;
                        else if (column.Product is { } product && n is { } onHand)
                            values.Days[product] = onHand;
                        else if (key is null)
                            values.Counts[column.Field] = n;
                        break;
                    case CapacityKind.YesNo:
                        if (YesNo(i) is { } yes)
                            values.Obtain[column.Product!] = yes;
                        if (!Readable(i, problemsBefore))
                            values.Unreadable.Add(column.Product!);
                        break;
                    case CapacityKind.Notes:
                        values.Notes = Notes(i);
                        break;
                }
            }
            return values;
        }

        /// <summary>A product's days on hand and whether it can be obtained are given together or not at
        /// all.</summary>
        private void BothOrNeither(RowValues values)
        {
            var (days, obtain) = (values.Days, values.Obtain);
            foreach (
                var product in _products.Where(p =>
                    !values.Unreadable.Contains(p) && days.ContainsKey(p) != obtain.ContainsKey(p)
                )
            )
            {
                var list = columns.ToList();
                var daysAt = list.FindIndex(c => c.Product == product && c.Kind == CapacityKind.Count);
                var obtainAt = list.FindIndex(c => c.Product == product && c.Kind == CapacityKind.YesNo);
                Error(
                    days.ContainsKey(product) ? obtainAt : daysAt,
                    UploadText.Get("BothOrNeither", product, template.Title(daysAt), template.Title(obtainAt))
                );
            }
        }

        /// <summary>The rules between fields, each run when the fields it compares could be read.</summary>
        private void AcrossFields(RowValues values)
        {
            var counts = values.Counts;
            Rule(counts, "beds_general_occupied", "beds_general_total", "GeneralExceed");
            Rule(counts, "beds_isolation_occupied", "beds_isolation_total", "IsolationExceed");
            Rule(counts, "beds_icu_occupied", "beds_icu_total", "IcuExceed");
            Rule(counts, "ventilators_in_use", "ventilators_total", "VentilatorsExceed");
            Rule(counts, "ecmo_in_use", "ecmo_total", "EcmoExceed");
            var occupied =
                counts["beds_general_occupied"] + counts["beds_isolation_occupied"] + counts["beds_icu_occupied"];
            if (counts["severe_patients"] + counts["critical_patients"] is { } patients && patients > occupied)
            {
                Error(_index["critical_patients"], UploadText.Get("PatientsExceed", patients, occupied ?? 0));
            }
            var staff = values.Staff;
            if (
                counts["staff_on_duty"] is { } onDuty
                && !values.Unreadable.Contains("staff")
                && staff.Values.Sum() > onDuty
            )
            {
                Error(_index["staff_on_duty"], UploadText.Get("StaffExceed", staff.Values.Sum(), onDuty));
            }
        }

        private bool Readable(int i, int problemsBefore) =>
            problems.Count == problemsBefore && _cells[i]?.Formula is null;

        private void Rule(Dictionary<string, long?> counts, string part, string whole, string message)
        {
            if (counts[part] is { } p && counts[whole] is { } w && p > w)
            {
                Error(_index[part], UploadText.Get(message, p, w));
            }
        }

        private void Error(int i, string message) =>
            problems.Add(
                new UploadError(
                    template.Sheet,
                    _row.Number,
                    SheetReader.ColumnLetters(i + 1),
                    template.Title(i),
                    Shorten(_cells[i]?.Text ?? ""),
                    message
                )
            );

        /// <summary>A cell whose value cannot be used: empty, an error value (reported here) or a formula (reported by
        /// <see cref="Formulas"/>).</summary>
        private bool Unusable(int i, out SheetCell cell, string? emptyMessage)
        {
            cell = _cells[i] ?? new SheetCell(i + 1, CellKind.Empty, "", 0, null);
            if (cell.Formula is not null)
                return true;
            if (cell.Kind == CellKind.Error)
            {
                Error(i, UploadText.Get("ErrorValue", cell.Text));
                return true;
            }
            if (!cell.IsEmpty)
                return false;
            if (emptyMessage is not null)
                Error(i, emptyMessage);
            return true;
        }

        private string? Hospital()
        {
            if (Unusable(0, out var cell, UploadText.Get("NoHospital")))
                return null;
            var code = cell.Text.Trim();
            if (code.Length == 0)
            {
                Error(0, UploadText.Get("NoHospital"));
            }
            else if (!hospitals.Contains(code))
            {
                Error(0, UploadText.Get("UnknownHospital", code));
            }
            else if (allowed is not null && !allowed.Contains(code))
            {
                var own = string.Join(", ", allowed.Order(StringComparer.Ordinal));
                Error(0, UploadText.Get("NotYours", code, own));
            }
            else
            {
                return code;
            }
            return null;
        }

        private long? Count(int i)
        {
            var required = columns[i].Required ? UploadText.Get("EmptyCount") : null;
            if (Unusable(i, out var cell, required))
                return null;
            if (CellValues.Number(cell) is not { } v || v != Math.Floor(v) || double.IsInfinity(v))
            {
                Error(i, UploadText.Get("NotWhole", cell.Text));
                return null;
            }
            if (v < 0 || v > int.MaxValue)
            {
                Error(i, UploadText.Get(v < 0 ? "Negative" : "TooLarge", cell.Text));
                return null;
            }
            return (long)v;
        }

        private bool? YesNo(int i)
        {
            if (Unusable(i, out var cell, null))
                return null;
            if (cell.Kind == CellKind.Boolean)
                return cell.Number == 1;
            switch (cell.Text.Trim().ToUpperInvariant())
            {
                case "YES" or "Y" or "是":
                    return true;
                case "NO" or "N" or "否":
                    return false;
                default:
                    Error(i, UploadText.Get("NotYesNo", cell.Text));
                    return null;
            }
        }

        private string? Notes(int i)
        {
            if (Unusable(i, out var cell, null))
                return null;
            if (cell.Text.Length > limits.MaxNoteLength)
            {
                Error(i, UploadText.Get("LongNote", cell.Text.Length, limits.MaxNoteLength, UploadLimits.Section));
            }
            return cell.Text;
        }

        private DateOnly? Date(int i)
        {
            if (Unusable(i, out var cell, null))
                return null;
            var date = CellValues.Date(cell);
            if (date is null)
            {
                Error(i, UploadText.Get("NotDate", cell.Text));
                return null;
            }
            if (date < new DateOnly(2019, 12, 1) || date > today.AddDays(1))
            {
                Error(
                    i,
                    UploadText.Get("DateRange", today.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))
                );
                return null;
            }
            return date;
        }

        private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";
    }
}
