/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include "kouan-types.h"

G_BEGIN_DECLS

/* The personal center's records (docs/api.md, "Personal center"): the
 * user's profile (collection "profile", record id = the user's id, in
 * every enterprise feed of the user), their declaration preferences per
 * enterprise ("preferences", record id = the user's id) and the
 * enterprise's certification ("certification", record id = the
 * enterprise's id). The validators are shared by the app (checks before
 * anything is queued) and kouan-server (checks again). */

#define KOUAN_PROFILE_NAME_MAX 64   /* characters */

typedef struct {
  gint64  id;                 /* the user */
  char   *account;
  char   *name;
  char   *gender;             /* "unspecified", "male", "female" */
  gint64  avatar_image;       /* 0: none */
  gint64  avatar_enterprise;  /* whose images route serves it */
  gint64  seal_image;         /* 0: none */
  gint64  seal_enterprise;
  char   *phone;
  char   *email;
} KouanProfile;

void          kouan_profile_free           (KouanProfile *profile);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KouanProfile, kouan_profile_free)

/* The declaration-form-making switches, in display order. */
typedef enum {
  KOUAN_PREFERENCE_REMEMBER_LAST,
  KOUAN_PREFERENCE_CHECK_HS_CODES,
  KOUAN_PREFERENCE_WARN_DUPLICATES,
  KOUAN_PREFERENCE_AUTOFILL_CONSIGNEE,
  KOUAN_PREFERENCE_CONFIRM_SUBMIT,
  KOUAN_N_PREFERENCES,
} KouanPreference;

/* The record member ("remember_last", …) */
const char   *kouan_preference_to_string   (KouanPreference preference);
gboolean      kouan_preference_default     (KouanPreference preference);

typedef struct {
  gint64  enterprise_id;
  char   *status;               /* "none", "pending", "certified", "rejected" */
  char   *reason;               /* (nullable) why it was rejected */
  char   *legal_representative;
  char   *licence_number;
  gint64  licence_image;        /* 0: none */
  char   *contact;
} KouanCertification;

void          kouan_certification_free     (KouanCertification *certification);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KouanCertification, kouan_certification_free)

/* Validators */

/* 5–20 digits, optionally a leading "+", "-" or spaces between groups. */
gboolean      kouan_personal_phone_is_valid (const char *phone);
/* local@domain.tld, no spaces, at most 254 bytes. */
gboolean      kouan_personal_email_is_valid (const char *email);
/* 1–@max characters once trimmed, no control characters. */
gboolean      kouan_personal_text_is_valid  (const char *text,
                                             guint       max);

typedef enum {
  KOUAN_PASSWORD_OK,
  KOUAN_PASSWORD_TOO_SHORT,       /* fewer than 8 characters */
  KOUAN_PASSWORD_TOO_LONG,        /* more than 1024 bytes */
  KOUAN_PASSWORD_NEEDS_MIX,       /* not both letters and digits */
  KOUAN_PASSWORD_IS_ACCOUNT,      /* the account name itself */
} KouanPasswordStrength;

KouanPasswordStrength kouan_personal_password_check (const char *password,
                                                     const char *account);

/* Store: queries and cached images (kouan-store-personal.c) */

/* (transfer full) (nullable): NULL when the profile was not synced yet */
KouanProfile       *kouan_store_get_profile       (KouanStore  *self,
                                                   gint64       user_id,
                                                   GError     **error);
/* Fills @out (KOUAN_N_PREFERENCES booleans); the defaults when nothing
 * was synced yet. */
gboolean            kouan_store_get_preferences   (KouanStore  *self,
                                                   gint64       enterprise_id,
                                                   gint64       user_id,
                                                   gboolean    *out,
                                                   GError     **error);
/* (transfer full) (nullable) */
KouanCertification *kouan_store_get_certification (KouanStore  *self,
                                                   gint64       enterprise_id,
                                                   GError     **error);
/* Images fetched once are kept so they show offline; an image never
 * changes under its id. */
gboolean            kouan_store_put_image         (KouanStore  *self,
                                                   gint64       enterprise_id,
                                                   gint64       image_id,
                                                   GBytes      *data,
                                                   GError     **error);
/* (transfer full) (nullable) */
GBytes             *kouan_store_get_image         (KouanStore  *self,
                                                   gint64       enterprise_id,
                                                   gint64       image_id);
/* How many edits of @collection's record @record_id wait in the outbox. */
guint               kouan_store_count_queued      (KouanStore  *self,
                                                   const char  *collection,
                                                   gint64       record_id);

/* For kouan-collections.c */
extern const KouanCollection kouan_profile_collection;
extern const KouanCollection kouan_preferences_collection;
extern const KouanCollection kouan_certification_collection;

G_END_DECLS
