#include <config.h>

#include <stdarg.h>
#include <stdio.h>

#include "fault.h"

void fault_set(struct fault *f, enum fault_kind kind, const char *fmt, ...)
{
	va_list ap;

	f->kind = kind;
	va_start(ap, fmt);
	vsnprintf(f->text, sizeof(f->text), fmt, ap);
	va_end(ap);
}

void fault_clear(struct fault *f)
{
	f->kind = FAULT_NONE;
	f->text[0] = '\0';
}
