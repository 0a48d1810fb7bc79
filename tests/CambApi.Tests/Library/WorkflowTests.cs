using CambApi.Client;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CambApi.Tests;

/// <summary>
/// The workflow's own rules (one place: <c>AudioSeparationClient.RunAsync</c>): a file in, two files out in one call; a
/// taken destination, before anything is sent and while the service works; finishing from a checkpoint without
/// uploading; the stream overload.
/// </summary>
[TestFixture]
public sealed class WorkflowTests : WorkflowFixture
{
    private static readonly byte[] Track = Enumerable.Range(0, 30_000).Select(i => (byte)(i * 11)).ToArray();

    private static readonly byte[] ForegroundBytes = Enumerable.Range(0, 70_000).Select(i => (byte)(i * 7)).ToArray();
    private static readonly byte[] BackgroundBytes = Enumerable.Range(0, 50_000).Select(i => (byte)(i * 13)).ToArray();

    private string OutDir => Path.Combine(WorkDir, "out");

    private int Uploads => Requests(Api, "/apis/audio-separation").Count(e => e.RequestMessage!.Method == "POST");

    private void GivenServiceFinishes(string taskId, long runId)
    {
        GivenCreateReturns(taskId);
        GivenStatuses(taskId, Status("PENDING"), Status("SUCCESS", runId));
        GivenResult(runId);
        GivenStorageServes("/bucket/f.wav", Track);
        GivenStorageServes("/bucket/b.wav", Track);
    }

    [Test]
    public async Task A_track_already_there_fails_the_call_before_anything_is_sent_whatever_its_extension()
    {
        GivenServiceFinishes("t-1", 5);
        Directory.CreateDirectory(OutDir);
        var theirs = Path.Combine(OutDir, "talk.foreground.flac");
        await File.WriteAllTextAsync(theirs, "someone's file");
        using var client = Client();

        var error = await Assert.ThrowsAsync<SeparationOutputExistsException>(() => client.SeparateFileAsync(Input("talk.wav"), OutDir));

        Assert.Multiple(() =>
        {
            Assert.That(error.Path, Is.EqualTo(theirs));
            Assert.That(error.AppearedMeanwhile, Is.False);
            Assert.That(error.TaskId, Is.Null, "nothing was sent, so there is nothing to resume");
            Assert.That(Api.LogEntries, Is.Empty);
            Assert.That(File.ReadAllText(theirs), Is.EqualTo("someone's file"));
        });
    }

    [Test]
    public async Task A_track_that_appears_while_the_service_works_is_left_alone_and_the_run_finishes_later_without_a_second_upload()
    {
        GivenServiceFinishes("t-2", 42);
        var theirs = Path.Combine(OutDir, "talk.background.wav");
        var checkpoints = new List<SeparationCheckpoint>();
        using var client = Client();

        var error = await Assert.ThrowsAsync<SeparationOutputExistsException>(() => Drive(client.SeparateFileAsync(Input("talk.wav"), OutDir, new SeparateFileOptions
        {
            // Injected at the exact moment: the upload is done, the service is working.
            CheckpointReached = checkpoint =>
            {
                checkpoints.Add(checkpoint);
                if (checkpoint.RunId is null)
                {
                    File.WriteAllText(theirs, "someone's file");
                }
            },
        })));

        Assert.Multiple(() =>
        {
            Assert.That(error.Path, Is.EqualTo(theirs));
            Assert.That(error.AppearedMeanwhile, Is.True);
            Assert.That((error.TaskId, error.RunId), Is.EqualTo(("t-2", (long?)42)), "the exception says what to finish later");
            Assert.That(Storage.LogEntries, Is.Empty, "nothing was downloaded");
            Assert.That(File.ReadAllText(theirs), Is.EqualTo("someone's file"));
            Assert.That(Directory.GetFiles(OutDir), Is.EqualTo(new[] { theirs }));
        });

        var polls = Requests(Api, "/apis/audio-separation/t-2").Count;
        var files = await Drive(client.FinishSeparationAsync(checkpoints[^1], OutDir, new SeparateFileOptions { OutputName = "talk", MayReplace = path => path == theirs }));

        Assert.Multiple(() =>
        {
            Assert.That(Uploads, Is.EqualTo(1), "finishing never uploads again");
            Assert.That(Requests(Api, "/apis/audio-separation/t-2"), Has.Count.EqualTo(polls), "a known run is not waited for again");
            Assert.That(File.ReadAllBytes(files.BackgroundPath), Is.EqualTo(Track), "a file the caller allows is replaced");
            Assert.That(files.Result.RunId, Is.EqualTo(42));
        });
    }

    [Test]
    public async Task Finishing_from_a_task_waits_for_it_and_downloads_without_uploading()
    {
        GivenServiceFinishes("t-3", 9);
        var steps = new List<SeparationStep>();
        var checkpoints = new List<SeparationCheckpoint>();
        using var client = Client();

        var files = await Drive(client.FinishSeparationAsync(new SeparationCheckpoint("t-3"), OutDir, new SeparateFileOptions
        {
            Progress = new InlineProgress<SeparateFileProgress>(p => steps.Add(p.Step)),
            CheckpointReached = checkpoints.Add,
        }));

        Assert.Multiple(() =>
        {
            Assert.That(Uploads, Is.Zero);
            Assert.That(Path.GetFileName(files.ForegroundPath), Is.EqualTo("task-t-3.foreground.wav"), "named after the task by default");
            Assert.That(steps.Distinct(), Is.EqualTo(new[] { SeparationStep.Processing, SeparationStep.Downloading }));
            Assert.That(checkpoints, Is.EqualTo(new[] { new SeparationCheckpoint("t-3", 9) }));
        });
    }

    [TestCase(null, null, TestName = "A checkpoint with neither id is refused before anything is sent")]
    [TestCase("a/b", null, TestName = "A checkpoint with a malformed task id is refused before anything is sent")]
    [TestCase(null, -1L, TestName = "A checkpoint with a negative run id is refused before anything is sent")]
    public async Task Bad_checkpoints_are_refused(string? taskId, long? runId)
    {
        using var client = Client();

        await Assert.ThrowsAsync(Is.InstanceOf<ArgumentException>(),
            () => client.FinishSeparationAsync(new SeparationCheckpoint(taskId, runId), OutDir));

        Assert.That(Api.LogEntries, Is.Empty);
    }

    [Test]
    public async Task A_stream_is_separated_in_one_call_named_after_its_file_name_with_upload_progress()
    {
        GivenServiceFinishes("t-4", 11);
        var audio = new byte[20_000];
        new Random(4).NextBytes(audio);
        var uploaded = new List<TransferProgress>();
        var startWatcher = new List<long>();
        using var client = Client();

        var files = await Drive(client.SeparateFileAsync(new MemoryStream(audio), "clip.flac", OutDir, new SeparateFileOptions
        {
            Progress = new InlineProgress<SeparateFileProgress>(p => uploaded.AddRange(p.Step == SeparationStep.Uploading ? [p.Transfer!.Value] : [])),
            Start = new SeparationStartOptions { ProjectName = "clips", UploadProgress = new InlineProgress<long>(startWatcher.Add) },
        }));

        var create = System.Text.Encoding.Latin1.GetString(
            Requests(Api, "/apis/audio-separation").Single(e => e.RequestMessage!.Method == "POST").RequestMessage!.BodyAsBytes!);
        Assert.Multiple(() =>
        {
            Assert.That(Path.GetFileName(files.ForegroundPath), Is.EqualTo("clip.foreground.wav"), "named after the stream's file name; extension from the result");
            Assert.That(uploaded[^1], Is.EqualTo(new TransferProgress(audio.Length, audio.Length)));
            Assert.That(startWatcher[^1], Is.EqualTo(audio.Length), "the start options' own watcher hears the upload too");
            Assert.That(create, Does.Contain("name=project_name").And.Contain("clips"));
            Assert.That(create, Does.Contain("filename=clip.flac").And.Contain("Content-Type: audio/flac"));
        });
    }

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
        var written = new List<WrittenTrack>();
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
            Assert.That(written.OrderBy(w => w.Track), Is.EqualTo(new[]
            {
                new WrittenTrack(SeparationTrack.Foreground, files.ForegroundPath, ForegroundBytes.Length),
                new WrittenTrack(SeparationTrack.Background, files.BackgroundPath, BackgroundBytes.Length),
            }), "each track says which it is, where it landed and its size");
        });

        // The result is fetched with the run id, never the task id.
        Assert.That(Requests(Api, "/apis/audio-separation-result/").Select(e => e.RequestMessage!.AbsolutePath),
            Is.EqualTo(new[] { "/apis/audio-separation-result/77" }));
        Assert.That(Api.LogEntries.All(HasKeyHeader), "every API request carries the key");
    }
}
