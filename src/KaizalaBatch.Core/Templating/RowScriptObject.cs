using KaizalaBatch.Targets;
using Scriban;
using Scriban.Parsing;
using Scriban.Runtime;

namespace KaizalaBatch.Templating;

/// <summary>A CSV row as templates see it: <c>row.site</c> and <c>row["Store Name"]</c>, read-only, without copying
/// the cells into a dictionary per row.</summary>
internal sealed class RowScriptObject(TargetRow row) : IScriptObject
{
    public TargetRow Row { get; } = row;

    public int Count => Row.Columns.Count;

    public bool IsReadOnly { get => true; set { } }

    public IEnumerable<string> GetMembers() => Row.Columns.Names;

    public bool Contains(string member) => Row.Columns.IndexOf(member) >= 0;

    public bool TryGetValue(TemplateContext? context, SourceSpan span, string member, out object? value)
    {
        var index = Row.Columns.IndexOf(member);
        if (index < 0)
        {
            value = null;
            return false;
        }
        value = Row.Values[index];
        return true;
    }

    public bool CanWrite(string member) => false;

    public bool TrySetValue(TemplateContext? context, SourceSpan span, string member, object? value, bool readOnly) => false;

    public bool Remove(string member) => false;

    public void SetReadOnly(string member, bool readOnly)
    {
    }

    public IScriptObject Clone(bool deep) => this;

    public override string ToString() => string.Join(", ", Row.Columns.Names.Select((n, i) => $"{n}: {Row.Values[i]}"));
}
