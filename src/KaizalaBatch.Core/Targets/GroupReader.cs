using KaizalaBatch.Api;
using Polly;
using Polly.Retry;

namespace KaizalaBatch.Targets;

/// <summary>One group of the organisation a connection reaches, placed in its hierarchy.</summary>
/// <param name="ParentGroupId">The group it is a subgroup of; null at the top (or when its parent is out of reach).</param>
/// <param name="Level">0 at the top, 1 for a subgroup of a top-level group, ...</param>
/// <param name="MemberCount">The members at its own level (the list call's currentLevelUserCount); null when not given.</param>
public sealed record GroupRow(string GroupId, string GroupName, string? ParentGroupId, int Level, int? MemberCount);

/// <summary>Reads the organisation a connection reaches through the documented group calls: one list call
/// (<c>GET /groups?fetchAllGroups=true&amp;showDetail=true</c>) for the groups and their member counts, then one
/// <c>subGroups?fetchAllGroups=true</c> call per top-level group with subgroups for the hierarchy, and members on
/// request. Every call goes through the client (so through its pacer); transient failures are retried with backoff.</summary>
public sealed class GroupReader(KaizalaClient client, int maxAttempts, TimeProvider time)
{
    /// <summary>The first retry's delay; later ones grow exponentially, with jitter.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Every group, depth first (a parent before its subgroups); with <paramref name="under"/> only that group and
    /// the groups below it (levels and parents stay those of the whole organisation). A group <paramref name="under"/> that
    /// the connection does not reach is a <see cref="Permanent"/> 404 failure.</summary>
    public async Task<ApiRead<IReadOnlyList<GroupRow>>> ReadGroupsAsync(string? under, CancellationToken cancellationToken)
    {
        var listed = await RetriedAsync(client.ListGroupsAsync, cancellationToken).ConfigureAwait(false);
        if (listed.Value is not { } groups)
        {
            return new(null, listed.Failure);
        }
        var counts = new Dictionary<string, ListedGroup>(StringComparer.OrdinalIgnoreCase);
        foreach (var group in groups)
        {
            counts.TryAdd(group.GroupId, group);
        }
        var rows = new List<GroupRow>(groups.Count);
        var placed = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        // Top-level groups first, then any group whose parent is out of reach, as a top of its own.
        foreach (var top in groups.Where(g => !g.HasParentGroups).Concat(groups.Where(g => g.HasParentGroups)))
        {
            if (placed.Contains(top.GroupId))
            {
                continue;
            }
            var tree = new GroupNode(top.GroupId, top.GroupName, []);
            if (top.HasSubGroups)
            {
                var read = await RetriedAsync(ct => client.ReadSubGroupsAsync(top.GroupId, ct), cancellationToken).ConfigureAwait(false);
                if (read.Value is null)
                {
                    return new(null, read.Failure);
                }
                tree = read.Value;
            }
            Place(tree, null, 0, counts, placed, rows);
        }
        if (under is null)
        {
            return new(rows, null);
        }
        var subtree = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var selected = new List<GroupRow>();
        foreach (var row in rows)
        {
            if (string.Equals(row.GroupId, under, StringComparison.OrdinalIgnoreCase)
                || (row.ParentGroupId is { } parent && subtree.Contains(parent)))
            {
                subtree.Add(row.GroupId);
                selected.Add(row);
            }
        }
        return selected.Count > 0
            ? new(selected, null)
            : new(null, new Permanent(404, $"group {under} is not one of the {rows.Count} groups the connection reaches"));
    }

    /// <summary>The members at a group's own level.</summary>
    public Task<ApiRead<IReadOnlyList<GroupMember>>> ReadMembersAsync(string groupId, CancellationToken cancellationToken) =>
        RetriedAsync(ct => client.ReadMembersAsync(groupId, ct), cancellationToken);

    private static void Place(GroupNode node, string? parent, int level, Dictionary<string, ListedGroup> listed, HashSet<string> placed, List<GroupRow> rows)
    {
        if (!placed.Add(node.GroupId))
        {
            return;
        }
        var entry = listed.GetValueOrDefault(node.GroupId);
        var name = node.GroupName.Length > 0 ? node.GroupName : entry?.GroupName ?? "";
        rows.Add(new GroupRow(node.GroupId, name, parent, level, entry?.MemberCount));
        foreach (var child in node.SubGroups)
        {
            Place(child, node.GroupId, level + 1, listed, placed, rows);
        }
    }

    private async Task<ApiRead<T>> RetriedAsync<T>(Func<CancellationToken, Task<ApiRead<T>>> call, CancellationToken cancellationToken)
        where T : class
    {
        var pipeline = new ResiliencePipelineBuilder<ApiRead<T>> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<ApiRead<T>>
            {
                MaxRetryAttempts = Math.Max(maxAttempts - 1, 0),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = RetryDelay,
                MaxDelay = TimeSpan.FromMinutes(1),
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result?.Failure is Transient),
                // After a 429 the pacer already holds every call back for Retry-After; no extra wait on top.
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(
                    args.Outcome.Result?.Failure is Transient { Kind: TransientKind.Throttled } ? TimeSpan.Zero : null),
            })
            .Build();
        return await pipeline.ExecuteAsync(async ct => await call(ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
    }
}
