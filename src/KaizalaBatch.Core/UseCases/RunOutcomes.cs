using KaizalaBatch.Diagnostics;
using KaizalaBatch.Planning;
using KaizalaBatch.Reports;
using KaizalaBatch.RunFiles;
using KaizalaBatch.Sending;

namespace KaizalaBatch.UseCases;

/// <summary>Where a run's items go as they end: each to the JUnit report when one was asked for (streamed, not held), and
/// the first <see cref="RunResult.FailuresListed"/> that failed or stayed in doubt to the result, so that the end of the
/// run can list them with their reasons in one place. Thread-safe: the senders report concurrently.</summary>
internal sealed class RunOutcomes(JUnitReport? junit) : IDisposable
{
    private readonly Lock gate = new();

    /// <summary>With the JUnit report opened when one was asked for; null (the reason in the bag) when it cannot be.</summary>
    public static RunOutcomes? Open(RunFile run, OutputTarget? junit, DiagnosticBag diagnostics)
    {
        if (junit is null)
        {
            return new RunOutcomes(null);
        }
        return junit.TryOpen("the JUnit report", diagnostics) is { } stream ? new RunOutcomes(new JUnitReport(stream, run.Name)) : null;
    }

    private readonly List<ItemOutcome> failures = [];

    /// <summary>From the sender, as each item it took ends.</summary>
    public void Ended(ItemOutcome outcome)
    {
        junit?.Add(outcome);
        if (outcome.Result is ItemResult.Failed or ItemResult.InDoubt)
        {
            lock (gate)
            {
                if (failures.Count < RunResult.FailuresListed)
                {
                    failures.Add(outcome);
                }
            }
        }
    }

    /// <summary>From the check pass: an item the plan leaves out of this run (unchanged, changed, beyond --limit).</summary>
    public void Planned(PlannedItem planned)
    {
        if (!planned.TakenByRun)
        {
            junit?.AddPassedBy(planned);
        }
    }

    public IReadOnlyList<ItemOutcome> Failures
    {
        get
        {
            lock (gate)
            {
                return [.. failures];
            }
        }
    }

    /// <summary>Writes the JUnit report; once, when nothing more can end.</summary>
    public void Complete() => junit?.Complete();

    public void Dispose() => junit?.Dispose();
}
