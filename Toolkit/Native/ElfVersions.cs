using System.Buffers.Binary;
using System.Text;

namespace RnnToolkit.Native;

/// <summary>
/// Reads and edits the symbol-version tables of a 64-bit little-endian ELF shared object:
/// the versions a library defines (<c>.gnu.version_d</c>) and the versions it needs from
/// others (<c>.gnu.version_r</c>). Pure managed code: nothing is loaded to inspect a file.
/// </summary>
static class ElfVersions
{
    const uint SHT_GNU_verdef = 0x6ffffffd;
    const uint SHT_GNU_verneed = 0x6ffffffe;

    /// <summary>The <c>VER_FLG_WEAK</c> bit of a Vernaux entry: a missing version is not fatal.</summary>
    public const ushort VerFlagWeak = 0x2;

    /// <summary>A version a library needs: the file it needs it from, its name and flags.</summary>
    /// <param name="File">The needed library's name, e.g. <c>libstdc++.so.6</c>.</param>
    /// <param name="Version">The version name, e.g. <c>GLIBCXX_3.4.32</c>.</param>
    /// <param name="Flags">The Vernaux <c>vna_flags</c>.</param>
    /// <param name="FlagsOffset">File offset of <c>vna_flags</c>, where a patch writes.</param>
    public readonly record struct NeededVersion(string File, string Version, ushort Flags, long FlagsOffset)
    {
        /// <summary>True when the requirement is marked weak.</summary>
        public bool IsWeak => (Flags & VerFlagWeak) != 0;
    }

    /// <summary>The version names a shared object defines (e.g. every <c>GLIBCXX_*</c> of libstdc++).</summary>
    public static IReadOnlyList<string> DefinedVersions(ReadOnlySpan<byte> elf)
    {
        var names = new List<string>();
        foreach (var (section, strtab) in Sections(elf, SHT_GNU_verdef))
        {
            long at = section.Offset;
            for (int n = 0; n < section.Info; n++)
            {
                // Verdef: vd_version u16, vd_flags u16, vd_ndx u16, vd_cnt u16, vd_hash u32, vd_aux u32, vd_next u32
                ushort count = U16(elf, at + 6);
                uint aux = U32(elf, at + 12), next = U32(elf, at + 16);
                if (count > 0)
                    names.Add(CString(elf, strtab + U32(elf, at + aux)));   // Verdaux: vda_name u32, vda_next u32
                if (next == 0) break;
                at += next;
            }
        }
        return names;
    }

    /// <summary>Every version requirement of a shared object (<c>.gnu.version_r</c>).</summary>
    public static IReadOnlyList<NeededVersion> NeededVersions(ReadOnlySpan<byte> elf)
    {
        var needs = new List<NeededVersion>();
        foreach (var (section, strtab) in Sections(elf, SHT_GNU_verneed))
        {
            long at = section.Offset;
            for (int n = 0; n < section.Info; n++)
            {
                // Verneed: vn_version u16, vn_cnt u16, vn_file u32, vn_aux u32, vn_next u32
                ushort count = U16(elf, at + 2);
                string file = CString(elf, strtab + U32(elf, at + 4));
                long aux = at + U32(elf, at + 8);
                for (int k = 0; k < count; k++)
                {
                    // Vernaux: vna_hash u32, vna_flags u16, vna_other u16, vna_name u32, vna_next u32
                    needs.Add(new NeededVersion(file, CString(elf, strtab + U32(elf, aux + 8)), U16(elf, aux + 4), aux + 4));
                    uint auxNext = U32(elf, aux + 12);
                    if (auxNext == 0) break;
                    aux += auxNext;
                }
                uint next = U32(elf, at + 12);
                if (next == 0) break;
                at += next;
            }
        }
        return needs;
    }

    /// <summary>
    /// Marks the requirement on <paramref name="version"/> weak (sets <c>VER_FLG_WEAK</c> in its
    /// Vernaux <c>vna_flags</c>), in place. Returns how many entries changed (0 if already weak).
    /// </summary>
    /// <exception cref="ArgumentException">The file does not require that version.</exception>
    public static int MarkWeak(Span<byte> elf, string version)
    {
        var matches = NeededVersions(elf).Where(n => n.Version == version).ToList();
        if (matches.Count == 0)
            throw new ArgumentException($"Expected an ELF file that requires version '{version}'; this one requires only: {string.Join(", ", NeededVersions(elf).Select(n => n.Version).Distinct())}.", nameof(version));
        int changed = 0;
        foreach (var m in matches.Where(m => !m.IsWeak))
        {
            BinaryPrimitives.WriteUInt16LittleEndian(elf.Slice((int)m.FlagsOffset, 2), (ushort)(m.Flags | VerFlagWeak));
            changed++;
        }
        return changed;
    }

    readonly record struct Section(long Offset, long Size, uint Link, uint Info);

    static IEnumerable<(Section Section, long StringTable)> Sections(ReadOnlySpan<byte> elf, uint type)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            throw new ArgumentException($"Expected an ELF file (magic 7F 45 4C 46); got {elf.Length} bytes starting {Convert.ToHexString(elf[..Math.Min(4, elf.Length)])}.");
        if (elf[4] != 2 || elf[5] != 1)
            throw new ArgumentException($"Expected a 64-bit little-endian ELF file (class 2, data 1); got class {elf[4]}, data {elf[5]}.");
        long shoff = (long)U64(elf, 0x28);
        ushort shentsize = U16(elf, 0x3A), shnum = U16(elf, 0x3C);
        var all = new Section[shnum];
        for (int s = 0; s < shnum; s++)
        {
            long h = shoff + (long)s * shentsize;
            all[s] = new Section((long)U64(elf, h + 0x18), (long)U64(elf, h + 0x20), U32(elf, h + 0x28), U32(elf, h + 0x2C));
        }
        var found = new List<(Section, long)>();
        for (int s = 0; s < shnum; s++)
            if (U32(elf, shoff + (long)s * shentsize + 4) == type)
                found.Add((all[s], all[all[s].Link].Offset));
        return found;
    }

    static ushort U16(ReadOnlySpan<byte> b, long at) => BinaryPrimitives.ReadUInt16LittleEndian(b.Slice(checked((int)at), 2));
    static uint U32(ReadOnlySpan<byte> b, long at) => BinaryPrimitives.ReadUInt32LittleEndian(b.Slice(checked((int)at), 4));
    static ulong U64(ReadOnlySpan<byte> b, long at) => BinaryPrimitives.ReadUInt64LittleEndian(b.Slice(checked((int)at), 8));

    static string CString(ReadOnlySpan<byte> b, long at)
    {
        var rest = b[checked((int)at)..];
        int end = rest.IndexOf((byte)0);
        return Encoding.ASCII.GetString(end < 0 ? rest : rest[..end]);
    }
}
