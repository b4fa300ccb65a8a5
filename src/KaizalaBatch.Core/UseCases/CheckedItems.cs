using KaizalaBatch.Planning;

namespace KaizalaBatch.UseCases;

/// <summary>The items a run's check pass hands to the sender (<see cref="PlannedItem.TakenByRun"/>), kept for the send
/// pass so that it need not render, check and plan everything again: while they are at most <see cref="MaxKept"/> (a
/// rendered item holds its body: about a kilobyte or two), and only when the send pass renders with the same
/// <c>run.startedAt</c>. Beyond that the send pass renders again, streaming, as it always did. An item that is not taken
/// (unchanged, changed without --resend-changed, beyond --limit) is never kept: a run over a completed ledger keeps none
/// and sends none.</summary>
public sealed class CheckedItems(DateTimeOffset startedAt)
{
    public const int MaxKept = 20_000;

    private List<PlannedItem>? _kept = [];

    /// <summary>The <c>run.startedAt</c> the check pass rendered with.</summary>
    public DateTimeOffset StartedAt { get; } = startedAt;

    public void Add(PlannedItem planned)
    {
        ArgumentNullException.ThrowIfNull(planned);
        if (_kept is null || !planned.TakenByRun)
        {
            return;
        }
        if (_kept.Count == MaxKept)
        {
            _kept = null; // too many to hold: the send pass renders again
            return;
        }
        _kept.Add(planned);
    }

    /// <summary>The kept items, when the send pass renders with <paramref name="sendStartedAt"/> as the check pass did;
    /// else null (render again).</summary>
    public IReadOnlyList<PlannedItem>? For(DateTimeOffset sendStartedAt) => sendStartedAt == StartedAt ? _kept : null;
}
