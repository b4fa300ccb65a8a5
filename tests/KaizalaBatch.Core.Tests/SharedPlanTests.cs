using KaizalaBatch.Planning;

namespace KaizalaBatch.Core.Tests;

/// <summary>The plan's decision made again under a shared run's claim (<see cref="PlannedItem.AfterClaim"/>): it stands while
/// nothing happened to the item; what a runner whose lease lapsed left in doubt is reconciled; anything else another runner
/// did since is that runner's, never sent again nor retried in the same run.</summary>
public sealed class SharedPlanTests
{
    private const string Minimal = """
        version: 1
        name: q3
        actions:
          - name: survey
            type: Survey
            targets: { file: groups.csv }
            body: { title: "x", questions: [ { title: "q", type: Text } ] }
        """;

    [Fact]
    public void A_claimed_item_keeps_its_decision_unless_another_runner_worked_on_it()
    {
        using var folder = new TempFolder();
        folder.Write("groups.csv", "groupId\n" + TempFolder.GroupA + "\n");
        var item = Assert.Single(folder.Render(Minimal).Items);
        var planned = new Plan(null).Classify(item);
        Assert.True(planned.Send);

        // Nothing recorded since it was planned (a runner that claimed it may have died before any mark): it stands.
        Assert.Same(planned, planned.AfterClaim(null, tookOverLapsedLease: false));
        Assert.Same(planned, planned.AfterClaim(null, tookOverLapsedLease: true));

        var at = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
        var inDoubt = new LedgerEntry(item.Action, item.Key, ItemState.InDoubt, item.ContentHash, null, null, 1, null, at, at, "x");
        var reconcile = planned.AfterClaim(inDoubt, tookOverLapsedLease: true);
        Assert.NotNull(reconcile);
        Assert.Equal(PlanCategory.InDoubt, reconcile.Category);
        Assert.False(reconcile.Send);
        Assert.True(reconcile.TakenByRun);
        Assert.Same(inDoubt, reconcile.Entry);

        // Another runner left it in doubt and gave it back (it tried in this run), sent it, or failed it: theirs.
        Assert.Null(planned.AfterClaim(inDoubt, tookOverLapsedLease: false));
        Assert.Null(planned.AfterClaim(inDoubt with { State = ItemState.Sent }, tookOverLapsedLease: false));
        Assert.Null(planned.AfterClaim(inDoubt with { State = ItemState.Failed }, tookOverLapsedLease: true));

        // Planned against an entry that has not changed: it stands, whatever it was.
        var retry = new Plan(new OneEntry(inDoubt with { State = ItemState.Failed })).Classify(item);
        Assert.Equal(PlanCategory.Retry, retry.Category);
        Assert.Same(retry, retry.AfterClaim(inDoubt with { State = ItemState.Failed }, tookOverLapsedLease: false));
    }

    private sealed class OneEntry(LedgerEntry entry) : ILedgerReader
    {
        public LedgerEntry? Find(string action, string key) => entry;
    }
}
