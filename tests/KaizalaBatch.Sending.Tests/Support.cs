using System.Collections.Concurrent;
using KaizalaBatch.Api;
using KaizalaBatch.Emulator;
using KaizalaBatch.Planning;
using KaizalaBatch.Sending;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace KaizalaBatch.Sending.Tests;

/// <summary>Keeps every log line, rendered, with its structured values, so tests can look for secrets and events.</summary>
public sealed class ListLogger : ILogger
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
        Lines.Enqueue($"{logLevel}: {formatter(state, exception)} | {values} {exception}");
    }

    public string All => string.Join("\n", Lines);

    public int Count(string fragment) => Lines.Count(l => l.Contains(fragment, StringComparison.Ordinal));
}

/// <summary>An emulator, a pacer and a client wired together, disposed together.</summary>
public sealed class Connection : IAsyncDisposable
{
    public const string AppId = "contoso-connector";
    public const string AppSecret = "app-secret-5f1d2c7e9a";
    public const string RefreshToken = "refresh-token-8b3e0a41d6";

    private Connection(KaizalaEmulator emulator, Pacer pacer, KaizalaClient client, ListLogger logger)
    {
        Emulator = emulator;
        Pacer = pacer;
        Client = client;
        Logger = logger;
    }

    public KaizalaEmulator Emulator { get; }

    public Pacer Pacer { get; }

    public KaizalaClient Client { get; }

    public ListLogger Logger { get; }

    public static async Task<Connection> StartAsync(
        EmulatorOptions? emulator = null,
        PacingOptions? pacing = null,
        TimeProvider? clientTime = null,
        Func<KaizalaClientOptions, KaizalaClientOptions>? configure = null)
    {
        var started = await KaizalaEmulator.StartAsync(emulator ?? new EmulatorOptions { PerMinute = 0, TenantPerMinute = 0 });
        var logger = new ListLogger();
        var pacer = new Pacer(pacing ?? new PacingOptions(PerMinute: 0, Concurrency: 4), clientTime, logger);
        var options = new KaizalaClientOptions(started.ApiRoot, AppId, new Secret(AppSecret), new Secret(RefreshToken));
        var client = new KaizalaClient(configure?.Invoke(options) ?? options, pacer, clientTime, logger);
        return new Connection(started, pacer, client, logger);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Pacer.DisposeAsync();
        await Emulator.DisposeAsync();
    }
}

/// <summary>Items as a run hands them to the sender: classified by the plan against the ledger (the one place that
/// decides what each item needs).</summary>
public static class Planned
{
    public static List<PlannedItem> Against(ILedgerReader ledger, IEnumerable<RenderedItem> items, bool resendChanged = false) =>
        new Plan(ledger, new PlanOptions(resendChanged)).Classify(items, CancellationToken.None).ToList();
}

/// <summary>Clocks for the emulator that tests share.</summary>
public static class Clocks
{
    /// <summary>Moves <paramref name="time"/> on in 100 ms steps until <paramref name="run"/> ends, and only once the emulator
    /// has heard nothing new for a moment: what was due at this instant has gone, on a busy machine too.</summary>
    public static void Drive(Task run, KaizalaEmulator emulator, FakeTimeProvider time, TimeSpan atMost)
    {
        var deadline = time.GetUtcNow() + atMost;
        var heard = -1L;
        while (!run.IsCompleted)
        {
            Assert.True(time.GetUtcNow() < deadline, "the run did not end");
            SpinWait.SpinUntil(() => run.IsCompleted, 5);
            var calls = emulator.Calls;
            if (calls == heard)
            {
                time.Advance(TimeSpan.FromMilliseconds(100));
            }
            heard = calls;
        }
    }

    /// <summary>A service clock that moves a minute whenever it is read: every token it issues has expired when next shown.</summary>
    public static FakeTimeProvider EveryLookAMinuteLater() => new(DateTimeOffset.UtcNow) { AutoAdvanceAmount = TimeSpan.FromMinutes(1) };
}

/// <summary>Every logger it creates is the one <see cref="ListLogger"/>.</summary>
public sealed class ListLoggerFactory(ListLogger logger) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => logger;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }
}
