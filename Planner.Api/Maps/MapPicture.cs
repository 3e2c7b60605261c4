using System.Xml.Linq;
using SkiaSharp;

namespace Planner.Api.Maps;

/// <summary>
/// The county map as a PNG picture, for the province workbook: the same SVG the pages show (<see cref="CountyMap"/>),
/// painted with Skia at twice its size so it prints sharply. Only what <see cref="CountyMap"/> writes is read: its
/// paths (fill, stroke), the legend's boxes and labels.
/// </summary>
public static class MapPicture
{
    private const float Scale = 2;

    /// <summary>The picture's PNG bytes, its size in the map's own pixels and the map's title.</summary>
    public sealed record Picture(byte[] Png, int Width, int Height, string Title);

    public static Picture Paint(XElement svg)
    {
        XNamespace ns = svg.Name.Namespace;
        var (width, height) = ((int)svg.Attribute("width")!, (int)svg.Attribute("height")!);
        var info = new SKImageInfo((int)(width * Scale), (int)(height * Scale));
        using var surface = SKSurface.Create(info);
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        canvas.Scale(Scale);
        foreach (var path in svg.Descendants(ns + "path"))
            PaintPath(canvas, path);
        using var font = new SKFont(Typeface(), 11);
        foreach (var box in svg.Descendants(ns + "rect"))
        {
            using var fill = new SKPaint { Color = SKColor.Parse((string)box.Attribute("fill")!) };
            canvas.DrawRect(Number(box, "x"), Number(box, "y"), Number(box, "width"), Number(box, "height"), fill);
        }
        using var ink = new SKPaint { Color = new SKColor(0x1f, 0x29, 0x33), IsAntialias = true };
        foreach (var label in svg.Descendants(ns + "text"))
            canvas.DrawText(label.Value, Number(label, "x"), Number(label, "y"), font, ink);
        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        return new Picture(png.ToArray(), width, height, svg.Element(ns + "title")?.Value ?? "");
    }

    private static void PaintPath(SKCanvas canvas, XElement element)
    {
        using var path = SKPath.ParseSvgPathData((string)element.Attribute("d")!);
        if ((string?)element.Attribute("fill") is { } fill && fill != "none")
        {
            using var paint = new SKPaint { Color = SKColor.Parse(fill), IsAntialias = true };
            canvas.DrawPath(path, paint);
        }
        if ((string?)element.Attribute("stroke") is { } stroke)
        {
            using var paint = new SKPaint
            {
                Color = SKColor.Parse(stroke),
                IsAntialias = true,
                Style = SKPaintStyle.Stroke,
                StrokeWidth = (float)((double?)element.Attribute("stroke-width") ?? 1),
            };
            canvas.DrawPath(path, paint);
        }
    }

    /// <summary>A typeface with Chinese characters (the legend may be in Chinese): the system's match for 浙.</summary>
    private static SKTypeface Typeface() => SKFontManager.Default.MatchCharacter('浙') ?? SKTypeface.Default;

    private static float Number(XElement element, string name) =>
        float.Parse((string)element.Attribute(name)!, CultureInfo.InvariantCulture);
}
