using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using KaizalaBatch.Diagnostics;
using KaizalaBatch.Planning;
using KaizalaBatch.Reports;

namespace KaizalaBatch.Cli.Output;

/// <summary>What <c>plan</c> prints under its counts about the changed items: the first few in full, field by field (sent
/// value -> value the plan would send), then how many more.</summary>
public static class ChangesPrinter
{
    /// <summary>Fields shown per item; a body rewritten from top to bottom would bury the next item.</summary>
    private const int FieldsShown = 10;

    /// <summary>Characters of a value shown; the JSON plan has it whole.</summary>
    private const int ValueWidth = 70;

    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Write(TextWriter output, IReadOnlyList<ItemChanges> shown, int changed)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(shown);
        if (changed == 0)
        {
            return;
        }
        output.WriteLine($"changed since sent: {Counted.Of(changed, "item")}; `run --resend-changed` sends them.");
        foreach (var item in shown)
        {
            output.WriteLine($"  {item.Action}/{item.Key} (group {item.GroupId}):");
            if (item.Fields is not { } fields)
            {
                output.WriteLine($"    {item.NotKept}");
                continue;
            }
            if (fields.Count == 0)
            {
                output.WriteLine("    the actionBody is as sent: what changed is outside it (the group, or the request's other fields)");
            }
            foreach (var field in fields.Take(FieldsShown))
            {
                output.WriteLine($"    {field.Path}: {Value(field.Before, field.Kind == FieldChangeKind.Added)} -> {Value(field.After, field.Kind == FieldChangeKind.Removed)}");
            }
            if (fields.Count > FieldsShown)
            {
                output.WriteLine($"    and {Counted.Of(fields.Count - FieldsShown, "more field")}");
            }
        }
        if (changed > shown.Count)
        {
            output.WriteLine($"  and {Counted.Of(changed - shown.Count, "more changed item")}: `plan --json FILE` shows what changed in each.");
        }
    }

    private static string Value(JsonNode? value, bool absent)
    {
        if (absent)
        {
            return "(absent)";
        }
        var text = value is null ? "null" : value.ToJsonString(Compact);
        return text.Length <= ValueWidth ? text : string.Concat(text.AsSpan(0, ValueWidth - 3), "...");
    }
}
