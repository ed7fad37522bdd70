// CRC-32C (Castagnoli) of a byte stream, for the run state's checksum: the SSE 4.2
// instruction where the CPU has it, on three lanes at once, a table otherwise. Streaming:
// the CRC of a stream is the same however it is cut into calls. And the checks of the
// state's tables, run over every entry of arrays of millions as they are read.
#include "cbytes.h"

static uint32_t table[8][256];
static int table_ready;

static void make_table(void) {
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++) c = c & 1 ? (c >> 1) ^ 0x82F63B78u : c >> 1;
        table[0][n] = c;
    }
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = table[0][n];
        for (int k = 1; k < 8; k++) {
            c = table[0][c & 0xFF] ^ (c >> 8);
            table[k][n] = c;
        }
    }
    table_ready = 1;
}

static uint32_t crc32c_table(uint32_t crc, const uint8_t *p, size_t n) {
    if (!table_ready) make_table();
    while (n >= 8) {
        uint64_t word;
        __builtin_memcpy(&word, p, 8);
        word ^= crc;
        crc = table[7][word & 0xFF] ^ table[6][(word >> 8) & 0xFF] ^ table[5][(word >> 16) & 0xFF] ^
              table[4][(word >> 24) & 0xFF] ^ table[3][(word >> 32) & 0xFF] ^ table[2][(word >> 40) & 0xFF] ^
              table[1][(word >> 48) & 0xFF] ^ table[0][word >> 56];
        p += 8;
        n -= 8;
    }
    while (n--) crc = table[0][(crc ^ *p++) & 0xFF] ^ (crc >> 8);
    return crc;
}

// Multiplication modulo the (reflected) polynomial, for joining the CRCs of parts.
static uint32_t multmodp(uint32_t a, uint32_t b) {
    uint32_t m = 1u << 31, p = 0;
    for (;;) {
        if (a & m) {
            p ^= b;
            if ((a & (m - 1)) == 0) break;
        }
        m >>= 1;
        b = b & 1 ? (b >> 1) ^ 0x82F63B78u : b >> 1;
    }
    return p;
}

// x^(8 * bytes) modulo the polynomial: multiplying a CRC register by it moves it past
// that many zero bytes.
static uint32_t shift_for(size_t bytes) {
    uint32_t power = 1u << 30;  // x^1
    uint32_t result = 1u << 31; // x^0
    for (size_t n = bytes * 8; n; n >>= 1) {
        if (n & 1) result = multmodp(power, result);
        power = multmodp(power, power);
    }
    return result;
}

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("sse4.2")))
static uint64_t crc32c_words(uint64_t c, const uint8_t *p, size_t words) {
    while (words--) {
        uint64_t word;
        __builtin_memcpy(&word, p, 8);
        c = _mm_crc32_u64(c, word);
        p += 8;
    }
    return c;
}

enum { LANE = 4096 };
static uint32_t lane_shift;

// Three lanes at once (the instruction's latency is three cycles, its throughput one),
// their registers then joined: the same CRC as one stream.
__attribute__((target("sse4.2")))
static uint32_t crc32c_sse42(uint32_t crc, const uint8_t *p, size_t n) {
    uint64_t c = crc;
    if (n >= 3 * LANE) {
        if (!lane_shift) lane_shift = shift_for(LANE);
        while (n >= 3 * LANE) {
            uint64_t a = c, b = 0, d = 0;
            for (size_t i = 0; i < LANE; i += 8) {
                uint64_t x, y, z;
                __builtin_memcpy(&x, p + i, 8);
                __builtin_memcpy(&y, p + LANE + i, 8);
                __builtin_memcpy(&z, p + 2 * LANE + i, 8);
                a = _mm_crc32_u64(a, x);
                b = _mm_crc32_u64(b, y);
                d = _mm_crc32_u64(d, z);
            }
            c = multmodp(lane_shift, multmodp(lane_shift, (uint32_t)a) ^ (uint32_t)b) ^ (uint32_t)d;
            p += 3 * LANE;
            n -= 3 * LANE;
        }
    }
    c = crc32c_words(c, p, n / 8);
    p += n / 8 * 8;
    n %= 8;
    uint32_t small = (uint32_t)c;
    while (n--) small = _mm_crc32_u8(small, *p++);
    return small;
}
#endif

uint32_t govstats_crc32c(uint32_t crc, const uint8_t *bytes, size_t count) {
    crc = ~crc;
#if defined(__x86_64__)
    if (__builtin_cpu_supports("sse4.2")) return ~crc32c_sse42(crc, bytes, count);
#endif
    return ~crc32c_table(crc, bytes, count);
}

int govstats_check_buckets(const uint32_t *buckets, size_t count, uint32_t mask, uint32_t strings, size_t *held) {
    size_t filled = 0;
    uint32_t bad = 0;
    for (size_t i = 0; i < count; i++) {
        uint32_t entry = buckets[i], number = entry & mask;
        filled += number != 0;
        bad |= (number > strings) | ((entry != 0) != (number != 0));
    }
    *held += filled;
    return bad != 0;
}

int govstats_check_ends(const uint32_t *ends, size_t count, uint32_t *previous, uint32_t length) {
    uint32_t last = *previous, down = 0, other = 0;
    for (size_t i = 0; i < count; i++) {
        down |= ends[i] < last;
        other |= ends[i] - last != length;
        last = ends[i];
    }
    *previous = last;
    return down ? 1 : other ? 2 : 0;
}

uint32_t govstats_crc32c_combine(uint32_t first, uint32_t second, size_t second_count) {
    return multmodp(shift_for(second_count), first) ^ second;
}
