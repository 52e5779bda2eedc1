// Temporary: the tests of the library files that the branch `readpath` rewrites still call Check.*; replace those calls
// by Expect.* once it is merged, and delete this file.
global using Check = TransformerCourse.Tests.Support.Expect;
