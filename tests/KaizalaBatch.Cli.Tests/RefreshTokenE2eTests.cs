using KaizalaBatch.Emulator;
using Microsoft.Extensions.Time.Testing;

namespace KaizalaBatch.Cli.Tests;

/// <summary>SPEC section 4: a new refresh token in the token answer is kept beside the ledger and used from then on.</summary>
public sealed class RefreshTokenE2eTests
{
    [Fact]
    public async Task A_rotated_refresh_token_is_kept_and_the_next_run_uses_it_after_the_old_one_expired()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var scenario = await RunScenario.StartAsync(items: 3, new EmulatorOptions
        {
            PerMinute = 0,
            TenantPerMinute = 0,
            Time = clock,
            RefreshToken = RunScenario.RefreshToken,
            RefreshTokenLifetime = TimeSpan.FromDays(10),
        });
        // The service first saw the refresh token 9.5 days ago: the first run's token call gets its successor.
        await SecretLeakE2eTests.SeeRefreshTokenAsync(scenario.Emulator);
        clock.Advance(TimeSpan.FromDays(9.5));
        var first = await scenario.RunAsync();
        Assert.True(first.ExitCode == 0, first.AllOutput);
        var kept = scenario.LedgerPath + ".refresh-token";
        Assert.True(File.Exists(kept), first.AllOutput);
        Assert.NotEqual(RunScenario.RefreshToken, File.ReadAllText(kept).Trim());

        // The run file's token is dead now; only the kept successor works.
        clock.Advance(TimeSpan.FromDays(1));
        scenario.WriteRunFile(title: "Reminder for {{ row.site }}");
        var second = await scenario.RunAsync("--resend-changed");
        Assert.True(second.ExitCode == 0, second.AllOutput);
        Assert.Equal(6, scenario.Emulator.Actions.Count);
    }

    [Fact]
    public async Task A_kept_refresh_token_the_service_refuses_gives_way_to_the_run_files_token()
    {
        await using var scenario = await RunScenario.StartAsync(items: 3, new EmulatorOptions
        {
            PerMinute = 0,
            TenantPerMinute = 0,
            RefreshToken = RunScenario.RefreshToken,
        });
        // Left by an earlier connector grant; the admin has since handed out the token now in the environment.
        var kept = scenario.Folder.Write("e2e.ledger.db.refresh-token", "REVOKED-successor-token");

        var run = await scenario.RunAsync();
        Assert.True(run.ExitCode == 0, run.AllOutput);
        scenario.AssertEachGroupExactlyOnce("with a stale kept refresh token");
        Assert.Contains("was refused; trying the run file's refreshToken", run.StdErr, StringComparison.Ordinal);
        Assert.False(File.Exists(kept), "the refused token is still kept");
        Assert.DoesNotContain("REVOKED-successor-token", run.AllOutput, StringComparison.Ordinal);
    }
}
