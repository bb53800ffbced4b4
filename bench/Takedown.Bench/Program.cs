using BenchmarkDotNet.Running;
using Takedown.Bench;

// Load drivers and benchmarks; see docs/performance.md for each command.
// `orders`, `webhooks` and `review` drive a real service, `match` times the PDQ index, `quick` breaks down one PDQ hash,
// `bdn ...` (or any BenchmarkDotNet arguments such as --filter) runs the BenchmarkDotNet suites.
// Every driver that starts a service raises its per-key API limits (see OrdersLoadDriver.PerKeyPerMinute).
if (Array.IndexOf(args, "--per-key-per-minute") is var at and >= 0 && at + 1 < args.Length)
{
    OrdersLoadDriver.PerKeyPerMinute = args[at + 1];
    args = [.. args[..at], .. args[(at + 2)..]];
}
switch (args.FirstOrDefault())
{
    case "orders":
        return await OrdersLoadDriver.RunAsync(args[1..]);
    case "webhooks":
        return await WebhooksLoadDriver.RunAsync(args[1..]);
    case "review":
        return await ReviewLoadDriver.RunAsync(args[1..]);
    case "match":
        return MatchLoadDriver.Run(args[1..]);
    case "decode" when args.Length > 1:
        DecodeExperiment.Run(args[1]);
        return 0;
    case "quick":
        QuickTimer.Run();
        return 0;
    case "bdn":
        BenchmarkSwitcher.FromAssembly(typeof(PdqBenchmarks).Assembly).Run(args[1..]);
        return 0;
    case null or "-h" or "--help":
        return Usage();
    default:
        BenchmarkSwitcher.FromAssembly(typeof(PdqBenchmarks).Assembly).Run(args);
        return 0;
}

static int Usage()
{
    Console.Error.WriteLine("""
        usage: Takedown.Bench orders [--rate N] [--seconds S] [--takedown path/to/takedown.dll]
               Takedown.Bench webhooks [--rate N] [--orders N] [--takedown path/to/takedown.dll]
               Takedown.Bench review [--entries N] [--rate R] [--seconds S] [--matching PERCENT] [--takedown path/to/takedown.dll]
               Takedown.Bench match [--entries N] [--queries Q] [--radius R] [--seed S] [--plain-mih]
               (orders, webhooks, review: the service's per-key limits are raised to 10,000,000 a minute;
                --per-key-per-minute N sets them, e.g. 120 to measure with the production default for writes)
               Takedown.Bench quick
               Takedown.Bench decode DIR      (JPEG decode variants and the scaled decode's hash distances)
               Takedown.Bench bdn [--filter '*Pdq*'] [--job short]     (BenchmarkDotNet)
        """);
    return 2;
}
