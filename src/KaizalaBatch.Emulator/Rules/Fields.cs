using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace KaizalaBatch.Emulator.Rules;

/// <summary>
/// The small checks every body rule is made of. Each returns a <see cref="Refusal"/> or null.
/// A JSON <c>null</c> counts as absent.
/// </summary>
internal static partial class Fields
{
    public static string At(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    public static string At(string path, int index) => $"{path}[{index.ToString(CultureInfo.InvariantCulture)}]";

    public static bool TryGet(JsonElement obj, string name, out JsonElement value) =>
        obj.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;

    /// <summary>Looks a key up in camelCase, then PascalCase (the docs spell some keys both ways).</summary>
    public static bool TryGetEitherCase(JsonElement obj, string camelName, out JsonElement value, out string foundName)
    {
        foundName = camelName;
        if (TryGet(obj, camelName, out value))
        {
            return true;
        }

        var pascal = char.ToUpperInvariant(camelName[0]) + camelName[1..];
        foundName = pascal;
        if (TryGet(obj, pascal, out value))
        {
            return true;
        }

        foundName = camelName;
        return false;
    }

    public static Refusal? RequireObject(JsonElement value, string path) =>
        value.ValueKind == JsonValueKind.Object ? null : new Refusal(path, $"{path} must be a JSON object");

    public static Refusal? RequiredText(JsonElement obj, string name, string path, out string text)
    {
        var at = At(path, name);
        text = "";
        if (!TryGet(obj, name, out var value))
        {
            return new Refusal(at, $"{at} is required");
        }

        return Text(value, at, out text);
    }

    public static Refusal? Text(JsonElement value, string at, out string text)
    {
        text = "";
        if (value.ValueKind != JsonValueKind.String)
        {
            return new Refusal(at, $"{at} must be a string");
        }

        text = value.GetString()!;
        return string.IsNullOrWhiteSpace(text) ? new Refusal(at, $"{at} must not be empty") : null;
    }

    /// <summary>Optional string; when present it may be empty.</summary>
    public static Refusal? OptionalString(JsonElement obj, string name, string path)
    {
        if (!TryGet(obj, name, out var value))
        {
            return null;
        }

        var at = At(path, name);
        return value.ValueKind == JsonValueKind.String ? null : new Refusal(at, $"{at} must be a string");
    }

    /// <summary>Optional whole number ≥ 1 written as a JSON integer (not a string, not 10.0).</summary>
    public static Refusal? OptionalPositiveInteger(JsonElement obj, string name, string path)
    {
        if (!TryGet(obj, name, out var value))
        {
            return null;
        }

        return PositiveInteger(value, At(path, name), out _);
    }

    public static Refusal? PositiveInteger(JsonElement value, string at, out int number)
    {
        number = 0;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out number))
        {
            return new Refusal(at, $"{at} must be a JSON integer");
        }

        return number >= 1 ? null : new Refusal(at, $"{at} must be 1 or more");
    }

    public static Refusal? OptionalBoolean(JsonElement obj, string name, string path)
    {
        if (!TryGet(obj, name, out var value))
        {
            return null;
        }

        var at = At(path, name);
        return value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? null
            : new Refusal(at, $"{at} must be a JSON boolean (true or false)");
    }

    public static Refusal? OptionalNumber(JsonElement obj, string name, string path, double min, double max)
    {
        if (!TryGet(obj, name, out var value))
        {
            return null;
        }

        return Number(value, At(path, name), min, max);
    }

    public static Refusal? Number(JsonElement value, string at, double min, double max)
    {
        if (value.ValueKind != JsonValueKind.Number)
        {
            return new Refusal(at, $"{at} must be a JSON number");
        }

        var number = value.GetDouble();
        return number >= min && number <= max
            ? null
            : new Refusal(at, $"{at} must be between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString(CultureInfo.InvariantCulture)}");
    }

    /// <summary>A required array with at least <paramref name="minItems"/> items.</summary>
    public static Refusal? RequiredArray(JsonElement obj, string name, string path, int minItems, out JsonElement array)
    {
        var at = At(path, name);
        if (!TryGet(obj, name, out array))
        {
            return new Refusal(at, $"{at} is required");
        }

        return Array(array, at, minItems);
    }

    public static Refusal? Array(JsonElement array, string at, int minItems)
    {
        if (array.ValueKind != JsonValueKind.Array)
        {
            return new Refusal(at, $"{at} must be a JSON array");
        }

        return array.GetArrayLength() >= minItems
            ? null
            : new Refusal(at, minItems == 1 ? $"{at} must not be empty" : $"{at} needs at least {minItems} items");
    }

    /// <summary>An array of phone numbers with country code: <c>+</c> and 8 to 15 digits.</summary>
    public static Refusal? Phones(JsonElement array, string at)
    {
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            var itemAt = At(at, i++);
            if (item.ValueKind != JsonValueKind.String || !PhonePattern().IsMatch(item.GetString()!))
            {
                return new Refusal(itemAt, $"{itemAt} must be a phone number with country code: + and 8 to 15 digits");
            }
        }

        return null;
    }

    /// <summary>An array of non-empty strings (mediaResource strings).</summary>
    public static Refusal? Texts(JsonElement array, string at)
    {
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (Text(item, At(at, i++), out _) is { } refusal)
            {
                return refusal;
            }
        }

        return null;
    }

    /// <summary>ISO 8601 date-time: a date, T, a time, and optionally Z or an offset.</summary>
    public static bool IsIsoDateTime(string text) =>
        IsoDateTimePattern().IsMatch(text) &&
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _);

    public static bool IsIsoDate(string text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    [GeneratedRegex(@"^\+[0-9]{8,15}$")]
    private static partial Regex PhonePattern();

    [GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,7})?)?(Z|[+-][0-9]{2}:[0-9]{2})?$")]
    private static partial Regex IsoDateTimePattern();
}
