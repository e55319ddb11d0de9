/* The base map pack's bytes, put into the binary by the assembler (.incbin) rather than as a
 * C array: a 7 MB array would cost the compiler seconds and memory on every build, .incbin
 * copies the file as it is. BH_BASEMAP_PACK is the pack's path, quoted, set by CMake, which
 * also rebuilds this file when the pack changes. */
#include <stddef.h>

#ifndef BH_BASEMAP_PACK
#error "BH_BASEMAP_PACK (the path of data/basemap/naturalearth.mbtiles) must be defined"
#endif

__asm__(".section .rodata\n"
        ".balign 64\n"
        ".globl bh_basemap_pack\n"
        "bh_basemap_pack:\n"
        ".incbin \"" BH_BASEMAP_PACK "\"\n"
        ".globl bh_basemap_pack_end\n"
        "bh_basemap_pack_end:\n"
        ".byte 0\n"
        ".previous\n");
