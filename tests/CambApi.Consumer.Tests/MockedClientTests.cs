using CambApi;
using CambApi.Client;
using Consumer;
using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace CambApi.Consumer.Tests;

/// <summary>A consumer's unit tests: the client is a substitute, no server, no key, no network.</summary>
[TestFixture]
public sealed class MockedClientTests
{
    [Test]
    public async Task The_voice_track_path_comes_back()
    {
        var camb = Substitute.For<AudioSeparationClient>();
        var result = CambApiModelFactory.SeparationResult(runId: 42);
        camb.StartSeparationAsync("ep1.wav", Arg.Any<SeparationStartOptions?>(), Arg.Any<CancellationToken>())
            .Returns(CambApiModelFactory.SeparationOperation("t-1", result: result));
        camb.DownloadAsync(result, "out", "ep1", Arg.Any<IProgress<TransferProgress>?>(), Arg.Any<bool>(), Arg.Any<CancellationToken>())
            .Returns(CambApiModelFactory.SeparatedFiles("out/ep1.foreground.wav", "out/ep1.background.wav", result));

        var voice = await new PodcastCleaner(camb).KeepVoiceAsync("ep1.wav", "out");

        Assert.That(voice, Is.EqualTo("out/ep1.foreground.wav"));
        await camb.Received(1).DownloadAsync(result, "out", "ep1", Arg.Any<IProgress<TransferProgress>?>(), false, Arg.Any<CancellationToken>());
    }

    [Test]
    public async Task A_task_that_ran_out_of_credits_is_reported_and_nothing_is_downloaded()
    {
        var camb = Substitute.For<AudioSeparationClient>();
        camb.StartSeparationAsync(Arg.Any<string>(), Arg.Any<SeparationStartOptions?>(), Arg.Any<CancellationToken>())
            .Returns(CambApiModelFactory.SeparationOperation("t-2", SeparationStatus.PaymentRequired, exceptionReason: "PAYMENT_REQUIRED"));

        var outcome = await new PodcastCleaner(camb).KeepVoiceAsync("ep2.wav", "out");

        Assert.That(outcome, Is.EqualTo("no credits left for task t-2"));
        await camb.DidNotReceiveWithAnyArgs().DownloadAsync(default!, default!, default!);
    }

    [Test]
    public async Task A_rejected_upload_surfaces_as_the_clients_typed_error()
    {
        var camb = Substitute.For<AudioSeparationClient>();
        camb.StartSeparationAsync(Arg.Any<string>(), Arg.Any<SeparationStartOptions?>(), Arg.Any<CancellationToken>())
            .ThrowsAsync(CambApiModelFactory.ApiError(401, """{"detail": "Invalid API key"}"""));

        var error = await Assert.ThrowsAsync<CambApiException>(() => new PodcastCleaner(camb).KeepVoiceAsync("ep3.wav", "out"));

        Assert.That(error!.StatusCode, Is.EqualTo(401));
        Assert.That(error.ServiceDetail, Is.EqualTo("Invalid API key"));
        Assert.That(error.IsTransient, Is.False);
    }

    [Test]
    public async Task A_frozen_pending_operation_times_out_instead_of_hanging()
    {
        var operation = CambApiModelFactory.SeparationOperation("t-3");

        Assert.That(operation.Status, Is.EqualTo(SeparationStatus.Pending));
        Assert.That(operation.HasCompleted, Is.False);
        await Assert.ThrowsAsync<SeparationTimeoutException>(() => operation.WaitForCompletionAsync());
    }

    [Test]
    public async Task The_readme_example()
    {
        // docs: mock
        var camb = Substitute.For<AudioSeparationClient>();
        var result = CambApiModelFactory.SeparationResult(runId: 42);
        camb.StartSeparationAsync("ep1.wav", Arg.Any<SeparationStartOptions?>(), Arg.Any<CancellationToken>())
            .Returns(CambApiModelFactory.SeparationOperation("t-1", result: result));
        camb.StartSeparationAsync("broke.wav", Arg.Any<SeparationStartOptions?>(), Arg.Any<CancellationToken>())
            .Returns(CambApiModelFactory.SeparationOperation("t-2", SeparationStatus.PaymentRequired));
        // docs: end

        var done = await (await camb.StartSeparationAsync("ep1.wav")).WaitForCompletionAsync();
        Assert.That(done, Is.EqualTo(result));
        await Assert.ThrowsAsync<SeparationFailedException>(async () => await (await camb.StartSeparationAsync("broke.wav")).WaitForCompletionAsync());
    }

    [Test]
    public void The_status_type_sits_next_to_system_threading_tasks() =>
        Assert.That(PodcastCleaner.IsDone(SeparationStatus.Success, Task.CompletedTask), Is.True);
}
