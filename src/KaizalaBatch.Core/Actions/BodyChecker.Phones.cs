using System.Text.Json;
using System.Text.Json.Nodes;
using KaizalaBatch.Diagnostics;
using KaizalaBatch.Templating;

namespace KaizalaBatch.Actions;

/// <summary>The check of a list of phone numbers (a Job's assignees, a Custom Action's subscribers).</summary>
public sealed partial class BodyChecker
{
    /// <summary>A list of phone numbers: an array of strings, or one string holding several (split like <c>phones</c>),
    /// each normalised to <c>+digits</c> and checked (8 to 15 digits).</summary>
    public void Phones(JsonObject obj, string key, bool required)
    {
        if (!obj.TryGetPropertyValue(key, out var node) || node is null)
        {
            if (required)
            {
                Error(DiagnosticCodes.FieldRequired, key, "is required");
            }
            return;
        }
        var numbers = new List<string>();
        var ok = true;
        switch (node)
        {
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is JsonValue item && item.GetValueKind() is JsonValueKind.String or JsonValueKind.Number)
                    {
                        var text = item.GetValueKind() == JsonValueKind.String ? item.GetValue<string>() : item.ToJsonString();
                        numbers.AddRange(PhoneNumbers.Split(text, CountryCode));
                    }
                    else
                    {
                        using (Enter(key))
                        {
                            ErrorAt(DiagnosticCodes.FieldType, i, $"must be a phone number, not {Describe(array[i])}");
                        }
                        ok = false;
                    }
                }
                break;
            case JsonValue value when value.GetValueKind() is JsonValueKind.String or JsonValueKind.Number:
                numbers.AddRange(PhoneNumbers.Split(value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString(), CountryCode));
                break;
            default:
                Error(DiagnosticCodes.FieldType, key, $"must be a list of phone numbers, not {Describe(node)}");
                return;
        }
        var result = new JsonArray();
        for (var i = 0; i < numbers.Count; i++)
        {
            if (!PhoneNumbers.IsValid(numbers[i]))
            {
                using (Enter(key))
                {
                    ErrorAt(DiagnosticCodes.Phone, i, $"'{numbers[i]}' is not a phone number with country code (+ and 8 to 15 digits)");
                }
                ok = false;
            }
            // JsonValue.Create(string), not JsonArray.Add<string>: the generic Add asks System.Text.Json's default options
            // for the type's metadata, whose first use builds every built-in converter (about 30 ms of a short command).
            result.Add(JsonValue.Create(numbers[i]));
        }
        if (required && numbers.Count == 0 && ok)
        {
            Error(DiagnosticCodes.FieldRequired, key, "must hold at least one phone number");
        }
        obj[key] = result;
    }
}
