using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using KaizalaBatch.Diagnostics;

namespace KaizalaBatch.Actions;

/// <summary>What the action rules use to read, convert and check one rendered body: each check normalises the
/// value in place (strings that spell integers and booleans become them, enums get PascalCase, phone numbers
/// <c>+digits</c>, documented defaults are written explicitly) and reports a mistake with its field path
/// (<c>actionBody.questions[2].options</c>) and the item's CSV rows. Rules walk into nested values with
/// <see cref="Enter(string)"/>/<see cref="Enter(int)"/>; the path text is only built when there is an error to
/// report, since this runs for every row and most rows are fine.</summary>
public sealed partial class BodyChecker
{
    private readonly List<(string? Key, int Index)> segments = [];
    private string root = "actionBody";
    private readonly List<Diagnostic> errors;
    private SourceLocation itemLocation;
    private object itemDescription;
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

    /// <summary>Points the checker at the next item, with the same lists (for a renderer that reuses one per thread).</summary>
    internal void Begin(SourceLocation location, object description)
    {
        itemLocation = location;
        itemDescription = description;
        segments.Clear();
        root = "actionBody";
    }

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
