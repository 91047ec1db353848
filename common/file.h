/* file — the one way a plugin reads a file the operator names: regular files
 * only, a size bound, and never a wait.
 *
 * A path on the command line may name anything: a FIFO (open() and read() would
 * wait for a writer, with no deadline), /dev/zero (endless), a directory, a file
 * that grows while it is read. Every file is opened non-blocking, judged by
 * fstat() on the opened descriptor (not the path, so nothing can be swapped in
 * between), refused unless it is a regular file, and read to at most its bound.
 * Every refusal is one line in the operator's words, naming the path and WHAT it
 * was meant to be ("CA file 'x.pem' is a FIFO, not a regular file").
 */
#ifndef TLSCHECK_COMMON_FILE_H
#define TLSCHECK_COMMON_FILE_H

#include <stddef.h>

#include <gnutls/gnutls.h>

#include "deadline.h"
#include "fault.h"

/* A PEM bundle of trust anchors. Debian's whole system bundle is about 220 KiB;
 * 4 MiB leaves room for the largest real bundles and still bounds the memory. */
#define FILE_CA_MAX ((size_t)4 << 20)

/* A CA directory (c_rehash style: one file and its hash links per anchor). The
 * system's /etc/ssl/certs holds a few hundred entries and under 2 MiB; these
 * bound the time a directory of anything else can cost. Entries are cheap to
 * look at; each regular file is read and parsed, so files have a bound of
 * their own, over three times what a system store holds. */
#define FILE_CA_DIR_MAX_ENTRIES 4096
#define FILE_CA_DIR_MAX_FILES   1024
#define FILE_CA_DIR_MAX_BYTES   ((size_t)64 << 20)

/* Read the regular file PATH whole into OUT, if it holds at most LIMIT bytes
 * (LIMIT below 4 GiB: a datum's size is an unsigned int). WHAT names the file
 * for the operator ("CA file"). On success OUT->data is allocated (release it
 * with file_release()), holds OUT->size bytes and one more, a NUL, so text can be
 * read as a string; an empty file gives size 0. Anything but a regular file is
 * refused without being opened (opening some devices has effects); opening never
 * waits (O_NONBLOCK), what was opened is judged again by fstat(), and at most
 * LIMIT + 1 bytes are ever read, even from a file that grows.
 * Returns 0, or -1 with OUT zeroed and FAULT_INTERNAL:
 *   "cannot read CA file 'x': No such file or directory" (any open/read error),
 *   "CA file 'x' is a directory, not a regular file" (also: a FIFO, a character
 *   device, a block device, a socket),
 *   "CA file 'x' is larger than 4 MiB", "out of memory". */
int file_read_bounded(const char *path, const char *what, size_t limit, gnutls_datum_t *out,
                      struct fault *f);

/* Called with each line of a list, trimmed of blanks and of a '#' comment, and
 * its number (from 1); blank lines and comments are not passed. Return 0 to go
 * on, or -1 with F filled to stop. */
typedef int (*file_line_visitor)(char *line, unsigned number, void *arg, struct fault *f);

/* Read the list PATH through file_read_bounded() (WHAT and LIMIT as there) and
 * hand every line that holds something to VISIT, in order. A list with a NUL byte
 * anywhere is refused before any line is handed on. Returns 0, or -1 with the
 * reader's refusals, FAULT_INTERNAL "SNI file 'x' line 2 holds a NUL byte", or the
 * failure VISIT set. */
int file_read_lines(const char *path, const char *what, size_t limit, file_line_visitor visit,
                    void *arg, struct fault *f);

/* file_read_lines() with each line trimmed of blanks alone, its '#' kept (for
 * lines that may hold one, such as a scanner's report of what a server said:
 * file_list_item() is the rest of the trimming); PATH "-" is standard input,
 * read to its end but never past LIMIT (a pipe, a terminal, a file). */
int file_read_raw_lines(const char *path, const char *what, size_t limit, file_line_visitor visit,
                        void *arg, struct fault *f);

/* LINE as file_read_lines() hands it on: trimmed of blanks, cut at '#' or
 * '\r'; NULL when nothing is left. */
char *file_list_item(char *line);

/* Free what file_read_bounded() or a directory walk gave and zero DATA. Safe on a
 * zeroed datum. */
void file_release(gnutls_datum_t *data);

/* Called once per regular file of a directory, with its path ("dir/name") and
 * its contents (NUL-terminated, as file_read_bounded() gives them; owned by the
 * walk, valid during the call). Return 0 to go on, or -1 with F filled to stop
 * the walk with that failure. */
typedef int (*file_visitor)(const char *path, const gnutls_datum_t *data, void *arg,
                            struct fault *f);

struct file_dir_walk {
	const char *what;       /* the directory, for the operator: "CA directory" */
	const char *entry_what; /* each file in it: "CA file" */
	size_t entry_limit;     /* the bound of each file, as for file_read_bounded() */
	size_t max_entries;     /* entries looked at, "." and ".." not counted */
	size_t max_files;       /* regular files, counted before any is read: more is refused */
	size_t max_bytes;       /* all the files read, together */
	/* The run's deadline, checked before each file (NULL: none): a directory
	 * still being read when it passes is a failure, not a store cut short. */
	const struct deadline *deadline;
	file_visitor visit;
	void *arg;
};

/* Read every regular file of the directory DIR (symbolic links followed) and
 * hand it to WALK->visit, in directory order. Entries that are not regular files
 * (subdirectories, FIFOs, devices, sockets, dangling links) are skipped without
 * being opened; a regular file that cannot be read or is over
 * WALK->entry_limit is skipped too, as one without a certificate would be.
 * Returns 0, or -1 with FAULT_INTERNAL:
 *   "cannot read CA directory 'd': Permission denied" (open/readdir errors),
 *   "CA directory 'd' is a regular file, not a directory" (or any other kind),
 *   "CA directory 'd' holds more than 4096 entries",
 *   "CA directory 'd' holds more than 1024 files",
 *   "CA directory 'd' holds more than 64 MiB of files",
 *   "CA directory 'd' was still being read when the deadline passed (812 files
 *   read)",
 *   or the failure WALK->visit set. */
int file_read_directory(const char *dir, const struct file_dir_walk *walk, struct fault *f);

/* Why GnuTLS refused the contents of a file, in the operator's words, for
 * "WHAT 'x' cannot be parsed: ...": GnuTLS's error RET as "a PEM block is
 * truncated or garbled" or "its DER is malformed", else GnuTLS's own text. */
const char *file_parse_error(int ret);

#endif
