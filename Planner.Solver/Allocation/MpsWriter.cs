using System.Globalization;
using System.Text;
using Google.OrTools.LinearSolver;

namespace Planner.Solver.Allocation;

/// <summary>
/// Writes a product model as it stands, with a stage's objective, in free MPS with round-trip number formatting,
/// so an external solver sees exactly the LP that was solved (names are the model's, made unique).
/// </summary>
/// <remarks>
/// Hand-written because OR-Tools' own MPS exporter keeps 6 significant digits: a fixed optimum such as
/// 1234567.89 comes out as 1.23457e+06, and CBC then finds the exported stage infeasible or its optimum moved, so it
/// could not confirm the tight stages (decision 0002). Every number here is written with "R" (round-trip).
/// </remarks>
internal static class MpsWriter
{
    public static string Write(
        string name,
        ProductModel model,
        string sense,
        IReadOnlyList<(Variable Var, double Coef)> objective
    )
    {
        var text = new StringBuilder();
        text.Append("NAME ").Append(name).Append('\n');
        text.Append("OBJSENSE\n    ").Append(sense == "max" ? "MAX" : "MIN").Append('\n');
        var rowNames = Unique(model.Rows.Select(r => r.Name));
        var varNames = Unique(model.Variables.Select(v => v.Name()));
        Rows(text, model, rowNames);
        Columns(text, model, objective, rowNames, varNames);
        RightHandSides(text, model, rowNames);
        Bounds(text, model, varNames);
        text.Append("ENDATA\n");
        return text.ToString();
    }

    private static void Rows(StringBuilder text, ProductModel model, List<string> rowNames)
    {
        text.Append("ROWS\n N  OBJ\n");
        for (var i = 0; i < model.Rows.Count; i++)
        {
            var (lb, ub) = (model.Rows[i].Constraint.Lb(), model.Rows[i].Constraint.Ub());
            var type =
                lb == ub ? "E"
                : double.IsNegativeInfinity(lb) ? "L"
                : "G";
            text.Append(' ').Append(type).Append("  ").Append(rowNames[i]).Append('\n');
        }
    }

    private static void Columns(
        StringBuilder text,
        ProductModel model,
        IReadOnlyList<(Variable Var, double Coef)> objective,
        List<string> rowNames,
        List<string> varNames
    )
    {
        var columns = new Dictionary<Variable, List<(string Row, double Coef)>>();
        foreach (var v in model.Variables)
            columns[v] = [];
        var objectiveTerms = new Dictionary<Variable, double>();
        foreach (var (v, coef) in objective)
            objectiveTerms[v] = objectiveTerms.GetValueOrDefault(v) + coef;
        foreach (var (v, coef) in objectiveTerms.Where(t => t.Value != 0))
            columns[v].Add(("OBJ", coef));
        for (var i = 0; i < model.Rows.Count; i++)
        {
            foreach (var (v, coef) in model.Rows[i].Terms.Where(t => t.Coef != 0))
                columns[v].Add((rowNames[i], coef));
        }
        text.Append("COLUMNS\n");
        for (var j = 0; j < model.Variables.Count; j++)
        {
            var entries = columns[model.Variables[j]];
            // A variable in no row (a released fill rate) is still declared, since BOUNDS names it.
            if (entries.Count == 0)
                entries.Add(("OBJ", 0));
            foreach (var (row, coef) in entries)
                text.Append("    ")
                    .Append(varNames[j])
                    .Append(' ')
                    .Append(row)
                    .Append(' ')
                    .Append(Number(coef))
                    .Append('\n');
        }
    }

    private static void RightHandSides(StringBuilder text, ProductModel model, List<string> rowNames)
    {
        text.Append("RHS\n");
        var ranges = new StringBuilder();
        for (var i = 0; i < model.Rows.Count; i++)
        {
            var (lb, ub) = (model.Rows[i].Constraint.Lb(), model.Rows[i].Constraint.Ub());
            var rhs = double.IsNegativeInfinity(lb) ? ub : lb;
            if (rhs != 0 && double.IsFinite(rhs))
                text.Append("    RHS ").Append(rowNames[i]).Append(' ').Append(Number(rhs)).Append('\n');
            if (lb != ub && double.IsFinite(lb) && double.IsFinite(ub))
                ranges.Append("    RNG ").Append(rowNames[i]).Append(' ').Append(Number(ub - lb)).Append('\n');
        }
        if (ranges.Length > 0)
            text.Append("RANGES\n").Append(ranges);
    }

    private static void Bounds(StringBuilder text, ProductModel model, List<string> varNames)
    {
        text.Append("BOUNDS\n");
        for (var j = 0; j < model.Variables.Count; j++)
        {
            var (lb, ub) = (model.Variables[j].Lb(), model.Variables[j].Ub());
            var n = varNames[j];
            if (lb == ub)
            {
                Bound("FX", n, lb);
                continue;
            }
            if (double.IsNegativeInfinity(lb) && double.IsPositiveInfinity(ub))
            {
                text.Append(" FR BND ").Append(n).Append('\n');
                continue;
            }
            if (double.IsNegativeInfinity(lb))
                text.Append(" MI BND ").Append(n).Append('\n');
            else if (lb != 0)
                Bound("LO", n, lb);
            if (double.IsFinite(ub))
                Bound("UP", n, ub);
        }

        void Bound(string kind, string variable, double value) =>
            text.Append(' ')
                .Append(kind)
                .Append(" BND ")
                .Append(variable)
                .Append(' ')
                .Append(Number(value))
                .Append('\n');
    }

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>MPS names must be unique and free of spaces.</summary>
    private static List<string> Unique(IEnumerable<string> names)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        return names
            .Select(n =>
            {
                n = n.Replace(' ', '_');
                var count = seen[n] = seen.GetValueOrDefault(n) + 1;
                return count == 1 ? n : $"{n}#{count}";
            })
            .ToList();
    }
}
