using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using KaizalaBatch.Diagnostics;
using KaizalaBatch.Templating;

namespace KaizalaBatch.Actions;

/// <summary>What the action rules use to read, convert and check one rendered body: each check normalises the
/// value in place (strings that spell integers and booleans become them, enums get PascalCase, phone numbers
/// <c>+digits</c>, documented defaults are written explicitly) and reports a mistake with its field path
/// (<c>actionBody.questions[2].options</c>) and the item's CSV rows. Rules walk into nested values with
/// <see cref="Enter(string)"/>/<see cref="Enter(int)"/>; the path text is only built when there is an error to
/// report, since this runs for every row and most rows are fine.</summary>
public sealed class BodyChecker
{
    private readonly List<(string? Key, int Index)> segments = [];
    private string root = "actionBody";
    private readonly List<Diagnostic> errors;
    private readonly SourceLocation itemLocation;
    private readonly object itemDescription;
    private readonly MediaResolver? media;
    private readonly List<MediaFile> mediaFiles;
    private readonly Func<string, MediaPathOrigin>? mediaOrigin;
    private readonly List<Diagnostic>? inputErrors;

    /// <param name="itemLocation">The CSV file and row the item came from; each error adds its field path.</param>
    /// <param name="itemDescription">How messages name the item, such as "action 'survey', groups.csv row 3"
    /// (an <see cref="ItemOrigin"/>: its ToString() is only called when an error is reported).</param>
    /// <param name="mediaOrigin">Where a media path (by its JSON Pointer in the actionBody) came from; null: every path
    /// was written as is in the run file.</param>
    /// <param name="inputErrors">Where mistakes that make the whole input unusable go (a path made from data that leads
    /// outside the media folder); null: to <paramref name="errors"/>.</param>
    public BodyChecker(List<Diagnostic> errors, SourceLocation itemLocation, object itemDescription, string? countryCode, MediaResolver? media,
        List<MediaFile> mediaFiles, Func<string, MediaPathOrigin>? mediaOrigin = null, List<Diagnostic>? inputErrors = null)
    {
        this.errors = errors;
        this.itemLocation = itemLocation;
        this.itemDescription = itemDescription;
        CountryCode = countryCode;
        this.media = media;
        this.mediaFiles = mediaFiles;
        this.mediaOrigin = mediaOrigin;
        this.inputErrors = inputErrors;
    }

    public string? CountryCode { get; }

    /// <summary>Reports a mistake in field <paramref name="key"/> of the current value (null: the value itself).</summary>
    public void Error(string code, string? key, string message)
    {
        var path = Path(key);
        errors.Add(Diagnostic.Error(code, $"{path}: {message} ({ItemDescription})", itemLocation with { Field = path }));
    }

    private void ErrorAt(string code, int index, string message)
    {
        segments.Add((null, index));
        Error(code, null, message);
        segments.RemoveAt(segments.Count - 1);
    }

    private string? ItemDescription => itemDescription.ToString();

    /// <summary>Walks into a field of the current value, until the returned scope is disposed.</summary>
    public PathScope Enter(string key)
    {
        segments.Add((key, -1));
        return new PathScope(this, null);
    }

    /// <summary>Walks into an item of the current list, until the returned scope is disposed.</summary>
    public PathScope Enter(int index)
    {
        segments.Add((null, index));
        return new PathScope(this, null);
    }

    /// <summary>Checks top-level request fields (Custom's <c>extra</c>) instead of the actionBody, until disposed.</summary>
    public PathScope EnterRoot(string name)
    {
        var previous = root;
        root = name;
        return new PathScope(this, previous);
    }

    /// <summary>Undoes one <see cref="Enter(string)"/>, <see cref="Enter(int)"/> or <see cref="EnterRoot"/>.</summary>
    public readonly struct PathScope(BodyChecker checker, string? previousRoot) : IDisposable
    {
        public void Dispose()
        {
            if (previousRoot is not null)
            {
                checker.root = previousRoot;
            }
            else
            {
                checker.segments.RemoveAt(checker.segments.Count - 1);
            }
        }
    }

    /// <summary>The current path plus <paramref name="key"/>, such as <c>actionBody.questions[2].options</c>.</summary>
    public string Path(string? key = null)
    {
        var text = new System.Text.StringBuilder(root);
        foreach (var (segmentKey, index) in segments)
        {
            if (segmentKey is { } k)
            {
                text.Append('.').Append(k);
            }
            else
            {
                text.Append('[').Append(index.ToString(CultureInfo.InvariantCulture)).Append(']');
            }
        }
        if (key is not null)
        {
            text.Append('.').Append(key);
        }
        return text.ToString();
    }

    /// <summary>The current position plus <paramref name="key"/> as a JSON Pointer into the actionBody.</summary>
    private string Pointer(string? key)
    {
        var text = new System.Text.StringBuilder();
        foreach (var (segmentKey, index) in segments)
        {
            text.Append('/');
            if (segmentKey is { } k)
            {
                text.Append(Escape(k));
            }
            else
            {
                text.Append(index.ToString(CultureInfo.InvariantCulture));
            }
        }
        if (key is not null)
        {
            text.Append('/').Append(Escape(key));
        }
        return text.ToString();

        static string Escape(string segment) => segment.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
    }

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
            result.Add(numbers[i]);
        }
        if (required && numbers.Count == 0 && ok)
        {
            Error(DiagnosticCodes.FieldRequired, key, "must hold at least one phone number");
        }
        obj[key] = result;
    }

    /// <summary>A mediaResource: either the opaque string from an earlier upload, or <c>{ file: "..." }</c>, a local
    /// file that must exist and have one of <paramref name="extensions"/>. The object stays in the body; the file is
    /// listed in the item's media with its JSON Pointer, content hash and MIME type.</summary>
    /// <param name="parent">The object holding <paramref name="key"/>, or the list holding item <paramref name="index"/>.</param>
    public void MediaResource(JsonNode? parent, string? key, int index, MediaKind kind, bool required)
    {
        if (key is null)
        {
            segments.Add((null, index));
        }
        try
        {
            MediaResourceHere(parent, key, index, kind, required);
        }
        finally
        {
            if (key is null)
            {
                segments.RemoveAt(segments.Count - 1);
            }
        }
    }

    private void MediaResourceHere(JsonNode? parent, string? key, int index, MediaKind kind, bool required)
    {
        JsonNode? node = parent switch
        {
            JsonObject o when key is not null => o.TryGetPropertyValue(key, out var n) ? n : null,
            JsonArray a => a[index],
            _ => null,
        };
        if (node is null)
        {
            if (required)
            {
                Error(DiagnosticCodes.FieldRequired, key, "is required");
            }
            return;
        }
        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.String)
        {
            if (string.IsNullOrWhiteSpace(value.GetValue<string>()))
            {
                Error(DiagnosticCodes.FieldRequired, key, "must not be empty");
            }
            return;
        }
        if (node is JsonObject obj && obj.Count == 1 && obj.TryGetPropertyValue("file", out var fileNode) && fileNode is JsonValue fileValue && fileValue.GetValueKind() == JsonValueKind.String)
        {
            if (media is null)
            {
                throw new InvalidOperationException("a media file was found but no MediaResolver was given");
            }
            var file = fileValue.GetValue<string>();
            var fileKey = key is null ? "file" : key + ".file";
            var origin = mediaOrigin?.Invoke(Pointer(key) + "/file") ?? MediaPathOrigin.Written;
            var resolved = media.Resolve(file, kind, origin.FromData, out var problem);
            if (problem is { OutsideFolder: true })
            {
                // The CSV chose a file outside the media folder: name the cell (its column) so it can be fixed.
                var path = Path(fileKey);
                (inputErrors ?? errors).Add(Diagnostic.Error(DiagnosticCodes.MediaOutsideFolder,
                    $"{path}: {problem.Message} ({ItemDescription})", itemLocation with { Field = origin.Column ?? path }));
                return;
            }
            if (resolved is null)
            {
                Error(DiagnosticCodes.Media, fileKey, problem!.Message);
                return;
            }
            mediaFiles.Add(new MediaFile(Pointer(key), resolved.FullPath, resolved.ContentHash, resolved.MimeType));
            return;
        }
        Error(DiagnosticCodes.FieldType, key, $"must be a mediaResource string or {{ file: \"path\" }}, not {Describe(node)}");
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

    /// <summary>How a message names a wrong value: its JSON kind and, for short scalars, the value.</summary>
    public static string Describe(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "an object",
        JsonArray => "a list",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>() is { Length: <= 40 } s ? $"'{s}'" : "a long text",
            JsonValueKind.Number => $"the number {v.ToJsonString()}",
            JsonValueKind.True or JsonValueKind.False => v.ToJsonString(),
            _ => v.ToJsonString(),
        },
        _ => node.GetValueKind().ToString(),
    };
}
