/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A private pcscd with the vsmartcard-vpcd reader driver, and the virtual
 * card kouan-vcard plugged into it.  pcscd gets its listening socket through
 * systemd-style socket activation (LISTEN_FDS), on a path of its own that
 * the client library finds through PCSCLITE_CSOCK_NAME, so a system pcscd is
 * left alone.  The client library reads that variable once per process:
 * create at most one fixture per test program. */

typedef struct _KouanCardFixture KouanCardFixture;

/* (transfer full) (nullable) why card tests cannot run here (no pcscd or
 * no vpcd driver), or NULL when they can. */
char             *kouan_card_fixture_check_requirements (void);

/* Starts pcscd; no card yet. */
KouanCardFixture *kouan_card_fixture_new        (GError           **error);
void              kouan_card_fixture_free       (KouanCardFixture  *self);

/* The reader the virtual card is plugged into. */
const char       *kouan_card_fixture_get_reader (KouanCardFixture  *self);

/* Stops pcscd (the service disappears) and starts it again. */
void              kouan_card_fixture_stop_pcscd  (KouanCardFixture  *self);
gboolean          kouan_card_fixture_start_pcscd (KouanCardFixture  *self,
                                                  GError           **error);

/* Whether the next start of pcscd has the vpcd reader. */
gboolean          kouan_card_fixture_set_reader  (KouanCardFixture  *self,
                                                  gboolean           connected,
                                                  GError           **error);

/* (Re)starts kouan-vcard with the holder fixture and @args (NULL-terminated,
 * e.g. "--tries", "2", "--removed"), and waits until it is up. */
gboolean          kouan_card_fixture_start_card (KouanCardFixture  *self,
                                                 const char * const *args,
                                                 GError           **error);
void              kouan_card_fixture_stop_card  (KouanCardFixture  *self);
/* Sends a control command to the card ("remove", "insert", "count", ...)
 * and returns its one-line reply. */
char             *kouan_card_fixture_command    (KouanCardFixture  *self,
                                                 const char        *command);
/* Waits until pcscd sees the card in (or out of) the reader. */
gboolean          kouan_card_fixture_wait_card  (KouanCardFixture  *self,
                                                 gboolean           present);
/* A counter from "count": "verify", "status", "sign" or "tries". */
int               kouan_card_fixture_counter    (KouanCardFixture  *self,
                                                 const char        *name);

/* (transfer full) absolute path of a file in tests/card/ */
char             *kouan_card_fixture_file       (const char        *name);

G_END_DECLS
