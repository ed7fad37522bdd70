// UTF-8 validation 32 bytes at a time: the "lookup" algorithm of Keiser and Lemire,
// "Validating UTF-8 In Less Than One Instruction Per Byte" (Software: Practice and
// Experience, 2021), as used in simdjson and simdutf. Each byte is classified with three
// 16-entry table lookups on the high and low nibbles of the byte before it and the high
// nibble of the byte itself; any non-zero bit is a fault. Lengths of 3- and 4-byte
// sequences are checked with the bytes two and three back.
#include "cbytes.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define TOO_SHORT (1 << 0)
#define TOO_LONG (1 << 1)
#define OVERLONG_3 (1 << 2)
#define TOO_LARGE (1 << 3)
#define SURROGATE (1 << 4)
#define OVERLONG_2 (1 << 5)
#define TOO_LARGE_1000 (1 << 6)
#define OVERLONG_4 (1 << 6)
#define TWO_CONTS (1 << 7)
#define CARRY (TOO_SHORT | TOO_LONG | TWO_CONTS)

/// Each byte of `index` (0 to 15) replaced by that entry of the 16-byte table.
__attribute__((target("avx2")))
static inline __m256i lookup16(__m256i index, int t0, int t1, int t2, int t3, int t4, int t5, int t6, int t7,
                               int t8, int t9, int t10, int t11, int t12, int t13, int t14, int t15) {
    __m256i table = _mm256_setr_epi8(
        (char)t0, (char)t1, (char)t2, (char)t3, (char)t4, (char)t5, (char)t6, (char)t7,
        (char)t8, (char)t9, (char)t10, (char)t11, (char)t12, (char)t13, (char)t14, (char)t15,
        (char)t0, (char)t1, (char)t2, (char)t3, (char)t4, (char)t5, (char)t6, (char)t7,
        (char)t8, (char)t9, (char)t10, (char)t11, (char)t12, (char)t13, (char)t14, (char)t15);
    return _mm256_shuffle_epi8(table, index);
}

__attribute__((target("avx2")))
static inline __m256i high_nibbles(__m256i v) {
    return _mm256_and_si256(_mm256_srli_epi16(v, 4), _mm256_set1_epi8(0x0F));
}

/// The 32 bytes ending `n` bytes before the end of `input` (the rest from `previous`).
#define PREVIOUS(input, previous, n) \
    _mm256_alignr_epi8((input), _mm256_permute2x128_si256((previous), (input), 0x21), 16 - (n))

__attribute__((target("avx2")))
static inline __m256i special_cases(__m256i input, __m256i prev1) {
    __m256i byte_1_high = lookup16(high_nibbles(prev1),
        TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG,
        TWO_CONTS, TWO_CONTS, TWO_CONTS, TWO_CONTS,
        TOO_SHORT | OVERLONG_2,
        TOO_SHORT,
        TOO_SHORT | OVERLONG_3 | SURROGATE,
        TOO_SHORT | TOO_LARGE | TOO_LARGE_1000 | OVERLONG_4);
    __m256i byte_1_low = lookup16(_mm256_and_si256(prev1, _mm256_set1_epi8(0x0F)),
        CARRY | OVERLONG_3 | OVERLONG_2 | OVERLONG_4,
        CARRY | OVERLONG_2,
        CARRY,
        CARRY,
        CARRY | TOO_LARGE,
        CARRY | TOO_LARGE | TOO_LARGE_1000,
        CARRY | TOO_LARGE | TOO_LARGE_1000,
        CARRY | TOO_LARGE | TOO_LARGE_1000,
        CARRY | TOO_LARGE | TOO_LARGE_1000,
        CARRY | TOO_LARGE | TOO_LARGE_1000,
        CARRY | TOO_LARGE | TOO_LARGE_1000,
        CARRY | TOO_LARGE | TOO_LARGE_1000,
        CARRY | TOO_LARGE | TOO_LARGE_1000,
        CARRY | TOO_LARGE | TOO_LARGE_1000 | SURROGATE,
        CARRY | TOO_LARGE | TOO_LARGE_1000,
        CARRY | TOO_LARGE | TOO_LARGE_1000);
    __m256i byte_2_high = lookup16(high_nibbles(input),
        TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT,
        TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE_1000 | OVERLONG_4,
        TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE,
        TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE,
        TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE,
        TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT);
    return _mm256_and_si256(_mm256_and_si256(byte_1_high, byte_1_low), byte_2_high);
}

/// The faults of `input` given the block before it (`previous`): non-zero bytes are faults.
__attribute__((target("avx2")))
static inline __m256i block_faults(__m256i input, __m256i previous) {
    __m256i prev1 = PREVIOUS(input, previous, 1);
    __m256i special = special_cases(input, prev1);
    __m256i prev2 = PREVIOUS(input, previous, 2);
    __m256i prev3 = PREVIOUS(input, previous, 3);
    // Only 111_____ two back, or 1111____ three back, leave a byte of 0x80 or more here:
    // the bytes that must be continuations of a 3- or 4-byte sequence.
    __m256i third = _mm256_subs_epu8(prev2, _mm256_set1_epi8((char)(0xE0 - 0x80)));
    __m256i fourth = _mm256_subs_epu8(prev3, _mm256_set1_epi8((char)(0xF0 - 0x80)));
    __m256i must23 = _mm256_and_si256(_mm256_or_si256(third, fourth), _mm256_set1_epi8((char)0x80));
    return _mm256_xor_si256(must23, special);
}

/// Non-zero where the block's last bytes start a sequence that the block does not finish.
__attribute__((target("avx2")))
static inline __m256i incomplete_at_end(__m256i input) {
    __m256i limits = _mm256_setr_epi8(
        (char)255, (char)255, (char)255, (char)255, (char)255, (char)255, (char)255, (char)255,
        (char)255, (char)255, (char)255, (char)255, (char)255, (char)255, (char)255, (char)255,
        (char)255, (char)255, (char)255, (char)255, (char)255, (char)255, (char)255, (char)255,
        (char)255, (char)255, (char)255, (char)255, (char)255,
        (char)(0xF0 - 1), (char)(0xE0 - 1), (char)(0xC0 - 1));
    return _mm256_subs_epu8(input, limits);
}

__attribute__((target("avx2")))
static size_t valid_prefix_avx2(const uint8_t *bytes, size_t count) {
    __m256i previous = _mm256_setzero_si256();
    __m256i previous_incomplete = _mm256_setzero_si256();
    size_t offset = 0;
    // `offset` is the start of the block under way; every block before it held no fault.
    while (offset + 32 <= count) {
        __m256i input = _mm256_loadu_si256((const __m256i *)(bytes + offset));
        __m256i faults;
        if (_mm256_movemask_epi8(input) == 0) {
            faults = previous_incomplete;  // ASCII: only a sequence cut off before it is a fault
            previous_incomplete = _mm256_setzero_si256();
        } else {
            faults = block_faults(input, previous);
            previous_incomplete = incomplete_at_end(input);
        }
        if (!_mm256_testz_si256(faults, faults)) break;
        previous = input;
        offset += 32;
    }
    size_t proven;
    if (offset + 32 <= count) {
        // The block at `offset` holds a fault, which may lie in the bytes it continues:
        // a fault is found at most one block after the bytes it involves, so the blocks
        // before the previous one are proven, and every sequence that starts there.
        proven = offset >= 32 ? offset - 32 : 0;
    } else if (_mm256_testz_si256(previous_incomplete, previous_incomplete)) {
        return offset;  // no fault, and no sequence runs past the last whole block
    } else {
        proven = offset - 1;  // a sequence runs past the last block: back to its start
    }
    // Back to a character's start (at most three continuation bytes in proven text).
    while (proven > 0 && (bytes[proven] & 0xC0) == 0x80) proven -= 1;
    return proven;
}

size_t govstats_utf8_valid_prefix(const uint8_t *bytes, size_t count) {
    if (!govstats_utf8_vectors_available()) return 0;
    return valid_prefix_avx2(bytes, count);
}

int govstats_utf8_vectors_available(void) {
    static int available = -1;
    if (available < 0) {
        __builtin_cpu_init();
        available = __builtin_cpu_supports("avx2") ? 1 : 0;
    }
    return available;
}
#else
size_t govstats_utf8_valid_prefix(const uint8_t *bytes, size_t count) {
    (void)bytes;
    (void)count;
    return 0;
}

int govstats_utf8_vectors_available(void) { return 0; }
#endif
