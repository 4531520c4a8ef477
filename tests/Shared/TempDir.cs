namespace PSNetTools.Testing;

/// <summary>A directory deleted when the test ends.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "psnt-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException) when (!OperatingSystem.IsWindows())
        {
            // A name that is not UTF-8 (the listing tests make one) cannot be named through .NET's strings; rm takes
            // the bytes as they are.
            using var rm = System.Diagnostics.Process.Start("rm", ["-rf", Path]);
            rm?.WaitForExit(10_000);
        }
        catch (IOException)
        {
        }
    }
}
