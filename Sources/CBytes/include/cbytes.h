#ifndef GOVSTATS_CBYTES_H
#define GOVSTATS_CBYTES_H
#include <stddef.h>
#include <stdint.h>

/// The length of the longest prefix of `bytes` (which must start at a character boundary)
/// that this function has proven to be well-formed UTF-8 ending at a character boundary,
/// checked 32 bytes at a time with AVX2. It may stop short of the end, or of the first
/// fault, by up to a block and a character: the caller validates the rest byte by byte,
/// which also finds the exact offset of a fault. 0 on CPUs without AVX2.
size_t govstats_utf8_valid_prefix(const uint8_t *bytes, size_t count);

/// Whether govstats_utf8_valid_prefix (and govstats_spaces_are_interior) use vectors on
/// this CPU: AVX2.
int govstats_utf8_vectors_available(void);

/// 1 if every space of `bytes` stands between two bytes that are none of , " CR LF space
/// tab (so not at either end) and there is no tab; 0 otherwise.
int govstats_spaces_are_interior(const uint8_t *bytes, size_t count);

/// Writes the UTF-8 of `count` code points (at most 4 bytes each) to `out`; returns the
/// bytes written. `*stopped` is `count`, or the index of the first unit that has no UTF-8
/// (a surrogate, or past U+10FFFF), where writing stopped.
size_t govstats_ucs4_to_utf8(const uint32_t *units, size_t count, uint8_t *out, size_t *stopped);

/// The index of the first of `count` code points that has no UTF-8, or `count`.
size_t govstats_ucs4_first_without_utf8(const uint32_t *units, size_t count);

/// Decodes the longest prefix of `in` (from a character start) made of ASCII bytes and
/// two-byte characters that `table` holds, and returns its length. `table` has 32,768
/// entries, at (lead byte - 0x80) × 256 + trail byte for lead bytes 0x80 to 0xFF: 0 for a
/// pair it does not hold, else the character's UTF-8 in its low bytes and the UTF-8's
/// length (2 or 3) in its top byte. The UTF-8 is written to `out` (`*written` bytes),
/// which must have room for one byte more; with `out` NULL nothing is written.
size_t govstats_dbcs_to_utf8(const uint8_t *in, size_t count, const uint32_t *table, uint8_t *out, size_t *written);

/// The CRC-32C of `count` bytes continuing `crc` (0 to start): the same for a stream
/// however it is cut into calls.
uint32_t govstats_crc32c(uint32_t crc, const uint8_t *bytes, size_t count);

/// The CRC-32C of two parts of a stream one after the other, from the CRC of each (the
/// second's `second_count` bytes long).
uint32_t govstats_crc32c_combine(uint32_t first, uint32_t second, size_t second_count);

/// Makes the page holding `word` the process's own by a write that changes nothing (an
/// atomic or of 0): a page of a private file mapping is then copied alone, where a first
/// read would have mapped its neighbours as well (the kernel's fault-around), each of them
/// counted in the process's memory. x86-64 only; elsewhere it does nothing.
static inline void govstats_own_page(uint32_t *word) {
#if defined(__x86_64__)
    // In assembly: a compiler turns an atomic or of 0 into a load, which faults as a read.
    __asm__ volatile("lock orl $0, %0" : "+m"(*word) : : "memory");
#else
    (void)word;
#endif
}

/// Buckets of a run state's table: adds to `held` those holding a number (low bits under
/// `mask`), and returns 1 when one holds a number above `strings` or only high bits.
int govstats_check_buckets(const uint32_t *buckets, size_t count, uint32_t mask, uint32_t strings, size_t *held);

/// Ends of a run state's strings, going on from `previous` (updated): returns 1 when one
/// is below the one before it, 2 when one is not `length` after it (0: fine).
int govstats_check_ends(const uint32_t *ends, size_t count, uint32_t *previous, uint32_t length);

/// A file open for reading and writing in `folder` that no name leads to (O_TMPFILE, or on
/// a file system without it a file removed as soon as it is made), gone when closed; -1
/// with errno set if there is none.
int govstats_unnamed_file(const char *folder);

#endif
