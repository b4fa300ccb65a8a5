using System.Text.Json.Nodes;
using KaizalaBatch.Diagnostics;

namespace KaizalaBatch.RunFiles;

/// <summary>One node of the run file as written, with the place it was written. Templating compiles these;
/// every error found later can point back at the file, line and column (the actions/runner TemplateToken idea).</summary>
public abstract record Token(SourceLocation Location);

/// <summary>A YAML scalar that resolved to a string (quoted, or plain and not a number/boolean/null).</summary>
/// <param name="ContentLine">1-based line where the string's first character sits.</param>
/// <param name="ContentColumn">1-based column where the string's first character sits (after an opening quote).</param>
public sealed record StringToken(string Value, SourceLocation Location, int ContentLine, int ContentColumn) : Token(Location)
{
    public override string ToString() => Value;
}

/// <summary>A plain YAML scalar that resolved to a number, a boolean or null; <see cref="Value"/> is null for null.</summary>
public sealed record LiteralToken(JsonValue? Value, string Text, SourceLocation Location) : Token(Location);

public sealed record SequenceToken(IReadOnlyList<Token> Items, SourceLocation Location) : Token(Location);

public sealed record MappingEntry(StringToken Key, Token Value);

public sealed record MappingToken(IReadOnlyList<MappingEntry> Entries, SourceLocation Location) : Token(Location)
{
    public Token? this[string key]
    {
        get
        {
            foreach (var entry in Entries)
            {
                if (entry.Key.Value == key)
                {
                    return entry.Value;
                }
            }
            return null;
        }
    }

    public MappingEntry? Entry(string key)
    {
        foreach (var entry in Entries)
        {
            if (entry.Key.Value == key)
            {
                return entry;
            }
        }
        return null;
    }
}
