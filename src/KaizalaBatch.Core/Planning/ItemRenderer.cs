using System.Text.Json;
using System.Text.Json.Nodes;
using KaizalaBatch.Actions;
using KaizalaBatch.Diagnostics;
using KaizalaBatch.RunFiles;
using KaizalaBatch.Targets;
using KaizalaBatch.Templating;
using Scriban;

namespace KaizalaBatch.Planning;

/// <summary>Renders a run file into items, streaming: each action's CSV is read row by row, each row (or
/// <c>groupBy</c> group) becomes one <see cref="RenderedItem"/>, rendered, checked by its action's rules, given its
/// identity and content hash. File-level problems (templates that do not parse, CSV header errors, ragged rows) go
/// to the callback; an item's own problems go on the item, which is then invalid.</summary>
public static class ItemRenderer
{
    /// <summary>Rows rendered per batch on a worker. Large enough to amortise the hand-off (a task per batch),
    /// small enough that the items in flight die young: with 256 they outlived gen0 and GC pauses grew fivefold.</summary>
    private const int BatchSize = 32;

    public static IEnumerable<RenderedItem> Render(RunFile run, RenderOptions options, Action<Diagnostic> fileDiagnostics, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(fileDiagnostics);
        var globals = new TemplateGlobals(run.Name, options.StartedAt, run.Vars, run.PhoneDefaults.CountryCode);
        var media = new MediaResolver(run.MediaDirectory, run.MediaRoot is null ? "the run file's folder" : $"mediaRoot '{Path.GetRelativePath(run.Directory, run.MediaRoot)}'");
        var bodyFields = run.Actions.Any(a => a.BodyTemplatePath is not null) ? new BodyFields() : null;
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
            foreach (var item in RenderAction(action, globals, media, bodyFields, options.Parallelism, fileDiagnostics, cancellationToken))
            {
                yield return item;
            }
        }
    }

    /// <summary>One action. The CSV is read, filtered and grouped on the caller's thread (so file diagnostics arrive
    /// there, in file order); rows are rendered, checked and hashed in batches on up to <paramref name="parallelism"/>
    /// workers, each with its own template context; items come back in file order and the duplicate-identity check
    /// runs on the caller's thread as they are handed out.</summary>
    private static IEnumerable<RenderedItem> RenderAction(ActionDefinition action, TemplateGlobals globals, MediaResolver media,
        BodyFields? bodyFields, int parallelism, Action<Diagnostic> fileDiagnostics, CancellationToken cancellationToken)
    {
        var rules = ActionRegistry.Find(action.Type)
            ?? throw new InvalidOperationException($"the loader let through the unknown action type '{action.Type}'");
        var compiled = Compile(action, fileDiagnostics);
        if (compiled is null)
        {
            yield break;
        }
        using var reader = CsvTargetReader.Open(action.Targets, fileDiagnostics);
        if (reader is null || !NamesExist(action, compiled, reader, globals, fileDiagnostics))
        {
            yield break;
        }
        var job = new ActionJob(action, rules, compiled, reader.Columns.Names[reader.GroupIdIndex], reader.GroupIdIndex, media, bodyFields, globals);
        var identities = new IdentityIndex();
        var literals = new LiteralMistakes(action.Name, compiled.Body, compiled.Extra, fileDiagnostics);
        var groups = Groups(reader, action, compiled.Where, new TemplateScope(globals), fileDiagnostics, cancellationToken);

        // An item whose input is unusable (a CSV cell naming a file outside the media folder) is reported like a file
        // problem, in file order, and dropped; then each item's identity must be new.
        RenderedItem? Admit(RenderedItem rendered)
        {
            var item = literals.Separate(rendered);
            foreach (var error in item.InputErrors)
            {
                fileDiagnostics(error);
            }
            return item.InputErrors.Count > 0 ? null : identities.Check(item, fileDiagnostics);
        }

        if (parallelism <= 1)
        {
            var worker = job.Rent();
            long index = 0;
            foreach (var group in groups)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (Admit(job.RenderItem(worker, group, index++)) is { } unique)
                {
                    yield return unique;
                }
            }
            yield break;
        }

        var inFlight = new Queue<Task<RenderedItem[]>>();
        var batch = new List<TargetGroup>(BatchSize);
        long next = 0;
        try
        {
            foreach (var group in groups)
            {
                batch.Add(group);
                if (batch.Count < BatchSize)
                {
                    continue;
                }
                inFlight.Enqueue(job.RenderBatchAsync(batch.ToArray(), next, cancellationToken));
                next += batch.Count;
                batch.Clear();
                if (inFlight.Count > parallelism)
                {
                    foreach (var item in inFlight.Dequeue().GetAwaiter().GetResult())
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        if (Admit(item) is { } unique)
                        {
                            yield return unique;
                        }
                    }
                }
            }
            if (batch.Count > 0)
            {
                inFlight.Enqueue(job.RenderBatchAsync(batch.ToArray(), next, cancellationToken));
            }
            while (inFlight.Count > 0)
            {
                foreach (var item in inFlight.Dequeue().GetAwaiter().GetResult())
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (Admit(item) is { } unique)
                    {
                        yield return unique;
                    }
                }
            }
        }
        finally
        {
            // Stopped early (break, cancellation, an exception): let the workers finish before the reader closes.
            foreach (var pending in inFlight)
            {
                try
                {
                    pending.Wait(CancellationToken.None);
                }
                catch (AggregateException)
                {
                }
            }
        }
    }

    /// <summary>Rows one by one, or grouped by the <c>groupBy</c> column. Grouping has to see every row before it
    /// can hand out a group, so the rows of a grouped action are buffered (in first-appearance order); ungrouped
    /// actions stream. The <c>where</c> filter applies to each row before grouping.</summary>
    private static IEnumerable<TargetGroup> Groups(CsvTargetReader reader, ActionDefinition action, TemplateValue? where, TemplateScope scope,
        Action<Diagnostic> fileDiagnostics, CancellationToken cancellationToken)
    {
        var rows = reader.ReadRows(cancellationToken);
        if (where is not null)
        {
            rows = Filter(rows, action, where, scope, fileDiagnostics);
        }
        if (reader.GroupByIndex < 0)
        {
            foreach (var row in rows)
            {
                yield return new TargetGroup(row, [row], Grouped: false);
            }
            yield break;
        }
        var groups = new Dictionary<string, List<TargetRow>>(StringComparer.Ordinal);
        var order = new List<List<TargetRow>>();
        foreach (var row in rows)
        {
            var value = row.Values[reader.GroupByIndex];
            if (!groups.TryGetValue(value, out var members))
            {
                members = [];
                groups.Add(value, members);
                order.Add(members);
            }
            members.Add(row);
        }
        foreach (var members in order)
        {
            yield return new TargetGroup(members[0], members, Grouped: true);
        }
    }

    private static IEnumerable<TargetRow> Filter(IEnumerable<TargetRow> rows, ActionDefinition action, TemplateValue where, TemplateScope scope, Action<Diagnostic> fileDiagnostics)
    {
        var errors = new List<Diagnostic>();
        long seen = 0, passed = 0;
        foreach (var row in rows)
        {
            seen++;
            errors.Clear();
            var location = new SourceLocation(action.Targets.DisplayFile, (int)row.Line, Row: row.Row);
            scope.Begin(new TargetGroup(row, [row], false), -1, errors, location, new ItemOrigin(action.Name, action.Targets.DisplayFile, [row.Row], "where"));
            var pass = scope.Test(where);
            foreach (var error in errors)
            {
                fileDiagnostics(error);
            }
            if (pass == true)
            {
                passed++;
                yield return row;
            }
        }
        if (seen > 0 && passed == 0)
        {
            fileDiagnostics(new Diagnostic(Severity.Warning, DiagnosticCodes.NoRowSelected,
                $"targets.where '{action.Targets.Where!.Value}' is false for all {Counted.Of(seen, "row")} of {action.Targets.DisplayFile}: action '{action.Name}' has no items",
                action.Targets.Where.Location));
        }
    }

    /// <summary>What rendering one action's items needs; shared by the workers (all of it read-only), while each
    /// worker owns a <see cref="TemplateScope"/> and a <see cref="ContentHasher"/>, which are not thread-safe.</summary>
    private sealed class ActionJob(ActionDefinition action, IActionRules rules, CompiledAction compiled, string groupColumn, int groupIdIndex,
        MediaResolver media, BodyFields? bodyFields, TemplateGlobals globals)
    {
        private readonly System.Collections.Concurrent.ConcurrentBag<Worker> idle = [];
        private readonly MediaPathOrigins mediaOrigins = new(compiled.Body);

        public Worker Rent() => idle.TryTake(out var worker) ? worker : new Worker(new TemplateScope(globals), new ContentHasher());

        public Task<RenderedItem[]> RenderBatchAsync(TargetGroup[] groups, long firstIndex, CancellationToken cancellationToken) =>
            Task.Run(() =>
            {
                var worker = Rent();
                try
                {
                    var items = new RenderedItem[groups.Length];
                    for (var i = 0; i < groups.Length; i++)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        items[i] = RenderItem(worker, groups[i], firstIndex + i);
                    }
                    return items;
                }
                finally
                {
                    idle.Add(worker);
                }
            }, cancellationToken);

        public RenderedItem RenderItem(Worker worker, TargetGroup group, long index)
        {
            var errors = new List<Diagnostic>();
            var first = group.First;
            var csv = action.Targets.DisplayFile;
            long[] rowNumbers = group.Grouped ? group.Rows.Select(r => r.Row).ToArray() : [first.Row];
            var location = new SourceLocation(csv, (int)first.Line, Row: first.Row);
            var description = new ItemOrigin(action.Name, csv, rowNumbers);

            var rawGroup = first.Values[groupIdIndex].Trim();
            var groupId = rawGroup;
            if (Guid.TryParse(rawGroup, out var guid))
            {
                groupId = guid.ToString("D");
            }
            else
            {
                errors.Add(Diagnostic.Error(DiagnosticCodes.GroupId,
                    rawGroup.Length == 0 ? $"the group id is empty ({description})" : $"the group id '{rawGroup}' is not a GUID ({description})",
                    location with { Field = groupColumn }));
            }
            if (group.Grouped)
            {
                foreach (var member in group.Rows)
                {
                    if (!string.Equals(member.Values[groupIdIndex].Trim(), rawGroup, StringComparison.OrdinalIgnoreCase))
                    {
                        errors.Add(Diagnostic.Error(DiagnosticCodes.GroupId,
                            $"rows {first.Row} and {member.Row} are grouped together but name different group ids ({description})",
                            new SourceLocation(csv, (int)member.Line, Row: member.Row, Field: groupColumn)));
                        break;
                    }
                }
            }

            var scope = worker.Scope;
            scope.Begin(group, index, errors, location, description);
            JsonObject? body = null;
            if (compiled.Body is not null)
            {
                var node = scope.Render(compiled.Body, out var failed);
                body = node as JsonObject;
                if (!failed && body is null)
                {
                    errors.Add(Diagnostic.Error(DiagnosticCodes.FieldType, $"actionBody must be an object ({description})", location with { Field = "actionBody" }));
                }
            }
            else if (compiled.BodyTemplate is not null)
            {
                body = RenderBodyTemplate(action, compiled.BodyTemplate, scope, errors, location, description);
                // A body: mapping was checked against the type's fields when the run file was read; this one only now.
                foreach (var (path, field, known) in body is null || bodyFields is null ? [] : bodyFields.Unknown(rules.Type, body))
                {
                    errors.Add(Diagnostic.Error(DiagnosticCodes.UnknownField,
                        $"{path}.{field}: is not a field of {rules.Type}{Suggestion.DidYouMean(field, known)}; it takes {string.Join(", ", known)} ({description})",
                        location with { Field = path + "." + field }));
                }
            }
            JsonObject? extra = null;
            if (compiled.Extra is not null)
            {
                extra = scope.Render(compiled.Extra, out _) as JsonObject;
            }

            var mediaFiles = new List<MediaFile>();
            var inputErrors = new List<Diagnostic>();
            if (body is not null)
            {
                var checker = new BodyChecker(errors, location, description, globals.CountryCode, media, mediaFiles, mediaOrigins.Find, inputErrors);
                rules.Apply(body, extra, checker);
            }

            var key = compiled.Key is null ? groupId : scope.RenderText(compiled.Key);
            if (key is not null && key.Length == 0)
            {
                errors.Add(Diagnostic.Error(DiagnosticCodes.KeyEmpty, $"the key rendered empty ({description})", location with { Field = "key" }));
            }

            var hash = worker.Hasher.Compute(groupId, rules.Type, action.PackageId, body, extra, mediaFiles);
            return new RenderedItem(action.Name, key ?? "", groupId, rules.Type, action.PackageId, body, extra, mediaFiles, hash, rowNumbers, errors)
            {
                FirstLine = first.Line,
                File = csv,
                InputErrors = inputErrors,
                GroupName = first["groupName"] ?? first["group_name"] ?? first["name"],
            };
        }
    }

    private sealed record Worker(TemplateScope Scope, ContentHasher Hasher);

    private static JsonObject? RenderBodyTemplate(ActionDefinition action, Template template, TemplateScope scope, List<Diagnostic> errors,
        SourceLocation location, ItemOrigin description)
    {
        var templateFile = Path.GetFileName(action.BodyTemplatePath!);
        var text = scope.RenderFile(template, new SourceLocation(templateFile));
        if (text is null)
        {
            return null;
        }
        try
        {
            if (JsonNode.Parse(text) is JsonObject obj)
            {
                return obj;
            }
            errors.Add(Diagnostic.Error(DiagnosticCodes.TemplateJson, $"{templateFile} did not render a JSON object ({description})", location with { Field = templateFile }));
        }
        catch (JsonException exception)
        {
            var line = exception.LineNumber is { } l ? (int)l + 1 : (int?)null;
            var column = exception.BytePositionInLine is { } c ? (int)c + 1 : (int?)null;
            errors.Add(Diagnostic.Error(DiagnosticCodes.TemplateJson,
                $"{templateFile} rendered invalid JSON at its output's line {line}, column {column}: {exception.Message.Split(" Path:")[0]} ({description})",
                location with { Field = templateFile }));
        }
        return null;
    }

    /// <summary>Strict templates: every name each template reads exists (the CSV header is known now). Reported once
    /// per template, before any row is rendered; false when any is missing.</summary>
    private static bool NamesExist(ActionDefinition action, CompiledAction compiled, CsvTargetReader reader, TemplateGlobals globals,
        Action<Diagnostic> fileDiagnostics)
    {
        var names = new TemplateNames(action.Targets.DisplayFile, reader.Columns, globals.Vars, reader.GroupByIndex >= 0);
        var missing = 0;
        void Report(Diagnostic diagnostic)
        {
            missing++;
            fileDiagnostics(diagnostic);
        }
        TemplateChecker.Check(compiled.Where, names, Report);
        TemplateChecker.Check(compiled.Key, names, Report);
        TemplateChecker.Check(compiled.Body, names, Report);
        TemplateChecker.Check(compiled.Extra, names, Report);
        if (compiled.BodyTemplate is { } template)
        {
            TemplateChecker.CheckFile(template, Path.GetFileName(action.BodyTemplatePath!), names, Report);
        }
        return missing == 0;
    }

    private sealed record CompiledAction(TemplateValue? Body, Template? BodyTemplate, TemplateValue? Extra, TemplateValue? Key, TemplateValue? Where);

    /// <summary>Parses every template of an action once. Null (after reporting) when any of them does not parse.</summary>
    private static CompiledAction? Compile(ActionDefinition action, Action<Diagnostic> fileDiagnostics)
    {
        var diagnostics = new List<Diagnostic>();
        var compiler = new TemplateCompiler(diagnostics);
        var body = action.Body is null ? null : compiler.Compile(action.Body);
        Template? bodyTemplate = null;
        if (action.BodyTemplatePath is { } path)
        {
            var display = Path.GetFileName(path);
            try
            {
                bodyTemplate = compiler.CompileFile(File.ReadAllText(path), display);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                diagnostics.Add(Diagnostic.Error(DiagnosticCodes.TemplateFileMissing, $"the bodyTemplate file cannot be read: {exception.Message}",
                    action.BodyTemplateLocation ?? new SourceLocation(display)));
            }
        }
        var extra = action.Extra is null ? null : compiler.Compile(action.Extra);
        var key = action.Key is null ? null : compiler.CompileString(action.Key);
        var where = action.Targets.Where is null ? null : compiler.CompileString(AsExpression(action.Targets.Where));
        foreach (var diagnostic in diagnostics)
        {
            fileDiagnostics(diagnostic);
        }
        return diagnostics.Count > 0 ? null : new CompiledAction(body, bodyTemplate, extra, key, where);
    }

    /// <summary>A <c>where</c> written without braces (<c>row.region == 'APAC'</c>) is an expression too; as a
    /// literal string it would pass every row, which is never what was meant.</summary>
    private static StringToken AsExpression(StringToken where) =>
        TemplateCompiler.IsTemplate(where.Value)
            ? where
            : where with { Value = "{{ " + where.Value + " }}", ContentColumn = where.ContentColumn - 3 };
}
