using System.Diagnostics;
using System.Text;
using KaizalaBatch.Emulator;
using Microsoft.Extensions.Time.Testing;

namespace KaizalaBatch.Cli.Tests;

/// <summary>SPEC section 3: no secret (accessToken, applicationSecret, refreshToken) is ever written to a log, the ledger,
/// a report or an error message. Proven on bytes: every output of every process and every file the runs leave.</summary>
public sealed class SecretLeakE2eTests
{
    [Fact]
    public async Task No_secret_reaches_any_output_or_file_and_a_rotated_refresh_token_is_kept_only_in_its_0600_file()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var known = new HashSet<Guid>();
        Process? toKill = null;
        var killAfter = int.MaxValue;
        var calls = 0;
        var gate = new Lock();
        void OnCall(string line)
        {
            lock (gate)
            {
                if (++calls == killAfter)
                {
                    toKill?.Kill();
                }
            }
        }

        await using var scenario = await RunScenario.StartAsync(items: 12, new EmulatorOptions
        {
            PerMinute = 0,
            TenantPerMinute = 0,
            Time = clock,
            KnownGroups = known,
            RefreshTokenLifetime = TimeSpan.FromDays(10),
            Log = OnCall,
        });
        known.UnionWith(scenario.Groups.Take(8));

        // The service first saw the refresh token 9.5 days ago: the next token call hands out its successor.
        await SeeRefreshTokenAsync(scenario.Emulator);
        clock.Advance(TimeSpan.FromDays(9.5));

        var outputs = new List<(string Name, byte[] Bytes)>();
        void Keep(string name, CliResult r)
        {
            outputs.Add((name + " stdout", Encoding.UTF8.GetBytes(r.StdOut)));
            outputs.Add((name + " stderr", Encoding.UTF8.GetBytes(r.StdErr)));
        }

        // 1: four groups unknown → 404s, error messages in the output and the ledger.
        var first = await scenario.RunAsync("--log-level", "Trace");
        Assert.True(first.ExitCode == 1, first.AllOutput);
        Keep("run 1 (trace)", first);
        var refreshFile = scenario.LedgerPath + ".refresh-token";
        Assert.True(File.Exists(refreshFile), "the rotated refresh token was not kept");
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(refreshFile));
        }
        var successor = File.ReadAllText(refreshFile).Trim();
        Assert.Contains(successor, scenario.Emulator.IssuedSecrets);

        // 2: a changed title, resent, with JSON logs at Trace; killed after a few calls so that the WAL keeps its pages.
        known.UnionWith(scenario.Groups);
        scenario.WriteRunFile(title: "Second notice for {{ row.site }}");
        using (var process = scenario.Start("--resend-changed", "--log-level", "Trace", "--log-format", "json"))
        {
            var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            lock (gate)
            {
                toKill = process;
                killAfter = calls + 6;
            }
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(bound.Token);
            Keep("run 2 (killed)", new CliResult(process.ExitCode, await stdout, await stderr));
        }
        var wal = scenario.LedgerPath + "-wal";
        Assert.True(File.Exists(wal) && new FileInfo(wal).Length > 0, "the killed run left no WAL to search");
        outputs.Add(("ledger -wal after a kill", File.ReadAllBytes(wal)));

        // 3: finishes, at Trace with JSON logs; then the read-only commands.
        var third = await scenario.RunAsync("--resend-changed", "--log-level", "Trace", "--log-format", "json");
        Assert.True(third.ExitCode == 0, third.AllOutput);
        Keep("run 3 (trace, json)", third);
        Keep("plan", await scenario.CliAsync("plan", "--log-level", "Trace"));
        Keep("status", await scenario.CliAsync("status"));
        var csv = Path.Combine(scenario.Folder.Path, "out.csv");
        var jsonl = Path.Combine(scenario.Folder.Path, "out.jsonl");
        Keep("export csv", await scenario.CliAsync("export", "--format", "csv", "--out", csv));
        Keep("export jsonl", await scenario.CliAsync("export", "--format", "jsonl", "--out", jsonl));
        Keep("export csv to stdout", await scenario.CliAsync("export", "--format", "csv"));

        foreach (var file in Directory.GetFiles(scenario.Folder.Path))
        {
            if (file != refreshFile)
            {
                outputs.Add((Path.GetFileName(file), File.ReadAllBytes(file)));
            }
        }
        Assert.Contains(outputs, o => o.Name == "e2e.ledger.db");
        Assert.Contains(outputs, o => o.Name == "out.csv");

        var secrets = new List<string> { RunScenario.ApplicationSecret, RunScenario.RefreshToken };
        secrets.AddRange(scenario.Emulator.IssuedSecrets);
        Assert.True(secrets.Count >= 5, "expected several access tokens and a successor refresh token to look for");
        var leaks = (from o in outputs
                     from s in secrets
                     where Contains(o.Bytes, Encoding.UTF8.GetBytes(s))
                     select $"{o.Name} holds {(s == RunScenario.ApplicationSecret ? "the applicationSecret" : s == RunScenario.RefreshToken ? "the refreshToken" : "an issued token")}")
            .ToList();
        Assert.True(leaks.Count == 0, string.Join("\n", leaks));
        // The scan can find: the refresh token file holds the successor.
        Assert.True(Contains(File.ReadAllBytes(refreshFile), Encoding.UTF8.GetBytes(successor)));
    }

    [Fact]
    public async Task Refused_credentials_are_unusable_input_exit_2_before_any_item_and_the_message_does_not_echo_them()
    {
        await using var scenario = await RunScenario.StartAsync(items: 3, new EmulatorOptions
        {
            PerMinute = 0,
            TenantPerMinute = 0,
            ApplicationSecret = "the-only-accepted-secret",
        });
        var run = await scenario.RunAsync("--log-level", "Trace");
        Assert.True(run.ExitCode == 2, run.AllOutput);
        Assert.Contains("credentials", run.AllOutput, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(RunScenario.ApplicationSecret, run.AllOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(RunScenario.RefreshToken, run.AllOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.AllOutput, StringComparison.Ordinal);
        Assert.Empty(scenario.Emulator.Actions);
    }

    internal static async Task SeeRefreshTokenAsync(KaizalaEmulator emulator)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, emulator.ApiRoot + "/accessToken");
        request.Headers.Add("applicationId", RunScenario.ApplicationId);
        request.Headers.Add("applicationSecret", RunScenario.ApplicationSecret);
        request.Headers.Add("refreshToken", RunScenario.RefreshToken);
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode);
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
