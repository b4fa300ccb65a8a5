namespace KaizalaBatch;

/// <summary>The documented exit codes (SPEC section 3), the one definition every use case and the CLI share.</summary>
public static class ExitCodes
{
    /// <summary>Everything done.</summary>
    public const int Done = 0;

    /// <summary>Finished, but some items failed, stayed in doubt, are invalid or were never started.</summary>
    public const int SomeItemsFailed = 1;

    /// <summary>The input is unusable; nothing was sent.</summary>
    public const int InputUnusable = 2;

    /// <summary>Stopped early: Ctrl-C, maxErrors, the connection stopped working, the ledger is locked by another run, or
    /// it cannot be written (disk full, permissions, I/O error).</summary>
    public const int Stopped = 3;
}
