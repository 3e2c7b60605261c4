using Planner.Solver.Forecasting;

namespace Planner.Tests.Forecasting;

public class BacktestTests
{
    /// <summary>
    /// Reports 10, 12, 12, 16; hold-last without a range (σ = 0) from days 1 and 2. Day 1 forecasts 10: errors 2 (day
    /// 2) and 2 (day 3). Day 2 forecasts 12: errors 0 (day 3) and 4 (day 4). Horizon 1: MAE 1, one of two exact;
    /// horizon 2: MAE 3, none. The one-step naive error up to day 2 is |12 − 10| = 2, so MASE = MAE / 2.
    /// </summary>
    [Fact]
    public void Run_ScoresEachHorizon_ByHand()
    {
        var series = Series.Daily("s", Series.Feb1, 10, 12, 12, 16);
        var holdLast = new Forecaster(new HoldLast(), new ForecastSettings { FallbackSigma = 0 });

        var rows = Backtest.Run([new BacktestSeries(series)], [holdLast], Series.Feb1, Series.Feb1.AddDays(1), 2);

        Assert.Equal([new("hold-last", 1, 2, 1, 0.5, 0.5), new BacktestRow("hold-last", 2, 2, 3, 1.5, 0)], rows);
    }

    [Fact]
    public void Run_SkipsOriginsWithoutHistory_AndScoresOnlyObservedDays()
    {
        var series = Series.Daily("s", Series.Feb1, [null, null, 5, null, 7]);
        var holdLast = new Forecaster(new HoldLast(), new ForecastSettings { FallbackSigma = 0 });

        var rows = Backtest.Run([new BacktestSeries(series)], [holdLast], Series.Feb1, Series.Feb1.AddDays(4), 2);

        // Days 1 and 2 have no history. Day 3 forecasts 5 for day 5 (horizon 2), day 4 for day 5 (horizon 1): error 2
        // each. The naive error is |7 − 5| / √2, the two reports being two days apart.
        var mase = 2 / (2 / Math.Sqrt(2));
        Assert.Equal([new("hold-last", 1, 1, 2, mase, 0), new BacktestRow("hold-last", 2, 1, 2, mase, 0)], rows);
    }

    [Fact]
    public void Markdown_PrintsOneRowAMethodAndHorizon()
    {
        BacktestRow[] rows = [new("case-driven", 7, 102, 1.984, 3.8, 0.7451), new("hold-last", 7, 0, 0, null, 0)];

        Assert.Equal(
            """
            | method | horizon | outcomes | MAE | MASE | P10–P90 coverage |
            |---|---:|---:|---:|---:|---:|
            | case-driven | 7 | 102 | 1.98 | 3.80 | 75% |
            | hold-last | 7 | 0 | 0.00 | – | 0% |

            """.ReplaceLineEndings(),
            Backtest.Markdown(rows)
        );
    }

    /// <summary>On a noisy epidemic that turns (fixed seed), the census fed by new cases beats holding the last count
    /// a week ahead by far, and its range holds most outcomes.</summary>
    [Fact]
    public void Run_OnASyntheticEpidemic_CaseDrivenCensusBeatsHoldLast()
    {
        var series = Enumerable.Range(0, 8).Select(seed => Synthetic(seed)).ToList();
        Forecaster[] forecasters = [new(new HoldLast()), new(new CaseDrivenCensus())];

        var rows = Backtest.Run(series, forecasters, Series.Feb1.AddDays(10), Series.Feb1.AddDays(35), 14);

        var week = rows.Where(r => r.Horizon == 7).ToDictionary(r => r.Method);
        Assert.True(
            week["case-driven"].Mae < 0.7 * week["hold-last"].Mae,
            $"{week["case-driven"]} vs {week["hold-last"]}"
        );
        Assert.InRange(week["case-driven"].Coverage, 0.6, 1);
    }

    private static BacktestSeries Synthetic(int seed)
    {
        var random = new Random(seed);
        double?[] cases = new double?[50],
            census = new double?[50];
        double inCare = 0;
        for (var t = 0; t < 50; t++)
        {
            var expected = 20 * Math.Exp(-Math.Pow(t - 12, 2) / 60.0);
            cases[t] = Math.Round(expected * (0.8 + 0.4 * random.NextDouble()));
            inCare = inCare * Math.Exp(-0.1) + 0.15 * cases[t]!.Value;
            census[t] = t % 2 == 0 ? Math.Round(inCare) : null;
        }
        return new(
            Series.Daily($"severe {seed}", Series.Feb1, census),
            Series.Daily($"cases {seed}", Series.Feb1, cases)
        );
    }
}
