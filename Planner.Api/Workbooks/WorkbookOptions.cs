using Microsoft.Extensions.Options;
using Planner.Api.Localization;

namespace Planner.Api.Workbooks;

/// <summary>What a run publishes (<c>Planner:Workbooks:*</c>).</summary>
public sealed class WorkbookOptions
{
    public const string Section = "Planner:Workbooks";

    /// <summary>The most days <see cref="VillageDays"/> may list one by one.</summary>
    public const int MaxVillageDays = 60;

    /// <summary>One workbook per city besides the province's (about 9 s for Zhejiang's 11 on 2 cores).</summary>
    public bool Cities { get; set; } = true;

    /// <summary>The days a city workbook's <c>Villages by day</c> lists one by one (the rest of the horizon is one
    /// line per village): the plan is re-run daily, so later days change before the towns deliver them. From 1 to
    /// <see cref="MaxVillageDays"/>.</summary>
    public int VillageDays { get; set; } = 3;

    internal sealed class Validator : IValidateOptions<WorkbookOptions>
    {
        public ValidateOptionsResult Validate(string? name, WorkbookOptions o) =>
            o.VillageDays is >= 1 and <= MaxVillageDays
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail(
                    SettingErrors.Get("Between", $"{Section}:VillageDays", o.VillageDays, 1, MaxVillageDays)
                );
    }
}
