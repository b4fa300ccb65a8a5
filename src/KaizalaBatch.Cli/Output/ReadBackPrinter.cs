using KaizalaBatch.Responses;
using KaizalaBatch.UseCases;

namespace KaizalaBatch.Cli.Output;

/// <summary>What report and remind print while they read responses back: the plan said up front, and progress lines on
/// stderr.</summary>
public sealed class ReadBackPrinter(TextWriter error) : IReadBackObserver
{
    private readonly Lock _gate = new();
    private int _step = 1;
    private int _lastShown;

    public void Planned(ReadPlan plan, bool refresh)
    {
        ArgumentNullException.ThrowIfNull(plan);
        foreach (var skipped in plan.Skipped)
        {
            error.WriteLine($"{skipped.Action}: {skipped.Items} {skipped.Type} items skipped: {skipped.Reason}.");
        }
        error.WriteLine(
            $"Reading the responses of {plan.Items - plan.Skipped.Sum(s => s.Items)} items: {plan.MinCalls} calls ({plan.ListCalls} list, {plan.PollCalls} Poll details)"
            + (plan.MaxDetailCalls > 0 ? $", then a details call for each item whose response count changed{(refresh ? "" : " since the last report")} (at most {plan.MaxDetailCalls})" : "")
            + $"; at {(plan.PerMinute > 0 ? $"{plan.PerMinute} calls a minute" : "no limit")} that takes {Minutes(plan.Duration(plan.MinCalls))}"
            + (plan.MaxDetailCalls > 0 ? $" to {Minutes(plan.Duration(plan.MaxCalls))}." : "."));
        _step = Math.Max(1, (plan.Items + 9) / 10);
    }

    public void Progress(ReadProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        lock (_gate)
        {
            if (progress.ItemsRead - _lastShown >= _step || progress.ItemsRead == progress.Items)
            {
                _lastShown = progress.ItemsRead;
                error.WriteLine($"read {progress.ItemsRead}/{progress.Items} items ({progress.Calls} calls)");
            }
        }
    }

    private static string Minutes(TimeSpan duration) =>
        duration < TimeSpan.FromMinutes(1) ? $"{Math.Ceiling(duration.TotalSeconds)} s" : $"{Math.Ceiling(duration.TotalMinutes)} min";
}
