using Scriban.Syntax;

namespace KaizalaBatch.Templating;

/// <summary>Which CSV columns a template reads, from its syntax tree: <c>row.site</c>, <c>row["Store Name"]</c> and
/// <c>rows[0].site</c>. Reads it cannot see (a loop variable over <c>rows</c>, a computed column name) are not
/// counted, so an answer of exactly one column is what a message may name.</summary>
public static class TemplateColumns
{
    private const int MaxDepth = 256;

    /// <summary>The distinct columns <paramref name="node"/> reads, in the order first met.</summary>
    public static IReadOnlyList<string> Read(ScriptNode? node)
    {
        var columns = new List<string>();
        Walk(node, columns, 0);
        return columns;
    }

    private static void Walk(ScriptNode? node, List<string> columns, int depth)
    {
        if (node is null || depth > MaxDepth)
        {
            return;
        }
        var column = node switch
        {
            ScriptMemberExpression { Target: var target, Member: { } member } when IsRow(target) => member.Name,
            ScriptIndexerExpression { Target: var target, Index: ScriptLiteral { Value: string name } } when IsRow(target) => name,
            _ => null,
        };
        if (column is not null && !columns.Contains(column, StringComparer.Ordinal))
        {
            columns.Add(column);
        }
        for (var i = 0; i < node.ChildrenCount; i++)
        {
            Walk(node.GetChildren(i), columns, depth + 1);
        }
    }

    /// <summary><c>row</c>, or one element of <c>rows</c>.</summary>
    private static bool IsRow(ScriptExpression? target) => target switch
    {
        ScriptVariable { Name: "row" } => true,
        ScriptIndexerExpression { Target: ScriptVariable { Name: "rows" } } => true,
        _ => false,
    };
}
