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

#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/// Removes what `name` names in the folder `parent` (a descriptor), folders with all they
/// hold. Names are bytes here, so a name that is not UTF-8 is removed like any other.
static int remove_at(int parent, const char *name) {
    struct stat info;
    if (fstatat(parent, name, &info, AT_SYMLINK_NOFOLLOW) != 0) return errno == ENOENT ? 0 : -1;
    if (!S_ISDIR(info.st_mode)) return unlinkat(parent, name, 0);
    int folder = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (folder < 0) return -1;
    DIR *listing = fdopendir(folder);
    if (!listing) {
        close(folder);
        return -1;
    }
    int result = 0;
    struct dirent *entry;
    while ((entry = readdir(listing)) != NULL) {
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0) continue;
        if (remove_at(dirfd(listing), entry->d_name) != 0) result = -1;
    }
    closedir(listing);
    if (unlinkat(parent, name, AT_REMOVEDIR) != 0) result = -1;
    return result;
}

int govstats_remove_tree(const char *path) {
    return remove_at(AT_FDCWD, path);
}

/// One pass of `govstats_sync_tree` over what `name` names in the folder `parent`: start
/// each file's write-back (`waiting` 0), or wait for each file and then its folder
/// (`waiting` 1). A link, or anything else not a file or a folder, is left alone.
static void sync_at(int parent, const char *name, int waiting, int *failure) {
    struct stat info;
    if (fstatat(parent, name, &info, AT_SYMLINK_NOFOLLOW) != 0) goto failed;
    if (!S_ISDIR(info.st_mode) && !S_ISREG(info.st_mode)) return;
    // O_NONBLOCK: a FIFO put in the file's place since the look above must not block.
    int descriptor = openat(parent, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (descriptor < 0) goto failed;
    if (S_ISREG(info.st_mode)) {
        int code = waiting ? fdatasync(descriptor) : sync_file_range(descriptor, 0, 0, SYNC_FILE_RANGE_WRITE);
        if (code != 0 && !*failure) *failure = errno;
        close(descriptor);
        return;
    }
    DIR *listing = fdopendir(descriptor);
    if (!listing) {
        if (!*failure) *failure = errno;
        close(descriptor);
        return;
    }
    struct dirent *entry;
    while ((entry = readdir(listing)) != NULL) {
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0) continue;
        sync_at(dirfd(listing), entry->d_name, waiting, failure);
    }
    if (waiting && fsync(dirfd(listing)) != 0 && !*failure) *failure = errno;
    closedir(listing);
    return;
failed:
    if (!*failure) *failure = errno;
}

int govstats_sync_tree(const char *path) {
    int failure = 0;
    sync_at(AT_FDCWD, path, 0, &failure);
    if (!failure) sync_at(AT_FDCWD, path, 1, &failure);
    if (!failure) return 0;
    errno = failure;
    return -1;
}
