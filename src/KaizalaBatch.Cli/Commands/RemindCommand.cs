using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using KaizalaBatch.Cli.Output;
using KaizalaBatch.Responses;
using KaizalaBatch.UseCases;

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
            using var signals = new StopSignals();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, signals.Stop);
            var options = new RemindOptions(
                parse.GetValue(only) is { Length: > 0 } names ? names.ToHashSet(StringComparer.Ordinal) : null,
                parse.GetValue(minResponses),
                ParseDuration(parse.GetRequiredValue(every))!.Value);
            var result = await ReadBackUseCases.RemindAsync(parse.GetRequiredValue(runFile), options, Host.For(loggers), DiagnosticWriter.Printing(error),
                new ReadBackPrinter(error), stop.Token);
            if (result.Reminders is { } reminders)
            {
                await output.WriteLineAsync($"remind: {reminders.Reminded} reminded; {reminders.Enough} with {options.MinResponses} or more responses; "
                    + $"{reminders.RecentlyReminded} already reminded within {parse.GetValue(every)}"
                    + (reminders.Unread > 0 ? $"; {reminders.Unread} whose responses could not be read" : "") + ".");
                foreach (var failure in reminders.Failures)
                {
                    await error.WriteLineAsync(failure);
                }
            }
            if (result.Note is { } note)
            {
                await error.WriteLineAsync(note);
            }
            return result.ExitCode;
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
