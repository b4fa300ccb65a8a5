namespace KaizalaBatch.Sending;

/// <summary>How the run loop behaves (the run file's <c>limits</c>, less the pace, which is the <see cref="Pacer"/>'s).</summary>
/// <param name="MaxAttempts">Attempts per item over 429, 5xx, timeouts and resets.</param>
/// <param name="MaxErrors">Stop taking new items once this many have failed; 0: never.</param>
/// <param name="Concurrency">Items worked on at once (their calls still pass the pacer).</param>
public sealed record BatchOptions(int MaxAttempts = 5, int MaxErrors = 0, int Concurrency = 4)
{
    /// <summary>The first retry's delay; later ones grow exponentially, with jitter.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Seeds the retry jitter, for reproducible runs and tests; null: random.</summary>
    public int? JitterSeed { get; init; }

    /// <summary>How far before an in-doubt attempt's start the read-back looks, for clock differences with the service.</summary>
    public TimeSpan ReconcileSkew { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Post an in-doubt item again when the service cannot list its type (<c>limits.inDoubt: resend</c>), instead of
    /// holding it in doubt for <c>resolve</c>.</summary>
    public bool ResendInDoubt { get; init; }

    /// <summary>Keep the actionBody of every attempt in the ledger with its in-doubt mark (the run file's
    /// <c>keepPayloads</c>), so that <c>plan</c> can show what changed since; false keeps only hashes.</summary>
    public bool KeepPayloads { get; init; } = true;
}

/// <summary>How one item ended in this run.</summary>
public enum ItemResult
{
    /// <summary>Accepted by the service.</summary>
    Sent,

    /// <summary>Found by the read-back (an earlier attempt had created it) and marked sent without posting again.</summary>
    Reconciled,

    /// <summary>Refused for good, or attempts exhausted with nothing created: the next run sends it again.</summary>
    Failed,

    /// <summary>A request went out and its outcome is unknown: the next run reconciles it, or <c>resolve</c> settles it.</summary>
    InDoubt,

    /// <summary>Another runner of a shared run took it over (this runner's lease on it lapsed): counted there, not here.</summary>
    TakenOver,

    /// <summary>Never worked on: the run stopped first. The ledger is untouched.</summary>
    NotStarted,

    /// <summary>Failed validation: recorded as invalid, never sent.</summary>
    Invalid,
}

/// <summary>How one item ended in this run, reported as it ends (<see cref="BatchRunner.ItemEnded"/>).</summary>
/// <param name="Reason">Why it failed, stayed in doubt or is invalid, as the ledger records it (no secret); null when it
/// was sent or reconciled.</param>
public sealed record ItemOutcome(string Action, string Key, string GroupId, ItemResult Result, string? Reason);

/// <summary>Where a run stands, for a progress bar.</summary>
/// <param name="Remaining">Items not finished yet, when the total was given; else null.</param>
public sealed record RunProgress(int Sent, int Reconciled, int Failed, int InDoubt, int InFlight, int? Remaining);

/// <summary>Why a run ended before taking every item.</summary>
public enum StopReason
{
    /// <summary>The caller asked (Ctrl-C).</summary>
    Cancelled,

    /// <summary><see cref="BatchOptions.MaxErrors"/> items failed.</summary>
    MaxErrors,

    /// <summary>The connection cannot work (credentials refused, a second 401, an endpoint that may not be used).</summary>
    ConnectionFailed,

    /// <summary>The ledger cannot be written (disk full, permissions, I/O error): no request left after the failed write;
    /// those already under way stay in doubt unless their outcome could still be recorded.</summary>
    LedgerUnwritable,
}

/// <summary>What one action's items came to in this run.</summary>
/// <param name="Sent">Accepted by the service in this run.</param>
/// <param name="Reconciled">Found by the read-back (an earlier attempt had created it) and marked sent without posting again.</param>
/// <param name="Failed">Refused for good, or attempts exhausted with nothing created.</param>
/// <param name="InDoubt">Attempts exhausted (or stopped) with the last outcome unknown: the next run reconciles them.</param>
/// <param name="Invalid">Handed in with validation errors: recorded as invalid in the ledger, never sent.</param>
public sealed record ActionSummary(string Action, int Sent, int Reconciled, int Failed, int InDoubt, int Invalid);

/// <summary>The result of a run, for the CLI to print and map to an exit code.</summary>
/// <param name="NotStarted">Items handed in but never worked on because the run stopped.</param>
/// <param name="StopMessage">A user-facing reason when <paramref name="Stopped"/> is set; never holds a secret.</param>
public sealed record RunSummary(IReadOnlyList<ActionSummary> Actions, StopReason? Stopped, int NotStarted, string? StopMessage = null)
{
    public int Sent => Actions.Sum(a => a.Sent);

    public int Reconciled => Actions.Sum(a => a.Reconciled);

    public int Failed => Actions.Sum(a => a.Failed);

    public int InDoubt => Actions.Sum(a => a.InDoubt);

    public int Invalid => Actions.Sum(a => a.Invalid);

    /// <summary>SPEC section 3: 3 when stopped early, 1 when some items failed, stayed in doubt, are invalid or were never
    /// started (the service could not be reached, say), else 0: no run that leaves work undone exits 0.</summary>
    public int ExitCode => Stopped is not null ? ExitCodes.Stopped
        : Failed + InDoubt + Invalid + NotStarted > 0 ? ExitCodes.SomeItemsFailed
        : ExitCodes.Done;
}
