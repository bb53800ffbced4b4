using System.CommandLine;
using Takedown.Cli.Admin;
using Takedown.Cli.DataRequests;
using Takedown.Cli.Blocklist;
using Takedown.Cli.Orders;
using Takedown.Cli.Serve;

var root = new RootCommand("Takedown: removal orders and referrals with a live one-hour clock, between authorities and platforms.");
root.Subcommands.Add(ServeCommand.Create());
root.Subcommands.Add(AdminCommands.Create());
root.Subcommands.Add(OrdersCommands.Create());
root.Subcommands.Add(VerifyProductionCommand.Create());
root.Subcommands.Add(BlocklistCommands.Create());
return await root.Parse(args).InvokeAsync();
