using RnnToolkit.Native;
using static TorchSharp.torch;

namespace RnnToolkit.Layers;

/// <summary>What the process offers a standard layer's call, read by the caller just before <see cref="BackendPolicy.Choose"/>.</summary>
/// <param name="Threads">libtorch's intra-op thread count (<c>get_num_threads</c>).</param>
/// <param name="OneDnnAvailable">libtorch exports the oneDNN switch, so oneDNN can run around inference.</param>
readonly record struct HostCapabilities(int Threads, bool OneDnnAvailable)
{
    /// <summary>This process, now.</summary>
    public static HostCapabilities Current() => new(get_num_threads(), OneDnn.Available);
}
