using System.Xml.Linq;

namespace Planner.Api.Maps;

/// <summary>
/// The counties drawn as SVG on the server: each county filled with its measure's colour, a tooltip with its name and
/// figures and a link to its plan lines; the city borders drawn over them; a legend below.
/// </summary>
public static class CountyMap
{
    public const int Width = 640;
    private const int Margin = 8;
    private const int LegendHeight = 28;

    /// <summary>The height a legend line takes when the legend does not fit on one.</summary>
    private const int LegendLine = 16;
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    /// <summary>How a county is drawn: its colour, its tooltip and where a click goes (null: nowhere).</summary>
    public sealed record Shade(string Colour, string Tooltip, string? Href);

    /// <summary>
    /// The map of <paramref name="counties"/> (a city's, or all): each coloured by <paramref name="shades"/> (a county
    /// missing there is grey, with <paramref name="noData"/> as its tooltip), the borders between cities (and the
    /// outline) drawn thicker, and <paramref name="legend"/> below.
    /// </summary>
    public static XElement Draw(
        string title,
        IReadOnlyList<CountyShapes.County> counties,
        IReadOnlyDictionary<string, Shade> shades,
        IReadOnlyList<(string Colour, string Label)> legend,
        string noData
    )
    {
        var projection = Projection.Fit(counties);
        var places = LegendPlaces(legend);
        var legendHeight = LegendHeight + (places.Count == 0 ? 0 : places[^1].Line * LegendLine);
        var height = (int)Math.Ceiling(projection.Height) + 2 * Margin + legendHeight;
        var svg = new XElement(
            Svg + "svg",
            new XAttribute("role", "img"),
            new XAttribute("aria-label", title),
            new XAttribute("class", "county-map"),
            new XAttribute("width", Width),
            new XAttribute("height", height),
            new XAttribute("viewBox", $"0 0 {Width} {height}"),
            new XAttribute("font-size", 11),
            new XElement(Svg + "title", title)
        );
        foreach (var county in counties)
        {
            var shade = shades.GetValueOrDefault(county.Code) ?? new Shade("#d9e2ec", $"{county.Name}: {noData}", null);
            var path = new XElement(
                Svg + "path",
                new XAttribute("d", projection.Path(county.Rings)),
                new XAttribute("fill", shade.Colour),
                new XAttribute("stroke", "#ffffff"),
                new XAttribute("stroke-width", "0.7"),
                new XAttribute("data-county", county.Code),
                new XElement(Svg + "title", shade.Tooltip)
            );
            svg.Add(shade.Href is null ? path : new XElement(Svg + "a", new XAttribute("href", shade.Href), path));
        }
        svg.Add(
            new XElement(
                Svg + "path",
                new XAttribute("class", "city-borders"),
                new XAttribute("d", projection.Segments(CityBorders(counties))),
                new XAttribute("fill", "none"),
                new XAttribute("stroke", "#1f2933"),
                new XAttribute("stroke-width", "1.4"),
                new XAttribute("pointer-events", "none")
            )
        );
        svg.Add(Legend(legend, places, height - legendHeight + 6));
        return svg;
    }

    /// <summary>
    /// The edges between counties of different cities, and the edges of one county only (the outline of what is
    /// drawn). The shapes share their borders point for point, so an edge is found by its two ends.
    /// </summary>
    public static List<((double, double) From, (double, double) To)> CityBorders(
        IReadOnlyList<CountyShapes.County> counties
    )
    {
        var edges = new Dictionary<((double, double), (double, double)), HashSet<string>>();
        var count = new Dictionary<((double, double), (double, double)), int>();
        foreach (var county in counties)
        {
            foreach (var ring in county.Rings)
            {
                for (var i = 1; i < ring.Count; i++)
                {
                    var (a, b) = (ring[i - 1], ring[i]);
                    var key = a.CompareTo(b) < 0 ? (a, b) : (b, a);
                    if (!edges.TryGetValue(key, out var cities))
                        edges[key] = cities = [];
                    cities.Add(county.City);
                    count[key] = count.GetValueOrDefault(key) + 1;
                }
            }
        }
        return edges.Where(e => e.Value.Count > 1 || count[e.Key] == 1).Select(e => e.Key).ToList();
    }

    /// <summary>Where each legend entry goes: its x and its line, a new line where the next entry would pass the
    /// map's width.</summary>
    private static List<(double X, int Line)> LegendPlaces(IReadOnlyList<(string Colour, string Label)> legend)
    {
        var places = new List<(double X, int Line)>();
        var (x, line) = ((double)Margin, 0);
        foreach (var (_, label) in legend)
        {
            // A Chinese character is about twice as wide as a Latin letter at this size, a per cent sign half as
            // wide again.
            var width =
                18
                + label.Sum(c =>
                    c > '\u2e80' ? 11.0
                    : c == '%' ? 9.5
                    : 6.6
                );
            if (x > Margin && x + width > Width - Margin)
                (x, line) = (Margin, line + 1);
            places.Add((x, line));
            x += width + 12;
        }
        return places;
    }

    private static XElement Legend(
        IReadOnlyList<(string Colour, string Label)> legend,
        List<(double X, int Line)> places,
        int top
    )
    {
        var g = new XElement(Svg + "g", new XAttribute("class", "legend"));
        for (var i = 0; i < legend.Count; i++)
        {
            var (colour, label) = legend[i];
            var (x, y) = (places[i].X, top + places[i].Line * LegendLine);
            g.Add(
                new XElement(
                    Svg + "rect",
                    new XAttribute("x", Format(x)),
                    new XAttribute("y", y),
                    new XAttribute("width", 14),
                    new XAttribute("height", 10),
                    new XAttribute("fill", colour),
                    // A pale colour's box is still seen on the white page.
                    new XAttribute("stroke", "#9aa5b1"),
                    new XAttribute("stroke-width", "0.5")
                ),
                new XElement(Svg + "text", new XAttribute("x", Format(x + 18)), new XAttribute("y", y + 9), label)
            );
        }
        return g;
    }

    private static string Format(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>Lon/lat to the map's pixels: longitude shrunk by the cosine of the middle latitude, fitted to the
    /// width.</summary>
    private sealed record Projection(double West, double North, double Scale, double Shrink, double Height)
    {
        public static Projection Fit(IReadOnlyList<CountyShapes.County> counties)
        {
            var points = counties.SelectMany(c => c.Rings).SelectMany(r => r).ToList();
            if (points.Count == 0)
                return new Projection(0, 0, 1, 1, 1);
            var (west, east) = (points.Min(p => p.Lon), points.Max(p => p.Lon));
            var (south, north) = (points.Min(p => p.Lat), points.Max(p => p.Lat));
            var shrink = Math.Cos((south + north) / 2 * Math.PI / 180);
            var scale = (Width - 2 * Margin) / Math.Max(1e-9, (east - west) * shrink);
            return new Projection(west, north, scale, shrink, (north - south) * scale);
        }

        private string Point((double Lon, double Lat) p) =>
            Format(Margin + (p.Lon - West) * Shrink * Scale) + "," + Format(Margin + (North - p.Lat) * Scale);

        public string Path(IEnumerable<IReadOnlyList<(double Lon, double Lat)>> rings) =>
            string.Concat(rings.Select(r => "M" + string.Join("L", r.Select(Point)) + "Z"));

        public string Segments(IEnumerable<((double, double) From, (double, double) To)> segments) =>
            string.Concat(segments.Select(s => $"M{Point(s.From)}L{Point(s.To)}"));
    }
}
