using System.Text.RegularExpressions;
using KaizalaBatch.Cli;
using KaizalaBatch.Emulator;

namespace KaizalaBatch.Reliability.Tests;

/// <summary>Seeded mutations of the examples' run files and CSVs (among them alias bombs, deep nesting, huge cells and
/// unknown or misspelled keys): validate, plan and run never crash, always exit 0, 1 or 2, and send nothing and leave no
/// ledger when they exit 2 (the emulator's action count is the witness).</summary>
public sealed partial class BadInputFuzzTests
{
    private static readonly string[] Examples = ["survey-rollout", "job-assignments", "poll-announcement", "media-broadcast"];

    [Fact]
    public async Task Mutated_inputs_never_crash_and_send_nothing_when_unusable()
    {
        var ct = TestContext.Current.CancellationToken;
        int mutations = Scale.Pick(200, 1000), processSamples = Scale.Pick(4, 40);
        await using var emulator = await KaizalaEmulator.StartAsync(new EmulatorOptions { PerMinute = 0, TenantPerMinute = 0 }, ct: ct);
        SurveyBatch.ExportEnvironment();
        using var root = new TempFolder();
        var mutator = new Mutator(seed: 2026);
        var failures = new List<string>();
        var exits = new int[4];

        for (var i = 0; i < mutations; i++)
        {
            var folder = Path.Combine(root.Path, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var runFile = Arrange(folder, Examples[mutator.Next(Examples.Length)], emulator.ApiRoot, mutator);
            foreach (var command in new[] { "validate", "plan", "run" })
            {
                var before = emulator.Actions.Count;
                var output = new StringWriter();
                int exit;
                try
                {
                    exit = await CliApp.RunAsync([command, runFile], output, output, ct);
                }
                catch (Exception ex)
                {
                    failures.Add($"#{i} {command}: threw {ex}");
                    continue;
                }
                var sent = emulator.Actions.Count - before;
                exits[Math.Clamp(exit, 0, 3)]++;
                if (Problem(command, exit, sent, output.ToString()) is { } problem)
                {
                    failures.Add($"#{i} {command} (exit {exit}, sent {sent}): {problem}\n{File.ReadAllText(runFile)}\n{output}");
                }
                else if (exit == 2 && Directory.GetFiles(folder, "*.ledger.db*", SearchOption.AllDirectories).Length > 0)
                {
                    failures.Add($"#{i} {command} (exit 2): left a ledger file\n{File.ReadAllText(runFile)}\n{output}");
                }
            }
            if (i % (mutations / processSamples) == 0)
            {
                // A real process now and then: what a user's terminal would show, unhandled-exception handler included.
                var before = emulator.Actions.Count;
                Directory.Delete(folder, recursive: true);
                runFile = Arrange(folder, Examples[i % Examples.Length], emulator.ApiRoot, mutator);
                var result = await CliProcess.RunAsync(["run", runFile], folder, SurveyBatch.Environment);
                if (Problem("run", result.ExitCode, emulator.Actions.Count - before, result.AllOutput) is { } problem)
                {
                    failures.Add($"#{i} process run (exit {result.ExitCode}): {problem}\n{result.AllOutput}");
                }
            }
        }
        Scale.Report($"bad input fuzzing (exits 0/1/2/3: {string.Join("/", exits)})", mutations, 0, 0,
            failures.Count == 0 ? "pass" : $"FAIL ({failures.Count})");

        Assert.True(failures.Count == 0, $"{failures.Count} failures:\n{string.Join("\n", failures.Select(f => f.Split('\n')[0]))}\n" +
            $"the first in full:\n{string.Join("\n---\n", failures.Take(2))}");
        Assert.True(exits[2] > mutations / 10, "too few mutations were unusable inputs: the mutator is too gentle");
        Assert.True(exits[0] + exits[1] > mutations / 10, "too few mutations were usable: the mutator is too harsh");
    }

    private static string? Problem(string command, int exit, int sent, string output)
    {
        if (StackTrace().IsMatch(output) || output.Contains("Unhandled exception", StringComparison.OrdinalIgnoreCase))
        {
            return "printed a stack trace";
        }
        // 3 is "stopped early": only a run may stop, and only saying why (maxErrors reached).
        var allowed = exit is 0 or 1 or 2 || (exit == 3 && command == "run" && output.Contains("run stopped", StringComparison.Ordinal));
        if (!allowed)
        {
            return "unexpected exit code";
        }
        if (sent > 0 && (command != "run" || exit == 2))
        {
            return $"sent {sent} actions";
        }
        return null;
    }

    [Fact]
    public async Task Path_cells_that_leave_the_run_folder_are_unusable_input_and_send_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await KaizalaEmulator.StartAsync(new EmulatorOptions { PerMinute = 0, TenantPerMinute = 0 }, ct: ct);
        SurveyBatch.ExportEnvironment();
        using var root = new TempFolder();
        var failures = new List<string>();
        // media-broadcast's floor plan is "photos/{{ row.zone }}.png"; a lone "{{ row.zone }}" lets a cell be absolute.
        (string Template, string Cell)[] cases =
        [
            ("photos/{{ row.zone }}.png", "../../outside/secret"),
            ("photos/{{ row.zone }}.png", "escape-link"),
            ("photos/{{ row.zone }}.png", "escape-dir/secret"),
            ("{{ row.zone }}", Path.Combine(root.Path, "outside", "secret.png")),
            ("{{ row.zone }}", "escape-link.png"),
            ("{{ row.zone }}", "photos/../../outside/secret.png"),
        ];
        for (var i = 0; i < cases.Length; i++)
        {
            var (template, cell) = cases[i];
            var folder = Path.Combine(root.Path, "path" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var runFile = Copy(folder, "media-broadcast", emulator.ApiRoot);
            File.WriteAllText(runFile, File.ReadAllText(runFile).Replace("photos/{{ row.zone }}.png", template, StringComparison.Ordinal));
            var csv = Path.Combine(folder, "groups.csv");
            var lines = File.ReadAllLines(csv);
            var cells = lines[2].Split(';');
            cells[1] = cell;
            lines[2] = string.Join(';', cells);
            File.WriteAllLines(csv, lines);
            foreach (var command in new[] { "validate", "plan", "run" })
            {
                var before = emulator.Actions.Count;
                var output = new StringWriter();
                var exit = await CliApp.RunAsync([command, runFile], output, output, ct);
                var text = output.ToString();
                if (exit != 2 || Problem(command, exit, emulator.Actions.Count - before, text) is not null ||
                    !text.Contains("groups.csv:3 row 2 [zone]: error KB4009", StringComparison.Ordinal) ||
                    Directory.GetFiles(folder, "*.ledger.db*").Length > 0)
                {
                    failures.Add($"{cell} through {template}, {command} (exit {exit}): {Problem(command, exit, emulator.Actions.Count - before, text)}\n{text}");
                }
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n---\n", failures));
        Assert.Equal(0, emulator.Calls);
    }

    /// <summary>Copies an example into <paramref name="folder"/>, plants links that lead out of it
    /// (<see cref="Mutator.PlantEscapes"/>, to <c>../outside</c>) and points it at the test emulator.</summary>
    private static string Copy(string folder, string example, Uri apiRoot)
    {
        var source = Path.Combine(CliProcess.RepositoryRoot, "examples", example);
        // The example's own files, not what a run of it from the README left beside them (a ledger would read as "left").
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories)
                     .Where(f => !Path.GetFileName(f).Contains(".ledger.db", StringComparison.Ordinal) && !f.EndsWith(".emulator.json", StringComparison.Ordinal)
                         && !f.EndsWith(".refresh-token", StringComparison.Ordinal) && !f.EndsWith(".lock", StringComparison.Ordinal)))
        {
            var target = Path.Combine(folder, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        var runFile = Path.Combine(folder, "run.yaml");
        // Our own version, name and connection (to the test emulator) replace the example's.
        var kept = new List<string>();
        var inConnection = false;
        foreach (var line in File.ReadAllLines(runFile))
        {
            inConnection = line.StartsWith("connection:", StringComparison.Ordinal) || (inConnection && line.StartsWith(' '));
            if (!inConnection && !line.StartsWith("version:", StringComparison.Ordinal) && !line.StartsWith("name:", StringComparison.Ordinal))
            {
                kept.Add(line);
            }
        }
        Mutator.PlantEscapes(folder, Path.Combine(Path.GetDirectoryName(folder)!, "outside"));
        File.WriteAllText(runFile, SurveyBatch.Connection(apiRoot) + string.Join('\n', kept) + "\n");
        return runFile;
    }

    /// <summary>Copies an example (<see cref="Copy"/>), then mutates its run file or one of its CSVs.</summary>
    private static string Arrange(string folder, string example, Uri apiRoot, Mutator mutator)
    {
        var runFile = Copy(folder, example, apiRoot);
        var yaml = File.ReadAllText(runFile);
        var csvs = Directory.GetFiles(folder, "*.csv");
        if (mutator.Next(10) < 6 || csvs.Length == 0)
        {
            yaml = mutator.Mutate(yaml);
        }
        else
        {
            var csv = csvs[mutator.Next(csvs.Length)];
            File.WriteAllText(csv, mutator.Mutate(File.ReadAllText(csv)));
        }
        File.WriteAllText(runFile, yaml);
        return runFile;
    }

    [GeneratedRegex(@"^\s+at [\w.`<>]+\.[\w<>`]+\(", RegexOptions.Multiline)]
    private static partial Regex StackTrace();
}
