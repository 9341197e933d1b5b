using System.Globalization;
using RnnToolkit.CheckpointWriter;
using RnnToolkit.Native;
using RnnToolkit.Training;

// Usage: RnnToolkit.CheckpointWriter <path> <first generation> <width>
// Saves generation g, g + 1, ... of a WriterModel(width) to <path> with Checkpoint.Save, forever, printing
// "saving g" before and "saved g" after each save (stdout is flushed at every line).
if (args.Length != 3)
{
    Console.Error.WriteLine("usage: RnnToolkit.CheckpointWriter <path> <first generation> <width>");
    return 2;
}
TorchSharpNative.EnsureLoaded();
string path = args[0];
int generation = int.Parse(args[1], CultureInfo.InvariantCulture);
var model = WriterModel.Create(int.Parse(args[2], CultureInfo.InvariantCulture));
for (; ; generation++)
{
    WriterModel.Fill(model, generation);
    Console.WriteLine($"saving {generation}");
    Checkpoint.Save(path, model, null, WriterModel.Info(generation));
    Console.WriteLine($"saved {generation}");
}
