namespace TransformerCourse.Notebooks.Tests;

/// <summary>Why a restore failed, read from what <c>dotnet restore</c> printed (NuGet's NU codes).</summary>
public class RestoreDiagnosisTests
{
    private static readonly PackageRef[] packages = [new("MathNet.Numerics", "99.0.0"), new("No.Such.Pkg", "1.0.0")];

    [Fact]
    public void NU1101MeansNoSourceHasThePackage()
    {
        var (failure, missing, problem) = PackageRestorer.Diagnose(
            "/c/restore.csproj : error NU1101: Unable to find package No.Such.Pkg. " +
            "No packages exist with this id in source(s): feed\n",
            packages);

        Assert.Equal(RestoreFailure.PackageNotFound, failure);
        Assert.Equal(["No.Such.Pkg"], missing);
        Assert.Equal("no source has package No.Such.Pkg (check the name and version)", problem);
    }

    [Fact]
    public void NU1102MeansNoSourceHasThatVersion()
    {
        var (failure, missing, problem) = PackageRestorer.Diagnose(
            "/c/restore.csproj : error NU1102: Unable to find package MathNet.Numerics with version (>= 99.0.0)\n" +
            "/c/restore.csproj : error NU1102:   - Found 1 version(s) in feed [ Nearest version: 5.0.0 ]\n",
            packages);

        Assert.Equal(RestoreFailure.VersionNotFound, failure);
        Assert.Equal(["MathNet.Numerics"], missing);
        Assert.Equal(
            "no source has package MathNet.Numerics in version >= 99.0.0 " +
            "(check the name and version; nearest version found: 5.0.0)",
            problem);
    }

    [Fact]
    public void NU1301MeansASourceCouldNotBeReachedEvenWhenPackagesAreAlsoNotFound()
    {
        var (failure, missing, problem) = PackageRestorer.Diagnose(
            "/c/restore.csproj : error NU1301: " +
            "Unable to load the service index for source https://api.nuget.org/v3/index.json.\n" +
            "/c/restore.csproj : error NU1101: Unable to find package No.Such.Pkg. " +
            "No packages exist with this id in source(s): feed\n",
            packages);

        Assert.Equal(RestoreFailure.SourceUnreachable, failure);
        Assert.Equal(["MathNet.Numerics", "No.Such.Pkg"], missing);
        Assert.Equal(
            "the package source(s) could not be reached (offline?): " +
            "Unable to load the service index for source https://api.nuget.org/v3/index.json.",
            problem);
    }

    [Fact]
    public void AnyOtherErrorIsQuoted()
    {
        var (failure, _, problem) = PackageRestorer.Diagnose(
            "/c/restore.csproj : error NU1605: Detected package downgrade: X from 2.0.0 to 1.0.0\n", packages);

        Assert.Equal(RestoreFailure.Other, failure);
        Assert.Equal("dotnet restore failed: NU1605: Detected package downgrade: X from 2.0.0 to 1.0.0", problem);
    }
}
