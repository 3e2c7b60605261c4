using System.ComponentModel.DataAnnotations;

namespace Planner.Api.Workbooks;

/// <summary>What a run publishes (<c>Planner:Workbooks:*</c>).</summary>
public sealed class WorkbookOptions
{
    public const string Section = "Planner:Workbooks";

    /// <summary>One workbook per city besides the province's (about 9 s for Zhejiang's 11 on 2 cores).</summary>
    public bool Cities { get; set; } = true;

    /// <summary>The days a city workbook's <c>Villages by day</c> lists one by one (the rest of the horizon is one
    /// line per village): the plan is re-run daily, so later days change before the towns deliver them.</summary>
    [Range(1, 60)]
    public int VillageDays { get; set; } = 3;
}
