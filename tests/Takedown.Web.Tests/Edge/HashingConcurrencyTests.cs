using System.Net.Http.Headers;
using System.Text;

namespace Takedown.Web.Tests.Edge;

/// <summary>
/// Hashing slots per node: with one slot held by an upload whose body is still arriving, every other upload
/// that would hash (match, review check, bank entry) waits in the short queue or gets 503 with Retry-After.
/// </summary>
public sealed class HashingConcurrencyTests
{
    [Fact]
    public async Task WithTheOnlySlotTaken_EveryHashingUpload_Gets503WithRetryAfter_ButSignalsGoOn()
    {
        await using var app = await TestApp.StartAsync(null, "--Hashing:MaxConcurrent=1", "--Hashing:QueueLimit=0", "--Hashing:QueueTimeoutSeconds=7");
        var platform = await app.PlatformAsync();
        await platform.CreateBankAsync("SLOTS");

        var held = new HeldUpload();
        var first = platform.Http.SendAsync(held.Request("/api/v1/match", platform.Key));
        await held.InHandlerAsync(first);

        var png = TestImages.ScenePng(7);
        foreach (var path in new[] { "/api/v1/match", "/api/v1/review/checks", "/api/v1/banks/SLOTS/entries" })
        {
            var fields = path.EndsWith("checks", StringComparison.Ordinal) ? new[] { ("content_id", "c-1") } : [];
            var busy = await platform.UploadAsync(path, png, "scene.png", fields);
            var problem = await Problem.AssertAsync(busy, 503);
            Assert.Equal("7", busy.Headers.GetValues("Retry-After").Single());
            Assert.Equal("Hashing busy", problem["title"]!.GetValue<string>());
        }
        // A signal sent as JSON is not hashed here: it does not wait for a slot.
        Assert.Equal(HttpStatusCode.OK, (await platform.PostAsync("/api/v1/match", new { signal_type = "pdq", signal = BankIntents.RandomHash(1) })).StatusCode);

        held.Release();
        Assert.NotEqual(HttpStatusCode.ServiceUnavailable, (await first).StatusCode);
        // The slot is free again.
        Assert.Equal(HttpStatusCode.OK, (await platform.UploadAsync("/api/v1/match", png, "scene.png")).StatusCode);
    }

    [Fact]
    public async Task TheQueue_HoldsUpToItsLimit_AndTheQueuedUploadRunsOnceTheSlotFrees()
    {
        await using var app = await TestApp.StartAsync(null, "--Hashing:MaxConcurrent=1", "--Hashing:QueueLimit=1", "--Hashing:QueueTimeoutSeconds=300");
        var platform = await app.PlatformAsync();
        var held = new HeldUpload();
        var first = platform.Http.SendAsync(held.Request("/api/v1/match", platform.Key));
        await held.InHandlerAsync(first);

        // Two more: one waits in the queue, the other finds it full. Which is which depends on arrival.
        var png = TestImages.ScenePng(8);
        var second = platform.UploadAsync("/api/v1/match", png, "a.png");
        var third = platform.UploadAsync("/api/v1/match", png, "b.png");
        var refused = await Task.WhenAny(second, third);
        await Problem.AssertAsync(await refused, 503);
        var queued = refused == second ? third : second;
        Assert.False(queued.IsCompleted);

        held.Release();
        await first;
        Assert.Equal(HttpStatusCode.OK, (await queued).StatusCode);
    }

    [Fact]
    public async Task AQueuedUpload_GivesUpAfterTheQueueTimeout_With503()
    {
        await using var app = await TestApp.StartAsync(null, "--Hashing:MaxConcurrent=1", "--Hashing:QueueLimit=4", "--Hashing:QueueTimeoutSeconds=5");
        var platform = await app.PlatformAsync();
        var held = new HeldUpload();
        var first = platform.Http.SendAsync(held.Request("/api/v1/review/checks", platform.Key));
        await held.InHandlerAsync(first);

        var waiting = platform.UploadAsync("/api/v1/match", TestImages.ScenePng(9), "c.png");
        // The queue's clock is the service's: move it on until the waiting upload gives up.
        await Eventually.TrueAsync(() =>
        {
            app.Clock.Advance(TimeSpan.FromSeconds(6));
            return Task.FromResult(waiting.Wait(100));
        });
        var response = await waiting;
        await Problem.AssertAsync(response, 503);
        Assert.Equal("5", response.Headers.GetValues("Retry-After").Single());

        held.Release();
        await first;
    }

    /// <summary>A multipart upload whose file arrives in two halves: the second only when released.</summary>
    private sealed class HeldUpload : HttpContent
    {
        private const string Boundary = "held-upload-boundary";
        private const int Head = 1 << 20;
        private readonly TaskCompletionSource _reading = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public HeldUpload() => Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/form-data; boundary={Boundary}");

        public HttpRequestMessage Request(string path, string key)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = this };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            return request;
        }

        /// <summary>
        /// Waits until the service has read most of the first megabyte. The in-memory transport holds at most
        /// 64 KiB unread, so by then the request is in its handler, which took the slot before reading.
        /// </summary>
        public async Task InHandlerAsync(Task<HttpResponseMessage> response)
        {
            var done = await Task.WhenAny(_reading.Task, response, Task.Delay(TimeSpan.FromSeconds(30)));
            if (done != _reading.Task)
                throw new Xunit.Sdk.XunitException(response.IsCompleted ? $"the held upload was answered early: {(await response).StatusCode}" : "the held upload was never read");
        }

        public void Release() => _release.TrySetResult();

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(
                $"--{Boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"held.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n"));
            var chunk = new byte[16 * 1024];
            new Random(3).NextBytes(chunk);
            for (var sent = 0; sent < Head; sent += chunk.Length)
            {
                await stream.WriteAsync(chunk);
                await stream.FlushAsync();
            }
            _reading.TrySetResult();
            await _release.Task;
            await stream.WriteAsync(chunk);
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"\r\n--{Boundary}--\r\n"));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }
}
