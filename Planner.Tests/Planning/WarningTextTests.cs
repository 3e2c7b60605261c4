using Planner.Api.Localization;
using Planner.Solver.Forecasting;
using RegionInfo = Planner.Api.Planning.RegionInfo;

namespace Planner.Tests.Planning;

/// <summary>The plan's data warnings as people read them (<see cref="WarningText"/>): from the solver's code, days and
/// numbers, in the current language, the series named by its county and what it counts.</summary>
public class WarningTextTests
{
    private static readonly DateOnly Feb8 = new(2020, 2, 8);

    private static readonly Dictionary<string, RegionInfo> Regions = new(StringComparer.Ordinal)
    {
        ["330302"] = new RegionInfo
        {
            Code = "330302",
            Name = "鹿城区",
            NameEn = "Lucheng District",
            Level = "county",
        },
    };

    public static TheoryData<string, string, string> Warnings =>
        new()
        {
            {
                ForecastWarnings.NegativeRevision,
                "鹿城区确诊病例累计数由2月8日的1051降至2月9日的41，2月9日新增按0计。",
                "Lucheng District cumulative confirmed cases went down from 1051 on 2020-02-08 to 41 on 2020-02-09; "
                    + "new count on 2020-02-09 taken as 0."
            },
            {
                ForecastWarnings.NoHistory,
                "鹿城区确诊病例累计数在2月9日及以前无数据，预测按12.5起算。",
                "Lucheng District cumulative confirmed cases has no data on or before 2020-02-09; forecast from 12.5."
            },
            {
                ForecastWarnings.StaleHistory,
                "鹿城区确诊病例累计数自2月9日至2月9日无数据，预测自2月8日的数据起算。",
                "Lucheng District cumulative confirmed cases has no data from 2020-02-09 to 2020-02-09; forecast from "
                    + "2020-02-08."
            },
            {
                ForecastWarnings.NegativeValue,
                "鹿城区确诊病例累计数在2月8日至2月9日间有2个负值，按0计。",
                "Lucheng District cumulative confirmed cases has 2 negative value(s) between 2020-02-08 and "
                    + "2020-02-09; read as 0."
            },
            {
                ForecastWarnings.ClampedNegative,
                "鹿城区确诊病例累计数的预测值在2月8日至2月9日间低于0，按0计。",
                "The forecast of Lucheng District cumulative confirmed cases went below 0 between 2020-02-08 and "
                    + "2020-02-09; clamped to 0."
            },
        };

    [Theory]
    [MemberData(nameof(Warnings))]
    public void EachForecastWarning_ReadsInChineseAndInEnglish(string code, string chinese, string english)
    {
        var warning = new ForecastWarning(code, "330302 confirmed", Feb8, Feb8.AddDays(1), "machine text")
        {
            Before = 1051,
            After = 41,
            Count = 2,
            Fallback = 12.5,
        };

        string Read(string language)
        {
            using (Texts.Use(language))
                return WarningText.Sentence(warning, WarningText.Series(warning.Series, Regions));
        }

        Assert.Equal((chinese, english), (Read("zh-CN"), Read("en")));
    }

    [Fact]
    public void ADepotsOverdrawnStock_AndASuppliersOutput_ReadInChineseAndInEnglish()
    {
        string Read(string language)
        {
            var (depot, product) = language == "en" ? ("Wenzhou", "N95 respirators") : ("温州市", "N95口罩");
            using (Texts.Use(language))
                return WarningText.Overdrawn(depot, product, 12500)
                    + " "
                    + WarningText.Sentence(
                        new(ForecastWarnings.StaleHistory, "S01 N95", Feb8, Feb8.AddDays(3), "machine text"),
                        WarningText.Output("S01", product)
                    );
        }

        Assert.Equal(
            "温州市储备库N95口罩：此前计划调出量比库存报告数与其后产量之和多12,500，期初库存按0计。 "
                + "供应商S01的N95口罩日产量自2月9日至2月11日无数据，预测自2月8日的数据起算。",
            Read("zh-CN")
        );
        Assert.Equal(
            "Depot Wenzhou, N95 respirators: earlier plans sent 12,500 more than its stock report and the production "
                + "since; its opening stock is taken as 0. Supplier S01's daily output of N95 respirators has no data "
                + "from 2020-02-09 to 2020-02-11; forecast from 2020-02-08.",
            Read("en")
        );
    }

    [Fact]
    public void ASeriesItCannotName_StaysAsItIs_AndAWarningMadeInPlannerApi_KeepsItsSentence()
    {
        var made = new ForecastWarning(DemandDrivers.NoReports, "330302", Feb8, Feb8, "鹿城区……");

        using (Texts.Use("zh-CN"))
        {
            Assert.Equal("鹿城区", WarningText.Series("330302", Regions));
            Assert.Equal("999999 confirmed", WarningText.Series("999999 confirmed", Regions));
            Assert.Equal("330302 something else", WarningText.Series("330302 something else", Regions));
            Assert.Equal("鹿城区……", WarningText.Sentence(made, "鹿城区"));
        }
    }
}
