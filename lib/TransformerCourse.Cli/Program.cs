// The `course` command. Subcommands arrive with the notebook runner (run, check, export) and training (train).
Console.Error.WriteLine("usage: course <run|check|export|train> ...");
return 2;
