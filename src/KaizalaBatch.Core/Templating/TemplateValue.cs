using KaizalaBatch.Diagnostics;
using Scriban;
using Scriban.Syntax;

namespace KaizalaBatch.Templating;

/// <summary>A run file value compiled for rendering: literals stay literals (the fast path), strings with
/// <c>{{</c> are parsed once, and mappings and sequences keep their shape.</summary>
public abstract record TemplateValue(SourceLocation Location)
{
    /// <summary>Whether rendering can give a different result per row.</summary>
    public abstract bool IsTemplated { get; }
}

/// <summary>A value without any template: a string, number, boolean or null as written.</summary>
public sealed record ConstantValue(object? Value, SourceLocation Location) : TemplateValue(Location)
{
    public override bool IsTemplated => false;
}

/// <summary>A string that is exactly one <c>{{ expression }}</c>: rendering keeps the value's type.</summary>
public sealed record ExpressionValue(string Source, ScriptExpression Expression, SourceLocation Location) : TemplateValue(Location)
{
    public override bool IsTemplated => true;
}

/// <summary>Any other string with <c>{{</c>: rendering gives text.</summary>
public sealed record TextTemplateValue(string Source, Template Template, SourceLocation Location) : TemplateValue(Location)
{
    public override bool IsTemplated => true;
}

public sealed record ObjectValue(IReadOnlyList<KeyValuePair<string, TemplateValue>> Properties, SourceLocation Location) : TemplateValue(Location)
{
    public override bool IsTemplated { get; } = Properties.Any(p => p.Value.IsTemplated);
}

public sealed record ArrayValue(IReadOnlyList<TemplateValue> Items, SourceLocation Location) : TemplateValue(Location)
{
    public override bool IsTemplated { get; } = Items.Any(i => i.IsTemplated);
}
