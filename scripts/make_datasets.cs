#:property PublishAot=false
#:project ../lib/TransformerCourse.Recipes/TransformerCourse.Recipes.csproj
// Regenerates the committed data sets under datasets/ (dates and ko-en), bit-identically on every machine.
// Run from the repository root:   dotnet run scripts/make_datasets.cs
// or give the target folder:      dotnet run scripts/make_datasets.cs -- /some/folder
using TransformerCourse.Recipes;

string root = args.Length > 0 ? args[0] : Path.Combine(Directory.GetCurrentDirectory(), "datasets");
foreach (string path in DatasetFiles.WriteAll(root))
    Console.WriteLine($"{new FileInfo(path).Length,9:N0} bytes  {Path.GetRelativePath(Directory.GetCurrentDirectory(), path)}");
