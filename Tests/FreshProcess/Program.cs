using RnnToolkit.Layers;
using RnnToolkit.Native;
using TorchSharp;
using static TorchSharp.torch;

// --settings: the runtime initializer's report, one setting a line, and nothing else.
if (args is ["--settings"])
{
    var report = TorchSharpNative.EnsureLoaded();                   // the first call into the toolkit
    foreach (var setting in report.Settings)
        Console.WriteLine($"setting: {setting.Name} | changed: {setting.Changed} | {setting}");
    Console.WriteLine($"native: {report}");
    return 0;
}

// Otherwise the first statement touches the toolkit, nothing else: an LSTM regressor on "sum of the sequence".
var lstm = new Lstm(1, 16, returnSequences: false);
Console.WriteLine($"native: {TorchSharpNative.EnsureLoaded()}");
random.manual_seed(7);
var head = nn.Linear(16, 1);
var parameters = lstm.parameters().Concat(head.parameters()).ToList();
var optimizer = optim.Adam(parameters, 0.01);
var x = rand(64, 10, 1);
var y = x.sum(1) / 10;
double first = 0, last = 0;
for (int step = 0; step < 150; step++)
{
    using var scope = NewDisposeScope();
    optimizer.zero_grad();
    var loss = nn.functional.mse_loss(head.call(lstm.call(x)), y);
    loss.backward();
    optimizer.step();
    last = loss.item<float>();
    if (step == 0) first = last;
}
Console.WriteLine($"loss: {first:G4} -> {last:G4}");
// A convolution too: libtorch must not try NNPACK (unsupported here) and warn on stderr at every call.
new Recurrent(new RnnToolkit.Cells.ConvRnnCell(1, 2)).call(rand(2, 5, 1, 7)).sum().backward();
return last < first / 10 ? 0 : 3;
