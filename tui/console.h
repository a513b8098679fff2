/* The interactive console: header, guest table, function bar, help. */
#ifndef GUESTTOP_CONSOLE_H
#define GUESTTOP_CONSOLE_H

#include <stddef.h>

#include "backends/backend.h"
#include "config/options.h"

/* Runs until the user quits; restores the terminal on every way out. Returns the exit status. */
int console_run(const struct options *o, struct backend *bes, size_t n);

#endif
