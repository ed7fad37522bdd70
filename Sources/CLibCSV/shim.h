#ifndef GOVSTATS_CLIBCSV_SHIM_H
#define GOVSTATS_CLIBCSV_SHIM_H
// Debian's libcsv-dev installs /usr/include/csv.h and ships no pkg-config file.
#include <csv.h>

// Not libcsv: a hint to the CPU, for the record store's hash table (Swift has no prefetch).
static inline void govstats_prefetch(const void *address) {
    __builtin_prefetch(address);
}
#endif
