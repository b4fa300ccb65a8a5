using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using KaizalaBatch.Responses;

namespace KaizalaBatch.Cli.Commands;

/// <summary><c>kaizala-batch remind RUN.yaml</c>: reads the responses back (as report does) and sends the documented
/// reminder for every sent item below the threshold, at most once per item per interval.</summary>
public static partial class RemindCommand
{
    public static Command Build(TextWriter output, TextWriter error)
    {
        var runFile = CommonArguments.RunFile();
        var only = new Option<string[]>("--only") { Description = "Remind only this action (repeat for several).", AllowMultipleArgumentsPerToken = false };
        var minResponses = new Option<int>("--min-responses") { Description = "Remind the items with fewer responses than this (default 1: those nobody answered).", DefaultValueFactory = _ => 1 };
        var every = new Option<string>("--every") { Description = "Remind an item at most once in this time: 30m, 12h, 2d (default 24h).", DefaultValueFactory = _ => "24h" };
        minResponses.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1)
            {
                r.AddError("--min-responses must be at least 1.");
            }
        });
        every.Validators.Add(r =>
        {
            if (ParseDuration(r.GetValueOrDefault<string>() ?? "") is null)
            {
                r.AddError($"--every must be a duration such as 30m, 12h or 2d, not '{r.GetValueOrDefault<string>()}'.");
            }
        });
        var command = new Command("remind", "Send a reminder for each sent Survey, Job and Poll with fewer responses than --min-responses, at most once per item per --every; reads the responses first, as report does. Paced like run; each reminder is recorded in the ledger.")
        {
            runFile, only, minResponses, every,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var loggers = Logging.Create(parse);
            var options = new RemindOptions(
                parse.GetValue(only) is { Length: > 0 } names ? names.ToHashSet(StringComparer.Ordinal) : null,
                parse.GetValue(minResponses),
                ParseDuration(parse.GetRequiredValue(every))!.Value);
            return await ReadBackSession.RunAsync("remind", parse.GetRequiredValue(runFile), loggers, error, async (run, ledger, service, ct) =>
            {
                if (options.Only?.FirstOrDefault(name => run.Actions.All(a => a.Name != name)) is { } unknown)
                {
                    await error.WriteLineAsync($"--only {unknown}: the run file has no action '{unknown}' (it has {string.Join(", ", run.Actions.Select(a => a.Name))}); nothing was sent.");
                    return ExitCodes.InputUnusable;
                }
                var report = new Responses.RolloutReport(run, ledger, service.Client);
                var plan = report.Prepare(options.Only, ct);
                var read = await ReadBackSession.ReadAsync(report, plan, refresh: false, error, ct);
                var result = await new ReminderRound(ledger, service.Client, run.Limits.Concurrency).SendAsync(read, options, ct);
                await output.WriteLineAsync($"remind: {result.Reminded} reminded; {result.Enough} with {options.MinResponses} or more responses; "
                    + $"{result.RecentlyReminded} already reminded within {parse.GetValue(every)}"
                    + (result.Unread > 0 ? $"; {result.Unread} whose responses could not be read" : "") + ".");
                foreach (var failure in result.Failures)
                {
                    await error.WriteLineAsync(failure);
                }
                return result.ExitCode;
            }, cancellationToken);
        });
        return command;
    }

    /// <summary>"90s", "30m", "12h", "2d" (or a .NET TimeSpan such as 1.00:00:00); null when it is not one, or not positive.</summary>
    internal static TimeSpan? ParseDuration(string text)
    {
        var match = DurationPattern().Match(text.Trim());
        TimeSpan? value = match.Success
            ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) * match.Groups[2].Value switch
            {
                "s" => TimeSpan.FromSeconds(1),
                "m" => TimeSpan.FromMinutes(1),
                "h" => TimeSpan.FromHours(1),
                _ => TimeSpan.FromDays(1),
            }
            : TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) ? span : null;
        return value > TimeSpan.Zero ? value : null;
    }

    [GeneratedRegex("^([0-9]+(?:\\.[0-9]+)?)\\s*([smhd])$")]
    private static partial Regex DurationPattern();
}
