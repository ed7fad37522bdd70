// Whether libcsv's trimming can act anywhere in a slice of a CSV file (see
// CSVRecordDecoder.chooseSpaceHandling): it cannot when every space stands between two
// plain bytes (none of , " CR LF space tab), not at either end, and there is no tab. Most
// rows hold a space (between a date and its time): this looks at 64 bytes at a time rather
// than one memchr per space.
#include "cbytes.h"

static inline int plain(uint8_t b) {
    return !(b == ',' || b == '"' || b == '\r' || b == '\n' || b == ' ' || b == '\t');
}

/// Positions [from, to) judged one by one (0 < from, to <= count).
static int interior_bytes(const uint8_t *bytes, size_t count, size_t from, size_t to) {
    for (size_t i = from; i < to; i++) {
        uint8_t b = bytes[i];
        if (b == '\t') return 0;
        if (b == ' ' && (i + 1 >= count || !plain(bytes[i - 1]) || !plain(bytes[i + 1]))) return 0;
    }
    return 1;
}

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx2")))
static inline __m256i not_plain(__m256i v) {
    __m256i m = _mm256_cmpeq_epi8(v, _mm256_set1_epi8(','));
    m = _mm256_or_si256(m, _mm256_cmpeq_epi8(v, _mm256_set1_epi8('"')));
    m = _mm256_or_si256(m, _mm256_cmpeq_epi8(v, _mm256_set1_epi8('\r')));
    m = _mm256_or_si256(m, _mm256_cmpeq_epi8(v, _mm256_set1_epi8('\n')));
    m = _mm256_or_si256(m, _mm256_cmpeq_epi8(v, _mm256_set1_epi8(' ')));
    return _mm256_or_si256(m, _mm256_cmpeq_epi8(v, _mm256_set1_epi8('\t')));
}

/// The bits of the bytes that are not plain, of the space and of the tab in 64 bytes.
__attribute__((target("avx2")))
static inline void masks64(const uint8_t *p, uint64_t *np, uint64_t *spaces, uint64_t *tabs) {
    __m256i lo = _mm256_loadu_si256((const __m256i *)p);
    __m256i hi = _mm256_loadu_si256((const __m256i *)(p + 32));
    __m256i space = _mm256_set1_epi8(' '), tab = _mm256_set1_epi8('\t');
    *np = (uint32_t)_mm256_movemask_epi8(not_plain(lo)) | (uint64_t)(uint32_t)_mm256_movemask_epi8(not_plain(hi)) << 32;
    *spaces = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(lo, space))
        | (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(hi, space)) << 32;
    *tabs = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(lo, tab))
        | (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(hi, tab)) << 32;
}

__attribute__((target("avx2")))
static int interior_avx2(const uint8_t *bytes, size_t count) {
    size_t i = 1;
    // Whether the byte before the block is not plain; the byte after it is looked at alone.
    uint64_t before = !plain(bytes[0]);
    for (; i + 65 <= count; i += 64) {
        uint64_t np, spaces, tabs;
        masks64(bytes + i, &np, &spaces, &tabs);
        uint64_t after = !plain(bytes[i + 64]);
        uint64_t neighbours = (np << 1 | before) | (np >> 1 | after << 63);
        if (tabs | (spaces & neighbours)) return 0;
        before = np >> 63;
    }
    return interior_bytes(bytes, count, i, count);
}
#endif

int govstats_spaces_are_interior(const uint8_t *bytes, size_t count) {
    if (count == 0) return 1;
    if (bytes[0] == ' ' || bytes[0] == '\t') return 0;
#if defined(__x86_64__)
    if (govstats_utf8_vectors_available()) return interior_avx2(bytes, count);
#endif
    return interior_bytes(bytes, count, 1, count);
}
