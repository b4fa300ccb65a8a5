using KaizalaBatch.Diagnostics;
using KaizalaBatch.RunFiles;

namespace KaizalaBatch.Targets;

/// <summary><c>targets.where</c>: keeps the rows that pass, before any grouping. The test itself is a template, which
/// Templating evaluates; the caller hands it in (it reports its own render errors).</summary>
public static class RowFilter
{
    /// <param name="action">The action's name, for the warning.</param>
    /// <param name="passes">Whether one row passes <c>targets.where</c>.</param>
    /// <param name="report">Gets a warning when no row at all passes: the action then has no items, which is rarely meant.</param>
    public static IEnumerable<TargetRow> Where(IEnumerable<TargetRow> rows, string action, TargetsDefinition targets, Func<TargetRow, bool> passes,
        Action<Diagnostic> report)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(passes);
        ArgumentNullException.ThrowIfNull(report);
        return Filter(rows, action, targets, passes, report);
    }

    private static IEnumerable<TargetRow> Filter(IEnumerable<TargetRow> rows, string action, TargetsDefinition targets, Func<TargetRow, bool> passes,
        Action<Diagnostic> report)
    {
        long seen = 0, passed = 0;
        foreach (var row in rows)
        {
            seen++;
            if (passes(row))
            {
                passed++;
                yield return row;
            }
        }
        if (seen > 0 && passed == 0 && targets.Where is { } where)
        {
            report(new Diagnostic(Severity.Warning, DiagnosticCodes.NoRowSelected,
                $"targets.where '{where.Value}' is false for all {Counted.Of(seen, "row")} of {targets.DisplayFile}: action '{action}' has no items",
                where.Location));
        }
    }
}
