// UCS-4 to UTF-8, for text glibc's iconv decoded to wchar_t: faster than iconv's own step
// from its internal UCS-4 to UTF-8 (__gconv_transform_internal_utf8).
#include "cbytes.h"

size_t govstats_ucs4_to_utf8(const uint32_t *units, size_t count, uint8_t *out, size_t *stopped) {
    uint8_t *o = out;
    size_t i = 0;
    for (; i < count; i++) {
        uint32_t c = units[i];
        if (c < 0x80) {
            *o++ = (uint8_t)c;
        } else if (c < 0x800) {
            o[0] = (uint8_t)(0xC0 | (c >> 6));
            o[1] = (uint8_t)(0x80 | (c & 0x3F));
            o += 2;
        } else if (c < 0x10000) {
            if ((c & 0xF800) == 0xD800) break;  // a surrogate: no UTF-8 for it
            o[0] = (uint8_t)(0xE0 | (c >> 12));
            o[1] = (uint8_t)(0x80 | ((c >> 6) & 0x3F));
            o[2] = (uint8_t)(0x80 | (c & 0x3F));
            o += 3;
        } else if (c < 0x110000) {
            o[0] = (uint8_t)(0xF0 | (c >> 18));
            o[1] = (uint8_t)(0x80 | ((c >> 12) & 0x3F));
            o[2] = (uint8_t)(0x80 | ((c >> 6) & 0x3F));
            o[3] = (uint8_t)(0x80 | (c & 0x3F));
            o += 4;
        } else {
            break;
        }
    }
    *stopped = i;
    return (size_t)(o - out);
}

size_t govstats_ucs4_first_without_utf8(const uint32_t *units, size_t count) {
    size_t i = 0;
    // Sixteen at a time without a branch per unit (the compiler makes it vector code).
    for (; i + 16 <= count; i += 16) {
        uint32_t bad = 0;
        for (int k = 0; k < 16; k++) {
            uint32_t c = units[i + k];
            bad |= (uint32_t)(c - 0xD800 < 0x800) | (uint32_t)(c > 0x10FFFF);
        }
        if (bad) break;
    }
    for (; i < count; i++) {
        uint32_t c = units[i];
        if (c - 0xD800 < 0x800 || c > 0x10FFFF) return i;
    }
    return count;
}
