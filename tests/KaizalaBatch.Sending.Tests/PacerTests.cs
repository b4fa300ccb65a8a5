using KaizalaBatch.Sending;
using Microsoft.Extensions.Time.Testing;

namespace KaizalaBatch.Sending.Tests;

public sealed class PacerTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));

    /// <summary>Moves fake time in small steps until <paramref name="done"/> completes, letting woken callers run between steps.</summary>
    private async Task Drive(Task done, TimeSpan step, TimeSpan limit)
    {
        var end = _time.GetUtcNow() + limit;
        while (!done.IsCompleted)
        {
            Assert.True(_time.GetUtcNow() < end, "the pacer did not let the callers through in time");
            SpinWait.SpinUntil(() => done.IsCompleted, 5);
            _time.Advance(step);
        }
        await done;
    }

    [Fact]
    public async Task No_sixty_second_window_holds_more_than_the_limit()
    {
        const int limit = 10;
        await using var pacer = new Pacer(new PacingOptions(PerMinute: limit, Concurrency: 8), _time);
        var starts = new List<DateTimeOffset>();
        var callers = Enumerable.Range(0, 35).Select(async _ =>
        {
            using var permit = await pacer.AcquireAsync(TestContext.Current.CancellationToken);
            lock (starts)
            {
                starts.Add(permit.StartedAt);
            }
        }).ToList();
        await Drive(Task.WhenAll(callers), TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10));

        starts.Sort();
        Assert.Equal(35, starts.Count);
        for (var i = 0; i + limit < starts.Count; i++)
        {
            // The (i+limit)-th start must lie more than a minute after the i-th: no 60-s window holds limit+1 calls.
            Assert.True(starts[i + limit] - starts[i] > TimeSpan.FromMinutes(1), $"calls {i} and {i + limit} are {starts[i + limit] - starts[i]} apart");
        }
        // And the pacer does not dawdle: four bursts of ten take just over three minutes (slack for a busy machine).
        Assert.True(starts[^1] - starts[0] < TimeSpan.FromMinutes(3.5), $"took {starts[^1] - starts[0]}");
    }

    [Fact]
    public async Task A_call_counts_until_a_window_after_its_answer_not_its_start()
    {
        // The service counts a call when it arrives, somewhere between its start and its answer: only a window after
        // the answer is it surely out of the service's window.
        await using var pacer = new Pacer(new PacingOptions(PerMinute: 1, Concurrency: 2), _time);
        var ct = TestContext.Current.CancellationToken;
        var slow = await pacer.AcquireAsync(ct);
        var next = pacer.AcquireAsync(ct).AsTask();
        _time.Advance(TimeSpan.FromMinutes(2));
        Assert.False(SpinWait.SpinUntil(() => next.IsCompleted, 100), "a call still in flight must keep its place in the window");
        var answeredAt = _time.GetUtcNow();
        slow.Dispose();
        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.False(SpinWait.SpinUntil(() => next.IsCompleted, 100), "let through before a window had passed since the answer");
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(SpinWait.SpinUntil(() => next.IsCompleted, 5000));
        using var permit = await next;
        Assert.True(permit.StartedAt > answeredAt + TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task At_most_concurrency_calls_are_in_flight()
    {
        await using var pacer = new Pacer(new PacingOptions(PerMinute: 0, Concurrency: 2), _time);
        var ct = TestContext.Current.CancellationToken;
        var first = await pacer.AcquireAsync(ct);
        var second = await pacer.AcquireAsync(ct);
        var third = pacer.AcquireAsync(ct).AsTask();
        Assert.False(SpinWait.SpinUntil(() => third.IsCompleted, 100));
        second.Dispose();
        second.Dispose(); // twice is harmless
        Assert.True(SpinWait.SpinUntil(() => third.IsCompleted, 5000));
        var fourth = pacer.AcquireAsync(ct).AsTask();
        Assert.False(SpinWait.SpinUntil(() => fourth.IsCompleted, 100));
        first.Dispose();
        (await fourth).Dispose();
        (await third).Dispose();
    }

    [Fact]
    public async Task A_429_pauses_every_caller_until_retry_after()
    {
        await using var pacer = new Pacer(new PacingOptions(PerMinute: 100, Concurrency: 4), _time);
        var ct = TestContext.Current.CancellationToken;
        var start = _time.GetUtcNow();
        pacer.Pause(TimeSpan.FromSeconds(30));
        var waiting = Enumerable.Range(0, 3).Select(_ => pacer.AcquireAsync(ct).AsTask()).ToList();
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(SpinWait.SpinUntil(() => waiting.Any(w => w.IsCompleted), 100));
        pacer.Pause(TimeSpan.FromSeconds(1)); // a shorter pause never shortens the longer one
        Assert.Equal(start.AddSeconds(30), pacer.PausedUntil);
        _time.Advance(TimeSpan.FromSeconds(1));
        var permits = await Task.WhenAll(waiting);
        Assert.All(permits, p => Assert.True(p.StartedAt >= start.AddSeconds(30)));
        foreach (var p in permits)
        {
            p.Dispose();
        }
    }

    [Fact]
    public async Task A_cancelled_wait_gives_its_slot_back()
    {
        await using var pacer = new Pacer(new PacingOptions(PerMinute: 1, Concurrency: 1), _time);
        using var cts = new CancellationTokenSource();
        (await pacer.AcquireAsync(cts.Token)).Dispose();
        var blocked = pacer.AcquireAsync(cts.Token).AsTask();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => blocked);
        _time.Advance(TimeSpan.FromMinutes(2));
        using var next = await pacer.AcquireAsync(TestContext.Current.CancellationToken);
    }
}
