using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using KaizalaBatch.Diagnostics;

namespace KaizalaBatch.Actions;

/// <summary>The checks of plain values: strings, numbers, booleans, enums, lists and objects. Each converts what a
/// CSV cell or a template could have made of the value (a number as text, "TRUE") to the type the API takes.</summary>
public sealed partial class BodyChecker
{
    /// <summary>A field the docs spell two ways: <paramref name="other"/> is renamed to <paramref name="sent"/>, the
    /// spelling that is sent; both at once is a mistake.</summary>
    public void OneSpelling(JsonObject obj, string other, string sent)
    {
        if (!obj.TryGetPropertyValue(other, out var value))
        {
            return;
        }
        if (obj.ContainsKey(sent))
        {
            Error(DiagnosticCodes.FieldValue, other, $"is the same field as {sent}; give one of them");
            return;
        }
        obj.Remove(other);
        obj[sent] = value;
    }

    /// <summary>A required non-empty string. Numbers and booleans are turned into their text (a CSV cell that
    /// happens to look like a number is still a title).</summary>
    public string? RequiredString(JsonObject obj, string key) => String(obj, key, required: true);

    public string? OptionalString(JsonObject obj, string key) => String(obj, key, required: false);

    private string? String(JsonObject obj, string key, bool required)
    {
        if (!obj.TryGetPropertyValue(key, out var node) || node is null)
        {
            if (required)
            {
                Error(DiagnosticCodes.FieldRequired, key, "is required");
            }
            return null;
        }
        if (node is JsonValue value)
        {
            switch (value.GetValueKind())
            {
                case JsonValueKind.String:
                    var text = value.GetValue<string>();
                    if (required && string.IsNullOrWhiteSpace(text))
                    {
                        Error(DiagnosticCodes.FieldRequired, key, "must not be empty");
                        return null;
                    }
                    return text;
                case JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False:
                    var converted = value.ToJsonString();
                    obj[key] = converted;
                    return converted;
            }
        }
        Error(DiagnosticCodes.FieldType, key, $"must be a string, not {Describe(node)}");
        return null;
    }

    /// <summary>An integer, or a string that spells one; absent means <paramref name="defaultValue"/>, written explicitly.</summary>
    public long? Integer(JsonObject obj, string key, long? defaultValue, long minimum = long.MinValue, bool required = false)
    {
        if (!obj.TryGetPropertyValue(key, out var node) || node is null || node is JsonValue v0 && v0.GetValueKind() == JsonValueKind.String && string.IsNullOrWhiteSpace(v0.GetValue<string>()))
        {
            if (defaultValue is { } d)
            {
                obj[key] = d;
                return d;
            }
            if (required)
            {
                Error(DiagnosticCodes.FieldRequired, key, "is required");
            }
            else
            {
                obj.Remove(key);
            }
            return null;
        }
        long? number = null;
        if (node is JsonValue value)
        {
            switch (value.GetValueKind())
            {
                case JsonValueKind.Number:
                    if (value.TryGetValue<long>(out var l))
                    {
                        if (l >= minimum)
                        {
                            return l; // already an integer: nothing to rewrite
                        }
                        number = l;
                    }
                    else if (value.TryGetValue<int>(out var i))
                    {
                        number = i;
                    }
                    else if (TryDouble(value, out var dbl) && dbl == Math.Floor(dbl) && Math.Abs(dbl) < 1e15)
                    {
                        number = (long)dbl;
                    }
                    break;
                case JsonValueKind.String:
                    if (long.TryParse(value.GetValue<string>().Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed))
                    {
                        number = parsed;
                    }
                    break;
            }
        }
        if (number is null)
        {
            Error(DiagnosticCodes.FieldType, key, $"must be an integer, not {Describe(node)}");
            return null;
        }
        if (number < minimum)
        {
            Error(DiagnosticCodes.FieldValue, key, $"must be at least {minimum}, not {number}");
            return null;
        }
        obj[key] = number.Value;
        return number;
    }

    /// <summary>A number (integer or not), or a string that spells one.</summary>
    public double? Number(JsonObject obj, string key, bool required)
    {
        if (!obj.TryGetPropertyValue(key, out var node) || node is null)
        {
            if (required)
            {
                Error(DiagnosticCodes.FieldRequired, key, "is required");
            }
            return null;
        }
        if (node is JsonValue value)
        {
            if (value.GetValueKind() == JsonValueKind.Number && TryDouble(value, out var d))
            {
                return d;
            }
            if (value.GetValueKind() == JsonValueKind.String &&
                double.TryParse(value.GetValue<string>().Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) && double.IsFinite(parsed))
            {
                obj[key] = parsed;
                return parsed;
            }
        }
        Error(DiagnosticCodes.FieldType, key, $"must be a number, not {Describe(node)}");
        return null;
    }

    /// <summary>A boolean, or a string that spells one (true/false in any case); absent means the default, written explicitly.</summary>
    public bool? Boolean(JsonObject obj, string key, bool? defaultValue)
    {
        if (!obj.TryGetPropertyValue(key, out var node) || node is null || node is JsonValue v0 && v0.GetValueKind() == JsonValueKind.String && string.IsNullOrWhiteSpace(v0.GetValue<string>()))
        {
            if (defaultValue is { } d)
            {
                obj[key] = d;
                return d;
            }
            obj.Remove(key);
            return null;
        }
        if (node is JsonValue value)
        {
            switch (value.GetValueKind())
            {
                case JsonValueKind.True:
                    return true;
                case JsonValueKind.False:
                    return false;
                case JsonValueKind.String:
                    var text = value.GetValue<string>().Trim();
                    if (bool.TryParse(text, out var parsed))
                    {
                        obj[key] = parsed;
                        return parsed;
                    }
                    break;
            }
        }
        Error(DiagnosticCodes.FieldType, key, $"must be true or false, not {Describe(node)}");
        return null;
    }

    /// <summary>One of <paramref name="allowed"/> in any case, written back in its PascalCase spelling.</summary>
    public string? Enum(JsonObject obj, string key, IReadOnlyList<string> allowed, bool required)
    {
        var text = String(obj, key, required);
        if (text is null)
        {
            return null;
        }
        foreach (var name in allowed)
        {
            if (string.Equals(name, text, StringComparison.Ordinal))
            {
                return name;
            }
            if (string.Equals(name, text.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                obj[key] = name;
                return name;
            }
        }
        Error(DiagnosticCodes.FieldValue, key, $"'{text}' is not one of {string.Join(", ", allowed)}{Suggestion.DidYouMean(text, allowed)}");
        return null;
    }

    public JsonArray? Array(JsonObject obj, string key, bool required, bool nonEmpty)
    {
        if (!obj.TryGetPropertyValue(key, out var node) || node is null)
        {
            if (required)
            {
                Error(DiagnosticCodes.FieldRequired, key, "is required");
            }
            return null;
        }
        if (node is not JsonArray array)
        {
            Error(DiagnosticCodes.FieldType, key, $"must be a list, not {Describe(node)}");
            return null;
        }
        if (nonEmpty && array.Count == 0)
        {
            Error(DiagnosticCodes.FieldRequired, key, "must not be empty");
        }
        return array;
    }

    /// <summary>The current value (after <see cref="Enter(int)"/>) as an object, or an error.</summary>
    public JsonObject? Object(JsonNode? node)
    {
        if (node is JsonObject obj)
        {
            return obj;
        }
        Error(DiagnosticCodes.FieldType, null, $"must be an object, not {Describe(node)}");
        return null;
    }

    private static bool TryDouble(JsonValue value, out double result)
    {
        if (value.TryGetValue(out result))
        {
            return true;
        }
        if (value.TryGetValue<decimal>(out var m))
        {
            result = (double)m;
            return true;
        }
        if (value.TryGetValue<long>(out var l))
        {
            result = l;
            return true;
        }
        if (value.TryGetValue<int>(out var i))
        {
            result = i;
            return true;
        }
        try
        {
            result = value.GetValue<JsonElement>().GetDouble();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
