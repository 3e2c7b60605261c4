using ClosedXML.Excel;
using Planner.Api.Localization;
using Planner.Api.Planning;
using Planner.Solver.Allocation;

namespace Planner.Api.Workbooks;

/// <summary>
/// The habits every published sheet shares: a styled header row, lists as Excel tables, number and date formats,
/// explicit column widths (<c>AdjustToContents</c> needs GDI+ and throws on Linux with ClosedXML 0.95.4), colour
/// scales on fill rates, and the print set-up (landscape, fit to width, header row repeated, run id and page
/// number in the footer). Codes are always written as text.
/// </summary>
internal static class Sheet
{
    public const string Count = "#,##0";
    public const string Percent = "0.0%";
    public const string DateFormat = "yyyy-mm-dd";
    public const string Days = "0";

    private static readonly XLColor HeaderFill = XLColor.FromHtml("#1F4E79");
    internal static readonly XLColor SubtotalFill = XLColor.FromHtml("#DDEBF7");

    /// <summary>A bold white-on-blue header row.</summary>
    public static void Header(IXLWorksheet ws, int row, IReadOnlyList<string> titles)
    {
        for (var i = 0; i < titles.Count; i++)
        {
            var cell = ws.Cell(row, i + 1);
            // An empty title leaves the cell blank, so the title before it may run on over it.
            if (titles[i].Length > 0)
                cell.SetValue(titles[i]);
            cell.Style.Font.Bold = true;
            cell.Style.Font.FontColor = XLColor.White;
            cell.Style.Fill.BackgroundColor = HeaderFill;
            cell.Style.Alignment.WrapText = true;
        }
    }

    /// <summary>
    /// Text exactly as given: a code such as 330102001001 or 00123 stays text (never a number in scientific
    /// notation), and text starting with =, +, - or @ is not a formula.
    /// </summary>
    public static IXLCell Text(IXLCell cell, string? value)
    {
        cell.SetValue(value ?? "");
        cell.DataType = XLDataType.Text;
        return cell;
    }

    public static IXLCell Number(IXLCell cell, double value, string format = Count)
    {
        cell.SetValue(value);
        cell.Style.NumberFormat.Format = format;
        return cell;
    }

    /// <summary>A date as people read it in text: <c>yyyy-MM-dd</c>.</summary>
    public static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static IXLCell Date(IXLCell cell, PlanRunInfo run, int day)
    {
        cell.SetValue(run.PlanStart.AddDays(day).ToDateTime(TimeOnly.MinValue));
        cell.Style.DateFormat.Format = DateFormat;
        return cell;
    }

    /// <summary>The format of a quantity written in 万 (<see cref="Headline"/>).</summary>
    public const string Wan = "#,##0.0\"万\"";

    /// <summary>
    /// A quantity in the Summary's headline figures: for Chinese readers from 100,000 up in 万 (ten thousands, one
    /// decimal), as officials write them, with thousands separators otherwise. The cell holds the figure in 万: Excel's
    /// scaling trick (<c>0!.0,"万"</c>) prints as 134!.8万 in LibreOffice.
    /// </summary>
    public static IXLCell Headline(IXLCell cell, double value) =>
        Texts.Chinese && Math.Abs(value) >= 100_000
            ? Number(cell, Math.Round(value / 10_000, 1), Wan)
            : Number(cell, value);

    /// <summary>The text of <paramref name="key"/> in the current language (<c>WorkbookText.*.resx</c>).</summary>
    public static string T(string key) => WorkbookText.Localizer[key];

    /// <summary>The text of <paramref name="key"/> with its placeholders filled.</summary>
    public static string T(string key, params object[] values) => WorkbookText.Localizer[key, values];

    /// <summary>A tier's name in the current language.</summary>
    public static string TierName(TierInfo tier) => Texts.Chinese ? tier.Name : tier.NameEn;

    /// <summary>A product's name in the current language.</summary>
    public static string ProductName(ProductInfo product) => Texts.Chinese ? product.Name : product.NameEn;

    /// <summary>The name of the product with code <paramref name="code"/>.</summary>
    public static string ProductName(PlanSnapshot snapshot, string code) =>
        snapshot.Products.FirstOrDefault(p => p.Code == code) is { } p ? ProductName(p) : code;

    /// <summary>A product's counting unit: 只, 件, 副, 双 in Chinese.</summary>
    public static string Unit(ProductInfo product) =>
        Texts.Chinese && product.UnitZh.Length > 0 ? product.UnitZh : product.Unit;

    /// <summary>The header of a column of a product's units: its code in English, its name and unit in Chinese
    /// (医用防护口罩（只）).</summary>
    public static string ProductColumn(ProductInfo product) =>
        Texts.Chinese ? $"{product.Name}（{Unit(product)}）" : product.Code;

    /// <summary>Why a need went short, in a sentence.</summary>
    public static string Reason(ShortfallReason reason) => T("Reason." + ShortfallReasons.Code(reason));

    /// <summary>The titles of the columns <see cref="Totals"/> writes.</summary>
    public static string[] TotalsTitles => [T("Demand"), T("Served"), T("Shortfall"), T("FillRate")];

    /// <summary>Demand, served, shortfall and fill rate in four cells from <paramref name="column"/>.</summary>
    public static void Totals(IXLWorksheet ws, int row, int column, Totals totals, bool headline = false)
    {
        Func<IXLCell, double, IXLCell> write = headline ? Headline : (cell, value) => Number(cell, value);
        write(ws.Cell(row, column), totals.Demand);
        write(ws.Cell(row, column + 1), totals.Served);
        write(ws.Cell(row, column + 2), totals.Shortfall);
        Number(ws.Cell(row, column + 3), totals.FillRate, Percent);
    }

    /// <summary>
    /// The rows from <paramref name="headerRow"/> (the header) to <paramref name="lastRow"/> as an Excel table
    /// named <paramref name="name"/> (with a filter); an empty list keeps one blank row, as Excel requires.
    /// </summary>
    public static IXLTable List(IXLWorksheet ws, string name, int headerRow, int lastRow, int lastColumn) =>
        ws.Range(headerRow, 1, Math.Max(lastRow, headerRow + 1), lastColumn).CreateTable(name);

    /// <summary>Red (0 %) through yellow to green (100 %) on fill rates, so the worst-served stand out in print
    /// too.</summary>
    public static void FillRateScale(IXLRange range) =>
        range
            .AddConditionalFormat()
            .ColorScale()
            .Minimum(XLCFContentType.Number, "0", XLColor.FromHtml("#F8696B"))
            .Midpoint(XLCFContentType.Number, "0.5", XLColor.FromHtml("#FFEB84"))
            .Maximum(XLCFContentType.Number, "1", XLColor.FromHtml("#63BE7B"));

    /// <summary>A subtotal row: bold on a light fill.</summary>
    public static void Subtotal(IXLRange row)
    {
        row.Style.Font.Bold = true;
        row.Style.Fill.BackgroundColor = SubtotalFill;
    }

    public static void Widths(IXLWorksheet ws, params double[] widths)
    {
        for (var i = 0; i < widths.Length; i++)
        {
            ws.Column(i + 1).Width = widths[i];
        }
    }

    /// <summary>Frozen header row(s) and the print set-up: landscape, fit to one page wide, header rows repeated, run
    /// id and page in the footer.</summary>
    public static void Finish(
        IXLWorksheet ws,
        PlanRunInfo run,
        int headerRows = 1,
        string? area = null,
        bool onePage = false
    )
    {
        if (headerRows > 0)
        {
            ws.SheetView.FreezeRows(headerRows);
            ws.PageSetup.SetRowsToRepeatAtTop(1, headerRows);
        }
        ws.PageSetup.PageOrientation = XLPageOrientation.Landscape;
        ws.PageSetup.PaperSize = XLPaperSize.A4Paper;
        ws.PageSetup.FitToPages(1, onePage ? 1 : 0);
        if (area is not null)
            ws.PageSetup.PrintAreas.Add(area);
        ws.PageSetup.Footer.Left.AddText(T("Footer.Run", run.RunId));
        ws.PageSetup.Footer.Center.AddText(T("Footer.Page", ws.Name));
        ws.PageSetup.Footer.Right.AddText(T("Footer.PlanStart", Day(run.PlanStart)));
    }
}
