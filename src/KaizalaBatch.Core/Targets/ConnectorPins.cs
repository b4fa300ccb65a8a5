using KaizalaBatch.Diagnostics;

namespace KaizalaBatch.Targets;

/// <summary><c>targets.connector</c>: the column that pins an item to one connector of the pool (a group token reaches only
/// its own group, so an item for that group must go through it).</summary>
public static class ConnectorPins
{
    /// <summary>The connector the item made of <paramref name="group"/> is pinned to: its first row's cell, trimmed; null
    /// when the cell is empty (any connector). A name the pool does not have, or grouped rows that name different
    /// connectors, is an error on the item (in <paramref name="errors"/>), so it is never sent through another.</summary>
    /// <param name="column">The connector column's name.</param>
    /// <param name="connectors">The pool's connector names.</param>
    public static string? Pin(TargetGroup group, string column, IReadOnlyCollection<string> connectors, SourceLocation location, object description,
        List<Diagnostic> errors)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(connectors);
        ArgumentNullException.ThrowIfNull(location);
        ArgumentNullException.ThrowIfNull(errors);
        var first = group.First;
        var pin = first[column]?.Trim();
        foreach (var member in group.Grouped ? group.Rows : [])
        {
            if (!string.Equals(member[column]?.Trim(), pin, StringComparison.Ordinal))
            {
                errors.Add(Diagnostic.Error(DiagnosticCodes.UnknownConnector,
                    $"rows {first.Row} and {member.Row} are grouped together but name different connectors ({description})",
                    new SourceLocation(location.File, (int)member.Line, Row: member.Row, Field: column)));
                break;
            }
        }
        if (string.IsNullOrEmpty(pin))
        {
            return null;
        }
        if (!connectors.Contains(pin))
        {
            errors.Add(Diagnostic.Error(DiagnosticCodes.UnknownConnector,
                $"the connector '{pin}' is not in connection.connectors{Suggestion.DidYouMean(pin, connectors)}; it has {string.Join(", ", connectors.Select(c => $"'{c}'"))} ({description})",
                location with { Field = column }));
        }
        return pin;
    }
}
