using System.Text.RegularExpressions;

namespace HelpGen;

/// <summary>One docs/cmdlets/&lt;Name&gt;.md page split into the sections the MAML needs.</summary>
internal sealed partial class MarkdownPage
{
    public required string Name { get; init; }
    public string Synopsis { get; private set; } = "";
    public string Description { get; private set; } = "";
    public List<(string Title, string Code, string Remarks)> Examples { get; } = [];
    public Dictionary<string, (string Text, string? Default)> Parameters { get; } = new(StringComparer.OrdinalIgnoreCase);
    public List<(string Type, string Text)> Inputs { get; } = [];
    public List<(string Type, string Text)> Outputs { get; } = [];
    public string Notes { get; private set; } = "";
    public List<string> RelatedLinks { get; } = [];

    public static MarkdownPage Parse(string path)
    {
        var lines = File.ReadAllLines(path);
        var page = new MarkdownPage { Name = Path.GetFileNameWithoutExtension(path) };
        string? section = null;
        string? sub = null;
        var buffer = new List<string>();

        void Flush()
        {
            var text = string.Join('\n', buffer).Trim();
            buffer.Clear();
            switch (section)
            {
                case "SYNOPSIS": page.Synopsis = text; break;
                case "DESCRIPTION": page.Description = text; break;
                case "NOTES": page.Notes = text; break;
                case "RELATED LINKS":
                    page.RelatedLinks.AddRange(text.Split('\n').Select(l => l.TrimStart('-', '*', ' ').Trim()).Where(l => l.Length > 0));
                    break;
                case "EXAMPLES" when sub is not null:
                    var m = CodeBlock().Match(text);
                    var code = m.Success ? m.Groups[1].Value.Trim() : "";
                    var remarks = m.Success ? text.Remove(m.Index, m.Length).Trim() : text;
                    // <!-- setup: ... --> and <!-- not run: ... --> lines are for the suite that runs the examples
                    // (tests/Pester/Examples.Tests.ps1), not for readers.
                    remarks = HtmlComment().Replace(remarks, "").Trim();
                    page.Examples.Add((sub, code, remarks));
                    break;
                case "PARAMETERS" when sub is not null:
                    string? def = null;
                    var kept = new List<string>();
                    foreach (var l in text.Split('\n'))
                    {
                        var d = DefaultLine().Match(l);
                        if (d.Success) def = d.Groups[1].Value.Trim().Trim('`');
                        else kept.Add(l);
                    }
                    page.Parameters[sub.TrimStart('-')] = (string.Join('\n', kept).Trim(), def);
                    break;
                case "INPUTS" when sub is not null: page.Inputs.Add((sub, text)); break;
                case "OUTPUTS" when sub is not null: page.Outputs.Add((sub, text)); break;
            }
        }

        var inCode = false;
        foreach (var line in lines)
        {
            if (line.StartsWith("```", StringComparison.Ordinal)) inCode = !inCode;
            if (!inCode && line.StartsWith("## ", StringComparison.Ordinal))
            {
                Flush();
                section = line[3..].Trim().ToUpperInvariant();
                sub = null;
                continue;
            }
            if (!inCode && line.StartsWith("### ", StringComparison.Ordinal))
            {
                Flush();
                sub = line[4..].Trim();
                continue;
            }
            if (!inCode && line.StartsWith("# ", StringComparison.Ordinal)) continue;
            buffer.Add(line);
        }
        Flush();
        return page;
    }

    [GeneratedRegex("```[a-zA-Z]*\\n(.*?)\\n```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();

    [GeneratedRegex("<!--.*?-->\\n?", RegexOptions.Singleline)]
    private static partial Regex HtmlComment();

    [GeneratedRegex(@"^\s*Default value:\s*(.+)$", RegexOptions.IgnoreCase)]
    private static partial Regex DefaultLine();
}
