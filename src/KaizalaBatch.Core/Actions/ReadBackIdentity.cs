using System.Text.Json;
using System.Text.Json.Nodes;

namespace KaizalaBatch.Actions;

/// <summary>
/// What the service's read-back can tell about an Action (actions_get.md, actions.md): which types it lists at all, and the
/// name its per-type summary carries. A lost post can be found again only by type, that name, sender and creation time,
/// so the plan warns when two items to one group share them.
/// </summary>
public static class ReadBackIdentity
{
    /// <summary>The types actions.md marks "GET: Yes" among those one can post. Audio, Document and Announcement are
    /// marked "No"; Album, Video and Action packages are not in the table and are treated as not listable.</summary>
    public static readonly IReadOnlyList<string> ListableTypes = ["Image", "Job", "Survey", "LetsMeet", "Poll"];

    private static readonly HashSet<string> Listable = new(ListableTypes, StringComparer.OrdinalIgnoreCase);

    /// <summary>True when the service can list Actions of this type (a built-in type name; a package id is never listable).</summary>
    public static bool IsListable(string actionTypeOrPackageId) => Listable.Contains(actionTypeOrPackageId);

    /// <summary>The name a read-back summary carries for a body being sent: its title, or a Poll's question; null for a type whose
    /// summary has none (Image).</summary>
    public static string? TitleOf(string actionType, JsonNode? actionBody) =>
        actionBody is not JsonObject body ? null
        : string.Equals(actionType, "Poll", StringComparison.OrdinalIgnoreCase) ? Text(body["question"])
        : string.Equals(actionType, "Image", StringComparison.OrdinalIgnoreCase) ? null
        : Text(body["title"]);

    private static string? Text(JsonNode? node) => node?.GetValueKind() == JsonValueKind.String ? (string?)node : null;
}
