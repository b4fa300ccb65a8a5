namespace KaizalaBatch.Cli.Tests;

public sealed class RunInputErrorTests
{
    [Fact]
    public async Task A_run_with_unusable_input_sends_nothing_and_leaves_no_ledger()
    {
        using var folder = new TempFolder();
        // Row 2 repeats row 1's group: two items with one identity make the whole input unusable.
        folder.Write("groups.csv", BadInputCorpus.GoodCsv + BadInputCorpus.GoodCsv.Split('\n')[1] + "\n");
        var runFile = folder.Write("run.yaml", BadInputCorpus.GoodRun);

        var result = await CliProcess.RunAsync(["run", runFile], folder.Path);

        Assert.True(result.ExitCode == 2, result.AllOutput);
        Assert.Contains("nothing was sent", result.AllOutput);
        Assert.Empty(Directory.GetFiles(folder.Path, "*.ledger.db*"));
    }

    [Fact]
    public async Task A_first_run_whose_credentials_the_service_refuses_is_exit_2_and_leaves_no_ledger()
    {
        await using var scenario = await RunScenario.StartAsync(items: 3,
            new Emulator.EmulatorOptions { PerMinute = 0, TenantPerMinute = 0, ApplicationSecret = "not-the-one-the-run-file-has" });
        scenario.WriteRunFile();

        var result = await scenario.RunAsync();

        Assert.True(result.ExitCode == 2, result.AllOutput);
        Assert.Contains("error KB7001", result.StdErr, StringComparison.Ordinal);
        Assert.Empty(scenario.Emulator.Actions);
        Assert.Empty(Directory.GetFiles(scenario.Folder.Path, "*.ledger.db*"));
    }
}
