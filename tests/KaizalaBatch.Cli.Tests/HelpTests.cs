namespace KaizalaBatch.Cli.Tests;

public sealed class HelpTests
{
    public static TheoryData<string> Commands => ["validate", "plan", "run", "status", "export", "emulator", "schema", "init", "report", "remind"];

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Every_command_has_help(string command)
    {
        var result = await CliProcess.RunAsync([command, "--help"]);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Usage:", result.StdOut);
        Assert.Contains(command, result.StdOut);
    }

    [Fact]
    public async Task An_unknown_command_is_a_usage_error_with_exit_2_and_no_stack_trace()
    {
        var result = await CliProcess.RunAsync(["no-such-command"]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no-such-command", result.StdErr);
        Assert.DoesNotContain("   at ", result.AllOutput);
    }
}
