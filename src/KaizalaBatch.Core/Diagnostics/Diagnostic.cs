namespace KaizalaBatch.Diagnostics;

/// <summary>Where a user's mistake sits: a file and, when known, a line and column (YAML, templates)
/// or a CSV row and column name.</summary>
public sealed record SourceLocation(string File, int? Line = null, int? Column = null, long? Row = null, string? Field = null)
{
    public override string ToString()
    {
        var text = File;
        if (Line is { } line)
        {
            text += $":{line}";
            if (Column is { } column)
            {
                text += $":{column}";
            }
        }
        if (Row is { } row)
        {
            text += $" row {row}";
        }
        if (Field is { Length: > 0 } field)
        {
            text += $" [{field}]";
        }
        return text;
    }
}

public enum Severity
{
    Error,
    Warning,
}

/// <summary>A user's mistake as data: what is wrong and where. Never carries a stack trace or a secret.</summary>
/// <param name="Code">A short stable identifier such as <c>KB1001</c>, for docs and tests.</param>
public sealed record Diagnostic(Severity Severity, string Code, string Message, SourceLocation Location)
{
    public static Diagnostic Error(string code, string message, SourceLocation location) =>
        new(Severity.Error, code, message, location);

    public override string ToString() =>
        $"{Location}: {(Severity == Severity.Error ? "error" : "warning")} {Code}: {Message}";
}
