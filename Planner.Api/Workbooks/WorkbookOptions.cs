namespace Planner.Api.Workbooks;

/// <summary>What a run publishes (<c>Planner:Workbooks:*</c>).</summary>
public sealed class WorkbookOptions
{
    public const string Section = "Planner:Workbooks";

    /// <summary>One workbook per city besides the province's (about 9 s for Zhejiang's 11 on 2 cores).</summary>
    public bool Cities { get; set; } = true;
}
