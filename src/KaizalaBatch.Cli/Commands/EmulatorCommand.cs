using System.CommandLine;
using System.Globalization;
using KaizalaBatch.Emulator;

namespace KaizalaBatch.Cli.Commands;

/// <summary><c>kaizala-batch emulator</c>: the Kaizala API emulator as a server until Ctrl-C.</summary>
public static class EmulatorCommand
{
    public static Command Build(TextWriter output, TextWriter error)
    {
        var urls = new Option<string>("--urls")
        {
            Description = "Where to listen, e.g. http://127.0.0.1:5080 (port 0 picks a free one).",
            DefaultValueFactory = _ => "http://127.0.0.1:5080",
        };
        var perMinute = IntOption("--per-minute", "Calls per connector (applicationId) in any 60 s window; 0 = unlimited.", 100);
        var tenantPerMinute = IntOption("--tenant-per-minute", "Calls per tenant (all connectors) in any 60 s window; 0 = unlimited.", 300);
        var tokenLifetime = IntOption("--token-lifetime", "Access token lifetime in seconds.", 24 * 3600);
        var refreshLifetime = IntOption("--refresh-token-lifetime", "Refresh token lifetime in seconds; a new one is handed out after 90% of it.", 365 * 24 * 3600);
        var latency = IntOption("--latency-ms", "Milliseconds added to every API answer.", 0);
        var seed = IntOption("--seed", "Seed of the fault injection and of --org-size: the same seed gives the same faults and organisation.", 0);
        var fault5xx = RateOption("--fault-5xx", "Share of API calls answered 500/503.");
        var faultReset = RateOption("--fault-reset", "Share of API calls whose connection is reset (nothing stored).");
        var faultSlow = RateOption("--fault-slow", "Share of API calls answered only after --slow-ms.");
        var slowMs = IntOption("--slow-ms", "How long a slow answer takes, in milliseconds.", 70_000);
        var faultAcceptDrop = RateOption("--fault-accept-drop", "Share of action posts that are stored, then answered with a reset.");
        var moveAfter = new Option<int?>("--move-after") { Description = "After N API calls the endpoint moves: the old one answers 308 with Location." };
        var applicationId = new Option<string?>("--application-id") { Description = "Accept only this applicationId (default: any)." };
        var applicationSecret = new Option<string?>("--application-secret") { Description = "Accept only this applicationSecret (default: any)." };
        var refreshToken = new Option<string?>("--refresh-token") { Description = "Accept only this refresh token and the ones the emulator hands out (default: any)." };
        var org = new Option<FileInfo?>("--org") { Description = "Serve this organisation (groups, subgroups, members; JSON, see docs/organisation.md); posts to other groups get 404." };
        var orgSize = new Option<int?>("--org-size") { Description = "Serve a generated organisation of N groups (from --seed); posts to other groups get 404." };
        orgSize.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 1)
            {
                result.AddError("--org-size must be at least 1.");
            }
        });
        var respondRate = RateOption("--respond-rate", "Share of Surveys, Jobs and Polls that simulated members answer (seeded by --seed); 0, the default, answers nothing.");
        var respondAfter = IntOption("--respond-after", "Simulated answers arrive within this many seconds of the Action, some at once.", 2 * 24 * 3600);

        var command = new Command("emulator", "Run the Kaizala API emulator as a server (the retired service's stand-in). Stop with Ctrl-C.")
        {
            urls, perMinute, tenantPerMinute, tokenLifetime, refreshLifetime, latency, seed,
            fault5xx, faultReset, faultSlow, slowMs, faultAcceptDrop, moveAfter, applicationId, applicationSecret, refreshToken, org, orgSize,
            respondRate, respondAfter,
        };
        command.Validators.Add(result =>
        {
            if (result.GetResult(org) is not null && result.GetResult(orgSize) is not null)
            {
                result.AddError("--org and --org-size exclude each other: one organisation at a time.");
            }
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            Organisation? organisation;
            try
            {
                organisation = EmbeddedEmulator.Organisation(parse.GetValue(org)?.FullName, parse.GetValue(orgSize), parse.GetValue(seed));
            }
            catch (OrganisationFileException ex)
            {
                await error.WriteLineAsync(ex.Message);
                return ExitCodes.InputUnusable;
            }
            var options = new EmulatorOptions
            {
                PerMinute = parse.GetValue(perMinute),
                TenantPerMinute = parse.GetValue(tenantPerMinute),
                TokenLifetime = TimeSpan.FromSeconds(parse.GetValue(tokenLifetime)),
                RefreshTokenLifetime = TimeSpan.FromSeconds(parse.GetValue(refreshLifetime)),
                Latency = TimeSpan.FromMilliseconds(parse.GetValue(latency)),
                Seed = parse.GetValue(seed),
                Fault5xx = parse.GetValue(fault5xx),
                FaultReset = parse.GetValue(faultReset),
                FaultSlow = parse.GetValue(faultSlow),
                SlowDelay = TimeSpan.FromMilliseconds(parse.GetValue(slowMs)),
                FaultAcceptDrop = parse.GetValue(faultAcceptDrop),
                MoveAfter = parse.GetValue(moveAfter),
                ApplicationId = parse.GetValue(applicationId),
                ApplicationSecret = parse.GetValue(applicationSecret),
                RefreshToken = parse.GetValue(refreshToken),
                Organisation = organisation,
                RespondRate = parse.GetValue(respondRate),
                RespondAfter = TimeSpan.FromSeconds(parse.GetValue(respondAfter)),
            };
            KaizalaEmulator emulator;
            try
            {
                emulator = await KaizalaEmulator.StartAsync(options, parse.GetRequiredValue(urls), cancellationToken);
            }
            catch (IOException ex)
            {
                await error.WriteLineAsync($"error: cannot listen on {parse.GetValue(urls)}: {ex.Message}");
                return ExitCodes.InputUnusable;
            }
            await using (emulator)
            {
                using var signals = new StopSignals();
                using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, signals.Stop);
                await output.WriteLineAsync($"Kaizala emulator listening on {emulator.BaseUrl} (API root {emulator.ApiRoot}). Ctrl-C stops it.");
                if (organisation is not null)
                {
                    await output.WriteLineAsync($"Organisation: {organisation.Groups.Count} groups, {organisation.Roots.Count} at the top; posts to other groups get 404.");
                }
                await output.FlushAsync(cancellationToken);
                try
                {
                    await Task.Delay(Timeout.InfiniteTimeSpan, stop.Token);
                }
                catch (OperationCanceledException)
                {
                    // Ctrl-C: the normal way to stop a server.
                }
            }
            return ExitCodes.Done;
        });
        return command;
    }

    private static Option<int> IntOption(string name, string description, int defaultValue)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 0)
            {
                result.AddError($"{name} must not be negative.");
            }
        });
        return option;
    }

    private static Option<double> RateOption(string name, string description)
    {
        var option = new Option<double>(name) { Description = description + " A rate from 0 to 1.", DefaultValueFactory = _ => 0 };
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<double>();
            if (value is < 0 or > 1 || double.IsNaN(value))
            {
                result.AddError($"{name} must be a rate from 0 to 1, not {value.ToString(CultureInfo.InvariantCulture)}.");
            }
        });
        return option;
    }
}
