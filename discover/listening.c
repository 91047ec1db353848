#include <config.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "listening.h"

/* TCP_LISTEN in the kernel's tables. */
#define STATE_LISTEN 0x0a
/* Sockets looked at, at most: far more than a host listens on. */
#define SOCKETS_MAX 1024

struct socket_entry {
	char address[INET6_ADDRSTRLEN];
	unsigned port;
	unsigned long inode;
	char process[DISCOVER_PROCESS_SIZE];
};

struct sockets {
	struct socket_entry items[SOCKETS_MAX];
	size_t count;
	bool read_any;
};

/* The kernel prints each 32-bit word of the address as it holds it in memory. */
static bool parse_address(const char *hex, int family, char *out)
{
	unsigned char bytes[16];
	size_t words = family == AF_INET ? 1 : 4;
	char word[9];

	if (strlen(hex) != words * 8)
		return false;
	for (size_t i = 0; i < words; i++) {
		uint32_t value;

		memcpy(word, hex + 8 * i, 8);
		word[8] = '\0';
		value = (uint32_t)strtoul(word, NULL, 16);
		memcpy(bytes + 4 * i, &value, 4);
	}
	return inet_ntop(family, bytes, out, INET6_ADDRSTRLEN) != NULL;
}

/* Where a listener bound to every address is reached. */
static void reachable_at(char *address)
{
	if (strcmp(address, "0.0.0.0") == 0)
		strcpy(address, "127.0.0.1");
	else if (strcmp(address, "::") == 0)
		strcpy(address, "::1");
}

static void take_line(struct sockets *s, const char *line, int family)
{
	struct socket_entry *e = &s->items[s->count];
	char hex[40];
	unsigned state;

	if (s->count == SOCKETS_MAX ||
	    sscanf(line, " %*u: %39[0-9A-Fa-f]:%x %*s %x %*s %*s %*s %*u %*u %lu", hex, &e->port,
	           &state, &e->inode) != 4 ||
	    state != STATE_LISTEN || !parse_address(hex, family, e->address))
		return;
	reachable_at(e->address);
	e->process[0] = '\0';
	s->count++;
}

static void read_table(struct sockets *s, const char *path, int family)
{
	char line[512];
	FILE *table = fopen(path, "re");

	if (table == NULL)
		return;
	s->read_any = true;
	while (fgets(line, sizeof(line), table) != NULL)
		take_line(s, line, family);
	fclose(table);
}

static struct socket_entry *find_inode(struct sockets *s, unsigned long inode)
{
	for (size_t i = 0; i < s->count; i++) {
		if (s->items[i].inode == inode)
			return &s->items[i];
	}
	return NULL;
}

/* The command name of process PID ("postgres"), or "" when unreadable. */
static void process_name(const char *pid, char *out, size_t size)
{
	char path[64];
	FILE *comm;

	out[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%.20s/comm", pid);
	comm = fopen(path, "re");
	if (comm == NULL)
		return;
	if (fgets(out, (int)size, comm) == NULL)
		out[0] = '\0';
	out[strcspn(out, "\n")] = '\0';
	fclose(comm);
}

/* Name the owner of each of S's sockets that process PID holds. */
static void scan_process(struct sockets *s, const char *pid)
{
	char path[64], link[64], name[DISCOVER_PROCESS_SIZE] = "";
	struct dirent *d;
	unsigned long inode;
	DIR *fds;

	snprintf(path, sizeof(path), "/proc/%.20s/fd", pid);
	fds = opendir(path);
	if (fds == NULL)
		return;
	while ((d = readdir(fds)) != NULL) {
		struct socket_entry *e;
		ssize_t n;

		snprintf(path, sizeof(path), "/proc/%.20s/fd/%.16s", pid, d->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		if (sscanf(link, "socket:[%lu]", &inode) != 1 ||
		    (e = find_inode(s, inode)) == NULL || e->process[0] != '\0')
			continue;
		if (name[0] == '\0')
			process_name(pid, name, sizeof(name));
		snprintf(e->process, sizeof(e->process), "%s", name);
	}
	closedir(fds);
}

static void name_owners(struct sockets *s)
{
	DIR *proc = opendir("/proc");
	struct dirent *d;

	if (proc == NULL)
		return;
	while ((d = readdir(proc)) != NULL) {
		if (isdigit((unsigned char)d->d_name[0]))
			scan_process(s, d->d_name);
	}
	closedir(proc);
}

int listening_add_tables(struct discover_run *r, const char *tcp, const char *tcp6, bool owners,
                         struct fault *f)
{
	struct sockets *s = calloc(1, sizeof(*s));
	int rc = -1;

	if (s == NULL) {
		fault_set(f, FAULT_INTERNAL, "out of memory");
		return -1;
	}
	read_table(s, tcp, AF_INET);
	read_table(s, tcp6, AF_INET6);
	if (!s->read_any) {
		fault_set(f, FAULT_INTERNAL, "cannot read %s or %s", tcp, tcp6);
		goto out;
	}
	if (owners)
		name_owners(s);
	for (size_t i = 0; i < s->count; i++) {
		if (discover_add_listener(r, s->items[i].address, s->items[i].port,
		                          s->items[i].process, f) < 0)
			goto out;
	}
	rc = 0;
out:
	free(s);
	return rc;
}

int listening_add_local(struct discover_run *r, struct fault *f)
{
	return listening_add_tables(r, "/proc/net/tcp", "/proc/net/tcp6", true, f);
}
