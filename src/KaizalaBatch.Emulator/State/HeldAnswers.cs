namespace KaizalaBatch.Emulator.State;

/// <summary>
/// How many answers are currently held back by a TimeProvider delay (latency or the slow fault),
/// so that a test driving a FakeTimeProvider knows when advancing the clock will release them.
/// </summary>
internal sealed class HeldAnswers
{
    private readonly Lock gate = new();
    private readonly List<(int Count, TaskCompletionSource Signal)> waiters = [];
    private int held;

    public int Count
    {
        get
        {
            lock (gate)
            {
                return held;
            }
        }
    }

    public async Task HoldAsync(TimeSpan delay, TimeProvider time, CancellationToken ct)
    {
        // The timer first, then the signal: a test that advances the clock as soon as WhenHeldAsync completes must find
        // the timer there to fire, or the answer stays held until the client gives up.
        var delayed = Task.Delay(delay, time, ct);
        lock (gate)
        {
            held++;
            for (var i = waiters.Count - 1; i >= 0; i--)
            {
                if (held >= waiters[i].Count)
                {
                    waiters[i].Signal.TrySetResult();
                    waiters.RemoveAt(i);
                }
            }
        }

        try
        {
            await delayed.ConfigureAwait(false);
        }
        finally
        {
            lock (gate)
            {
                held--;
            }
        }
    }

    public Task WhenHeldAsync(int count, CancellationToken ct)
    {
        lock (gate)
        {
            if (held >= count)
            {
                return Task.CompletedTask;
            }

            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            waiters.Add((count, signal));
            return signal.Task.WaitAsync(ct);
        }
    }
}
