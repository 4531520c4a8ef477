using MimeKit;
using PSNetTools.Mail;
using PSNetTools.Testing;

namespace PSNetTools.Engine.Tests.Mail;

/// <summary>Issue 10 item 17: saving attachments never follows a link inside the folder, with or without Force.</summary>
public sealed class AttachmentSaverLinkTests : IDisposable
{
    private readonly TempDir _root = new();

    public AttachmentSaverLinkTests()
    {
        Directory.CreateDirectory(Inbox);
        Directory.CreateDirectory(Outside);
        File.WriteAllText(Path.Combine(Outside, "secret.txt"), "precious");
    }

    private string Inbox => Path.Combine(_root.Path, "inbox");

    private string Outside => Path.Combine(_root.Path, "outside");

    public void Dispose() => _root.Dispose();

    private static MimeMessage Message(string fileName, string content)
    {
        var body = new BodyBuilder { TextBody = "see attachment" };
        body.Attachments.Add(fileName, System.Text.Encoding.UTF8.GetBytes(content));
        return new MimeMessage { Body = body.ToMessageBody() };
    }

    private async Task<string> Save(string fileName, bool force, string? directory = null) =>
        Assert.Single(await new AttachmentSaver(directory ?? Inbox, force).SaveAsync(Message(fileName, "from the sender"), default));

    private static bool IsLink(string path) => new FileInfo(path).LinkTarget is not null;

    [Fact]
    public async Task Force_replaces_a_link_to_a_file_outside_instead_of_writing_through_it()
    {
        var link = Path.Combine(Inbox, "report.txt");
        File.CreateSymbolicLink(link, Path.Combine(Outside, "secret.txt"));
        var saved = await Save("report.txt", force: true);
        Assert.Equal(link, saved);
        Assert.Equal("precious", File.ReadAllText(Path.Combine(Outside, "secret.txt")));
        Assert.False(IsLink(saved));
        Assert.Equal("from the sender", File.ReadAllText(saved));
    }

    [Fact]
    public async Task Without_force_a_link_is_an_existing_entry_and_the_attachment_gets_another_name()
    {
        var link = Path.Combine(Inbox, "report.txt");
        File.CreateSymbolicLink(link, Path.Combine(Outside, "secret.txt"));
        var saved = await Save("report.txt", force: false);
        Assert.Equal(Path.Combine(Inbox, "report (2).txt"), saved);
        Assert.True(IsLink(link));
        Assert.Equal("precious", File.ReadAllText(Path.Combine(Outside, "secret.txt")));
    }

    [Fact]
    public async Task Force_replaces_a_link_to_a_folder_outside_and_writes_nothing_there()
    {
        var link = Path.Combine(Inbox, "docs");
        Directory.CreateSymbolicLink(link, Outside);
        var saved = await Save("docs", force: true);
        Assert.Equal(link, saved);
        Assert.False(IsLink(saved));
        Assert.Equal("from the sender", File.ReadAllText(saved));
        Assert.Equal(["secret.txt"], Directory.EnumerateFileSystemEntries(Outside).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_dangling_link_does_not_get_its_target_created(bool force)
    {
        var target = Path.Combine(Outside, "planted.txt");
        var link = Path.Combine(Inbox, "ghost.txt");
        File.CreateSymbolicLink(link, target);
        var saved = await Save("ghost.txt", force);
        Assert.False(File.Exists(target), "the link's target was created");
        Assert.Equal(force ? link : Path.Combine(Inbox, "ghost (2).txt"), saved);
        Assert.Equal("from the sender", File.ReadAllText(saved));
        Assert.Equal(!force, IsLink(link));
    }

    [Fact]
    public async Task Force_never_replaces_a_real_folder()
    {
        Directory.CreateDirectory(Path.Combine(Inbox, "docs"));
        var saved = await Save("docs", force: true);
        Assert.Equal(Path.Combine(Inbox, "docs (2)"), saved);
        Assert.True(Directory.Exists(Path.Combine(Inbox, "docs")));
    }

    [Fact]
    public async Task The_folder_the_user_names_may_itself_be_a_link()
    {
        var chosen = Path.Combine(_root.Path, "chosen");
        Directory.CreateSymbolicLink(chosen, Outside);
        var saved = await Save("report.txt", force: false, directory: chosen);
        Assert.Equal("from the sender", File.ReadAllText(Path.Combine(Outside, "report.txt")));
        Assert.Equal(Path.Combine(chosen, "report.txt"), saved);
        Assert.Empty(Directory.EnumerateFiles(Outside, "*.part"));
    }
}
