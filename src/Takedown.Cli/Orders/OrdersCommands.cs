using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Takedown.Cli.Common;

namespace Takedown.Cli.Orders;

internal static class OrdersCommands
{
    public static Command Create()
    {
        var orders = new Command("orders", "Issue, list, show and answer orders on a running service.");
        orders.Subcommands.Add(CreateCommand());
        orders.Subcommands.Add(ListCommand());
        orders.Subcommands.Add(ShowCommand());
        orders.Subcommands.Add(ActionCommand());
        return orders;
    }

    private static Command CreateCommand()
    {
        var api = new ApiConnection();
        var file = new Option<string>("--file") { Description = "The order as JSON (the API's body); '-' reads standard input" };
        var kind = new Option<string>("--kind") { Description = "removal_order or referral" };
        var platform = new Option<string>("--platform") { Description = "Platform id" };
        var reference = new Option<string>("--reference") { Description = "Your own reference number" };
        var urls = new Option<string[]>("--item-url") { Description = "URL of an item (repeat for several)", AllowMultipleArgumentsPerToken = true };
        var reasons = new Option<string>("--reasons") { Description = "Why the content is terrorist content" };
        var types = new Option<string[]>("--type") { Description = "Terrorist content type (repeat): incitement, soliciting_offences, soliciting_participation, instructions, threats", AllowMultipleArgumentsPerToken = true };
        var legal = new Option<string>("--legal-basis") { Description = "Legal basis (required for removal orders)" };
        var emergency = new Option<bool>("--emergency") { Description = "Mark as an emergency" };
        var command = new Command("create", "Issue a removal order or referral (from --file, or from the flags).") { file, kind, platform, reference, urls, reasons, types, legal, emergency };
        api.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            string json;
            var path = parse.GetValue(file);
            if (path is not null)
            {
                try { json = path == "-" ? await Console.In.ReadToEndAsync(ct) : await File.ReadAllTextAsync(path, ct); }
                catch (IOException ex) { return CliOutput.Error($"cannot read {path}: {ex.Message}", ExitCodes.Invalid); }
                try { JsonNode.Parse(json); }
                catch (JsonException ex) { return CliOutput.Error($"{path} is not valid JSON: {ex.Message}", ExitCodes.Invalid); }
            }
            else
            {
                var body = new JsonObject
                {
                    ["kind"] = parse.GetValue(kind),
                    ["platform_id"] = parse.GetValue(platform),
                    ["reference"] = parse.GetValue(reference),
                    ["items"] = new JsonArray((parse.GetValue(urls) ?? []).Select(u => (JsonNode)new JsonObject { ["url"] = u }).ToArray()),
                    ["reasons"] = parse.GetValue(reasons),
                    ["terrorist_content_types"] = new JsonArray((parse.GetValue(types) ?? []).Select(t => (JsonNode)JsonValue.Create(t)!).ToArray()),
                    ["legal_basis"] = parse.GetValue(legal),
                    ["emergency"] = parse.GetValue(emergency),
                };
                json = body.ToJsonString();
            }
            return await api.SendAsync(parse, HttpMethod.Post, "/api/v1/orders", json, ct);
        });
        return command;
    }

    private static Command ListCommand()
    {
        var api = new ApiConnection();
        var status = new Option<string>("--status") { Description = "held, open, overdue or closed" };
        var after = new Option<string>("--after") { Description = "Cursor from a previous page" };
        var limit = new Option<int?>("--limit") { Description = "Page size (1-200)" };
        var command = new Command("list", "List your orders (an authority) or your inbox (a platform).") { status, after, limit };
        api.AddTo(command);
        command.SetAction((parse, ct) =>
        {
            var query = new List<string>();
            if (parse.GetValue(status) is { } s) query.Add("status=" + Uri.EscapeDataString(s));
            if (parse.GetValue(after) is { } a) query.Add("after=" + Uri.EscapeDataString(a));
            if (parse.GetValue(limit) is { } l) query.Add("limit=" + l);
            return api.SendAsync(parse, HttpMethod.Get, "/api/v1/orders" + (query.Count > 0 ? "?" + string.Join('&', query) : ""), null, ct);
        });
        return command;
    }

    private static Command ShowCommand()
    {
        var api = new ApiConnection();
        var id = new Argument<Guid>("order-id") { Description = "Order id" };
        var events = new Option<bool>("--events") { Description = "Show the timeline instead of the order" };
        var command = new Command("show", "Show one order, or its timeline with --events.") { id, events };
        api.AddTo(command);
        command.SetAction((parse, ct) =>
            api.SendAsync(parse, HttpMethod.Get, $"/api/v1/orders/{parse.GetValue(id)}{(parse.GetValue(events) ? "/events" : "")}", null, ct));
        return command;
    }

    private static Command ActionCommand()
    {
        var api = new ApiConnection();
        var orderId = new Argument<Guid>("order-id") { Description = "Order id" };
        var itemId = new Argument<Guid>("item-id") { Description = "Item id" };
        var action = new Option<string>("--action") { Description = "removed, disabled, impossible or not_actioned", Required = true };
        var reason = new Option<string>("--reason") { Description = "For impossible: force_majeure, manifest_error, insufficient_information; for not_actioned: not_violating, not_found, exempt" };
        var explanation = new Option<string>("--explanation") { Description = "Explanation (required for impossible)" };
        var rule = new Option<string>("--rule") { Description = "Id of your content rule" };
        var actedAt = new Option<DateTimeOffset?>("--acted-at") { Description = "When the action was taken (default now)" };
        var command = new Command("action", "Record the platform's answer for one item.") { orderId, itemId, action, reason, explanation, rule, actedAt };
        api.AddTo(command);
        command.SetAction((parse, ct) =>
        {
            var body = new JsonObject { ["action"] = parse.GetValue(action) };
            if (parse.GetValue(reason) is { } r) body["reason"] = r;
            if (parse.GetValue(explanation) is { } e) body["explanation"] = e;
            if (parse.GetValue(rule) is { } ru) body["rule_id"] = ru;
            if (parse.GetValue(actedAt) is { } at) body["acted_at"] = at.ToUniversalTime().ToString("O");
            return api.SendAsync(parse, HttpMethod.Post, $"/api/v1/orders/{parse.GetValue(orderId)}/items/{parse.GetValue(itemId)}/action", body.ToJsonString(), ct);
        });
        return command;
    }
}
