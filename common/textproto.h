/* textproto — what the text protocols (SMTP, LMTP, FTP, NNTP, IMAP, POP3,
 * ManageSieve) share before TLS: numbered replies that span lines and segments,
 * commands sent only into silence, and the server's words quoted safely.
 *
 * Built on net's buffered reads, so every wait obeys the connection's deadline
 * and every line its size limit. A protocol file keeps only its own dialogue.
 */
#ifndef TLSCHECK_COMMON_TEXTPROTO_H
#define TLSCHECK_COMMON_TEXTPROTO_H

#include <stdbool.h>
#include <stddef.h>

#include "fault.h"
#include "net.h"

#define TEXTPROTO_LINE_MAX   1000 /* SMTP allows 512 (RFC 5321 4.5.3.1.5); real servers send more */
#define TEXTPROTO_REPLY_MAX  100  /* lines in one reply; more is a hostile peer */
#define TEXTPROTO_QUOTE_MAX  80   /* server text shown in a message */
#define TEXTPROTO_QUOTE_SIZE (TEXTPROTO_QUOTE_MAX + 4)

/* What is awaited, worded twice: for net's messages ("timeout waiting for the
 * reply to EHLO") and for ours ("unexpected reply to EHLO: '...'"). */
struct textproto_step {
	const char *awaited; /* "the reply to EHLO" */
	const char *name;    /* "reply to EHLO" */
};

/* How the lines of a multi-line numbered reply look. */
enum textproto_style {
	/* Every line carries the code: "250-a", "250-b", "250 c" (SMTP, LMTP). */
	TEXTPROTO_EVERY_LINE,
	/* Only the first and last do; lines between may be anything (FTP, RFC 959 4.2). */
	TEXTPROTO_FIRST_AND_LAST,
	/* One line only; a '-' after the code means nothing (NNTP, RFC 3977 3.2). */
	TEXTPROTO_ONE_LINE,
};

struct textproto_reply {
	int code;                        /* 220 */
	size_t lines;                    /* how many lines it had */
	char text[TEXTPROTO_QUOTE_SIZE]; /* its first line, quoted */
};

/* Called with each line of a reply, in order (to scan announced capabilities). */
typedef void textproto_line_fn(const char *line, void *data);

/* Copy SRC into DST for a message: printable ASCII only (anything else becomes
 * '?'), at most TEXTPROTO_QUOTE_MAX characters, "..." when cut. */
void textproto_quote(char *dst, size_t size, const char *src);

/* The reply code of LINE ("250-...", "250 ...", "250"), or -1 when LINE does not
 * start like a reply line. */
int textproto_reply_code(const char *line);

/* Fail on LINE, which is not what STEP awaited: returns -1 with FAULT_PEER
 * "unexpected NAME: 'quoted line'". */
int textproto_unexpected(const struct textproto_step *step, const char *line, struct fault *f);

/* Read one whole numbered reply, all its lines and nothing after it, calling EACH
 * (may be NULL) with every line. Returns 0 with R filled, or -1: FAULT_PEER
 * "unexpected NAME: 'quoted line'" for a line that breaks STYLE, "AWAITED: more
 * than 100 lines", or net's faults (closed, too long, timeout). */
int textproto_read_reply(struct net_conn *c, const struct textproto_step *step,
                         enum textproto_style style, textproto_line_fn *each, void *data,
                         struct textproto_reply *r, struct fault *f);

/* Read one line of at most TEXTPROTO_LINE_MAX bytes (without CR LF) into LINE,
 * which holds TEXTPROTO_LINE_MAX + 1. Errors as net_read_line(). */
int textproto_read_line(struct net_conn *c, const struct textproto_step *step, char *line,
                        struct fault *f);

/* Read the body of a dot-terminated multi-line response (RFC 1939 3: POP3's
 * CAPA, NNTP's CAPABILITIES), whose status line was read already: its lines up to
 * one holding only ".", which is consumed, and nothing after it. EACH (may be
 * NULL) gets every line before it, a dot-stuffed line without its first dot.
 * Returns 0, or -1: FAULT_PEER "AWAITED: more than 100 lines", or net's faults
 * (closed before the ".", too long, timeout). */
int textproto_read_dotted(struct net_conn *c, const struct textproto_step *step,
                          textproto_line_fn *each, void *data, struct fault *f);

/* The word that ends a status response (IMAP, ManageSieve). */
enum textproto_status_word {
	TEXTPROTO_OK,
	TEXTPROTO_NO,
	TEXTPROTO_BAD,
	TEXTPROTO_BYE,
	TEXTPROTO_PREAUTH, /* IMAP's greeting of a session authenticated already */
};

struct textproto_status {
	enum textproto_status_word word;
	char text[TEXTPROTO_QUOTE_SIZE]; /* the status line, quoted */
};

/* Is LINE a status line: TAG and a space (no TAG when TAG is NULL), then OK, NO,
 * BAD, BYE or PREAUTH in any case, then a space or the end? ("a001 OK done" for
 * TAG "a001", "* BYE" for TAG "*", OK "ready" for NULL.) Fills ST when it is. */
bool textproto_status_parse(const char *line, const char *tag, struct textproto_status *st);

/* Read a response that ends with a status line (IMAP RFC 3501 2.2.2, ManageSieve
 * RFC 5804 1.3), and nothing after it. EACH (may be NULL) gets every line before
 * it. With a TAG those lines must be untagged ("* ..."), and an untagged BYE ends
 * the response too (the server is closing, RFC 3501 7.1.5); without one they must
 * be quoted strings (ManageSieve's capabilities). Returns 0 with ST filled, or -1:
 * FAULT_PEER "unexpected NAME: 'quoted line'" for any other line, "AWAITED: more
 * than 100 lines", or net's faults. */
int textproto_read_status(struct net_conn *c, const struct textproto_step *step, const char *tag,
                          textproto_line_fn *each, void *data, struct textproto_status *st,
                          struct fault *f);

/* Send the command CMD (with its CR LF), but only into silence: a reply already
 * waiting was sent before the server saw the command, so it cannot answer it
 * (a pipelined or injected go-ahead would otherwise pass for one). WHAT names the
 * command ("STARTTLS"). Returns 0, or -1 with FAULT_PEER "server sent N bytes
 * before WHAT was sent; refusing", or net's write faults. */
int textproto_send(struct net_conn *c, const char *cmd, const char *what, struct fault *f);

/* How the reply to a go-ahead command reads. */
enum textproto_answer {
	TEXTPROTO_ANSWER_CODE,   /* a numbered reply: CODE goes ahead (SMTP, FTP, NNTP) */
	TEXTPROTO_ANSWER_STATUS, /* a status line: OK goes ahead (IMAP, ManageSieve) */
	TEXTPROTO_ANSWER_PLUS,   /* one line: "+OK" goes ahead, "-ERR" refuses (POP3) */
};

/* A command that asks for TLS, and the reply that lets it start. */
struct textproto_go_ahead {
	const char *command;               /* "STARTTLS", sent with CR LF */
	const struct textproto_step *step; /* the reply awaited */
	enum textproto_answer answer;
	enum textproto_style style; /* TEXTPROTO_ANSWER_CODE: how its lines look */
	int code;                   /* TEXTPROTO_ANSWER_CODE: the go-ahead (220) */
	/* TEXTPROTO_ANSWER_STATUS: the command's tag ("a002"), sent before it and
	 * awaited on its status line; NULL for an untagged status (ManageSieve). */
	const char *tag;
};

/* Send G's command into silence, read its whole reply and nothing after it, and
 * stop at the go-ahead. Returns 0, or -1: FAULT_NO_TLS "COMMAND refused: 'quoted
 * reply'" for any other answer; with a tag, FAULT_PEER "server closed the session
 * after COMMAND: 'quoted'" for an untagged BYE; the faults of textproto_send()
 * and of the reply's reader. */
int textproto_go_ahead(struct net_conn *c, const struct textproto_go_ahead *g, struct fault *f);

/* Read a greeting under STEP: 0 when it welcomes, or -1 with F. */
typedef int textproto_greeting_fn(struct net_conn *c, const struct textproto_step *step,
                                  struct fault *f);

/* The after() step of a protocol whose server greets first. When TLS started at
 * connect (TLS_ON_CONNECT), the greeting comes over TLS: GREETING reads it under
 * STEP ("the FTP greeting over TLS"), and its welcome confirms the service behind
 * the TLS endpoint. After an upgrade the greeting was read before TLS and the
 * server waits for a command: nothing is read. Returns 0, or GREETING's -1. */
int textproto_greeting_again(struct net_conn *c, bool tls_on_connect,
                             textproto_greeting_fn *greeting, const struct textproto_step *step,
                             struct fault *f);

/* Does S open with WORD (ASCII case-insensitive), followed by a space or the end?
 * ("STARTTLS" opens "STARTTLS" and "STLS" opens "STLS x"; "STARTTLSX" is another
 * word.) */
bool textproto_word_first(const char *s, const char *word);

/* Is WORD one of the space-separated words of S (ASCII case-insensitive)? (a
 * capability in "* CAPABILITY IMAP4rev1 STARTTLS") */
bool textproto_has_word(const char *s, const char *word);

/* Does S hold TEXT anywhere, ASCII case-insensitive? (a product name in a
 * greeting: "ESMTP", "FTP") */
bool textproto_mentions(const char *s, const char *text);

/* Is WORD safe to put on a command line: 1 to MAX bytes of printable ASCII, no
 * space? (an EHLO name, a domain, a tag) */
bool textproto_is_word(const char *word, size_t max);

#endif
