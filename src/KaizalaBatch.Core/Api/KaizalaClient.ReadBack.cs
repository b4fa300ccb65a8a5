using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KaizalaBatch.Api;

/// <summary>Reading back what a group holds: the list call, paged.</summary>
public sealed partial class KaizalaClient
{
    private const int ReadBackPageSize = 100;
    private const int MaxReadBackPageSize = 1600;

    /// <summary>Reads back a group's actions of one type created at or after <paramref name="from"/>, oldest first, following
    /// <c>hasMore</c> (actions_get.md). The service answers per-type summaries, not the bodies sent, and lists only some
    /// types (see <see cref="ReadBack"/>). fromDate and creationTime are epoch seconds.</summary>
    public async Task<ReadBackResult> ReadActionsAsync(string groupId, string actionType, DateTimeOffset from, CancellationToken cancellationToken)
    {
        var actions = new List<ReadBackAction>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var fromSeconds = Math.Max(0, from.ToUnixTimeSeconds());
        var count = ReadBackPageSize;
        while (true)
        {
            var query = $"v1/groups/{Uri.EscapeDataString(groupId)}/actions?actionType={Uri.EscapeDataString(actionType)}"
                + $"&fromDate={fromSeconds.ToString(CultureInfo.InvariantCulture)}&count={count.ToString(CultureInfo.InvariantCulture)}";
            var outcome = await CallAsync(HttpMethod.Get, query, null, cancellationToken).ConfigureAwait(false);
            if (outcome is not Accepted page)
            {
                return new ReadBackResult(actions, outcome);
            }
            var newest = fromSeconds;
            var added = 0;
            foreach (var node in page.Body["actions"] as JsonArray ?? [])
            {
                if (node is not JsonObject item)
                {
                    continue;
                }
                var action = ReadBack.Parse(item);
                if (action.CreationTime is { } created)
                {
                    newest = Math.Max(newest, created.ToUnixTimeSeconds());
                }
                if (action.ReferenceId is null || seen.Add(action.ReferenceId))
                {
                    actions.Add(action);
                    added++;
                }
            }
            if (page.Body["hasMore"]?.GetValueKind() != JsonValueKind.True)
            {
                return new ReadBackResult(actions, null);
            }
            // Creation times are whole seconds, so the next page starts at the newest one seen (inclusive) and repeats are
            // dropped by referenceId. A page that brought nothing new is a full page from one second: ask again for more, up
            // to a limit past which the read-back cannot page; say so rather than guess.
            if (added == 0)
            {
                if (count >= MaxReadBackPageSize)
                {
                    return new ReadBackResult(actions, new Transient(TransientKind.ServerError,
                        $"the read-back cannot page past {count} actions created in the same second"));
                }
                count = Math.Min(count * 4, MaxReadBackPageSize);
                continue;
            }
            fromSeconds = newest;
        }
    }
}
