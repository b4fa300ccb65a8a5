namespace KaizalaBatch.Cli.Tests;

public sealed class HelpTests
{
    public static TheoryData<string> Commands => ["validate", "plan", "run", "status", "export", "resolve", "groups", "emulator", "schema", "init", "report", "remind"];

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Every_command_has_help_with_examples_and_exit_codes(string command)
    {
        var result = await CliProcess.RunAsync([command, "--help"]);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Usage:", result.StdOut);
        Assert.Contains(command, result.StdOut);
        var examples = result.StdOut[result.StdOut.IndexOf("Examples:", StringComparison.Ordinal)..];
        Assert.Contains($"  kaizala-batch {command}", examples, StringComparison.Ordinal);
        Assert.Matches(@"Exit codes: 0 ", result.StdOut);
        // A placeholder names what an option takes, never repeats the option's own name (`--json <json>`).
        Assert.DoesNotMatch(@"--([a-z-]+) <\1>", result.StdOut);
    }

    [Theory]
    [InlineData("run", "--only <ACTION>", "--limit <N>")]
    [InlineData("plan", "--json <FILE>", "--html <FILE>")]
    [InlineData("remind", "--every <DURATION>", "--min-responses <N>")]
    public async Task Placeholders_say_what_an_option_takes(string command, string first, string second)
    {
        var result = await CliProcess.RunAsync([command, "--help"]);
        Assert.Contains(first, result.StdOut, StringComparison.Ordinal);
        Assert.Contains(second, result.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_bare_command_lists_the_commands_and_where_to_start()
    {
        var result = await CliProcess.RunAsync([]);
        Assert.Equal(0, result.ExitCode);
        Assert.DoesNotContain("Required command was not provided", result.AllOutput, StringComparison.Ordinal);
        foreach (var command in new[] { "validate", "plan", "run", "status", "report" })
        {
            Assert.Matches($@"(?m)^\s+{command}\b", result.StdOut);
        }
        Assert.Contains("dotnet run --project src/KaizalaBatch.Cli --", result.StdOut, StringComparison.Ordinal);
        Assert.Contains("Exit codes:", result.StdOut, StringComparison.Ordinal);
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
