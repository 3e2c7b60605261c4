using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using A = DocumentFormat.OpenXml.Drawing;
using Spreadsheet = DocumentFormat.OpenXml.Spreadsheet;
using Xdr = DocumentFormat.OpenXml.Drawing.Spreadsheet;

namespace Planner.Api.Workbooks;

/// <summary>
/// A PNG placed on a sheet of a saved workbook with the OpenXML SDK. ClosedXML 0.95.4 cannot do it here: its
/// <c>AddPicture</c> reads the picture's size through System.Drawing, which .NET has supported on Windows only since
/// version 7 (it throws on Linux). So the workbook is saved by ClosedXML first and the picture added after.
/// </summary>
public static class SheetPicture
{
    private const long EmuPerPixel = 9525;

    /// <summary>Places <paramref name="png"/> (<paramref name="width"/> × <paramref name="height"/> pixels at 96 dpi)
    /// with its top left corner at the top of row <paramref name="row"/> (1-based), column A, of the sheet
    /// <paramref name="sheetName"/>; <paramref name="description"/> is its alternative text.</summary>
    public static void Add(
        string path,
        string sheetName,
        byte[] png,
        int width,
        int height,
        int row,
        string description
    )
    {
        using var document = SpreadsheetDocument.Open(path, isEditable: true);
        var workbook = document.WorkbookPart!;
        var sheet = workbook.Workbook.Sheets!.Elements<Spreadsheet.Sheet>().Single(s => s.Name == sheetName);
        var part = (WorksheetPart)workbook.GetPartById(sheet.Id!);
        var drawings = part.DrawingsPart ?? part.AddNewPart<DrawingsPart>();
        if (drawings.WorksheetDrawing is null)
        {
            drawings.WorksheetDrawing = new Xdr.WorksheetDrawing();
            Link(part.Worksheet, new Drawing { Id = part.GetIdOfPart(drawings) });
        }
        var image = drawings.AddImagePart(ImagePartType.Png);
        using (var stream = new MemoryStream(png))
            image.FeedData(stream);
        var (cx, cy) = (width * EmuPerPixel, height * EmuPerPixel);
        var id = (uint)drawings.WorksheetDrawing.ChildElements.Count + 2;
        drawings.WorksheetDrawing.Append(
            new Xdr.OneCellAnchor(
                new Xdr.FromMarker(
                    new Xdr.ColumnId("0"),
                    new Xdr.ColumnOffset("0"),
                    new Xdr.RowId((row - 1).ToString(CultureInfo.InvariantCulture)),
                    new Xdr.RowOffset("0")
                ),
                new Xdr.Extent { Cx = cx, Cy = cy },
                new Xdr.Picture(
                    new Xdr.NonVisualPictureProperties(
                        new Xdr.NonVisualDrawingProperties
                        {
                            Id = id,
                            Name = $"Picture {id}",
                            Description = description,
                        },
                        new Xdr.NonVisualPictureDrawingProperties(new A.PictureLocks { NoChangeAspect = true })
                    ),
                    new Xdr.BlipFill(
                        new A.Blip { Embed = drawings.GetIdOfPart(image) },
                        new A.Stretch(new A.FillRectangle())
                    ),
                    new Xdr.ShapeProperties(
                        new A.Transform2D(new A.Offset { X = 0, Y = 0 }, new A.Extents { Cx = cx, Cy = cy }),
                        new A.PresetGeometry(new A.AdjustValueList()) { Preset = A.ShapeTypeValues.Rectangle }
                    )
                ),
                new Xdr.ClientData()
            )
        );
        drawings.WorksheetDrawing.Save();
        part.Worksheet.Save();
    }

    /// <summary>Links the drawing from the sheet where the schema wants it: before the legacy drawings, the tables
    /// and the extensions ClosedXML may have written, after everything else.</summary>
    private static void Link(Worksheet worksheet, Drawing drawing)
    {
        var after = worksheet.ChildElements.FirstOrDefault(e =>
            e is LegacyDrawing or LegacyDrawingHeaderFooter or Picture or OleObjects or Controls
            || e is WebPublishItems or TableParts or WorksheetExtensionList
        );
        if (after is null)
            worksheet.Append(drawing);
        else
            worksheet.InsertBefore(drawing, after);
    }
}
