using KaizalaBatch.Actions;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using KaizalaBatch.Api;
using KaizalaBatch.Emulator;
using KaizalaBatch.Ledger;
using KaizalaBatch.Planning;
using Microsoft.Extensions.Time.Testing;

namespace KaizalaBatch.Sending.Tests;

public sealed partial class BatchRunnerTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly EmulatorOptions Unlimited = new() { PerMinute = 0, TenantPerMinute = 0 };

    private string LedgerPath => _dir.File("run.ledger.db");

    private static BatchOptions Fast(int maxAttempts = 8, int maxErrors = 0, int concurrency = 4) =>
        new(maxAttempts, maxErrors, concurrency) { RetryDelay = TimeSpan.FromMilliseconds(20), MaxRetryDelay = TimeSpan.FromMilliseconds(200), JitterSeed = 42 };

    private static List<RenderedItem> Surveys(int count) =>
        Enumerable.Range(0, count).Select(i => Items.Survey("survey", Items.NewGroup(), $"Check {i}")).ToList();

    private static async Task<RunSummary> Run(Connection c, ILedger ledger, IReadOnlyList<RenderedItem> items, BatchOptions? options = null,
        IProgress<RunProgress>? progress = null, TimeProvider? time = null, CancellationToken? stop = null)
    {
        var runner = new BatchRunner(c.Client, ledger, options ?? Fast(), time, c.Logger);
        return await runner.RunAsync(Planned.Against(ledger, items), progress, null, stop ?? Ct, Ct);
    }

    /// <summary>Every accepted Action is for a distinct item: the emulator is the witness.</summary>
    private static void AssertExactlyOnce(KaizalaEmulator emulator, IEnumerable<RenderedItem> items)
    {
        var groups = items.Select(i => Guid.Parse(i.GroupId)).Order().ToList();
        Assert.Equal(groups, emulator.Actions.Select(a => a.GroupId).Order().ToList());
    }

    private static void AssertAllSent(ILedger ledger, IEnumerable<RenderedItem> items)
    {
        foreach (var item in items)
        {
            var entry = ledger.Find(item.Action, item.Key);
            Assert.NotNull(entry);
            Assert.Equal(ItemState.Sent, entry.State);
            Assert.NotNull(entry.ReferenceId);
        }
    }

    [Fact]
    public async Task A_batch_sends_each_item_once_and_a_rerun_sends_nothing()
    {
        await using var c = await Connection.StartAsync(Unlimited);
        var items = Surveys(20);
        items.Add(Items.Job("job", Items.NewGroup()));
        var reports = new List<RunProgress>();
        using (var ledger = Ledgers.Open(LedgerPath, LedgerMode.ReadWrite))
        {
            var summary = await Run(c, ledger, items, progress: new SyncProgress(reports.Add));
            Assert.Equal(21, summary.Sent);
            Assert.Null(summary.Stopped);
            Assert.Equal(0, summary.ExitCode);
            Assert.Equal(["job", "survey"], summary.Actions.Select(a => a.Action));
            AssertAllSent(ledger, items);
            Assert.Equal(0, reports[^1].Remaining);
            Assert.Equal(21, reports[^1].Sent);
            Assert.All(reports, r => Assert.InRange(r.InFlight, 0, 4));
        }
        AssertExactlyOnce(c.Emulator, items);

        using (var again = Ledgers.Open(LedgerPath, LedgerMode.ReadWrite))
        {
            var summary = await Run(c, again, items);
            Assert.Equal(0, summary.Sent);
            Assert.Empty(summary.Actions); // the plan found every item unchanged: nothing reached the sender
        }
        Assert.Equal(21, c.Emulator.Actions.Count);
    }

    [Fact]
    public async Task A_refused_item_fails_at_once_and_is_sent_when_retried()
    {
        await using var c = await Connection.StartAsync(Unlimited);
        var group = Items.NewGroup();
        var broken = Items.Make("job", group, group, "Job", new JsonObject { ["title"] = "No assignees", ["dueDate"] = 24 });
        using var ledger = Ledgers.Open(LedgerPath, LedgerMode.ReadWrite);
        var first = await Run(c, ledger, [broken]);
        Assert.Equal(1, first.Failed);
        Assert.Equal(1, first.ExitCode);
        var entry = ledger.Find("job", group)!;
        Assert.Equal(ItemState.Failed, entry.State);
        Assert.Equal(1, entry.Attempts);
        Assert.StartsWith("HTTP 400", entry.LastError, StringComparison.Ordinal);

        var fixedItem = Items.Job("job", group);
        var second = await Run(c, ledger, [fixedItem]);
        Assert.Equal(1, second.Sent);
        Assert.Equal(ItemState.Sent, ledger.Find("job", group)!.State);
        Assert.Single(c.Emulator.Actions);
    }

    [Fact]
    public async Task An_invalid_item_is_recorded_as_invalid_and_never_sent()
    {
        await using var c = await Connection.StartAsync(Unlimited);
        var valid = Items.Survey("survey", Items.NewGroup());
        var invalid = Items.Survey("survey", Items.NewGroup()) with
        {
            Errors = [Diagnostics.Diagnostic.Error("KB9999", "title is missing", new Diagnostics.SourceLocation("groups.csv", Row: 2))],
        };
        using var ledger = Ledgers.Open(LedgerPath, LedgerMode.ReadWrite);
        var summary = await Run(c, ledger, [valid, invalid]);
        Assert.Equal(1, summary.Sent);
        Assert.Equal(1, summary.Invalid);
        Assert.Equal(1, summary.ExitCode);
        var entry = ledger.Find(invalid.Action, invalid.Key)!;
        Assert.Equal(ItemState.Invalid, entry.State);
        Assert.Contains("title is missing", entry.LastError);
        Assert.Single(c.Emulator.Actions);
    }

    [Fact]
    public async Task Server_faults_and_resets_end_all_sent_with_no_duplicate()
    {
        await using var c = await Connection.StartAsync(Unlimited with { Seed = 7, Fault5xx = 0.25, FaultReset = 0.15 });
        var items = Surveys(30);
        using var ledger = Ledgers.Open(LedgerPath, LedgerMode.ReadWrite);
        var summary = await Run(c, ledger, items, Fast(maxAttempts: 12));
        Assert.Equal(30, summary.Sent + summary.Reconciled);
        Assert.Equal(0, summary.Failed + summary.InDoubt);
        AssertAllSent(ledger, items);
        AssertExactlyOnce(c.Emulator, items);
        Assert.Contains("outcome unknown", c.Logger.All);
    }

    [Fact]
    public async Task Accepted_then_dropped_answers_are_reconciled_with_no_duplicate()
    {
        await using var c = await Connection.StartAsync(Unlimited with { Seed = 3, FaultAcceptDrop = 0.4 });
        var items = Surveys(25);
        using var ledger = Ledgers.Open(LedgerPath, LedgerMode.ReadWrite);
        var summary = await Run(c, ledger, items, Fast(maxAttempts: 12));
        Assert.True(summary.Reconciled > 0, "the seed should drop some answers");
        Assert.Equal(25, summary.Sent + summary.Reconciled);
        AssertAllSent(ledger, items);
        AssertExactlyOnce(c.Emulator, items);
        var reconciled = ledger.Export().Where(r => r.Reconciled).ToList();
        Assert.Equal(summary.Reconciled, reconciled.Count);
        // The reference the ledger keeps is the Action the service holds.
        var stored = c.Emulator.Actions.ToDictionary(a => a.GroupId.ToString("D"), a => a.ReferenceId.ToString());
        Assert.All(reconciled, r => Assert.Equal(stored[r.GroupId], r.ReferenceId));
    }

    [Fact]
    public async Task Timeouts_leave_items_in_doubt_until_the_read_back_finds_them()
    {
        // The slow answers wait on the emulator's fake clock, which never moves: each one is a client timeout (1 s, real).
        var service = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var c = await Connection.StartAsync(
            Unlimited with { Seed = 11, FaultSlow = 0.3, Time = service },
            configure: o => o with { Timeout = TimeSpan.FromSeconds(1) });
        var items = Surveys(8);
        using var ledger = Ledgers.Open(LedgerPath, LedgerMode.ReadWrite);
        var summary = await Run(c, ledger, items, Fast(maxAttempts: 10) with { ReconcileSkew = TimeSpan.FromMinutes(1) });
        Assert.Equal(8, summary.Sent + summary.Reconciled);
        Assert.Contains("timed out", c.Logger.All);
        AssertAllSent(ledger, items);
        AssertExactlyOnce(c.Emulator, items);
    }

    [Fact]
    public async Task In_doubt_items_from_a_crashed_run_are_reconciled_before_anything_is_posted()
    {
        await using var c = await Connection.StartAsync(Unlimited);
        var landed = Items.Survey("survey", Items.NewGroup(), "landed before the crash");
        var lost = Items.Survey("survey", Items.NewGroup(), "never left");
        using (var crashed = Ledgers.Open(LedgerPath, LedgerMode.ReadWrite))
        {
            // The crashed run: both marked in doubt, only one request reached the service, no answer recorded.
            foreach (var item in new[] { landed, lost })
            {
                var sent = ActionRequest.For(item, new Dictionary<string, string>());
                crashed.MarkInDoubt(item, sent.BodyHash, ReadBackIdentity.TitleOf(item.ActionType, sent.ActionBody), DateTimeOffset.UtcNow);
            }
            var request = ActionRequest.For(landed, new Dictionary<string, string>());
            Assert.IsType<Accepted>(await c.Client.SendActionAsync(landed.GroupId, request.Json, Ct));
        }
        using var ledger = Ledgers.Open(LedgerPath, LedgerMode.ReadWrite);
        var items = new List<RenderedItem> { landed, lost };
        var summary = await Run(c, ledger, items);
        Assert.Equal(1, summary.Reconciled);
        Assert.Equal(1, summary.Sent);
        Assert.True(ledger.FindRecord(landed.Action, landed.Key)!.Reconciled);
        AssertExactlyOnce(c.Emulator, items);
    }

    [Fact]
    public async Task A_move_mid_run_is_survived()
    {
        await using var c = await Connection.StartAsync(Unlimited with { MoveAfter = 8 });
        var items = Surveys(20);
        using var ledger = Ledgers.Open(LedgerPath, LedgerMode.ReadWrite);
        var summary = await Run(c, ledger, items);
        Assert.Equal(20, summary.Sent);
        Assert.Contains("moved the endpoint", c.Logger.All);
        AssertExactlyOnce(c.Emulator, items);
    }

    [Fact]
    public async Task A_token_expiring_mid_run_is_renewed_without_a_failure()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var c = await Connection.StartAsync(
            Unlimited with { TokenLifetime = TimeSpan.FromMinutes(1), Time = time },
            clientTime: time);
        var items = Surveys(12);
        using var ledger = Ledgers.Open(LedgerPath, LedgerMode.ReadWrite, time);
        // Each finished item moves both clocks on 20 s: the one-minute token runs out several times during the run.
        var summary = await Run(c, ledger, items, Fast(concurrency: 1), new SyncProgress(p =>
        {
            if (p.InFlight == 0)
            {
                time.Advance(TimeSpan.FromSeconds(20));
            }
        }), time);
        Assert.Equal(12, summary.Sent);
        Assert.True(c.Logger.Count("Access token obtained") >= 3);
        AssertExactlyOnce(c.Emulator, items);
    }

    /// <summary>Moves the shared fake clock a second at a time until the run ends.</summary>
    private static async Task<RunSummary> Drive(FakeTimeProvider time, Task<RunSummary> run)
    {
        var deadline = time.GetUtcNow().AddHours(1);
        while (!run.IsCompleted)
        {
            Assert.True(time.GetUtcNow() < deadline, "the run did not end");
            SpinWait.SpinUntil(() => run.IsCompleted, 5);
            time.Advance(TimeSpan.FromSeconds(1));
        }
        return await run;
    }

    [Fact]
    public async Task Throttling_pauses_every_worker_and_the_batch_still_ends_sent_once()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var c = await Connection.StartAsync(Unlimited with { PerMinute = 5, Time = time },
            pacing: new PacingOptions(PerMinute: 0, Concurrency: 4), clientTime: time);
        var items = Surveys(12);
        using var ledger = Ledgers.Open(LedgerPath, LedgerMode.ReadWrite, time);
        var summary = await Drive(time, Run(c, ledger, items, Fast(maxAttempts: 30), time: time));
        Assert.Equal(12, summary.Sent);
        Assert.Contains("throttled the connector", c.Logger.All);
        AssertExactlyOnce(c.Emulator, items);
    }

    [Fact]
    public async Task Paced_at_the_service_limit_no_call_is_throttled()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var c = await Connection.StartAsync(Unlimited with { PerMinute = 5, Time = time },
            // The fake clock runs on while requests travel; a wider window absorbs that, as a second does for real networks.
            pacing: new PacingOptions(PerMinute: 5, Concurrency: 4) { Window = TimeSpan.FromSeconds(70) }, clientTime: time);
        var items = Surveys(12);
        using var ledger = Ledgers.Open(LedgerPath, LedgerMode.ReadWrite, time);
        var started = time.GetUtcNow();
        var summary = await Drive(time, Run(c, ledger, items, Fast(), time: time));
        Assert.Equal(12, summary.Sent);
        Assert.DoesNotContain("throttled", c.Logger.All);
        // 13 calls (a token and 12 actions) at 5 a window need just over two windows.
        Assert.InRange(time.GetUtcNow() - started, TimeSpan.FromSeconds(140), TimeSpan.FromMinutes(3.5));
        AssertExactlyOnce(c.Emulator, items);
    }

    [Fact]
    public async Task A_connection_that_stops_working_stops_the_run_and_records_nothing_false()
    {
        // Every access token is dead on arrival: the first POST meets a 401, the renewed token another: fatal.
        await using var c = await Connection.StartAsync(Unlimited with { TokenLifetime = TimeSpan.FromSeconds(1), Time = Clocks.EveryLookAMinuteLater() });
        var items = Surveys(6);
        using var ledger = Ledgers.Open(LedgerPath, LedgerMode.ReadWrite);
        var summary = await Run(c, ledger, items, Fast(concurrency: 1));
        Assert.Equal(StopReason.ConnectionFailed, summary.Stopped);
        Assert.Contains("401", summary.StopMessage);
        Assert.Equal(3, summary.ExitCode);
        Assert.Equal(1, summary.Failed);
        Assert.Equal(5, summary.NotStarted);
        // The refused request created nothing, so the item is failed (to be sent again), not in doubt.
        Assert.Equal([ItemState.Failed], ledger.Export().Select(r => r.State));
        Assert.Empty(c.Emulator.Actions);
    }

    [Fact]
    public async Task Max_errors_stops_taking_new_items()
    {
        await using var c = await Connection.StartAsync(Unlimited);
        var items = Enumerable.Range(0, 10).Select(i =>
        {
            var group = Items.NewGroup();
            return Items.Make("job", group, group, "Job", new JsonObject { ["title"] = $"broken {i}" });
        }).ToList();
        using var ledger = Ledgers.Open(LedgerPath, LedgerMode.ReadWrite);
        var summary = await Run(c, ledger, items, Fast(maxErrors: 3, concurrency: 1));
        Assert.Equal(StopReason.MaxErrors, summary.Stopped);
        Assert.Equal(3, summary.ExitCode);
        Assert.Equal(3, summary.Failed);
        Assert.Equal(7, summary.NotStarted);
        Assert.Equal(3, ledger.CountByState().Single().Count);
        Assert.Empty(c.Emulator.Actions);
    }

    [Fact]
    public async Task Stopping_lets_requests_in_flight_finish_and_records_them()
    {
        var service = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var c = await Connection.StartAsync(Unlimited with { Latency = TimeSpan.FromSeconds(5), Time = service });
        var connect = c.Client.ConnectAsync(Ct);
        await c.Emulator.WhenHeldAsync(1, Ct);
        service.Advance(TimeSpan.FromSeconds(5));
        Assert.IsType<Accepted>(await connect);

        var items = Surveys(10);
        using var stop = new CancellationTokenSource();
        using var ledger = Ledgers.Open(LedgerPath, LedgerMode.ReadWrite);
        var run = Run(c, ledger, items, Fast(concurrency: 2), stop: stop.Token);
        // Two POSTs have left (the ledger marks an item in doubt just before its request leaves) and wait for their answers.
        Assert.True(SpinWait.SpinUntil(() => ledger.CountByState().Sum(s => s.Count) == 2, TimeSpan.FromSeconds(30)));
        await c.Emulator.WhenHeldAsync(2, Ct);
        await stop.CancelAsync();
        while (!run.IsCompleted)
        {
            service.Advance(TimeSpan.FromSeconds(5));
            SpinWait.SpinUntil(() => run.IsCompleted, 20);
        }
        var summary = await run;

        Assert.Equal(StopReason.Cancelled, summary.Stopped);
        Assert.Equal(2, summary.Sent);
        Assert.Equal(8, summary.NotStarted);
        Assert.Equal(2, c.Emulator.Actions.Count);
        var states = ledger.Export().Select(r => r.State).ToList();
        Assert.Equal([ItemState.Sent, ItemState.Sent], states);
    }

    [Fact]
    public async Task Stopping_abandons_requests_still_waiting_for_the_pacer_and_leaves_their_items_untouched()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow); // never advanced: the third call would wait a minute
        await using var c = await Connection.StartAsync(Unlimited, pacing: new PacingOptions(PerMinute: 2, Concurrency: 4), clientTime: time);
        var items = Surveys(5);
        using var stop = new CancellationTokenSource();
        using var ledger = Ledgers.Open(LedgerPath, LedgerMode.ReadWrite, time);
        var run = Run(c, ledger, items, Fast(), new SyncProgress(p =>
        {
            if (p.Sent == 1)
            {
                stop.Cancel();
            }
        }), time, stop.Token);
        var summary = await run;
        Assert.Equal(StopReason.Cancelled, summary.Stopped);
        Assert.Equal(1, summary.Sent);
        Assert.Equal(4, summary.NotStarted);
        Assert.Single(c.Emulator.Actions);
        Assert.Equal([ItemState.Sent], ledger.Export().Select(r => r.State));
    }

    [Fact]
    public async Task Media_files_are_uploaded_once_per_content_and_put_in_the_body()
    {
        await using var c = await Connection.StartAsync(Unlimited);
        var photo = _dir.File("site.jpg");
        File.WriteAllBytes(photo, [0xFF, 0xD8, 0xFF, 0xE0, 9, 8, 7]);
        var (items, hash) = Items.Photos(photo, 3);
        using var ledger = Ledgers.Open(LedgerPath, LedgerMode.ReadWrite);
        var summary = await Run(c, ledger, items, Fast(concurrency: 1));
        Assert.Equal(3, summary.Sent);
        Assert.Equal(1, c.Logger.Count("Uploaded site.jpg"));
        var resource = ledger.FindMedia(hash)!.MediaResource;
        Assert.All(c.Emulator.Actions, a => Assert.Equal(resource, (string?)a.ActionBody["mediaResource"]));
        AssertExactlyOnce(c.Emulator, items);
    }

    [Fact]
    public async Task A_media_file_gone_before_its_upload_fails_its_item_and_the_logs_name_only_its_base_name()
    {
        var emulatorLog = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await using var c = await Connection.StartAsync(new EmulatorOptions { PerMinute = 0, TenantPerMinute = 0, Log = emulatorLog.Enqueue });
        var folder = _dir.File("private-folder-k4Jq");
        Directory.CreateDirectory(folder);
        var photo = Path.Combine(folder, "site.jpg");
        var group = Items.NewGroup();
        var body = new JsonObject { ["mediaResource"] = new JsonObject { ["file"] = "site.jpg" } };
        var item = Items.Make("photo", group, group, "Image", body, [new MediaFile("/mediaResource", photo, "hash-gone", "image/jpeg")]);
        using var ledger = Ledgers.Open(LedgerPath, LedgerMode.ReadWrite);

        var summary = await Run(c, ledger, [item], Fast(concurrency: 1));

        Assert.Equal(1, summary.Failed);
        Assert.Empty(c.Emulator.Actions);
        var error = Assert.Single(ledger.Export()).LastError;
        Assert.Contains("site.jpg", error, StringComparison.Ordinal);
        Assert.Contains("site.jpg", c.Logger.All, StringComparison.Ordinal);
        Assert.DoesNotContain("private-folder-k4Jq", error + c.Logger.All + string.Join("\n", emulatorLog), StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_secret_reaches_the_logs_or_the_ledger_file()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var tokenFile = KaizalaClientOptions.RefreshTokenFileFor(LedgerPath);
        await using var c = await Connection.StartAsync(
            Unlimited with { Seed = 5, Fault5xx = 0.2, FaultAcceptDrop = 0.2, TokenLifetime = TimeSpan.FromSeconds(30), RefreshTokenLifetime = TimeSpan.FromMinutes(10), Time = time },
            clientTime: time,
            configure: o => o with { RefreshTokenFile = tokenFile });
        var items = Surveys(12);
        using (var ledger = Ledgers.Open(LedgerPath, LedgerMode.ReadWrite))
        {
            var summary = await Run(c, ledger, items, Fast(maxAttempts: 12, concurrency: 1), new SyncProgress(p =>
            {
                if (p.InFlight == 0)
                {
                    time.Advance(TimeSpan.FromSeconds(60));
                }
            }));
            Assert.True(12 == summary.Sent + summary.Reconciled, $"{summary}\n{c.Logger.All}");
        }
        Assert.True(File.Exists(tokenFile), "the refresh token should have rotated during the run");
        // The emulator is the witness: every access token (and successor refresh token) it handed out.
        var issued = c.Emulator.IssuedSecrets;
        Assert.True(c.Logger.Count("Access token obtained") >= 5, "the access token should have been renewed many times");
        var secrets = issued.Concat([Connection.AppSecret, Connection.RefreshToken, File.ReadAllText(tokenFile)]).ToList();
        var ledgerBytes = Encoding.UTF8.GetString(File.ReadAllBytes(LedgerPath))
            + (File.Exists(LedgerPath + "-wal") ? Encoding.UTF8.GetString(File.ReadAllBytes(LedgerPath + "-wal")) : "");
        var logs = c.Logger.All;
        Assert.NotEmpty(logs);
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, logs);
            Assert.DoesNotContain(secret, ledgerBytes);
        }
        // The emulator's access tokens are 43 base64url characters; no such word may appear in the logs either.
        Assert.DoesNotMatch(TokenShape(), logs);
    }

    [GeneratedRegex("(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])")]
    private static partial Regex TokenShape();

    private sealed class SyncProgress(Action<RunProgress> report) : IProgress<RunProgress>
    {
        public void Report(RunProgress value) => report(value);
    }
}
