using Microsoft.Extensions.Time.Testing;

namespace KaizalaBatch.Emulator.Tests.Support;

internal static class Clock
{
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 8, 0, 0, TimeSpan.Zero);

    public static FakeTimeProvider Fake() => new(Start);
}
