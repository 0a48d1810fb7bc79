using System.Net;
using System.Text;

namespace CambApi.Tests;

/// <summary>
/// Async all the way down: every answer the library reads (status, result, batch, upload response, both track
/// downloads) comes from a transport whose body stream throws on any synchronous read, so a blocking read of a
/// network stream anywhere (generated code included) fails here instead of tying up a pool thread in production.
/// </summary>
[TestFixture]
public sealed class AsyncReadTests : WorkflowFixture
{
    [Test]
    public async Task No_response_is_read_synchronously()
    {
        var transport = new AsyncOnlyTransport();
        using var client = Client(storageTransport: transport, apiTransport: transport);

        var files = await client.SeparateFileAsync(Input("talk.wav"), Path.Combine(WorkDir, "out"));
        var batch = await client.GetResultsAsync([7]);
        var status = await client.ResumeSeparation("t-1").UpdateStatusAsync();

        Assert.That(await File.ReadAllBytesAsync(files.ForegroundPath), Is.EqualTo(AsyncOnlyTransport.Track));
        Assert.That((batch.Keys.Single(), status.Value), Is.EqualTo((7L, "SUCCESS")));
        Assert.That(transport.SynchronousReads, Is.Zero);
        Assert.That(transport.Answered, Is.GreaterThanOrEqualTo(6), "upload, poll, result, two tracks, batch, poll");
    }

    [Test]
    public async Task The_generated_client_alone_reads_asynchronously()
    {
        // No buffering handler in front here: the generated methods meet the network stream themselves.
        var transport = new AsyncOnlyTransport();
        var rest = global::CambApi.Client.CambApiRestClient.Create(Key, new Uri("https://api.example/apis/"), transport);
        using var file = new MemoryStream([1, 2, 3]);

        var created = await rest.CreateAudioSeparationAsync(media_file: new global::CambApi.Client.FileParameter(file, "talk.wav"));
        var status = await rest.GetAudioSeparationStatusAsync(created.TaskId!);
        var result = await rest.GetAudioSeparationRunInfoAsync(7);
        var batch = await rest.GetAudioSeparationRunsResultsAsync(new global::CambApi.Client.RunIDsRequestPayload { RunIds = [7] });

        Assert.That((status.RunId, result.ForegroundAudioUrl, batch.Keys.Single()), Is.EqualTo(((long?)7, "https://storage.example/f.wav?sig=1", "7")));
        Assert.That(transport.SynchronousReads, Is.Zero);
    }

    [Test]
    public void The_guard_itself_catches_a_synchronous_read()
    {
        using var content = new AsyncOnlyTransport.AsyncOnlyContent("{}"u8.ToArray(), new AsyncOnlyTransport());
        using var stream = content.ReadAsStream();

        Assert.Throws<InvalidOperationException>(() => stream.ReadByte());
    }

    private sealed class AsyncOnlyTransport : HttpMessageHandler
    {
        public static readonly byte[] Track = Enumerable.Range(0, 70_000).Select(i => (byte)(i * 31)).ToArray();

        private int _synchronousReads;
        private int _answered;

        public int SynchronousReads => _synchronousReads;

        public int Answered => _answered;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _answered);
            var path = request.RequestUri!.AbsolutePath;
            var (body, type) = path switch
            {
                "/apis/audio-separation" => ("""{"task_id":"t-1"}""", "application/json"),
                "/apis/audio-separation/t-1" => (FastApiBodies.Status("SUCCESS", 7), "application/json"),
                "/apis/audio-separation-result/7" => (Urls, "application/json"),
                "/apis/audio-separation-results" => ($$"""{"7":{{Urls}}}""", "application/json"),
                _ => (null, "audio/wav"),
            };
            var response = new HttpResponseMessage(HttpStatusCode.OK)
            {
                RequestMessage = request,
                Content = new AsyncOnlyContent(body is null ? Track : Encoding.UTF8.GetBytes(body), this),
            };
            response.Content.Headers.ContentType = new(type);
            return Task.FromResult(response);
        }

        private const string Urls = """{"foreground_audio_url":"https://storage.example/f.wav?sig=1","background_audio_url":"https://storage.example/b.wav?sig=1"}""";

        internal void NoteSynchronousRead() => Interlocked.Increment(ref _synchronousReads);

        /// <summary>A body that can only be read asynchronously, as a guard for the network stream.</summary>
        internal sealed class AsyncOnlyContent(byte[] bytes, AsyncOnlyTransport owner) : HttpContent
        {
            protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(bytes).AsTask();

            protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
                stream.WriteAsync(bytes, cancellationToken).AsTask();

            protected override void SerializeToStream(Stream stream, TransportContext? context, CancellationToken cancellationToken) => Refuse();

            protected override Task<Stream> CreateContentReadStreamAsync() => Task.FromResult<Stream>(new AsyncOnlyStream(bytes, this));

            protected override Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) => CreateContentReadStreamAsync();

            protected override Stream CreateContentReadStream(CancellationToken cancellationToken) => new AsyncOnlyStream(bytes, this);

            protected override bool TryComputeLength(out long length)
            {
                length = bytes.Length;
                return true;
            }

            internal void Refuse()
            {
                owner.NoteSynchronousRead();
                throw new InvalidOperationException("A response body was read synchronously.");
            }
        }

        private sealed class AsyncOnlyStream(byte[] bytes, AsyncOnlyContent content) : Stream
        {
            private readonly MemoryStream _inner = new(bytes, writable: false);

            public override bool CanRead => true;

            public override bool CanSeek => false;

            public override bool CanWrite => false;

            public override long Length => _inner.Length;

            public override long Position { get => _inner.Position; set => throw new NotSupportedException(); }

            public override int Read(byte[] buffer, int offset, int count)
            {
                content.Refuse();
                return 0;
            }

            public override int Read(Span<byte> buffer)
            {
                content.Refuse();
                return 0;
            }

            public override int ReadByte()
            {
                content.Refuse();
                return -1;
            }

            public override void CopyTo(Stream destination, int bufferSize) => content.Refuse();

            public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
                _inner.ReadAsync(buffer, offset, count, cancellationToken);

            public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
                _inner.ReadAsync(buffer, cancellationToken);

            public override void Flush()
            {
            }

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();

            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

            protected override void Dispose(bool disposing)
            {
                _inner.Dispose();
                base.Dispose(disposing);
            }
        }
    }
}
