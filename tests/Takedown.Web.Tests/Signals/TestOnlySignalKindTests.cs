using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Takedown.Core.Common;
using Takedown.Core.Matching;
using Takedown.Core.Signals;

namespace Takedown.Web.Tests.Signals;

/// <summary>
/// A signal kind the service has never heard of, defined here and registered in the test alone: a file that
/// starts with "MAGIC:" is known by the 8 bytes after it (16 hex digits). Nothing else in the code base changes,
/// yet banks accept it (as a signal and from a file), matching finds it (in its own in-memory index) and review
/// checks and rules use it. This is what adding a kind costs: one file and its tests.
/// </summary>
public sealed class MagicKind : SignalKind<string>
{
    private static readonly byte[] Header = "MAGIC:"u8.ToArray();

    public override string Name => "magic";
    public override string FormatProblem => "must be 16 hexadecimal digits (the 8 bytes after a file's MAGIC: header)";
    public override bool FromFile => true;

    public override Signal? Parse(string? value) =>
        value is { Length: 16 } && value.All(char.IsAsciiHexDigit) ? Of(value.ToLowerInvariant()) : null;

    public override string Format(string value) => value;

    public override ValueTask<Result<SignalEntry>> EntryFromFileAsync(UploadedFile file, CancellationToken ct) =>
        ValueTask.FromResult<Result<SignalEntry>>(Read(file) is { } signal
            ? new SignalEntry(signal)
            : Error.Invalid("file", "has no MAGIC: header followed by 8 bytes"));

    public override ValueTask<Result<IReadOnlyList<Signal>>> QueriesFromFileAsync(UploadedFile file, CancellationToken ct) =>
        ValueTask.FromResult<Result<IReadOnlyList<Signal>>>(Read(file) is { } signal ? new[] { signal } : Array.Empty<Signal>());

    public override ISignalIndex CreateIndex() => new ExactIndex();

    private Signal? Read(UploadedFile file)
    {
        var bytes = file.Bytes.Span;
        return bytes.Length >= Header.Length + 8 && bytes.StartsWith(Header) ? Of(Convert.ToHexStringLower(bytes.Slice(Header.Length, 8))) : null;
    }

    /// <summary>The simplest index there is: every entry, compared one by one.</summary>
    private sealed class ExactIndex : ISignalIndex
    {
        private readonly Dictionary<long, (string Value, bool Matchable)> _entries = [];
        private readonly Lock _lock = new();

        public int Count
        {
            get { lock (_lock) return _entries.Count; }
        }

        public void Load(IEnumerable<(long Seq, Signal Signal, bool Matchable)> entries)
        {
            lock (_lock)
            {
                _entries.Clear();
                foreach (var (seq, signal, matchable) in entries) _entries[seq] = (signal.Text, matchable);
            }
        }

        public bool SetMatchable(long seq, bool matchable)
        {
            lock (_lock)
            {
                if (!_entries.TryGetValue(seq, out var e)) return false;
                _entries[seq] = (e.Value, matchable);
                return true;
            }
        }

        public void Add(long seq, Signal signal, bool matchable)
        {
            lock (_lock) _entries[seq] = (signal.Text, matchable);
        }

        public void Match(IReadOnlyList<Signal> queries, int radius, List<SignalHit> hits)
        {
            lock (_lock)
                foreach (var (seq, e) in _entries)
                    if (e.Matchable && queries.Any(q => q.Text == e.Value)) hits.Add(new SignalHit(seq, 0));
        }
    }
}

public sealed class TestOnlySignalKindTests : IAsyncLifetime
{
    private const string Known = "00112233445566ff";
    private TestApp _app = null!;
    private ApiClient _platform = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(builder => builder.Services.AddSignalKind<MagicKind>());
        _platform = await _app.PlatformAsync("MagicPlatform");
        await _platform.CreateBankAsync("MAGIC_FILES");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static byte[] MagicFile(string hex, string rest = " and then anything at all") =>
        [.. "MAGIC:"u8, .. Convert.FromHexString(hex), .. Encoding.UTF8.GetBytes(rest)];

    [Fact]
    public async Task RegisteredKind_IsAddedBySignalAndByFile_MatchedAndChecked()
    {
        // Added as a signal (normalised by the kind: upper case in, lower case stored) and from a file.
        var bySignal = await _platform.PostOkAsync("/api/v1/banks/MAGIC_FILES/entries", new { signal_type = "magic", signal = Known.ToUpperInvariant() });
        Assert.Equal(Known, bySignal["signal"]!.GetValue<string>());
        var fileValue = "a1b2c3d4e5f60718";
        var byFile = await ApiClient.ReadOkAsync(await _platform.UploadAsync("/api/v1/banks/MAGIC_FILES/entries", MagicFile(fileValue), "thing.bin",
            ("signal_type", "magic")));
        Assert.Equal("magic", byFile["signal_type"]!.GetValue<string>());
        Assert.Equal(fileValue, byFile["signal"]!.GetValue<string>());

        // Matched as a signal, in a batch, and from an uploaded file (which the kind reads by its bytes).
        var match = Assert.Single((await _platform.PostOkAsync("/api/v1/match", new { signal_type = "magic", signal = Known }))["matches"]!.AsArray())!;
        Assert.Equal(bySignal["id"]!.GetValue<string>(), match["entry_id"]!.GetValue<string>());
        Assert.Equal(0, match["distance"]!.GetValue<int>());
        var batch = (await _platform.PostOkAsync("/api/v1/match/batch",
            new { signals = new[] { new { signal_type = "magic", signal = Known }, new { signal_type = "magic", signal = "ffffffffffffffff" } } }))["results"]!.AsArray();
        Assert.Single(batch[0]!["matches"]!.AsArray());
        Assert.Empty(batch[1]!["matches"]!.AsArray());
        var upload = await ApiClient.ReadOkAsync(await _platform.UploadAsync("/api/v1/match", MagicFile(fileValue, " different tail, same magic"), "other.bin"));
        Assert.Equal(byFile["id"]!.GetValue<string>(), Assert.Single(upload["matches"]!.AsArray())!["entry_id"]!.GetValue<string>());

        // A review rule names the kind, and checks (JSON and file) are decided by it.
        await _platform.PostOkAsync("/api/v1/review/rules", new { signal_type = "magic", action = "hold" });
        var check = await _platform.PostOkAsync("/api/v1/review/checks",
            new { content_id = "magic-1", signals = new[] { new { signal_type = "magic", signal = Known } } });
        Assert.Equal("hold", check["decision"]!.GetValue<string>());
        Assert.Equal("magic", Assert.Single(check["matches"]!.AsArray())!["signal_type"]!.GetValue<string>());
        var fileCheck = await ApiClient.ReadOkAsync(await _platform.UploadAsync("/api/v1/review/checks", MagicFile(fileValue), "post.bin", ("content_id", "magic-2")));
        Assert.Equal("hold", fileCheck["decision"]!.GetValue<string>());
        Assert.Equal(byFile["id"]!.GetValue<string>(), Assert.Single(fileCheck["matches"]!.AsArray())!["entry_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task RegisteredKind_StopsMatchingWhenDisabled_AndSurvivesAReload()
    {
        var entry = await _platform.PostOkAsync("/api/v1/banks/MAGIC_FILES/entries", new { signal_type = "magic", signal = Known });
        await _platform.PostOkAsync($"/api/v1/banks/MAGIC_FILES/entries/{entry["id"]}/disable");
        Assert.Empty((await _platform.PostOkAsync("/api/v1/match", new { signal_type = "magic", signal = Known }))["matches"]!.AsArray());
        await _platform.PostOkAsync($"/api/v1/banks/MAGIC_FILES/entries/{entry["id"]}/enable");
        Assert.Single((await _platform.PostOkAsync("/api/v1/match", new { signal_type = "magic", signal = Known }))["matches"]!.AsArray());

        // A fresh load from the store (as at start-up) holds the kind's entries too.
        var index = _app.App.Services.GetRequiredService<MatchIndex>();
        var held = index.Count;
        await index.LoadAsync(CancellationToken.None);
        Assert.Equal(held, index.Count);
        Assert.Single((await _platform.PostOkAsync("/api/v1/match", new { signal_type = "magic", signal = Known }))["matches"]!.AsArray());
    }

    [Fact]
    public async Task RegisteredKind_BadValuesAndFiles_AreProblemsInTheKindsOwnWords()
    {
        var bad = await Problem.AssertAsync(await _platform.PostAsync("/api/v1/banks/MAGIC_FILES/entries", new { signal_type = "magic", signal = "not-hex" }), 400, "signal");
        Assert.Contains("the 8 bytes after a file's MAGIC: header", bad["errors"]!["signal"]![0]!.GetValue<string>());
        await Problem.AssertAsync(await _platform.PostAsync("/api/v1/match", new { signal_type = "magic", signal = "12" }), 400, "signal");
        var noHeader = await Problem.AssertAsync(await _platform.UploadAsync("/api/v1/banks/MAGIC_FILES/entries", "no header here at all"u8.ToArray(), "x.bin",
            ("signal_type", "magic")), 400, "file");
        Assert.Contains("MAGIC: header", noHeader["errors"]!["file"]![0]!.GetValue<string>());
        // The API's allowed values come from the registry: the new kind is listed after the built-in seven.
        var unknown = await Problem.AssertAsync(await _platform.PostAsync("/api/v1/match", new { signal_type = "nope", signal = Known }), 400, "signal_type");
        Assert.Contains("pdq, md5, sha256, url, text, vpdq, video_md5, magic", unknown["errors"]!["signal_type"]![0]!.GetValue<string>());
        Assert.Empty((await _platform.GetOkAsync("/api/v1/banks/MAGIC_FILES/entries"))["data"]!.AsArray());
    }

    [Fact]
    public async Task WithoutTheRegistration_TheKindIsUnknown()
    {
        await using var plain = await TestApp.StartAsync();
        var platform = await plain.PlatformAsync("PlainPlatform");
        await platform.CreateBankAsync("PLAIN");
        await Problem.AssertAsync(await platform.PostAsync("/api/v1/banks/PLAIN/entries", new { signal_type = "magic", signal = Known }), 400, "signal_type");
        await Problem.AssertAsync(await platform.PostAsync("/api/v1/match", new { signal_type = "magic", signal = Known }), 400, "signal_type");
    }
}
