using System.Globalization;

namespace KaizalaBatch.Diagnostics;

/// <summary>Names the source of an item in messages ("action 'survey', groups.csv row 3"). The text is only built
/// when a message needs it: rendering checks every row, and almost every row is fine.</summary>
public sealed class ItemOrigin(string action, string file, IReadOnlyList<long> rows, string? context = null)
{
    private string? text;

    public override string ToString() => text ??= Describe();

    private string Describe()
    {
        var where = rows.Count == 1
            ? $"{file} row {rows[0].ToString(CultureInfo.InvariantCulture)}"
            : $"{file} rows {string.Join(", ", rows.Select(r => r.ToString(CultureInfo.InvariantCulture)))}";
        return context is null ? $"action '{action}', {where}" : $"{context} of action '{action}', {where}";
    }
}
