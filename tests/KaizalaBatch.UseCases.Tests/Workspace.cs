using KaizalaBatch.Diagnostics;
using KaizalaBatch.Emulator;
using KaizalaBatch.RunFiles;
using KaizalaBatch.UseCases;

namespace KaizalaBatch.UseCases.Tests;

/// <summary>The embedded emulator as a test hands it to the use cases: unlimited, its state kept beside the ledger (so that
/// report finds what run sent), members answering a seeded share at once. The emulator is the witness.</summary>
public sealed class TestEmulators : IEmbeddedServiceFactory
{
    public List<KaizalaEmulator> Started { get; } = [];

    /// <summary>The only groups the service knows (a post to any other is refused with 404); null: every GUID is a group.</summary>
    public IReadOnlySet<Guid>? KnownGroups { get; set; }

    /// <summary>Every call the emulators heard, as their log writes it ("12 GET /v1/groups/…/actions by app -> 200").</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Calls { get; } = new();

    public Diagnostic? Check(RunFile run) => null;

    public async Task<IEmbeddedService> StartAsync(RunFile run)
    {
        var emulator = await KaizalaEmulator.StartAsync(new EmulatorOptions
        {
            PerMinute = 0,
            TenantPerMinute = 0,
            StateFile = run.LedgerPath + ".emulator.json",
            RespondRate = 1.0,
            RespondAfter = TimeSpan.Zero,
            Seed = 3,
            KnownGroups = KnownGroups,
            Log = Calls.Enqueue,
        });
        Started.Add(emulator);
        return new Running(emulator);
    }

    private sealed class Running(KaizalaEmulator emulator) : IEmbeddedService
    {
        public Uri ApiRoot => emulator.ApiRoot;

        public ValueTask DisposeAsync() => emulator.DisposeAsync();
    }
}

/// <summary>A copy of an example (the survey by default) in a temp folder, sent to the embedded emulator without a pace.</summary>
public sealed class Workspace : IDisposable
{
    public Workspace(string example = "survey-rollout")
    {
        Folder = Directory.CreateTempSubdirectory("kb-usecases-").FullName;
        var source = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "examples", example);
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories).Where(IsExampleInput))
        {
            var copy = Path.Combine(Folder, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }
        var yaml = File.ReadAllText(RunFile).Replace("perMinute: 100", "perMinute: 1000000", StringComparison.Ordinal);
        File.WriteAllText(RunFile, yaml);
        Host = new UseCaseHost { Embedded = Emulators };
    }

    /// <summary>The example's own files, not what a run of it from the README left beside them (its ledger, the
    /// embedded emulator's state, a refresh token, a report).</summary>
    private static bool IsExampleInput(string path)
    {
        var name = Path.GetFileName(path);
        return !(name.Contains(".ledger.db", StringComparison.Ordinal) || name.EndsWith(".emulator.json", StringComparison.Ordinal)
            || name.EndsWith(".refresh-token", StringComparison.Ordinal) || name.EndsWith(".lock", StringComparison.Ordinal)
            || name.EndsWith(".html", StringComparison.Ordinal));
    }

    public string Folder { get; }

    public string RunFile => Path.Combine(Folder, "run.yaml");

    public TestEmulators Emulators { get; } = new();

    public UseCaseHost Host { get; }

    /// <summary>Replaces <paramref name="text"/> in the run file (it must be there).</summary>
    public void Edit(string text, string replacement)
    {
        var yaml = File.ReadAllText(RunFile);
        Assert.Contains(text, yaml, StringComparison.Ordinal);
        File.WriteAllText(RunFile, yaml.Replace(text, replacement, StringComparison.Ordinal));
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
