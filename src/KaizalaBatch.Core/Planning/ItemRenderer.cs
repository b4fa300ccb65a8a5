using KaizalaBatch.Actions;
using KaizalaBatch.Diagnostics;
using KaizalaBatch.RunFiles;
using KaizalaBatch.Targets;
using KaizalaBatch.Templating;

namespace KaizalaBatch.Planning;

/// <summary>Renders a run file into items, streaming: each action's CSV is read row by row, each row (or
/// <c>groupBy</c> group) becomes one <see cref="RenderedItem"/>, rendered, checked by its action's rules, given its
/// identity and content hash. File-level problems (templates that do not parse, CSV header errors, ragged rows) go
/// to the callback; an item's own problems go on the item, which is then invalid. This file hands the items out in
/// order; ItemRenderer.Item.cs renders one.</summary>
public static partial class ItemRenderer
{
    /// <summary>Rows rendered per batch. Large enough to amortise the hand-off, small enough that the items in flight
    /// die young: with 256 they outlived gen0 and GC pauses grew fivefold, and where the GC's young generation is small
    /// (a machine that reports no cache size gets about 2 MB) 32 items in each of three batches survived it: 830 gen1
    /// collections at 1,000,000 rows (bench/README.md, issue 15).</summary>
    private const int BatchSize = 8;

    /// <summary>Where the prefetching loads' results go, so that the JIT keeps them.</summary>
    private static ulong Touched;

    public static IEnumerable<RenderedItem> Render(RunFile run, RenderOptions options, Action<Diagnostic> fileDiagnostics, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(fileDiagnostics);
        var globals = new TemplateGlobals(run.Name, options.StartedAt, run.Vars, run.PhoneDefaults.CountryCode);
        var media = new MediaResolver(run.MediaDirectory, run.MediaRoot is null ? "the run file's folder" : $"mediaRoot '{Path.GetRelativePath(run.Directory, run.MediaRoot)}'");
        var bodyFields = run.Actions.Any(a => a.BodyTemplatePath is not null) ? new BodyFields() : null;
        var connectors = run.Connection.ConnectorNames;
        foreach (var unknown in options.Only?.Where(name => !run.Actions.Any(a => a.Name == name)) ?? [])
        {
            fileDiagnostics(Diagnostic.Error(DiagnosticCodes.UnknownAction,
                $"--only {unknown}: the run file has no action '{unknown}' (it has {string.Join(", ", run.Actions.Select(a => a.Name))})",
                new SourceLocation(run.Path)));
        }
        foreach (var action in run.Actions)
        {
            if (options.Only is { } only && !only.Contains(action.Name))
            {
                continue;
            }
            foreach (var item in RenderAction(action, globals, media, bodyFields, connectors, options.Parallelism, fileDiagnostics, cancellationToken))
            {
                yield return item;
            }
        }
    }

    /// <summary>One action. The CSV is read, filtered and grouped on the caller's thread (so file diagnostics arrive
    /// there, in file order); rows are rendered, checked and hashed in batches on up to <paramref name="parallelism"/>
    /// threads (the caller's among them), each with its own template context; items come back in file order and the
    /// duplicate-identity check runs on the caller's thread as they are handed out.</summary>
    private static IEnumerable<RenderedItem> RenderAction(ActionDefinition action, TemplateGlobals globals, MediaResolver media,
        BodyFields? bodyFields, IReadOnlyCollection<string> connectors, int parallelism, Action<Diagnostic> fileDiagnostics, CancellationToken cancellationToken)
    {
        var rules = ActionRegistry.Find(action.Type)
            ?? throw new InvalidOperationException($"the loader let through the unknown action type '{action.Type}'");
        var compiled = ActionTemplates.Compile(action, fileDiagnostics);
        if (compiled is null)
        {
            yield break;
        }
        using var reader = CsvTargetReader.Open(action.Targets, fileDiagnostics);
        if (reader is null
            || !compiled.NamesExist(action, new TemplateNames(action.Targets.DisplayFile, reader.Columns, globals.Vars, reader.GroupByIndex >= 0), fileDiagnostics))
        {
            yield break;
        }
        var job = new ActionJob(action, rules, compiled, reader.Columns.Names[reader.GroupIdIndex], reader.GroupIdIndex, media, bodyFields, globals, connectors);
        var identities = new IdentityIndex();
        var literals = new LiteralMistakes(action.Name, compiled.Body, compiled.Extra, fileDiagnostics);
        // The where filter applies to each row before grouping.
        var rows = reader.ReadRows(cancellationToken);
        if (compiled.WhereTest(action, globals, fileDiagnostics) is { } passes)
        {
            rows = RowFilter.Where(rows, action.Name, action.Targets, passes, fileDiagnostics);
        }
        var groups = TargetGroups.Of(rows, reader.GroupByIndex);

        // An item whose input is unusable (a CSV cell naming a file outside the media folder) is reported like a file
        // problem, in file order, and dropped; then each item's identity must be new.
        // The identity is the one rendered (Separate changes only the errors).
        RenderedItem? Admit(RenderedItem rendered, ulong identity)
        {
            var item = literals.Separate(rendered);
            foreach (var error in item.InputErrors)
            {
                fileDiagnostics(error);
            }
            return item.InputErrors.Count > 0 ? null : identities.Check(item, identity, fileDiagnostics);
        }

        if (parallelism <= 1)
        {
            var worker = job.Rent();
            long index = 0;
            foreach (var group in groups)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var rendered = job.RenderItem(worker, group, index++);
                if (Admit(rendered, IdentityIndex.HashOf(rendered.Action, rendered.Key)) is { } unique)
                {
                    yield return unique;
                }
            }
            yield break;
        }

        // The caller renders too (see ItemRenderer.Lanes.cs): parallelism threads in all.
        using var lanes = new RenderLanes(job, parallelism - 1, cancellationToken);
        var callerWorker = job.Rent();
        var order = new Queue<Batch>();
        var mostAhead = (parallelism - 1) * QueuedPerWorker + 2;
        long next = 0;
        using var pending = groups.GetEnumerator();
        var reading = true;
        while (reading || order.Count > 0)
        {
            if (reading)
            {
                var batch = lanes.Take();
                while (batch.Count < BatchSize && (reading = pending.MoveNext()))
                {
                    batch.Groups[batch.Count++] = pending.Current;
                }
                if (batch.Count == 0)
                {
                    lanes.Return(batch);
                }
                else
                {
                    batch.FirstIndex = next;
                    next += batch.Count;
                    lanes.Dispatch(batch, callerWorker);
                    order.Enqueue(batch);
                }
            }
            // Hand out what is done, in file order; wait for the oldest only when too much is ahead of it or every row is read.
            while (order.Count > 0 && (!reading || order.Peek().Done || order.Count > mostAhead))
            {
                var batch = order.Dequeue();
                lanes.WaitFor(batch);
                // The batch's identity slots are loaded together, so that their cache misses overlap instead of
                // stalling this thread once a row (the table outgrows the caches at some 100,000 rows).
                ulong touched = 0;
                for (var i = 0; i < batch.Count; i++)
                {
                    touched ^= identities.Prefetch(batch.Identities[i]);
                }
                Touched = touched;
                for (var i = 0; i < batch.Count; i++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (Admit(batch.Rendered()[i], batch.Identities[i]) is { } unique)
                    {
                        yield return unique;
                    }
                }
                lanes.Return(batch);
            }
        }
    }
}
