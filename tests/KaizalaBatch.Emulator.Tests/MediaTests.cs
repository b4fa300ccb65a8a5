using System.Net;
using System.Net.Http.Headers;
using KaizalaBatch.Emulator.Tests.Support;

namespace KaizalaBatch.Emulator.Tests;

/// <summary>POST /v1/media: multipart with one file part of an accepted media type, else 415.</summary>
public sealed class MediaTests(SignedInEmulator fixture) : IClassFixture<SignedInEmulator>
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52];

    private Api Api => fixture.Api;

    [Fact]
    public async Task A_PNG_part_gives_a_mediaResource_that_an_Image_Action_takes()
    {
        var reply = await Api.UploadAsync(Png, "image/png", "photo.png");

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var mediaResource = reply.Body!["mediaResource"]!.GetValue<string>();
        Assert.False(string.IsNullOrWhiteSpace(mediaResource));
        Assert.Equal(mediaResource, (await Api.UploadAsync(Png, "image/png", "again.png")).Body!["mediaResource"]!.GetValue<string>());
        Assert.NotEqual(mediaResource, (await Api.UploadAsync([.. Png, 1], "image/png")).Body!["mediaResource"]!.GetValue<string>());

        var image = await Api.PostActionAsync(Api.Json($"{{'actionType':'Image','actionBody':{{'mediaResource':'{mediaResource}'}}}}"));
        Assert.Equal(HttpStatusCode.OK, image.Status);
    }

    [Theory]
    [InlineData("image/jpeg")]
    [InlineData("audio/mpeg")]
    [InlineData("audio/wav")]
    [InlineData("audio/x-wav")]
    [InlineData("video/mp4")]
    [InlineData("video/3gpp")]
    [InlineData("application/pdf")]
    [InlineData("application/msword")]
    [InlineData("application/vnd.openxmlformats-officedocument.wordprocessingml.document")]
    [InlineData("application/vnd.ms-excel")]
    [InlineData("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")]
    [InlineData("application/vnd.ms-powerpoint")]
    [InlineData("application/vnd.openxmlformats-officedocument.presentationml.presentation")]
    public async Task Every_documented_media_type_is_taken(string contentType)
    {
        Assert.Equal(HttpStatusCode.OK, (await Api.UploadAsync([1, 2, 3], contentType)).Status);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/octet-stream")]
    [InlineData("image/gif")]
    [InlineData(null)]
    public async Task A_part_of_another_or_no_content_type_is_415(string? contentType)
    {
        var reply = await Api.UploadAsync([1, 2, 3], contentType);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, reply.Status);
        Assert.Equal("UnsupportedMediaType", reply.Body!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_body_that_is_not_multipart_is_415()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Api.Endpoint, "v1/media"))
        {
            Content = new ByteArrayContent(Png) { Headers = { ContentType = new MediaTypeHeaderValue("image/png") } },
        };
        request.Headers.Add("accessToken", Api.AccessToken);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await Api.SendAsync(request)).Status);
    }

    [Fact]
    public async Task Multipart_without_a_file_part_is_400()
    {
        using var form = new MultipartFormDataContent { { new StringContent("hello"), "note" } };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Api.Endpoint, "v1/media")) { Content = form };
        request.Headers.Add("accessToken", Api.AccessToken);

        var reply = await Api.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("file", reply.Field);
    }
}
