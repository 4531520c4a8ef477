using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;

namespace PSNetTools.Engine.Tests.Net;

/// <summary>
/// The engine says what happened, never which cmdlet parameter to change: that advice is the cmdlet layer's
/// (ErrorAdvice, keyed by error id). Every string literal compiled into the engine is checked, so a message added
/// later with "-Port" or "-ImportPath" in it fails here.
/// </summary>
public partial class EngineWordingTests
{
    // A dash after a space, parenthesis, quote or at the start, then a capitalised word: "-Port", "(-TimeoutSec".
    // Header names ("Sec-WebSocket-Key") have letters before the dash and do not match.
    [GeneratedRegex(@"(?:^|[\s(""'`])-[A-Z][a-z]+")]
    private static partial Regex ParameterName();

    // Literals that are protocol text, not narration.
    private static readonly HashSet<string> Allowed = ["-Infinity"];

    private static List<string> EngineStrings()
    {
        var path = typeof(PSNetTools.Net.Failures).Assembly.Location;
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        var strings = new List<string>();
        for (var handle = MetadataTokens.UserStringHandle(1); !handle.IsNil; handle = reader.GetNextHandle(handle))
        {
            strings.Add(reader.GetUserString(handle));
        }
        return strings;
    }

    [Fact]
    public void No_engine_string_names_a_cmdlet_parameter()
    {
        var strings = EngineStrings();
        Assert.True(strings.Count > 500, $"only {strings.Count} strings read: is this the engine assembly?");
        var narrating = strings.Where(s => !Allowed.Contains(s) && ParameterName().IsMatch(s)).ToList();
        Assert.True(narrating.Count == 0, "engine strings naming parameters:\n" + string.Join("\n", narrating));
    }

    // The XML documentation holds the /// comments: the engine describes its options, not the parameters that set them.
    [Fact]
    public void No_engine_doc_comment_names_a_cmdlet_parameter()
    {
        var xml = System.Xml.Linq.XDocument.Load(Path.ChangeExtension(typeof(PSNetTools.Net.Failures).Assembly.Location, ".xml"));
        var narrating = xml.Descendants("member")
            .Where(m => ParameterName().IsMatch(string.Join(" ", m.DescendantNodes().OfType<System.Xml.Linq.XText>().Select(t => t.Value))))
            .Select(m => (string)m.Attribute("name")!)
            .ToList();
        Assert.True(narrating.Count == 0, "doc comments naming parameters:\n" + string.Join("\n", narrating));
    }

    [Theory]
    [InlineData("pick another -Port (0 picks a free one)", true)]
    [InlineData("Give its directory with -ImportPath.", true)]
    [InlineData("(-TimeoutSec 5)", true)]
    [InlineData("Sec-WebSocket-Version must be 13.", false)]
    [InlineData("-Infinity", true)]
    [InlineData("x-forwarded-for", false)]
    public void The_check_finds_parameter_names_and_not_header_names(string text, bool matches) =>
        Assert.Equal(matches, ParameterName().IsMatch(text));
}

/// <summary>
/// The engine's public entry points (what the cmdlets call to connect, check, scan, call or start) say in their XML
/// documentation what they throw, so a caller knows what is a failure of the whole call and what is an outcome.
/// </summary>
public class EntryPointDocumentationTests
{
    private static readonly string[] EntryPointNames = ["Open", "Offline", "ConnectAsync", "CheckAsync", "ScanAsync", "RunAsync", "ProbeAsync", "ExchangeAsync",
        "InspectAsync", "FetchAsync", "CrawlAsync", "CallAsync", "MulticallAsync", "SendAsync", "ReceiveAsync", "GetMessagesAsync", "GetFoldersAsync", "StartAsync"];

    [Fact]
    public void Every_public_entry_point_documents_its_exceptions()
    {
        var assembly = typeof(PSNetTools.Net.Failures).Assembly;
        var xml = System.Xml.Linq.XDocument.Load(Path.ChangeExtension(assembly.Location, ".xml"));
        var documented = xml.Descendants("member")
            .Where(m => m.Elements("exception").Any())
            .Select(m => (string)m.Attribute("name")!)
            .Select(n => n[2..].Split('(')[0].Split("``")[0])
            .ToHashSet();
        var missing = assembly.GetExportedTypes()
            .Where(t => t.Namespace?.StartsWith("PSNetTools.", StringComparison.Ordinal) == true && !t.Namespace.Contains("Hosting", StringComparison.Ordinal))
            .SelectMany(t => t.GetMethods(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.DeclaredOnly)
                .Where(m => EntryPointNames.Contains(m.Name) && !m.IsSpecialName && (t.IsSealed || t.IsAbstract || !m.IsVirtual))
                .Select(m => $"{t.FullName}.{m.Name}"))
            .Where(name => !documented.Contains(name))
            .Distinct()
            .Order()
            .ToList();
        Assert.True(missing.Count == 0, "entry points without <exception>:\n" + string.Join("\n", missing));
    }
}
