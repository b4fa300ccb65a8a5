using System.Text.Json.Nodes;
using KaizalaBatch.Diagnostics;
using KaizalaBatch.Planning;

namespace KaizalaBatch.Core.Tests;

public sealed class PlanTests
{
    /// <summary>An in-memory ledger: ILedgerReader is a plain interface, so a dictionary stands in for SQLite.</summary>
    private sealed class MemoryLedger : ILedgerReader
    {
        private readonly Dictionary<(string, string), LedgerEntry> entries = [];

        public int Reads { get; private set; }

        public void Add(string action, string key, ItemState state, string hash) =>
            entries[(action, key)] = new LedgerEntry(action, key, state, hash, null, null, 1, null, DateTimeOffset.UnixEpoch);

        public LedgerEntry? Find(string action, string key)
        {
            Reads++;
            return entries.GetValueOrDefault((action, key));
        }
    }

    private static RenderedItem Item(string action, string key, string hash = "h1", bool valid = true) =>
        new(action, key, TempFolder.GroupA, "Poll", null, new JsonObject(), null, [], hash, [1],
            valid ? [] : [Diagnostic.Error(DiagnosticCodes.FieldRequired, "x", new SourceLocation("g.csv"))]);

    [Fact]
    public void Classifies_every_state()
    {
        var ledger = new MemoryLedger();
        ledger.Add("a", "unchanged", ItemState.Sent, "h1");
        ledger.Add("a", "changed", ItemState.Sent, "old");
        ledger.Add("a", "failed", ItemState.Failed, "h1");
        ledger.Add("a", "doubt", ItemState.InDoubt, "h1");
        ledger.Add("a", "wasinvalid", ItemState.Invalid, "h1");
        ledger.Add("a", "nowinvalid", ItemState.Sent, "h1");
        var plan = new Plan(ledger);
        var items = new[] { "new", "unchanged", "changed", "failed", "doubt", "wasinvalid" }.Select(k => Item("a", k)).Append(Item("a", "nowinvalid", valid: false));
        var planned = plan.Classify(items, TestContext.Current.CancellationToken).ToList();
        Assert.Equal(
            [PlanCategory.New, PlanCategory.Unchanged, PlanCategory.Changed, PlanCategory.Retry, PlanCategory.InDoubt, PlanCategory.New, PlanCategory.Invalid],
            planned.Select(p => p.Category));
        Assert.Equal([true, false, false, true, false, true, false], planned.Select(p => p.Send));
        Assert.Equal(new PlanCounts(2, 1, 1, 1, 1, 1), plan.Totals);
        Assert.Equal("old", planned[2].Entry!.ContentHash);
    }

    [Fact]
    public void Without_a_ledger_every_valid_item_is_new()
    {
        var plan = new Plan(null);
        var planned = plan.Classify([Item("a", "1"), Item("a", "2", valid: false)], TestContext.Current.CancellationToken).ToList();
        Assert.Equal([PlanCategory.New, PlanCategory.Invalid], planned.Select(p => p.Category));
    }

    [Fact]
    public void Counts_per_action_in_first_seen_order()
    {
        var plan = new Plan(null);
        _ = plan.Classify([Item("b", "1"), Item("a", "1"), Item("b", "2"), Item("b", "3", valid: false)], TestContext.Current.CancellationToken).ToList();
        Assert.Equal(["b", "a"], plan.CountsByAction.Select(c => c.Key));
        Assert.Equal(new PlanCounts(2, 0, 0, 0, 0, 1), plan.CountsByAction[0].Value);
        Assert.Equal(4, plan.Totals.Total);
    }

    [Fact]
    public void Resend_changed_sends_changed_items()
    {
        var ledger = new MemoryLedger();
        ledger.Add("a", "k", ItemState.Sent, "old");
        Assert.False(new Plan(ledger).Classify(Item("a", "k")).Send);
        Assert.True(new Plan(ledger, new PlanOptions(ResendChanged: true)).Classify(Item("a", "k")).Send);
    }

    [Fact]
    public void Limit_counts_only_items_that_would_be_sent()
    {
        var ledger = new MemoryLedger();
        ledger.Add("a", "done", ItemState.Sent, "h1");
        var plan = new Plan(ledger, new PlanOptions(Limit: 2));
        var planned = plan.Classify([Item("a", "done"), Item("a", "1"), Item("a", "bad", valid: false), Item("a", "2"), Item("a", "3")], TestContext.Current.CancellationToken).ToList();
        Assert.Equal([false, true, false, true, false], planned.Select(p => p.Send));
        Assert.Equal(PlanCategory.New, planned[4].Category);
    }

    [Fact]
    public void Classification_streams_and_reads_the_ledger_once_per_item()
    {
        var ledger = new MemoryLedger();
        var plan = new Plan(ledger);
        IEnumerable<RenderedItem> Endless()
        {
            for (var i = 0; ; i++)
            {
                yield return Item("a", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        var firstThree = plan.Classify(Endless(), TestContext.Current.CancellationToken).Take(3).ToList();
        Assert.Equal(3, firstThree.Count);
        Assert.Equal(3, ledger.Reads);
    }

    [Fact]
    public void Hash_comparison_with_a_real_render()
    {
        using var folder = new TempFolder();
        folder.Write("groups.csv", $"groupId,site\n{TempFolder.GroupA},Pune\n{TempFolder.GroupB},Goa\n");
        const string run = """
            version: 1
            name: p
            actions:
              - name: a
                type: Poll
                targets: { file: groups.csv }
                body: { question: "{{ row.site }}", choices: [x] }
            """;
        var first = folder.Render(run).Items;
        var ledger = new MemoryLedger();
        foreach (var item in first)
        {
            ledger.Add(item.Action, item.Key, ItemState.Sent, item.ContentHash);
        }
        folder.Write("groups.csv", $"groupId,site\n{TempFolder.GroupA},Pune\n{TempFolder.GroupB},Goa!\n{TempFolder.GroupC},Delhi\n");
        var plan = new Plan(ledger);
        var planned = plan.Classify(folder.Render(run).Items, TestContext.Current.CancellationToken).ToList();
        Assert.Equal([PlanCategory.Unchanged, PlanCategory.Changed, PlanCategory.New], planned.Select(p => p.Category));
    }
}
