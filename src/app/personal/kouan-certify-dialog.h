/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "kouan-personal-page.h"

G_BEGIN_DECLS

/* 立即认证: the legal representative, the business licence number (a
 * credit code, checked as typed), a contact phone and the licence image;
 * Submit queues the form through the outbox. "submitted" is emitted then
 * (the dialog closes). */

#define KOUAN_TYPE_CERTIFY_DIALOG (kouan_certify_dialog_get_type ())
G_DECLARE_FINAL_TYPE (KouanCertifyDialog, kouan_certify_dialog, KOUAN, CERTIFY_DIALOG, AdwWindow)

GtkWidget   *kouan_certify_dialog_new               (GtkWindow          *parent,
                                                     KouanPersonalPage  *page,
                                                     gint64              enterprise_id);
void         kouan_certify_dialog_use_licence_file  (KouanCertifyDialog *self,
                                                     GFile              *file);

/* For the UI tests: the representative (0), licence number (1) and
 * contact (2) fields */
GtkEditable *_kouan_certify_dialog_get_entry        (KouanCertifyDialog *self,
                                                     guint               index);

G_END_DECLS
