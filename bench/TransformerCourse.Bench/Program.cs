Console.WriteLine("benchmarks arrive with the native-acceleration issue");
