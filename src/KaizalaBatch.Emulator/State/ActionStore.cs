using KaizalaBatch.Emulator.Rules;

namespace KaizalaBatch.Emulator.State;

/// <summary>A response someone posted to an Action; a post with its responseId replaces the body (UpdatedAt moves).</summary>
internal sealed record ActionResponse(Guid ResponseId, string Responder, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string ActionBodyJson);

/// <summary>A reminder someone sent for an Action (<c>POST .../actions/{actionId}/reminder</c>).</summary>
public sealed record Reminder(Guid GroupId, Guid ActionId, string Connector, DateTimeOffset SentAt);

/// <summary>One page of a group's Actions, oldest first.</summary>
internal sealed record ActionPage(IReadOnlyList<AcceptedAction> Actions, bool HasMore);

/// <summary>
/// Every accepted Action and its responses, behind one lock. Per group the Actions are kept in
/// arrival order with strictly increasing creation milliseconds, so a read-back page is a binary
/// search plus a short scan even with tens of thousands of Actions.
/// </summary>
internal sealed class ActionStore
{
    private readonly Lock gate = new();
    private readonly List<AcceptedAction> all = [];
    private readonly Dictionary<Guid, List<AcceptedAction>> byGroup = [];
    private readonly Dictionary<Guid, AcceptedAction> byActionId = [];
    private readonly Dictionary<Guid, List<ActionResponse>> responses = [];
    private readonly List<Reminder> reminders = [];

    public AcceptedAction Add(Guid groupId, ActionRequest request, string connector, DateTimeOffset now)
    {
        lock (gate)
        {
            if (!byGroup.TryGetValue(groupId, out var group))
            {
                group = [];
                byGroup[groupId] = group;
            }

            var ms = now.ToUnixTimeMilliseconds();
            if (group.Count > 0)
            {
                ms = Math.Max(ms, group[^1].CreatedAt.ToUnixTimeMilliseconds() + 1);
            }

            var media = request.ActionType is { } type && ActionRules.MediaTypes.Contains(type);
            var action = new AcceptedAction
            {
                Sequence = all.Count + 1,
                GroupId = groupId,
                ActionType = request.ActionType,
                PackageId = request.PackageId,
                ActionBodyJson = request.ActionBodyJson,
                Subscribers = request.Subscribers,
                SendToAllSubscribers = request.SendToAllSubscribers,
                ReferenceId = Guid.NewGuid(),
                ActionId = media ? null : Guid.NewGuid(),
                Connector = connector,
                CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(ms),
            };
            all.Add(action);
            group.Add(action);
            if (action.ActionId is { } id)
            {
                byActionId[id] = action;
            }

            return action;
        }
    }

    public IReadOnlyList<AcceptedAction> Snapshot()
    {
        lock (gate)
        {
            return all.ToArray();
        }
    }

    public int Count
    {
        get
        {
            lock (gate)
            {
                return all.Count;
            }
        }
    }

    /// <summary>The group's Actions created at or after <paramref name="fromMs"/>, of one kind (any case) when given.</summary>
    public ActionPage Read(Guid groupId, long fromMs, string? kind, int count)
    {
        lock (gate)
        {
            if (!byGroup.TryGetValue(groupId, out var group))
            {
                return new ActionPage([], false);
            }

            var (low, high) = (0, group.Count);
            while (low < high)
            {
                var mid = (low + high) / 2;
                if (group[mid].CreatedAt.ToUnixTimeMilliseconds() < fromMs)
                {
                    low = mid + 1;
                }
                else
                {
                    high = mid;
                }
            }

            var page = new List<AcceptedAction>(Math.Min(count, group.Count - low));
            for (var i = low; i < group.Count; i++)
            {
                var action = group[i];
                if (kind is not null && !string.Equals(kind, action.Kind, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                if (page.Count == count)
                {
                    return new ActionPage(page, true);
                }

                page.Add(action);
            }

            return new ActionPage(page, false);
        }
    }

    public AcceptedAction? Find(Guid groupId, Guid actionId)
    {
        lock (gate)
        {
            return byActionId.TryGetValue(actionId, out var action) && action.GroupId == groupId ? action : null;
        }
    }

    /// <summary>Adds a response, or with <paramref name="responseId"/> replaces that earlier one (null when the action has none by that id).</summary>
    public ActionResponse? AddResponse(AcceptedAction action, string responder, string actionBodyJson, DateTimeOffset now, Guid? responseId = null)
    {
        lock (gate)
        {
            if (!responses.TryGetValue(action.ActionId!.Value, out var list))
            {
                list = [];
                responses[action.ActionId.Value] = list;
            }

            if (responseId is { } id)
            {
                var at = list.FindIndex(r => r.ResponseId == id);
                if (at < 0)
                {
                    return null;
                }

                list[at] = list[at] with { UpdatedAt = now, ActionBodyJson = actionBodyJson };
                return list[at];
            }

            var response = new ActionResponse(Guid.NewGuid(), responder, now, now, actionBodyJson);
            list.Add(response);
            return response;
        }
    }

    public IReadOnlyList<ActionResponse> Responses(Guid actionId)
    {
        lock (gate)
        {
            return responses.TryGetValue(actionId, out var list) ? list.ToArray() : [];
        }
    }

    public void AddReminder(Reminder reminder)
    {
        lock (gate)
        {
            reminders.Add(reminder);
        }
    }

    public IReadOnlyList<Reminder> Reminders()
    {
        lock (gate)
        {
            return reminders.ToArray();
        }
    }

    /// <summary>Everything posted (responses by actionId), for the state file.</summary>
    public (IReadOnlyList<AcceptedAction> Actions, IReadOnlyDictionary<Guid, ActionResponse[]> Responses, IReadOnlyList<Reminder> Reminders) Export()
    {
        lock (gate)
        {
            return (all.ToArray(), responses.ToDictionary(r => r.Key, r => r.Value.ToArray()), reminders.ToArray());
        }
    }

    /// <summary>Puts back what <see cref="Export"/> gave (into an empty store), in the original order.</summary>
    public void Import(IEnumerable<AcceptedAction> actions, IReadOnlyDictionary<Guid, ActionResponse[]> posted, IEnumerable<Reminder> sent)
    {
        lock (gate)
        {
            foreach (var action in actions.OrderBy(a => a.Sequence))
            {
                all.Add(action);
                if (!byGroup.TryGetValue(action.GroupId, out var group))
                {
                    group = [];
                    byGroup[action.GroupId] = group;
                }
                group.Add(action);
                if (action.ActionId is { } id)
                {
                    byActionId[id] = action;
                }
            }
            foreach (var (id, list) in posted)
            {
                responses[id] = [.. list];
            }
            reminders.AddRange(sent);
        }
    }

    public void Clear()
    {
        lock (gate)
        {
            reminders.Clear();
            all.Clear();
            byGroup.Clear();
            byActionId.Clear();
            responses.Clear();
        }
    }
}
