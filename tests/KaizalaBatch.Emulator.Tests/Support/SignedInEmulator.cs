namespace KaizalaBatch.Emulator.Tests.Support;

/// <summary>One unthrottled emulator and a signed-in client, shared by the tests of a class.</summary>
public sealed class SignedInEmulator : IAsyncLifetime
{
    private KaizalaEmulator? emulator;
    private Api? api;

    public KaizalaEmulator Emulator => emulator!;

    internal Api Api => api!;

    public async ValueTask InitializeAsync()
    {
        emulator = await KaizalaEmulator.StartAsync(
            new EmulatorOptions { PerMinute = 0, TenantPerMinute = 0 },
            ct: TestContext.Current.CancellationToken);
        api = new Api(emulator);
        await api.SignInAsync();
    }

    public async ValueTask DisposeAsync()
    {
        api?.Dispose();
        if (emulator is not null)
        {
            await emulator.DisposeAsync();
        }
    }
}
