using System.Net;
using KaizalaBatch.Emulator.Tests.Support;

namespace KaizalaBatch.Emulator.Tests;

/// <summary>The reminder call, the state file that carries the emulator from one process to the next, and the simulated
/// members who answer (only when asked to).</summary>
public sealed class RemindersAndMemoryTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("kaizala-emulator-state-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Survey = "{'actionType':'Survey','actionBody':{'title':'Check','questions':["
        + "{'title':'Exit clear?','type':'SingleOption','options':[{'title':'Yes'},{'title':'No'}]},"
        + "{'title':'Checked','type':'multioption','options':[{'title':'A'},{'title':'B'}]},"
        + "{'title':'Staff','type':'Numeric'},{'title':'Remarks','type':'Text'},{'title':'Where','type':'Location'},"
        + "{'title':'When','type':'Date'},{'title':'Photo','type':'Image'}]}}";

    private static async Task<Guid> SendAsync(Api api, string json)
    {
        var reply = await api.PostActionAsync(Api.Json(json));
        Assert.Equal(HttpStatusCode.OK, reply.Status);
        return Guid.Parse(reply.Body!["actionId"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_reminder_for_a_known_Action_is_recorded_and_shown_and_one_for_an_unknown_Action_is_404()
    {
        await using var emulator = await KaizalaEmulator.StartAsync(new EmulatorOptions { PerMinute = 0, TenantPerMinute = 0, Time = Clock.Fake() }, ct: Ct);
        using var api = new Api(emulator);
        await api.SignInAsync();
        var survey = await SendAsync(api, Survey);

        Assert.Equal(HttpStatusCode.OK, (await api.PostJsonAsync($"v1/groups/{Api.Group}/actions/{survey}/reminder", "{}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await api.PostJsonAsync($"v1/groups/{Api.Group}/actions/{Guid.NewGuid()}/reminder", "{}")).Status);

        var reminder = Assert.Single(emulator.Reminders);
        Assert.Equal((Api.Group, survey, "connector-a", Clock.Start), (reminder.GroupId, reminder.ActionId, reminder.Connector, reminder.SentAt));
        var shown = (await api.InspectAsync("reminders"))["reminders"]!.AsArray();
        Assert.Equal(survey.ToString(), Assert.Single(shown)!["actionId"]!.GetValue<string>());
        Assert.Contains("reminder", (await api.InspectAsync("stats"))["routes"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_state_file_carries_Actions_responses_and_reminders_into_the_next_emulator()
    {
        var state = Path.Combine(_folder, "run.ledger.db.emulator.json");
        var options = new EmulatorOptions { PerMinute = 0, TenantPerMinute = 0, Time = Clock.Fake(), StateFile = state };
        Guid survey;
        await using (var first = await KaizalaEmulator.StartAsync(options, ct: Ct))
        {
            using var api = new Api(first);
            await api.SignInAsync();
            survey = await SendAsync(api, Survey);
            var answer = Api.Json("{'actionBody':{'answers':['Yes',['A'],3,'ok',{'lt':1,'lg':2},1767225600,'p.jpg']}}");
            Assert.Equal(HttpStatusCode.OK, (await api.RespondAsync(survey, answer)).Status);
            Assert.Equal(HttpStatusCode.OK, (await api.PostJsonAsync($"v1/groups/{Api.Group}/actions/{survey}/reminder", "{}")).Status);
        }
        Assert.True(File.Exists(state));

        await using var second = await KaizalaEmulator.StartAsync(options, ct: Ct);
        using var again = new Api(second);
        await again.SignInAsync();
        Assert.Equal(survey, Assert.Single(second.Actions).ActionId);
        Assert.Single(second.Reminders);
        var details = await again.DetailsAsync(survey, details: true);
        Assert.Equal(1, details.Body!["actionDetails"]!["responseCount"]?.GetValue<int>() ?? details.Body["actionDetails"]!["responses"]!.AsArray().Count);
        Assert.Equal("Yes", details.Body["actionDetails"]!["responses"]![0]!["actionBody"]!["answers"]![0]!.GetValue<string>());
        // A new Action after the reload keeps the order: it comes after the old one in the group's list.
        await SendAsync(again, Survey);
        Assert.Equal([1L, 2L], second.Actions.Select(a => a.Sequence));
    }

    [Fact]
    public async Task Simulated_members_answer_only_when_asked_validly_and_more_as_time_passes()
    {
        var time = Clock.Fake();
        await using (var quiet = await KaizalaEmulator.StartAsync(new EmulatorOptions { PerMinute = 0, TenantPerMinute = 0, Time = time }, ct: Ct))
        {
            using var api = new Api(quiet);
            await api.SignInAsync();
            var survey = await SendAsync(api, Survey);
            time.Advance(TimeSpan.FromHours(20));
            Assert.Empty((await api.DetailsAsync(survey, details: true)).Body!["actionDetails"]!["responses"]!.AsArray());
        }

        time = Clock.Fake();
        await using var busy = await KaizalaEmulator.StartAsync(
            new EmulatorOptions { PerMinute = 0, TenantPerMinute = 0, Time = time, RespondRate = 1, RespondAfter = TimeSpan.FromHours(10), Seed = 3 }, ct: Ct);
        using var member = new Api(busy);
        await member.SignInAsync();
        var surveys = new List<Guid>();
        for (var i = 0; i < 8; i++)
        {
            surveys.Add(await SendAsync(member, Survey));
        }
        var job = await SendAsync(member, "{'actionType':'Job','actionBody':{'title':'Fix','assignedTo':['+911111111111','+912222222222']}}");
        var poll = await SendAsync(member, "{'actionType':'Poll','actionBody':{'question':'Q?','choices':[{'title':'a'},{'title':'b'}]}}");

        async Task<int> Count(Guid id) => (await member.DetailsAsync(id, details: true)).Body!["actionDetails"]!["responses"]!.AsArray().Count;
        var soon = new List<int>();
        foreach (var id in surveys)
        {
            soon.Add(await Count(id));
        }
        time.Advance(TimeSpan.FromHours(11));
        var later = new List<int>();
        foreach (var id in surveys)
        {
            later.Add(await Count(id));
        }
        Assert.All(soon.Zip(later), pair => Assert.True(pair.First <= pair.Second));
        Assert.True(later.Sum() > soon.Sum(), $"no answers came later: {string.Join(",", soon)} then {string.Join(",", later)}");
        Assert.All(later, n => Assert.InRange(n, 1, 4));
        Assert.Equal(2, await Count(job));
        Assert.InRange(await Count(poll), 1, 4);

        // Each simulated answer is one the service itself takes: posting it again as a response is accepted.
        var responses = (await member.InspectAsync("responses"))["actions"]!.AsArray();
        Assert.Equal(10, responses.Count);
        foreach (var action in responses)
        {
            var id = Guid.Parse(action!["actionId"]!.GetValue<string>());
            foreach (var response in action["responses"]!.AsArray())
            {
                var body = "{\"actionBody\":" + response!["actionBody"]!.ToJsonString() + "}";
                var reply = await member.RespondAsync(id, body);
                Assert.True(reply.Status == HttpStatusCode.OK, $"{body} -> {reply.Status} {reply.Body?.ToJsonString()}");
            }
        }
    }
}
