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
    public async Task The_estimate_follows_the_window_and_the_snapshot_says_what_is_on_the_wire_and_waiting()
    {
        // 30 a minute: the case, where a rate-based ETA said 3 s while the window held the next call for 50.
        await using var pacer = new Pacer(new PacingOptions(PerMinute: 30, Concurrency: 40), _time);
        var ct = TestContext.Current.CancellationToken;
        Assert.Equal(TimeSpan.Zero, pacer.EstimateFor(30));
        var permits = new List<CallPermit>();
        for (var i = 0; i < 30; i++)
        {
            permits.Add(await pacer.AcquireAsync(ct));
        }
        Assert.Equal(30, pacer.Snapshot().OnTheWire);
        _time.Advance(TimeSpan.FromSeconds(10));
        foreach (var permit in permits)
        {
            permit.Dispose(); // answered 10 s after they left: they count until 70 s from the start
        }
        Assert.Equal(0, pacer.Snapshot().OnTheWire);
        // The window is full: the next call starts when the first answer leaves it, 60 s from now.
        Assert.Equal(TimeSpan.FromSeconds(60), pacer.EstimateFor(1));
        Assert.Equal(TimeSpan.FromSeconds(60), pacer.EstimateFor(30));
        Assert.Equal(TimeSpan.FromSeconds(120), pacer.EstimateFor(31));

        var waiting = pacer.AcquireAsync(ct).AsTask();
        Assert.True(SpinWait.SpinUntil(() => pacer.Snapshot().WaitingUntil is not null, 2000), "the waiting call is not shown");
        var snapshot = pacer.Snapshot();
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromSeconds(60), snapshot.WaitingUntil!.Value, TimeSpan.FromMilliseconds(5));
        Assert.False(snapshot.Throttled);
        Assert.Equal(30, snapshot.PerMinute);
        await Drive(waiting, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(2));
        (await waiting).Dispose();
        Assert.Null(pacer.Snapshot().WaitingUntil);
    }

    [Fact]
    public void With_no_limit_there_is_no_schedule_to_estimate_from()
    {
        var pacer = new Pacer(new PacingOptions(PerMinute: 0, Concurrency: 4), _time);
        Assert.Null(pacer.EstimateFor(100));
        Assert.Equal(TimeSpan.Zero, pacer.EstimateFor(0));
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

    /// <summary>Ten calls at once, answered; then an eleventh that the service refuses 429 five seconds later.</summary>
    private async Task<DateTimeOffset> TenCallsThenA429(Pacer pacer, TimeSpan retryAfter)
    {
        var ct = TestContext.Current.CancellationToken;
        var start = _time.GetUtcNow();
        for (var i = 0; i < 10; i++)
        {
            (await pacer.AcquireAsync(ct)).Dispose();
        }
        _time.Advance(TimeSpan.FromSeconds(5));
        using var refused = await pacer.AcquireAsync(ct);
        refused.Throttled(retryAfter);
        return start;
    }

    [Fact]
    public async Task The_first_429_teaches_the_pacer_the_services_pace_which_it_keeps_spread_evenly()
    {
        var logger = new ListLogger();
        await using var pacer = new Pacer(new PacingOptions(PerMinute: 1000, Concurrency: 4), _time, logger);
        // The service's oldest call (the first, at start) leaves its window 55 s after the refusal: all its calls were ours.
        var start = await TenCallsThenA429(pacer, TimeSpan.FromSeconds(55));
        Assert.Equal(10, pacer.LearnedPerMinute);
        Assert.Equal(1, logger.Count("limits.perMinute (1000) is above what the service allows: it let 10 calls through in a minute"));

        var starts = new List<DateTimeOffset>();
        var callers = Enumerable.Range(0, 25).Select(async _ =>
        {
            using var permit = await pacer.AcquireAsync(TestContext.Current.CancellationToken);
            lock (starts)
            {
                starts.Add(permit.StartedAt);
            }
        }).ToList();
        await Drive(Task.WhenAll(callers), TimeSpan.FromMilliseconds(500), TimeSpan.FromMinutes(10));

        starts.Sort();
        Assert.True(starts[0] >= start.AddSeconds(60), "let through before the 429's Retry-After");
        for (var i = 0; i + 10 < starts.Count; i++)
        {
            Assert.True(starts[i + 10] - starts[i] > TimeSpan.FromMinutes(1), $"calls {i} and {i + 10} are {starts[i + 10] - starts[i]} apart");
        }
        // Spread evenly, 6 s apart (a late wake-up may let one more through at once), not in bursts of ten.
        for (var i = 0; i + 2 < starts.Count; i++)
        {
            Assert.True(starts[i + 2] - starts[i] >= TimeSpan.FromSeconds(6), $"calls {i} and {i + 2} are {starts[i + 2] - starts[i]} apart");
        }
        Assert.True(starts[^1] - starts[0] < TimeSpan.FromSeconds(25 * 6 + 10), $"took {starts[^1] - starts[0]}");

        // Said once: a later 429 pauses again but teaches nothing more.
        var next = pacer.AcquireAsync(TestContext.Current.CancellationToken).AsTask();
        await Drive(next, TimeSpan.FromMilliseconds(500), TimeSpan.FromMinutes(2));
        using (var again = await next)
        {
            again.Throttled(TimeSpan.FromSeconds(1));
        }
        Assert.Equal(10, pacer.LearnedPerMinute);
        Assert.Equal(1, logger.Count("above what the service allows"));
    }

    [Fact]
    public async Task A_429_that_shows_others_calls_in_the_services_window_teaches_nothing()
    {
        var logger = new ListLogger();
        await using var pacer = new Pacer(new PacingOptions(PerMinute: 1000, Concurrency: 4), _time, logger);
        // Retry-After 2 s: the service's oldest call is older than any of ours (another run a moment ago, say).
        await TenCallsThenA429(pacer, TimeSpan.FromSeconds(2));
        Assert.Null(pacer.LearnedPerMinute);
        Assert.Equal(0, logger.Count("above what the service allows"));
        Assert.Equal(1, logger.Count("throttled the connector"));
    }
}
