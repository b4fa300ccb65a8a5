using System.Net;
using KaizalaBatch.Emulator.Tests.Support;

namespace KaizalaBatch.Emulator.Tests;

/// <summary>Every Action type of REFERENCE.md, once accepted and at least once refused with the exact field.</summary>
public sealed class ActionRulesTests(SignedInEmulator fixture) : IClassFixture<SignedInEmulator>
{
    private Api Api => fixture.Api;

    [Theory]
    [InlineData("Job", "{'actionType':'Job','actionBody':{'title':'Fix the pump','assignedTo':['+911111111111','+4915112345678'],'dueDate':10}}")]
    [InlineData("Job", "{'actionType':'job','actionBody':{'title':'Any case type','assignedTo':['+911111111111']}}")]
    [InlineData("Survey", "{'actionType':'Survey','actionBody':{'title':'All question types','isAnonymous':false,'isSenderOnly':false,'acceptMultipleResponses':true,'dueDate':10,'questions':[" +
        "{'title':'a','type':'Text'},{'title':'b','type':'SINGLEOPTION','options':[{'title':'x'},{'title':'y'}]}," +
        "{'title':'c','type':'multioption','options':[{'title':'x'}]},{'title':'d','type':'Numeric'},{'title':'e','type':'Image'}," +
        "{'title':'f','type':'Location'},{'title':'g','type':'DateTime'},{'title':'h','type':'Date'},{'title':'i','type':'AttachmentList','isInvisible':true}]}}")]
    [InlineData("Poll", "{'actionType':'Poll','actionBody':{'question':'Lunch?','choices':[{'title':'Yes'},{'title':'No','image':'kzm-image-1'}],'expiryInHours':48}}")]
    [InlineData("Announcement", "{'actionType':'Announcement','actionBody':{'title':'Hi','message':'Hello','mediaResources':['kzm-image-1']}}")]
    [InlineData("Announcement", "{'actionType':'Announcement','actionBody':{'title':'Hi','Message':'Hello','MediaResources':['kzm-image-1','kzm-image-2']}}")]
    [InlineData("LetsMeet", "{'actionType':'LetsMeet','actionBody':{'title':'Standup','startingTime':'2026-03-01T09:30:00+05:30','durationInMins':15," +
        "'place':{'latitude':12.97,'longitude':77.59,'name':'Office'},'agenda':'Plans','isSenderOnly':false}}")]
    [InlineData("LetsMeet", "{'actionType':'LetsMeet','actionBody':{'title':'Docs sample spelling','startingTime':'2026-03-01T09:30:00Z','duration':45}}")]
    [InlineData("Image", "{'actionType':'Image','actionBody':{'mediaResource':'kzm-image-1','caption':'A picture'}}")]
    [InlineData("Album", "{'actionType':'Album','actionBody':{'mediaResource':'any non-empty string'}}")]
    [InlineData("Audio", "{'actionType':'Audio','actionBody':{'mediaResource':'kzm-audio-1'}}")]
    [InlineData("Document", "{'actionType':'Document','actionBody':{'mediaResource':'kzm-application-1','caption':''}}")]
    [InlineData("Video", "{'actionType':'Video','actionBody':{'mediaResource':'kzm-video-1'}}")]
    [InlineData("com.example.birthday.1", "{'id':'com.example.birthday.1','actionBody':{'properties':[{'name':'name','type':'Text','value':'Asha'},{'name':'age','type':'Numeric','value':'30'},{'name':'note','type':'Text','value':''}]}}")]
    [InlineData("com.example.notice.2", "{'id':'com.example.notice.2','actionBody':{'title':'override title','validity':24},'subscribers':['+911111111111'],'sendToAllSubscribers':false}")]
    [InlineData("com.example.notice.2", "{'id':'com.example.notice.2','actionBody':{'title':'to everyone','validity':24},'sendToAllSubscribers':true}")]
    public async Task A_valid_body_is_accepted_and_stored_as_received(string kind, string singleQuoted)
    {
        var json = Api.Json(singleQuoted);

        var reply = await Api.PostActionAsync(json);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var referenceId = Guid.Parse(reply.Body!["referenceId"]!.GetValue<string>());
        var stored = Assert.Single(fixture.Emulator.Actions, a => a.ReferenceId == referenceId);
        Assert.Equal(kind, stored.Kind);
        Assert.Equal(Api.Group, stored.GroupId);
        Assert.Equal("connector-a", stored.Connector);
        var rawBody = json[(json.IndexOf("\"actionBody\":", StringComparison.Ordinal) + "\"actionBody\":".Length)..];
        Assert.StartsWith(stored.ActionBodyJson, rawBody, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Image")]
    [InlineData("Album")]
    [InlineData("Audio")]
    [InlineData("Document")]
    [InlineData("Video")]
    public async Task A_media_Action_is_answered_with_a_referenceId_alone(string type)
    {
        var reply = await Api.PostActionAsync(Api.Json($"{{'actionType':'{type}','actionBody':{{'mediaResource':'m'}}}}"));

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.NotNull(reply.Body!["referenceId"]);
        Assert.Null(reply.Body["actionId"]);
    }

    [Fact]
    public async Task A_non_media_Action_is_answered_with_a_referenceId_and_an_actionId()
    {
        var reply = await Api.PostActionAsync(Api.Json("{'actionType':'Job','actionBody':{'title':'t','assignedTo':['+911111111111']}}"));

        Assert.True(Guid.TryParse(reply.Body!["referenceId"]!.GetValue<string>(), out _));
        Assert.True(Guid.TryParse(reply.Body["actionId"]!.GetValue<string>(), out _));
    }

    [Theory]
    // the envelope
    [InlineData("{'actionType':'Job','id':'com.example.pkg','actionBody':{'title':'t','assignedTo':['+911111111111']}}", "id")]
    [InlineData("{'actionBody':{'title':'t'}}", "actionType")]
    [InlineData("{'actionType':'Quiz','actionBody':{'title':'t'}}", "actionType")]
    [InlineData("{'actionType':'','actionBody':{'title':'t'}}", "actionType")]
    [InlineData("{'actionType':'Job'}", "actionBody")]
    [InlineData("{'actionType':'Job','actionBody':'title'}", "actionBody")]
    [InlineData("['Job']", "body")]
    [InlineData("{'actionType':'Job','actionBody':{'title':'t','assignedTo':['+911111111111']},'subscribers':['+911111111111']}", "subscribers")]
    // Job
    [InlineData("{'actionType':'Job','actionBody':{'assignedTo':['+911111111111']}}", "actionBody.title")]
    [InlineData("{'actionType':'Job','actionBody':{'title':'  ','assignedTo':['+911111111111']}}", "actionBody.title")]
    [InlineData("{'actionType':'Job','actionBody':{'title':'t'}}", "actionBody.assignedTo")]
    [InlineData("{'actionType':'Job','actionBody':{'title':'t','assignedTo':[]}}", "actionBody.assignedTo")]
    [InlineData("{'actionType':'Job','actionBody':{'title':'t','assignedTo':['+911111111111','911111111111']}}", "actionBody.assignedTo[1]")]
    [InlineData("{'actionType':'Job','actionBody':{'title':'t','assignedTo':['+1234567']}}", "actionBody.assignedTo[0]")]
    [InlineData("{'actionType':'Job','actionBody':{'title':'t','assignedTo':['+1234567890123456']}}", "actionBody.assignedTo[0]")]
    [InlineData("{'actionType':'Job','actionBody':{'title':'t','assignedTo':['+911111111111'],'dueDate':'10'}}", "actionBody.dueDate")]
    [InlineData("{'actionType':'Job','actionBody':{'title':'t','assignedTo':['+911111111111'],'dueDate':10.5}}", "actionBody.dueDate")]
    [InlineData("{'actionType':'Job','actionBody':{'title':'t','assignedTo':['+911111111111'],'dueDate':10.0}}", "actionBody.dueDate")]
    [InlineData("{'actionType':'Job','actionBody':{'title':'t','assignedTo':['+911111111111'],'dueDate':0}}", "actionBody.dueDate")]
    // Survey
    [InlineData("{'actionType':'Survey','actionBody':{'questions':[{'title':'a','type':'Text'}]}}", "actionBody.title")]
    [InlineData("{'actionType':'Survey','actionBody':{'title':'s','questions':[]}}", "actionBody.questions")]
    [InlineData("{'actionType':'Survey','actionBody':{'title':'s','questions':[{'title':'a','type':'Essay'}]}}", "actionBody.questions[0].type")]
    [InlineData("{'actionType':'Survey','actionBody':{'title':'s','questions':[{'title':'a','type':'Text'},{'type':'Text'}]}}", "actionBody.questions[1].title")]
    [InlineData("{'actionType':'Survey','actionBody':{'title':'s','questions':[{'title':'a','type':'Text'},{'title':'b','type':'Numeric'},{'title':'c','type':'SingleOption'}]}}", "actionBody.questions[2].options")]
    [InlineData("{'actionType':'Survey','actionBody':{'title':'s','questions':[{'title':'c','type':'MULTIOPTION','options':[]}]}}", "actionBody.questions[0].options")]
    [InlineData("{'actionType':'Survey','actionBody':{'title':'s','questions':[{'title':'c','type':'MultiOption','options':[{'title':'x'},{'name':'y'}]}]}}", "actionBody.questions[0].options[1].title")]
    [InlineData("{'actionType':'Survey','actionBody':{'title':'s','isAnonymous':'true','questions':[{'title':'a','type':'Text'}]}}", "actionBody.isAnonymous")]
    [InlineData("{'actionType':'Survey','actionBody':{'title':'s','acceptMultipleResponses':1,'questions':[{'title':'a','type':'Text'}]}}", "actionBody.acceptMultipleResponses")]
    [InlineData("{'actionType':'Survey','actionBody':{'title':'s','dueDate':1.5,'questions':[{'title':'a','type':'Text'}]}}", "actionBody.dueDate")]
    // Poll
    [InlineData("{'actionType':'Poll','actionBody':{'choices':[{'title':'Yes'}]}}", "actionBody.question")]
    [InlineData("{'actionType':'Poll','actionBody':{'question':'q'}}", "actionBody.choices")]
    [InlineData("{'actionType':'Poll','actionBody':{'question':'q','choices':[{'title':'Yes'},{'image':'kzm-image-1'}]}}", "actionBody.choices[1].title")]
    [InlineData("{'actionType':'Poll','actionBody':{'question':'q','choices':['Yes']}}", "actionBody.choices[0]")]
    [InlineData("{'actionType':'Poll','actionBody':{'question':'q','choices':[{'title':'Yes'}],'expiryInHours':'720'}}", "actionBody.expiryInHours")]
    // Announcement
    [InlineData("{'actionType':'Announcement','actionBody':{'message':'m'}}", "actionBody.title")]
    [InlineData("{'actionType':'Announcement','actionBody':{'title':'t'}}", "actionBody.message")]
    [InlineData("{'actionType':'Announcement','actionBody':{'title':'t','message':'m','MediaResources':['kzm-1','']}}", "actionBody.MediaResources[1]")]
    [InlineData("{'actionType':'Announcement','actionBody':{'title':'t','message':'m','mediaResources':'kzm-1'}}", "actionBody.mediaResources")]
    [InlineData("{'actionType':'Announcement','actionBody':{'title':'t','message':'m','mediaResources':[],'MediaResources':[]}}", "actionBody.MediaResources")]
    // LetsMeet
    [InlineData("{'actionType':'LetsMeet','actionBody':{'startingTime':'2026-03-01T09:30:00Z'}}", "actionBody.title")]
    [InlineData("{'actionType':'LetsMeet','actionBody':{'title':'t'}}", "actionBody.startingTime")]
    [InlineData("{'actionType':'LetsMeet','actionBody':{'title':'t','startingTime':'tomorrow at nine'}}", "actionBody.startingTime")]
    [InlineData("{'actionType':'LetsMeet','actionBody':{'title':'t','startingTime':'2026-03-01'}}", "actionBody.startingTime")]
    [InlineData("{'actionType':'LetsMeet','actionBody':{'title':'t','startingTime':'2026-03-01T09:30:00Z','durationInMins':'30'}}", "actionBody.durationInMins")]
    [InlineData("{'actionType':'LetsMeet','actionBody':{'title':'t','startingTime':'2026-03-01T09:30:00Z','duration':0}}", "actionBody.duration")]
    [InlineData("{'actionType':'LetsMeet','actionBody':{'title':'t','startingTime':'2026-03-01T09:30:00Z','duration':30,'durationInMins':30}}", "actionBody.duration")]
    [InlineData("{'actionType':'LetsMeet','actionBody':{'title':'t','startingTime':'2026-03-01T09:30:00Z','place':{'latitude':100,'longitude':0}}}", "actionBody.place.latitude")]
    [InlineData("{'actionType':'LetsMeet','actionBody':{'title':'t','startingTime':'2026-03-01T09:30:00Z','place':{'latitude':1}}}", "actionBody.place.longitude")]
    [InlineData("{'actionType':'LetsMeet','actionBody':{'title':'t','startingTime':'2026-03-01T09:30:00Z','isSenderOnly':'no'}}", "actionBody.isSenderOnly")]
    // media
    [InlineData("{'actionType':'Image','actionBody':{'caption':'c'}}", "actionBody.mediaResource")]
    [InlineData("{'actionType':'Album','actionBody':{'mediaResource':''}}", "actionBody.mediaResource")]
    [InlineData("{'actionType':'Audio','actionBody':{'mediaResource':42}}", "actionBody.mediaResource")]
    [InlineData("{'actionType':'Document','actionBody':{'mediaResource':'m','caption':7}}", "actionBody.caption")]
    [InlineData("{'actionType':'Video','actionBody':{}}", "actionBody.mediaResource")]
    // package instances
    [InlineData("{'id':'','actionBody':{'properties':[]}}", "id")]
    [InlineData("{'id':'com.example.pkg','actionBody':{}}", "actionBody.properties")]
    [InlineData("{'id':'com.example.pkg','actionBody':{'properties':[{'name':'n','type':'Blob','value':'v'}]}}", "actionBody.properties[0].type")]
    [InlineData("{'id':'com.example.pkg','actionBody':{'properties':[{'name':'n','type':'Text','value':'v'},{'name':'age','type':'Numeric','value':30}]}}", "actionBody.properties[1].value")]
    [InlineData("{'id':'com.example.pkg','actionBody':{'properties':[{'type':'Text','value':'v'}]}}", "actionBody.properties[0].name")]
    [InlineData("{'id':'com.example.pkg','actionBody':{'title':'t','validity':24}}", "subscribers")]
    [InlineData("{'id':'com.example.pkg','actionBody':{'title':'t','validity':'24'},'sendToAllSubscribers':true}", "actionBody.validity")]
    [InlineData("{'id':'com.example.pkg','actionBody':{'title':'t','validity':24},'subscribers':['12345']}", "subscribers[0]")]
    [InlineData("{'id':'com.example.pkg','actionBody':{'title':'t','validity':24},'sendToAllSubscribers':'true'}", "sendToAllSubscribers")]
    public async Task An_invalid_body_is_refused_with_the_exact_field(string singleQuoted, string field)
    {
        var before = fixture.Emulator.Actions.Count;

        var reply = await Api.PostActionAsync(Api.Json(singleQuoted));

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("BadRequest", reply.Body!["code"]!.GetValue<string>());
        Assert.Equal(field, reply.Field);
        Assert.Contains(field, reply.Body["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(before, fixture.Emulator.Actions.Count);
    }

    [Fact]
    public async Task The_refusal_message_names_the_rule()
    {
        var reply = await Api.PostActionAsync(Api.Json(
            "{'actionType':'Survey','actionBody':{'title':'s','questions':[{'title':'a','type':'Text'},{'title':'b','type':'Text'},{'title':'c','type':'SingleOption'}]}}"));

        Assert.Equal("actionBody.questions[2].options is required for SingleOption questions", reply.Body!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Malformed_JSON_is_refused()
    {
        var reply = await Api.PostActionAsync("{\"actionType\": \"Job\", ");

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("body", reply.Field);
    }

    [Fact]
    public async Task A_groupId_that_is_not_a_GUID_is_refused()
    {
        var reply = await Api.PostActionAsync(Api.Json("{'actionType':'Video','actionBody':{'mediaResource':'m'}}"), "my-group");

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("groupId", reply.Field);
    }

    [Fact]
    public async Task A_body_that_is_not_JSON_is_refused_with_415()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Api.Endpoint, $"v1/groups/{Api.Group}/actions"))
        {
            Content = new StringContent("actionType=Job", System.Text.Encoding.UTF8, "text/plain"),
        };
        request.Headers.Add("accessToken", Api.AccessToken);

        var reply = await Api.SendAsync(request);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, reply.Status);
    }

    [Theory]
    [InlineData("2026-03-01T09:30:00Z", true)]
    [InlineData("2026-03-01T09:30:00.123+05:30", true)]
    [InlineData("2026-03-01T09:30:00", true)]
    [InlineData("2026-03-01T09:30Z", true)]
    [InlineData("2026-03-01 09:30:00Z", false)]
    [InlineData("2026-02-30T09:30:00Z", false)]
    [InlineData("2026-03-01T25:30:00Z", false)]
    [InlineData("2026-03-01T09:30:00+0530", false)]
    [InlineData("1772357400000", false)]
    public async Task LetsMeet_startingTime_must_be_an_ISO_8601_date_time(string startingTime, bool accepted)
    {
        var reply = await Api.PostActionAsync(Api.Json($"{{'actionType':'LetsMeet','actionBody':{{'title':'t','startingTime':'{startingTime}'}}}}"));

        Assert.Equal(accepted ? HttpStatusCode.OK : HttpStatusCode.BadRequest, reply.Status);
    }
}
