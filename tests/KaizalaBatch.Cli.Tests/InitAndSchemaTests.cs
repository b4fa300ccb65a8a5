using System.Text.Json;

namespace KaizalaBatch.Cli.Tests;

public sealed class InitAndSchemaTests
{
    [Fact]
    public async Task Init_writes_an_example_that_validates_and_plans_clean()
    {
        using var folder = new TempFolder();
        var target = Path.Combine(folder.Path, "new-rollout");
        var init = await CliProcess.RunAsync(["init", target]);
        Assert.Equal(0, init.ExitCode);
        Assert.True(File.Exists(Path.Combine(target, "run.yaml")));
        Assert.Contains("$schema=runner.schema.json", await File.ReadAllTextAsync(Path.Combine(target, "run.yaml"), TestContext.Current.CancellationToken));

        var validate = await CliProcess.RunAsync(["validate", Path.Combine(target, "run.yaml")]);
        Assert.True(validate.ExitCode == 0, validate.AllOutput);
        Assert.Contains("0 invalid", validate.StdOut);

        var plan = await CliProcess.RunAsync(["plan", Path.Combine(target, "run.yaml")]);
        Assert.True(plan.ExitCode == 0, plan.AllOutput);
        Assert.False(File.Exists(Path.Combine(target, "q3-safety-survey.ledger.db")), "plan must not create the ledger");
    }

    [Fact]
    public async Task Init_prints_next_steps_that_work_as_written_from_source()
    {
        using var folder = new TempFolder();
        var init = await CliProcess.RunAsync(["init", "new-rollout"], workingDirectory: folder.Path);
        Assert.Equal(0, init.ExitCode);
        var fromSource = System.Text.RegularExpressions.Regex.Match(init.StdOut, "`dotnet run --project src/KaizalaBatch.Cli -- (plan [^`]+)`");
        Assert.True(fromSource.Success, init.StdOut);
        Assert.Contains("kaizala-batch plan " + Path.Combine("new-rollout", "run.yaml"), init.StdOut, StringComparison.Ordinal);
        // The command as printed, from where init ran.
        var plan = await CliProcess.RunAsync(fromSource.Groups[1].Value.Split(' '), workingDirectory: folder.Path);
        Assert.True(plan.ExitCode == 0, plan.AllOutput);
    }

    [Fact]
    public async Task Init_never_overwrites_and_names_the_file_that_exists()
    {
        using var folder = new TempFolder();
        var existing = folder.Write("run.yaml", "mine");
        var init = await CliProcess.RunAsync(["init", folder.Path]);
        Assert.Equal(2, init.ExitCode);
        Assert.Contains(existing, init.StdErr);
        Assert.Equal("mine", await File.ReadAllTextAsync(existing, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Schema_prints_the_repository_schema_byte_for_byte()
    {
        var result = await CliProcess.RunAsync(["schema"]);
        Assert.Equal(0, result.ExitCode);
        var repository = await File.ReadAllTextAsync(Path.Combine(CliProcess.RepositoryRoot, "runner.schema.json"), TestContext.Current.CancellationToken);
        Assert.Equal(repository, result.StdOut);
        using var parsed = JsonDocument.Parse(result.StdOut);
        Assert.Equal("http://json-schema.org/draft-07/schema#", parsed.RootElement.GetProperty("$schema").GetString());
    }
}
