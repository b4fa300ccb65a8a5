using System.Runtime.InteropServices;

namespace KaizalaBatch.Cli;

/// <summary>Ctrl-C (SIGINT) and SIGTERM for long commands: the first asks to stop taking new work and finish what is in
/// flight; the second aborts what is in flight too. The process is never killed under the command's feet.</summary>
public sealed class StopSignals : IDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly CancellationTokenSource abort = new();
    private readonly PosixSignalRegistration[] registrations;
    private readonly Action<string>? notify;

    public StopSignals(Action<string>? notify = null)
    {
        this.notify = notify;
        registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal),
        ];
    }

    /// <summary>Cancelled on the first signal: take no new work.</summary>
    public CancellationToken Stop => stop.Token;

    /// <summary>Cancelled on the second signal: give up on requests in flight.</summary>
    public CancellationToken Abort => abort.Token;

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        if (!stop.IsCancellationRequested)
        {
            notify?.Invoke("Stopping: no new items are taken; requests in flight finish and are recorded. Press Ctrl-C again to abort them.");
            stop.Cancel();
        }
        else if (!abort.IsCancellationRequested)
        {
            notify?.Invoke("Aborting requests in flight; their items stay in doubt and the next run reconciles them.");
            abort.Cancel();
        }
    }

    public void Dispose()
    {
        foreach (var registration in registrations)
        {
            registration.Dispose();
        }
        stop.Dispose();
        abort.Dispose();
    }
}
