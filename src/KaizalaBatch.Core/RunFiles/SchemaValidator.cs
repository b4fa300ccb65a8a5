namespace KaizalaBatch.RunFiles;

/// <summary>Judges a run file's values against <see cref="SchemaNode"/>s as NJsonSchema's validator did (its keyword order,
/// its error kinds, paths and nesting), so that every message, code and place stays what users and tests know, without
/// the start-up cost of NJsonSchema and Newtonsoft (about 100 ms of a short command's CPU). Only the keywords
/// <see cref="SchemaReader"/> reads; a test compares the two validators' diagnostics over thousands of run files.</summary>
internal static class SchemaValidator
{
    public static List<SchemaError> Validate(SchemaInstance value, SchemaNode schema, string? property, string path)
    {
        var errors = new List<SchemaError>();
        Alternatives(value, schema.AnyOf, SchemaErrorKind.NotAnyOf, property, path, schema, errors, failed => failed == schema.AnyOf.Count);
        Alternatives(value, schema.AllOf, SchemaErrorKind.NotAllOf, property, path, schema, errors, failed => failed > 0);
        Alternatives(value, schema.OneOf, SchemaErrorKind.NotOneOf, property, path, schema, errors, failed => schema.OneOf.Count - failed != 1);
        Types(value, schema, property, path, errors);
        Enumeration(value, schema, property, path, errors);
        Properties(value, schema, path, errors);
        return errors;
    }

    private static void Alternatives(SchemaInstance value, List<SchemaNode> alternatives, SchemaErrorKind kind, string? property, string path,
        SchemaNode schema, List<SchemaError> errors, Func<int, bool> fails)
    {
        if (alternatives.Count == 0)
        {
            return;
        }
        var children = new List<ChildErrors>(alternatives.Count);
        var failed = 0;
        foreach (var alternative in alternatives)
        {
            var childErrors = Validate(value, alternative.Actual, null, path);
            failed += childErrors.Count > 0 ? 1 : 0;
            children.Add(new ChildErrors(alternative, childErrors));
        }
        if (fails(failed))
        {
            errors.Add(SchemaError.Of(kind, property, path, value, schema) with { Children = children });
        }
    }

    private static readonly SchemaTypes[] EachType =
        [SchemaTypes.Array, SchemaTypes.Boolean, SchemaTypes.Integer, SchemaTypes.Number, SchemaTypes.Object, SchemaTypes.String];

    /// <summary>With several types, each is tried on its own and the value passes if one has no errors.</summary>
    private static void Types(SchemaInstance value, SchemaNode schema, string? property, string path, List<SchemaError> errors)
    {
        if (System.Numerics.BitOperations.PopCount((uint)schema.Types) <= 1)
        {
            AsType(value, schema, schema.Types, property, path, errors);
            return;
        }
        var byType = new List<TypeErrors>();
        var allFail = true;
        foreach (var type in EachType)
        {
            if (schema.Types.HasFlag(type))
            {
                var typeErrors = new List<SchemaError>();
                AsType(value, schema, type, property, path, typeErrors);
                allFail &= typeErrors.Count > 0;
                byType.Add(new TypeErrors(type, typeErrors));
            }
        }
        if (allFail)
        {
            errors.Add(SchemaError.Of(SchemaErrorKind.NoTypeValidates, property, path, value, schema) with { ByType = byType });
        }
    }

    /// <summary>NJsonSchema's checks of one type, in its order. A list's items, a string's pattern and length and a number's
    /// bounds are judged whatever the type (and so once per type tried).</summary>
    private static void AsType(SchemaInstance value, SchemaNode schema, SchemaTypes type, string? property, string path, List<SchemaError> errors)
    {
        Array(value, schema, type, property, path, errors);
        if (value.Kind == InstanceKind.String)
        {
            if (schema.Pattern is { } pattern && !pattern.IsMatch(value.String))
            {
                errors.Add(SchemaError.Of(SchemaErrorKind.PatternMismatch, property, path, value, schema));
            }
            if (schema.MinLength is { } minLength && value.String.Length < minLength)
            {
                errors.Add(SchemaError.Of(SchemaErrorKind.StringTooShort, property, path, value, schema));
            }
        }
        else if (type.HasFlag(SchemaTypes.String))
        {
            errors.Add(SchemaError.Of(SchemaErrorKind.StringExpected, property, path, value, schema));
        }
        var isNumber = value.Kind is InstanceKind.Integer or InstanceKind.Float;
        if (type.HasFlag(SchemaTypes.Number) && !isNumber)
        {
            errors.Add(SchemaError.Of(SchemaErrorKind.NumberExpected, property, path, value, schema));
        }
        if (isNumber)
        {
            Bounds(value, schema, property, path, errors);
        }
        if (type.HasFlag(SchemaTypes.Integer) && value.Kind != InstanceKind.Integer)
        {
            errors.Add(SchemaError.Of(SchemaErrorKind.IntegerExpected, property, path, value, schema));
        }
        if (type.HasFlag(SchemaTypes.Boolean) && value.Kind != InstanceKind.Boolean)
        {
            errors.Add(SchemaError.Of(SchemaErrorKind.BooleanExpected, property, path, value, schema));
        }
        if (type.HasFlag(SchemaTypes.Object) && value.Kind != InstanceKind.Object)
        {
            errors.Add(SchemaError.Of(SchemaErrorKind.ObjectExpected, property, path, value, schema));
        }
    }

    private static void Array(SchemaInstance value, SchemaNode schema, SchemaTypes type, string? property, string path, List<SchemaError> errors)
    {
        if (value.Kind != InstanceKind.Array)
        {
            if (type.HasFlag(SchemaTypes.Array))
            {
                errors.Add(SchemaError.Of(SchemaErrorKind.ArrayExpected, property, path, value, schema));
            }
            return;
        }
        if (schema.MinItems > 0 && value.Items.Count < schema.MinItems)
        {
            errors.Add(SchemaError.Of(SchemaErrorKind.TooFewItems, property, path, value, schema));
        }
        if (schema.MaxItems > 0 && value.Items.Count > schema.MaxItems)
        {
            errors.Add(SchemaError.Of(SchemaErrorKind.TooManyItems, property, path, value, schema));
        }
        if (schema.Items is not { } items)
        {
            return;
        }
        for (var i = 0; i < value.Items.Count; i++)
        {
            var index = $"[{i}]";
            var itemPath = path.Length > 0 ? path + index : index;
            var itemErrors = Validate(value.Items[i], items.Actual, null, itemPath);
            if (itemErrors.Count > 0)
            {
                errors.Add(SchemaError.Of(SchemaErrorKind.ArrayItemNotValid, index, itemPath, value.Items[i], items) with { Children = [new ChildErrors(items, itemErrors)] });
            }
        }
    }

    /// <summary>An integer is compared exactly; a fraction as a decimal of 15 digits, or as a double past the decimal range.</summary>
    private static void Bounds(SchemaInstance value, SchemaNode schema, string? property, string path, List<SchemaError> errors)
    {
        if (schema.Minimum is null && schema.Maximum is null)
        {
            return;
        }
        bool below, above;
        try
        {
            var number = value.Kind == InstanceKind.Integer ? value.Integer : (decimal)value.Number;
            below = number < schema.Minimum;
            above = number > schema.Maximum;
        }
        catch (OverflowException)
        {
            below = schema.Minimum is { } minimum && value.Number < (double)minimum;
            above = schema.Maximum is { } maximum && value.Number > (double)maximum;
        }
        if (below)
        {
            errors.Add(SchemaError.Of(SchemaErrorKind.NumberTooSmall, property, path, value, schema));
        }
        if (above)
        {
            errors.Add(SchemaError.Of(SchemaErrorKind.NumberTooBig, property, path, value, schema));
        }
    }

    private static void Enumeration(SchemaInstance value, SchemaNode schema, string? property, string path, List<SchemaError> errors)
    {
        if (schema.Enumeration.Count == 0)
        {
            return;
        }
        foreach (var allowed in schema.Enumeration)
        {
            if (allowed.ToString() == value.Text)
            {
                return;
            }
        }
        errors.Add(SchemaError.Of(SchemaErrorKind.NotInEnumeration, property, path, value, schema));
    }

    /// <summary>Each property the schema names (present: judged; absent and required: an error, also when the value is not
    /// a mapping at all), then required names without a property, then keys the schema does not name.</summary>
    private static void Properties(SchemaInstance value, SchemaNode schema, string path, List<SchemaError> errors)
    {
        var isObject = value.Kind == InstanceKind.Object;
        foreach (var (name, propertySchema) in schema.Properties)
        {
            var propertyPath = PropertyPath(path, name);
            if (isObject && value[name] is { } propertyValue)
            {
                errors.AddRange(Validate(propertyValue, propertySchema.Actual, name, propertyPath));
            }
            else if (schema.Required.Contains(name))
            {
                errors.Add(SchemaError.Of(SchemaErrorKind.PropertyRequired, name, propertyPath, value, schema));
            }
        }
        foreach (var name in schema.Required)
        {
            if (!schema.HasProperty(name) && !(isObject && value[name] is not null))
            {
                errors.Add(SchemaError.Of(SchemaErrorKind.PropertyRequired, name, PropertyPath(path, name), value, schema));
            }
        }
        if (!isObject || schema.AllowAdditionalProperties)
        {
            return;
        }
        foreach (var entry in value.Entries)
        {
            if (!schema.HasProperty(entry.Key))
            {
                errors.Add(new SchemaError(SchemaErrorKind.NoAdditionalPropertiesAllowed, entry.Key, PropertyPath(path, entry.Key), null,
                    entry.KeyToken, entry.KeyOrder, schema));
            }
        }
    }

    private static string PropertyPath(string path, string name) => path.Length > 0 ? path + "." + name : name;
}
