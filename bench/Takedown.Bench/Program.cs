using Takedown.Bench;

// Load drivers and benchmarks. `orders` drives a real service; see docs/performance.md for each command.
return args.FirstOrDefault() switch
{
    "orders" => await OrdersLoadDriver.RunAsync(args[1..]),
    "webhooks" => await WebhooksLoadDriver.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Takedown.Bench orders [--rate N] [--seconds S] [--takedown path/to/takedown.dll]");
    Console.Error.WriteLine("       Takedown.Bench webhooks [--rate N] [--orders N] [--takedown path/to/takedown.dll]");
    return 2;
}
