namespace PSNetTools.Tests.Harness;

/// <summary>Assemblies of packages the test project downloads but does not reference (PackageDownload), for isolation proofs.</summary>
public static class DownloadedPackage
{
    public static string File(string id, string version, string pathInPackage)
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var path = Path.Combine(packages, id.ToLowerInvariant(), version, pathInPackage);
        if (!System.IO.File.Exists(path)) Assert.Fail($"{path} is missing: 'dotnet restore tests/PSNetTools.Tests' downloads it (PackageDownload {id} {version}).");
        return path;
    }
}
