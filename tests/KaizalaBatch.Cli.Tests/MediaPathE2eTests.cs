using System.Security.Cryptography;

namespace KaizalaBatch.Cli.Tests;

/// <summary>A CSV cell must not choose which local file is uploaded: through the real CLI, a media path a template made
/// from a cell that leads outside the media folder is an input error at its row and column, and the emulator sees no
/// call at all (no upload, no Action) and no ledger is made; paths inside the run folder or a declared mediaRoot work.</summary>
public sealed class MediaPathE2eTests
{
    private static readonly byte[] Secret = "%PDF-1.4 secret-outside-q8Wn"u8.ToArray();

    private static async Task<RunScenario> StartAsync(string[] cells, string? mediaRoot = null)
    {
        var scenario = await RunScenario.StartAsync(items: cells.Length);
        scenario.Folder.Write("groups.csv", "groupId,site,doc\n" +
            string.Concat(cells.Select((cell, i) => $"{scenario.Groups[i]},Site {i + 1},{cell}\n")));
        File.WriteAllText(scenario.RunFilePath, $$$"""
            version: 1
            name: e2e
            {{{(mediaRoot is null ? "" : $"mediaRoot: {mediaRoot}")}}}
            connection:
              apiRoot: {{{scenario.Emulator.ApiRoot}}}
              applicationId: ${env:KB_APP}
              applicationSecret: ${env:KB_SECRET}
              refreshToken: ${env:KB_REFRESH}
            actions:
              - name: handbook
                type: Document
                targets:
                  file: groups.csv
                body:
                  mediaResource: { file: "{{ row.doc }}" }
                  caption: "Handbook for {{ row.site }}"
            """);
        return scenario;
    }

    private static string MediaResource(string path) =>
        "kzm-application-" + Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)))[..40];

    [Theory]
    [InlineData("absolute path")]
    [InlineData("dot-dot escape")]
    [InlineData("link to a file outside")]
    [InlineData("link to a folder outside")]
    public async Task A_cell_that_names_a_file_outside_the_run_folder_is_refused_at_its_row_and_column_and_nothing_is_sent(string escape)
    {
        using var outside = new TempFolder();
        var secret = outside.WriteBytes("secret.pdf", Secret);
        string cell = escape switch
        {
            "absolute path" => secret,
            "dot-dot escape" => $"../{Path.GetFileName(outside.Path)}/secret.pdf",
            "link to a file outside" => "handbook.pdf",
            _ => "docs/secret.pdf",
        };
        await using var scenario = await StartAsync(["ok.pdf", cell]);
        scenario.Folder.WriteBytes("ok.pdf", "%PDF-1.4 ok"u8.ToArray());
        if (escape == "link to a file outside")
        {
            File.CreateSymbolicLink(Path.Combine(scenario.Folder.Path, "handbook.pdf"), secret);
        }
        else if (escape == "link to a folder outside")
        {
            Directory.CreateSymbolicLink(Path.Combine(scenario.Folder.Path, "docs"), outside.Path);
        }

        foreach (var command in new[] { "validate", "plan", "run" })
        {
            var result = await scenario.CliAsync(command);
            Assert.True(result.ExitCode == 2, $"{command}: exit {result.ExitCode}\n{result.AllOutput}");
            Assert.Contains("groups.csv:3 row 2 [doc]: error KB4009", result.AllOutput, StringComparison.Ordinal);
            Assert.Contains($"'{cell}'", result.AllOutput, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", result.AllOutput, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", result.AllOutput, StringComparison.Ordinal);
            if (command == "run")
            {
                Assert.Contains("nothing was sent", result.AllOutput, StringComparison.Ordinal);
            }
        }
        Assert.Equal(0, scenario.Emulator.Calls); // no token, no upload, no Action
        Assert.Empty(scenario.Emulator.Actions);
        Assert.Empty(Directory.GetFiles(scenario.Folder.Path, "*.ledger.db*"));
    }

    [Fact]
    public async Task Cells_that_name_files_inside_the_run_folder_are_uploaded_and_logged_by_base_name_only()
    {
        await using var scenario = await StartAsync(["docs/a.pdf", "latest.pdf"]);
        var a = scenario.Folder.WriteBytes("docs/a.pdf", "%PDF-1.4 a"u8.ToArray());
        var b = scenario.Folder.WriteBytes("docs/b.pdf", "%PDF-1.4 b"u8.ToArray());
        File.CreateSymbolicLink(Path.Combine(scenario.Folder.Path, "latest.pdf"), Path.Combine("docs", "b.pdf")); // a link that stays inside

        var result = await scenario.RunAsync("--log-level", "Trace");

        Assert.True(result.ExitCode == 0, result.AllOutput);
        scenario.AssertEachGroupExactlyOnce();
        var sent = scenario.Emulator.Actions.OrderBy(x => x.Sequence).ToDictionary(x => x.GroupId, x => (string?)x.ActionBody["mediaResource"]);
        Assert.Equal(MediaResource(a), sent[scenario.Groups[0]]);
        Assert.Equal(MediaResource(b), sent[scenario.Groups[1]]);
        Assert.Contains("a.pdf", result.AllOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(Path.Combine(scenario.Folder.Path, "docs"), result.AllOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cells_resolve_inside_a_declared_media_root_and_may_not_leave_it()
    {
        using var shared = new TempFolder();
        var handbook = shared.WriteBytes("handbooks/north.pdf", "%PDF-1.4 north"u8.ToArray());
        var mediaRoot = $"../{Path.GetFileName(shared.Path)}/handbooks";
        await using var scenario = await StartAsync(["north.pdf", "north.pdf"], mediaRoot);

        var result = await scenario.RunAsync();

        Assert.True(result.ExitCode == 0, result.AllOutput);
        scenario.AssertEachGroupExactlyOnce();
        Assert.All(scenario.Emulator.Actions, x => Assert.Equal(MediaResource(handbook), (string?)x.ActionBody["mediaResource"]));

        // The run folder itself is now outside the media folder.
        scenario.Folder.WriteBytes("local.pdf", "%PDF-1.4 local"u8.ToArray());
        var calls = scenario.Emulator.Calls;
        scenario.Folder.Write("groups.csv", $"groupId,site,doc\n{scenario.Groups[0]},Site 1,../../{Path.GetFileName(scenario.Folder.Path)}/local.pdf\n");
        var refused = await scenario.RunAsync();
        Assert.True(refused.ExitCode == 2, refused.AllOutput);
        Assert.Contains("groups.csv:2 row 1 [doc]: error KB4009", refused.AllOutput, StringComparison.Ordinal);
        Assert.Contains($"mediaRoot '{mediaRoot}'", refused.AllOutput, StringComparison.Ordinal);
        Assert.Equal(calls, scenario.Emulator.Calls);
    }
}
