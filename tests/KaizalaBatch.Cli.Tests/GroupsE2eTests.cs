using System.Globalization;
using System.Text.Json.Nodes;
using KaizalaBatch.Emulator;

namespace KaizalaBatch.Cli.Tests;

/// <summary><c>groups</c> and <c>plan --check-groups</c> as real processes against an emulator that serves an organisation
/// (the emulator's own tests prove its group calls serve the organisation as documented).</summary>
public sealed class GroupsE2eTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A scenario whose emulator serves <paramref name="org"/>, with a run file that reaches it.</summary>
    private static async Task<RunScenario> StartAsync(Organisation org)
    {
        var scenario = await RunScenario.StartAsync(items: 0);
        await scenario.ReplaceEmulatorAsync(new EmulatorOptions { PerMinute = 0, TenantPerMinute = 0, Organisation = org });
        return scenario;
    }

    private static string Row(Organisation org, OrgGroup g) =>
        string.Join(',', g.GroupId, g.GroupName, g.ParentGroupId?.ToString() ?? "", org.LevelOf(g.GroupId).ToString(CultureInfo.InvariantCulture),
            g.Members.Count.ToString(CultureInfo.InvariantCulture));

    private static string[] Lines(string text) => text.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');

    private static async Task<JsonObject> StatsAsync(KaizalaEmulator emulator)
    {
        using var http = new HttpClient();
        return (JsonObject)JsonNode.Parse(await http.GetStringAsync(new Uri(emulator.BaseUrl, "_emulator/stats"), Ct))!;
    }

    private static int Count(JsonObject stats, string route, string status) => (int?)stats["routes"]?[route]?[status] ?? 0;

    [Fact]
    public async Task Groups_writes_the_whole_organisation_depth_first_through_one_list_call_and_one_subGroups_call_per_top_group()
    {
        var org = Organisation.Generate(25, seed: 11);
        await using var scenario = await StartAsync(org);

        var result = await scenario.CliAsync("groups");

        Assert.True(result.ExitCode == 0, result.AllOutput);
        Assert.Equal(["groupId,groupName,parentGroupId,level,memberCount", .. org.Groups.Select(g => Row(org, g))], Lines(result.StdOut));
        var stats = await StatsAsync(scenario.Emulator);
        Assert.Equal(1, Count(stats, "GET /v1/groups", "200"));
        Assert.Equal(1, Count(stats, "GET /v1/groups/{groupId}/subGroups", "200"));
        Assert.Empty(scenario.Emulator.Actions);
    }

    [Fact]
    public async Task Groups_under_a_region_writes_its_subtree_and_with_members_one_row_per_member()
    {
        var org = Organisation.Generate(25, seed: 12);
        await using var scenario = await StartAsync(org);
        var region = org.SubGroupsOf(org.Roots[0].GroupId)[1];
        var outFile = Path.Combine(scenario.Folder.Path, "region.csv");

        var subtree = await scenario.CliAsync("groups", "--under", region.GroupId.ToString().ToUpperInvariant(), "--out", outFile);
        var members = await scenario.CliAsync("groups", "--under", region.GroupId.ToString(), "--members");

        Assert.True(subtree.ExitCode == 0, subtree.AllOutput);
        var written = Lines(await File.ReadAllTextAsync(outFile, Ct));
        Assert.Equal(["groupId,groupName,parentGroupId,level,memberCount", .. org.Subtree(region.GroupId).Select(g => Row(org, g))], written);
        Assert.Contains($"groups: {org.Subtree(region.GroupId).Count()} groups written to {outFile}", subtree.StdOut);
        Assert.True(members.ExitCode == 0, members.AllOutput);
        Assert.Equal(
            ["groupId,groupName,mobileNumber,role",
             .. org.Subtree(region.GroupId).SelectMany(g => g.Members.Select(m => $"{g.GroupId},{g.GroupName},{m.MobileNumber},{m.Role}"))],
            Lines(members.StdOut));
    }

    [Fact]
    public async Task Groups_under_a_group_the_connection_does_not_reach_is_exit_2_and_writes_nothing()
    {
        await using var scenario = await StartAsync(Organisation.Generate(6, seed: 1));
        var outFile = Path.Combine(scenario.Folder.Path, "none.csv");

        var result = await scenario.CliAsync("groups", "--under", "3f2504e0-4f89-41d3-9a0c-0305e82c3301", "--out", outFile);
        var notGuid = await scenario.CliAsync("groups", "--under", "Store 0042");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("3f2504e0-4f89-41d3-9a0c-0305e82c3301 is not one of the 6 groups the connection reaches", result.StdErr);
        Assert.False(File.Exists(outFile));
        Assert.Equal(2, notGuid.ExitCode);
        Assert.Contains("--under takes a group's GUID", notGuid.StdErr);
        Assert.DoesNotContain("   at ", result.AllOutput + notGuid.AllOutput);
    }

    [Fact]
    public async Task Plan_check_groups_names_an_unknown_group_and_a_non_member_assignee_by_row_and_sends_nothing()
    {
        var org = Organisation.Generate(8, seed: 4);
        await using var scenario = await StartAsync(org);
        var stores = org.Groups.Where(g => org.LevelOf(g.GroupId) == 2).ToList();
        var (a, b) = (stores[0], stores[1]);
        var stranger = Guid.Parse("7c9e6679-7425-40de-944b-e07fc1f90ae7");
        scenario.Folder.Write("jobs.csv",
            "groupId,assignee\n"
            + $"{a.GroupId},{a.Members[1].MobileNumber}\n"
            + $"{b.GroupId},{a.Members[1].MobileNumber}\n"
            + $"{stranger},{a.Members[1].MobileNumber}\n"
            + $"{b.GroupId.ToString().ToUpperInvariant()},{b.Members[0].MobileNumber}\n");
        WriteJobRunFile(scenario, "jobs.csv", "{{ row.groupId }}-{{ row.assignee }}");

        var offline = await scenario.CliAsync("plan");
        Assert.True(offline.ExitCode == 0, offline.AllOutput);
        Assert.Equal(0, scenario.Emulator.Calls);

        var check = await scenario.CliAsync("plan", "--check-groups");

        Assert.True(check.ExitCode == 2, check.AllOutput);
        var errors = check.StdErr.Split('\n').Where(l => l.Contains(": error ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, errors.Count);
        Assert.StartsWith("jobs.csv:3 row 2 [assignedTo]: error KB6002:", errors[0], StringComparison.Ordinal);
        Assert.Contains($"{a.Members[1].MobileNumber} is not a member of group {b.GroupId}", errors[0], StringComparison.Ordinal);
        Assert.StartsWith("jobs.csv:4 row 3 [groupId]: error KB6001:", errors[1], StringComparison.Ordinal);
        Assert.Contains($"group {stranger} is not one the connection reaches", errors[1], StringComparison.Ordinal);
        Assert.Contains("nothing would be sent", check.StdOut);
        Assert.Empty(scenario.Emulator.Actions);
        var stats = await StatsAsync(scenario.Emulator);
        Assert.Null(stats["routes"]!["POST /v1/groups/{groupId}/actions"]);
        Assert.Equal(1, Count(stats, "GET /v1/groups", "200"));
        Assert.Equal(2, Count(stats, "GET /v1/groups/{groupId}/members", "200"));
        Assert.False(File.Exists(scenario.LedgerPath));
    }

    [Fact]
    public async Task Plan_check_groups_passes_when_every_group_is_reachable_and_every_assignee_a_member()
    {
        var org = Organisation.Generate(8, seed: 4);
        await using var scenario = await StartAsync(org);
        var store = org.Groups[^1];
        scenario.Folder.Write("jobs.csv", $"groupId,assignee\n{store.GroupId},{store.Members[0].MobileNumber}\n");
        WriteJobRunFile(scenario, "jobs.csv", "{{ row.groupId }}");

        var check = await scenario.CliAsync("plan", "--check-groups");

        Assert.True(check.ExitCode == 0, check.AllOutput);
        Assert.Contains("every target group of the 1 valid items is reachable", check.StdOut);
        Assert.Empty(scenario.Emulator.Actions);
    }

    [Fact]
    public async Task A_post_to_a_group_outside_the_organisation_fails_once_with_its_reason_and_is_not_retried()
    {
        await using var scenario = await RunScenario.StartAsync(items: 4);
        var reachable = scenario.Groups.Take(3).Select(g => new OrgGroup(g, "Store " + g.ToString()[..4], null, [])).ToList();
        await scenario.ReplaceEmulatorAsync(new EmulatorOptions { PerMinute = 0, TenantPerMinute = 0, Organisation = new Organisation(reachable) },
            () => scenario.WriteRunFile(maxAttempts: 5));

        var run = await scenario.RunAsync();

        Assert.True(run.ExitCode == 1, run.AllOutput);
        Assert.Equal(3, scenario.Emulator.Actions.Count);
        var stats = await StatsAsync(scenario.Emulator);
        Assert.Equal(1, Count(stats, "POST /v1/groups/{groupId}/actions", "404"));
        Assert.Equal(3, Count(stats, "POST /v1/groups/{groupId}/actions", "200"));
        var failed = Assert.Single(await scenario.ExportJsonlAsync(), r => (string?)r["state"] == "failed");
        Assert.Equal(scenario.Groups[3].ToString(), (string?)failed["groupId"]);
        Assert.Equal(1, (int)failed["attempts"]!);
        Assert.Contains("404", (string?)failed["lastError"], StringComparison.Ordinal);
        Assert.Contains("not found", (string?)failed["lastError"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_embedded_emulator_serves_the_organisation_the_run_file_asks_for_to_every_command_alike()
    {
        using var folder = new TempFolder();
        var runFile = folder.Write("run.yaml", """
            version: 1
            name: embedded-org
            connection:
              emulator: true
              emulatorOrg: 12
            actions:
              - name: notice
                type: Survey
                targets:
                  file: stores.csv
                  where: "{{ row.level == '2' }}"
                body:
                  title: "Checklist for {{ row.groupName }}"
                  questions:
                    - { title: "Done?", type: SingleOption, options: [ { title: "Yes" }, { title: "No" } ] }
            """);
        var org = Organisation.Generate(12, seed: 0);
        var region = org.SubGroupsOf(org.Roots[0].GroupId)[0];

        var first = await CliProcess.RunAsync(["groups", runFile], folder.Path);
        var second = await CliProcess.RunAsync(["groups", runFile, "--under", region.GroupId.ToString(), "--out", "stores.csv"], folder.Path);
        var run = await CliProcess.RunAsync(["run", runFile], folder.Path);

        Assert.True(first.ExitCode == 0, first.AllOutput);
        Assert.Equal(["groupId,groupName,parentGroupId,level,memberCount", .. org.Groups.Select(g => Row(org, g))], Lines(first.StdOut));
        Assert.True(second.ExitCode == 0, second.AllOutput);
        Assert.True(run.ExitCode == 0, run.AllOutput);
        var export = await CliProcess.RunAsync(["export", runFile, "--format", "jsonl"], folder.Path);
        var sent = Lines(export.StdOut).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(org.SubGroupsOf(region.GroupId).Select(g => g.GroupId.ToString()).Order(), sent.Select(r => (string)r["groupId"]!).Order());
        Assert.All(sent, r => Assert.Equal("sent", (string?)r["state"]));
    }

    [Fact]
    public async Task An_unusable_organisation_file_is_an_input_error_with_its_place_and_nothing_is_created()
    {
        using var folder = new TempFolder();
        folder.Write("org.json", "{ \"groups\": [ { \"groupId\": \"6c7ec515-fcb4-402b-bd4c-b8b3174a554f\", \"groupName\": \"A\",\n  \"members\": [ { \"mobileNumber\": \"+919876543210\", \"role\": \"Boss\" } ] } ] }\n");
        folder.Write("stores.csv", "groupId\n6c7ec515-fcb4-402b-bd4c-b8b3174a554f\n");
        var runFile = folder.Write("run.yaml", """
            version: 1
            name: bad-org
            connection:
              emulator: true
              emulatorOrg: org.json
            actions:
              - name: notice
                type: Announcement
                targets: { file: stores.csv }
                body: { title: "Hello", message: "Hi" }
            """);

        var groups = await CliProcess.RunAsync(["groups", runFile], folder.Path);
        var run = await CliProcess.RunAsync(["run", runFile], folder.Path);
        var emulator = await CliProcess.RunAsync(["emulator", "--org", Path.Combine(folder.Path, "org.json")], folder.Path);
        var both = await CliProcess.RunAsync(["emulator", "--org", "org.json", "--org-size", "3"], folder.Path);

        foreach (var result in new[] { groups, run, emulator, both })
        {
            Assert.True(result.ExitCode == 2, result.AllOutput);
            Assert.DoesNotContain("   at ", result.AllOutput);
        }
        Assert.Contains("run.yaml:5:16: error KB1008: the organisation file is unusable:", run.StdErr);
        Assert.Contains("$.groups[0].members[0].role: role is Admin or Member, not 'Boss'", run.StdErr);
        Assert.Contains("role is Admin or Member, not 'Boss'", emulator.StdErr);
        Assert.Contains("--org and --org-size exclude each other", both.StdErr);
        Assert.False(File.Exists(Path.Combine(folder.Path, "bad-org.ledger.db")));
    }

    private static void WriteJobRunFile(RunScenario scenario, string csv, string key) =>
        File.WriteAllText(scenario.RunFilePath, $$$"""
            version: 1
            name: e2e
            connection:
              apiRoot: {{{scenario.Emulator.ApiRoot}}}
              applicationId: ${env:KB_APP}
              applicationSecret: ${env:KB_SECRET}
              refreshToken: ${env:KB_REFRESH}
            limits: { perMinute: 300 }
            actions:
              - name: tasks
                type: Job
                targets: { file: {{{csv}}} }
                key: "{{{key}}}"
                body:
                  title: "Stock count"
                  assignedTo: [ "{{ row.assignee }}" ]
            """);
}
