using System.Diagnostics;

namespace TransformerCourse.Notebooks.Tests;

/// <summary>
/// .devcontainer/post-create.sh --mkl adds Debian's non-free component (Ubuntu's multiverse) to the apt sources before
/// it installs MKL. Its editing, run on copies in a temporary folder through
/// <c>post-create.sh --edit-apt-sources COMPONENT FILE…</c>: both source formats, only
/// the official archive, idempotent.
/// </summary>
public class PostCreateTests
{
    const string Deb822 = """
        Types: deb
        # http://snapshot.debian.org/archive/debian/20250520T000000Z
        URIs: http://deb.debian.org/debian
        Suites: bookworm bookworm-updates
        Components: main
        Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

        Types: deb
        URIs: http://deb.debian.org/debian-security
        Suites: bookworm-security
        Components: main non-free-firmware
        Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

        Types: deb
        URIs: https://packages.microsoft.com/debian/12/prod
        Suites: bookworm
        Components: main

        """;

    const string OneLine = """
        # the archive
        deb http://deb.debian.org/debian bookworm main contrib
        deb [arch=amd64 signed-by=/usr/share/keyrings/k.gpg] http://deb.debian.org/debian bookworm-updates main # upd
        deb-src http://deb.debian.org/debian bookworm main non-free
        deb http://security.debian.org/debian-security bookworm-security main
        deb https://packages.microsoft.com/debian/12/prod bookworm main

        """;

    const string Ubuntu = """
        Types: deb
        URIs: http://archive.ubuntu.com/ubuntu/
        Suites: noble noble-updates
        Components: main restricted universe
        Signed-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg

        """;

    [Fact]
    public void NonFreeIsAddedToTheOfficialArchiveInBothFormatsOnce()
    {
        var dir = TestPaths.TempDir();
        var deb822 = Write(dir, "debian.sources", Deb822);
        var oneLine = Write(dir, "sources.list", OneLine);

        var output = Edit("non-free", deb822, oneLine, Path.Combine(dir, "missing.list"));
        Assert.Contains($"added non-free to {deb822}", output);
        Assert.Contains($"added non-free to {oneLine}", output);

        Assert.Equal(Deb822.Replace("Components: main\nSigned-By", "Components: main non-free\nSigned-By")
            .Replace("main non-free-firmware", "main non-free-firmware non-free"), File.ReadAllText(deb822));
        Assert.Equal(OneLine.Replace("main contrib", "main contrib non-free")
            .Replace("bookworm-updates main # upd", "bookworm-updates main non-free # upd")
            .Replace("bookworm-security main", "bookworm-security main non-free"), File.ReadAllText(oneLine));

        // A second run changes nothing and says nothing.
        var before = (File.ReadAllText(deb822), File.ReadAllText(oneLine));
        Assert.DoesNotContain("added", Edit("non-free", deb822, oneLine));
        Assert.Equal(before, (File.ReadAllText(deb822), File.ReadAllText(oneLine)));
    }

    [Fact]
    public void MultiverseIsAddedOnUbuntu()
    {
        var file = Write(TestPaths.TempDir(), "ubuntu.sources", Ubuntu);
        Edit("multiverse", file);
        Assert.Equal(Ubuntu.Replace("main restricted universe", "main restricted universe multiverse"),
            File.ReadAllText(file));
    }

    static string Write(string dir, string name, string text)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    static string Edit(string component, params string[] files)
    {
        var info = new ProcessStartInfo("bash")
            { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { Path.Combine(TestPaths.RepoRoot, ".devcontainer", "post-create.sh"),
                     "--edit-apt-sources", component }.Concat(files))
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {output}{stderr.Result}");
        return output;
    }
}
