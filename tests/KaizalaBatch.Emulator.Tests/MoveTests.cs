using System.Net;
using KaizalaBatch.Emulator.Tests.Support;

namespace KaizalaBatch.Emulator.Tests;

/// <summary>After MoveAfter calls the endpoint moves: 308 with Location = the new endpointUrl, forever.</summary>
public sealed class MoveTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task After_N_calls_the_old_endpoint_answers_308_and_the_token_call_names_the_new_one()
    {
        var options = new EmulatorOptions { PerMinute = 0, TenantPerMinute = 0, MoveAfter = 3, Time = Clock.Fake() };
        await using var emulator = await KaizalaEmulator.StartAsync(options, ct: Ct);
        using var api = new Api(emulator);
        var oldEndpoint = api.Endpoint;
        var newEndpoint = new Uri(emulator.BaseUrl, "moved/1/");
        var job = Api.Json("{'actionType':'Job','actionBody':{'title':'t','assignedTo':['+911111111111']}}");

        Assert.Equal(oldEndpoint, (await api.SignInAsync()).EndpointUrl); // call 1
        Assert.Equal(HttpStatusCode.OK, (await api.ListAsync()).Status); // 2
        Assert.Equal(HttpStatusCode.OK, (await api.PostActionAsync(job)).Status); // 3

        var moved = await api.PostActionAsync(job); // 4
        Assert.Equal(HttpStatusCode.PermanentRedirect, moved.Status);
        Assert.Equal(newEndpoint, moved.Headers.Location);
        Assert.True(moved.Headers.Location!.IsAbsoluteUri);
        Assert.Single(emulator.Actions);

        Assert.Equal(newEndpoint, (await api.SignInAsync()).EndpointUrl);
        Assert.Equal(newEndpoint, api.Endpoint);
        Assert.Equal(HttpStatusCode.OK, (await api.PostActionAsync(job)).Status);
        Assert.Equal(HttpStatusCode.OK, (await api.ListAsync()).Status);
        Assert.Equal(2, emulator.Actions.Count);

        api.Endpoint = oldEndpoint;
        for (var i = 0; i < 3; i++)
        {
            var stillMoved = await api.ListAsync();
            Assert.Equal(HttpStatusCode.PermanentRedirect, stillMoved.Status);
            Assert.Equal(newEndpoint, stillMoved.Headers.Location);
        }
    }

    [Fact]
    public async Task The_new_endpoint_does_not_exist_before_the_move()
    {
        var options = new EmulatorOptions { PerMinute = 0, TenantPerMinute = 0, MoveAfter = 100, Time = Clock.Fake() };
        await using var emulator = await KaizalaEmulator.StartAsync(options, ct: Ct);
        using var api = new Api(emulator);
        await api.SignInAsync();

        api.Endpoint = new Uri(emulator.BaseUrl, "moved/1/");

        Assert.Equal(HttpStatusCode.NotFound, (await api.ListAsync()).Status);
    }

    [Fact]
    public async Task Without_MoveAfter_the_endpoint_never_moves()
    {
        await using var emulator = await KaizalaEmulator.StartAsync(new EmulatorOptions { PerMinute = 0, TenantPerMinute = 0 }, ct: Ct);
        using var api = new Api(emulator);
        await api.SignInAsync();
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await api.ListAsync()).Status);
        }
    }
}
