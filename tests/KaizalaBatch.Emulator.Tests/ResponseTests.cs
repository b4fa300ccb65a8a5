using System.Net;
using KaizalaBatch.Emulator.Tests.Support;

namespace KaizalaBatch.Emulator.Tests;

/// <summary>GET .../actions/{actionId}?getDetails= and POST .../actions/{actionId}/responses.</summary>
public sealed class ResponseTests(SignedInEmulator fixture) : IClassFixture<SignedInEmulator>
{
    private Api Api => fixture.Api;

    private async Task<(Guid ActionId, AcceptedAction Stored)> SendAsync(string singleQuoted)
    {
        var reply = await Api.PostActionAsync(Api.Json(singleQuoted));
        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var actionId = Guid.Parse(reply.Body!["actionId"]!.GetValue<string>());
        return (actionId, fixture.Emulator.Actions.Single(a => a.ActionId == actionId));
    }

    [Fact]
    public async Task A_Job_counts_its_responses_and_completes()
    {
        var (job, stored) = await SendAsync("{'actionType':'Job','actionBody':{'title':'Fix','assignedTo':['+911111111111','+912222222222'],'dueDate':10}}");

        var fresh = (await Api.DetailsAsync(job, details: false)).Body!;
        Assert.Equal("Fix", fresh["title"]!.GetValue<string>());
        Assert.Equal((stored.CreatedAt + TimeSpan.FromHours(10)).ToUnixTimeMilliseconds(), fresh["dueDate"]!.GetValue<long>());
        Assert.Equal("Open", fresh["status"]!.GetValue<string>());
        Assert.Equal(0, fresh["responseCount"]!.GetValue<int>());
        Assert.Equal(2, fresh["assigneeCount"]!.GetValue<int>());
        Assert.Null(fresh["responses"]);

        var done = Api.Json("{'actionType':'Job','actionBody':{'isCompleted':true}}");
        Assert.Equal(HttpStatusCode.OK, (await Api.RespondAsync(job, done)).Status);
        Assert.Equal("Open", (await Api.DetailsAsync(job, details: false)).Body!["status"]!.GetValue<string>());
        var second = await Api.RespondAsync(job, done);
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.True(Guid.TryParse(second.Body!["responseId"]!.GetValue<string>(), out _));

        var detailed = (await Api.DetailsAsync(job, details: true)).Body!;
        Assert.Equal("Completed", detailed["status"]!.GetValue<string>());
        Assert.Equal(2, detailed["responseCount"]!.GetValue<int>());
        var responses = detailed["responses"]!.AsArray();
        Assert.Equal(2, responses.Count);
        Assert.True(responses[0]!["actionBody"]!["isCompleted"]!.GetValue<bool>());
        Assert.Equal("connector-a", responses[0]!["responder"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("{'actionType':'Job','actionBody':{'isCompleted':'yes'}}", "actionBody.isCompleted")]
    [InlineData("{'actionType':'Job','actionBody':{}}", "actionBody.isCompleted")]
    [InlineData("{'actionType':'Survey','actionBody':{'isCompleted':true}}", "actionType")]
    [InlineData("{'actionType':'Job'}", "actionBody")]
    public async Task A_bad_Job_response_is_refused(string singleQuoted, string field)
    {
        var (job, _) = await SendAsync("{'actionType':'Job','actionBody':{'title':'Fix','assignedTo':['+911111111111']}}");

        var reply = await Api.RespondAsync(job, Api.Json(singleQuoted));

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal(field, reply.Field);
        Assert.Equal(0, (await Api.DetailsAsync(job, details: false)).Body!["responseCount"]!.GetValue<int>());
    }

    private const string ThreeQuestionSurvey =
        "{'actionType':'Survey','actionBody':{'title':'Lunch','dueDate':48,'questions':[{'title':'Name','type':'Text'}," +
        "{'title':'Veg?','type':'SingleOption','options':[{'title':'Yes'},{'title':'No'}]}," +
        "{'title':'Days','type':'MultiOption','options':[{'title':'Mon'},{'title':'Tue'},{'title':'Wed'}]}," +
        "{'title':'Where','type':'Location'},{'title':'When','type':'Date'}]}}";

    [Fact]
    public async Task A_Survey_takes_answers_by_question_index()
    {
        var (survey, stored) = await SendAsync(ThreeQuestionSurvey);

        var answer = Api.Json("{'actionType':'Survey','actionBody':{'answers':['Asha',1,[0,2],{'latitude':12.9,'longitude':77.6},'2026-02-01']}}");
        Assert.Equal(HttpStatusCode.OK, (await Api.RespondAsync(survey, answer)).Status);
        var unanswered = Api.Json("{'actionBody':{'Answers':['Ravi',null,[],null,null]}}");
        Assert.Equal(HttpStatusCode.OK, (await Api.RespondAsync(survey, unanswered)).Status);

        var summary = (await Api.DetailsAsync(survey, details: false)).Body!;
        Assert.Equal("Lunch", summary["title"]!.GetValue<string>());
        Assert.Equal(2, summary["responseCount"]!.GetValue<int>());
        Assert.Equal((stored.CreatedAt + TimeSpan.FromHours(48)).ToUnixTimeMilliseconds(), summary["expiryDate"]!.GetValue<long>());
        var detailed = (await Api.DetailsAsync(survey, details: true)).Body!;
        Assert.Equal("Asha", detailed["responses"]![0]!["actionBody"]!["answers"]![0]!.GetValue<string>());
    }

    [Theory]
    [InlineData("{'actionBody':{'answers':['Asha',2,[0],null,null]}}", "actionBody.answers[1]")]
    [InlineData("{'actionBody':{'answers':['Asha',0,[0,0],null,null]}}", "actionBody.answers[2][1]")]
    [InlineData("{'actionBody':{'answers':['Asha',0,1,null,null]}}", "actionBody.answers[2]")]
    [InlineData("{'actionBody':{'answers':[7,0,[0],null,null]}}", "actionBody.answers[0]")]
    [InlineData("{'actionBody':{'answers':['Asha',0,[0],{'latitude':12.9},null]}}", "actionBody.answers[3].longitude")]
    [InlineData("{'actionBody':{'answers':['Asha',0,[0],null,'next Monday']}}", "actionBody.answers[4]")]
    [InlineData("{'actionBody':{'answers':['Asha',0]}}", "actionBody.answers")]
    [InlineData("{'actionBody':{}}", "actionBody.answers")]
    public async Task A_bad_Survey_response_is_refused(string singleQuoted, string field)
    {
        var (survey, _) = await SendAsync(ThreeQuestionSurvey);

        var reply = await Api.RespondAsync(survey, Api.Json(singleQuoted));

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal(field, reply.Field);
    }

    [Fact]
    public async Task A_Poll_counts_choices()
    {
        var (poll, _) = await SendAsync("{'actionType':'Poll','actionBody':{'question':'Tea or coffee?','choices':[{'title':'Tea'},{'title':'Coffee'}]}}");
        foreach (var choice in new[] { 1, 0, 1 })
        {
            Assert.Equal(HttpStatusCode.OK, (await Api.RespondAsync(poll, Api.Json($"{{'actionType':'Poll','actionBody':{{'choice':{choice}}}}}"))).Status);
        }

        var refused = await Api.RespondAsync(poll, Api.Json("{'actionBody':{'choice':2}}"));

        Assert.Equal("actionBody.choice", refused.Field);
        var summary = (await Api.DetailsAsync(poll, details: false)).Body!;
        Assert.Equal("Tea or coffee?", summary["title"]!.GetValue<string>());
        Assert.Equal(3, summary["responseCount"]!.GetValue<int>());
        Assert.Equal([1, 2], summary["results"]!.AsArray().Select(r => r!["count"]!.GetValue<int>()));
    }

    [Fact]
    public async Task An_Announcement_takes_no_responses_and_has_a_summary()
    {
        var (announcement, _) = await SendAsync("{'actionType':'Announcement','actionBody':{'title':'Hi','message':'Hello'}}");

        var refused = await Api.RespondAsync(announcement, Api.Json("{'actionBody':{'seen':true}}"));
        var summary = (await Api.DetailsAsync(announcement, details: true)).Body!;

        Assert.Equal("actionId", refused.Field);
        Assert.Equal("Hi", summary["title"]!.GetValue<string>());
        Assert.Equal(0, summary["responseCount"]!.GetValue<int>());
        Assert.Empty(summary["responses"]!.AsArray());
    }

    [Fact]
    public async Task A_package_instance_takes_any_response_object()
    {
        var (instance, _) = await SendAsync("{'id':'com.example.pkg','actionBody':{'properties':[{'name':'n','type':'Text','value':'v'}]}}");

        Assert.Equal(HttpStatusCode.OK, (await Api.RespondAsync(instance, Api.Json("{'id':'com.example.pkg','actionBody':{'Answers':['x']}}"))).Status);
        Assert.Equal(1, (await Api.DetailsAsync(instance, details: false)).Body!["responseCount"]!.GetValue<int>());
    }

    [Fact]
    public async Task Unknown_or_foreign_Actions_are_404_and_a_bad_actionId_400()
    {
        var (job, _) = await SendAsync("{'actionType':'Job','actionBody':{'title':'Fix','assignedTo':['+911111111111']}}");

        Assert.Equal(HttpStatusCode.NotFound, (await Api.DetailsAsync(Guid.NewGuid(), details: false)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.DetailsAsync(job, details: false, group: Guid.NewGuid())).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.RespondAsync(Guid.NewGuid(), Api.Json("{'actionBody':{'isCompleted':true}}"))).Status);
        var bad = await Api.GetAsync($"v1/groups/{Api.Group}/actions/not-a-guid");
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        Assert.Equal("actionId", bad.Field);
        var badFlag = await Api.GetAsync($"v1/groups/{Api.Group}/actions/{job}?getDetails=maybe");
        Assert.Equal("getDetails", badFlag.Field);
    }
}
