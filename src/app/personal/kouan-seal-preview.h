/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* 报关员章预览: a sample declaration form with the declarant's seal, to
 * look at, print or export as PDF. */

#define KOUAN_TYPE_SEAL_PREVIEW (kouan_seal_preview_get_type ())
G_DECLARE_FINAL_TYPE (KouanSealPreview, kouan_seal_preview, KOUAN, SEAL_PREVIEW, AdwWindow)

/* @seal: (nullable) the seal to stamp; the form says there is none */
GtkWidget *kouan_seal_preview_new (GtkWindow *parent,
                                   GdkPixbuf *seal);

G_END_DECLS
