using System.Globalization;
using System.Text.Json;

namespace KaizalaBatch.RunFiles;

/// <summary>The JSON kinds a run file's value has for the schema check.</summary>
internal enum InstanceKind
{
    Object,
    Array,
    String,
    Integer,
    Float,
    Boolean,
    Null,
}

/// <summary>One key of a mapping as the schema check sees it: its text, its token (where a misplaced key is reported)
/// and its place in the written order.</summary>
internal sealed record InstanceEntry(string Key, StringToken KeyToken, int KeyOrder, SchemaInstance Value);

/// <summary>A run file's token as a JSON value for the schema check, with its place in the document's written order
/// (a mapping, then each key followed by its value): errors are reported in that order. A token a YAML alias repeats gets
/// one instance per place, as it had one line per place in the JSON the check once wrote out.</summary>
internal sealed class SchemaInstance
{
    private SchemaInstance(Token token, InstanceKind kind, int order)
    {
        Token = token;
        Kind = kind;
        Order = order;
    }

    public Token Token { get; }

    public InstanceKind Kind { get; }

    public int Order { get; }

    public IReadOnlyList<InstanceEntry> Entries { get; private init; } = [];

    public IReadOnlyList<SchemaInstance> Items { get; private init; } = [];

    /// <summary>A string's value.</summary>
    public string String { get; private init; } = "";

    /// <summary>A number's value (an integer's exactly), as the validator compares it with a bound.</summary>
    public double Number { get; private init; }

    public long Integer { get; private init; }

    /// <summary>A scalar as NJsonSchema's JSON values printed themselves (booleans as True/False, null as nothing, numbers in
    /// the current culture): the text an enum is compared with and a message quotes. Null for a mapping or a list.</summary>
    public string? Text { get; private init; }

    public SchemaInstance? this[string key]
    {
        get
        {
            foreach (var entry in Entries)
            {
                if (entry.Key == key)
                {
                    return entry.Value;
                }
            }
            return null;
        }
    }

    public static SchemaInstance Of(Token token)
    {
        var order = 0;
        return Of(token, ref order);
    }

    private static SchemaInstance Of(Token token, ref int order)
    {
        var at = order++;
        switch (token)
        {
            case MappingToken mapping:
                var entries = new InstanceEntry[mapping.Entries.Count];
                for (var i = 0; i < entries.Length; i++)
                {
                    var entry = mapping.Entries[i];
                    var keyOrder = order++;
                    entries[i] = new InstanceEntry(entry.Key.Value, entry.Key, keyOrder, Of(entry.Value, ref order));
                }
                return new SchemaInstance(token, InstanceKind.Object, at) { Entries = entries };
            case SequenceToken sequence:
                var items = new SchemaInstance[sequence.Items.Count];
                for (var i = 0; i < items.Length; i++)
                {
                    items[i] = Of(sequence.Items[i], ref order);
                }
                return new SchemaInstance(token, InstanceKind.Array, at) { Items = items };
            case StringToken text:
                return new SchemaInstance(token, InstanceKind.String, at) { String = text.Value, Text = text.Value };
            case LiteralToken literal:
                return Literal(literal, at);
            default:
                throw new InvalidOperationException($"unknown token {token.GetType().Name}");
        }
    }

    private static SchemaInstance Literal(LiteralToken literal, int at)
    {
        var value = literal.Value;
        if (value is null)
        {
            return new SchemaInstance(literal, InstanceKind.Null, at) { Text = "" };
        }
        switch (value.GetValueKind())
        {
            case JsonValueKind.True or JsonValueKind.False:
                var flag = value.GetValueKind() == JsonValueKind.True;
                return new SchemaInstance(literal, InstanceKind.Boolean, at) { Text = flag.ToString() };
            case JsonValueKind.Number when value.TryGetValue<long>(out var integer):
                return IntegerInstance(literal, integer, at);
            case JsonValueKind.Number when value.TryGetValue<double>(out var number):
                // The check once wrote the value out as JSON and read it back: a double written without a point or an
                // exponent (1.0 is written 1) came back an integer.
                var written = number.ToString("R", CultureInfo.InvariantCulture);
                return double.IsFinite(number) && written.AsSpan().IndexOfAny('.', 'E', 'e') < 0 && long.TryParse(written, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole)
                    ? IntegerInstance(literal, whole, at)
                    : new SchemaInstance(literal, InstanceKind.Float, at) { Number = number, Text = number.ToString(CultureInfo.CurrentCulture) };
            default:
                throw new InvalidOperationException($"a literal of kind {value.GetValueKind()}");
        }
    }

    private static SchemaInstance IntegerInstance(LiteralToken literal, long value, int at) =>
        new(literal, InstanceKind.Integer, at) { Integer = value, Number = value, Text = value.ToString(CultureInfo.CurrentCulture) };
}
