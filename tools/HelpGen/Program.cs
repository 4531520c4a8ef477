using HelpGen;

// Usage: HelpGen --assembly PSNetTools.dll --docs docs/cmdlets --out en-US/PSNetTools.dll-Help.xml [--reference x.dll]...
var options = new Dictionary<string, List<string>>(StringComparer.Ordinal);
for (var i = 0; i + 1 < args.Length; i += 2)
{
    if (!options.TryGetValue(args[i], out var list)) options[args[i]] = list = [];
    list.Add(args[i + 1]);
}
string Single(string key) => options.TryGetValue(key, out var v) ? v[0] : throw new ArgumentException($"missing {key}");

var cmdlets = CmdletMetadata.Read(Single("--assembly"), options.GetValueOrDefault("--reference") ?? []);
var docs = Single("--docs");
var problems = new List<string>();
var items = new List<(CmdletRecord, MarkdownPage)>();
foreach (var cmdlet in cmdlets)
{
    var path = Path.Combine(docs, cmdlet.Name + ".md");
    if (!File.Exists(path))
    {
        problems.Add($"{cmdlet.Name}: no help page; write {path}");
        continue;
    }
    var page = MarkdownPage.Parse(path);
    if (page.Synopsis.Length == 0) problems.Add($"{path}: empty ## SYNOPSIS");
    if (page.Description.Length == 0) problems.Add($"{path}: empty ## DESCRIPTION");
    if (page.Examples.Count < 2) problems.Add($"{path}: {page.Examples.Count} example(s); at least two are required");
    if (page.Examples.Any(e => e.Code.Length == 0)) problems.Add($"{path}: an example has no ```powershell code block");
    foreach (var e in page.Examples.Where(e => e.Remarks.Trim().Length == 0))
        problems.Add($"{path}: '{e.Title}' has no text after its code block; say what it shows");
    if (page.Outputs.Count == 0) problems.Add($"{path}: no ## OUTPUTS type");
    foreach (var p in cmdlet.Parameters.Where(p => !page.Parameters.ContainsKey(p.Name)))
        problems.Add($"{path}: parameter -{p.Name} is not documented under ## PARAMETERS");
    foreach (var name in page.Parameters.Keys.Where(n => cmdlet.Parameters.All(p => !p.Name.Equals(n, StringComparison.OrdinalIgnoreCase))))
        problems.Add($"{path}: documents -{name}, which the cmdlet does not have");
    items.Add((cmdlet, page));
}
foreach (var orphan in Directory.GetFiles(docs, "*.md").Select(Path.GetFileNameWithoutExtension)
             .Where(n => cmdlets.All(c => c.Name != n)))
{
    problems.Add($"{docs}/{orphan}.md: no such cmdlet in the assembly");
}
if (problems.Count > 0)
{
    foreach (var p in problems) Console.Error.WriteLine($"error HELP001: {p}");
    return 1;
}
MamlWriter.Write(Single("--out"), items);
Console.WriteLine($"HelpGen: wrote help for {items.Count} cmdlets to {Single("--out")}");
return 0;
