using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using KaizalaBatch.Diagnostics;

namespace KaizalaBatch.RunFiles;

/// <summary>Checks a token tree against <c>runner.schema.json</c>: <see cref="SchemaValidator"/> judges, and each error
/// becomes a diagnostic at the run file's line and column of the value (or key) it is about, in the order they were
/// written.</summary>
internal sealed class SchemaCheck
{
    private const string ResourceName = "KaizalaBatch.runner.schema.json";

    public static string SchemaText { get; } = ReadSchemaText();

    /// <summary>The action types a run file may name (the schema's <c>type</c> enum), in PascalCase. The action rules
    /// (<c>ActionRegistry</c>) cover the same names, later in the pipeline; a test keeps the two lists equal.</summary>
    public static IReadOnlyList<string> ActionTypes { get; } = ReadActionTypes();

    // One parsed schema for the process (a few milliseconds).
    private static readonly Lazy<SchemaCheck> SharedCheck = new(() => new SchemaCheck(), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The schema check, parsed once per process.</summary>
    public static SchemaCheck Shared => SharedCheck.Value;

    /// <summary>Parses the schema (and compiles its patterns) ahead of the first check; for a host that preloads on a
    /// thread of its own.</summary>
    public static void Prepare() => _ = SharedCheck.Value;

    private readonly SchemaNode schema;

    /// <summary>Each action type's body definition, selected as the schema's own <c>if type matches then body is</c>
    /// rules say (read from the schema's text by <see cref="BodyDefinitions"/>).</summary>
    private readonly List<(Regex Type, SchemaNode Body)> bodies = [];

    private SchemaCheck()
    {
        schema = SchemaReader.Read(SchemaText, out var definitions);
        foreach (var (type, definition) in BodyDefinitions())
        {
            bodies.Add((type, definitions[definition]));
        }
    }

    /// <summary>The schema's selection of a body definition by action type: each <c>if: { type matches } then: { body:
    /// $ref }</c> of an action, as the type's pattern and the definition's name.</summary>
    public static IEnumerable<(Regex Type, string Definition)> BodyDefinitions()
    {
        using var document = JsonDocument.Parse(SchemaText);
        var selections = document.RootElement.GetProperty("properties").GetProperty("actions").GetProperty("items").GetProperty("allOf");
        var result = new List<(Regex, string)>();
        foreach (var selection in selections.EnumerateArray())
        {
            var pattern = selection.GetProperty("if").GetProperty("properties").GetProperty("type").GetProperty("pattern").GetString()!;
            var reference = selection.GetProperty("then").GetProperty("properties").GetProperty("body").GetProperty("$ref").GetString()!;
            result.Add((new Regex(pattern, RegexOptions.CultureInvariant), reference["#/definitions/".Length..]));
        }
        return result;
    }

    /// <summary>The PascalCase type <paramref name="written"/> names (in any case, surrounding spaces ignored), or null
    /// for a type the schema does not know.</summary>
    public static string? ActionType(string written)
    {
        var trimmed = written.Trim();
        foreach (var type in ActionTypes)
        {
            if (string.Equals(type, trimmed, StringComparison.OrdinalIgnoreCase))
            {
                return type;
            }
        }
        return null;
    }

    private static string[] ReadActionTypes()
    {
        using var document = JsonDocument.Parse(SchemaText);
        var type = document.RootElement.GetProperty("properties").GetProperty("actions").GetProperty("items").GetProperty("properties").GetProperty("type");
        var names = new List<string>();
        foreach (var name in type.GetProperty("anyOf")[0].GetProperty("enum").EnumerateArray())
        {
            names.Add(name.GetString()!);
        }
        return [.. names];
    }

    private static string ReadSchemaText()
    {
        using var stream = typeof(SchemaCheck).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"the embedded resource {ResourceName} is missing");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    /// <summary>Adds a diagnostic for each schema error of <paramref name="root"/>: the whole file's, then each action
    /// body's against its type's definition. The check only reads, so threads may share it.</summary>
    public void Check(Token root, List<Diagnostic> diagnostics)
    {
        var document = SchemaInstance.Of(root);
        Validate(schema, document, "", diagnostics);
        if (document.Kind != InstanceKind.Object || document["actions"] is not { Kind: InstanceKind.Array } actions)
        {
            return;
        }
        for (var i = 0; i < actions.Items.Count; i++)
        {
            if (actions.Items[i] is { Kind: InstanceKind.Object } action && action["type"] is { Kind: InstanceKind.String } type
                && action["body"] is { Kind: InstanceKind.Object } body && BodyFor(type.String) is { } definition)
            {
                Validate(definition, body, $"actions[{i}].body", diagnostics);
            }
        }
    }

    private SchemaNode? BodyFor(string type)
    {
        foreach (var (pattern, body) in bodies)
        {
            if (pattern.IsMatch(type))
            {
                return body;
            }
        }
        return null;
    }

    private static void Validate(SchemaNode against, SchemaInstance value, string prefix, List<Diagnostic> diagnostics)
    {
        var errors = new List<SchemaError>();
        Flatten(SchemaValidator.Validate(value, against.Actual, null, ""), errors);
        // In the order written (a stable sort: one value's errors keep theirs).
        foreach (var error in errors.OrderBy(e => e.Order))
        {
            diagnostics.Add(Diagnostic.Error(DiagnosticCodes.Schema, Describe(error, prefix), error.Place.Location));
        }
    }

    /// <summary>An invalid list item carries the real reasons as child errors: report those. anyOf failures (the action
    /// type) are reported once, as themselves.</summary>
    private static void Flatten(List<SchemaError> errors, List<SchemaError> into)
    {
        foreach (var error in errors)
        {
            // A value that may be of several types (a field or a template string): a mapping or a list is judged as one.
            if (error.Kind == SchemaErrorKind.NoTypeValidates && error.Value?.Kind is InstanceKind.Object or InstanceKind.Array
                && TypeOf(error.Value.Kind) is var own && error.ByType.FirstOrDefault(t => t.Type == own)?.Errors is { Count: > 0 } asThatType)
            {
                Flatten(asThatType, into);
                continue;
            }
            // anyOf alternatives of different types (a mediaResource: a string, or { file }): judge the value by the one
            // alternative of its own type, so that the message says what is wrong with it.
            if (error.Kind == SchemaErrorKind.NotAnyOf && error.Children.Where(c => OfType(c.Schema, error.Value)).ToList() is [var sameType]
                && sameType.Errors.Count > 0)
            {
                Flatten(sameType.Errors, into);
                continue;
            }
            if (error.Kind == SchemaErrorKind.ArrayItemNotValid)
            {
                foreach (var child in error.Children)
                {
                    Flatten(child.Errors, into);
                }
            }
            else
            {
                into.Add(error);
            }
        }
    }

    private static SchemaTypes TypeOf(InstanceKind kind) => kind == InstanceKind.Object ? SchemaTypes.Object : SchemaTypes.Array;

    /// <summary>Whether an alternative's own type (not a definition it refers to) is the value's.</summary>
    private static bool OfType(SchemaNode alternative, SchemaInstance? value) => value?.Kind switch
    {
        InstanceKind.Object => alternative.Types.HasFlag(SchemaTypes.Object),
        InstanceKind.Array => alternative.Types.HasFlag(SchemaTypes.Array),
        InstanceKind.String => alternative.Types.HasFlag(SchemaTypes.String),
        _ => false,
    };

    private static string Describe(SchemaError error, string prefix)
    {
        var path = DisplayPath("#/" + error.Path, prefix);
        var property = error.Property;
        // Name the value the user wrote, so that a typo is visible in the message itself; never under connection,
        // where a misplaced secret could be the value.
        var given = error.Value?.Text is { } text && !path.StartsWith("connection", StringComparison.Ordinal)
            ? $" ('{text}' was given)"
            : "";
        return error.Kind switch
        {
            SchemaErrorKind.PropertyRequired => $"'{property}' is required{In(path, property)}",
            SchemaErrorKind.NoAdditionalPropertiesAllowed => $"'{property}' is not a known key{In(path, property)}{KnownKeys(error)}",
            // A mapping or a list given as the type is never close to a type's name.
            SchemaErrorKind.NotAnyOf or SchemaErrorKind.NotInEnumeration when property == "type" =>
                $"'{path}' must be one of {string.Join(", ", ActionTypes)}{given}{Suggestion.DidYouMean(error.Value?.Text ?? "", ActionTypes)}",
            SchemaErrorKind.PatternMismatch when property is "applicationSecret" or "refreshToken" =>
                $"'{path}' must be written as ${{env:NAME}}: secrets never live in the run file",
            SchemaErrorKind.StringExpected => $"'{path}' must be a string{given}",
            SchemaErrorKind.IntegerExpected => $"'{path}' must be an integer{given}",
            SchemaErrorKind.BooleanExpected => $"'{path}' must be true or false{given}",
            SchemaErrorKind.ObjectExpected => $"'{path}' must be a mapping",
            SchemaErrorKind.ArrayExpected => $"'{path}' must be a list",
            SchemaErrorKind.NotInEnumeration => $"'{path}' is not one of the allowed values{given}",
            SchemaErrorKind.StringTooShort => $"'{path}' must not be empty",
            SchemaErrorKind.TooFewItems => $"'{path}' must have at least one entry",
            SchemaErrorKind.NumberTooSmall => $"'{path}' is too small{given}",
            SchemaErrorKind.NumberTooBig => $"'{path}' is too big{given}",
            SchemaErrorKind.PatternMismatch => $"'{path}' does not have the expected form{given}",
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

    /// <summary>" (did you mean 'x'?); it takes a, b, c" from the mapping's own properties.</summary>
    private static string KnownKeys(SchemaError error)
    {
        var known = error.Schema.Properties.Select(p => p.Key).ToList();
        return known.Count == 0 ? "" : $"{Suggestion.DidYouMean(error.Property ?? "", known)}; it takes {string.Join(", ", known)}";
    }

    private static string DisplayPath(string? path, string prefix)
    {
        var text = (path ?? "").TrimStart('#').TrimStart('/').Replace('/', '.');
        text = prefix.Length == 0 ? text : text.Length == 0 ? prefix : text.StartsWith('[') ? prefix + text : prefix + "." + text;
        return text.Length == 0 ? "(root)" : text;
    }

    private static string Humanise(SchemaErrorKind kind)
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
}
