#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>

#include "cbytes.h"

int govstats_create_direct(const char *path, int mode) {
    int descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_DIRECT, mode);
    if (descriptor >= 0 || errno != EINVAL) return descriptor;
    return open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
}

int govstats_is_direct(int descriptor) {
    int flags = fcntl(descriptor, F_GETFL);
    return flags >= 0 && (flags & O_DIRECT) != 0;
}

int govstats_stop_direct(int descriptor) {
    int flags = fcntl(descriptor, F_GETFL);
    if (flags < 0) return -1;
    return fcntl(descriptor, F_SETFL, flags & ~O_DIRECT);
}

