/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Unified social credit code (统一社会信用代码, GB 32100-2015): 18
 * characters from 0-9 and A-Z without I, O, Z, S, V; the last is a check
 * character computed from the first 17. */

gboolean kouan_credit_code_is_valid    (const char *code);
/* The check character for the first 17 characters of @code_17, or 0 if
 * they are not from the alphabet. */
char     kouan_credit_code_check_char  (const char *code_17);

G_END_DECLS
