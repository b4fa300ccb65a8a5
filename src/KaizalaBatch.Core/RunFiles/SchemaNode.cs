using System.Text.RegularExpressions;

namespace KaizalaBatch.RunFiles;

/// <summary>The JSON types a schema's <c>type</c> names. In this order the validator tries them, as NJsonSchema (whose
/// judgement the run file check keeps) did.</summary>
[Flags]
internal enum SchemaTypes
{
    None = 0,
    Array = 1,
    Boolean = 2,
    Integer = 4,
    Number = 16,
    Object = 32,
    String = 64,
}

/// <summary>One schema of <c>runner.schema.json</c> (the root, a definition, a property, an item or an alternative), with
/// only the keywords <see cref="SchemaReader"/> reads. Built once per process, then only read.</summary>
internal sealed class SchemaNode
{
    public SchemaTypes Types { get; set; }

    /// <summary>In the schema's order, which is the order their errors are reported in.</summary>
    public List<KeyValuePair<string, SchemaNode>> Properties { get; } = [];

    public List<string> Required { get; } = [];

    public bool AllowAdditionalProperties { get; set; } = true;

    public SchemaNode? Items { get; set; }

    public Regex? Pattern { get; set; }

    public int? MinLength { get; set; }

    /// <summary>0: no bound.</summary>
    public int MinItems { get; set; }

    /// <summary>0: no bound.</summary>
    public int MaxItems { get; set; }

    public decimal? Minimum { get; set; }

    public decimal? Maximum { get; set; }

    /// <summary>Strings and longs (the kinds the reader accepts), compared by their text.</summary>
    public List<object> Enumeration { get; } = [];

    public List<SchemaNode> AnyOf { get; } = [];

    public List<SchemaNode> OneOf { get; } = [];

    public List<SchemaNode> AllOf { get; } = [];

    /// <summary>The definition a <c>$ref</c> names.</summary>
    public SchemaNode? Reference { get; set; }

    /// <summary>The schema that judges: the one a <c>$ref</c> leads to, else this one (a <c>$ref</c>'s siblings are ignored).</summary>
    public SchemaNode Actual => Reference?.Actual ?? this;

    public bool HasProperty(string name)
    {
        foreach (var property in Properties)
        {
            if (property.Key == name)
            {
                return true;
            }
        }
        return false;
    }
}
