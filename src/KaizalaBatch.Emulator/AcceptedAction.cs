using System.Text.Json.Nodes;

namespace KaizalaBatch.Emulator;

/// <summary>
/// An Action the emulator accepted, as stored. Exactly one of <see cref="ActionType"/> and
/// <see cref="PackageId"/> is set. <see cref="ActionId"/> is null for media Actions
/// (Image, Album, Audio, Document, Video), which are answered with a referenceId alone.
/// </summary>
public sealed record AcceptedAction
{
    /// <summary>1, 2, 3, ... in arrival order across all groups.</summary>
    public required long Sequence { get; init; }

    public required Guid GroupId { get; init; }

    /// <summary>The canonical type name (Job, Survey, ...) for a built-in Action, else null.</summary>
    public string? ActionType { get; init; }

    /// <summary>The Action package id for a custom package instance, else null.</summary>
    public string? PackageId { get; init; }

    /// <summary>The <c>actionBody</c> text exactly as received.</summary>
    public required string ActionBodyJson { get; init; }

    /// <summary>A fresh parse of <see cref="ActionBodyJson"/> on every read, so callers may modify it freely.</summary>
    public JsonNode ActionBody => JsonNode.Parse(ActionBodyJson)!;

    /// <summary>Top-level <c>subscribers</c> of a package instance sent to subscribers of a public group.</summary>
    public IReadOnlyList<string>? Subscribers { get; init; }

    public bool? SendToAllSubscribers { get; init; }

    public required Guid ReferenceId { get; init; }

    public Guid? ActionId { get; init; }

    /// <summary>The applicationId of the access token that sent it.</summary>
    public required string Connector { get; init; }

    /// <summary>
    /// When it was stored (the emulator's TimeProvider), nudged forward by whole milliseconds when
    /// needed so that no two Actions of one group share a creationTime (read-back paging relies on it).
    /// </summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary><see cref="ActionType"/> or, for a package instance, <see cref="PackageId"/>: what read-back calls <c>actionType</c>.</summary>
    public string Kind => ActionType ?? PackageId!;
}
