using System.Net;
using System.Net.Sockets;
using KaizalaBatch.Emulator;

namespace KaizalaBatch.Cli.Tests;

/// <summary>Items whose outcome the service cannot tell (REFERENCE.md: Announcement, Audio, Document, ... cannot be listed):
/// held in doubt, never posted twice, and settled by <c>resolve</c>; and no run that leaves work undone exits 0.</summary>
public sealed class InDoubtE2eTests
{
    [Fact]
    public async Task Lost_answers_of_a_type_the_service_cannot_list_stay_in_doubt_and_resolve_as_sent_settles_them()
    {
        await using var scenario = await RunScenario.StartAsync(items: 30, new EmulatorOptions
        {
            PerMinute = 0,
            TenantPerMinute = 0,
            Seed = 7,
            FaultAcceptDrop = 0.25,
        });
        scenario.WriteRunFile(type: "Announcement", maxAttempts: 8);

        var first = await scenario.RunAsync();
        var second = await scenario.RunAsync();

        Assert.True(first.ExitCode == 1, first.AllOutput);
        Assert.True(second.ExitCode == 1, second.AllOutput);
        Assert.Contains("in doubt", first.StdOut, StringComparison.Ordinal);
        Assert.Contains("resolve run.yaml --as sent", first.StdOut, StringComparison.Ordinal);
        // Every drop created its Announcement; none was posted a second time, by either run.
        scenario.AssertEachGroupExactlyOnce("with held in-doubt items");
        var export = await scenario.ExportJsonlAsync();
        var inDoubt = export.Where(r => (string?)r["state"] == "in-doubt").ToList();
        Assert.InRange(inDoubt.Count, 3, 29);
        Assert.All(inDoubt, r => Assert.Contains("cannot list Announcement", (string?)r["lastError"], StringComparison.Ordinal));

        var one = (string)inDoubt[0]["key"]!;
        var single = await scenario.CliAsync("resolve", "--as", "sent", "--key", one);
        Assert.True(single.ExitCode == 0, single.AllOutput);
        Assert.Contains("1 item settled as sent", single.StdOut, StringComparison.Ordinal);
        var all = await scenario.CliAsync("resolve", "--as", "sent");
        Assert.True(all.ExitCode == 0, all.AllOutput);
        Assert.Contains($"{inDoubt.Count - 1} items settled as sent", all.StdOut, StringComparison.Ordinal);

        var third = await scenario.RunAsync();
        Assert.True(third.ExitCode == 0, third.AllOutput);
        scenario.AssertEachGroupExactlyOnce("after resolve --as sent");
        var settled = (await scenario.ExportJsonlAsync()).Where(r => r["resolvedBy"] is not null).ToList();
        Assert.Equal(inDoubt.Count, settled.Count);
        Assert.All(settled, r => Assert.Equal("sent", (string?)r["state"]));
        Assert.All(settled, r => Assert.Contains("@", (string?)r["resolvedBy"], StringComparison.Ordinal));
    }

    [Fact]
    public async Task Resolve_as_not_sent_makes_the_next_run_send_them()
    {
        // Resets store nothing: the held items were really not created, which the user finds and says.
        await using var scenario = await RunScenario.StartAsync(items: 24, new EmulatorOptions
        {
            PerMinute = 0,
            TenantPerMinute = 0,
            Seed = 3,
            FaultReset = 0.25,
        });
        scenario.WriteRunFile(type: "Announcement", maxAttempts: 4);
        var first = await scenario.RunAsync();
        Assert.True(first.ExitCode == 1, first.AllOutput);
        var held = (await scenario.ExportJsonlAsync()).Count(r => (string?)r["state"] == "in-doubt");
        Assert.True(held >= 2, first.AllOutput);
        var missing = scenario.ActionsPerGroup().Where(g => g.Value == 0).Select(g => g.Key).ToHashSet();
        Assert.Equal(held, missing.Count);

        var unknownAction = await scenario.CliAsync("resolve", "--as", "not-sent", "--only", "nosuch");
        Assert.True(unknownAction.ExitCode == 2, unknownAction.AllOutput);
        Assert.Contains("has no action 'nosuch'", unknownAction.StdErr, StringComparison.Ordinal);
        var resolve = await scenario.CliAsync("resolve", "--as", "not-sent", "--only", "notice");
        Assert.True(resolve.ExitCode == 0, resolve.AllOutput);

        // The service behaves now: the next run sends exactly the items settled as not sent, to the groups that lacked them.
        await scenario.ReplaceEmulatorAsync(new EmulatorOptions { PerMinute = 0, TenantPerMinute = 0 },
            () => scenario.WriteRunFile(type: "Announcement", maxAttempts: 4));
        var second = await scenario.RunAsync();
        Assert.True(second.ExitCode == 0, second.AllOutput);
        Assert.Equal(missing.OrderBy(g => g), scenario.Emulator.Actions.Select(a => a.GroupId).OrderBy(g => g));
        Assert.All(await scenario.ExportJsonlAsync(), r => Assert.Equal("sent", (string?)r["state"]));
    }

    [Fact]
    public async Task With_inDoubt_resend_a_lost_answer_of_an_unlisted_type_is_posted_again()
    {
        await using var scenario = await RunScenario.StartAsync(items: 24, new EmulatorOptions
        {
            PerMinute = 0,
            TenantPerMinute = 0,
            Seed = 3,
            FaultReset = 0.25,
        });
        scenario.WriteRunFile(type: "Announcement", maxAttempts: 8, inDoubt: "resend");

        var run = await scenario.RunAsync();

        Assert.True(run.ExitCode == 0, run.AllOutput);
        Assert.Contains("limits.inDoubt: resend", run.StdErr, StringComparison.Ordinal);
        scenario.AssertEachGroupExactlyOnce("resets store nothing, so posting again is right here");
    }

    [Fact]
    public async Task A_run_that_cannot_reach_the_service_leaves_its_items_and_exits_non_zero()
    {
        await using var scenario = await RunScenario.StartAsync(items: 5);
        // A loopback port with nothing listening: every call is refused at once.
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        scenario.WriteRunFile(maxAttempts: 2);
        File.WriteAllText(scenario.RunFilePath, File.ReadAllText(scenario.RunFilePath)
            .Replace(scenario.Emulator.ApiRoot.ToString(), $"http://127.0.0.1:{port}/v1", StringComparison.Ordinal));

        var run = await scenario.RunAsync();

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("not started", run.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.AllOutput, StringComparison.Ordinal);
        Assert.Empty(scenario.Emulator.Actions);
    }

    [Fact]
    public async Task Plan_warns_before_anything_is_sent_when_the_read_back_could_not_tell_two_items_apart()
    {
        await using var scenario = await RunScenario.StartAsync(items: 3);
        var group = scenario.Groups[0];
        scenario.Folder.Write("groups.csv", $"groupId,site\n{group},North\n{group},South\n{scenario.Groups[1]},East\n");
        scenario.WriteRunFile(title: "Weekly check", keyTemplate: "{{ row.site }}");

        var plan = await scenario.CliAsync("plan");

        Assert.True(plan.ExitCode == 0, plan.AllOutput);
        Assert.Contains($"notice/South: another item of this run also sends a Survey titled 'Weekly check' to group {group}", plan.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("notice/East", plan.StdErr, StringComparison.Ordinal);
        Assert.Equal(0, scenario.Emulator.Calls);
    }
}
