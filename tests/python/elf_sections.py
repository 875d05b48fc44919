"""Prints the section names of an ELF file, one a line (what `readelf -S` lists), without
binutils. Exits 2 with a message when the file is not ELF."""

import struct
import sys


def section_names(data: bytes) -> list:
    if data[:4] != b"\x7fELF":
        raise ValueError("not an ELF file")
    is64 = data[4] == 2
    endian = "<" if data[5] == 1 else ">"
    if is64:
        shoff, = struct.unpack_from(endian + "Q", data, 0x28)
        shentsize, shnum, shstrndx = struct.unpack_from(endian + "HHH", data, 0x3A)
    else:
        shoff, = struct.unpack_from(endian + "I", data, 0x20)
        shentsize, shnum, shstrndx = struct.unpack_from(endian + "HHH", data, 0x2E)
    if shoff == 0 or shnum == 0:
        return []

    def header(i):
        base = shoff + i * shentsize
        if is64:
            name, _type, _flags, _addr, offset, size = struct.unpack_from(endian + "IIQQQQ", data, base)
        else:
            name, _type, _flags, _addr, offset, size = struct.unpack_from(endian + "IIIIII", data, base)
        return name, offset, size

    _, str_offset, str_size = header(shstrndx)
    strtab = data[str_offset:str_offset + str_size]
    names = []
    for i in range(shnum):
        name, _, _ = header(i)
        names.append(strtab[name:strtab.index(b"\0", name)].decode())
    return names


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: elf_sections.py FILE")
    with open(sys.argv[1], "rb") as f:
        content = f.read()
    try:
        print("\n".join(section_names(content)))
    except ValueError as error:
        print(f"{sys.argv[1]}: {error}", file=sys.stderr)
        sys.exit(2)
