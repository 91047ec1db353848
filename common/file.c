#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"

/* Non-blocking so that a FIFO cannot hold the open (or a read) waiting for a
 * writer; no controlling terminal taken from a tty named by mistake. */
#define OPEN_FLAGS (O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)

/* A regular file is read with a buffer of its size; a file that claims 0 bytes
 * (as /proc files do) starts with this much. */
#define FIRST_READ 4096

#define MIB ((size_t)1 << 20)
#define KIB ((size_t)1 << 10)

static const char *kind_of(mode_t mode)
{
	if (S_ISREG(mode))
		return "a regular file";
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	if (S_ISSOCK(mode))
		return "a socket";
	return "a special file";
}

/* A bound as the operator reads it: "4 MiB", "512 KiB", "100 bytes". */
static void size_text(size_t n, char *out, size_t size)
{
	if (n >= MIB && n % MIB == 0)
		snprintf(out, size, "%zu MiB", n / MIB);
	else if (n >= KIB && n % KIB == 0)
		snprintf(out, size, "%zu KiB", n / KIB);
	else
		snprintf(out, size, "%zu byte%s", n, n == 1 ? "" : "s");
}

static void cannot_read(const char *what, const char *path, int errnum, struct fault *f)
{
	fault_set(f, FAULT_INTERNAL, "cannot read %s '%s': %s", what, path, strerror(errnum));
}

static void too_large(const char *what, const char *path, size_t limit, struct fault *f)
{
	char bound[32];

	size_text(limit, bound, sizeof(bound));
	fault_set(f, FAULT_INTERNAL, "%s '%s' is larger than %s", what, path, bound);
}

static bool right_kind(const struct stat *st, bool want_dir, const char *what, const char *path,
                       struct fault *f)
{
	if (want_dir ? S_ISDIR(st->st_mode) : S_ISREG(st->st_mode))
		return true;
	fault_set(f, FAULT_INTERNAL, "%s '%s' is %s, not %s", what, path, kind_of(st->st_mode),
	          want_dir ? "a directory" : "a regular file");
	return false;
}

/* Open NAME (relative to AT) as a regular file or a directory, and return the
 * descriptor, or -1 with F filled. PATH is how the operator names it. The path is
 * looked at first so that a device is never opened at all (opening some has
 * effects: a watchdog starts, a tape rewinds); the opened descriptor is what is
 * judged, so nothing swapped in between gets read. */
static int open_checked(int at, const char *name, const char *path, const char *what, bool want_dir,
                        struct stat *st, struct fault *f)
{
	int fd;

	if (fstatat(at, name, st, 0) != 0) {
		cannot_read(what, path, errno, f);
		return -1;
	}
	if (!right_kind(st, want_dir, what, path, f))
		return -1;
	fd = openat(at, name, OPEN_FLAGS | (want_dir ? O_DIRECTORY : 0));
	if (fd < 0) {
		cannot_read(what, path, errno, f);
		return -1;
	}
	if (fstat(fd, st) != 0)
		cannot_read(what, path, errno, f);
	else if (right_kind(st, want_dir, what, path, f))
		return fd;
	close(fd);
	return -1;
}

/* Make room for more of a file that is longer than its first buffer: double it,
 * up to one byte past LIMIT (and one for the NUL). */
static int grow(unsigned char **buf, size_t *cap, size_t limit, struct fault *f)
{
	size_t next = *cap <= (limit + 1) / 2 ? *cap * 2 : limit + 1;
	unsigned char *bigger = realloc(*buf, next + 1);

	if (bigger == NULL) {
		fault_set(f, FAULT_INTERNAL, "out of memory");
		return -1;
	}
	*buf = bigger;
	*cap = next;
	return 0;
}

/* Read FD to its end into OUT, never more than LIMIT + 1 bytes: the byte past the
 * bound tells a file that grew after fstat() from one that fits. SIZE is what
 * fstat() said. */
static int read_all(int fd, size_t size, const char *what, const char *path, size_t limit,
                    gnutls_datum_t *out, struct fault *f)
{
	size_t cap = (size > 0 ? size : FIRST_READ);
	size_t used = 0;
	unsigned char *buf;
	ssize_t n;
	int rc = -1;

	cap = (cap < limit ? cap : limit) + 1;
	buf = malloc(cap + 1);
	if (buf == NULL) {
		fault_set(f, FAULT_INTERNAL, "out of memory");
		goto out;
	}
	while (used <= limit) {
		if (used == cap && grow(&buf, &cap, limit, f) < 0)
			goto out;
		n = read(fd, buf + used, cap - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			cannot_read(what, path, errno, f);
			goto out;
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	if (used > limit) {
		too_large(what, path, limit, f);
		goto out;
	}
	buf[used] = '\0';
	out->data = buf;
	out->size = (unsigned)used;
	buf = NULL;
	rc = 0;
out:
	free(buf);
	return rc;
}

/* file_read_bounded() for NAME relative to AT; PATH names it in messages. */
static int read_at(int at, const char *name, const char *path, const char *what, size_t limit,
                   gnutls_datum_t *out, struct fault *f)
{
	struct stat st;
	int fd;
	int rc;

	out->data = NULL;
	out->size = 0;
	/* A datum's size is an unsigned int. */
	if (limit >= UINT_MAX)
		limit = UINT_MAX - 1;
	fd = open_checked(at, name, path, what, false, &st, f);
	if (fd < 0)
		return -1;
	if (st.st_size < 0 || (unsigned long long)st.st_size > limit) {
		too_large(what, path, limit, f);
		rc = -1;
	} else {
		rc = read_all(fd, (size_t)st.st_size, what, path, limit, out, f);
	}
	close(fd);
	return rc;
}

int file_read_bounded(const char *path, const char *what, size_t limit, gnutls_datum_t *out,
                      struct fault *f)
{
	return read_at(AT_FDCWD, path, path, what, limit, out, f);
}

void file_release(gnutls_datum_t *data)
{
	free(data->data);
	data->data = NULL;
	data->size = 0;
}

static int open_dir(const char *dir, const char *what, DIR **out, struct fault *f)
{
	struct stat st;
	int fd;

	fd = open_checked(AT_FDCWD, dir, dir, what, true, &st, f);
	if (fd < 0)
		return -1;
	*out = fdopendir(fd);
	if (*out == NULL) {
		cannot_read(what, dir, errno, f);
		close(fd);
		return -1;
	}
	return 0;
}

/* What a directory walk has read so far. */
struct walk_count {
	size_t files; /* regular files, read or passed over */
	size_t bytes; /* of the files read */
};

/* A regular file is about to be read: refused past the walk's deadline (each
 * file costs its parse, and the run has one deadline). */
static int may_read_another(const char *dir, const struct file_dir_walk *walk,
                            struct walk_count *count, struct fault *f)
{
	/* count_files() refused more; files added since are refused too. */
	if (++count->files > walk->max_files) {
		fault_set(f, FAULT_INTERNAL, "%s '%s' holds more than %zu files", walk->what, dir,
		          walk->max_files);
		return -1;
	}
	if (walk->deadline != NULL && deadline_passed(walk->deadline)) {
		fault_set(f, FAULT_INTERNAL,
		          "%s '%s' was still being read when the deadline passed (%zu file%s read)",
		          walk->what, dir, count->files - 1, count->files == 2 ? "" : "s");
		return -1;
	}
	return 0;
}

/* Read one entry of a directory walk and hand it on; COUNT is what the walk
 * has read so far. Anything but a regular file is passed over unopened, and a
 * file that cannot be read or is over the entry limit is passed over too. */
static int visit_entry(DIR *d, const char *dir, const char *name, const struct file_dir_walk *walk,
                       struct walk_count *count, struct fault *f)
{
	const char *sep = dir[0] != '\0' && dir[strlen(dir) - 1] == '/' ? "" : "/";
	gnutls_datum_t data = {NULL, 0};
	char path[PATH_MAX];
	struct stat st;
	int rc = -1;

	if (fstatat(dirfd(d), name, &st, 0) != 0 || !S_ISREG(st.st_mode))
		return 0;
	if (may_read_another(dir, walk, count, f) < 0)
		return -1;
	if (snprintf(path, sizeof(path), "%s%s%s", dir, sep, name) >= (int)sizeof(path)) {
		cannot_read(walk->what, dir, ENAMETOOLONG, f);
		goto out;
	}
	/* One unreadable or oversized file (a CRL, a backup) does not spoil the
	 * directory, as a file without a certificate does not: it is passed over. */
	if (read_at(dirfd(d), name, path, walk->entry_what, walk->entry_limit, &data, f) < 0) {
		fault_clear(f);
		rc = 0;
		goto out;
	}
	count->bytes += data.size;
	if (count->bytes > walk->max_bytes) {
		char bound[32];

		size_text(walk->max_bytes, bound, sizeof(bound));
		fault_set(f, FAULT_INTERNAL, "%s '%s' holds more than %s of files", walk->what, dir,
		          bound);
		goto out;
	}
	rc = walk->visit(path, &data, walk->arg, f);
out:
	file_release(&data);
	return rc;
}

/* The next entry of D other than "." and "..", counted in *ENTRIES; NULL at the
 * end, or -1 in *RC with F set past the walk's bound on entries or on a read
 * error. */
static struct dirent *next_entry(DIR *d, const char *dir, const struct file_dir_walk *walk,
                                 size_t *entries, int *rc, struct fault *f)
{
	struct dirent *e;

	*rc = 0;
	for (;;) {
		errno = 0;
		e = readdir(d);
		if (e == NULL)
			break;
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			break;
	}
	if (e == NULL) {
		if (errno != 0) {
			cannot_read(walk->what, dir, errno, f);
			*rc = -1;
		}
		return NULL;
	}
	if (++*entries > walk->max_entries) {
		fault_set(f, FAULT_INTERNAL, "%s '%s' holds more than %zu entries", walk->what, dir,
		          walk->max_entries);
		*rc = -1;
		return NULL;
	}
	return e;
}

/* Count D's regular files before any is read: a directory over the bound is
 * refused at once, whatever the deadline and however fast files parse, and
 * never read in part. Leaves D rewound. */
static int count_files(DIR *d, const char *dir, const struct file_dir_walk *walk, struct fault *f)
{
	size_t entries = 0, files = 0;
	struct dirent *e;
	struct stat st;
	int rc;

	while ((e = next_entry(d, dir, walk, &entries, &rc, f)) != NULL) {
		if (fstatat(dirfd(d), e->d_name, &st, 0) == 0 && S_ISREG(st.st_mode) &&
		    ++files > walk->max_files) {
			fault_set(f, FAULT_INTERNAL, "%s '%s' holds more than %zu files",
			          walk->what, dir, walk->max_files);
			return -1;
		}
	}
	rewinddir(d);
	return rc;
}

int file_read_directory(const char *dir, const struct file_dir_walk *walk, struct fault *f)
{
	DIR *d = NULL;
	struct dirent *e;
	size_t entries = 0;
	struct walk_count count = {0, 0};
	int rc = -1;

	if (open_dir(dir, walk->what, &d, f) < 0 || count_files(d, dir, walk, f) < 0)
		goto out;
	while ((e = next_entry(d, dir, walk, &entries, &rc, f)) != NULL) {
		if (visit_entry(d, dir, e->d_name, walk, &count, f) < 0) {
			rc = -1;
			goto out;
		}
	}
out:
	if (d != NULL)
		closedir(d);
	return rc;
}

/* One line of a list, trimmed; NULL for a blank line or a comment. */
/* LINE trimmed of blanks and cut at the first of STOP. */
static char *list_item_until(char *line, const char *stop)
{
	char *end;

	line += strspn(line, " \t");
	end = line + strcspn(line, stop);
	*end = '\0';
	while (end > line && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	return line[0] ? line : NULL;
}

char *file_list_item(char *line)
{
	return list_item_until(line, "\r#");
}

/* A NUL would end the line where C strings end, silently: "leaf.test\0evil.test"
 * would be read as "leaf.test". A list that holds one is refused whole. */
static int refuse_nul(const gnutls_datum_t *data, const char *what, const char *path,
                      struct fault *f)
{
	const unsigned char *nul = memchr(data->data, '\0', data->size);
	unsigned number = 1;

	if (nul == NULL)
		return 0;
	for (const unsigned char *c = data->data; c < nul; c++)
		number += *c == '\n';
	fault_set(f, FAULT_INTERNAL, "%s '%s' line %u holds a NUL byte", what, path, number);
	return -1;
}

/* Hand DATA's lines to VISIT, as file_read_lines() says; releases DATA. */
static int visit_lines(gnutls_datum_t *data, const char *what, const char *path, bool comments,
                       file_line_visitor visit, void *arg, struct fault *f)
{
	char *line, *next, *item;
	unsigned number = 0;
	int rc = -1;

	if (refuse_nul(data, what, path, f) < 0)
		goto out;
	for (line = (char *)data->data; line != NULL; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		number++;
		item = list_item_until(line, comments ? "\r#" : "\r");
		if (item != NULL && visit(item, number, arg, f) < 0)
			goto out;
	}
	rc = 0;
out:
	file_release(data);
	return rc;
}

int file_read_lines(const char *path, const char *what, size_t limit, file_line_visitor visit,
                    void *arg, struct fault *f)
{
	gnutls_datum_t data = {0};

	if (file_read_bounded(path, what, limit, &data, f) < 0)
		return -1;
	return visit_lines(&data, what, path, true, visit, arg, f);
}

int file_read_raw_lines(const char *path, const char *what, size_t limit, file_line_visitor visit,
                        void *arg, struct fault *f)
{
	gnutls_datum_t data = {0};
	int rc = strcmp(path, "-") == 0 ? read_all(STDIN_FILENO, 0, what, path, limit, &data, f)
	                                : file_read_bounded(path, what, limit, &data, f);

	if (rc < 0)
		return -1;
	return visit_lines(&data, what, path, false, visit, arg, f);
}

const char *file_parse_error(int ret)
{
	switch (ret) {
	case GNUTLS_E_BASE64_UNEXPECTED_HEADER_ERROR:
	case GNUTLS_E_BASE64_DECODING_ERROR:
		return "a PEM block is truncated or garbled";
	case GNUTLS_E_ASN1_DER_ERROR:
	case GNUTLS_E_ASN1_DER_OVERFLOW:
	case GNUTLS_E_ASN1_ELEMENT_NOT_FOUND:
	case GNUTLS_E_ASN1_IDENTIFIER_NOT_FOUND:
	case GNUTLS_E_ASN1_VALUE_NOT_FOUND:
	case GNUTLS_E_ASN1_VALUE_NOT_VALID:
	case GNUTLS_E_ASN1_GENERIC_ERROR:
	case GNUTLS_E_ASN1_TAG_ERROR:
	case GNUTLS_E_ASN1_TAG_IMPLICIT:
	case GNUTLS_E_ASN1_TYPE_ANY_ERROR:
	case GNUTLS_E_ASN1_SYNTAX_ERROR:
		return "its DER is malformed";
	default:
		return gnutls_strerror(ret);
	}
}
