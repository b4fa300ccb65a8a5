using System.Net;
using KaizalaBatch.Emulator.Tests.Support;

namespace KaizalaBatch.Emulator.Tests;

public sealed class SmokeTests
{
    [Fact]
    public async Task A_token_then_a_survey_is_accepted_and_stored()
    {
        await using var emulator = await KaizalaEmulator.StartAsync(new EmulatorOptions(), ct: TestContext.Current.CancellationToken);
        using var api = new Api(emulator);
        var token = await api.SignInAsync();
        Assert.Equal(emulator.BaseUrl, token.EndpointUrl);
        Assert.Equal("", token.RefreshToken);

        var reply = await api.PostActionAsync(Api.Json(
            "{'actionType':'Survey','actionBody':{'title':'T','questions':[{'title':'Q','type':'TEXT'}]}}"));

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var stored = Assert.Single(emulator.Actions);
        Assert.Equal("Survey", stored.ActionType);
        Assert.Equal(Guid.Parse(reply.Body!["referenceId"]!.GetValue<string>()), stored.ReferenceId);
    }
}
