using ClosedXML.Excel;
using Planner.Api.Workbooks;

namespace Planner.Tests.Workbooks;

/// <summary>A long list streamed into a saved workbook reads back as ClosedXML would have written it: every row in
/// its column with the first row's styles, the table over all of them, codes as text.</summary>
public class LongListsTests
{
    [Fact]
    public void StreamedRows_KeepTheirColumnsStylesAndTable_EvenWhenTheFirstRowHasAnEmptyCell()
    {
        var path = Path.Combine(Path.GetTempPath(), $"long-lists-{Guid.NewGuid():N}.xlsx");
        try
        {
            var lists = new LongLists();
            using (var workbook = new XLWorkbook())
            {
                var ws = workbook.Worksheets.Add("List");
                ws.Cell(1, 1).SetValue("Code");
                ws.Cell(1, 2).SetValue("Note");
                ws.Cell(1, 3).SetValue("Date");
                ws.Cell(1, 4).SetValue("Units");
                var day = new DateTime(2020, 2, 17);
                List<object[]> rows =
                [
                    ["00123", "", day, 1500L],
                    ["330302", "a < b & c", day.AddDays(1), 2.5],
                    ["=1+1", "最后", day.AddDays(2), 7L],
                ];
                lists.Start(ws, rows);
                ws.Cell(2, 1).DataType = XLDataType.Text;
                ws.Cell(2, 3).Style.DateFormat.Format = "yyyy-mm-dd";
                ws.Cell(2, 4).Style.NumberFormat.Format = "#,##0";
                ws.Range(1, 1, 2, 4).CreateTable("List");
                lists.Save(workbook, path);
            }

            using var back = new XLWorkbook(path);
            var table = back.Worksheet("List").Table("List");
            Assert.Equal(["Code", "Note", "Date", "Units"], table.Fields.Select(f => f.Name));
            var read = table.DataRange.Rows().ToList();
            Assert.Equal(3, read.Count);
            Assert.Equal(["00123", "330302", "=1+1"], read.Select(r => r.Cell(1).GetString()));
            Assert.All(read, r => Assert.Equal(XLDataType.Text, r.Cell(1).DataType));
            Assert.Equal("a < b & c", read[1].Cell(2).GetString());
            Assert.Equal(new DateTime(2020, 2, 19), read[2].Cell(3).GetDateTime());
            Assert.Equal("yyyy-mm-dd", read[2].Cell(3).Style.DateFormat.Format);
            Assert.Equal(2.5, read[1].Cell(4).GetDouble());
            Assert.Equal("#,##0", read[2].Cell(4).Style.NumberFormat.Format);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
