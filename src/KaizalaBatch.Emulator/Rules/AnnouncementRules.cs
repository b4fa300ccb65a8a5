using System.Text.Json;

namespace KaizalaBatch.Emulator.Rules;

/// <summary>
/// Announcement: title, message, mediaResources (strings). The docs spell these keys in camelCase
/// and PascalCase (<c>Message</c>, <c>MediaResources</c>): both are accepted, not both at once.
/// </summary>
internal static class AnnouncementRules
{
    public static Refusal? Check(JsonElement body, string path)
    {
        foreach (var name in (string[])["title", "message"])
        {
            if (Once(body, name, path) is { } twice)
            {
                return twice;
            }

            if (!Fields.TryGetEitherCase(body, name, out var value, out var found))
            {
                var at = Fields.At(path, name);
                return new Refusal(at, $"{at} is required");
            }

            if (Fields.Text(value, Fields.At(path, found), out _) is { } badText)
            {
                return badText;
            }
        }

        if (Once(body, "mediaResources", path) is { } twiceMedia)
        {
            return twiceMedia;
        }

        if (Fields.TryGetEitherCase(body, "mediaResources", out var media, out var mediaName))
        {
            var at = Fields.At(path, mediaName);
            return Fields.Array(media, at, 0) ?? Fields.Texts(media, at);
        }

        return null;
    }

    private static Refusal? Once(JsonElement body, string camelName, string path)
    {
        var pascal = char.ToUpperInvariant(camelName[0]) + camelName[1..];
        if (Fields.TryGet(body, camelName, out _) && Fields.TryGet(body, pascal, out _))
        {
            var at = Fields.At(path, pascal);
            return new Refusal(at, $"{at} and {Fields.At(path, camelName)} are the same field: give it once");
        }

        return null;
    }
}
