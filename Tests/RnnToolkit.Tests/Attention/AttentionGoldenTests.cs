using System.Text.Json;
using RnnToolkit.Attention;
using RnnToolkit.Models;
using RnnToolkit.Tests.Support;

namespace RnnToolkit.Tests.Attention;

/// <summary>Outputs, attention weights and gradients against tools/pytorch/make_attention_goldens.py (PyTorch 1.13), within 1e-5.</summary>
public class AttentionGoldenTests
{
    const string File = "attention.json";

    public static IEnumerable<object[]> Cases() => Golden.CaseNames(File, c => c.GetProperty("kind").GetString() != "positional");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Matches_PyTorch(string name)
    {
        var c = Golden.Case(File, name);
        var cfg = c.GetProperty("config");
        var inputs = c.GetProperty("inputs").EnumerateObject().ToDictionary(p => p.Name, p => c.GetProperty("inputs").Tensor(p.Name).requires_grad_(true));
        var masks = c.GetProperty("masks").EnumerateObject().ToDictionary(p => p.Name, p => c.GetProperty("masks").Tensor(p.Name).to(ScalarType.Bool));
        Tensor? Mask(string n) => masks.TryGetValue(n, out var m) ? m : null;
        torch.nn.Module? module = null;
        var outputs = new Dictionary<string, Tensor>();

        switch (c.GetProperty("kind").GetString())
        {
            case "sdpa":
            {
                var (q, k, v) = (inputs["query"], inputs["key"], inputs["value"]);
                var mask = AttentionMasks.Combine("test", q.shape[0], 0, q.shape[1], k.shape[1], Mask("key_mask"), null, cfg.GetProperty("causal").GetBoolean(), q.device);
                var r = ScaledDotProductAttention.Compute(q, k, v, mask);
                (outputs["output"], outputs["weights"]) = (r.Output, r.Weights);
                break;
            }
            case "mha":
            {
                var m = new MultiHeadAttention(cfg.GetProperty("embed_dim").GetInt64(), cfg.GetProperty("heads").GetInt64());
                module = m;
                Load(m, c);
                var q = inputs["query"];
                var r = cfg.GetProperty("self").GetBoolean()
                    ? m.Run(q, q, q, Mask("key_mask"), causal: cfg.GetProperty("causal").GetBoolean())
                    : m.Run(q, inputs["key"], inputs["value"], Mask("key_mask"), causal: cfg.GetProperty("causal").GetBoolean());
                (outputs["output"], outputs["weights"]) = (r.Output, r.Weights);
                break;
            }
            case "mha_kv":
            {
                var m = new MultiHeadAttention(cfg.GetProperty("embed_dim").GetInt64(), cfg.GetProperty("heads").GetInt64(),
                    kdim: cfg.GetProperty("kdim").GetInt64(), vdim: cfg.GetProperty("vdim").GetInt64());
                Assert.Null(m.in_proj_weight);
                module = m;
                Load(m, c);
                var (q, k, v) = (inputs["query"], inputs["key"], inputs["value"]);
                var perHead = m.Run(q, k, v, Mask("key_mask"));
                var averaged = m.Run(q, k, v, Mask("key_mask"), averageWeights: true);
                (outputs["output"], outputs["weights"], outputs["weights_avg"]) = (perHead.Output, perHead.Weights, averaged.Weights);
                break;
            }
            case "keras_additive":
            {
                var m = new KerasAdditiveAttention(cfg.GetProperty("dim").GetInt64(), cfg.GetProperty("use_scale").GetBoolean());
                module = m;
                Load(m, c);
                var r = m.Run(inputs["query"], inputs["value"], inputs.GetValueOrDefault("key"), Mask("query_mask"), Mask("value_mask"), cfg.GetProperty("causal").GetBoolean());
                (outputs["output"], outputs["weights"]) = (r.Output, r.Weights);
                break;
            }
            case "additive" or "bahdanau000" or "luong_dot" or "luong_general":
            {
                long dq = cfg.GetProperty("query_size").GetInt64(), dk = cfg.GetProperty("key_size").GetInt64();
                var (q, k, km) = (inputs["query"], inputs["keys"], Mask("key_mask"));
                AttentionResult r;
                switch (c.GetProperty("kind").GetString())
                {
                    case "additive": { var m = new AdditiveAttention(dq, dk, 5); module = m; Load(m, c); r = m.Run(q, k, keyMask: km); break; }
                    case "bahdanau000": { var m = new Bahdanau000AsPrintedAttention(dq, dk, 5); module = m; Load(m, c); r = m.Run(q, k, km); break; }
                    case "luong_dot": { var m = new LuongAttention(dq, dk, LuongScore.Dot); module = m; Load(m, c); r = m.Run(q, k, keyMask: km); break; }
                    default: { var m = new LuongAttention(dq, dk, LuongScore.General); module = m; Load(m, c); r = m.Run(q, k, keyMask: km); break; }
                }
                (outputs["output"], outputs["weights"]) = (r.Output, r.Weights);
                break;
            }
            case "keras":
            {
                var m = new KerasAttention(cfg.GetProperty("use_scale").GetBoolean(), cfg.GetProperty("score_mode").GetString()!);
                module = m;
                Load(m, c);
                var r = m.Run(inputs["query"], inputs["value"], inputs["key"], Mask("query_mask"), Mask("value_mask"), cfg.GetProperty("causal").GetBoolean());
                (outputs["output"], outputs["weights"]) = (r.Output, r.Weights);
                break;
            }
            case "encoder_layer":
            {
                var m = new TransformerEncoderBlock(cfg.GetProperty("d_model").GetInt64(), cfg.GetProperty("heads").GetInt64(), cfg.GetProperty("ff").GetInt64(), 0,
                    cfg.GetProperty("activation").GetString() == "gelu" ? TransformerActivation.GELU : TransformerActivation.ReLU, cfg.GetProperty("norm_first").GetBoolean());
                module = m;
                Load(m, c);
                var r = m.RunWithWeights(inputs["x"], Mask("key_mask"));
                TensorAssert.Close(r.Output, m.Run(inputs["x"], Mask("key_mask")), "Run = RunWithWeights");
                Assert.True(r.Weights.masked_select(Mask("key_mask")!.logical_not().view(2, 1, 1, -1).expand_as(r.Weights)).eq(0).all().item<bool>());
                outputs["output"] = r.Output;
                break;
            }
            case "decoder_layer":
            {
                var m = new TransformerDecoderBlock(cfg.GetProperty("d_model").GetInt64(), cfg.GetProperty("heads").GetInt64(), cfg.GetProperty("ff").GetInt64(), 0,
                    normFirst: cfg.GetProperty("norm_first").GetBoolean());
                module = m;
                Load(m, c);
                var r = m.RunWithWeights(inputs["target"], inputs["memory"], memoryKeyMask: Mask("memory_key_mask"), causal: true);
                Assert.Equal(new long[] { 2, 2, 4, 5 }, r.Weights.shape);
                outputs["output"] = r.Output;
                break;
            }
            default: throw new InvalidOperationException(name);
        }

        var expectedOutputs = c.GetProperty("outputs");
        foreach (var (k, v) in outputs) TensorAssert.Close(expectedOutputs.Tensor(k), v, $"{name} {k}");
        var loss = outputs.Select(kv => (kv.Value * c.GetProperty("r").Tensor(kv.Key)).sum()).Aggregate((a, b) => a + b);
        Assert.Equal(c.GetProperty("loss").GetDouble(), loss.item<float>(), 4);
        loss.backward();
        var grads = c.GetProperty("grads");
        foreach (var (k, v) in inputs) TensorAssert.Close(grads.Tensor(k), v.grad, $"{name} d/d{k}");
        if (module is not null)
            foreach (var (k, p) in module.named_parameters()) TensorAssert.Close(grads.Tensor(k), p.grad, $"{name} d/d{k}");
    }

    [Fact]
    public void PositionalEncoding_table_matches_PyTorch()
    {
        var c = Golden.Case(File, "positional_7x8");
        TensorAssert.Close(c.GetProperty("outputs").Tensor("table"), PositionalEncoding.Table(7, 8), "PE", 1e-6, 1e-6);
        using var x = torch.zeros(2, 7, 8);
        TensorAssert.Close(c.GetProperty("outputs").Tensor("table").expand(2, 7, 8), new PositionalEncoding(8).call(x), "x + PE", 1e-6, 1e-6);
    }

    /// <summary>Copies the golden parameters into the module, by PyTorch name; the two name sets must be equal.</summary>
    internal static void Load(torch.nn.Module module, JsonElement c) => Golden.LoadParameters(module, c.GetProperty("params"));
}
