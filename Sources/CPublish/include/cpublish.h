#ifndef GOVSTATS_CPUBLISH_H
#define GOVSTATS_CPUBLISH_H
/// Atomically exchanges two paths (Linux renameat2 with RENAME_EXCHANGE), so that a folder
/// is replaced by another with no moment at which neither exists. Returns 0 or -1 (errno).
int govstats_exchange_paths(const char *first, const char *second);

/// Gives every heap block of at least `bytes` its own mapping (glibc mallopt
/// M_MMAP_THRESHOLD, which also turns off the threshold's dynamic raising). Returns 1 on
/// success. Swift's Glibc module does not expose malloc.h.
int govstats_map_blocks_from(int bytes);

/// Removes a file, or a folder and everything in it, never following a symbolic link.
/// Works on the bytes of names, so a name that is not UTF-8 goes too. Returns 0, or -1
/// when something could not be removed (the rest is still removed).
int govstats_remove_tree(const char *path);

/// syncfs(2): writes every file of the file system that holds the open file `descriptor`
/// to disk. 0, or -1 with errno.
int govstats_sync_file_system(int descriptor);

#endif
