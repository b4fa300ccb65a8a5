namespace KaizalaBatch.Targets;

/// <summary>The columns of a CSV file, by position and by name.</summary>
public sealed class CsvColumns
{
    private readonly Dictionary<string, int> byName;

    public CsvColumns(IReadOnlyList<string> names)
    {
        Names = names;
        byName = new Dictionary<string, int>(names.Count, StringComparer.Ordinal);
        for (var i = 0; i < names.Count; i++)
        {
            byName.TryAdd(names[i], i);
        }
    }

    public IReadOnlyList<string> Names { get; }

    public int Count => Names.Count;

    /// <summary>The column's position, or -1. Exact match first, then ignoring case and surrounding spaces.</summary>
    public int IndexOf(string name)
    {
        if (byName.TryGetValue(name, out var index))
        {
            return index;
        }
        for (var i = 0; i < Names.Count; i++)
        {
            if (string.Equals(Names[i].Trim(), name.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }
        return -1;
    }
}

/// <summary>One CSV data row: its 1-based number (header excluded), the line it starts on, and its cells.</summary>
public sealed record TargetRow(long Row, long Line, CsvColumns Columns, string[] Values)
{
    public string this[int index] => Values[index];

    public string? this[string column] => Columns.IndexOf(column) is >= 0 and var i ? Values[i] : null;
}

/// <summary>The rows that become one item: one row, or every row sharing the <c>groupBy</c> value.</summary>
public sealed record TargetGroup(TargetRow First, IReadOnlyList<TargetRow> Rows, bool Grouped);
