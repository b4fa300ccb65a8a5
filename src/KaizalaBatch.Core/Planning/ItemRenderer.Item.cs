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

        // Made once: the method group passed per item was a delegate allocated per item.
        private Func<string, MediaPathOrigin>? mediaOrigin;

        // The columns a group's name may come from, looked up once: a missing column's lookup by name is a slow search.
        private int[]? groupNameColumns;

        /// <summary>What one thread renders with.</summary>
        public Worker Rent() => new(new TemplateScope(globals), new ContentHasher());

        public RenderedItem RenderItem(Worker worker, TargetGroup group, long index)
        {
            var errors = new List<Diagnostic>();
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

            var mediaFiles = new List<MediaFile>();
            var inputErrors = new List<Diagnostic>();
            if (body is not null)
            {
                var checker = new BodyChecker(errors, location, description, globals.CountryCode, media, mediaFiles, mediaOrigin ??= mediaOrigins.Find, inputErrors);
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
}
