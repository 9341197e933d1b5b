using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Events;

namespace RnnToolkit.Runner.Kernel;

/// <summary>
/// Loads the kernel extensions a restored package carries in <c>interactive-extensions/dotnet/</c>, as the
/// <c>dotnet-interactive</c> tool does after the command that added the package: every <see cref="IKernelExtension"/>
/// in the folder's assemblies, then its <c>extension.dib</c> script, each announced by a display.
/// </summary>
static class PackageExtensions
{
    /// <summary>Installs the loader on <paramref name="root"/>.</summary>
    public static void Use(CompositeKernel root)
    {
        var added = new ConcurrentQueue<string>();
        var seen = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        var loadedAssemblies = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        root.RegisterForDisposal(root.KernelEvents.Subscribe(new PackageObserver(root: p =>
        {
            if (seen.TryAdd(p, true)) added.Enqueue(p);
        })));
        root.AddMiddleware(async (command, context, next) =>
        {
            await next(command, context).ConfigureAwait(false);
            while (added.TryDequeue(out var packageRoot))
            {
                var folder = new DirectoryInfo(Path.Combine(packageRoot, "interactive-extensions", "dotnet"));
                if (!folder.Exists) continue;
                foreach (var file in folder.GetFiles("*.dll", SearchOption.TopDirectoryOnly))
                {
                    if (!loadedAssemblies.TryAdd(AssemblyName.GetAssemblyName(file.FullName).FullName, true)) continue;
                    var assembly = AssemblyLoadContext.Default.LoadFromAssemblyPath(file.FullName);
                    var extensions = assembly.ExportedTypes
                        .Where(t => typeof(IKernelExtension).IsAssignableFrom(t) && !t.IsAbstract && !t.IsInterface && !t.IsGenericTypeDefinition)
                        .ToList();
                    if (extensions.Count > 0) KernelInvocationContextExtensions.Display(context, $"Loading extensions from `{assembly.Location}`");
                    foreach (var type in extensions)
                    {
                        try
                        {
                            await ((IKernelExtension)Activator.CreateInstance(type)!).OnLoadAsync(root).ConfigureAwait(false);
                        }
                        catch (Exception e)
                        {
                            context.Publish(new ErrorProduced($"Failed to load kernel extension \"{type.Name}\" from assembly {assembly.Location}", context.Command));
                            context.Fail(context.Command, new InvalidOperationException($"Kernel extension {type.Name} failed to load.", e));
                        }
                    }
                }
                var script = new FileInfo(Path.Combine(folder.FullName, "extension.dib"));
                if (script.Exists)
                {
                    KernelInvocationContextExtensions.Display(context, $"Loading extension script from `{script.FullName}`");
                    await root.LoadAndRunInteractiveDocument(script, context.Command).ConfigureAwait(false);
                }
            }
        });
    }

    sealed class PackageObserver(Action<string> root) : IObserver<KernelEvent>
    {
        public void OnNext(KernelEvent value)
        {
            if (value is PackageAdded { PackageReference.PackageRoot: { } packageRoot }) root(packageRoot);
        }

        public void OnError(Exception error)
        {
        }

        public void OnCompleted()
        {
        }
    }
}
