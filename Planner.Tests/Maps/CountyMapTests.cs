using System.Xml.Linq;
using Planner.Api.Maps;

namespace Planner.Tests.Maps;

public class CountyMapTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    /// <summary>Two unit squares side by side, sharing the edge x = 1.</summary>
    private static List<CountyShapes.County> Squares(string cityA, string cityB) =>
        [
            new(
                "A",
                "甲县",
                cityA,
                [
                    [(0, 0), (1, 0), (1, 1), (0, 1), (0, 0)],
                ]
            ),
            new(
                "B",
                "乙县",
                cityB,
                [
                    [(1, 0), (2, 0), (2, 1), (1, 1), (1, 0)],
                ]
            ),
        ];

    [Fact]
    public void CityBorders_AreTheOutline_PlusEdgesBetweenCities()
    {
        // Same city: the outline only (6 unit edges); different cities: the shared edge too.
        Assert.Equal(6, CountyMap.CityBorders(Squares("C1", "C1")).Count);
        var between = CountyMap.CityBorders(Squares("C1", "C2"));
        Assert.Equal(7, between.Count);
        Assert.Contains(((1.0, 0.0), (1.0, 1.0)), between);
    }

    [Fact]
    public void EachCounty_HasItsColourTooltipAndLink_AndTheLegendItsLabels()
    {
        var svg = CountyMap.Draw(
            "测试",
            Squares("C1", "C2"),
            new Dictionary<string, CountyMap.Shade> { ["A"] = new("#c62828", "甲县: 高风险", "/runs/r/counties/A") },
            [("#2e7d32", "低风险"), ("#c62828", "高风险")],
            "无数据"
        );

        var paths = svg.Descendants(Svg + "path").Where(p => p.Attribute("data-county") is not null).ToList();
        Assert.Equal(["A", "B"], paths.Select(p => (string)p.Attribute("data-county")!));
        Assert.Equal("#c62828", (string)paths[0].Attribute("fill")!);
        Assert.Equal("甲县: 高风险", paths[0].Element(Svg + "title")!.Value);
        Assert.Equal("/runs/r/counties/A", (string)paths[0].Parent!.Attribute("href")!);
        Assert.Equal("乙县: 无数据", paths[1].Element(Svg + "title")!.Value);
        Assert.Equal(Svg + "svg", paths[1].Parent!.Name);
        Assert.Equal(["低风险", "高风险"], svg.Descendants(Svg + "text").Select(t => t.Value));
        // Both squares fit the width, side by side: the left one from x = 8, the right one to x = 632.
        Assert.StartsWith("M8,", (string)paths[0].Attribute("d")!, StringComparison.Ordinal);
        Assert.Contains("L632,", (string)paths[1].Attribute("d")!, StringComparison.Ordinal);
    }
}
