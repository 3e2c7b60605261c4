using System.Text.RegularExpressions;
using ClosedXML.Excel;
using DocumentFormat.OpenXml.Packaging;
using Planner.Api.Localization;
using Planner.Api.Maps;
using SkiaSharp;
using Xdr = DocumentFormat.OpenXml.Drawing.Spreadsheet;

namespace Planner.Tests.Workbooks;

/// <summary>One plan of the Zhejiang sample, published once for the whole class: the province and city workbooks as
/// files.</summary>
public sealed class PublishedPlan : IAsyncLifetime
{
    public static readonly DateTimeOffset Noon = new(2020, 2, 10, 4, 0, 0, TimeSpan.Zero);

    private TestDatabase? _db;

    public PlanOutcome Outcome { get; private set; } = null!;

    public string Directory => _db!.Directory;

    public async ValueTask InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        Outcome = await Publish(_db, Path.Combine(_db.Directory, "out"));
    }

    /// <summary>The daily plan at a fixed clock, so that two databases give the same run and pull ids.</summary>
    public static Task<PlanOutcome> Publish(TestDatabase db, string output) =>
        TestPlanner.Node(db).At(new FixedClock(Noon)).RunAsync(new PlanRequest(output), ct: Ct);

    public async ValueTask DisposeAsync()
    {
        if (_db is not null)
            await _db.DisposeAsync();
    }
}

/// <summary>
/// The published workbooks read back as a logistics officer's Excel would read them: their structure (golden list
/// of sheets, tables and headers), their numbers against the plan at every level from province to village, and
/// the habits (text codes, outline, print set-up, conditional formats) that make them usable.
/// </summary>
public class PublishedWorkbookTests(PublishedPlan plan) : IClassFixture<PublishedPlan>
{
    private static readonly string[] ProvinceSheets =
    [
        "Today's dispatch",
        "Dispatch notes",
        "Dispatch by day",
        "Deliveries",
        "Summary",
        "Cities",
        "Counties",
        "Towns",
        "Shipments",
        "Daily",
        "Hubei",
        "Teams",
        "Transfers",
        "Shortfalls",
        "Gaps",
        "Risk",
        "Inputs",
        "Forecast",
    ];
    private static readonly string[] ConsigneeTables = ["Hospitals", "Enterprises"];
    private static readonly string[] CitySheets =
    [
        "Today's dispatch",
        "Dispatch notes",
        "Dispatch by day",
        "Deliveries",
        "Summary",
        "Counties",
        "Towns",
        "Villages",
        "Towns by day",
        "Villages by day",
        "Hospitals",
        "Enterprises",
        "Inbound",
        "Outbound",
        "Shortfalls",
        "Gaps",
        "Risk",
        "Forecast",
    ];

    /// <summary>The province workbook's tables, as sheet!table in order.</summary>
    private static readonly string[] ProvinceTables =
    [
        "Cities!Cities",
        "Daily!Daily",
        "Deliveries!Deliveries",
        "Dispatch by day!LaterDispatch",
        "Forecast!Forecast",
        "Gaps!Gaps",
        "Hubei!HubeiSupplies",
        "Hubei!HubeiTeams",
        "Inputs!DemandBySegment",
        "Inputs!RunSettings",
        "Inputs!Supply",
        "Risk!DepotCover",
        "Risk!Risk",
        "Shipments!Shipments",
        "Shortfalls!Shortfalls",
        "Summary!SummaryByProduct",
        "Summary!SummaryRisk",
        "Teams!TeamAssignments",
        "Teams!UnmetNeeds",
        "Today's dispatch!TodayDispatch",
        "Towns!Towns",
        "Transfers!PatientTransfers",
        "Transfers!Unplaced",
    ];

    /// <summary>The dispatch list's columns.</summary>
    private static readonly string[] ShipmentsFields =
    [
        "From",
        "From name",
        "To",
        "To name",
        "Lane",
        "Lead days",
        "Product",
        "Ship date",
        "Arrival date",
        "Quantity",
    ];

    /// <summary>The grouped Counties list's headers, one shortfall column per tier.</summary>
    private static readonly string[] CountiesHeaders =
    [
        "Level",
        "City code",
        "City",
        "Code",
        "Name",
        "Name (EN)",
        "Product",
        "Demand",
        "Served",
        "Shortfall",
        "Fill rate",
        "Tier 1 shortfall",
        "Tier 2 shortfall",
        "Tier 3 shortfall",
        "Tier 4 shortfall",
        "Tier 5 shortfall",
        "Tier 6 shortfall",
        "Tier 7 shortfall",
    ];

    private PlanOutcome Outcome => plan.Outcome;

    /// <summary>The county map (coloured by fill rate, as on the run page) is a picture on the Summary, on its own
    /// printed page below the figures; its colours are the counties' colours of the page's map.</summary>
    [Fact]
    public void ProvinceSummary_CarriesTheCountyMap()
    {
        using var document = SpreadsheetDocument.Open(Outcome.WorkbookPath!, isEditable: false);
        var summary = document.WorkbookPart!.WorksheetParts.Single(p => p.DrawingsPart is not null);
        var anchor = Assert.Single(summary.DrawingsPart!.WorksheetDrawing.Elements<Xdr.OneCellAnchor>());
        var image = Assert.Single(summary.DrawingsPart.ImageParts);
        Assert.Equal("image/png", image.ContentType);
        using var bitmap = SKBitmap.Decode(image.GetStream());
        Assert.Equal(2 * CountyMap.Width, bitmap.Width);

        using var workbook = Xlsx.Open(Outcome.WorkbookPath);
        var sheet = workbook.Worksheet("Summary");
        var row = int.Parse(anchor.FromMarker!.RowId!.Text, CultureInfo.InvariantCulture) + 1;
        var map = new SituationMap(
            CountyShapes.Read(Path.Combine(StorageOptions.FindDataDirectory()!, CountyShapes.File)),
            Texts.For<SituationMap>()
        ).DrawFill(Outcome.Result.Allocations);
        var title = map.Elements().First(e => e.Name.LocalName == "title").Value;
        Assert.Equal(title, sheet.Cell(row - 1, 1).GetString());
        Assert.Equal([row - 2], sheet.PageSetup.RowBreaks);
        Assert.True(sheet.PageSetup.PrintAreas.Single().RangeAddress.LastAddress.RowNumber >= row + 30);

        var counties = map.Descendants()
            .Where(e => e.Attribute("data-county") is not null)
            .Select(e => SKColor.Parse((string)e.Attribute("fill")!))
            .ToHashSet();
        var pixels = bitmap.Pixels.GroupBy(p => p).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(counties.Count >= 2, "the sample's counties are not all one colour");
        Assert.All(counties, c => Assert.True(pixels.GetValueOrDefault(c) > 500, $"{c} painted"));
    }

    /// <summary>Every sheet's header rows print on every page: each workbook's print titles are absolute rows of their
    /// own sheet, its name quoted (ClosedXML writes <c>Sheet!1:4</c>, which LibreOffice prints once, and leaves the
    /// apostrophe of "Today's dispatch" unescaped).</summary>
    [Fact]
    public void PrintTitles_AreAbsoluteRowsOfTheirOwnSheet()
    {
        foreach (var path in Outcome.CityWorkbookPaths.Prepend(Outcome.WorkbookPath!))
        {
            using var document = SpreadsheetDocument.Open(path, isEditable: false);
            var workbook = document.WorkbookPart!.Workbook;
            var sheets = workbook
                .Sheets!.Elements<DocumentFormat.OpenXml.Spreadsheet.Sheet>()
                .Select(s => Regex.Escape(s.Name!.Value!.Replace("'", "''", StringComparison.Ordinal)))
                .ToList();
            var titles = workbook
                .DefinedNames!.Elements<DocumentFormat.OpenXml.Spreadsheet.DefinedName>()
                .Where(n => n.Name == "_xlnm.Print_Titles")
                .ToList();
            Assert.True(titles.Count >= 10, $"{Path.GetFileName(path)}: {titles.Count} print titles");
            Assert.All(titles, t => Assert.Matches($@"^'{sheets[(int)t.LocalSheetId!.Value]}'!\$\d+:\$\d+$", t.Text));
        }
    }

    /// <summary>The priority order the run used (docs/decisions/0010): intensive care, the wards, the Hubei pledges,
    /// then the rest; on the Summary tier by tier with its segments, and in summary.json.</summary>
    [Fact]
    public void Summary_SaysWhichPriorityOrderTheRunUsed()
    {
        var priority = Outcome.Summary.Priority;
        Assert.Equal(Outcome.Published!.Value.Snapshot.Tiers.Count, priority.Count);
        Assert.Equal(["critical_care"], priority[0].Segments);
        Assert.Equal(["severe_care"], priority[1].Segments);
        Assert.Equal(["hubei"], priority[2].Segments);
        Assert.Equal(priority.Select(p => p.Tier).Order(), priority.Select(p => p.Tier));

        using var workbook = Xlsx.Open(Outcome.WorkbookPath);
        var sheet = workbook.Worksheet("Summary");
        var heading = sheet
            .ColumnsUsed()
            .First()
            .CellsUsed()
            .Single(c => c.GetString().StartsWith("Priority order", StringComparison.Ordinal));
        var rows = sheet
            .Rows(heading.Address.RowNumber + 1, heading.Address.RowNumber + 12)
            .Where(r => r.Cell(1).GetString().StartsWith("Tier ", StringComparison.Ordinal))
            .Select(r => (r.Cell(1).GetString(), r.Cell(2).GetString(), r.Cell(3).GetString()))
            .ToList();
        Assert.Equal(("Tier 1", "Critical care", "Critical care (ICU)"), rows[0]);
        Assert.Equal(("Tier 2", "Severe care", "Severe care (ward)"), rows[1]);
        Assert.Equal(("Tier 3", "Hubei commitments", "Hubei assistance"), rows[2]);
        Assert.Equal(priority.Count, rows.Count);
    }

    [Fact]
    public void ProvinceWorkbook_HasTheDesignedSheetsTablesAndHeaders()
    {
        using var workbook = Xlsx.Open(Outcome.WorkbookPath);

        Assert.Equal(ProvinceSheets, workbook.Worksheets.Select(w => w.Name));
        var tables = workbook
            .Worksheets.SelectMany(w => w.Tables.Select(t => $"{w.Name}!{t.Name}"))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Equal(ProvinceTables, tables);
        Assert.True(workbook.NamedRanges.Contains("Counties"));
        Assert.Equal(ShipmentsFields, workbook.Worksheet("Shipments").Table("Shipments").Fields.Select(f => f.Name));
        Assert.Equal(CountiesHeaders, workbook.Worksheet("Counties").Row(1).CellsUsed().Select(c => c.GetString()));
        Assert.Contains(Outcome.RunId, workbook.Properties.Title, StringComparison.Ordinal);
        Assert.Contains("baseline", workbook.Properties.Subject, StringComparison.Ordinal);
        // The properties name the data in words; summary.json keeps the machine form.
        Assert.StartsWith("Data: production data to version ", workbook.Properties.Comments, StringComparison.Ordinal);
        Assert.StartsWith("production watermark ", Outcome.Summary.Run.DataFreshness, StringComparison.Ordinal);
    }

    /// <summary>
    /// The structure of the province workbook and of a city's, compared with the golden files in
    /// <c>Workbooks/Golden/</c>: sheets in order, frozen rows, page set-up, every table and named range with its
    /// columns, and the conditional formats. To accept a deliberate change, run the test with
    /// <c>PLANNER_UPDATE_GOLDEN=1</c> and review the diff of the golden files.
    /// </summary>
    [Theory]
    [InlineData("province", "en")]
    [InlineData("city-330300", "en")]
    [InlineData("province", "zh-CN")]
    [InlineData("city-330300", "zh-CN")]
    public void Workbooks_MatchTheirGoldenStructure(string which, string language)
    {
        var path = InLanguage(
            which == "province"
                ? Outcome.WorkbookPath!
                : Outcome.CityWorkbookPaths.Single(p =>
                    Path.GetFileName(p).StartsWith("plan-" + which + "-", StringComparison.Ordinal)
                ),
            language
        );
        using var workbook = Xlsx.Open(path);
        var actual = Structure(workbook);
        var golden = Path.Combine(
            SourceDirectory(),
            "Golden",
            which + (language == "en" ? "" : "." + language) + ".txt"
        );
        if (Environment.GetEnvironmentVariable("PLANNER_UPDATE_GOLDEN") == "1")
            File.WriteAllText(golden, actual);
        Assert.True(File.Exists(golden), $"no golden file {golden}; run with PLANNER_UPDATE_GOLDEN=1 to write it");
        Assert.Equal(File.ReadAllText(golden).ReplaceLineEndings("\n"), actual);
    }

    private static string Structure(XLWorkbook workbook)
    {
        var lines = new List<string>();
        foreach (var ws in workbook.Worksheets)
        {
            lines.Add(
                $"sheet {ws.Name}: frozen rows {ws.SheetView.SplitRow}, {ws.PageSetup.PageOrientation}, "
                    + $"{ws.PageSetup.PagesWide} page(s) wide, "
                    + (
                        ws.PageSetup.PagesTall == 0
                            ? "any"
                            : ws.PageSetup.PagesTall.ToString(System.Globalization.CultureInfo.InvariantCulture)
                    )
                    + " tall"
            );
            foreach (var table in ws.Tables.OrderBy(t => t.RangeAddress.FirstAddress.RowNumber))
            {
                lines.Add($"  table {table.Name}: {string.Join(" | ", table.Fields.Select(f => f.Name))}");
            }
            foreach (var format in ws.ConditionalFormats)
            {
                lines.Add(
                    $"  {format.ConditionalFormatType} on column(s) "
                        + string.Join(
                            ",",
                            format.Ranges.Select(r =>
                                $"{r.FirstColumn().ColumnLetter()}-{r.LastColumn().ColumnLetter()}"
                            )
                        )
                );
            }
        }
        foreach (var range in workbook.NamedRanges)
        {
            var r = range.Ranges.Single();
            lines.Add(
                $"named range {range.Name}: {r.Worksheet.Name}, "
                    + $"{string.Join(" | ", r.FirstRow().Cells().Select(c => c.GetString()))}"
            );
        }
        return string.Join("\n", lines) + "\n";
    }

    /// <summary>The same workbook in <paramref name="language"/>: published beside the English one.</summary>
    internal static string InLanguage(string englishPath, string language) =>
        englishPath.Replace("-en.xlsx", $"-{language}.xlsx", StringComparison.Ordinal);

    private static string SourceDirectory([System.Runtime.CompilerServices.CallerFilePath] string file = "") =>
        Path.GetDirectoryName(file)!;

    [Fact]
    public void CityWorkbooks_OnePerCity_WithTheirSheets()
    {
        Assert.Equal(11, Outcome.CityWorkbookPaths.Count);
        Assert.All(Outcome.CityWorkbookPaths, path =>
        {
            Assert.Matches($@"^plan-city-33\d{{4}}-20200210-{Outcome.RunId}-en\.xlsx$", Path.GetFileName(path));
            using var workbook = Xlsx.Open(path);
            Assert.Equal(CitySheets, workbook.Worksheets.Select(w => w.Name));
        });
        string[] english =
        [
            Path.GetFileName(Outcome.WorkbookPath)!,
            .. Outcome.CityWorkbookPaths.Select(p => Path.GetFileName(p)!),
        ];
        // Chinese first, then English: the same workbooks.
        Assert.Equal(
            [.. english.Select(f => f.Replace("-en.xlsx", "-zh-CN.xlsx", StringComparison.Ordinal)), .. english],
            Outcome.Summary.Outputs
        );
    }

    [Fact]
    public void ProvinceWorkbook_NumbersReconcile_ProvinceCitiesCountiesAndPlan()
    {
        using var workbook = Xlsx.Open(Outcome.WorkbookPath);
        var summary = workbook
            .Worksheet("Summary")
            .Table("SummaryByProduct")
            .DataRange.Rows()
            .ToDictionary(r => r.Field("Product").GetString(), r => Served(r.Field("Served")));
        var cities = workbook.Worksheet("Cities").Table("Cities").DataRange.Rows().ToList();
        var counties = Rows(workbook, "Counties");
        var daily = workbook.Worksheet("Daily").Table("Daily").DataRange.Rows().ToList();
        var shipments = workbook.Worksheet("Shipments").Table("Shipments").DataRange.Rows().ToList();

        foreach (var product in Outcome.Summary.Products)
        {
            var served = Outcome.Result.Allocations.Where(a => a.Product == product.Product).Sum(a => a.Served);
            Assert.Equal(served, summary[product.Product], 0);
            // Province = cities + Hubei sites = the county rows; each city subtotal = its counties.
            var countyRows = counties
                .Where(r => r["Product"].GetString() == product.Product && r["Level"].GetString() is "county" or "site")
                .ToList();
            Assert.Equal(served, countyRows.Sum(r => Number(r["Served"])), 0);
            var siteServed = countyRows.Where(r => r["Level"].GetString() == "site").Sum(r => Number(r["Served"]));
            Assert.Equal(
                served,
                cities.Where(r => r.Field("Product").GetString() == product.Product).Sum(r => Served(r.Field("Served")))
                    + siteServed,
                0
            );
            foreach (
                var city in counties.Where(r =>
                    r["Product"].GetString() == product.Product && r["Level"].GetString() == "city"
                )
            )
            {
                var under = countyRows
                    .Where(r =>
                        r["Level"].GetString() == "county" && r["City code"].GetString() == city["Code"].GetString()
                    )
                    .ToList();
                Assert.NotEmpty(under);
                Assert.Equal(Number(city["Served"]), under.Sum(r => Number(r["Served"])), 0);
                Assert.Equal(Number(city["Demand"]), under.Sum(r => Number(r["Demand"])), 0);
            }
            Assert.Equal(
                served,
                daily.Where(r => r.Field("Product").GetString() == product.Product).Sum(r => Served(r.Field("Served"))),
                0
            );
            Assert.Equal(
                Outcome.Result.Shipments.Where(s => s.Product == product.Product).Sum(s => s.Quantity),
                shipments
                    .Where(r => r.Field("Product").GetString() == product.Product)
                    .Sum(r => Served(r.Field("Quantity"))),
                0
            );
        }
    }

    [Fact]
    public void FiveLevels_ReconcileExactly_FromProvinceToVillages()
    {
        using var province = Xlsx.Open(Outcome.WorkbookPath);
        var towns = province.Worksheet("Towns").Table("Towns").DataRange.Rows().ToList();
        var products = Outcome.Summary.Products.Select(p => p.Product).ToList();
        // What the plan serves a county, and the buffers it holds at the county's hospitals.
        var countyServed = Outcome
            .Result.Allocations.Concat(Outcome.Result.Buffers)
            .GroupBy(a => (a.Destination, a.Product))
            .ToDictionary(g => g.Key, g => g.Sum(a => a.Served));
        var villageCount = 0;
        var provinceOthers = new Dictionary<string, long>();

        foreach (var path in Outcome.CityWorkbookPaths)
        {
            using var city = Xlsx.Open(path);
            var cityTowns = city.Worksheet("Towns").Table("Towns").DataRange.Rows().ToList();
            var villages = city.Worksheet("Villages").Table("Villages").DataRange.Rows().ToList();
            villageCount += villages.Count;
            var cityCode = cityTowns[0].Field("City code").GetString();
            foreach (var product in products)
            {
                var townUnits = cityTowns.ToDictionary(
                    r => r.Field("Town code").GetString(),
                    r => Whole(r.Field(product))
                );
                // Villages add up to their town exactly, in whole units.
                foreach (var g in villages.GroupBy(r => r.Field("Town code").GetString()))
                {
                    Assert.Equal(townUnits[g.Key], g.Sum(r => Whole(r.Field(product))));
                }
                // Towns, hospitals and enterprises add up to what the plan delivers the county, exactly.
                foreach (var g in cityTowns.GroupBy(r => r.Field("County code").GetString()))
                {
                    var others = Consignees(city, g.Key, product);
                    Assert.Equal(countyServed[(g.Key, product)], g.Sum(r => Whole(r.Field(product))) + others);
                    provinceOthers[product] = provinceOthers.GetValueOrDefault(product) + others;
                }
                // The city workbook's towns are the province workbook's towns of that city.
                Assert.Equal(
                    towns.Where(r => r.Field("City code").GetString() == cityCode).Sum(r => Whole(r.Field(product))),
                    townUnits.Values.Sum()
                );
            }
        }
        Assert.InRange(villageCount, 20_000, 30_000);
        // And the province's towns add up to the province's whole units served to counties.
        foreach (var product in products)
        {
            var counties = Outcome
                .Result.Allocations.Concat(Outcome.Result.Buffers)
                .Where(a => a.Product == product && a.Destination.StartsWith("33", StringComparison.Ordinal))
                .Sum(a => a.Served);
            Assert.Equal(counties, towns.Sum(r => Whole(r.Field(product))) + provinceOthers[product]);
        }
    }

    /// <summary>What a county's hospitals and enterprises receive of a product, as the city workbook lists
    /// them.</summary>
    private long Consignees(XLWorkbook city, string county, string product)
    {
        var name = Outcome.Published!.Value.Snapshot.Products.Single(p => p.Code == product).NameEn;
        return ConsigneeTables
            .SelectMany(t => city.Worksheet(t).Table(t).DataRange.Rows())
            .Where(r => r.Field("County code").GetString() == county && r.Field("Product").GetString() == name)
            .Sum(r => Whole(r.Field("Total")));
    }

    /// <summary>
    /// Wenzhou's hospital needs go to its hospitals, each by its own figures: the Hospitals sheet's lines add up to
    /// the consignee lines of the plan's report, every hospital is one of the county's, and no village carries a
    /// hospital segment (the villages' total is only what the report sends down).
    /// </summary>
    [Fact]
    public void CityWorkbook_Hospitals_ListEachCountysHospitalsAndAddUpToItsHospitalNeeds()
    {
        var (_, snapshot, report) = Outcome.Published!.Value;
        var path = Outcome.CityWorkbookPaths.Single(p =>
            Path.GetFileName(p).StartsWith("plan-city-330300-", StringComparison.Ordinal)
        );
        using var workbook = Xlsx.Open(path);
        var rows = workbook.Worksheet("Hospitals").Table("Hospitals").DataRange.Rows().ToList();
        var hospitals = snapshot.HospitalReports.ToDictionary(h => h.Code);

        Assert.NotEmpty(rows);
        Assert.All(rows, r =>
        {
            var hospital = hospitals[r.Field("Hospital code").GetString()];
            Assert.Equal(hospital.County, r.Field("County code").GetString());
            Assert.Equal(hospital.Name, r.Field("Hospital").GetString());
            Assert.StartsWith("3303", hospital.County, StringComparison.Ordinal);
        });
        foreach (var product in snapshot.Products)
        {
            var lines = report
                .Consignees.Where(l =>
                    l.County.StartsWith("3303", StringComparison.Ordinal)
                    && l.Product == product.Code
                    && l.Kind == Planner.Solver.Breakdown.ConsigneeKind.Hospitals
                )
                .ToList();
            var mine = rows.Where(r => r.Field("Product").GetString() == product.NameEn).ToList();
            Assert.Equal(lines.Sum(l => l.Quantity), mine.Sum(r => Whole(r.Field("Total"))));
            Assert.Equal(
                lines.Where(l => l.Segment == "staff").Sum(l => l.Quantity),
                mine.Sum(r => Whole(r.Field("Medical staff on duty")))
            );
        }
        var coveralls = report.Consignees.Where(l => l.Product == "COVERALL").ToList();
        Assert.Contains(coveralls, l => l.Kind == Planner.Solver.Breakdown.ConsigneeKind.Hospitals);
        Assert.DoesNotContain(coveralls, l =>
            l.Kind == Planner.Solver.Breakdown.ConsigneeKind.Villages
            && Api.Planning.ConsigneeRoutes.IsHospital(l.Segment)
        );
    }

    [Fact]
    public void CityWorkbook_ShipmentsAndShortfalls_AreTheCitysOwn()
    {
        var path = Outcome.CityWorkbookPaths.Single(p =>
            Path.GetFileName(p).StartsWith("plan-city-330300-", StringComparison.Ordinal)
        );
        using var workbook = Xlsx.Open(path);
        var outbound = workbook.Worksheet("Outbound").Table("Outbound").DataRange.Rows().ToList();
        var inbound = workbook.Worksheet("Inbound").Table("Inbound").DataRange.Rows().ToList();

        Assert.All(outbound, r => Assert.Equal("330300", r.Field("From").GetString()));
        Assert.Equal(Outcome.Result.Shipments.Count(s => s.From == "330300"), outbound.Count);
        Assert.Equal(
            Outcome.Result.Shipments.Where(s => s.From == "330300").Sum(s => s.Quantity),
            outbound.Sum(r => Served(r.Field("Quantity"))),
            0
        );
        Assert.All(inbound, r => Assert.NotEqual("330300", r.Field("From").GetString()));
        Assert.All(workbook.Worksheet("Shortfalls").Table("Shortfalls").DataRange.Rows(), r =>
            Assert.StartsWith("3303", r.Field("Code").GetString(), StringComparison.Ordinal)
        );
        var counties = Rows(workbook, "Counties");
        Assert.All(counties.Where(r => r["Level"].GetString() == "county"), r =>
            Assert.Equal("330300", r["City code"].GetString())
        );
    }

    /// <summary>Printed, a General-format lead-days number sat flush against the product code and read as
    /// "0 COVERALL"; each dispatch list keeps the two apart: a whole number, formatted and centred, then the
    /// product.</summary>
    [Fact]
    public void DispatchLists_LeadDaysAreNumbersApartFromTheProduct()
    {
        var lanes = Outcome.Problem.Lanes.ToLookup(l => (l.From, l.To), l => l.LeadDays);
        var products = Outcome.Summary.Products.Select(p => p.Product).ToHashSet(StringComparer.Ordinal);
        var city = Outcome.CityWorkbookPaths[0];
        foreach (
            var (path, table) in new[] { (Outcome.WorkbookPath!, "Shipments"), (city, "Inbound"), (city, "Outbound") }
        )
        {
            using var workbook = Xlsx.Open(path);
            var rows = workbook.Worksheet(table).Table(table).DataRange.Rows().ToList();
            Assert.NotEmpty(rows);
            Assert.All(rows, r =>
            {
                var lead = r.Field("Lead days");
                Assert.Equal(XLDataType.Number, lead.DataType);
                Assert.Equal("0", lead.Style.NumberFormat.Format);
                Assert.Equal(XLAlignmentHorizontalValues.Center, lead.Style.Alignment.Horizontal);
                var days = lanes[(r.Field("From").GetString(), r.Field("To").GetString())];
                Assert.Contains((int)lead.GetDouble(), days);
                Assert.Contains(r.Field("Product").GetString(), products);
            });
        }
    }

    [Fact]
    public void Codes_StayText_EvenTwelveDigitVillageCodes()
    {
        using var workbook = Xlsx.Open(Outcome.CityWorkbookPaths[0]);
        var villages = workbook.Worksheet("Villages").Table("Villages").DataRange.Rows().ToList();

        Assert.All(villages, r =>
        {
            var cell = r.Field("Village code");
            Assert.Equal(XLDataType.Text, cell.DataType);
            Assert.Matches(@"^\d{12}$", cell.GetString());
        });
        using var province = Xlsx.Open(Outcome.WorkbookPath);
        Assert.All(province.Worksheet("Shipments").Table("Shipments").DataRange.Rows(), r =>
            Assert.Equal(XLDataType.Text, r.Field("From").DataType)
        );
    }

    [Fact]
    public void Sheets_AreReadyToPrintAndToRead()
    {
        using var workbook = Xlsx.Open(Outcome.WorkbookPath);

        foreach (var ws in workbook.Worksheets)
        {
            Assert.Equal(1, ws.PageSetup.PagesWide);
            Assert.All(ws.ColumnsUsed(), c =>
                Assert.True(c.Width > 5, $"{ws.Name} column {c.ColumnNumber()} has no width set")
            );
            // The depot's four sheets have a title above their list, and the notes print portrait
            // (DispatchSheetsTests).
            if (ws.Position <= 4)
                continue;
            Assert.Equal(XLPageOrientation.Landscape, ws.PageSetup.PageOrientation);
            // The Risk sheet says what its figures mean above its list's header.
            if (ws.Name != "Summary")
                Assert.Equal(ws.Name == "Risk" ? Planner.Api.Workbooks.RiskSheet.HeaderRow : 1, ws.SheetView.SplitRow);
        }
        // The figures on the first page, the county map on the second (ProvinceSummary_CarriesTheCountyMap).
        Assert.Equal(0, workbook.Worksheet("Summary").PageSetup.PagesTall);
        Assert.Single(workbook.Worksheet("Summary").PageSetup.RowBreaks);
        // ClosedXML does not read footers back; the sheets' XML has them: run id left, page number centre.
        using (var zip = System.IO.Compression.ZipFile.OpenRead(Outcome.WorkbookPath!))
        {
            var sheets = zip
                .Entries.Where(e => e.FullName.StartsWith("xl/worksheets/sheet", StringComparison.Ordinal))
                .ToList();
            Assert.Equal(ProvinceSheets.Length, sheets.Count);
            Assert.All(sheets, e =>
            {
                using var reader = new StreamReader(e.Open());
                var footer = System
                    .Text.RegularExpressions.Regex.Match(reader.ReadToEnd(), "<x:oddFooter>([^<]*)</x:oddFooter>")
                    .Groups[1]
                    .Value;
                Assert.Contains($"&amp;LRun {Outcome.RunId}", footer, StringComparison.Ordinal);
                Assert.Contains("page &amp;P of &amp;N", footer, StringComparison.Ordinal);
            });
        }
        // Fill rates carry a colour scale; counties fold under their city.
        Assert.Contains(workbook.Worksheet("Cities").ConditionalFormats, f =>
            f.ConditionalFormatType == XLConditionalFormatType.ColorScale
        );
        Assert.Contains(workbook.Worksheet("Counties").ConditionalFormats, f =>
            f.ConditionalFormatType == XLConditionalFormatType.ColorScale
        );
        var counties = workbook.Worksheet("Counties");
        Assert.Equal(0, counties.Row(2).OutlineLevel);
        Assert.Equal("city", counties.Cell(2, 1).GetString());
        Assert.Equal(1, counties.Row(3).OutlineLevel);
        Assert.Equal("county", counties.Cell(3, 1).GetString());
    }

    [Fact]
    public async Task IdenticalRuns_PublishIdenticalCells()
    {
        await using var other = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var again = await PublishedPlan.Publish(other, Path.Combine(other.Directory, "out"));

        Assert.Equal(Outcome.RunId, again.RunId);
        foreach (
            var (a, b) in new[]
            {
                (Outcome.WorkbookPath!, again.WorkbookPath!),
                (Outcome.CityWorkbookPaths[^1], again.CityWorkbookPaths[^1]),
            }
        )
        {
            Assert.Equal(Path.GetFileName(a), Path.GetFileName(b));
            Assert.Equal(Cells(a), Cells(b));
        }
    }

    private static List<string> Cells(string path)
    {
        using var workbook = Xlsx.Open(path);
        return workbook
            .Worksheets.SelectMany(ws =>
                ws.CellsUsed().Select(c => $"{ws.Name}!{c.Address}={c.DataType}:{c.GetString()}")
            )
            .ToList();
    }

    /// <summary>The rows of a named list as dictionaries by header.</summary>
    private static List<Dictionary<string, IXLCell>> Rows(XLWorkbook workbook, string name)
    {
        var range = workbook.NamedRange(name).Ranges.Single();
        var headers = range.FirstRow().Cells().Select(c => c.GetString()).ToList();
        return range
            .Rows()
            .Skip(1)
            .Select(r => headers.Select((h, i) => (h, r.Cell(i + 1))).ToDictionary(x => x.h, x => x.Item2))
            .ToList();
    }

    private static double Number(IXLCell cell) => cell.GetDouble();

    private static double Served(IXLCell cell) => cell.GetDouble();

    private static long Whole(IXLCell cell) => (long)cell.GetDouble();
}
