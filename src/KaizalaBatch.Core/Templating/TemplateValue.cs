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
public sealed record ExpressionValue(string Source, ScriptExpression Expression, SourceLocation Location, TemplateOrigin Origin) : TemplateValue(Location)
{
    public override bool IsTemplated => true;
}

/// <summary>Any other string with <c>{{</c>: rendering gives text.</summary>
public sealed record TextTemplateValue(string Source, Template Template, SourceLocation Location, TemplateOrigin Origin) : TemplateValue(Location)
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

/// <summary>Where a template's text starts in its file (1-based), so that a place inside the template (a Scriban span)
/// maps back to the run file's (or template file's) line and column.</summary>
public sealed record TemplateOrigin(string File, int Line, int Column)
{
    /// <summary>The file position of a 0-based Scriban position; Scriban puts errors at the end of the text at line -1,
    /// which points at the template's start.</summary>
    public SourceLocation At(Scriban.Parsing.TextPosition position) =>
        position.Line < 0 ? new SourceLocation(File, Line, Column)
        : position.Line == 0 ? new SourceLocation(File, Line, Column + position.Column)
        : new SourceLocation(File, Line + position.Line, position.Column + 1);
}
