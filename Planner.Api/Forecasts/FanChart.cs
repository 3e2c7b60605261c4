using System.Globalization;
using System.Xml.Linq;
using Planner.Api.Planning;
using Planner.Solver.Forecasting;

namespace Planner.Api.Forecasts;

/// <summary>
/// One driver drawn as SVG on the server: the days observed as a solid line, the forecast's P10–P90 band as a shaded
/// fan opening from the last observation, its P50 dashed, optionally a second series (demand's P50) to compare with,
/// and a rule at the as-of day. Every point carries a tooltip with its figures.
/// </summary>
public static class FanChart
{
    public const int Width = 680;
    public const int Height = 260;
    private const int Left = 70;
    private const int Right = 16;
    private const int Top = 30;
    private const int Bottom = 30;
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    /// <summary>A series drawn against the fan (e.g. demand), as its P50 per day.</summary>
    public sealed record Comparison(string Label, IReadOnlyList<ForecastDay> Days);

    /// <summary>The words a chart shows in the reader's language: the legend's, its tooltips' "observed" and the
    /// unit of days ahead, and the as-of rule's label (<c>{0}</c>: the day).</summary>
    public sealed record Labels(string Observed, string Forecast, string Band, string DaysAhead, string AsOf)
    {
        public static readonly Labels English = new("observed", "forecast P50", "P10–P90", "d", "as of {0}");
    }

    public static XElement Draw(
        string title,
        DateOnly asOf,
        DriverForecast driver,
        Comparison? against = null,
        Labels? labels = null
    )
    {
        labels ??= Labels.English;
        var days = driver.Observed.Select(o => o.Date).Concat(driver.Days.Select(d => d.Date)).ToList();
        if (against is not null)
            days.AddRange(against.Days.Select(d => d.Date));
        var first = days.Count == 0 ? asOf : days.Min();
        var last = days.Count == 0 ? asOf.AddDays(1) : days.Max();
        var top = NiceMax(
            driver
                .Observed.Select(o => o.Value)
                .Concat(driver.Days.Select(d => d.P90))
                .Concat(against?.Days.Select(d => d.P50) ?? [])
                .DefaultIfEmpty(0)
                .Max()
        );
        var scale = new Scale(first, Math.Max(1, last.DayNumber - first.DayNumber), top);
        var svg = new XElement(
            Svg + "svg",
            new XAttribute("role", "img"),
            new XAttribute("aria-label", title),
            new XAttribute("width", Width),
            new XAttribute("height", Height),
            new XAttribute("viewBox", $"0 0 {Width} {Height}"),
            new XAttribute("font-size", 11),
            new XElement(Svg + "title", title)
        );
        svg.Add(Axes(scale, asOf, labels));
        svg.Add(Fan(scale, driver));
        if (against is not null)
            svg.Add(Polyline(scale, against.Days.Select(d => (d.Date, d.P50)), "#9b1c1c", "against", null));
        svg.Add(Polyline(scale, driver.Days.Select(d => (d.Date, d.P50)), "#1f4e79", "p50", "6 4"));
        svg.Add(Polyline(scale, driver.Observed.Select(o => (o.Date, o.Value)), "#1f2933", "observed", null));
        svg.Add(Points(scale, driver, against, labels));
        svg.Add(Legend(against, labels));
        return svg;
    }

    /// <summary>The axis top: four times the smallest round step (1, 2, 2.5, 3, 4, 5, 6 or 8 × 10ⁿ) that covers
    /// the value in four steps, and at least 4.</summary>
    public static double NiceMax(double value)
    {
        if (value <= 0 || double.IsNaN(value))
            return 4;
        var raw = value / 4;
        var power = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var step = new[] { 1, 2, 2.5, 3, 4, 5, 6, 8, 10 }.Select(m => m * power).First(s => s >= raw - 1e-9);
        return Math.Max(4, step * 4);
    }

    private sealed record Scale(DateOnly First, int Days, double Max)
    {
        public double X(DateOnly date) => Left + (date.DayNumber - First.DayNumber) * (Width - Left - Right) / Days;

        public double Y(double value) => Top + (1 - Math.Max(0, value) / Max) * (Height - Top - Bottom);
    }

    private static IEnumerable<XElement> Axes(Scale scale, DateOnly asOf, Labels labels)
    {
        for (var i = 0; i <= 4; i++)
        {
            var value = scale.Max * i / 4;
            var y = scale.Y(value);
            yield return Line(Left, y, Width - Right, y, i == 0 ? "#7b8794" : "#e4ecf4", "grid");
            yield return Text(Left - 6, y + 4, Quantity(value), "end");
        }
        // A tick every week counted from the as-of day, so the as-of day and +7, +14 days are labelled.
        for (var day = ((asOf.DayNumber - scale.First.DayNumber) % 7 + 7) % 7; day <= scale.Days; day += 7)
        {
            var date = scale.First.AddDays(day);
            yield return Text(
                scale.X(date),
                Height - Bottom + 16,
                date.ToString("MM-dd", CultureInfo.InvariantCulture),
                "middle"
            );
        }
        var rule = scale.X(asOf);
        yield return Line(rule, Top - 4, rule, Height - Bottom, "#7b8794", "as-of", "2 3");
        var label = string.Format(
            CultureInfo.InvariantCulture,
            labels.AsOf,
            asOf.ToString("MM-dd", CultureInfo.InvariantCulture)
        );
        yield return Text(rule + 4, Top + 8, label, "start");
    }

    /// <summary>The P10–P90 band, opening from the last observation when it is the day before the forecast.</summary>
    private static XElement? Fan(Scale scale, DriverForecast driver)
    {
        if (driver.Days.Count == 0)
            return null;
        var upper = driver.Days.Select(d => (d.Date, d.P90)).ToList();
        var lower = driver.Days.Select(d => (d.Date, d.P10)).ToList();
        if (driver.Observed.Count > 0 && driver.Observed[^1].Date.AddDays(1) == driver.Days[0].Date)
        {
            var anchor = (driver.Observed[^1].Date, driver.Observed[^1].Value);
            upper.Insert(0, anchor);
            lower.Insert(0, anchor);
        }
        lower.Reverse();
        return new XElement(
            Svg + "polygon",
            new XAttribute("class", "fan"),
            new XAttribute("points", PointList(scale, upper.Concat(lower))),
            new XAttribute("fill", "#1f4e79"),
            new XAttribute("fill-opacity", "0.18"),
            new XElement(Svg + "title", "P10–P90")
        );
    }

    private static XElement? Polyline(
        Scale scale,
        IEnumerable<(DateOnly Date, double Value)> points,
        string colour,
        string css,
        string? dash
    )
    {
        var list = points.ToList();
        if (list.Count == 0)
            return null;
        var line = new XElement(
            Svg + "polyline",
            new XAttribute("class", css),
            new XAttribute("points", PointList(scale, list)),
            new XAttribute("fill", "none"),
            new XAttribute("stroke", colour),
            new XAttribute("stroke-width", 2)
        );
        if (dash is not null)
            line.Add(new XAttribute("stroke-dasharray", dash));
        return line;
    }

    /// <summary>A dot per day with the day's figures as its tooltip.</summary>
    private static IEnumerable<XElement> Points(Scale scale, DriverForecast driver, Comparison? against, Labels labels)
    {
        var demand = against?.Days.ToDictionary(d => d.Date, d => d.P50) ?? [];
        foreach (var o in driver.Observed)
            yield return Dot(
                scale,
                o.Date,
                o.Value,
                "#1f2933",
                $"{Day(o.Date)}: {Quantity(o.Value)} {labels.Observed}"
            );
        foreach (var d in driver.Days)
        {
            var tip =
                $"{Day(d.Date)} (+{d.Horizon} {labels.DaysAhead}): P50 {Quantity(d.P50)}, "
                + $"P10–P90 {Quantity(d.P10)}–{Quantity(d.P90)}";
            if (demand.TryGetValue(d.Date, out var need))
                tip += $"; {against!.Label} {Quantity(need)}";
            yield return Dot(scale, d.Date, d.P50, "#1f4e79", tip);
        }
    }

    private static XElement Dot(Scale scale, DateOnly date, double value, string colour, string tip) =>
        new(
            Svg + "circle",
            new XAttribute("cx", Format(scale.X(date))),
            new XAttribute("cy", Format(scale.Y(value))),
            new XAttribute("r", 3),
            new XAttribute("fill", colour),
            new XElement(Svg + "title", tip)
        );

    private static XElement Legend(Comparison? against, Labels labels)
    {
        var items = new List<(string Label, string Colour, string? Dash, bool Band)>
        {
            (labels.Observed, "#1f2933", null, false),
            (labels.Forecast, "#1f4e79", "6 4", false),
            (labels.Band, "#1f4e79", null, true),
        };
        if (against is not null)
            items.Add((against.Label, "#9b1c1c", null, false));
        var legend = new XElement(Svg + "g", new XAttribute("class", "legend"));
        var x = (double)Left;
        foreach (var (label, colour, dash, band) in items)
        {
            legend.Add(
                band
                    ? new XElement(
                        Svg + "rect",
                        new XAttribute("x", Format(x)),
                        new XAttribute("y", 8),
                        new XAttribute("width", 22),
                        new XAttribute("height", 10),
                        new XAttribute("fill", colour),
                        new XAttribute("fill-opacity", "0.18")
                    )
                    : Line(x, 13, x + 22, 13, colour, "key", dash)
            );
            legend.Add(Text(x + 27, 17, label, "start"));
            // A Chinese character is about twice as wide as a Latin letter at this size.
            x += 40 + label.Sum(c => c > '\u2e80' ? 11.0 : 6.5);
        }
        return legend;
    }

    private static XElement Line(
        double x1,
        double y1,
        double x2,
        double y2,
        string colour,
        string css,
        string? dash = null
    )
    {
        var line = new XElement(
            Svg + "line",
            new XAttribute("class", css),
            new XAttribute("x1", Format(x1)),
            new XAttribute("y1", Format(y1)),
            new XAttribute("x2", Format(x2)),
            new XAttribute("y2", Format(y2)),
            new XAttribute("stroke", colour),
            new XAttribute("stroke-width", css == "key" ? 2 : 1)
        );
        if (dash is not null)
            line.Add(new XAttribute("stroke-dasharray", dash));
        return line;
    }

    private static XElement Text(double x, double y, string text, string anchor) =>
        new(
            Svg + "text",
            new XAttribute("x", Format(x)),
            new XAttribute("y", Format(y)),
            new XAttribute("text-anchor", anchor),
            new XAttribute("fill", "#52606d"),
            text
        );

    private static string PointList(Scale scale, IEnumerable<(DateOnly Date, double Value)> points) =>
        string.Join(' ', points.Select(p => $"{Format(scale.X(p.Date))},{Format(scale.Y(p.Value))}"));

    private static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>A quantity as people read it: thousands separated, a decimal only below ten.</summary>
    public static string Quantity(double value) =>
        value.ToString(Math.Abs(value) < 10 ? "#,0.#" : "#,0", CultureInfo.InvariantCulture);

    private static string Format(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}
