using System.Xml;

namespace HelpGen;

/// <summary>Writes the MAML that Get-Help reads for binary cmdlets.</summary>
internal static class MamlWriter
{
    private const string Maml = "http://schemas.microsoft.com/maml/2004/10";
    private const string Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private const string Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

    private static readonly (string Name, string Text)[] ShouldProcessParameters =
    [
        ("WhatIf", "Shows what would happen if the cmdlet runs. The cmdlet is not run."),
        ("Confirm", "Prompts you for confirmation before running the cmdlet."),
    ];

    public static void Write(string path, IEnumerable<(CmdletRecord Cmdlet, MarkdownPage Page)> items)
    {
        var settings = new XmlWriterSettings { Indent = true, Encoding = new System.Text.UTF8Encoding(false) };
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var w = XmlWriter.Create(path, settings);
        w.WriteStartDocument();
        w.WriteStartElement("helpItems", "http://msh");
        w.WriteAttributeString("schema", "maml");
        foreach (var (cmdlet, page) in items.OrderBy(i => i.Cmdlet.Name, StringComparer.Ordinal))
        {
            WriteCommand(w, cmdlet, page);
        }
        w.WriteEndElement();
        w.WriteEndDocument();
    }

    private static void WriteCommand(XmlWriter w, CmdletRecord c, MarkdownPage page)
    {
        w.WriteStartElement("command", "command", Command);
        w.WriteAttributeString("xmlns", "maml", null, Maml);
        w.WriteAttributeString("xmlns", "dev", null, Dev);

        w.WriteStartElement("command", "details", Command);
        w.WriteElementString("command", "name", Command, c.Name);
        w.WriteElementString("command", "verb", Command, c.Verb);
        w.WriteElementString("command", "noun", Command, c.Noun);
        Paragraphs(w, "description", page.Synopsis);
        w.WriteEndElement();

        Paragraphs(w, "description", page.Description);

        var all = AllParameters(c, page);
        w.WriteStartElement("command", "syntax", Command);
        var sets = c.Parameters.SelectMany(p => p.Sets.Select(s => s.Set)).Where(s => s != CmdletMetadata.AllSets).Distinct().ToList();
        // A default set that no parameter names (the plain form of a cmdlet whose other sets add options) is still a
        // set PowerShell binds, and usually the one users type most: Get-Command -Syntax lists it, so SYNTAX does too.
        if (c.DefaultSet is { } defaultSet && !sets.Contains(defaultSet)) sets.Insert(0, defaultSet);
        if (sets.Count == 0) sets.Add(CmdletMetadata.AllSets);
        foreach (var set in sets)
        {
            w.WriteStartElement("command", "syntaxItem", Command);
            w.WriteElementString("maml", "name", Maml, c.Name);
            var inSet = all
                .Select(p => (p.Param, p.Text, p.Default, Meta: p.Param.Sets.FirstOrDefault(s => s.Set == set || s.Set == CmdletMetadata.AllSets)))
                .Where(p => p.Meta.Set is not null)
                .OrderBy(p => p.Meta.Position ?? int.MaxValue).ThenByDescending(p => p.Meta.Mandatory);
            foreach (var p in inSet)
            {
                WriteParameter(w, p.Param, p.Meta, p.Text, p.Default);
            }
            w.WriteEndElement();
        }
        w.WriteEndElement();

        w.WriteStartElement("command", "parameters", Command);
        foreach (var p in all.OrderBy(p => p.Param.Name, StringComparer.Ordinal))
        {
            WriteParameter(w, p.Param, p.Param.Sets[0], p.Text, p.Default);
        }
        w.WriteEndElement();

        w.WriteStartElement("command", "inputTypes", Command);
        foreach (var (type, text) in page.Inputs)
        {
            w.WriteStartElement("command", "inputType", Command);
            TypeElement(w, type);
            Paragraphs(w, "description", text);
            w.WriteEndElement();
        }
        w.WriteEndElement();

        w.WriteStartElement("command", "returnValues", Command);
        foreach (var (type, text) in page.Outputs)
        {
            w.WriteStartElement("command", "returnValue", Command);
            TypeElement(w, type);
            Paragraphs(w, "description", text);
            w.WriteEndElement();
        }
        w.WriteEndElement();

        w.WriteStartElement("maml", "alertSet", Maml);
        w.WriteStartElement("maml", "alert", Maml);
        foreach (var para in Split(page.Notes)) w.WriteElementString("maml", "para", Maml, para);
        w.WriteEndElement();
        w.WriteEndElement();

        w.WriteStartElement("command", "examples", Command);
        foreach (var (title, code, remarks) in page.Examples)
        {
            w.WriteStartElement("command", "example", Command);
            w.WriteElementString("maml", "title", Maml, $"-------------------------- {title} --------------------------");
            w.WriteElementString("dev", "code", Dev, code);
            w.WriteStartElement("dev", "remarks", Dev);
            foreach (var para in Split(remarks)) w.WriteElementString("maml", "para", Maml, para);
            // Get-Help prints the next example's title right under the last remark; an empty paragraph gives it a line.
            w.WriteElementString("maml", "para", Maml, "");
            w.WriteEndElement();
            w.WriteEndElement();
        }
        w.WriteEndElement();

        w.WriteStartElement("command", "relatedLinks", Command);
        // Get-Help -Online opens the first related link that has a URI: the page this help was generated from.
        w.WriteStartElement("maml", "navigationLink", Maml);
        w.WriteElementString("maml", "linkText", Maml, "Online Version:");
        w.WriteElementString("maml", "uri", Maml, OnlineUri(c.Name));
        w.WriteEndElement();
        foreach (var link in page.RelatedLinks)
        {
            w.WriteStartElement("maml", "navigationLink", Maml);
            w.WriteElementString("maml", "linkText", Maml, link);
            w.WriteElementString("maml", "uri", Maml, "");
            w.WriteEndElement();
        }
        w.WriteEndElement();

        w.WriteEndElement();
    }

    /// <summary>The GitHub rendering of docs/cmdlets/&lt;Name&gt;.md (ProjectUri of the manifest).</summary>
    public static string OnlineUri(string cmdlet) => $"https://github.com/psnettools/PSNetTools/blob/main/docs/cmdlets/{cmdlet}.md";

    private static List<(ParameterInfoRecord Param, string Text, string? Default)> AllParameters(CmdletRecord c, MarkdownPage page)
    {
        var list = c.Parameters.Select(p => (p, page.Parameters[p.Name].Text, page.Parameters[p.Name].Default)).ToList();
        if (c.SupportsShouldProcess)
        {
            foreach (var (name, text) in ShouldProcessParameters)
            {
                var meta = new ParameterInfoRecord(name, "SwitchParameter", true, name == "WhatIf" ? ["wi"] : ["cf"],
                    [(CmdletMetadata.AllSets, false, null, false, false)]);
                list.Add((meta, text, "False"));
            }
        }
        return list;
    }

    private static void WriteParameter(XmlWriter w, ParameterInfoRecord p,
        (string Set, bool Mandatory, int? Position, bool ByValue, bool ByPropertyName) meta, string text, string? defaultValue)
    {
        w.WriteStartElement("command", "parameter", Command);
        w.WriteAttributeString("required", meta.Mandatory ? "true" : "false");
        w.WriteAttributeString("variableLength", p.TypeName.EndsWith("[]", StringComparison.Ordinal) ? "true" : "false");
        w.WriteAttributeString("globbing", "false");
        var pipeline = (meta.ByValue, meta.ByPropertyName) switch
        {
            (true, true) => "True (ByPropertyName, ByValue)",
            (true, false) => "True (ByValue)",
            (false, true) => "True (ByPropertyName)",
            _ => "False",
        };
        w.WriteAttributeString("pipelineInput", pipeline);
        w.WriteAttributeString("position", meta.Position?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "named");
        w.WriteAttributeString("aliases", p.Aliases.Length == 0 ? "none" : string.Join(", ", p.Aliases));
        w.WriteElementString("maml", "name", Maml, p.Name);
        Paragraphs(w, "description", text);
        if (!p.IsSwitch)
        {
            w.WriteStartElement("command", "parameterValue", Command);
            w.WriteAttributeString("required", "true");
            w.WriteAttributeString("variableLength", "false");
            w.WriteString(p.TypeName);
            w.WriteEndElement();
        }
        TypeElement(w, p.TypeName);
        w.WriteElementString("dev", "defaultValue", Dev, defaultValue ?? (p.IsSwitch ? "False" : "None"));
        w.WriteEndElement();
    }

    private static void TypeElement(XmlWriter w, string type)
    {
        w.WriteStartElement("dev", "type", Dev);
        w.WriteElementString("maml", "name", Maml, type);
        w.WriteElementString("maml", "uri", Maml, "");
        w.WriteEndElement();
    }

    private static void Paragraphs(XmlWriter w, string element, string text)
    {
        w.WriteStartElement("maml", element, Maml);
        foreach (var para in Split(text)) w.WriteElementString("maml", "para", Maml, para);
        w.WriteEndElement();
    }

    // Markdown paragraphs are separated by blank lines; lines inside one are joined so Get-Help can wrap them.
    private static IEnumerable<string> Split(string text) =>
        text.Replace("\r", "", StringComparison.Ordinal).Split("\n\n")
            .Select(p => p.Contains("\n- ", StringComparison.Ordinal) || p.StartsWith("- ", StringComparison.Ordinal) || p.Contains("    ", StringComparison.Ordinal)
                ? p.Trim()
                : string.Join(' ', p.Split('\n').Select(l => l.Trim())).Trim())
            .Where(p => p.Length > 0);
}
