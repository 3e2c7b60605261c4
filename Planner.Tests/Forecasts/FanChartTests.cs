using System.Globalization;
using System.Xml.Linq;
using Planner.Api.Forecasts;
using Planner.Api.Planning;
using Planner.Solver.Forecasting;

namespace Planner.Tests.Forecasts;

/// <summary>The fan chart's SVG, read back as XML: where its band, lines, rule and tooltips fall.</summary>
public class FanChartTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";
    private static readonly DateOnly AsOf = new(2020, 2, 16);

    /// <summary>Three days observed (80, 76, 73), three forecast, falling, in a band widening 20, 40, 60.</summary>
    private static DriverForecast Falling() =>
        new(
            "severe_critical",
            "330000",
            null,
            [new(AsOf.AddDays(-2), 80), new(AsOf.AddDays(-1), 76), new(AsOf, 73)],
            [
                new(AsOf.AddDays(1), 1, 60, 70, 80),
                new(AsOf.AddDays(2), 2, 47, 67, 87),
                new(AsOf.AddDays(3), 3, 34, 64, 94),
            ]
        );

    [Fact]
    public void TheFan_OpensFromTheLastObservation_AndWidensWithTheHorizon()
    {
        var svg = FanChart.Draw("Severe and critical", AsOf, Falling());

        var fan = Points(svg, "polygon", "fan");
        // Upper edge: the last observation, then P90 of days 1-3; lower edge back: P10 of days 3-1, the observation.
        Assert.Equal(8, fan.Count);
        Assert.Equal(fan[0], fan[^1]);
        var widths = Enumerable.Range(1, 3).Select(i => fan[^(i + 1)].Y - fan[i].Y).ToList();
        Assert.Equal(widths.Order(), widths);
        Assert.True(widths[0] > 0);
        // The y axis reaches 100 (the top of four round steps above 94): P90 of day 3 (94) is 6 % below the top.
        Assert.Equal(Y(94), fan[3].Y, 1);
        var p50 = Points(svg, "polyline", "p50");
        Assert.Equal([Y(70), Y(67), Y(64)], p50.Select(p => Math.Round(p.Y, 1)));
        Assert.All(p50.Zip(fan.Skip(1).Take(3)), pair => Assert.True(pair.First.Y > pair.Second.Y));
    }

    [Fact]
    public void EveryPoint_HasItsFiguresAsATooltip_AndTheRuleMarksTheAsOfDay()
    {
        var svg = FanChart.Draw(
            "N95",
            AsOf,
            Falling(),
            new FanChart.Comparison("demand P50", [new(AsOf.AddDays(1), 1, 1200, 1250, 1300)])
        );

        var tips = svg.Descendants(Svg + "circle").Select(c => c.Element(Svg + "title")!.Value).ToList();
        Assert.Equal(6, tips.Count);
        Assert.Equal("2020-02-16: 73 observed", tips[2]);
        Assert.Equal("2020-02-17 (+1 d): P50 70, P10–P90 60–80; demand P50 1,250", tips[3]);
        Assert.Single(Points(svg, "polyline", "against"));
        var rule = svg.Descendants(Svg + "line").Single(l => (string?)l.Attribute("class") == "as-of");
        Assert.Equal(Points(svg, "polyline", "observed")[^1].X, double.Parse(rule.Attribute("x1")!.Value, Inv));
        Assert.Contains(svg.Descendants(Svg + "text"), t => t.Value == "as of 02-16");
        Assert.Contains(svg.Descendants(Svg + "text"), t => t.Value == "1,200");
    }

    [Fact]
    public void ADriverWithNoObservations_StillDrawsItsForecast()
    {
        var svg = FanChart.Draw("Demand", AsOf, Falling() with { Observed = [] });

        Assert.DoesNotContain(svg.Descendants(Svg + "polyline"), l => (string?)l.Attribute("class") == "observed");
        Assert.Equal(6, Points(svg, "polygon", "fan").Count);
    }

    [Theory]
    [InlineData(0, 4)]
    [InlineData(73, 80)]
    [InlineData(94, 100)]
    [InlineData(183, 200)]
    [InlineData(39_187, 40_000)]
    [InlineData(10_300_000, 12_000_000)]
    public void TheAxisTop_IsFourRoundSteps(double value, double top) => Assert.Equal(top, FanChart.NiceMax(value));

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Where a value falls on the 260 px chart with 30 px margins above and below and a top of 100.</summary>
    private static double Y(double value) => Math.Round(30 + (1 - value / 100) * 200, 1);

    private static List<(double X, double Y)> Points(XElement svg, string element, string css) =>
        svg.Descendants(Svg + element)
            .Single(e => (string?)e.Attribute("class") == css)
            .Attribute("points")!
            .Value.Split(' ')
            .Select(p => p.Split(','))
            .Select(p => (double.Parse(p[0], Inv), double.Parse(p[1], Inv)))
            .ToList();
}
