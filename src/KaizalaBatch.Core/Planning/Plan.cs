using System.IO.Hashing;
using System.Text;
using KaizalaBatch.Actions;

namespace KaizalaBatch.Planning;

/// <summary>What the plan says about one item, against the ledger (SPEC sections 2 and 3).</summary>
public enum PlanCategory
{
    /// <summary>No ledger entry (or one that never got sent: New, Invalid): send.</summary>
    New,
    /// <summary>Sent with the same content hash: skip.</summary>
    Unchanged,
    /// <summary>Sent, but the content hash differs: reported and skipped unless <c>--resend-changed</c>.</summary>
    Changed,
    /// <summary>Failed before: send again.</summary>
    Retry,
    /// <summary>A request went out and no answer came back: reconcile first, then send only if absent.</summary>
    InDoubt,
    /// <summary>The item has validation errors: never sent.</summary>
    Invalid,
}

/// <summary>One item with the plan's decision, the only place it is made: the sender executes it without asking the
/// ledger again. <see cref="Send"/>: the run posts it (new, retry, or changed with <c>--resend-changed</c>, within
/// <c>--limit</c>); an InDoubt item is reconciled first and posted only if the read-back does not find it; an Invalid
/// item is recorded as invalid and never posted.</summary>
/// <param name="Entry">What the ledger held for it when planned; null for an item never seen.</param>
public sealed record PlannedItem(RenderedItem Item, PlanCategory Category, LedgerEntry? Entry, bool Send)
{
    /// <summary>Whether a run hands it to the sender at all: to post, to reconcile, or to record as invalid.</summary>
    public bool TakenByRun => Send || Category is PlanCategory.InDoubt or PlanCategory.Invalid;

    /// <summary>The decision again, once a runner that shares the run with others has claimed the item and read its entry
    /// <paramref name="now"/> under the claim. Unchanged since planned: the decision stands. Left in doubt by a runner whose
    /// lease lapsed (<paramref name="tookOverLapsedLease"/>; it died, or lost the database): reconcile it first, as any
    /// in-doubt item. Otherwise another runner worked on it since this one planned it: null, it is that runner's to count
    /// (this run does not send an item twice, nor retry what another runner of it failed).</summary>
    public PlannedItem? AfterClaim(LedgerEntry? now, bool tookOverLapsedLease)
    {
        if (now == Entry)
        {
            return this;
        }
        return tookOverLapsedLease && now is { State: ItemState.InDoubt } && Item.IsValid
            ? this with { Category = PlanCategory.InDoubt, Entry = now, Send = false }
            : null;
    }
}

/// <summary>How a plan decides which items a run would send.</summary>
/// <param name="ResendChanged"><c>--resend-changed</c>: Changed items are sent too.</param>
/// <param name="Limit"><c>--limit N</c>: at most N items are marked <see cref="PlannedItem.Send"/>; the rest keep their
/// category and are left for a later run. The limit is applied here, after classification, so it counts only items
/// that would really be sent (not unchanged or invalid ones), and rendering still checks every row, so that
/// duplicate keys across the whole file are still found.</param>
public sealed record PlanOptions(bool ResendChanged = false, int? Limit = null);

/// <summary>Counts per category.</summary>
public sealed record PlanCounts(int New, int Unchanged, int Changed, int Retry, int InDoubt, int Invalid)
{
    public int Total => New + Unchanged + Changed + Retry + InDoubt + Invalid;

    public int this[PlanCategory category] => category switch
    {
        PlanCategory.New => New,
        PlanCategory.Unchanged => Unchanged,
        PlanCategory.Changed => Changed,
        PlanCategory.Retry => Retry,
        PlanCategory.InDoubt => InDoubt,
        PlanCategory.Invalid => Invalid,
        _ => throw new ArgumentOutOfRangeException(nameof(category)),
    };

    public PlanCounts Add(PlanCategory category) => category switch
    {
        PlanCategory.New => this with { New = New + 1 },
        PlanCategory.Unchanged => this with { Unchanged = Unchanged + 1 },
        PlanCategory.Changed => this with { Changed = Changed + 1 },
        PlanCategory.Retry => this with { Retry = Retry + 1 },
        PlanCategory.InDoubt => this with { InDoubt = InDoubt + 1 },
        PlanCategory.Invalid => this with { Invalid = Invalid + 1 },
        _ => throw new ArgumentOutOfRangeException(nameof(category)),
    };

    public static PlanCounts Zero { get; } = new(0, 0, 0, 0, 0, 0);
}

/// <summary>Compares rendered items with the ledger, one at a time; reads the ledger, never writes it.</summary>
public sealed class Plan
{
    private readonly ILedgerReader? ledger;
    private readonly PlanOptions options;
    // Counts per action by category, kept as numbers that change in place (a PlanCounts per item was an allocation per row).
    private readonly Dictionary<string, int[]> perAction = new(StringComparer.Ordinal);
    private readonly List<string> actionOrder = [];
    private readonly Dictionary<string, int> takenByRun = new(StringComparer.Ordinal);
    private readonly CompactKeyTable readBackKeys = new();
    private byte[] readBackBytes = new byte[256];
    private readonly List<string> ambiguities = [];
    private int sendCount;

    /// <summary>How many ambiguities <see cref="ReadBackAmbiguities"/> lists at most; <see cref="ReadBackAmbiguityCount"/> counts all.</summary>
    public const int MaxListedAmbiguities = 20;

    /// <summary>Items this run would send (or reconcile) to a group together with another such item of the same type and
    /// title (a Poll's question; any Image):
    /// the service's read-back shows only those, so if an answer to either is lost it cannot tell them apart and the item
    /// stays in doubt until <c>resolve</c>. Said before anything is sent.</summary>
    public IReadOnlyList<string> ReadBackAmbiguities => ambiguities;

    public int ReadBackAmbiguityCount { get; private set; }

    /// <param name="ledger">The ledger, or null when there is none yet (every valid item is new).</param>
    public Plan(ILedgerReader? ledger, PlanOptions? options = null)
    {
        this.ledger = ledger;
        this.options = options ?? new PlanOptions();
    }

    /// <summary>Counts per action, in the order actions were first seen.</summary>
    public IReadOnlyList<KeyValuePair<string, PlanCounts>> CountsByAction => actionOrder.Select(a => new KeyValuePair<string, PlanCounts>(a, CountsOf(perAction[a]))).ToList();

    /// <summary>How many items of an action a run hands to the sender (<see cref="PlannedItem.TakenByRun"/>): what it would
    /// send, reconcile or record as invalid.</summary>
    public int TakenByRun(string action) => takenByRun.GetValueOrDefault(action);

    public PlanCounts Totals => perAction.Values.Select(CountsOf).Aggregate(PlanCounts.Zero, (sum, c) => new PlanCounts(
        sum.New + c.New, sum.Unchanged + c.Unchanged, sum.Changed + c.Changed, sum.Retry + c.Retry, sum.InDoubt + c.InDoubt, sum.Invalid + c.Invalid));

    /// <summary>Classifies each item as it streams past, keeping the counts.</summary>
    public IEnumerable<PlannedItem> Classify(IEnumerable<RenderedItem> items, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        foreach (var item in items)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return Classify(item);
        }
    }

    public PlannedItem Classify(RenderedItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var entry = ledger?.Find(item.Action, item.Key);
        var category = Categorise(item, entry);
        var wouldSend = category is PlanCategory.New or PlanCategory.Retry || category == PlanCategory.Changed && options.ResendChanged;
        var send = wouldSend && (options.Limit is not { } limit || sendCount < limit);
        if (send)
        {
            sendCount++;
        }
        if (!perAction.TryGetValue(item.Action, out var counts))
        {
            perAction[item.Action] = counts = new int[Enum.GetValues<PlanCategory>().Length];
            actionOrder.Add(item.Action);
        }
        counts[(int)category]++;
        if (send || category is PlanCategory.InDoubt or PlanCategory.Invalid)
        {
            takenByRun[item.Action] = takenByRun.GetValueOrDefault(item.Action) + 1;
        }
        // Only items posted in this run can be confused on read-back: older Actions fall before the in-doubt time.
        if (send || category == PlanCategory.InDoubt)
        {
            NoteReadBackIdentity(item);
        }
        return new PlannedItem(item, category, entry, send);
    }

    private void NoteReadBackIdentity(RenderedItem item)
    {
        var type = item.PackageId ?? item.ActionType;
        if (!item.IsValid || !ReadBackIdentity.IsListable(type))
        {
            return;
        }
        var title = ReadBackIdentity.TitleOf(type, item.Body);
        if (readBackKeys.FindOrAdd(ReadBackKey(item.GroupId, type, title), 0) is null)
        {
            return;
        }
        if (++ReadBackAmbiguityCount <= MaxListedAmbiguities)
        {
            ambiguities.Add(title is null
                ? $"{item.Action}/{item.Key}: another item of this run also sends an {type} to group {item.GroupId}; the service's read-back cannot tell them apart"
                : $"{item.Action}/{item.Key}: another item of this run also sends a {type} titled '{title}' to group {item.GroupId}; the service's read-back cannot tell them apart");
        }
    }

    private static PlanCounts CountsOf(int[] counts) => new(counts[(int)PlanCategory.New], counts[(int)PlanCategory.Unchanged],
        counts[(int)PlanCategory.Changed], counts[(int)PlanCategory.Retry], counts[(int)PlanCategory.InDoubt], counts[(int)PlanCategory.Invalid]);

    /// <summary>XXH3 of UTF-8 "group\ntype\ntitle", written into a reused buffer: this runs for every item a run sends.</summary>
    private ulong ReadBackKey(string groupId, string type, string? title)
    {
        title ??= "";
        var length = Encoding.UTF8.GetMaxByteCount(groupId.Length + type.Length + title.Length + 2);
        if (readBackBytes.Length < length)
        {
            readBackBytes = new byte[Math.Max(length, readBackBytes.Length * 2)];
        }
        var bytes = readBackBytes.AsSpan();
        var written = Encoding.UTF8.GetBytes(groupId, bytes);
        bytes[written++] = (byte)'\n';
        written += Encoding.UTF8.GetBytes(type, bytes[written..]);
        bytes[written++] = (byte)'\n';
        written += Encoding.UTF8.GetBytes(title, bytes[written..]);
        return XxHash3.HashToUInt64(bytes[..written]);
    }

    public static PlanCategory Categorise(RenderedItem item, LedgerEntry? entry)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (!item.IsValid)
        {
            return PlanCategory.Invalid;
        }
        return entry?.State switch
        {
            null or ItemState.New or ItemState.Invalid => PlanCategory.New,
            ItemState.Sent => string.Equals(entry.ContentHash, item.ContentHash, StringComparison.OrdinalIgnoreCase) ? PlanCategory.Unchanged : PlanCategory.Changed,
            ItemState.Failed => PlanCategory.Retry,
            ItemState.InDoubt => PlanCategory.InDoubt,
            _ => throw new ArgumentOutOfRangeException(nameof(entry), entry.State, "unknown ledger state"),
        };
    }
}
