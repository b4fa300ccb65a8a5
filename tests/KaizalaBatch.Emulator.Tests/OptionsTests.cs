namespace KaizalaBatch.Emulator.Tests;

public sealed class OptionsTests
{
    [Fact]
    public void The_defaults_are_the_service_limits()
    {
        var options = new EmulatorOptions();

        Assert.Equal(100, options.PerMinute);
        Assert.Equal(300, options.TenantPerMinute);
        Assert.Equal(TimeSpan.FromHours(24), options.TokenLifetime);
        Assert.Equal(TimeSpan.FromDays(365), options.RefreshTokenLifetime);
        Assert.Equal(TimeSpan.FromSeconds(70), options.SlowDelay);
        Assert.Null(options.MoveAfter);
        Assert.Null(options.KnownGroups);
        options.Validate();
    }

    public static TheoryData<EmulatorOptions> Nonsense() =>
    [
        new EmulatorOptions { PerMinute = -1 },
        new EmulatorOptions { TenantPerMinute = -1 },
        new EmulatorOptions { TokenLifetime = TimeSpan.Zero },
        new EmulatorOptions { Latency = TimeSpan.FromSeconds(-1) },
        new EmulatorOptions { MoveAfter = -1 },
        new EmulatorOptions { Fault5xx = 1.5 },
        new EmulatorOptions { FaultReset = -0.1 },
        new EmulatorOptions { FaultSlow = double.NaN },
        new EmulatorOptions { Fault5xx = 0.6, FaultAcceptDrop = 0.6 },
    ];

    [Theory]
    [MemberData(nameof(Nonsense))]
    public async Task Nonsense_options_are_refused_at_start(EmulatorOptions options)
    {
        Assert.ThrowsAny<ArgumentException>(options.Validate);
        await Assert.ThrowsAnyAsync<ArgumentException>(() => KaizalaEmulator.StartAsync(options, ct: TestContext.Current.CancellationToken));
    }
}
