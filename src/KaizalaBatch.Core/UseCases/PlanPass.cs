using KaizalaBatch.Diagnostics;
using KaizalaBatch.Planning;
using KaizalaBatch.RunFiles;

namespace KaizalaBatch.UseCases;

/// <summary>What one pass over a run file's items found.</summary>
public sealed record PlanPassResult(Plan Plan, int InputErrors, int Items, int InvalidItems)
{
    /// <summary>2 when the input is unusable, 1 when some items are invalid, else 0.</summary>
    public int ExitCode => InputErrors > 0 ? ExitCodes.InputUnusable : InvalidItems > 0 ? ExitCodes.SomeItemsFailed : ExitCodes.Done;
}

/// <summary>Renders every item of a run file and classifies it against the ledger, streaming: what validate, plan and run
/// share. Input errors and item errors go to the bag as they are found.</summary>
public static class PlanPass
{
    public static IEnumerable<PlannedItem> Items(RunFile run, RenderOptions render, DiagnosticBag diagnostics, Plan plan,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        ArgumentNullException.ThrowIfNull(plan);
        var items = ItemRenderer.Render(run, render, diagnostics.Add, cancellationToken);
        foreach (var planned in plan.Classify(items, cancellationToken))
        {
            if (!planned.Item.IsValid)
            {
                diagnostics.AddItemErrors(planned.Item.Errors);
            }
            yield return planned;
        }
    }

    /// <summary>Runs the whole pass, handing each item to <paramref name="onItem"/>.</summary>
    public static PlanPassResult Run(RunFile run, ILedgerReader? ledger, RenderOptions render, PlanOptions options,
        DiagnosticBag diagnostics, Action<PlannedItem>? onItem, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        var plan = new Plan(ledger, options);
        var errorsBefore = diagnostics.Errors;
        int items = 0, invalid = 0;
        foreach (var planned in Items(run, render, diagnostics, plan, cancellationToken))
        {
            items++;
            if (planned.Category == PlanCategory.Invalid)
            {
                invalid++;
            }
            onItem?.Invoke(planned);
        }
        return new PlanPassResult(plan, diagnostics.Errors - errorsBefore, items, invalid);
    }
}
