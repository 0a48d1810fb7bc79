using CambApi.Client;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CambApi.Tests;

[TestFixture]
public sealed class WorkflowTests : WorkflowFixture
{
    private static readonly byte[] ForegroundBytes = Enumerable.Range(0, 70_000).Select(i => (byte)(i * 7)).ToArray();
    private static readonly byte[] BackgroundBytes = Enumerable.Range(0, 50_000).Select(i => (byte)(i * 13)).ToArray();

    [Test]
    public async Task File_in_two_files_out_in_one_call()
    {
        GivenCreateReturns("task-1");
        GivenStatuses("task-1", Status("PENDING"), Status("PENDING"), Status("SUCCESS", 77));
        GivenResult(77);
        GivenStorageServes("/bucket/f.wav", ForegroundBytes);
        GivenStorageServes("/bucket/b.wav", BackgroundBytes);
        using var client = Client();
        var reports = new List<SeparateFileProgress>();
        var checkpoints = new List<SeparationCheckpoint>();
        var written = new List<string>();
        var input = Input("interview.wav");
        var output = Path.Combine(WorkDir, "out");

        var files = await Drive(client.SeparateFileAsync(input, output, new SeparateFileOptions
        {
            Progress = new InlineProgress<SeparateFileProgress>(reports.Add),
            CheckpointReached = checkpoints.Add,
            TrackWritten = written.Add,
        }));
        var progress = reports.Where(r => r.Step == SeparationStep.Processing).Select(r => r.Status!).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(files.ForegroundPath, Is.EqualTo(Path.Combine(output, "interview.foreground.wav")));
            Assert.That(files.BackgroundPath, Is.EqualTo(Path.Combine(output, "interview.background.wav")));
            Assert.That(File.ReadAllBytes(files.ForegroundPath), Is.EqualTo(ForegroundBytes));
            Assert.That(File.ReadAllBytes(files.BackgroundPath), Is.EqualTo(BackgroundBytes));
            Assert.That(Directory.GetFiles(output), Has.Length.EqualTo(2), "no temporary files are left behind");
            Assert.That(files.Result.RunId, Is.EqualTo(77));
            Assert.That(progress.Select(p => p.Status.Value), Is.EqualTo(new[] { "PENDING", "PENDING", "SUCCESS" }));
            Assert.That(progress.Select(p => p.Changed), Is.EqualTo(new[] { true, false, true }));
            Assert.That(progress.Last().NextPollIn, Is.Null);
            // One progress type for the whole way, in order: upload bytes up to the file's size, statuses, download bytes.
            Assert.That(reports.Select(r => r.Step).Distinct(), Is.EqualTo(new[] { SeparationStep.Uploading, SeparationStep.Processing, SeparationStep.Downloading }));
            Assert.That(reports.First(r => r.Step == SeparationStep.Uploading).Transfer!.Value.TotalBytes, Is.EqualTo(new FileInfo(input).Length));
            Assert.That(reports.Last(r => r.Step == SeparationStep.Uploading).Transfer!.Value.Bytes, Is.EqualTo(new FileInfo(input).Length));
            Assert.That(reports[^1].Transfer!.Value.Bytes, Is.EqualTo(ForegroundBytes.Length + BackgroundBytes.Length));
            Assert.That(checkpoints, Is.EqualTo(new[] { new SeparationCheckpoint("task-1"), new SeparationCheckpoint("task-1", 77) }));
            Assert.That(written.Order(), Is.EqualTo(new[] { files.BackgroundPath, files.ForegroundPath }));
        });

        // The result is fetched with the run id, never the task id.
        Assert.That(Requests(Api, "/apis/audio-separation-result/").Select(e => e.RequestMessage!.AbsolutePath),
            Is.EqualTo(new[] { "/apis/audio-separation-result/77" }));
        Assert.That(Api.LogEntries.All(HasKeyHeader), "every API request carries the key");
    }

    [Test]
    public async Task Storage_host_never_sees_the_api_key_and_logs_never_show_it_or_the_signature()
    {
        GivenCreateReturns("task-2");
        GivenStatuses("task-2", Status("SUCCESS", 5));
        GivenResult(5);
        GivenStorageServes("/bucket/f.wav", ForegroundBytes);
        GivenStorageServes("/bucket/b.wav", BackgroundBytes);
        using var client = Client();

        await Drive(client.SeparateFileAsync(Input(), Path.Combine(WorkDir, "out")));

        Assert.That(Storage.LogEntries, Has.Count.EqualTo(2));
        Assert.That(Storage.LogEntries.Any(HasKeyHeader), Is.False, "the storage host must never receive x-api-key");
        Assert.That(Storage.LogEntries.All(e => e.RequestMessage!.RawQuery!.Contains(Signature)), "the signed query is sent to storage");
        var logs = LogMessages();
        Assert.That(logs, Is.Not.Empty);
        Assert.That(logs, Has.None.Contains(Key).And.None.Contains("deadbeef"));
        Assert.That(logs, Has.Some.Contains("/bucket/f.wav"), "downloads are logged, without their query");
    }

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
    public async Task Batch_results_send_traceparent_from_the_current_activity_and_64_bit_ids()
    {
        Api.Given(Request.Create().WithPath("/apis/audio-separation-results").UsingPost())
            .RespondWith(Json(200, """{"9007199254740993":{"foreground_audio_url":"https://s.example/f.wav","background_audio_url":"https://s.example/b.wav"}}"""));
        using var client = Client();
        using var activity = new System.Diagnostics.Activity("test").SetIdFormat(System.Diagnostics.ActivityIdFormat.W3C).Start();

        var results = await client.GetResultsAsync([9_007_199_254_740_993]);

        var request = Api.LogEntries.Single().RequestMessage!;
        Assert.That(request.Headers!["traceparent"].Single(), Is.EqualTo(activity.Id));
        Assert.That(request.Body, Is.EqualTo("""{"run_ids":[9007199254740993]}"""));
        Assert.That(results.Keys, Is.EqualTo(new[] { 9_007_199_254_740_993L }));
    }

    [TestCase("ERROR", "PROCESSING_ERROR", "Could not separate")]
    [TestCase("TIMEOUT", "SOURCE_TOO_LONG", "processing exceeded time limit")]
    [TestCase("PAYMENT_REQUIRED", "PAYMENT_REQUIRED", "insufficient credits")]
    public async Task Each_failure_status_stops_polling_and_throws_with_reason_and_message(string status, string reason, string message)
    {
        GivenStatuses("t-fail", Status("PENDING"), Status(status, reason: reason, message: message), Status("SUCCESS", 1));
        using var client = Client();

        var error = await Assert.ThrowsAsync<SeparationFailedException>(() => Drive(client.ResumeSeparation("t-fail").WaitForCompletionAsync()));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Status.Value, Is.EqualTo(status));
            Assert.That(error.ExceptionReason, Is.EqualTo(reason));
            Assert.That(error.ServiceMessage, Is.EqualTo(message));
            Assert.That(error.TaskId, Is.EqualTo("t-fail"));
            Assert.That(Requests(Api, "/apis/audio-separation/"), Has.Count.EqualTo(2), "no poll after a terminal status");
        });
    }

    [Test]
    public async Task Message_as_an_object_is_kept_as_json()
    {
        GivenStatuses("t-obj", """{"status":"ERROR","exception_reason":"INVALID_SOURCE_DATA","message":{"detail":"bad header","code":7}}""");
        using var client = Client();

        var error = await Assert.ThrowsAsync<SeparationFailedException>(() => Drive(client.ResumeSeparation("t-obj").WaitForCompletionAsync()));

        Assert.That(error!.ServiceMessage, Is.EqualTo("""{"detail":"bad header","code":7}"""));
    }

    [Test]
    public async Task Unknown_status_is_treated_as_still_running()
    {
        GivenStatuses("t-new", Status("QUEUED_FOR_GPU"), Status("SUCCESS", 8));
        GivenResult(8);
        using var client = Client();
        var seen = new List<SeparationProgress>();

        var result = await Drive(client.ResumeSeparation("t-new").WaitForCompletionAsync(new InlineProgress<SeparationProgress>(seen.Add)));

        Assert.That(result.RunId, Is.EqualTo(8));
        Assert.That(seen[0].Status.Value, Is.EqualTo("QUEUED_FOR_GPU"));
        Assert.That(seen[0].Status.IsKnown, Is.False);
    }

    [Test]
    public async Task Poll_interval_grows_with_the_time_waited_to_the_cap()
    {
        GivenStatuses("t-slow", Enumerable.Repeat(Status("PENDING"), 8).Append(Status("SUCCESS", 3)).ToArray());
        GivenResult(3);
        using var client = Client(o => (o.PollInitialInterval, o.PollElapsedFraction, o.PollMaxInterval) = (TimeSpan.FromSeconds(2), 0.5, TimeSpan.FromSeconds(10)));
        var seen = new List<SeparationProgress>();

        await Drive(client.ResumeSeparation("t-slow").WaitForCompletionAsync(new InlineProgress<SeparationProgress>(seen.Add)));

        // The fake clock may also move while a request is in flight, so the waits are checked against the elapsed time reported.
        var polls = seen.Where(p => p.NextPollIn is not null).ToList();
        Assert.That(polls.Select(p => p.NextPollIn!.Value.TotalSeconds),
            Is.EqualTo(polls.Select(p => Math.Min(10, 2 + (0.5 * p.Elapsed.TotalSeconds)))).Within(0.001));
        Assert.That(polls.Select(p => p.NextPollIn!.Value.TotalSeconds), Is.Ordered.And.Contains(10));
    }

    [Test]
    public async Task Retry_after_on_a_poll_is_honoured()
    {
        Api.Given(Request.Create().WithPath("/apis/audio-separation/t-busy").UsingGet()).InScenario("busy").WillSetStateTo("ok")
            .RespondWith(Json(429, """{"detail":"slow down"}""").WithHeader("Retry-After", "30"));
        Api.Given(Request.Create().WithPath("/apis/audio-separation/t-busy").UsingGet()).InScenario("busy").WhenStateIs("ok")
            .RespondWith(Json(200, Status("SUCCESS", 4)));
        GivenResult(4);
        using var client = Client(o => o.MaxRetries = 0); // the poll loop, not the retry policy, must honour it here
        var seen = new List<SeparationProgress>();

        await Drive(client.ResumeSeparation("t-busy").WaitForCompletionAsync(new InlineProgress<SeparationProgress>(seen.Add)));

        Assert.That(seen[0].NextPollIn, Is.EqualTo(TimeSpan.FromSeconds(30)));
    }

    [Test]
    public async Task Retry_policy_honours_retry_after_on_a_get()
    {
        Api.Given(Request.Create().WithPath("/apis/audio-separation-result/9").UsingGet()).InScenario("r").WillSetStateTo("ok")
            .RespondWith(Json(503, "{}").WithHeader("Retry-After", "45"));
        GivenResult(9);
        using var client = Client(o => o.RetryMaxDelay = TimeSpan.FromMinutes(2));
        var call = client.GetResultAsync(9);

        var result = await Drive(call);

        Assert.That(result.RunId, Is.EqualTo(9));
        var times = Requests(Api, "/apis/audio-separation-result/9").Select(e => e.RequestMessage!.DateTime).ToList();
        Assert.That(times, Has.Count.EqualTo(2));
        Assert.That(Time.GetUtcNow() - new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero), Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(45)),
            "the retry waited at least Retry-After on the fake clock");
    }

    [Test]
    public async Task Deadline_throws_a_resumable_timeout_with_the_task_id()
    {
        GivenStatuses("t-stuck", Status("PENDING"));
        using var client = Client(o => o.MaxWait = TimeSpan.FromSeconds(60));

        var error = await Assert.ThrowsAsync<SeparationTimeoutException>(() => Drive(client.ResumeSeparation("t-stuck").WaitForCompletionAsync()));

        Assert.That(error!.TaskId, Is.EqualTo("t-stuck"));
        Assert.That(error.LastStatus, Is.EqualTo(SeparationStatus.Pending));
        Assert.That(error.Waited, Is.LessThanOrEqualTo(TimeSpan.FromSeconds(60)));
    }

    [Test]
    public async Task Cancellation_mid_wait_stops_polling()
    {
        GivenStatuses("t-cancel", Status("PENDING"));
        using var client = Client();
        using var cts = new CancellationTokenSource();
        var seen = new List<SeparationProgress>();
        var wait = client.ResumeSeparation("t-cancel").WaitForCompletionAsync(new InlineProgress<SeparationProgress>(p =>
        {
            seen.Add(p);
            if (seen.Count == 2)
            {
                cts.Cancel();
            }
        }), cts.Token);

        Assert.That(async () => await Drive(wait), Throws.InstanceOf<OperationCanceledException>());
        var polls = Requests(Api, "/apis/audio-separation/").Count;
        Time.Advance(TimeSpan.FromMinutes(10));
        Assert.That(Requests(Api, "/apis/audio-separation/"), Has.Count.EqualTo(polls), "no poll after cancellation");
    }

    [Test]
    public async Task Resume_from_a_stored_task_id_and_update_status()
    {
        GivenStatuses("stored-42", Status("PENDING"), Status("SUCCESS", 42));
        using var client = Client();
        var operation = client.ResumeSeparation("stored-42");

        Assert.That(operation.HasCompleted, Is.False);
        Assert.That(await operation.UpdateStatusAsync(), Is.EqualTo(SeparationStatus.Pending));
        Assert.That(await operation.UpdateStatusAsync(), Is.EqualTo(SeparationStatus.Success));
        Assert.That(operation.HasCompleted);
        Assert.That(operation.RunId, Is.EqualTo(42));
    }

    [Test]
    public async Task Batch_results_are_keyed_by_run_id()
    {
        Api.Given(Request.Create().WithPath("/apis/audio-separation-results").UsingPost())
            .RespondWith(Json(200, """{"1001":{"foreground_audio_url":"https://s.example/1f.wav","background_audio_url":"https://s.example/1b.wav"},"1002":{"foreground_audio_url":"https://s.example/2f.wav","background_audio_url":"https://s.example/2b.wav"}}"""));
        using var client = Client();

        var results = await client.GetResultsAsync([1001, 1002, 1001]);

        Assert.That(results.Keys, Is.EquivalentTo(new long[] { 1001, 1002 }));
        Assert.That(results[1002].BackgroundUrl, Is.EqualTo(new Uri("https://s.example/2b.wav")));
        Assert.That(Api.LogEntries.Single().RequestMessage!.Body, Is.EqualTo("""{"run_ids":[1001,1002]}"""));
    }

    [Test]
    public async Task Batch_results_post_is_retried_like_a_get_because_it_only_reads()
    {
        Api.Given(Request.Create().WithPath("/apis/audio-separation-results").UsingPost()).InScenario("batch").WillSetStateTo("ok")
            .RespondWith(Json(502, "<html/>"));
        Api.Given(Request.Create().WithPath("/apis/audio-separation-results").UsingPost()).InScenario("batch").WhenStateIs("ok")
            .RespondWith(Json(200, """{"7":{"foreground_audio_url":"https://s.example/f.wav","background_audio_url":"https://s.example/b.wav"}}"""));
        using var client = Client();

        var results = await Drive(client.GetResultsAsync([7]));

        Assert.That(results.Keys, Is.EqualTo(new long[] { 7 }));
        Assert.That(Api.LogEntries, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task Truncated_download_leaves_nothing_at_the_destination()
    {
        using var client = Client(storageTransport: new TruncatingStorage(declared: 1000, actual: 10));
        var output = Path.Combine(WorkDir, "out");
        var result = new SeparationResult(1, new Uri("https://storage.example/f.wav?sig=1"), new Uri("https://storage.example/b.wav?sig=2"));

        var error = await Assert.ThrowsAsync<SeparationDownloadException>(() => client.DownloadAsync(result, output, "x"));

        Assert.That(error!.Message, Does.Not.Contain("sig="));
        Assert.That(Directory.GetFiles(output), Is.Empty, "neither the destination nor a temporary file remains");
    }

    [Test]
    public async Task Failed_download_keeps_an_existing_file_untouched()
    {
        var output = Directory.CreateDirectory(Path.Combine(WorkDir, "out")).FullName;
        var existing = Path.Combine(output, "x.foreground.wav");
        File.WriteAllText(existing, "previous good file");
        using var client = Client(storageTransport: new TruncatingStorage(declared: 1000, actual: 10));
        var result = new SeparationResult(1, new Uri("https://storage.example/f.wav"), new Uri("https://storage.example/b.wav"));

        await Assert.ThrowsAsync<SeparationDownloadException>(() => client.DownloadAsync(result, output, "x", overwrite: true));

        Assert.That(File.ReadAllText(existing), Is.EqualTo("previous good file"));
    }

    [Test]
    public async Task Plain_http_storage_urls_off_loopback_are_refused()
    {
        using var client = Client();
        var result = new SeparationResult(1, new Uri("http://storage.example/f.wav"), new Uri("https://storage.example/b.wav"));
        // A guard, not a timing: if the URL check were gone, the request would wait on fake time forever; this makes it fail.
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        await Assert.ThrowsAsync<ArgumentException>(() => client.DownloadAsync(result, WorkDir, "x", cancellationToken: guard.Token));
        Assert.That(Directory.EnumerateFileSystemEntries(WorkDir), Is.Empty, "refused before anything was written");
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

    [Test]
    public async Task Gets_are_retried_on_5xx_then_give_up_with_the_generic_error()
    {
        Api.Given(Request.Create().WithPath("/apis/audio-separation-result/6").UsingGet()).RespondWith(Json(502, "<html/>"));
        using var client = Client(o => o.MaxRetries = 2);

        var error = await Assert.CatchAsync<CambApiException>(() => Drive(client.GetResultAsync(6)));

        Assert.That(error!.StatusCode, Is.EqualTo(502));
        Assert.That(Api.LogEntries, Has.Count.EqualTo(3));
    }

    [Test]
    public async Task Api_redirect_to_another_host_is_not_followed_so_the_key_stays_home()
    {
        Api.Given(Request.Create().WithPath("/apis/audio-separation-result/12").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(302).WithHeader("Location", Storage.Url + "/steal"));
        Storage.Given(Request.Create().UsingAnyMethod()).RespondWith(Json(200, "{}"));
        using var client = Client();

        var error = await Assert.CatchAsync<CambApiException>(() => Drive(client.GetResultAsync(12)));

        Assert.That(error!.StatusCode, Is.EqualTo(302));
        Assert.That(Storage.LogEntries, Is.Empty, "the redirect target never received the request, let alone the key");
    }

    [Test]
    public async Task Storage_redirects_are_followed_without_any_key()
    {
        using var mirror = WireMock.Server.WireMockServer.Start();
        mirror.Given(Request.Create().WithPath("/real/f.wav").UsingGet()).RespondWith(Response.Create().WithStatusCode(200).WithBody(ForegroundBytes));
        mirror.Given(Request.Create().WithPath("/real/b.wav").UsingGet()).RespondWith(Response.Create().WithStatusCode(200).WithBody(BackgroundBytes));
        Storage.Given(Request.Create().WithPath("/bucket/f.wav").UsingGet()).RespondWith(Response.Create().WithStatusCode(307).WithHeader("Location", mirror.Url + "/real/f.wav"));
        Storage.Given(Request.Create().WithPath("/bucket/b.wav").UsingGet()).RespondWith(Response.Create().WithStatusCode(307).WithHeader("Location", mirror.Url + "/real/b.wav"));
        GivenResult(21);
        using var client = Client();

        var files = await Drive(client.GetResultAsync(21).ContinueWith(t => client.DownloadAsync(t.Result, WorkDir, "r"), TaskScheduler.Default).Unwrap());

        Assert.That(File.ReadAllBytes(files.BackgroundPath), Is.EqualTo(BackgroundBytes));
        Assert.That(mirror.LogEntries.Any(HasKeyHeader) || Storage.LogEntries.Any(HasKeyHeader), Is.False);
    }

    internal static int IndexOf(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle);

    private sealed class TruncatingStorage(int declared, int actual) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var content = new ByteArrayContent(new byte[actual]);
            content.Headers.ContentLength = declared;
            return Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = content, RequestMessage = request });
        }
    }

    private sealed class ForwardOnlyStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
