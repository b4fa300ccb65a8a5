namespace KaizalaBatch.RunFiles;

/// <summary>What a schema error is about. The names are NJsonSchema's (a message for a kind without words of its own is
/// made from its name), which the check once used and whose judgement it keeps.</summary>
internal enum SchemaErrorKind
{
    PropertyRequired,
    NoAdditionalPropertiesAllowed,
    NotAnyOf,
    NotAllOf,
    NotOneOf,
    NoTypeValidates,
    NotInEnumeration,
    PatternMismatch,
    StringExpected,
    IntegerExpected,
    NumberExpected,
    BooleanExpected,
    ObjectExpected,
    ArrayExpected,
    StringTooShort,
    TooFewItems,
    TooManyItems,
    NumberTooSmall,
    NumberTooBig,
    ArrayItemNotValid,
}

/// <summary>One schema error before it becomes a diagnostic. <paramref name="Value"/> is the value judged (null for a key
/// that is not allowed, where the error is about the key); <paramref name="Order"/> its place in the written order, which
/// the errors are reported in; <paramref name="Schema"/> the schema that judged.</summary>
internal sealed record SchemaError(SchemaErrorKind Kind, string? Property, string Path, SchemaInstance? Value, Token Place, int Order, SchemaNode Schema)
{
    /// <summary>Of a value that several types were allowed for: each type's errors.</summary>
    public IReadOnlyList<TypeErrors> ByType { get; init; } = [];

    /// <summary>Of anyOf, oneOf, allOf and a list item: each alternative's (or the item's) errors.</summary>
    public IReadOnlyList<ChildErrors> Children { get; init; } = [];

    public static SchemaError Of(SchemaErrorKind kind, string? property, string path, SchemaInstance value, SchemaNode schema) =>
        new(kind, property, path, value, value.Token, value.Order, schema);
}

/// <summary>The errors of a value judged as one of the types its schema allows. (Classes, not tuples: lists of them share
/// the framework's precompiled code instead of each needing the JIT at start-up.)</summary>
internal sealed record TypeErrors(SchemaTypes Type, List<SchemaError> Errors);

/// <summary>The errors of a value judged by one alternative (anyOf, oneOf, allOf) or by its list's item schema.</summary>
internal sealed record ChildErrors(SchemaNode Schema, List<SchemaError> Errors);
