using KaizalaBatch.Actions;
using System.Text.Json.Nodes;
using KaizalaBatch.Api;
using KaizalaBatch.Emulator;
using KaizalaBatch.Ledger;
using KaizalaBatch.Planning;

namespace KaizalaBatch.Sending.Tests;

/// <summary>Reconciliation against the read-back as Microsoft documents it: summaries (type, title, sender, creation time),
/// not the bodies sent. The emulator answers in those shapes; its <c>Actions</c> list is the witness.</summary>
public sealed class ReconciliationTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly EmulatorOptions Unlimited = new() { PerMinute = 0, TenantPerMinute = 0 };

    private string LedgerPath => _dir.File("run.ledger.db");

    private static BatchOptions Fast(int concurrency = 4) =>
        new(MaxAttempts: 4, MaxErrors: 0, Concurrency: concurrency) { RetryDelay = TimeSpan.FromMilliseconds(20), MaxRetryDelay = TimeSpan.FromMilliseconds(100), JitterSeed = 5 };

    private static async Task<RunSummary> Run(Connection c, ILedger ledger, IReadOnlyList<RenderedItem> items, int concurrency = 4) =>
        await new BatchRunner(c.Client, ledger, Fast(concurrency), null, c.Logger).RunAsync(Planned.Against(ledger, items), null, null, Ct, Ct);

    /// <summary>What a crash leaves: the item marked in doubt with the title it was sent under, and perhaps its post landed.</summary>
    private static async Task CrashWhileSending(Connection c, ILedger ledger, RenderedItem item, bool landed)
    {
        var request = ActionRequest.For(item, new Dictionary<string, string>());
        ledger.MarkInDoubt(item, request.BodyHash, ReadBackIdentity.TitleOf(item.ActionType, request.ActionBody), DateTimeOffset.UtcNow);
        if (landed)
        {
            Assert.IsType<Accepted>(await c.Client.SendActionAsync(item.GroupId, request.Json, Ct));
        }
    }

    /// <summary>Somebody else (another connector, with its own sender number) posts to the group.</summary>
    private static async Task PostAsAnotherConnector(Connection c, RenderedItem like)
    {
        await using var pacer = new Pacer(new PacingOptions(0, 1));
        var options = new KaizalaClientOptions(c.Emulator.ApiRoot, "someone-else", new Secret("s"), new Secret("r"));
        using var other = new KaizalaClient(options, pacer);
        var request = ActionRequest.For(like, new Dictionary<string, string>());
        Assert.IsType<Accepted>(await other.SendActionAsync(like.GroupId, request.Json, Ct));
    }

    private List<Guid> OurGroups(Connection c) =>
        c.Emulator.Actions.Where(a => a.Connector == Connection.AppId).Select(a => a.GroupId).Order().ToList();

    [Fact]
    public async Task A_lost_post_is_found_by_type_title_and_this_connector_s_sender_and_another_sender_s_post_is_not_taken_for_it()
    {
        await using var c = await Connection.StartAsync(Unlimited);
        using var ledger = Ledgers.Open(LedgerPath, LedgerMode.ReadWrite);
        var earlier = Items.Survey("survey", Items.NewGroup(), "Safety check");
        Assert.Equal(1, (await Run(c, ledger, [earlier])).Sent);

        var onlyForeign = Items.Survey("survey", Items.NewGroup(), "Safety check", key: "b");
        var landed = Items.Survey("survey", Items.NewGroup(), "Safety check", key: "c");
        await CrashWhileSending(c, ledger, onlyForeign, landed: false);
        await CrashWhileSending(c, ledger, landed, landed: true);
        await PostAsAnotherConnector(c, onlyForeign);
        await PostAsAnotherConnector(c, landed);

        var summary = await Run(c, ledger, [onlyForeign, landed]);

        Assert.Equal(1, summary.Sent);
        Assert.Equal(1, summary.Reconciled);
        Assert.True(ledger.FindRecord(landed.Action, landed.Key)!.Reconciled);
        Assert.Equal(new[] { earlier, onlyForeign, landed }.Select(i => Guid.Parse(i.GroupId)).Order(), OurGroups(c));
        Assert.Equal(Emulator.State.Senders.PhoneOf(Connection.AppId), ledger.FindSender(Connection.AppId));
    }

    [Fact]
    public async Task A_lost_post_is_matched_by_the_title_it_was_sent_under_even_after_the_template_changed()
    {
        await using var c = await Connection.StartAsync(Unlimited);
        using var ledger = Ledgers.Open(LedgerPath, LedgerMode.ReadWrite);
        var group = Items.NewGroup();
        await CrashWhileSending(c, ledger, Items.Survey("survey", group, "Old title", key: "k"), landed: true);
        var changed = Items.Survey("survey", group, "New title", key: "k");

        var summary = await Run(c, ledger, [changed]);

        Assert.Equal(1, summary.Reconciled);
        Assert.Single(c.Emulator.Actions);
    }

    [Fact]
    public async Task Two_Actions_that_match_equally_are_not_guessed_between_and_the_item_stays_in_doubt()
    {
        await using var c = await Connection.StartAsync(Unlimited);
        using var ledger = Ledgers.Open(LedgerPath, LedgerMode.ReadWrite);
        var item = Items.Survey("survey", Items.NewGroup(), "Safety check");
        await CrashWhileSending(c, ledger, item, landed: true);
        var request = ActionRequest.For(item, new Dictionary<string, string>());
        Assert.IsType<Accepted>(await c.Client.SendActionAsync(item.GroupId, request.Json, Ct));

        var summary = await Run(c, ledger, [item]);

        Assert.Equal(1, summary.InDoubt);
        Assert.Equal(2, c.Emulator.Actions.Count);
        var record = ledger.FindRecord(item.Action, item.Key)!;
        Assert.Equal(ItemState.InDoubt, record.State);
        Assert.Contains("cannot tell which one", record.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_read_back_that_answers_404_fails_the_item_with_the_reason_and_posts_nothing()
    {
        var known = Guid.NewGuid();
        await using var c = await Connection.StartAsync(new EmulatorOptions { PerMinute = 0, TenantPerMinute = 0, KnownGroups = new HashSet<Guid> { known } });
        using var ledger = Ledgers.Open(LedgerPath, LedgerMode.ReadWrite);
        var gone = Items.Survey("survey", Items.NewGroup(), "Safety check");
        await CrashWhileSending(c, ledger, gone, landed: false);

        var summary = await Run(c, ledger, [gone]);

        Assert.Equal(1, summary.Failed);
        Assert.Empty(c.Emulator.Actions);
        var record = ledger.FindRecord(gone.Action, gone.Key)!;
        Assert.Equal(ItemState.Failed, record.State);
        Assert.Contains("group is gone", record.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_in_doubt_item_of_a_type_the_service_cannot_list_is_held_not_posted_again()
    {
        await using var c = await Connection.StartAsync(Unlimited);
        using var ledger = Ledgers.Open(LedgerPath, LedgerMode.ReadWrite);
        var group = Items.NewGroup();
        var notice = Items.Make("notice", group, group, "Announcement", new JsonObject { ["title"] = "Hi", ["message"] = "Read me" });
        await CrashWhileSending(c, ledger, notice, landed: false);

        var summary = await Run(c, ledger, [notice]);

        Assert.Equal(1, summary.InDoubt);
        Assert.Empty(c.Emulator.Actions);
        Assert.Contains("cannot list Announcement", ledger.FindRecord(notice.Action, notice.Key)!.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Items_that_need_the_same_file_at_the_same_moment_share_one_upload()
    {
        await using var c = await Connection.StartAsync(new EmulatorOptions { PerMinute = 0, TenantPerMinute = 0, Latency = TimeSpan.FromMilliseconds(150) });
        var photo = _dir.File("site.jpg");
        File.WriteAllBytes(photo, [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3]);
        var (items, _) = Items.Photos(photo, 8);
        using var ledger = Ledgers.Open(LedgerPath, LedgerMode.ReadWrite);

        var summary = await Run(c, ledger, items, concurrency: 8);

        Assert.Equal(8, summary.Sent);
        Assert.Equal(1, c.Logger.Count("Uploaded site.jpg"));
        using var http = new HttpClient { BaseAddress = c.Emulator.BaseUrl };
        var stats = JsonNode.Parse(await http.GetStringAsync(new Uri("_emulator/stats", UriKind.Relative), Ct))!;
        var uploads = stats["routes"]!.AsObject().Where(r => r.Key.Contains("media", StringComparison.Ordinal))
            .Sum(r => r.Value!.AsObject().Sum(o => (int)o.Value!));
        Assert.Equal(1, uploads);
    }
}
