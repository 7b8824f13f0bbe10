/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>
#include "kouan-types.h"

G_BEGIN_DECLS

#define KOUAN_TYPE_APPLICATION (kouan_application_get_type ())
G_DECLARE_FINAL_TYPE (KouanApplication, kouan_application, KOUAN, APPLICATION, GtkApplication)

KouanApplication *kouan_application_new (void);
/* The app's GSettings (io.github.kouan.Kouan) */
GSettings        *kouan_application_get_settings (KouanApplication *self);

G_END_DECLS
