using BenchmarkDotNet.Attributes;
using Takedown.Core.Hashing;
using Takedown.Core.Matching;

namespace Takedown.Bench;

/// <summary>Radius-31 queries against one million seeded random hashes; one operation is one query.</summary>
[MemoryDiagnoser]
public class MatchBenchmarks
{
    private const int Entries = 1_000_000;
    private const int QueryCount = 4_096;

    private PdqIndex _index = null!;
    private PdqIndex _plainIndex = null!;
    private ulong[] _packed = null!;
    private PdqHash[] _queries = null!;
    private readonly List<PdqMatch> _results = [];
    private readonly List<(int Ordinal, int Distance)> _hits = [];
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var (ids, hashes) = MatchWorkload.Entries(Entries, 20240601);
        _queries = MatchWorkload.Queries(ids, hashes, QueryCount, 20240601).Queries;
        _index = PdqIndex.Build(ids, hashes, new PdqIndexOptions { MergeInBackground = false });
        _plainIndex = PdqIndex.Build(ids, hashes, new PdqIndexOptions { MergeInBackground = false, UsePartnerFilter = false });
        _packed = MatchWorkload.Pack(hashes);
    }

    [Benchmark(Baseline = true)]
    public int PairedMultiIndex() => Query(_index);

    [Benchmark]
    public int PlainMultiIndex() => Query(_plainIndex);

    [Benchmark]
    public int BruteForceScan()
    {
        _hits.Clear();
        var sink = new OrdinalListSink(_hits);
        HammingScan.Scan(_packed, Entries, NextQuery(), PdqIndex.DefaultRadius, ref sink);
        return _hits.Count;
    }

    private int Query(PdqIndex index)
    {
        _results.Clear();
        index.Match(NextQuery(), PdqIndex.DefaultRadius, _results);
        return _results.Count;
    }

    private PdqHash NextQuery() => _queries[_next++ & (QueryCount - 1)];
}
