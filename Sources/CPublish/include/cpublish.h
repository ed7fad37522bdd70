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

/// Writes every file under the folder `path`, and every folder, to disk: first starts the
/// write-back of all files (sync_file_range, which does not wait), then waits for each
/// (fdatasync) and syncs each folder after what it holds (fsync). The disk gets all the
/// files at once and the journal mostly commits once, while only these files are written:
/// a sync of the whole file system (syncfs) would also wait for every other file written
/// on it, such as a large run state just written beside the reports. Links are not
/// followed. 0, or -1 with the errno of the first failure (the rest is still synced).
int govstats_sync_tree(const char *path);

#endif
