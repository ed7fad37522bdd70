#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include "cpublish.h"

int govstats_exchange_paths(const char *first, const char *second) {
    return renameat2(AT_FDCWD, first, AT_FDCWD, second, RENAME_EXCHANGE);
}

#include <malloc.h>

int govstats_map_blocks_from(int bytes) {
    return mallopt(M_MMAP_THRESHOLD, bytes);
}
