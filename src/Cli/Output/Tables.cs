using SelfDissonance.Cli.Policy;
using SelfDissonance.Client.Contracts;
using Spectre.Console;

namespace SelfDissonance.Cli.Output;

/// <summary>The tables several commands print.</summary>
internal static class Tables
{
    public static Table KeyValues(string? title, IEnumerable<(string Key, string Value)> rows)
    {
        var table = new Table { Border = TableBorder.Rounded };
        if (title is not null)
        {
            table.Title = new TableTitle(Markup.Escape(title));
        }

        table.AddColumn("field");
        table.AddColumn("value");
        foreach (var (key, value) in rows)
        {
            table.AddRow(Markup.Escape(key), Markup.Escape(value));
        }

        return table;
    }

    public static Table Policy(PolicyResponse policy, string title, IReadOnlySet<string>? changed = null) =>
        KeyValues(title, PolicyFields.All.Select(f => (changed?.Contains(f.Name) == true ? f.Name + " *" : f.Name, Formats.Number(f.Get(policy))))
            .Append(("revision", Formats.Count(policy.Revision)))
            .Append(("updated", Formats.Time(policy.UpdatedAt)))
            .Append(("budget used / left (this hour)", $"{Formats.Count(policy.BudgetUsed)} / {Formats.Count(policy.BudgetLeft)}")));
}
