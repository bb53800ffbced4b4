using System.CommandLine;
using Takedown.Cli.Admin;
using Takedown.Cli.Banks;
using Takedown.Cli.Bench;
using Takedown.Cli.Hashing;
using Takedown.Cli.Matching;
using Takedown.Cli.Orders;
using Takedown.Cli.Serve;

var root = new RootCommand("Takedown: removal orders and referrals with a live one-hour clock, between authorities and platforms; hash banks and matching.");
root.Subcommands.Add(ServeCommand.Create());
root.Subcommands.Add(AdminCommands.Create());
root.Subcommands.Add(OrdersCommands.Create());
root.Subcommands.Add(HashCommand.Create());
root.Subcommands.Add(MatchCommand.Create());
root.Subcommands.Add(BanksCommands.Create());
root.Subcommands.Add(BenchCommands.Create());
return await root.Parse(args).InvokeAsync();
