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

/// <summary>A copy of the survey example in a temp folder, sent to the embedded emulator without a pace.</summary>
public sealed class Workspace : IDisposable
{
    public Workspace()
    {
        Folder = Directory.CreateTempSubdirectory("kb-usecases-").FullName;
        var example = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "examples", "survey-rollout");
        foreach (var file in Directory.GetFiles(example))
        {
            File.Copy(file, Path.Combine(Folder, Path.GetFileName(file)));
        }
        var yaml = File.ReadAllText(RunFile).Replace("perMinute: 100", "perMinute: 1000000", StringComparison.Ordinal);
        File.WriteAllText(RunFile, yaml);
        Host = new UseCaseHost { Embedded = Emulators };
    }

    public string Folder { get; }

    public string RunFile => Path.Combine(Folder, "run.yaml");

    public TestEmulators Emulators { get; } = new();

    public UseCaseHost Host { get; }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
