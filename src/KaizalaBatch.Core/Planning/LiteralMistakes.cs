using System.Globalization;
using System.Text.RegularExpressions;
using KaizalaBatch.Diagnostics;
using KaizalaBatch.Templating;

namespace KaizalaBatch.Planning;

/// <summary>Separates an item's errors that no row caused: a rule broken by a value written in the run file without
/// a template (<c>dueDate: "abc"</c>, a question type <c>SingleOptoin</c>, a missing required key) breaks it for every
/// row, so it is the run file's mistake: reported once, at the value's line and column, as an input error. Errors in
/// values a template produced stay on the item (that row is invalid, the others go).</summary>
internal sealed partial class LiteralMistakes(string action, TemplateValue? body, TemplateValue? extra, Action<Diagnostic> report)
{
    private readonly HashSet<string> reported = new(StringComparer.Ordinal);

    /// <summary>The item without its literal errors (reported here, once each).</summary>
    public RenderedItem Separate(RenderedItem item)
    {
        if (item.Errors.Count == 0 || body is null && extra is null)
        {
            return item;
        }
        List<Diagnostic>? kept = null;
        for (var i = 0; i < item.Errors.Count; i++)
        {
            var error = item.Errors[i];
            if (LiteralPlace(error.Location.Field) is not { } place)
            {
                kept?.Add(error);
                continue;
            }
            kept ??= [.. item.Errors.Take(i)];
            var origin = $" ({new ItemOrigin(item.Action, item.File ?? "", item.Rows)})";
            var message = error.Message.EndsWith(origin, StringComparison.Ordinal) ? error.Message[..^origin.Length] : error.Message;
            message += $" (action '{action}': written in the run file without a template, so every row has it)";
            if (reported.Add(place + "\n" + message))
            {
                report(Diagnostic.Error(error.Code, message, place));
            }
        }
        return kept is null ? item : item with { Errors = kept };
    }

    /// <summary>Where the value behind a field path (<c>actionBody.questions[0].type</c>) is written, when no template
    /// gave it; null when a template did (or the path is not a body field).</summary>
    private SourceLocation? LiteralPlace(string? field)
    {
        if (field is null)
        {
            return null;
        }
        TemplateValue? current = field.StartsWith("actionBody", StringComparison.Ordinal) ? body
            : field.StartsWith("extra", StringComparison.Ordinal) ? extra
            : null;
        if (current is null)
        {
            return null;
        }
        var rootLength = field.StartsWith("actionBody", StringComparison.Ordinal) ? "actionBody".Length : "extra".Length;
        foreach (Match segment in Segment().Matches(field[rootLength..]))
        {
            if (current is ObjectValue obj && segment.Groups[1].Success)
            {
                var key = segment.Groups[1].Value;
                var property = obj.Properties.FirstOrDefault(p => p.Key == key);
                if (property.Value is null)
                {
                    return obj.Location; // a key the run file does not write: the same for every row
                }
                current = property.Value;
            }
            else if (current is ArrayValue array && segment.Groups[2].Success
                && int.Parse(segment.Groups[2].Value, CultureInfo.InvariantCulture) is var index && index < array.Items.Count)
            {
                current = array.Items[index];
            }
            else
            {
                break; // the rules reshaped the value (a list split from one string, one resource without a list)
            }
        }
        return current.IsTemplated ? null : current.Location;
    }

    [GeneratedRegex(@"\.([^.\[]+)|\[(\d+)\]")]
    private static partial Regex Segment();
}
