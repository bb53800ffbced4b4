using Dapper;
using Microsoft.Extensions.Logging;
using Takedown.Core.Banks;
using Takedown.Core.Common;
using Takedown.Core.Signals;
using Takedown.Core.Organizations;
using Takedown.Core.Storage;

namespace Takedown.Core.Matching;

public sealed record SignalQuery(string? SignalType, string? Signal);

/// <summary>One signal, or a text to match (<see cref="Text"/>, signal_type text or none).</summary>
public sealed record MatchRequest(string? SignalType, string? Signal, int? Radius, string? Text = null);

public sealed record BatchMatchRequest(IReadOnlyList<SignalQuery>? Signals, int? Radius);

/// <summary>
/// One matching entry; <see cref="Distance"/> is the Hamming distance for pdq, 0 for exact signals and
/// url entries, and for text 100 minus the estimated overlap in percent (0 for a copy).
/// </summary>
public sealed record MatchView(string Bank, Guid EntryId, string SignalType, string Signal, int Distance, EntryLabels Labels)
{
    /// <summary>vpdq: the share of the query's frames found in the bank video (vPDQ's query match percentage).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public double? QueryFramesMatched { get; init; }

    /// <summary>vpdq: the share of the bank video's frames found in the query.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public double? BankFramesMatched { get; init; }
}

public sealed record MatchResponse(IReadOnlyList<MatchView> Matches);

/// <summary>The signals computed from an uploaded file (pdq is null when the file is not an image).</summary>
public sealed record FileHashes(string? Pdq, int? Quality, string Md5, string Sha256, string? PdqError)
{
    /// <summary>A video's kept frames (after dropping near-identical ones) and frames decoded.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public int? VideoFrames { get; init; }

    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public int? VideoFramesDecoded { get; init; }

    /// <summary>The text signal of a .txt upload.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Text { get; init; }
}

public sealed record FileMatchResponse(IReadOnlyList<MatchView> Matches, FileHashes Hashes);

public sealed record BatchMatchResponse(IReadOnlyList<MatchResponse> Results);

/// <summary>
/// Looks signals up in every bank the caller may use: kinds with an in-memory index (pdq, text, vpdq) through
/// <see cref="MatchIndex"/>, exact kinds (md5, sha256, url, ...) through the SQL index on (signal_type, signal).
/// Only matchable entries (enabled, and not called a false positive by their owner) ever match, and never
/// an entry suppressed for the caller (one built from content the caller's organisation reinstated).
/// </summary>
public sealed class MatchService(IDatabase db, MatchIndex index, SignalKinds kinds, FileSignals files, TextKind texts, ILogger<MatchService> log)
{
    public const int MaxBatch = 1000;

    public async Task<Result<MatchResponse>> MatchAsync(Caller caller, MatchRequest request, CancellationToken ct)
    {
        var v = new Validator();
        var radius = ValidateRadius(v, request.Radius);
        if (request.Text is not null)
        {
            if (request.SignalType is not null && request.SignalType != texts.Name) v.Add("text", "is only given for signal_type text");
            if (request.Signal is not null) v.Add("signal", "give either the text or a signal, not both");
            if (!v.IsValid) return v.ToError();
            var text = texts.Queries(request.Text, "text");
            if (!text.IsSuccess) return text.Error!;
            return (await LookUpAsync(caller, [text.Value], radius, ct))[0];
        }
        var query = ValidateSignal(v, "", request.SignalType, request.Signal);
        if (!v.IsValid) return v.ToError();
        var results = await LookUpAsync(caller, [Expand(query!)], radius, ct);
        return results[0];
    }

    public async Task<Result<BatchMatchResponse>> MatchBatchAsync(Caller caller, BatchMatchRequest request, CancellationToken ct)
    {
        var v = new Validator();
        var radius = ValidateRadius(v, request.Radius);
        if (request.Signals is null || request.Signals.Count == 0) v.Add("signals", "is required (1 to 1000 signals)");
        else if (request.Signals.Count > MaxBatch) v.Add("signals", $"must hold at most {MaxBatch} signals");
        if (!v.IsValid) return v.ToError();
        var queries = request.Signals!.Select((s, i) => ValidateSignal(v, $"signals[{i}].", s?.SignalType, s?.Signal)).ToList();
        if (!v.IsValid) return v.ToError();
        var results = await LookUpAsync(caller, queries.Select(q => Expand(q!)).ToList(), radius, ct);
        return new BatchMatchResponse(results);
    }

    /// <summary>
    /// Matches several signals and an optional text as one piece of content (a review check): one list,
    /// the best match per entry. Errors name the check's fields (signals[i].signal_type, text).
    /// </summary>
    public async Task<Result<IReadOnlyList<MatchView>>> MatchContentAsync(Caller caller, IReadOnlyList<SignalQuery?>? signals, string? text, CancellationToken ct)
    {
        var v = new Validator();
        if (signals is { Count: > MaxBatch }) v.Add("signals", $"must hold at most {MaxBatch} signals");
        if (!v.IsValid) return v.ToError();
        var queries = (signals ?? []).Select((s, i) => ValidateSignal(v, $"signals[{i}].", s?.SignalType, s?.Signal)).ToList();
        if (!v.IsValid) return v.ToError();
        var group = queries.SelectMany(q => Expand(q!)).ToList();
        if (text is not null)
        {
            var signatures = texts.Queries(text, "text");
            if (!signatures.IsSuccess) return signatures.Error!;
            group.AddRange(signatures.Value);
        }
        if (group.Count == 0) return Array.Empty<MatchView>();
        return (await LookUpAsync(caller, [group], PdqIndex.DefaultRadius, ct))[0].Matches.ToList();
    }

    /// <summary>
    /// Hashes an uploaded file as <see cref="FileSignals"/> recognises it and looks up every signal it gives: MD5,
    /// SHA-256 and all eight dihedral PDQ hashes of an image (so rotated and mirrored copies are caught; a file that
    /// is not an image still matches exactly), vPDQ of a video (recognised by its bytes), text of a .txt file. A
    /// playlist or manifest, or a file named as a video whose bytes are not a container we accept, is refused before ffmpeg runs.
    /// </summary>
    public async Task<Result<FileMatchResponse>> MatchFileAsync(Caller caller, ReadOnlyMemory<byte> file, int? radiusValue, CancellationToken ct, string? fileName = null)
    {
        var v = new Validator();
        var radius = ValidateRadius(v, radiusValue);
        if (!v.IsValid) return v.ToError();
        var query = await files.QueryAsync(file, fileName, ct);
        if (!query.IsSuccess) return query.Error!;
        var results = await LookUpAsync(caller, [query.Value.Signals], radius, ct);
        return new FileMatchResponse(results[0].Matches, query.Value.Hashes);
    }

    /// <summary>One answer per group of signals (a group is one query: a signal, or a file's several hashes), best match per entry.</summary>
    private async Task<List<MatchResponse>> LookUpAsync(Caller caller, IReadOnlyList<IReadOnlyList<Signal>> groups, int radius, CancellationToken ct)
    {
        var videoShares = new Dictionary<long, (double Query, double Bank)>();
        var hits = new List<Dictionary<long, int>>(groups.Count);
        await using var c = await db.OpenAsync(ct);
        // Exact signals go through the (signal_type, signal) index, a few hundred at a time.
        var exactSeqs = new Dictionary<(string, string), List<long>>();
        foreach (var byKind in groups.SelectMany(g => g).Where(q => !index.Indexes(q.Kind)).GroupBy(q => q.Kind.Name))
        {
            foreach (var chunk in byKind.Select(q => q.Text).Distinct().Chunk(400))
            {
                var rows = await c.QueryAsync<(long seq, string signal)>(
                    $"SELECT seq, signal FROM bank_entries WHERE signal_type = @type AND {Sql.In(c, "signal", "@signals")} AND enabled = 1 AND owner_false_positive = 0",
                    new { type = byKind.Key, signals = chunk });
                foreach (var (seq, signal) in rows)
                {
                    if (!exactSeqs.TryGetValue((byKind.Key, signal), out var list)) exactSeqs[(byKind.Key, signal)] = list = [];
                    list.Add(seq);
                }
            }
        }
        var found = new List<SignalHit>();
        foreach (var group in groups)
        {
            var best = new Dictionary<long, int>();
            foreach (var byKind in group.Where(q => index.Indexes(q.Kind)).GroupBy(q => q.Kind))
            {
                found.Clear();
                index.Match(byKind.Key, byKind.ToList(), radius, found);
                foreach (var m in found)
                {
                    best[m.Seq] = best.TryGetValue(m.Seq, out var d) ? Math.Min(d, m.Distance) : m.Distance;
                    if (m is { QueryShare: { } q, BankShare: { } b }) videoShares[m.Seq] = (q, b);
                }
            }
            foreach (var query in group)
                if (exactSeqs.TryGetValue((query.Kind.Name, query.Text), out var seqs))
                    foreach (var seq in seqs) best[seq] = 0;
            hits.Add(best);
        }

        // Tenancy: the index knows every bank; only the caller's usable banks come back from SQL, without the entries
        // suppressed for the caller alone (content it reinstated). Only hits reach this query, so misses cost nothing more.
        var allSeqs = hits.SelectMany(h => h.Keys).Distinct().ToList();
        var usable = new Dictionary<long, BankStore.EntryRow>();
        foreach (var chunk in allSeqs.Chunk(400))
        {
            var rows = await c.QueryAsync<BankStore.EntryRow>(
                $"""
                SELECT {BankStore.EntryColumns} FROM bank_entries e JOIN banks b ON b.id = e.bank_id
                WHERE {Sql.In(c, "e.seq", "@seqs")} AND e.enabled = 1 AND e.owner_false_positive = 0 AND {BankStore.UsableBy}
                  AND {BankStore.NotSuppressedFor}
                """, new { seqs = chunk, org = caller.OrganizationId.ToString() });
            foreach (var r in rows) usable[r.seq] = r;
        }
        var responses = hits.Select(h => new MatchResponse(h
            .Where(kv => usable.ContainsKey(kv.Key))
            .Select(kv => (Row: usable[kv.Key], Distance: kv.Value))
            .OrderBy(x => x.Distance).ThenBy(x => x.Row.bank, StringComparer.Ordinal).ThenBy(x => x.Row.seq)
            .Select(x => new MatchView(x.Row.bank, Guid.Parse(x.Row.id), x.Row.signal_type, x.Row.signal, x.Distance,
                new EntryLabels(x.Row.entity, x.Row.behaviour))
            {
                QueryFramesMatched = videoShares.TryGetValue(x.Row.seq, out var share) ? Math.Round(share.Query, 4) : null,
                BankFramesMatched = videoShares.TryGetValue(x.Row.seq, out var share2) ? Math.Round(share2.Bank, 4) : null,
            })
            .ToList())).ToList();
        MatchingLog.Matched(log, groups.Count, responses.Sum(r => r.Matches.Count));
        return responses;
    }

    /// <summary>What to look up for a signal (a URL: its canonical form under both schemes and each enclosing domain).</summary>
    private static IReadOnlyList<Signal> Expand(Signal query) => query.Kind.LookupKeys(query).ToList();

    private static int ValidateRadius(Validator v, int? radius)
    {
        if (radius is { } r && (r < 0 || r > PdqIndex.MaxRadius)) v.Add("radius", $"must be between 0 and {PdqIndex.MaxRadius}");
        return radius ?? PdqIndex.DefaultRadius;
    }

    private Signal? ValidateSignal(Validator v, string prefix, string? type, string? signal)
    {
        if (!v.OneOf(prefix + "signal_type", type, kinds.Names)) return null;
        if (!v.Require(prefix + "signal", signal)) return null;
        var kind = kinds.Find(type)!;
        var parsed = kind.Parse(signal);
        if (parsed is null) v.Add(prefix + "signal", kind.FormatProblem);
        return parsed;
    }
}
