using System.Text.Json;
using System.Text.Json.Nodes;
using KaizalaBatch.Actions;
using KaizalaBatch.Diagnostics;
using KaizalaBatch.RunFiles;
using KaizalaBatch.Targets;
using KaizalaBatch.Templating;
using Scriban;

namespace KaizalaBatch.Planning;

/// <summary>One item: its rows rendered through the action's templates, checked by the action's rules, hashed.</summary>
public static partial class ItemRenderer
{
    /// <summary>What rendering one action's items needs; shared by the workers (all of it read-only), while each
    /// worker owns a <see cref="TemplateScope"/> and a <see cref="ContentHasher"/>, which are not thread-safe.</summary>
    private sealed class ActionJob(ActionDefinition action, IActionRules rules, ActionTemplates compiled, string groupColumn, int groupIdIndex,
        MediaResolver media, BodyFields? bodyFields, TemplateGlobals globals, IReadOnlyCollection<string> connectors)
    {
        private readonly MediaPathOrigins mediaOrigins = new(compiled.Body);

        // The columns a group's name may come from, looked up once: a missing column's lookup by name is a slow search.
        private int[]? groupNameColumns;

        /// <summary>What one thread renders with.</summary>
        public Worker Rent()
        {
            List<Diagnostic> errors = [], inputErrors = [];
            List<MediaFile> mediaFiles = [];
            var checker = new BodyChecker(errors, new SourceLocation(""), "", globals.CountryCode, media, mediaFiles, mediaOrigins.Find, inputErrors);
            return new Worker(new TemplateScope(globals), new ContentHasher(), checker, errors, inputErrors, mediaFiles);
        }

        public RenderedItem RenderItem(Worker worker, TargetGroup group, long index)
        {
            var errors = worker.Errors;
            var mediaFiles = worker.MediaFiles;
            var inputErrors = worker.InputErrors;
            errors.Clear();
            mediaFiles.Clear();
            inputErrors.Clear();
            var first = group.First;
            var csv = action.Targets.DisplayFile;
            long[] rowNumbers = group.Grouped ? group.Rows.Select(r => r.Row).ToArray() : [first.Row];
            var location = new SourceLocation(csv, (int)first.Line, Row: first.Row);
            var description = new ItemOrigin(action.Name, csv, rowNumbers);

            var groupId = TargetGroups.GroupId(group, groupIdIndex, groupColumn, location, description, errors);
            var connector = action.Targets.ConnectorColumn is { } pinColumn
                ? ConnectorPins.Pin(group, pinColumn, connectors, location, description, errors)
                : null;

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

            if (body is not null)
            {
                worker.Checker.Begin(location, description);
                rules.Apply(body, extra, worker.Checker);
            }

            var key = compiled.Key is null ? groupId : scope.RenderText(compiled.Key);
            if (key is not null && key.Length == 0)
            {
                errors.Add(Diagnostic.Error(DiagnosticCodes.KeyEmpty, $"the key rendered empty ({description})", location with { Field = "key" }));
            }

            var hash = worker.Hasher.Compute(groupId, rules.Type, action.PackageId, body, extra, mediaFiles);
            return new RenderedItem(action.Name, key ?? "", groupId, rules.Type, action.PackageId, body, extra, Kept(mediaFiles), hash, rowNumbers, Kept(errors))
            {
                FirstLine = first.Line,
                File = csv,
                InputErrors = Kept(inputErrors),
                GroupName = GroupNameOf(first),
                Connector = connector,
            };
        }

        /// <summary>The first of the <c>groupName</c>, <c>group_name</c> and <c>name</c> cells the CSV has.</summary>
        private string? GroupNameOf(TargetRow row)
        {
            var columns = groupNameColumns ??= [row.Columns.IndexOf("groupName"), row.Columns.IndexOf("group_name"), row.Columns.IndexOf("name")];
            foreach (var column in columns)
            {
                if (column >= 0 && row.Values[column] is { } name)
                {
                    return name;
                }
            }
            return null;
        }
    }

    /// <summary>What one thread renders with, reused item after item: the checker, and lists that are its scratch,
    /// copied out for an item only when not empty (a checker and three lists an item, nearly always empty, were a
    /// twentieth of an item's allocations).</summary>
    private sealed record Worker(TemplateScope Scope, ContentHasher Hasher, BodyChecker Checker, List<Diagnostic> Errors,
        List<Diagnostic> InputErrors, List<MediaFile> MediaFiles);

    private static IReadOnlyList<T> Kept<T>(List<T> scratch) => scratch.Count == 0 ? [] : scratch.ToArray();

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
}
