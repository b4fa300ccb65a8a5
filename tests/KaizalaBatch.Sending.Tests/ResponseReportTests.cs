using System.Net.Http.Json;
using System.Text.Json.Nodes;
using KaizalaBatch.Api;
using KaizalaBatch.Emulator;
using KaizalaBatch.Ledger;
using KaizalaBatch.Planning;
using KaizalaBatch.Responses;
using KaizalaBatch.RunFiles;
using Microsoft.Extensions.Time.Testing;

namespace KaizalaBatch.Sending.Tests;

/// <summary>report and remind against the emulator: responses are posted through the documented call by another connector
/// (a member's app), and the report's numbers must match them exactly, per item and per question.</summary>
public sealed class ResponseReportTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly EmulatorOptions Unlimited = new() { PerMinute = 0, TenantPerMinute = 0 };

    private static readonly string[] Regions = ["APAC", "EMEA", "AMER", "APAC"];

    private string LedgerPath => _dir.File("report.ledger.db");

    /// <summary>A Survey with a question of each kind the report adds up, a Job, a Poll and an Announcement, to
    /// <paramref name="groups"/> groups.</summary>
    private RunFile WriteRun(Uri apiRoot, IReadOnlyList<string> groups, bool onlySurvey = false)
    {
        File.WriteAllText(_dir.File("groups.csv"), "groupId,site,region\n"
            + string.Concat(groups.Select((g, i) => $"{g},Site {i},{Regions[i % Regions.Length]}\n")));
        var others = onlySurvey ? "" : """
              - name: job
                type: Job
                targets: { file: groups.csv }
                body: { title: "Photos for {{ row.site }}", assignedTo: [ "+919812345678" ], dueDate: 1 }
              - name: poll
                type: Poll
                targets: { file: groups.csv }
                body: { question: "Best colour?", choices: [ { title: Red }, { title: Blue }, { title: Green } ] }
              - name: note
                type: Announcement
                targets: { file: groups.csv }
                body: { title: "Note", message: "Thanks" }
            """;
        File.WriteAllText(_dir.File("run.yaml"), $$$"""
            version: 1
            name: report-test
            connection:
              apiRoot: {{{apiRoot}}}
              applicationId: ${env:KB_APP}
              applicationSecret: ${env:KB_SECRET}
              refreshToken: ${env:KB_REFRESH}
            ledger: report.ledger.db
            actions:
              - name: survey
                type: Survey
                targets: { file: groups.csv }
                body:
                  title: "Check {{ row.site }}"
                  questions:
                    - { title: "Exit clear?", type: SingleOption, options: [ { title: "Yes" }, { title: "No" } ] }
                    - { title: "Checked?", type: MultiOption, options: [ { title: A }, { title: B }, { title: C } ] }
                    - { title: "Trained staff", type: Numeric }
                    - { title: "Remarks", type: Text }
                    - { title: "Where?", type: Location }
                    - { title: "Next drill", type: Date }
            {{{others}}}
            """);
        var env = new Dictionary<string, string> { ["KB_APP"] = Connection.AppId, ["KB_SECRET"] = Connection.AppSecret, ["KB_REFRESH"] = Connection.RefreshToken };
        var loaded = RunFileLoader.Load(_dir.File("run.yaml"), name => env.GetValueOrDefault(name));
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Diagnostics));
        return loaded.RunFile!;
    }

    private static async Task Send(Connection c, RunFile run, ILedger ledger)
    {
        var items = ItemRenderer.Render(run, new RenderOptions(ledger.CreatedAt!.Value), _ => { }, Ct).ToList();
        var summary = await new BatchRunner(c.Client, ledger, new BatchOptions(3, 0, 4), null, c.Logger).RunAsync(Planned.Against(ledger, items), null, null, Ct, Ct);
        Assert.Equal(items.Count, summary.Sent);
    }

    /// <summary>A member answers, through the documented call (action_responses.md), from another connector.</summary>
    private static async Task Respond(Connection c, ILedger ledger, string action, string group, string actionBodyJson)
    {
        using var http = new HttpClient();
        using var token = new HttpRequestMessage(HttpMethod.Get, new Uri(c.Emulator.ApiRoot + "/accessToken"));
        token.Headers.Add("applicationId", "member-app");
        token.Headers.Add("applicationSecret", "member-secret");
        token.Headers.Add("refreshToken", "member-refresh");
        var answer = (await (await http.SendAsync(token, Ct)).Content.ReadFromJsonAsync<JsonObject>(Ct))!;
        var actionId = ledger.FindRecord(action, group)!.ActionId;
        using var post = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri((string)answer["endpointUrl"]!), $"v1/groups/{group}/actions/{actionId}/responses"))
        {
            Content = new StringContent($$"""{"actionBody":{{actionBodyJson}}}""", System.Text.Encoding.UTF8, "application/json"),
        };
        post.Headers.Add("accessToken", (string)answer["accessToken"]!);
        post.Headers.Add("applicationId", "member-app");
        var posted = await http.SendAsync(post, Ct);
        Assert.True(posted.IsSuccessStatusCode, await posted.Content.ReadAsStringAsync(Ct));
    }

    private static List<string> Groups(int count) => Enumerable.Range(0, count).Select(_ => Items.NewGroup()).ToList();

    [Fact]
    public async Task The_report_matches_the_posted_responses_per_item_and_per_question_and_a_second_report_reads_only_what_changed()
    {
        await using var c = await Connection.StartAsync(Unlimited);
        var g = Groups(4);
        var run = WriteRun(c.Emulator.ApiRoot, g);
        using var ledger = Ledgers.Open(LedgerPath, LedgerMode.ReadWrite);
        await Send(c, run, ledger);
        await Respond(c, ledger, "survey", g[0], """{"answers":["Yes",["A","C"],5,"Exit clear",{"lt":18.5,"lg":73.8,"n":"Pune"},"2026-01-15"]}""");
        await Respond(c, ledger, "survey", g[0], """{"answers":["No",["A"],7,null,{"latitude":19.0,"longitude":72.8,"name":"Mumbai"},1768435200]}""");
        await Respond(c, ledger, "survey", g[1], """{"answers":[0,[1],12,"Blocked",null,null]}""");
        await Respond(c, ledger, "job", g[0], """{"isCompleted":true}""");
        await Respond(c, ledger, "job", g[1], """{"isCompleted":false}""");
        await Respond(c, ledger, "poll", g[2], """{"choice":1}""");
        await Respond(c, ledger, "poll", g[3], """{"choice":1}""");
        await Respond(c, ledger, "poll", g[0], """{"choice":2}""");

        // Two hours on, the one-hour Job is overdue for those who have not completed it.
        var later = new FakeTimeProvider(DateTimeOffset.UtcNow + TimeSpan.FromHours(2));
        var reporter = new RolloutReport(run, ledger, c.Client, later);
        var plan = reporter.Prepare(null, Ct);
        Assert.Equal((16, 8, 4, 8), (plan.Items, plan.ListCalls, plan.PollCalls, plan.MaxDetailCalls));
        Assert.Equal([new SkippedAction("note", "Announcement", 4, "the service cannot list Announcement Actions, so it has no responses to read")], plan.Skipped);
        var report = await reporter.BuildAsync(refresh: false, null, Ct);

        Assert.Equal(["survey", "job", "poll"], report.Actions.Select(a => a.Action));
        var survey = report.Actions[0];
        Assert.Equal((4, 2, 3, 0.5), (survey.ItemsSent, survey.GroupsAnswered, survey.Responses, survey.ResponseRate));
        var q = survey.Questions;
        Assert.Equal(3, q[0].Answered);
        Assert.Equal([new OptionCount("Yes", 2, 2 / 3.0), new OptionCount("No", 1, 1 / 3.0)], q[0].Options);
        Assert.Equal([new OptionCount("A", 2, 2 / 3.0), new OptionCount("B", 1, 1 / 3.0), new OptionCount("C", 1, 1 / 3.0)], q[1].Options);
        Assert.Equal(new NumericSummary(3, 5, 7, 8, 12), q[2].Numbers);
        Assert.Equal(["Exit clear", "Blocked"], q[3].Answers!.Select(a => a.Value).Order().Reverse());
        Assert.Equal(["Mumbai (19, 72.8)", "Pune (18.5, 73.8)"], q[4].Answers!.Select(a => a.Value).Order());
        Assert.Equal(["2026-01-15", "2026-01-15"], q[5].Answers!.Select(a => a.Value));
        Assert.Equal(new JobTally(4, 1, 3, 3), report.Actions[1].Job);
        // A Job's listed responseCount counts completions: the "not completed" answer in g1 changes nothing the list shows,
        // so it is not read (documented in docs/report.md).
        Assert.Equal((4, 1, 1), (report.Actions[1].ItemsSent, report.Actions[1].GroupsAnswered, report.Actions[1].Responses));
        Assert.Equal([new OptionCount("Red", 0, 0), new OptionCount("Blue", 2, 2 / 3.0), new OptionCount("Green", 1, 1 / 3.0)], report.Actions[2].Choices);

        var surveyItems = report.Items.Where(i => i.Action == "survey").ToDictionary(i => i.GroupId);
        Assert.Equal([2, 1, 0, 0], g.Select(x => surveyItems[x].Responses));
        Assert.Equal(["APAC", "EMEA", "AMER", "APAC"], g.Select(x => surveyItems[x].Columns.Single(col => col.Key == "region").Value));
        Assert.NotNull(surveyItems[g[0]].LastResponseAt);
        Assert.Null(surveyItems[g[2]].LastResponseAt);
        Assert.Equal([1, 0, 0, 0], g.Select(x => report.Items.Single(i => i.Action == "job" && i.GroupId == x).Completed));
        Assert.All(report.Items.Where(i => i.Action == "note"), i => Assert.Null(i.Responses));
        using (var csv = new MemoryStream())
        {
            Reports.ResponseReportFiles.WriteCsv(report, csv);
            var lines = System.Text.Encoding.UTF8.GetString(csv.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal("action,key,groupId,type,responses,lastResponseAt,completed,error,site,region,survey.q4,survey.q5,survey.q6", lines[0].TrimEnd('\r'));
            var first = lines.Single(l => l.StartsWith($"survey,{g[0]},", StringComparison.Ordinal)).TrimEnd('\r');
            Assert.EndsWith(",Site 0,APAC,Exit clear,Pune (18.5, 73.8) | Mumbai (19, 72.8),2026-01-15 | 2026-01-15".Replace("Pune (18.5, 73.8) | Mumbai (19, 72.8)", "\"Pune (18.5, 73.8) | Mumbai (19, 72.8)\"", StringComparison.Ordinal), first);
        }

        // 8 list calls (two types in four groups), details for the 3 listed items with a count above 0, and the 4 Polls.
        Assert.Equal(new ReadStats(8, 7, 0, 0), report.Reads);

        // Nothing changed: one call per group and type, one per Poll, and every listed item from the ledger.
        var before = c.Emulator.Calls;
        var again = await new RolloutReport(run, ledger, c.Client, later).BuildAsync(refresh: false, null, Ct);
        Assert.Equal(12, c.Emulator.Calls - before);
        Assert.Equal(new ReadStats(8, 4, 8, 0), again.Reads);
        Assert.Equal(report.Actions, again.Actions, ActionEquality.Instance);

        // One new response: one more details call, for that item only.
        await Respond(c, ledger, "survey", g[2], """{"answers":["Yes",[],1,null,null,null]}""");
        var third = await new RolloutReport(run, ledger, c.Client, later).BuildAsync(refresh: false, null, Ct);
        Assert.Equal(new ReadStats(8, 5, 7, 0), third.Reads);
        Assert.Equal(1, third.Items.Single(i => i.Action == "survey" && i.GroupId == g[2]).Responses);
        Assert.Equal((3, 4), (third.Actions[0].GroupsAnswered, third.Actions[0].Responses));

        // --refresh reads every listed item's details again.
        var full = await new RolloutReport(run, ledger, c.Client, later).BuildAsync(refresh: true, null, Ct);
        Assert.Equal(new ReadStats(8, 12, 0, 0), full.Reads);
    }

    [Fact]
    public async Task A_reminder_goes_only_to_items_below_the_threshold_and_only_once_per_interval()
    {
        await using var c = await Connection.StartAsync(Unlimited);
        var g = Groups(4);
        var run = WriteRun(c.Emulator.ApiRoot, g);
        using var ledger = Ledgers.Open(LedgerPath, LedgerMode.ReadWrite);
        await Send(c, run, ledger);
        await Respond(c, ledger, "survey", g[0], """{"answers":["Yes",null,null,null,null,null]}""");
        await Respond(c, ledger, "survey", g[0], """{"answers":["No",null,null,null,null,null]}""");
        await Respond(c, ledger, "survey", g[1], """{"answers":["Yes",null,null,null,null,null]}""");
        await Respond(c, ledger, "job", g[2], """{"isCompleted":true}""");
        await Respond(c, ledger, "poll", g[3], """{"choice":0}""");

        async Task<RemindResult> Remind(RemindOptions options, TimeProvider? time = null)
        {
            var reporter = new RolloutReport(run, ledger, c.Client);
            reporter.Prepare(options.Only, Ct);
            var report = await reporter.BuildAsync(false, null, Ct);
            return await new ReminderRound(ledger, c.Client, 4, time).SendAsync(report, options, Ct);
        }

        (string Group, string Action)[] Reminded() => c.Emulator.Reminders
            .Select(r => (r.GroupId.ToString("D"), ledger.Export().Single(x => x.ActionId == r.ActionId.ToString()).Action))
            .Order().ToArray();

        var first = await Remind(new RemindOptions(Only: new HashSet<string> { "survey" }, MinResponses: 2));
        Assert.Equal((3, 1, 0), (first.Reminded, first.Enough, first.RecentlyReminded));
        var second = await Remind(new RemindOptions());
        // job g0, g1, g3 and poll g0, g1, g2; the surveys in g2 and g3 were just reminded, the one in g1 has its 1 response.
        Assert.Equal((6, 2), (second.Reminded, second.RecentlyReminded));
        var expected = new[] { (g[1], "survey"), (g[2], "survey"), (g[3], "survey"), (g[0], "job"), (g[1], "job"), (g[3], "job"), (g[0], "poll"), (g[1], "poll"), (g[2], "poll") };
        Assert.Equal(expected.Order(), Reminded());
        Assert.Empty(second.Failures);

        var third = await Remind(new RemindOptions());
        Assert.Equal((0, 8), (third.Reminded, third.RecentlyReminded));
        Assert.Equal(9, c.Emulator.Reminders.Count);

        // A day later the interval has passed: the eight unanswered items are reminded again.
        var tomorrow = new FakeTimeProvider(DateTimeOffset.UtcNow + TimeSpan.FromHours(25));
        Assert.Equal(8, (await Remind(new RemindOptions(), tomorrow)).Reminded);
        Assert.Equal(17, c.Emulator.Reminders.Count);
    }

    [Fact]
    public async Task Paced_at_a_low_limit_the_report_is_never_throttled()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var c = await Connection.StartAsync(Unlimited with { PerMinute = 5, Time = time },
            // The fake clock runs on while requests travel; a wider window absorbs that, as a second does for real networks.
            pacing: new PacingOptions(PerMinute: 5, Concurrency: 4) { Window = TimeSpan.FromSeconds(70) }, clientTime: time);
        var g = Groups(6);
        var run = WriteRun(c.Emulator.ApiRoot, g, onlySurvey: true);
        using var ledger = Ledgers.Open(LedgerPath, LedgerMode.ReadWrite, time);
        await Drive(time, Send(c, run, ledger));
        await Respond(c, ledger, "survey", g[0], """{"answers":["Yes",null,null,null,null,null]}""");
        await Respond(c, ledger, "survey", g[5], """{"answers":["No",null,null,null,null,null]}""");

        var reporter = new RolloutReport(run, ledger, c.Client, time);
        reporter.Prepare(null, Ct);
        var report = await Drive(time, reporter.BuildAsync(false, null, Ct));

        Assert.Equal(new ReadStats(6, 2, 0, 0), report.Reads);
        Assert.Equal((2, 2), (report.Actions[0].GroupsAnswered, report.Actions[0].Responses));
        Assert.DoesNotContain("throttled", c.Logger.All);
        using var http = new HttpClient();
        var stats = await http.GetStringAsync(new Uri(c.Emulator.BaseUrl, "_emulator/stats"), Ct);
        Assert.DoesNotContain("\"429\"", stats);
    }

    /// <summary>Moves the shared fake clock a second at a time until the work ends.</summary>
    private static async Task Drive(FakeTimeProvider time, Task work)
    {
        await Drive(time, Wrap(work));

        static async Task<int> Wrap(Task task)
        {
            await task;
            return 0;
        }
    }

    private static async Task<T> Drive<T>(FakeTimeProvider time, Task<T> work)
    {
        var deadline = time.GetUtcNow().AddHours(1);
        while (!work.IsCompleted)
        {
            Assert.True(time.GetUtcNow() < deadline, "the work did not end");
            SpinWait.SpinUntil(() => work.IsCompleted, 5);
            time.Advance(TimeSpan.FromSeconds(1));
        }
        return await work;
    }

    /// <summary>Action reports compared by value, their lists included.</summary>
    private sealed class ActionEquality : IEqualityComparer<ActionReport>
    {
        public static readonly ActionEquality Instance = new();

        public bool Equals(ActionReport? x, ActionReport? y) =>
            System.Text.Json.JsonSerializer.Serialize(x) == System.Text.Json.JsonSerializer.Serialize(y);

        public int GetHashCode(ActionReport obj) => obj.Action.GetHashCode(StringComparison.Ordinal);
    }
}
