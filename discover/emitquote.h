/* emitquote — text written where something reads it as code: the configuration
 * of a monitoring engine (Icinga 2 DSL, Nagios object files, YAML for Zabbix)
 * and a terminal.
 *
 * Generated configuration is code the engine runs: Nagios splits a command's
 * arguments at '!', ends a line at ';' and hands the command line to a shell
 * when it holds a metacharacter; Icinga 2 resolves "$name$" in a custom
 * variable's value, secrets included. A terminal runs the escape sequences it
 * is sent. What comes from a certificate, a banner or a process name is
 * untrusted text: it is written through these, or not at all.
 */
#ifndef TLSCHECK_DISCOVER_EMITQUOTE_H
#define TLSCHECK_DISCOVER_EMITQUOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define EMITQUOTE_NAME_MAX 255

/* Is S a word a Nagios command line can carry as it is: not empty, and only
 * letters, digits and "._-:/@=+%," (no '!', ';', '$', quote, blank or shell
 * metacharacter)? */
bool emitquote_nagios_safe(const char *s);

/* Is S a name an engine's object may have that every engine reads as plain
 * data (an Icinga 2 Host or Endpoint, a Nagios host_name): 1 to
 * EMITQUOTE_NAME_MAX bytes of letters, digits and "._-:", a letter or digit
 * first? */
bool emitquote_object_name(const char *s);

/* Does S hold a control byte (below 0x20, or DEL)? */
bool emitquote_has_control(const char *s);

/* Write S to OUT as an Icinga 2 DSL string literal: in double quotes, with '\'
 * and '"' escaped. With MACROS (a custom variable's value, which the engine
 * resolves as macros when a command uses it), '$' is doubled: "$$" is a literal
 * '$'. S must hold no control byte (emitquote_has_control()). */
void emitquote_icinga2(FILE *out, const char *s, bool macros);

/* Write S to OUT as a YAML double-quoted scalar: '"' and '\' escaped, control
 * bytes as "\xNN"; other bytes (UTF-8) as they are. */
void emitquote_yaml(FILE *out, const char *s);

/* S made safe for a terminal, into OUT (SIZE bytes, at least 1): printable
 * ASCII and well-formed UTF-8 as they are, '\' as "\\", and every other byte
 * (control bytes, ESC, the C1 controls U+0080..U+009F, bytes of broken UTF-8)
 * as "\xNN". Cut short, never in the middle of an escape, when it does not fit. */
void emitquote_terminal(char *out, size_t size, const char *s);

#endif
