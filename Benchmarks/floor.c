/* The C floor of the benchmark: libcsv's csv_parse over a file in 1 MiB blocks.
 *
 *   floor FILE              parse only: counts records and fields (the floor of the
 *                           mandated parser on one core)
 *   floor --group-by FILE   the job "count by district x month x category" (month is the
 *                           first 7 bytes of received_at, which the canonical benchmark
 *                           file writes as YYYY-MM-DD HH:MM:SS); writes
 *                           district,month,category,count as CSV to standard output
 *   floor --sha256 FILE     parse only, and the file's sha256 from the same blocks (OpenSSL):
 *                           the least `govstats run` must do on one thread, since run.json
 *                           gives every input's sha256
 *
 * The modes pass different callbacks to csv_parse, so the parse-only floor pays for
 * nothing but counting. Build: cc -O2 -o floor floor.c -lcsv -lcrypto
 */
#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/evp.h>

#define BLOCK (1 << 20)

/* ---- parse only ---- */

struct counts {
    uint64_t fields;
    uint64_t records;
};

static void count_field(void *s, size_t len, void *data) {
    (void)s;
    (void)len;
    ((struct counts *)data)->fields++;
}

static void count_record(int c, void *data) {
    (void)c;
    ((struct counts *)data)->records++;
}

/* ---- group by ---- */

#define MAXVAL 256

struct group {
    char *key; /* district \x1f month \x1f category */
    uint32_t len;
    uint64_t hash;
    uint64_t count;
};

struct groupby {
    /* header */
    int header_done;
    int col_district, col_received, col_category;
    /* current record */
    int field;
    char district[MAXVAL];
    size_t district_len;
    char month[8];
    size_t month_len;
    char category[MAXVAL];
    size_t category_len;
    /* hash table, open addressing */
    struct group *slots;
    size_t capacity, used;
    uint64_t rows;
};

static void copy_value(char *dst, size_t *dst_len, const void *s, size_t len) {
    if (len > MAXVAL) len = MAXVAL;
    if (len) memcpy(dst, s, len);
    *dst_len = len;
}

static void gb_field(void *s, size_t len, void *data) {
    struct groupby *g = data;
    int f = g->field++;
    if (!g->header_done) {
        if (len == 8 && memcmp(s, "district", 8) == 0) g->col_district = f;
        else if (len == 11 && memcmp(s, "received_at", 11) == 0) g->col_received = f;
        else if (len == 8 && memcmp(s, "category", 8) == 0) g->col_category = f;
        return;
    }
    if (f == g->col_district) copy_value(g->district, &g->district_len, s, len);
    else if (f == g->col_received) {
        g->month_len = len < 7 ? len : 7;
        if (g->month_len) memcpy(g->month, s, g->month_len);
    } else if (f == g->col_category) copy_value(g->category, &g->category_len, s, len);
}

static uint64_t fnv1a(const char *s, size_t len) {
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static void grow(struct groupby *g) {
    size_t cap = g->capacity ? g->capacity * 2 : 1024;
    struct group *slots = calloc(cap, sizeof *slots);
    if (!slots) { perror("calloc"); exit(1); }
    for (size_t i = 0; i < g->capacity; i++) {
        struct group *old = &g->slots[i];
        if (!old->key) continue;
        size_t j = old->hash & (cap - 1);
        while (slots[j].key) j = (j + 1) & (cap - 1);
        slots[j] = *old;
    }
    free(g->slots);
    g->slots = slots;
    g->capacity = cap;
}

static void gb_record(int c, void *data) {
    (void)c;
    struct groupby *g = data;
    int fields = g->field;
    g->field = 0;
    if (!g->header_done) {
        g->header_done = 1;
        if (g->col_district < 0 || g->col_received < 0 || g->col_category < 0) {
            fprintf(stderr, "floor: the header lacks district, received_at or category\n");
            exit(1);
        }
        return;
    }
    if (fields == 0) return;
    g->rows++;
    char key[2 * MAXVAL + 16];
    size_t n = 0;
    memcpy(key + n, g->district, g->district_len); n += g->district_len;
    key[n++] = 0x1f;
    memcpy(key + n, g->month, g->month_len); n += g->month_len;
    key[n++] = 0x1f;
    memcpy(key + n, g->category, g->category_len); n += g->category_len;
    g->district_len = g->month_len = g->category_len = 0;

    if ((g->used + 1) * 2 > g->capacity) grow(g);
    uint64_t h = fnv1a(key, n);
    size_t j = h & (g->capacity - 1);
    for (;;) {
        struct group *slot = &g->slots[j];
        if (!slot->key) {
            slot->key = malloc(n);
            if (!slot->key) { perror("malloc"); exit(1); }
            memcpy(slot->key, key, n);
            slot->len = (uint32_t)n;
            slot->hash = h;
            slot->count = 1;
            g->used++;
            return;
        }
        if (slot->hash == h && slot->len == n && memcmp(slot->key, key, n) == 0) {
            slot->count++;
            return;
        }
        j = (j + 1) & (g->capacity - 1);
    }
}

static void write_csv_value(const char *s, size_t len) {
    int quote = 0;
    for (size_t i = 0; i < len; i++)
        if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r') quote = 1;
    if (!quote) { fwrite(s, 1, len, stdout); return; }
    putchar('"');
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"') putchar('"');
        putchar(s[i]);
    }
    putchar('"');
}

int main(int argc, char **argv) {
    int group_by = argc == 3 && strcmp(argv[1], "--group-by") == 0;
    int sha256 = argc == 3 && strcmp(argv[1], "--sha256") == 0;
    if (argc != 2 && !group_by && !sha256) {
        fprintf(stderr, "usage: floor [--group-by | --sha256] FILE\n");
        return 2;
    }
    const char *path = argv[argc - 1];
    int fd = open(path, O_RDONLY);
    if (fd < 0) { fprintf(stderr, "floor: %s: %s\n", path, strerror(errno)); return 1; }

    struct csv_parser p;
    if (csv_init(&p, 0) != 0) { fprintf(stderr, "floor: csv_init failed\n"); return 1; }
    char *buf = malloc(BLOCK);
    struct counts counts = {0, 0};
    struct groupby g;
    memset(&g, 0, sizeof g);
    g.col_district = g.col_received = g.col_category = -1;

    void (*cb1)(void *, size_t, void *) = group_by ? gb_field : count_field;
    void (*cb2)(int, void *) = group_by ? gb_record : count_record;
    void *ctx = group_by ? (void *)&g : (void *)&counts;
    EVP_MD_CTX *hash = NULL;
    if (sha256 && (!(hash = EVP_MD_CTX_new()) || EVP_DigestInit_ex(hash, EVP_sha256(), NULL) != 1)) {
        fprintf(stderr, "floor: cannot start a sha256\n");
        return 1;
    }
    uint64_t bytes = 0;
    for (;;) {
        ssize_t n = read(fd, buf, BLOCK);
        if (n < 0) { fprintf(stderr, "floor: read: %s\n", strerror(errno)); return 1; }
        if (n == 0) break;
        bytes += (uint64_t)n;
        if (hash && EVP_DigestUpdate(hash, buf, (size_t)n) != 1) {
            fprintf(stderr, "floor: sha256 failed\n");
            return 1;
        }
        if (csv_parse(&p, buf, (size_t)n, cb1, cb2, ctx) != (size_t)n) {
            fprintf(stderr, "floor: %s\n", csv_strerror(csv_error(&p)));
            return 1;
        }
    }
    csv_fini(&p, cb1, cb2, ctx);
    csv_free(&p);
    close(fd);

    if (group_by) {
        fputs("district,month,category,count\n", stdout);
        for (size_t i = 0; i < g.capacity; i++) {
            struct group *s = &g.slots[i];
            if (!s->key) continue;
            const char *d = s->key, *end = s->key + s->len;
            const char *m = memchr(d, 0x1f, (size_t)(end - d)) + 1;
            const char *c = memchr(m, 0x1f, (size_t)(end - m)) + 1;
            write_csv_value(d, (size_t)(m - 1 - d));
            putchar(',');
            write_csv_value(m, (size_t)(c - 1 - m));
            putchar(',');
            write_csv_value(c, (size_t)(end - c));
            printf(",%llu\n", (unsigned long long)s->count);
        }
        fprintf(stderr, "floor: %llu bytes, %llu rows, %zu groups\n", (unsigned long long)bytes,
                (unsigned long long)g.rows, g.used);
    } else {
        printf("bytes=%llu records=%llu fields=%llu", (unsigned long long)bytes,
               (unsigned long long)counts.records, (unsigned long long)counts.fields);
        if (hash) {
            unsigned char digest[EVP_MAX_MD_SIZE];
            unsigned int length = 0;
            if (EVP_DigestFinal_ex(hash, digest, &length) != 1) {
                fprintf(stderr, "floor: sha256 failed\n");
                return 1;
            }
            EVP_MD_CTX_free(hash);
            fputs(" sha256=", stdout);
            for (unsigned int i = 0; i < length; i++) printf("%02x", digest[i]);
        }
        putchar('\n');
    }
    return 0;
}
