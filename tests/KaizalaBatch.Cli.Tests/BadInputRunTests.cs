using KaizalaBatch.Emulator;

namespace KaizalaBatch.Cli.Tests;

/// <summary>One emulator for the class: the witness that an unusable input sends nothing.</summary>
public sealed class WitnessEmulator : IAsyncLifetime
{
    public KaizalaEmulator Emulator { get; private set; } = null!;

    public async ValueTask InitializeAsync() =>
        Emulator = await KaizalaEmulator.StartAsync(new EmulatorOptions { PerMinute = 0, TenantPerMinute = 0 }, ct: TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync() => await Emulator.DisposeAsync();
}

/// <summary>The unusable inputs of issue 10 through <c>run</c>, pointed at an emulator: exit 2, the place of the mistake
/// printed, nothing sent, no ledger file.</summary>
public sealed class BadInputRunTests(WitnessEmulator witness) : IClassFixture<WitnessEmulator>
{
    private static readonly string[] Kinds = ["strict:", "body:", "literal:", "bounds:", "messages:", "template: unknown function", "rules:"];

    public static TheoryData<BadInput> Cases()
    {
        var data = new TheoryData<BadInput>();
        foreach (var input in BadInputCorpus.All().Where(i => i.ExitCode == 2 && Kinds.Any(k => i.Name.StartsWith(k, StringComparison.Ordinal))))
        {
            data.Add(input);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Run_sends_nothing_and_leaves_no_ledger(BadInput input)
    {
        using var folder = new TempFolder();
        foreach (var (name, content) in input.Files)
        {
            folder.Write(name, name == "run.yaml" ? PointAtWitness(content) : content);
        }
        var before = witness.Emulator.Actions.Count;

        var result = await CliProcess.RunAsync(["run", "run.yaml"], folder.Path, new Dictionary<string, string?>
        {
            ["KB_APP"] = RunScenario.ApplicationId,
            ["KB_SECRET"] = RunScenario.ApplicationSecret,
            ["KB_REFRESH"] = RunScenario.RefreshToken,
        });

        Assert.True(result.ExitCode == 2, $"{input.Name}: exit {result.ExitCode}\n{result.AllOutput}");
        Assert.Contains("nothing was sent", result.AllOutput);
        Assert.True(result.AllOutput.Contains(input.Expected[0], StringComparison.Ordinal), $"{input.Name}: '{input.Expected[0]}' not in\n{result.AllOutput}");
        Assert.Equal(before, witness.Emulator.Actions.Count);
        Assert.Empty(Directory.GetFiles(folder.Path, "*.ledger.db*"));
        Assert.DoesNotContain("   at ", result.AllOutput);
    }

    [Fact]
    public async Task A_where_that_matches_no_row_says_which_filter_and_creates_no_ledger()
    {
        using var folder = new TempFolder();
        folder.Write("groups.csv", BadInputCorpus.GoodCsv);
        folder.Write("run.yaml", PointAtWitness(BadInputCorpus.GoodRun.Replace("      file: groups.csv", "      file: groups.csv\n      where: \"row.site == 'Mumbai'\"")));
        var before = witness.Emulator.Actions.Count;

        var result = await CliProcess.RunAsync(["run", "run.yaml"], folder.Path, new Dictionary<string, string?>
        {
            ["KB_APP"] = RunScenario.ApplicationId,
            ["KB_SECRET"] = RunScenario.ApplicationSecret,
            ["KB_REFRESH"] = RunScenario.RefreshToken,
        });

        Assert.True(result.ExitCode == 0, result.AllOutput);
        Assert.Contains("run.yaml:9:14: warning KB5004: targets.where 'row.site == 'Mumbai'' is false for all 2 rows of groups.csv", result.AllOutput);
        Assert.Contains("Nothing to send: no CSV row became an item", result.AllOutput);
        Assert.DoesNotContain("ledger has every item", result.AllOutput);
        Assert.Equal(before, witness.Emulator.Actions.Count);
        Assert.Empty(Directory.GetFiles(folder.Path, "*.ledger.db*"));
    }

    /// <summary>A connection to the witness, appended, so that the lines of the mistake stay where they were.</summary>
    private string PointAtWitness(string yaml) =>
        yaml.TrimEnd('\n') + "\nconnection:\n  apiRoot: " + witness.Emulator.ApiRoot +
        "\n  applicationId: ${env:KB_APP}\n  applicationSecret: ${env:KB_SECRET}\n  refreshToken: ${env:KB_REFRESH}\n";
}
