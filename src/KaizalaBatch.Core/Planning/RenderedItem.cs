using System.Text.Json.Nodes;
using KaizalaBatch.Actions;
using KaizalaBatch.Diagnostics;

namespace KaizalaBatch.Planning;

/// <summary>One item, fully rendered and checked: one POST of one Action to one group (SPEC section 2).</summary>
/// <param name="Action">The run file's action name.</param>
/// <param name="Key">The item's key within its action; (Action, Key) is its identity.</param>
/// <param name="GroupId">The target group's GUID, normalised to lower-case "D" format when valid.</param>
/// <param name="ActionType">PascalCase action type (Job, Survey, ..., Custom).</param>
/// <param name="PackageId">For Custom: the Action package id, sent as <c>id</c>.</param>
/// <param name="Body">The normalised actionBody with defaults filled in; media files still as <c>{ "file": ... }</c>.
/// Null only when rendering failed before a body existed.</param>
/// <param name="Extra">Top-level request fields besides actionType/id/actionBody (Custom: subscribers, sendToAllSubscribers).</param>
/// <param name="ContentHash">Lower-case hex SHA-256 over group, type, package, body and extra, with media files
/// counted by their content hash. Stable across runs and machines.</param>
/// <param name="Rows">The CSV data rows (1-based, header excluded) the item came from.</param>
/// <param name="Errors">Validation errors; an item with any is <see cref="ItemState.Invalid"/> and is never sent.</param>
public sealed record RenderedItem(
    string Action,
    string Key,
    string GroupId,
    string ActionType,
    string? PackageId,
    JsonObject? Body,
    JsonObject? Extra,
    IReadOnlyList<MediaFile> Media,
    string ContentHash,
    IReadOnlyList<long> Rows,
    IReadOnlyList<Diagnostic> Errors)
{
    public bool IsValid => Errors.Count == 0;

    /// <summary>The request body as the API takes it: <c>{actionType, actionBody}</c>, or <c>{id, actionBody, ...extra}</c>
    /// for a custom Action package, around the given actionBody (the plan shows <see cref="Body"/> itself; the sender
    /// passes a copy with the uploaded mediaResource strings in place).</summary>
    public JsonObject ToRequest(JsonObject actionBody)
    {
        ArgumentNullException.ThrowIfNull(actionBody);
        var request = new JsonObject();
        if (PackageId is { } packageId)
        {
            request["id"] = packageId;
        }
        else
        {
            request["actionType"] = ActionType;
        }
        request["actionBody"] = actionBody.DeepClone();
        foreach (var (name, value) in Extra ?? [])
        {
            request[name] = value?.DeepClone();
        }
        return request;
    }

    /// <summary>The CSV file the item came from, as the run file names it (for messages).</summary>
    public string? File { get; init; }

    /// <summary>The line of the CSV file where the item's first row starts (for messages).</summary>
    public long FirstLine { get; init; }

    /// <summary>The group's name, when the CSV has a column for it beside the group id (<c>groupName</c>, as the
    /// <c>groups</c> command writes it, or <c>group_name</c>, <c>name</c>); only shown, never sent or hashed.</summary>
    public string? GroupName { get; init; }

    /// <summary>Mistakes that make the whole input unusable, found while rendering this item (a CSV cell that names a
    /// media file outside the media folder). The renderer reports them as input errors and drops the item.</summary>
    public IReadOnlyList<Diagnostic> InputErrors { get; init; } = [];

    /// <summary>The connector the targets file pins the item to (<c>targets.connector</c>), by name; null: any connector.
    /// Not part of the content hash: which connector carries an item does not change what the group receives.</summary>
    public string? Connector { get; init; }
}
