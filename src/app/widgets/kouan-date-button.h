/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* A day picker: a button showing the chosen day (kouan_format_iso_day) or
 * its placeholder, opening a calendar in a popover, with 清除 when
 * clearable. The "date" property ("YYYY-MM-DD" or NULL) notifies on every
 * change, so a page can filter as soon as a day is picked. */
#define KOUAN_TYPE_DATE_BUTTON (kouan_date_button_get_type ())
G_DECLARE_FINAL_TYPE (KouanDateButton, kouan_date_button, KOUAN, DATE_BUTTON, GtkWidget)

GtkWidget  *kouan_date_button_new      (const char      *placeholder,
                                        gboolean         clearable);
/* (nullable) "YYYY-MM-DD" */
const char *kouan_date_button_get_date (KouanDateButton *self);
/* @date: (nullable) "YYYY-MM-DD"; anything else clears */
void        kouan_date_button_set_date (KouanDateButton *self,
                                        const char      *date);

G_END_DECLS
