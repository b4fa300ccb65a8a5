using System.Text.Json;
using KaizalaBatch.Cli;
using KaizalaBatch.Emulator;

namespace KaizalaBatch.Reliability.Tests;

/// <summary>What the emulator received against what the CSV asked for, and what the ledger says about it.</summary>
public sealed record Delivery(int Expected, int Duplicates, int Lost, int LedgerNotSent, int LedgerMismatches)
{
    public bool ExactlyOnce => Duplicates == 0 && Lost == 0;

    public bool LedgerConsistent => LedgerNotSent == 0 && LedgerMismatches == 0;

    public override string ToString() =>
        $"expected {Expected}, duplicates {Duplicates}, lost {Lost}, ledger not sent {LedgerNotSent}, ledger/emulator mismatches {LedgerMismatches}";
}

public static class Witness
{
    /// <summary>Counts, per group of the CSV, how many Actions the emulator holds (the witness), and checks that the
    /// ledger records each item as sent with the referenceId the emulator gave it.</summary>
    public static async Task<Delivery> CheckAsync(KaizalaEmulator emulator, string runFile, CancellationToken ct)
    {
        var groups = File.ReadLines(Path.Combine(Path.GetDirectoryName(runFile)!, "groups.csv")).Skip(1)
            .Select(line => Guid.Parse(line.AsSpan(0, 36))).ToHashSet();
        var received = emulator.Actions.GroupBy(a => a.GroupId).ToDictionary(g => g.Key, g => g.ToList());
        var duplicates = received.Values.Sum(list => list.Count - 1);
        var lost = groups.Count(g => !received.ContainsKey(g));

        var export = Path.Combine(Path.GetDirectoryName(runFile)!, "export.jsonl");
        SurveyBatch.ExportEnvironment(); // export loads the run file, whose secrets come from the environment
        var messages = new StringWriter();
        var exit = await CliApp.RunAsync(["export", runFile, "--format", "jsonl", "--out", export], messages, messages, ct);
        Assert.True(exit == 0, $"export: exit {exit}\n{messages}");
        int notSent = 0, mismatches = 0;
        foreach (var line in File.ReadLines(export).Where(l => l.Length > 0))
        {
            using var row = JsonDocument.Parse(line);
            var root = row.RootElement;
            if (root.GetProperty("state").GetString() != "sent")
            {
                notSent++;
                continue;
            }
            var group = Guid.Parse(root.GetProperty("groupId").GetString()!);
            var reference = root.TryGetProperty("referenceId", out var r) ? r.GetString() : null;
            // An item the operator settled as sent with resolve has no referenceId: its group must hold the Action.
            var resolved = reference is null && root.TryGetProperty("resolvedBy", out _);
            if (!received.TryGetValue(group, out var actions) || (!resolved && actions.All(a => a.ReferenceId.ToString() != reference)))
            {
                mismatches++;
            }
        }
        return new Delivery(groups.Count, duplicates, lost, notSent, mismatches);
    }
}
