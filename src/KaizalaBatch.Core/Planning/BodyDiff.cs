using System.Text.Json;
using System.Text.Json.Nodes;

namespace KaizalaBatch.Planning;

/// <summary>What happened to one field between two bodies.</summary>
public enum FieldChangeKind
{
    /// <summary>There before and now, with another value.</summary>
    Changed,

    /// <summary>Not there before.</summary>
    Added,

    /// <summary>Not there now.</summary>
    Removed,
}

/// <summary>One field that differs, named by its JSON Pointer (RFC 6901) into the actionBody.</summary>
/// <param name="Before">The value sent; null when <see cref="Kind"/> is Added (or the value was JSON null).</param>
/// <param name="After">The value the plan would send; null when <see cref="Kind"/> is Removed (or it is JSON null).</param>
public sealed record FieldChange(string Path, FieldChangeKind Kind, JsonNode? Before, JsonNode? After);

/// <summary>Field by field, where two actionBodies differ: objects key by key, arrays position by position, down to the
/// values that differ. Values compare as the content hash does: 24 and 24.0 are the same, key order does not matter.</summary>
public static class BodyDiff
{
    public static IReadOnlyList<FieldChange> Compare(JsonNode? before, JsonNode? after)
    {
        var changes = new List<FieldChange>();
        Walk("", before, after, changes);
        return changes;
    }

    private static void Walk(string path, JsonNode? before, JsonNode? after, List<FieldChange> changes)
    {
        switch (before, after)
        {
            case (JsonObject was, JsonObject now):
                foreach (var (name, value) in now)
                {
                    var at = path + "/" + JsonPointer.Escape(name);
                    if (was.TryGetPropertyValue(name, out var old))
                    {
                        Walk(at, old, value, changes);
                    }
                    else
                    {
                        changes.Add(new FieldChange(at, FieldChangeKind.Added, null, value));
                    }
                }
                foreach (var (name, value) in was)
                {
                    if (!now.ContainsKey(name))
                    {
                        changes.Add(new FieldChange(path + "/" + JsonPointer.Escape(name), FieldChangeKind.Removed, value, null));
                    }
                }
                break;
            case (JsonArray was, JsonArray now):
                for (var i = 0; i < Math.Max(was.Count, now.Count); i++)
                {
                    var at = path + "/" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    if (i >= was.Count)
                    {
                        changes.Add(new FieldChange(at, FieldChangeKind.Added, null, now[i]));
                    }
                    else if (i >= now.Count)
                    {
                        changes.Add(new FieldChange(at, FieldChangeKind.Removed, was[i], null));
                    }
                    else
                    {
                        Walk(at, was[i], now[i], changes);
                    }
                }
                break;
            default:
                if (!SameValue(before, after))
                {
                    changes.Add(new FieldChange(path, FieldChangeKind.Changed, before, after));
                }
                break;
        }
    }

    /// <summary>Leaves, or an object against an array or a value: equal only when of one kind and one value.</summary>
    private static bool SameValue(JsonNode? before, JsonNode? after)
    {
        if (before is null || after is null)
        {
            return before is null && after is null;
        }
        if (before is not JsonValue was || after is not JsonValue now)
        {
            return false; // one is a container and the other not (two containers of one kind were walked)
        }
        var kind = was.GetValueKind();
        if (kind != now.GetValueKind())
        {
            return false;
        }
        return kind switch
        {
            JsonValueKind.Number => SameNumber(was.ToJsonString(), now.ToJsonString()),
            JsonValueKind.String => string.Equals(was.GetValue<string>(), now.GetValue<string>(), StringComparison.Ordinal),
            _ => true, // true, false, null: the kind is the value
        };
    }

    private static bool SameNumber(string before, string after)
    {
        const System.Globalization.NumberStyles Style = System.Globalization.NumberStyles.Float;
        var culture = System.Globalization.CultureInfo.InvariantCulture;
        if (decimal.TryParse(before, Style, culture, out var was) && decimal.TryParse(after, Style, culture, out var now))
        {
            return was == now;
        }
        // Beyond decimal's range: as the content hash writes them.
        return double.TryParse(before, Style, culture, out var d1) && double.TryParse(after, Style, culture, out var d2) && d1.Equals(d2);
    }
}
