using KaizalaBatch.Diagnostics;
using KaizalaBatch.Emulator;
using KaizalaBatch.RunFiles;
using KaizalaBatch.UseCases;

namespace KaizalaBatch.Cli;

/// <summary>The in-process emulator of <c>connection: emulator: true</c>, with the organisation the run file asks for
/// (<c>connection.emulatorOrg</c>), and the organisation options of the <c>emulator</c> command. It keeps what it was sent
/// beside the ledger (<c>&lt;ledger&gt;.emulator.json</c>), so that a later command (report) finds it, and members answer a
/// share of the Surveys, Jobs and Polls (seeded), some at once and more over two days, so that <c>report</c> has
/// something to show.</summary>
public sealed class EmbeddedEmulator : IEmbeddedServiceFactory
{
    public static EmbeddedEmulator Instance { get; } = new();

    /// <summary>The organisation file is read before anything else happens, so that a mistake in it leaves no trace.</summary>
    public Diagnostic? Check(RunFile run)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (run.Connection.EmulatorOrg is not { File: { } file } org)
        {
            return null;
        }
        try
        {
            OrganisationFile.Load(file);
            return null;
        }
        catch (OrganisationFileException ex)
        {
            return Diagnostic.Error(DiagnosticCodes.FileMissing, $"the organisation file is unusable: {ex.Where}: {ex.Reason}", org.Location);
        }
    }

    public async Task<IEmbeddedService> StartAsync(RunFile run) => new Running(await KaizalaEmulator.StartAsync(Options(run)));

    private sealed class Running(KaizalaEmulator emulator) : IEmbeddedService
    {
        public Uri ApiRoot => emulator.ApiRoot;

        public ValueTask DisposeAsync() => emulator.DisposeAsync();
    }

    /// <summary>The embedded emulator's options for a run file.</summary>
    public static EmulatorOptions Options(RunFile run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return new EmulatorOptions
        {
            Organisation = Organisation(run.Connection.EmulatorOrg),
            StateFile = run.LocalFilesStem + ".emulator.json",
            RespondRate = 0.6,
            RespondAfter = TimeSpan.FromDays(2),
            Seed = 11,
        };
    }

    /// <summary>The organisation of <c>connection.emulatorOrg</c>: generated with seed 0, so that every command of the run
    /// (groups, plan, run) sees the same GUIDs; or loaded from its file. Null when the run file asks for none.</summary>
    public static Organisation? Organisation(EmulatorOrganisation? org) =>
        org is null ? null : Organisation(org.File, org.File is null ? org.Size : null, seed: 0);

    /// <summary><c>--org FILE</c> or <c>--org-size N</c> (with <c>--seed</c>); null when neither is given.</summary>
    public static Organisation? Organisation(string? file, int? size, int seed) =>
        file is not null ? OrganisationFile.Load(file)
        : size is { } n ? Emulator.Organisation.Generate(n, seed)
        : null;
}
