using KaizalaBatch.Actions;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using KaizalaBatch.Planning;

namespace KaizalaBatch.Reports;

/// <summary>Draws a card's actionBody as a group member would see it. It shows the card's first item; a value that is
/// not the same in every item of the card is marked (the card's table lists each item's), and a local image is shown
/// as a thumbnail.</summary>
internal sealed class PreviewMemberView
{
    private readonly TextWriter writer;
    private readonly IReadOnlySet<JsonNode> varying;
    private readonly Dictionary<JsonNode, MediaFile> media;
    private readonly PreviewThumbnails thumbnails;

    private PreviewMemberView(TextWriter writer, IReadOnlySet<JsonNode> varying, Dictionary<JsonNode, MediaFile> media, PreviewThumbnails thumbnails)
    {
        this.writer = writer;
        this.varying = varying;
        this.media = media;
        this.thumbnails = thumbnails;
    }

    public static void Write(TextWriter writer, PreviewCard card, PreviewThumbnails thumbnails)
    {
        var item = card.First;
        if (item.Body is not { } body)
        {
            return;
        }
        // The local files by the node that names them, so that a media slot finds its file as it is drawn.
        var media = new Dictionary<JsonNode, MediaFile>(ReferenceEqualityComparer.Instance);
        foreach (var file in item.Media)
        {
            if (JsonPointer.Resolve(body, file.JsonPath) is { } node)
            {
                media.TryAdd(node, file);
            }
        }
        writer.Write("<div class=\"body\">");
        new PreviewMemberView(writer, card.VaryingNodes(), media, thumbnails).Body(item.ActionType, body, item.Extra);
        writer.Write("</div>");
    }

    private void Body(string actionType, JsonObject body, JsonObject? extra)
    {
        switch (actionType)
        {
            case "Survey":
                Title(body["title"]);
                writer.Write("<ol class=\"questions\">");
                foreach (var question in Array(body, "questions"))
                {
                    var type = Scalar(F(question, "type"));
                    writer.Write($"<li><span class=\"q\">{V(F(question, "title"))}</span> <span class=\"qtype\">{V(F(question, "type"))}</span>");
                    var options = Array(question, "options").ToList();
                    if (options.Count > 0)
                    {
                        var mark = string.Equals(type, "MultiOption", StringComparison.OrdinalIgnoreCase) ? "☐" : "○";
                        writer.Write("<ul class=\"options\">");
                        foreach (var option in options)
                        {
                            writer.Write($"<li>{mark} {V(F(option, "title"))}</li>");
                        }
                        writer.Write("</ul>");
                    }
                    writer.Write("</li>");
                }
                writer.Write("</ol>");
                Footer($"Closes in {V(body["dueDate"])} h",
                    Flag(body, "isAnonymous", "anonymous"), Flag(body, "isSenderOnly", "results to sender only"),
                    Flag(body, "acceptMultipleResponses", "multiple responses"));
                break;
            case "Job":
                Title(body["title"]);
                writer.Write("<p class=\"label\">Assigned to</p><ul class=\"assignees\">");
                foreach (var phone in Array(body, "assignedTo"))
                {
                    writer.Write($"<li><span class=\"tag\">assignee</span> {V(phone)}</li>");
                }
                writer.Write("</ul>");
                Footer($"Due in {V(body["dueDate"])} h");
                break;
            case "Poll":
                Title(body["question"]);
                writer.Write("<ul class=\"choices\">");
                foreach (var choice in Array(body, "choices"))
                {
                    var image = F(choice, "image");
                    writer.Write($"<li>○ {V(F(choice, "title"))}{(image is null ? "" : $" <span class=\"tag\">image</span> {Media(image)}")}</li>");
                }
                writer.Write("</ul>");
                Footer($"Expires in {V(body["expiryInHours"])} h");
                break;
            case "Announcement":
                Title(body["title"]);
                writer.Write($"<p class=\"message\">{V(body["message"])}</p>");
                foreach (var attachment in Array(body, "mediaResources"))
                {
                    writer.Write($"<p><span class=\"tag\">attachment</span> {Media(attachment)}</p>");
                }
                break;
            case "LetsMeet":
                Title(body["title"]);
                writer.Write($"<p><span class=\"tag\">when</span> {V(body["startingTime"])} · {V(body["durationInMins"])} min</p>");
                if (body["place"] is JsonObject place)
                {
                    writer.Write($"<p><span class=\"tag\">where</span> {V(place["name"])}</p>");
                }
                if (body["agenda"] is not null)
                {
                    writer.Write($"<p class=\"message\">{V(body["agenda"])}</p>");
                }
                break;
            case "Image" or "Album" or "Audio" or "Document" or "Video":
                var slot = body["mediaResource"];
                var file = PayloadShape.MediaPath(slot) ?? Scalar(slot);
                var extension = Path.GetExtension(file).TrimStart('.').ToUpperInvariant();
                // A local image shows itself; anything else gets an icon with its extension.
                var localImage = slot is not null && media.TryGetValue(slot, out var local) && local.MimeType.StartsWith("image/", StringComparison.OrdinalIgnoreCase);
                writer.Write($"<div class=\"media {E(actionType.ToLowerInvariant())}\">");
                if (!localImage)
                {
                    writer.Write($"<span class=\"icon\">{E(extension.Length > 0 ? extension : actionType)}</span> ");
                }
                writer.Write($"{Media(slot)}</div>");
                if (body["caption"] is not null)
                {
                    writer.Write($"<p class=\"caption\">{V(body["caption"])}</p>");
                }
                break;
            default:
                if (body["title"] is not null)
                {
                    Title(body["title"]);
                }
                if (body["properties"] is JsonArray properties)
                {
                    writer.Write("<table class=\"properties\">");
                    foreach (var property in properties)
                    {
                        writer.Write($"<tr><th>{V(F(property, "name"))}</th><td>{V(F(property, "value"))}</td><td class=\"qtype\">{V(F(property, "type"))}</td></tr>");
                    }
                    writer.Write("</table>");
                }
                if (extra?["subscribers"] is JsonArray subscribers)
                {
                    writer.Write($"<p class=\"label\">To {Mark(subscribers, subscribers.Count.ToString(CultureInfo.InvariantCulture))} subscribers</p>");
                }
                break;
        }
    }

    private void Title(JsonNode? title) => writer.Write($"<h2>{V(title)}</h2>");

    private void Footer(params string?[] parts) =>
        writer.Write($"<p class=\"footer\">{string.Join(" · ", parts.Where(p => !string.IsNullOrEmpty(p)))}</p>");

    private string? Flag(JsonObject body, string name, string label) =>
        body[name] is JsonValue value && value.TryGetValue<bool>(out var on) && on ? Mark(value, E(label)) : null;

    /// <summary>A value as HTML, marked when it varies.</summary>
    private string V(JsonNode? node) => Mark(node, E(Scalar(node)));

    /// <summary>A media slot: a local file by its name (a thumbnail when it is an image), or the mediaResource string.</summary>
    private string Media(JsonNode? node)
    {
        if (PayloadShape.MediaPath(node) is not { } path)
        {
            return Mark(node, $"<span class=\"file\">{E(Scalar(node))}</span>");
        }
        return Mark(node, thumbnails.Html(Path.GetFileName(path), media.GetValueOrDefault(node!)));
    }

    /// <summary>A list of scalars varies as a whole (a Job's assignees), so its elements are marked with it.</summary>
    private string Mark(JsonNode? node, string html) =>
        node is not null && (varying.Contains(node) || node.Parent is JsonArray list && varying.Contains(list))
            ? $"<mark class=\"varies\" title=\"varies by item: this is the first item's; the table lists each\">{html}</mark>"
            : html;

    private static IEnumerable<JsonNode?> Array(JsonNode? node, string name) =>
        F(node, name) as JsonArray ?? [];

    /// <summary>A field of an object; null for anything else, so that a malformed (invalid) body still draws.</summary>
    private static JsonNode? F(JsonNode? node, string name) => node is JsonObject o ? o[name] : null;

    private static string Scalar(JsonNode? node) => node switch
    {
        null => "",
        JsonValue value when value.TryGetValue<string>(out var s) => s,
        _ => node.ToJsonString(),
    };

    private static string E(string? text) => WebUtility.HtmlEncode(text ?? "");
}
