namespace KaizalaBatch.Emulator;

/// <summary>
/// How the emulator behaves. Plain data: the CLI maps its flags onto these one to one
/// (<c>--per-minute</c> → <see cref="PerMinute"/>, <c>--fault-5xx</c> → <see cref="Fault5xx"/>, ...).
/// </summary>
public sealed record EmulatorOptions
{
    /// <summary>Calls per connector (applicationId) in any sliding 60 s window; 0 = unlimited.</summary>
    public int PerMinute { get; init; } = 100;

    /// <summary>Calls across all connectors of the tenant in any sliding 60 s window; 0 = unlimited.</summary>
    public int TenantPerMinute { get; init; } = 300;

    public TimeSpan TokenLifetime { get; init; } = TimeSpan.FromHours(24);

    public TimeSpan RefreshTokenLifetime { get; init; } = TimeSpan.FromDays(365);

    /// <summary>Added to every API answer (measured on <see cref="Time"/>).</summary>
    public TimeSpan Latency { get; init; } = TimeSpan.Zero;

    /// <summary>Seed of the fault draws: the same seed and call sequence give the same faults.</summary>
    public int Seed { get; init; }

    /// <summary>Rate (0..1) of API calls answered 500 or 503.</summary>
    public double Fault5xx { get; init; }

    /// <summary>Rate (0..1) of API calls whose connection is aborted before anything happens (an Action is NOT stored).</summary>
    public double FaultReset { get; init; }

    /// <summary>Rate (0..1) of API calls answered only after <see cref="SlowDelay"/> (the call itself takes effect at once).</summary>
    public double FaultSlow { get; init; }

    /// <summary>Longer than the client's 60 s timeout by default.</summary>
    public TimeSpan SlowDelay { get; init; } = TimeSpan.FromSeconds(70);

    /// <summary>Rate (0..1) of <c>POST .../actions</c> calls whose Action is stored and whose connection is then aborted.</summary>
    public double FaultAcceptDrop { get; init; }

    /// <summary>After this many API calls the endpoint moves: the old endpoint path answers 308 forever.</summary>
    public int? MoveAfter { get; init; }

    /// <summary>When set, the token call refuses (401) any other applicationId.</summary>
    public string? ApplicationId { get; init; }

    /// <summary>When set, the token call refuses (401) any other applicationSecret.</summary>
    public string? ApplicationSecret { get; init; }

    /// <summary>When set, only this refresh token and the ones the emulator issued are valid.</summary>
    public string? RefreshToken { get; init; }

    /// <summary>null = every GUID is a group; otherwise other groups get 404. The flat form of <see cref="Organisation"/>:
    /// these groups are top-level, nameless and without members (the set is read live, so a test may fill it later).</summary>
    public IReadOnlySet<Guid>? KnownGroups { get; init; }

    /// <summary>The groups the connector reaches, with subgroups and members: served by the group calls; a group outside it
    /// gets 404. null = none (every GUID is a group, unless <see cref="KnownGroups"/> says otherwise).
    /// <c>--org-size N</c> is <see cref="Organisation.Generate"/>(N, <see cref="Seed"/>), <c>--org FILE</c> <see cref="OrganisationFile.Load"/>.</summary>
    public Organisation? Organisation { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>When set, the Actions, responses and reminders are loaded from this JSON file on start (if it exists) and
    /// written to it on stop: how the embedded emulator remembers a run for the next command.</summary>
    public string? StateFile { get; init; }

    /// <summary>Share (0..1) of Survey, Job and Poll Actions that simulated members answer (seeded by <see cref="Seed"/>
    /// and the Action); 0, the default, simulates nobody, so that tests control every response.</summary>
    public double RespondRate { get; init; }

    /// <summary>Simulated answers arrive within this time of the Action (some at once); see <see cref="RespondRate"/>.</summary>
    public TimeSpan RespondAfter { get; init; } = TimeSpan.FromDays(2);

    /// <summary>
    /// When set, receives one line per API call (number, method, path, outcome), possibly from
    /// several threads at once. Quiet by default.
    /// </summary>
    public Action<string>? Log { get; init; }

    /// <summary>Throws when a value makes no sense (a negative limit, a rate outside 0..1, rates adding up past 1, ...).</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(PerMinute);
        ArgumentOutOfRangeException.ThrowIfNegative(TenantPerMinute);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(TokenLifetime, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RefreshTokenLifetime, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(Latency, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(SlowDelay, TimeSpan.Zero);
        if (MoveAfter is { } moveAfter)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(moveAfter, nameof(MoveAfter));
        }

        foreach (var (name, rate) in (ReadOnlySpan<(string, double)>)
                 [(nameof(Fault5xx), Fault5xx), (nameof(FaultReset), FaultReset), (nameof(FaultSlow), FaultSlow), (nameof(FaultAcceptDrop), FaultAcceptDrop),
                  (nameof(RespondRate), RespondRate)])
        {
            if (!(rate >= 0 && rate <= 1))
            {
                throw new ArgumentOutOfRangeException(name, rate, $"{name} is a rate from 0 to 1");
            }
        }

        if (Fault5xx + FaultReset + FaultSlow + FaultAcceptDrop > 1 + 1e-9)
        {
            throw new ArgumentException("the fault rates add up to more than 1: each API call gets at most one fault");
        }

        if (Organisation is not null && KnownGroups is not null)
        {
            throw new ArgumentException("set Organisation or KnownGroups, not both: KnownGroups is the flat form of an organisation");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(RespondAfter, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(Time);
    }
}
