/* Unit tests of file (bounded reads of the files a plugin is given): regular
 * files only, a size bound, never a wait. Every file is made in a private
 * temporary directory and removed at the end. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "file.h"

/* A read that blocks would hang the test run: let it die instead. */
#define HANG_LIMIT_SECONDS 10

#define MAX_PATHS 16

struct fixture {
	char dir[128];
	char *paths[MAX_PATHS]; /* what path_in() made, freed at teardown */
	size_t path_count;
};

/* DIR/NAME in the test's directory, valid until teardown. */
static const char *path_in(void *state, const char *name)
{
	struct fixture *fx = state;
	char path[256];
	char *copy;

	assert_true(fx->path_count < MAX_PATHS);
	snprintf(path, sizeof(path), "%s/%s", fx->dir, name);
	copy = strdup(path);
	assert_non_null(copy);
	fx->paths[fx->path_count++] = copy;
	return copy;
}

static void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_true(fputs(text, fp) >= 0);
	assert_int_equal(fclose(fp), 0);
}

/* A sparse file of SIZE bytes: large on paper, no disk space. */
static void sparse_file(const char *path, off_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, size), 0);
	assert_int_equal(close(fd), 0);
}

static int setup(void **state)
{
	const char *tmp = getenv("TMPDIR");
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (fx == NULL)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "%s/test_file.XXXXXX",
	         tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
	if (mkdtemp(fx->dir) == NULL) {
		free(fx);
		return -1;
	}
	alarm(HANG_LIMIT_SECONDS);
	*state = fx;
	return 0;
}

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(path);
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	size_t i;
	int rc;

	alarm(0);
	rc = nftw(fx->dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	for (i = 0; i < fx->path_count; i++)
		free(fx->paths[i]);
	free(fx);
	return rc;
}

/* file_read_bounded() must refuse PATH with EXPECTED, leaving OUT zeroed. */
static void read_fails(const char *path, size_t limit, const char *expected)
{
	gnutls_datum_t out = {(unsigned char *)"stale", 5};
	struct fault f = {0};

	assert_int_equal(file_read_bounded(path, "CA file", limit, &out, &f), -1);
	assert_null(out.data);
	assert_int_equal(out.size, 0);
	assert_int_equal(f.kind, FAULT_INTERNAL);
	assert_string_equal(f.text, expected);
}

static void expect_refusal(const char *path, const char *kind)
{
	char expected[320];

	snprintf(expected, sizeof(expected), "CA file '%s' is %s, not a regular file", path, kind);
	read_fails(path, FILE_CA_MAX, expected);
}

static void test_regular_file(void **state)
{
	const char *path = path_in(*state, "ca.pem");
	gnutls_datum_t out = {NULL, 0};
	struct fault f = {0};

	write_file(path, "-----BEGIN CERTIFICATE-----\n");
	assert_int_equal(file_read_bounded(path, "CA file", FILE_CA_MAX, &out, &f), 0);
	assert_int_equal(f.kind, FAULT_NONE);
	assert_int_equal(out.size, 28);
	assert_memory_equal(out.data, "-----BEGIN CERTIFICATE-----\n", 28);
	assert_int_equal(out.data[out.size], '\0');
	file_release(&out);
	assert_null(out.data);
	assert_int_equal(out.size, 0);
	file_release(&out);
}

static void test_empty_file(void **state)
{
	const char *path = path_in(*state, "empty.pem");
	gnutls_datum_t out = {NULL, 0};
	struct fault f = {0};

	write_file(path, "");
	assert_int_equal(file_read_bounded(path, "CA file", FILE_CA_MAX, &out, &f), 0);
	assert_int_equal(out.size, 0);
	assert_non_null(out.data);
	assert_int_equal(out.data[0], '\0');
	file_release(&out);
}

static void test_missing_file(void **state)
{
	const char *path = path_in(*state, "missing.pem");
	char expected[320];

	snprintf(expected, sizeof(expected), "cannot read CA file '%s': No such file or directory",
	         path);
	read_fails(path, FILE_CA_MAX, expected);
}

/* A FIFO without a writer: opening or reading it would wait for ever. */
static void test_fifo_returns_at_once(void **state)
{
	const char *path = path_in(*state, "fifo");
	struct timespec t0, t1;

	assert_int_equal(mkfifo(path, 0600), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	expect_refusal(path, "a FIFO");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_true(t1.tv_sec - t0.tv_sec < 2);
}

static void test_directory(void **state)
{
	const struct fixture *fx = *state;

	expect_refusal(fx->dir, "a directory");
}

static void test_devices(void **state)
{
	(void)state;
	expect_refusal("/dev/zero", "a character device");
	expect_refusal("/dev/null", "a character device");
}

static void test_socket(void **state)
{
	const char *path = path_in(*state, "socket");
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	assert_true(strlen(path) < sizeof(addr.sun_path));
	strcpy(addr.sun_path, path);
	assert_int_equal(bind(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	expect_refusal(path, "a socket");
	close(fd);
}

/* A symbolic link is followed: what counts is what it names. */
static void test_symlinks(void **state)
{
	const char *target = path_in(*state, "target.pem");
	const char *link = path_in(*state, "link.pem");
	const char *to_fifo = path_in(*state, "to-fifo");
	const char *fifo = path_in(*state, "fifo2");
	gnutls_datum_t out = {NULL, 0};
	struct fault f = {0};

	write_file(target, "abc");
	assert_int_equal(symlink(target, link), 0);
	assert_int_equal(file_read_bounded(link, "CA file", FILE_CA_MAX, &out, &f), 0);
	assert_int_equal(out.size, 3);
	file_release(&out);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(symlink(fifo, to_fifo), 0);
	expect_refusal(to_fifo, "a FIFO");
}

/* Sparse files: the size is refused from fstat(), before any read. */
static void test_over_the_bound(void **state)
{
	const char *big = path_in(*state, "big.pem");
	const char *small = path_in(*state, "small.pem");
	gnutls_datum_t out = {NULL, 0};
	struct fault f = {0};
	char expected[320];

	sparse_file(big, (off_t)FILE_CA_MAX + 1);
	snprintf(expected, sizeof(expected), "CA file '%s' is larger than 4 MiB", big);
	read_fails(big, FILE_CA_MAX, expected);
	sparse_file(big, (off_t)3 << 30);
	read_fails(big, FILE_CA_MAX, expected);

	sparse_file(small, 1025);
	snprintf(expected, sizeof(expected), "CA file '%s' is larger than 1 KiB", small);
	read_fails(small, 1024, expected);
	snprintf(expected, sizeof(expected), "CA file '%s' is larger than 100 bytes", small);
	read_fails(small, 100, expected);

	/* Exactly at the bound is within it. */
	sparse_file(small, 1024);
	assert_int_equal(file_read_bounded(small, "CA file", 1024, &out, &f), 0);
	assert_int_equal(out.size, 1024);
	file_release(&out);
}

/* A file whose size fstat() does not tell (procfs says 0) is bounded by what is
 * read: at most one byte past the bound. */
static void test_bound_while_reading(void **state)
{
	gnutls_datum_t out = {NULL, 0};
	struct fault f = {0};

	(void)state;
	read_fails("/proc/self/status", 16, "CA file '/proc/self/status' is larger than 16 bytes");
	assert_int_equal(file_read_bounded("/proc/self/status", "CA file", FILE_CA_MAX, &out, &f),
	                 0);
	assert_true(out.size > 16);
	assert_int_equal(strlen((const char *)out.data), out.size);
	file_release(&out);
}

/* --- directories --------------------------------------------------------- */

struct seen {
	char names[8][256];
	size_t count;
	size_t bytes;
	int fail_at; /* 1-based visit that fails; 0: none */
};

static int remember(const char *path, const gnutls_datum_t *data, void *arg, struct fault *f)
{
	struct seen *seen = arg;
	const char *slash = strrchr(path, '/');

	assert_true(seen->count < 8);
	snprintf(seen->names[seen->count++], sizeof(seen->names[0]), "%s", slash + 1);
	seen->bytes += data->size;
	assert_int_equal(data->data[data->size], '\0');
	if (seen->fail_at > 0 && (size_t)seen->fail_at == seen->count) {
		fault_set(f, FAULT_INTERNAL, "visitor stopped at %s", slash + 1);
		return -1;
	}
	return 0;
}

/* As remember(), but keeps the whole path (it fits in the test's short paths). */
static int remember_path(const char *path, const gnutls_datum_t *data, void *arg, struct fault *f)
{
	struct seen *seen = arg;

	(void)data, (void)f;
	assert_true(seen->count < 8);
	snprintf(seen->names[seen->count++], sizeof(seen->names[0]), "%s", path);
	return 0;
}

static bool saw(const struct seen *seen, const char *name)
{
	size_t i;

	for (i = 0; i < seen->count; i++) {
		if (strcmp(seen->names[i], name) == 0)
			return true;
	}
	return false;
}

static struct file_dir_walk walk_of(struct seen *seen)
{
	struct file_dir_walk walk = {
	        .what = "CA directory",
	        .entry_what = "CA file",
	        .entry_limit = FILE_CA_MAX,
	        .max_entries = FILE_CA_DIR_MAX_ENTRIES,
	        .max_files = FILE_CA_DIR_MAX_FILES,
	        .max_bytes = FILE_CA_DIR_MAX_BYTES,
	        .visit = remember,
	        .arg = seen,
	};

	memset(seen, 0, sizeof(*seen));
	return walk;
}

/* DIR: a.pem ("A"), b.txt ("BB"), link.pem -> a.pem, plus what is passed over: a
 * subdirectory, a FIFO, a dangling link. */
static const char *mixed_dir(void *state)
{
	const char *dir = path_in(state, "anchors");
	char path[320];

	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(path, sizeof(path), "%s/a.pem", dir);
	write_file(path, "A");
	snprintf(path, sizeof(path), "%s/b.txt", dir);
	write_file(path, "BB");
	snprintf(path, sizeof(path), "%s/link.pem", dir);
	assert_int_equal(symlink("a.pem", path), 0);
	snprintf(path, sizeof(path), "%s/sub", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/fifo", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	snprintf(path, sizeof(path), "%s/dangling", dir);
	assert_int_equal(symlink("nowhere", path), 0);
	return dir;
}

static void walk_fails(const char *dir, const struct file_dir_walk *walk, const char *expected)
{
	struct fault f = {0};

	assert_int_equal(file_read_directory(dir, walk, &f), -1);
	assert_int_equal(f.kind, FAULT_INTERNAL);
	assert_string_equal(f.text, expected);
}

static int count_line(char *line, unsigned number, void *arg, struct fault *f)
{
	(void)line, (void)number, (void)f;
	++*(unsigned *)arg;
	return 0;
}

/* "leaf.test\0evil.test" would be read as "leaf.test": the list is refused whole,
 * naming the line, and no line of it is handed on. */
static void test_lines_with_nul(void **state)
{
	const char *path = path_in(*state, "names");
	static const char text[] = "# names\nfirst.test\nleaf.test\0evil.test\nlast.test\n";
	char expected[320];
	unsigned lines = 0;
	struct fault f = {0};
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_int_equal(fwrite(text, 1, sizeof(text) - 1, fp), sizeof(text) - 1);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(file_read_lines(path, "SNI file", 4096, count_line, &lines, &f), -1);
	assert_int_equal(lines, 0);
	assert_int_equal(f.kind, FAULT_INTERNAL);
	snprintf(expected, sizeof(expected), "SNI file '%s' line 3 holds a NUL byte", path);
	assert_string_equal(f.text, expected);

	write_file(path, "# names\nfirst.test\n\nlast.test # a comment\n");
	assert_int_equal(file_read_lines(path, "SNI file", 4096, count_line, &lines, &f), 0);
	assert_int_equal(lines, 2);
}

static void test_directory_walk(void **state)
{
	const char *dir = mixed_dir(*state);
	struct seen seen;
	struct file_dir_walk walk = walk_of(&seen);
	struct fault f = {0};

	assert_int_equal(file_read_directory(dir, &walk, &f), 0);
	assert_int_equal(seen.count, 3);
	assert_true(saw(&seen, "a.pem"));
	assert_true(saw(&seen, "b.txt"));
	assert_true(saw(&seen, "link.pem"));
	assert_int_equal(seen.bytes, 4);
}

static void test_directory_bounds(void **state)
{
	const char *dir = mixed_dir(*state);
	struct seen seen;
	struct file_dir_walk walk = walk_of(&seen);
	char expected[320];

	walk.max_entries = 5;
	snprintf(expected, sizeof(expected), "CA directory '%s' holds more than 5 entries", dir);
	walk_fails(dir, &walk, expected);

	/* Three regular files (the link is followed), the subdirectory, FIFO and
	 * dangling link not counted. */
	walk = walk_of(&seen);
	walk.max_files = 2;
	snprintf(expected, sizeof(expected), "CA directory '%s' holds more than 2 files", dir);
	walk_fails(dir, &walk, expected);
	walk = walk_of(&seen);
	walk.max_files = 3;
	assert_int_equal(file_read_directory(dir, &walk, &(struct fault){0}), 0);

	walk = walk_of(&seen);
	walk.max_bytes = 3;
	snprintf(expected, sizeof(expected), "CA directory '%s' holds more than 3 bytes of files",
	         dir);
	walk_fails(dir, &walk, expected);

	/* A file over the entry limit is passed over, not fatal to the walk. */
	walk = walk_of(&seen);
	walk.entry_limit = 1;
	assert_int_equal(file_read_directory(dir, &walk, &(struct fault){0}), 0);
	assert_true(saw(&seen, "a.pem"));
	assert_false(saw(&seen, "b.txt"));
}

/* The run's deadline bounds the walk: past it, no file more is read, and the
 * walk fails rather than give a store cut short. */
static void test_directory_deadline(void **state)
{
	const char *dir = mixed_dir(*state);
	struct seen seen;
	struct file_dir_walk walk = walk_of(&seen);
	struct deadline passed, ahead;
	char expected[320];

	deadline_start(&passed, 0);
	walk.deadline = &passed;
	snprintf(expected, sizeof(expected),
	         "CA directory '%s' was still being read when the deadline passed (0 files read)",
	         dir);
	walk_fails(dir, &walk, expected);
	assert_int_equal(seen.count, 0);

	walk = walk_of(&seen);
	deadline_start(&ahead, 60);
	walk.deadline = &ahead;
	assert_int_equal(file_read_directory(dir, &walk, &(struct fault){0}), 0);
	assert_int_equal(seen.count, 3);
}

static void test_directory_visitor_stops(void **state)
{
	const char *dir = mixed_dir(*state);
	struct seen seen;
	struct file_dir_walk walk = walk_of(&seen);
	struct fault f = {0};

	seen.fail_at = 1;
	assert_int_equal(file_read_directory(dir, &walk, &f), -1);
	assert_int_equal(seen.count, 1);
	assert_non_null(strstr(f.text, "visitor stopped at "));
}

static void test_not_a_directory(void **state)
{
	const char *file = path_in(*state, "plain.pem");
	const char *fifo = path_in(*state, "dirfifo");
	const char *missing = path_in(*state, "no-such-dir");
	struct seen seen;
	struct file_dir_walk walk = walk_of(&seen);
	char expected[320];

	write_file(file, "x");
	snprintf(expected, sizeof(expected), "CA directory '%s' is a regular file, not a directory",
	         file);
	walk_fails(file, &walk, expected);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	snprintf(expected, sizeof(expected), "CA directory '%s' is a FIFO, not a directory", fifo);
	walk_fails(fifo, &walk, expected);
	snprintf(expected, sizeof(expected),
	         "cannot read CA directory '%s': No such file or directory", missing);
	walk_fails(missing, &walk, expected);
	assert_int_equal(seen.count, 0);
}

/* A trailing slash does not double in the names of the entries. */
/* "dir/" names its files "dir/x", not "dir//x"; an oversized one is passed over. */
static void test_directory_trailing_slash(void **state)
{
	const char *dir = path_in(*state, "slash");
	char path[320];
	struct seen seen;
	struct file_dir_walk walk = walk_of(&seen);
	struct fault f = {0};

	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(path, sizeof(path), "%s/big", dir);
	write_file(path, "too big");
	snprintf(path, sizeof(path), "%s/ok", dir);
	write_file(path, "ok");
	walk.entry_limit = 2;
	walk.visit = remember_path;
	snprintf(path, sizeof(path), "%s/", dir);
	assert_int_equal(file_read_directory(path, &walk, &f), 0);
	assert_int_equal(seen.count, 1);
	snprintf(path, sizeof(path), "%s/ok", dir);
	assert_string_equal(seen.names[0], path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_regular_file, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_empty_file, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_missing_file, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_fifo_returns_at_once, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_directory, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_devices, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_socket, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_symlinks, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_over_the_bound, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_bound_while_reading, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_lines_with_nul, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_directory_walk, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_directory_bounds, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_directory_deadline, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_directory_visitor_stops, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_not_a_directory, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_directory_trailing_slash, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
