using KaizalaBatch.Diagnostics;

namespace KaizalaBatch.RunFiles;

/// <summary>The entries of <c>actions:</c>: the rules the schema cannot say about one action (packageId and extra only
/// for Custom, body or bodyTemplate, files that must exist). The type names come from the schema; what each type's
/// body must hold is the action rules' business, later.</summary>
public static partial class RunFileLoader
{
    /// <summary>The one type whose request names an Action package (<c>packageId</c>) and may carry top-level fields
    /// (<c>extra</c>).</summary>
    private const string CustomType = "Custom";

    private static ActionDefinition? BuildAction(MappingToken action, string directory, List<Diagnostic> diagnostics)
    {
        if (action["name"] is not StringToken name || name.Value.Length == 0)
        {
            return null; // the schema has reported it
        }
        var typeToken = action["type"] as StringToken;
        // An unknown type has been reported by the schema; it is kept as written (and the run file is unusable).
        var known = typeToken is null ? null : SchemaCheck.ActionType(typeToken.Value);
        var type = known ?? typeToken?.Value ?? "";
        var isCustom = known == CustomType;
        var packageEntry = action.Entry("packageId");
        var packageId = (packageEntry?.Value as StringToken)?.Value;
        if (known is not null)
        {
            if (isCustom && packageId is null)
            {
                diagnostics.Add(Diagnostic.Error(DiagnosticCodes.PackageIdRequired,
                    $"action '{name.Value}' has type Custom and needs a packageId (the Action package id)", typeToken!.Location));
            }
            else if (!isCustom && packageEntry is not null)
            {
                diagnostics.Add(Diagnostic.Error(DiagnosticCodes.PackageIdNotAllowed,
                    $"action '{name.Value}' has type {type}; packageId belongs to type Custom only", packageEntry.Key.Location));
            }
        }
        var extraEntry = action.Entry("extra");
        if (extraEntry is not null && known is not null && !isCustom)
        {
            diagnostics.Add(Diagnostic.Error(DiagnosticCodes.PackageIdNotAllowed,
                $"action '{name.Value}' has type {type}; extra belongs to type Custom only", extraEntry.Key.Location));
        }

        var bodyEntry = action.Entry("body");
        var templateEntry = action.Entry("bodyTemplate");
        string? templatePath = null;
        if (bodyEntry is not null && templateEntry is not null)
        {
            diagnostics.Add(Diagnostic.Error(DiagnosticCodes.BodyChoice,
                $"action '{name.Value}' has both body and bodyTemplate; give one of them", templateEntry.Key.Location));
        }
        else if (bodyEntry is null && templateEntry is null)
        {
            diagnostics.Add(Diagnostic.Error(DiagnosticCodes.BodyChoice,
                $"action '{name.Value}' has neither body nor bodyTemplate; give one of them", action.Location));
        }
        if (templateEntry?.Value is StringToken templateFile)
        {
            templatePath = System.IO.Path.GetFullPath(templateFile.Value, directory);
            if (!File.Exists(templatePath))
            {
                diagnostics.Add(Diagnostic.Error(DiagnosticCodes.TemplateFileMissing,
                    $"the bodyTemplate file '{templateFile.Value}' does not exist (looked for {templatePath})", templateFile.Location));
            }
        }

        var targets = action["targets"] as MappingToken;
        if (targets?["file"] is not StringToken file)
        {
            return null; // the schema has reported it
        }
        var csvPath = System.IO.Path.GetFullPath(file.Value, directory);
        if (!File.Exists(csvPath))
        {
            diagnostics.Add(Diagnostic.Error(DiagnosticCodes.FileMissing,
                $"the targets file '{file.Value}' does not exist (looked for {csvPath})", file.Location));
        }
        var definition = new TargetsDefinition(
            csvPath,
            file.Value,
            (targets["groupId"] as StringToken)?.Value ?? TargetsDefinition.DefaultGroupIdColumn,
            (targets["groupBy"] as StringToken)?.Value,
            targets["where"] as StringToken,
            targets.Location)
        {
            ConnectorColumn = (targets["connector"] as StringToken)?.Value,
        };

        return new ActionDefinition(
            name.Value,
            type,
            packageId,
            definition,
            action["key"] as StringToken,
            bodyEntry?.Value as MappingToken,
            templatePath,
            templateEntry?.Value.Location,
            extraEntry?.Value as MappingToken,
            name.Location);
    }
}
