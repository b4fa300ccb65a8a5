using System.Text;
using System.Text.Json;
using KaizalaBatch.Diagnostics;
using KaizalaBatch.RunFiles;
using NJsonSchema;
using NJsonSchema.Validation;

namespace KaizalaBatch.Core.Tests;

/// <summary>The run file's schema check as it was before it had a validator of its own: NJsonSchema's validator over the
/// tree written out as JSON with one token per line (each error's JSON line mapped back to its YAML token), and the same
/// flattening and messages. Kept verbatim as the reference <see cref="SchemaCheck"/> must agree with
/// (<see cref="SchemaCheckReferenceTests"/>); the schema is read by NJsonSchema's own reader.</summary>
internal sealed class NJsonSchemaReference
{
    private readonly JsonSchema schema;
    private readonly List<(System.Text.RegularExpressions.Regex Type, JsonSchema Body)> bodies = [];

    public NJsonSchemaReference()
    {
        schema = JsonSchema.FromJsonAsync(RunFileLoader.SchemaJson).GetAwaiter().GetResult();
        foreach (var (type, definition) in SchemaCheck.BodyDefinitions())
        {
            bodies.Add((type, schema.Definitions[definition]));
        }
    }

    public List<Diagnostic> Check(Token root)
    {
        var diagnostics = new List<Diagnostic>();
        Validate(schema, root, "", diagnostics);
        if ((root as MappingToken)?["actions"] is not SequenceToken actions)
        {
            return diagnostics;
        }
        for (var i = 0; i < actions.Items.Count; i++)
        {
            if (actions.Items[i] is MappingToken action && action["type"] is StringToken type && action["body"] is MappingToken body
                && bodies.FirstOrDefault(b => b.Type.IsMatch(type.Value)).Body is { } definition)
            {
                Validate(definition, body, $"actions[{i}].body", diagnostics);
            }
        }
        return diagnostics;
    }

    private static void Validate(JsonSchema against, Token token, string prefix, List<Diagnostic> diagnostics)
    {
        var json = new StringBuilder();
        var lines = new List<SourceLocation>();
        Write(token, json, lines);
        var errors = against.Validate(json.ToString());
        foreach (var error in Flatten(errors).OrderBy(e => e.LineNumber).ThenBy(e => e.LinePosition))
        {
            var location = error.HasLineInfo && error.LineNumber >= 1 && error.LineNumber <= lines.Count
                ? lines[error.LineNumber - 1]
                : token.Location;
            diagnostics.Add(Diagnostic.Error(DiagnosticCodes.Schema, Describe(error, prefix), location));
        }
    }

    /// <summary>An invalid list item or property carries the real reasons as child errors: report those. anyOf
    /// failures (the action type) are reported once, as themselves.</summary>
    private static IEnumerable<ValidationError> Flatten(IEnumerable<ValidationError> errors)
    {
        foreach (var error in errors)
        {
            // A value that may be of several types (a field or a template string): an object or a list is judged as one.
            if (error is MultiTypeValidationError multi && error.Kind == ValidationErrorKind.NoTypeValidates
                && error.Token?.Type is Newtonsoft.Json.Linq.JTokenType.Object or Newtonsoft.Json.Linq.JTokenType.Array
                && multi.Errors.TryGetValue(error.Token.Type == Newtonsoft.Json.Linq.JTokenType.Object ? JsonObjectType.Object : JsonObjectType.Array, out var asThatType)
                && asThatType.Count > 0)
            {
                foreach (var inner in Flatten(asThatType))
                {
                    yield return inner;
                }
                continue;
            }
            // anyOf alternatives of different types (a mediaResource: a string, or { file }): judge the value by the one
            // alternative of its own type, so that the message says what is wrong with it.
            if (error is ChildSchemaValidationError alternatives && error.Kind == ValidationErrorKind.NotAnyOf
                && alternatives.Errors.Where(e => OfType(e.Key, error.Token)).ToList() is [var sameType] && sameType.Value.Count > 0)
            {
                foreach (var inner in Flatten(sameType.Value))
                {
                    yield return inner;
                }
                continue;
            }
            if (error is ChildSchemaValidationError child && error.Kind is not (ValidationErrorKind.NotAnyOf or ValidationErrorKind.NotOneOf or ValidationErrorKind.NotAllOf))
            {
                foreach (var inner in Flatten(child.Errors.Values.SelectMany(e => e)))
                {
                    yield return inner;
                }
            }
            else
            {
                yield return error;
            }
        }
    }

    private static bool OfType(JsonSchema schema, Newtonsoft.Json.Linq.JToken? token) => token?.Type switch
    {
        Newtonsoft.Json.Linq.JTokenType.Object => schema.Type.HasFlag(JsonObjectType.Object),
        Newtonsoft.Json.Linq.JTokenType.Array => schema.Type.HasFlag(JsonObjectType.Array),
        Newtonsoft.Json.Linq.JTokenType.String => schema.Type.HasFlag(JsonObjectType.String),
        _ => false,
    };

    private static string Describe(ValidationError error, string prefix)
    {
        var path = DisplayPath(error.Path, prefix);
        var property = error.Property;
        // Name the value the user wrote, so that a typo is visible in the message itself; never under connection,
        // where a misplaced secret could be the value.
        var given = error.Token is { Type: not (Newtonsoft.Json.Linq.JTokenType.Object or Newtonsoft.Json.Linq.JTokenType.Array) } token
            && !path.StartsWith("connection", StringComparison.Ordinal)
            ? $" ('{token}' was given)"
            : "";
        return error.Kind switch
        {
            ValidationErrorKind.PropertyRequired => $"'{property}' is required{In(path, property)}",
            ValidationErrorKind.NoAdditionalPropertiesAllowed => $"'{property}' is not a known key{In(path, property)}{KnownKeys(error)}",
            ValidationErrorKind.NotAnyOf or ValidationErrorKind.NotInEnumeration when property == "type" =>
                $"'{path}' must be one of {string.Join(", ", SchemaCheck.ActionTypes)}{given}{Suggestion.DidYouMean(error.Token?.ToString() ?? "", SchemaCheck.ActionTypes)}",
            ValidationErrorKind.PatternMismatch when property is "applicationSecret" or "refreshToken" =>
                $"'{path}' must be written as ${{env:NAME}}: secrets never live in the run file",
            ValidationErrorKind.StringExpected => $"'{path}' must be a string{given}",
            ValidationErrorKind.IntegerExpected => $"'{path}' must be an integer{given}",
            ValidationErrorKind.BooleanExpected => $"'{path}' must be true or false{given}",
            ValidationErrorKind.ObjectExpected => $"'{path}' must be a mapping",
            ValidationErrorKind.ArrayExpected => $"'{path}' must be a list",
            ValidationErrorKind.NotInEnumeration => $"'{path}' is not one of the allowed values{given}",
            ValidationErrorKind.StringTooShort => $"'{path}' must not be empty",
            ValidationErrorKind.TooFewItems => $"'{path}' must have at least one entry",
            ValidationErrorKind.NumberTooSmall => $"'{path}' is too small{given}",
            ValidationErrorKind.NumberTooBig => $"'{path}' is too big{given}",
            ValidationErrorKind.PatternMismatch => $"'{path}' does not have the expected form{given}",
            _ => $"'{path}': {Humanise(error.Kind)}",
        };
    }

    private static string In(string path, string? property)
    {
        var parent = path;
        if (property is not null && parent == property)
        {
            parent = "";
        }
        else if (property is not null && parent.EndsWith("." + property, StringComparison.Ordinal))
        {
            parent = parent[..^(property.Length + 1)];
        }
        return parent is "" or "(root)" ? " at the top level" : $" in '{parent}'";
    }

    /// <summary>" (did you mean 'x'?); it takes a, b, c" from the object's own properties.</summary>
    private static string KnownKeys(ValidationError error)
    {
        var known = error.Schema?.ActualProperties.Keys.ToList() ?? [];
        return known.Count == 0 ? "" : $"{Suggestion.DidYouMean(error.Property ?? "", known)}; it takes {string.Join(", ", known)}";
    }

    private static string DisplayPath(string? path, string prefix)
    {
        var text = (path ?? "").TrimStart('#').TrimStart('/').Replace('/', '.');
        text = prefix.Length == 0 ? text : text.Length == 0 ? prefix : text.StartsWith('[') ? prefix + text : prefix + "." + text;
        return text.Length == 0 ? "(root)" : text;
    }

    private static string Humanise(ValidationErrorKind kind)
    {
        var name = kind.ToString();
        var text = new StringBuilder();
        foreach (var c in name)
        {
            if (char.IsUpper(c) && text.Length > 0)
            {
                text.Append(' ');
            }
            text.Append(char.ToLowerInvariant(c));
        }
        return text.ToString();
    }

    private static void Write(Token token, StringBuilder json, List<SourceLocation> lines)
    {
        switch (token)
        {
            case MappingToken mapping:
                Line(json, lines, "{", mapping.Location);
                for (var i = 0; i < mapping.Entries.Count; i++)
                {
                    var entry = mapping.Entries[i];
                    Line(json, lines, JsonSerializer.Serialize(entry.Key.Value) + ":", entry.Key.Location);
                    Write(entry.Value, json, lines);
                    if (i < mapping.Entries.Count - 1)
                    {
                        Line(json, lines, ",", entry.Value.Location);
                    }
                }
                Line(json, lines, "}", mapping.Location);
                break;
            case SequenceToken sequence:
                Line(json, lines, "[", sequence.Location);
                for (var i = 0; i < sequence.Items.Count; i++)
                {
                    Write(sequence.Items[i], json, lines);
                    if (i < sequence.Items.Count - 1)
                    {
                        Line(json, lines, ",", sequence.Items[i].Location);
                    }
                }
                Line(json, lines, "]", sequence.Location);
                break;
            case StringToken text:
                Line(json, lines, JsonSerializer.Serialize(text.Value), text.Location);
                break;
            case LiteralToken literal:
                Line(json, lines, literal.Value is null ? "null" : literal.Value.ToJsonString(), literal.Location);
                break;
            default:
                throw new InvalidOperationException($"unknown token {token.GetType().Name}");
        }
    }

    private static void Line(StringBuilder json, List<SourceLocation> lines, string text, SourceLocation location)
    {
        json.Append(text).Append('\n');
        lines.Add(location);
    }
}
