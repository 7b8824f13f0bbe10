/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Shared between kouan-client.c and kouan-client-records.c. */

#include "kouan-client.h"

G_BEGIN_DECLS

/* Overwrite a secret (token, password, a request body holding one) before
 * its memory goes back to the allocator. */
void _kouan_client_wipe_secret (char *secret);
void _kouan_client_free_secret (char *secret);

G_END_DECLS
