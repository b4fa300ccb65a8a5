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

    /// <summary>The details call's <c>actionDetails</c>, after checking the documented envelope around it.</summary>
    private async Task<System.Text.Json.Nodes.JsonNode> DetailsAsync(Guid actionId, bool details)
    {
        var reply = await Api.DetailsAsync(actionId, details);
        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal(["actionType", "sender", "sentAt", "actionDetails"], reply.Body!.AsObject().Select(p => p.Key));
        Assert.Equal(State.Senders.PhoneOf("connector-a"), reply.Body["sender"]!.GetValue<string>());
        return reply.Body["actionDetails"]!;
    }

    private static string Iso(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_Job_counts_its_responses_and_completes()
    {
        var (job, stored) = await SendAsync("{'actionType':'Job','actionBody':{'title':'Fix','assignedTo':['+911111111111','+912222222222'],'dueDate':10}}");

        var fresh = await DetailsAsync(job, details: false);
        Assert.Equal("Fix", fresh["title"]!.GetValue<string>());
        Assert.Equal(Iso(stored.CreatedAt + TimeSpan.FromHours(10)), fresh["dueDate"]!.GetValue<string>());
        Assert.False(fresh["status"]!.GetValue<bool>());
        Assert.Equal(0, fresh["responseCount"]!.GetValue<int>());
        Assert.Equal(2, fresh["assigneeCount"]!.GetValue<int>());
        Assert.Null(fresh["responses"]);

        var done = Api.Json("{'actionType':'Job','actionBody':{'isCompleted':true}}");
        Assert.Equal(HttpStatusCode.OK, (await Api.RespondAsync(job, done)).Status);
        Assert.False((await DetailsAsync(job, details: false))["status"]!.GetValue<bool>());
        var second = await Api.RespondAsync(job, done);
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.True(Guid.TryParse(second.Body!["responseId"]!.GetValue<string>(), out _));

        var detailed = await DetailsAsync(job, details: true);
        Assert.True(detailed["status"]!.GetValue<bool>());
        Assert.Equal(2, detailed["responseCount"]!.GetValue<int>());
        var responses = detailed["responses"]!.AsArray();
        Assert.Equal(2, responses.Count);
        Assert.True(responses[0]!["actionBody"]!["isCompleted"]!.GetValue<bool>());
        Assert.Equal(State.Senders.PhoneOf("connector-a"), responses[0]!["responder"]!.GetValue<string>());
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
        Assert.Equal(0, (await DetailsAsync(job, details: false))["responseCount"]!.GetValue<int>());
    }

    private const string ThreeQuestionSurvey =
        "{'actionType':'Survey','actionBody':{'title':'Lunch','dueDate':48,'questions':[{'title':'Name','type':'Text'}," +
        "{'title':'Veg?','type':'SingleOption','options':[{'title':'Yes'},{'title':'No'}]}," +
        "{'title':'Days','type':'MultiOption','options':[{'title':'Mon'},{'title':'Tue'},{'title':'Wed'}]}," +
        "{'title':'Where','type':'Location'},{'title':'When','type':'Date'},{'title':'How many','type':'Numeric'}," +
        "{'title':'Start','type':'DateTime'}]}}";

    [Fact]
    public async Task A_Survey_takes_answers_by_question_index()
    {
        var (survey, stored) = await SendAsync(ThreeQuestionSurvey);

        var answer = Api.Json("{'actionType':'Survey','actionBody':{'answers':['Asha','No',['Mon','Wed'],{'latitude':12.9,'longitude':77.6,'name':'Office'},'2026-02-01',3,'2026-02-01T09:00:00Z']}}");
        Assert.Equal(HttpStatusCode.OK, (await Api.RespondAsync(survey, answer)).Status);
        var unanswered = Api.Json("{'actionBody':{'Answers':['Ravi',null,[],null,null,null,null]}}");
        Assert.Equal(HttpStatusCode.OK, (await Api.RespondAsync(survey, unanswered)).Status);

        var summary = await DetailsAsync(survey, details: false);
        Assert.Equal("Lunch", summary["title"]!.GetValue<string>());
        Assert.Equal(2, summary["responseCount"]!.GetValue<int>());
        Assert.Equal(Iso(stored.CreatedAt + TimeSpan.FromHours(48)), summary["expiryDate"]!.GetValue<string>());
        Assert.Null(summary["responses"]);
        var detailed = await DetailsAsync(survey, details: true);
        Assert.Equal("Asha", detailed["responses"]![0]!["actionBody"]!["answers"]![0]!.GetValue<string>());
    }

    /// <summary>The docs' own sample request (action_responses.md), answer for answer: "Answers" in capitals, a string per
    /// Text/SingleOption question, strings for MultiOption, a number for Numeric, {lt, lg, n} for Location, epoch seconds for
    /// DateTime and a mediaResource for Image.</summary>
    [Fact]
    public async Task The_docs_sample_response_is_accepted_and_a_responseId_updates_it()
    {
        var (survey, _) = await SendAsync(
            "{'actionType':'Survey','actionBody':{'title':'Sample','questions':[{'title':'a','type':'Text'}," +
            "{'title':'b','type':'SingleOption','options':[{'title':'Opt1'},{'title':'Opt2'}]}," +
            "{'title':'c','type':'MultiOption','options':[{'title':'MOpt1'},{'title':'MOpt2'}]}," +
            "{'title':'d','type':'Numeric'},{'title':'e','type':'Location'},{'title':'f','type':'DateTime'},{'title':'g','type':'Image'}]}}");
        var sample = Api.Json("{'actionType':'Survey','actionBody':{'responseName':'API response'," +
            "'responseLocation':{'latitude':1,'longitude':1,'name':'locationName234'}," +
            "'Answers':['Response from API','Opt1',['MOpt1','MOpt2'],123,{'lt':1,'lg':1,'n':'cool'},1500377471,'eyJUaHVtYm5haWwiOiJ4In0=']}}");

        var first = await Api.RespondAsync(survey, sample);
        Assert.Equal(HttpStatusCode.OK, first.Status);
        var responseId = first.Body!["responseId"]!.GetValue<string>();
        var update = Api.Json("{'actionType':'Survey','responseId':'" + responseId + "','actionBody':{'answers':['Changed','Opt2',[],7,null,null,null]}}");
        var updated = await Api.RespondAsync(survey, update);
        var unknown = await Api.RespondAsync(survey, Api.Json("{'actionType':'Survey','responseId':'" + Guid.NewGuid() + "','actionBody':{'answers':['x',null,[],null,null,null,null]}}"));

        Assert.Equal(responseId, updated.Body!["responseId"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        var detailed = await DetailsAsync(survey, details: true);
        Assert.Equal(1, detailed["responseCount"]!.GetValue<int>());
        Assert.Equal("Changed", detailed["responses"]![0]!["actionBody"]!["answers"]![0]!.GetValue<string>());
    }

    [Theory]
    [InlineData("{'actionBody':{'answers':['Asha',2,[0],null,null,null,null]}}", "actionBody.answers[1]")]
    [InlineData("{'actionBody':{'answers':['Asha','Maybe',[0],null,null,null,null]}}", "actionBody.answers[1]")]
    [InlineData("{'actionBody':{'answers':['Asha',0,['Mon','Mon'],null,null,null,null]}}", "actionBody.answers[2][1]")]
    [InlineData("{'actionBody':{'answers':['Asha',0,1,null,null,null,null]}}", "actionBody.answers[2]")]
    [InlineData("{'actionBody':{'answers':[7,0,[0],null,null,null,null]}}", "actionBody.answers[0]")]
    [InlineData("{'actionBody':{'answers':['Asha',0,[0],{'latitude':12.9},null,null,null]}}", "actionBody.answers[3].longitude")]
    [InlineData("{'actionBody':{'answers':['Asha',0,[0],{'lt':12.9},null,null,null]}}", "actionBody.answers[3].lg")]
    [InlineData("{'actionBody':{'answers':['Asha',0,[0],null,'next Monday',null,null]}}", "actionBody.answers[4]")]
    [InlineData("{'actionBody':{'answers':['Asha',0,[0],null,null,'three',null]}}", "actionBody.answers[5]")]
    [InlineData("{'actionBody':{'answers':['Asha',0]}}", "actionBody.answers")]
    [InlineData("{'responseId':'nope','actionBody':{'answers':['Asha',0,[0],null,null,null,null]}}", "responseId")]
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
        var summary = await DetailsAsync(poll, details: true);
        Assert.Equal("Tea or coffee?", summary["question"]!.GetValue<string>());
        Assert.Equal(3, summary["responseCount"]!.GetValue<int>());
        Assert.Equal([1, 0, 1], summary["responses"]!.AsArray().Select(r => r!["actionBody"]!["choice"]!.GetValue<int>()));
    }

    [Fact]
    public async Task An_Announcement_takes_no_responses_and_has_a_summary()
    {
        var (announcement, _) = await SendAsync("{'actionType':'Announcement','actionBody':{'title':'Hi','message':'Hello'}}");

        var refused = await Api.RespondAsync(announcement, Api.Json("{'actionBody':{'seen':true}}"));
        var summary = await DetailsAsync(announcement, details: true);

        Assert.Equal("actionId", refused.Field);
        Assert.Equal("Hi", summary["title"]!.GetValue<string>());
        Assert.Empty(summary["responses"]!.AsArray());
    }

    [Fact]
    public async Task A_package_instance_takes_any_response_object()
    {
        var (instance, _) = await SendAsync("{'id':'com.example.pkg','actionBody':{'properties':[{'name':'n','type':'Text','value':'v'}]}}");

        Assert.Equal(HttpStatusCode.OK, (await Api.RespondAsync(instance, Api.Json("{'id':'com.example.pkg','actionBody':{'Answers':['x']}}"))).Status);
        Assert.Equal(1, (await DetailsAsync(instance, details: false))["responseCount"]!.GetValue<int>());
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
