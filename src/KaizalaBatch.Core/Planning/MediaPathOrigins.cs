using System.Collections.Concurrent;
using KaizalaBatch.Actions;
using KaizalaBatch.Templating;

namespace KaizalaBatch.Planning;

/// <summary>For a media path in a rendered body, finds the run file value it was rendered from: a string written as is
/// (the author's path), or a template (its CSV column named when it read exactly one). Anything it cannot trace (a
/// <c>bodyTemplate</c> file, a list a template built, a shape the action rules changed) counts as made from data.
/// Thread-safe; each JSON Pointer is traced once.</summary>
/// <param name="body">The action's compiled <c>body:</c>, or null when it has a <c>bodyTemplate</c>.</param>
internal sealed class MediaPathOrigins(TemplateValue? body)
{
    private readonly ConcurrentDictionary<string, MediaPathOrigin> traced = new(StringComparer.Ordinal);

    /// <param name="pointer">Where the path string stands in the actionBody, such as <c>/choices/1/image/file</c>.</param>
    public MediaPathOrigin Find(string pointer) => traced.GetOrAdd(pointer, Trace);

    private MediaPathOrigin Trace(string pointer)
    {
        var value = body;
        foreach (var escaped in pointer.Split('/').Skip(1))
        {
            var segment = escaped.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            switch (value)
            {
                case ExpressionValue or TextTemplateValue:
                    return Made(value);
                case ObjectValue obj when obj.Properties.Any(p => p.Key == segment):
                    value = obj.Properties.Last(p => p.Key == segment).Value;
                    break;
                case ArrayValue array when int.TryParse(segment, out var index) && index >= 0 && index < array.Items.Count:
                    value = array.Items[index];
                    break;
                case ObjectValue when segment == "0":
                    break; // one value written without a list, which the rules wrapped in one (Announcement mediaResources)
                default:
                    return MediaPathOrigin.Unknown;
            }
        }
        return value switch
        {
            ConstantValue => MediaPathOrigin.Written,
            ExpressionValue or TextTemplateValue => Made(value),
            _ => MediaPathOrigin.Unknown,
        };
    }

    private static MediaPathOrigin Made(TemplateValue? template)
    {
        var columns = template switch
        {
            ExpressionValue expression => TemplateColumns.Read(expression.Expression),
            TextTemplateValue text => TemplateColumns.Read(text.Template.Page),
            _ => [],
        };
        return new MediaPathOrigin(true, columns.Count == 1 ? columns[0] : null);
    }
}
