// GB18030 and Big5 text to UTF-8 through a table of their two-byte characters, for the
// common case: a table lookup per character does what glibc's iconv (its decoding and its
// UCS-4 step) does, for less.
#include <string.h>
#include "cbytes.h"

size_t govstats_dbcs_to_utf8(const uint8_t *in, size_t count, const uint32_t *table, uint8_t *out, size_t *written) {
    size_t i = 0;
    uint8_t *o = out;
    while (i < count) {
        // Eight ASCII bytes at a time.
        while (i + 8 <= count) {
            uint64_t word;
            memcpy(&word, in + i, 8);
            if (word & 0x8080808080808080ULL) break;
            if (o) { memcpy(o, &word, 8); o += 8; }
            i += 8;
        }
        if (i >= count) break;
        uint8_t lead = in[i];
        if (lead < 0x80) {
            if (o) *o++ = lead;
            i += 1;
            continue;
        }
        if (i + 1 >= count) break;
        uint32_t entry = table[(uint32_t)(lead - 0x80) << 8 | in[i + 1]];
        if (entry == 0) break;
        if (o) {
            // Four bytes stored, the length kept: the caller leaves room after the text.
            memcpy(o, &entry, 4);
            o += entry >> 24;
        }
        i += 2;
    }
    *written = o ? (size_t)(o - out) : 0;
    return i;
}
