using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace KaizalaBatch.Cli.Tests;

public sealed class EmulatorCommandTests
{
    [Fact]
    public async Task Emulator_command_serves_the_api_and_a_survey_can_be_posted_to_it()
    {
        using var process = Process.Start(CliProcess.StartInfo(["emulator", "--urls", "http://127.0.0.1:0", "--per-minute", "50"]))!;
        try
        {
            var banner = await process.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken);
            Assert.NotNull(banner);
            var match = System.Text.RegularExpressions.Regex.Match(banner, @"http://127\.0\.0\.1:\d+/");
            Assert.True(match.Success, banner);
            var baseUrl = new Uri(match.Value);

            using var http = new HttpClient { BaseAddress = baseUrl };
            using var tokenRequest = new HttpRequestMessage(HttpMethod.Get, "v1/accessToken");
            tokenRequest.Headers.Add("applicationId", "app-1");
            tokenRequest.Headers.Add("applicationSecret", "secret-1");
            tokenRequest.Headers.Add("refreshToken", "refresh-1");
            using var tokenResponse = await http.SendAsync(tokenRequest, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, tokenResponse.StatusCode);
            var token = (await tokenResponse.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!;
            var endpoint = new Uri((string)token["endpointUrl"]!);

            var group = Guid.NewGuid();
            using var post = new HttpRequestMessage(HttpMethod.Post, new Uri(endpoint, $"v1/groups/{group}/actions"))
            {
                Content = JsonContent.Create(new JsonObject
                {
                    ["actionType"] = "Survey",
                    ["actionBody"] = new JsonObject
                    {
                        ["title"] = "Is the fire exit clear?",
                        ["questions"] = new JsonArray(new JsonObject
                        {
                            ["title"] = "Fire exit",
                            ["type"] = "SingleOption",
                            ["options"] = new JsonArray(new JsonObject { ["title"] = "Yes" }, new JsonObject { ["title"] = "No" }),
                        }),
                    },
                }),
            };
            post.Headers.Add("accessToken", (string)token["accessToken"]!);
            post.Headers.Add("applicationId", "app-1");
            using var posted = await http.SendAsync(post, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, posted.StatusCode);

            var actions = (await http.GetFromJsonAsync<JsonNode>("_emulator/actions", TestContext.Current.CancellationToken))!;
            Assert.Contains(group.ToString(), actions.ToJsonString(), StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task A_fault_rate_outside_zero_to_one_is_a_usage_error_with_exit_2()
    {
        var result = await CliProcess.RunAsync(["emulator", "--fault-5xx", "1.5"]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--fault-5xx must be a rate from 0 to 1", result.StdErr);
        Assert.DoesNotContain("   at ", result.AllOutput);
    }
}
