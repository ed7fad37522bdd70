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

/// Whether govstats_utf8_valid_prefix uses vectors on this CPU.
int govstats_utf8_vectors_available(void);
#endif
