namespace Planner.Api.Storage;

/// <summary>
/// The counts of a hospital's capacity report, in the column order of <c>capacity_reports</c>: the planner's table
/// (filled by the hospitals feed and by uploads) and the sample source's table of the same name.
/// </summary>
public static class CapacityCounts
{
    public static IReadOnlyList<string> Columns { get; } =
    [
        "beds_general_total",
        "beds_general_occupied",
        "beds_isolation_total",
        "beds_isolation_occupied",
        "beds_icu_total",
        "beds_icu_occupied",
        "severe_patients",
        "critical_patients",
        "ventilators_total",
        "ventilators_in_use",
        "ecmo_total",
        "ecmo_in_use",
        "staff_on_duty",
    ];
}
