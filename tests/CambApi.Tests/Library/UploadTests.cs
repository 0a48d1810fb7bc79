using CambApi.Client;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CambApi.Tests;

/// <summary>The upload: the multipart body as the spec names it, trace context, and when a retry may re-send it (only when it cannot have created a task, with identical bytes).</summary>
[TestFixture]
public sealed class UploadTests : WorkflowFixture
{
    [Test]
    public async Task Upload_is_multipart_with_the_spec_part_names_content_type_and_length()
    {
        GivenCreateReturns("task-3");
        using var client = Client();
        var input = Input("take 1.wav", bytes: 10_000);

        var operation = await client.StartSeparationAsync(input, new SeparationStartOptions { ProjectName = "Pódcast", FolderId = 12 });

        Assert.That(operation.TaskId, Is.EqualTo("task-3"));
        var request = Api.LogEntries.Single().RequestMessage!;
        var body = request.BodyAsBytes!;
        var text = System.Text.Encoding.Latin1.GetString(body);
        Assert.Multiple(() =>
        {
            Assert.That(request.Headers!["Content-Type"].Single(), Does.StartWith("multipart/form-data; boundary="));
            Assert.That(request.Headers["Content-Length"].Single(), Is.EqualTo(body.Length.ToString()), "Content-Length is sent when the size is known");
            Assert.That(text, Does.Contain("name=media_file; filename=\"take 1.wav\"").Or.Contain("name=media_file; filename=\"take 1.wav\"; filename*="));
            Assert.That(text, Does.Contain("Content-Type: audio/wav"));
            Assert.That(text, Does.Contain("name=project_name"));
            Assert.That(text, Does.Contain("name=folder_id\r\n\r\n12\r\n"));
            Assert.That(text, Does.Not.Contain("name=project_description"), "unset optional fields are not sent");
            Assert.That(text, Does.Not.Contain("audio_file"), "the old field name is gone");
            Assert.That(IndexOf(body, File.ReadAllBytes(input)), Is.GreaterThan(0), "the whole file is in the media_file part");
        });
    }

    [Test]
    public async Task Upload_sends_traceparent_from_the_current_activity()
    {
        GivenCreateReturns("task-4");
        using var client = Client();
        using var activity = new System.Diagnostics.Activity("test").SetIdFormat(System.Diagnostics.ActivityIdFormat.W3C).Start();

        await client.StartSeparationAsync(Input());

        Assert.That(Api.LogEntries.Single().RequestMessage!.Headers!["traceparent"].Single(), Is.EqualTo(activity.Id));
    }

    [TestCase("""{"task_id":null}""")]
    [TestCase("""{"task_id":""}""")]
    public async Task An_upload_answered_without_a_task_id_is_a_clear_error_not_an_operation(string body)
    {
        Api.Given(Request.Create().WithPath("/apis/audio-separation").UsingPost()).RespondWith(Json(200, body));
        using var client = Client();

        var error = await Assert.CatchAsync<CambApiException>(() => client.StartSeparationAsync(Input()));

        Assert.That(error!.Message, Is.EqualTo("The service's answer (HTTP 200) could not be read: The service accepted the upload but returned no task id."));
        Assert.That(error.StatusCode, Is.EqualTo(200));
        Assert.That(error.IsUnreadableAnswer, Is.True);
    }

    [Test]
    public async Task Retried_upload_sends_identical_bytes_each_attempt()
    {
        Api.Given(Request.Create().WithPath("/apis/audio-separation").UsingPost()).InScenario("up").WillSetStateTo("ok")
            .RespondWith(Json(503, "{}").WithHeader("Retry-After", "2"));
        Api.Given(Request.Create().WithPath("/apis/audio-separation").UsingPost()).InScenario("up").WhenStateIs("ok")
            .RespondWith(Json(200, """{"task_id":"t-up"}"""));
        using var client = Client();
        var input = Input(bytes: 200_000);

        var operation = await Drive(client.StartSeparationAsync(input));

        Assert.That(operation.TaskId, Is.EqualTo("t-up"));
        var bodies = Api.LogEntries.Select(e => e.RequestMessage!.BodyAsBytes!).ToList();
        Assert.That(bodies, Has.Count.EqualTo(2));
        Assert.That(bodies[1].Length, Is.EqualTo(bodies[0].Length));
        Assert.That(IndexOf(bodies[1], File.ReadAllBytes(input)), Is.GreaterThan(0), "the retry re-sent the whole file");
    }

    [Test]
    public async Task Upload_is_not_retried_on_a_500_that_may_have_created_a_task()
    {
        Api.Given(Request.Create().WithPath("/apis/audio-separation").UsingPost()).RespondWith(Json(500, "{}"));
        using var client = Client();

        var error = await Assert.CatchAsync<CambApiException>(() => Drive(client.StartSeparationAsync(Input())));

        Assert.That(error!.StatusCode, Is.EqualTo(500));
        Assert.That(Api.LogEntries, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Forward_only_stream_upload_is_never_retried()
    {
        Api.Given(Request.Create().WithPath("/apis/audio-separation").UsingPost())
            .RespondWith(Json(503, "{}").WithHeader("Retry-After", "1"));
        using var client = Client();
        using var stream = new ForwardOnlyStream(new byte[5000]);

        await Assert.CatchAsync<CambApiException>(() => Drive(client.StartSeparationAsync(stream, "live.wav")));

        Assert.That(Api.LogEntries, Has.Count.EqualTo(1));
    }

    internal static int IndexOf(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle);

    private sealed class ForwardOnlyStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
