/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "kouan-audit-page.h"

G_BEGIN_DECLS

/* For the UI tests: the entries shown (KouanAuditEntry, filtered), the
 * sentence and detail lines of one, and the filters by their labels
 * (NULL: all) and days ("YYYY-MM-DD", NULL: open). */
GListModel *_kouan_audit_page_get_entries  (KouanAuditPage *self);
char       *_kouan_audit_page_describe     (KouanAuditPage *self,
                                            guint           position);
void        _kouan_audit_page_set_filters  (KouanAuditPage *self,
                                            const char     *actor,
                                            const char     *kind,
                                            const char     *from,
                                            const char     *to);
gboolean    _kouan_audit_page_is_empty     (KouanAuditPage *self);

G_END_DECLS
