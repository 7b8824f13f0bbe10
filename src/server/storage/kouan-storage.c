/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kouan-storage.h"

G_DEFINE_QUARK (kouan-storage-error-quark, kouan_storage_error)

gboolean
kouan_storage_is_postgres_uri (const char *db)
{
  return db != NULL &&
         (g_str_has_prefix (db, "postgresql://") || g_str_has_prefix (db, "postgres://"));
}

/* The areas in the order of kouan-storage.h; a backend serves an area
 * when its table is set. */
static char *
unported (gconstpointer areas[9])
{
  static const char *const names[9] = {
    "sessions and authentication", "IC card challenges", "change feed and mutations",
    "messages", "personal center", "admin people", "enterprise settings",
    "insurance", "images", /* the audit log goes with admin people */
  };
  g_autoptr(GString) list = g_string_new (NULL);

  for (guint i = 0; i < 9; i++)
    if (areas[i] == NULL)
      g_string_append_printf (list, "%s%s", list->len > 0 ? ", " : "", names[i]);
  return list->len > 0 ? g_string_free (g_steal_pointer (&list), FALSE) : NULL;
}

char *
kouan_storage_unported (const KouanStorage *storage)
{
  gconstpointer areas[9] = {
    storage->auth, storage->card, storage->feed, storage->messages, storage->personal,
    /* people and audit are one area for the handlers (kouan-server-admin.c) */
    storage->people != NULL && storage->audit != NULL ? storage->people : NULL,
    storage->enterprise, storage->insurance, storage->images,
  };

  /* admin people serve the authorization reads; the admin pages
   * (kouan-server-admin*.c, kouan-server-people.c) still run their SQL on
   * the SQLite connection */
  areas[5] = NULL;

  /* SQLite serves the areas not behind the boundary yet through
   * kouan-server-db.c, on the same connection. */
  if (storage->backend == KOUAN_STORAGE_SQLITE)
    return NULL;
  return unported (areas);
}

char *
kouan_storage_unported_for (KouanStorageBackend backend)
{
  /* What each backend fills in (kouan-storage-sqlite*.c,
   * kouan-storage-postgres*.c): the ported areas. */
  static const int ported = 1;
  gconstpointer areas[9] = { &ported, &ported, &ported, &ported, &ported, NULL, &ported, &ported, &ported };

  if (backend == KOUAN_STORAGE_SQLITE)
    return NULL;   /* SQLite serves the rest through kouan-server-db.c */
  return unported (areas);
}

void
kouan_storage_free (KouanStorage *storage)
{
  if (storage != NULL)
    storage->free (storage);
}

gboolean
kouan_storage_begin (KouanStorage *storage, GError **error)
{
  return storage->begin (storage, error);
}

gboolean
kouan_storage_commit (KouanStorage *storage, GError **error)
{
  return storage->commit (storage, error);
}

void
kouan_storage_rollback (KouanStorage *storage)
{
  storage->rollback (storage);
}

void
kouan_stored_session_clear (KouanStoredSession *session)
{
  g_clear_pointer (&session->token_sha256, g_free);
  g_clear_pointer (&session->method, g_free);
}

void
kouan_stored_card_clear (KouanStoredCard *card)
{
  g_clear_pointer (&card->fingerprint, g_free);
  g_clear_pointer (&card->holder, g_free);
  g_clear_pointer (&card->serial, g_free);
}

void
kouan_stored_role_clear (KouanStoredRole *role)
{
  g_clear_pointer (&role->name, g_free);
  g_clear_pointer (&role->permissions, g_ptr_array_unref);
}

void
kouan_stored_department_clear (KouanStoredDepartment *department)
{
  g_clear_pointer (&department->name, g_free);
  g_clear_pointer (&department->head_name, g_free);
}

void
kouan_stored_pending_join_clear (KouanStoredPendingJoin *request)
{
  g_clear_pointer (&request->account, g_free);
  g_clear_pointer (&request->name, g_free);
}

void
kouan_stored_grant_clear (KouanStoredGrant *grant)
{
  g_clear_pointer (&grant->member, g_free);
  g_clear_pointer (&grant->role, g_free);
  g_clear_pointer (&grant->starts_on, g_free);
  g_clear_pointer (&grant->ends_on, g_free);
}

void
kouan_stored_touch_clear (KouanStoredTouch *touch)
{
  g_clear_pointer (&touch->collection, g_free);
}

void
kouan_stored_change_clear (KouanStoredChange *change)
{
  g_clear_pointer (&change->collection, g_free);
  g_clear_pointer (&change->record_json, g_free);
}

void
kouan_stored_message_clear (KouanStoredMessage *message)
{
  g_clear_pointer (&message->kind, g_free);
  g_clear_pointer (&message->category, g_free);
  g_clear_pointer (&message->title, g_free);
  g_clear_pointer (&message->body, g_free);
  g_clear_pointer (&message->severity, g_free);
  g_clear_pointer (&message->actions, g_free);
  memset (message, 0, sizeof *message);
}

void
kouan_stored_audit_entry_clear (KouanStoredAuditEntry *entry)
{
  g_clear_pointer (&entry->account, g_free);
  g_clear_pointer (&entry->name, g_free);
  g_clear_pointer (&entry->action, g_free);
  g_clear_pointer (&entry->before_json, g_free);
  g_clear_pointer (&entry->after_json, g_free);
  memset (entry, 0, sizeof *entry);
}

void
kouan_stored_policy_clear (KouanStoredPolicy *policy)
{
  g_free (policy->number);
  g_free (policy->buyer);
  g_free (policy->buyer_country);
  g_free (policy->currency);
  g_free (policy->starts_on);
  g_free (policy->ends_on);
  g_free (policy->status);
  g_free (policy->comment);
  memset (policy, 0, sizeof *policy);
}

void
kouan_stored_claim_event_clear (KouanStoredClaimEvent *event)
{
  g_clear_pointer (&event->status, g_free);
  g_clear_pointer (&event->comment, g_free);
}

void
kouan_stored_claim_clear (KouanStoredClaim *claim)
{
  g_free (claim->number);
  g_free (claim->policy_number);
  g_free (claim->buyer);
  g_free (claim->currency);
  g_free (claim->loss_on);
  g_free (claim->submitted_on);
  g_free (claim->status);
  g_clear_pointer (&claim->history, g_array_unref);
  memset (claim, 0, sizeof *claim);
}

void
kouan_stored_insurance_category_clear (KouanStoredInsuranceCategory *category)
{
  g_free (category->name);
  memset (category, 0, sizeof *category);
}

void
kouan_stored_risk_article_clear (KouanStoredRiskArticle *article)
{
  g_free (article->title);
  g_free (article->source);
  g_free (article->country);
  g_free (article->industry);
  g_free (article->body);
  memset (article, 0, sizeof *article);
}

char *
kouan_storage_like_prefix (const char *text)
{
  GString *pattern = g_string_sized_new (strlen (text) + 8);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '%' || *p == '_' || *p == '\\')
        g_string_append_c (pattern, '\\');
      g_string_append_c (pattern, *p);
    }
  g_string_append_c (pattern, '%');
  return g_string_free (pattern, FALSE);
}

/* ---- area 7: enterprise settings ------------------------------------- */

const char *const kouan_stored_profile_fields[KOUAN_STORED_PROFILE_N] = {
  "registered_address", "contact_person", "contact_phone", "customs_code",
  "invoice_title", "taxpayer_number", "bank_name", "bank_account",
  "invoice_address_phone",
};

const char *const kouan_stored_business_switches[KOUAN_STORED_SWITCHES_N] = {
  "aircraft_auto", "manifest_auto", "status_push", "e_payment", "receipt_download",
};

void
kouan_stored_enterprise_settings_clear (KouanStoredEnterpriseSettings *settings)
{
  g_free (settings->name);
  g_free (settings->credit_code);
  for (guint i = 0; i < KOUAN_STORED_PROFILE_N; i++)
    g_free (settings->profile[i]);
  memset (settings, 0, sizeof *settings);
}

void
kouan_stored_business_settings_clear (KouanStoredBusinessSettings *settings)
{
  g_free (settings->aircraft_time);
  memset (settings, 0, sizeof *settings);
}

void
kouan_stored_slide_clear (KouanStoredSlide *slide)
{
  g_free (slide->caption);
  g_free (slide->link);
  memset (slide, 0, sizeof *slide);
}

void
kouan_stored_link_clear (KouanStoredLink *link)
{
  g_free (link->title);
  g_free (link->url);
  memset (link, 0, sizeof *link);
}

/* ---- area 5: the personal center ------------------------------------- */

const char *const kouan_stored_preference_names[KOUAN_STORED_PREFERENCES_N] = {
  "remember_last", "check_hs_codes", "warn_duplicates", "autofill_consignee", "confirm_submit",
};

void
kouan_stored_profile_clear (KouanStoredProfile *profile)
{
  g_clear_pointer (&profile->account, g_free);
  g_clear_pointer (&profile->name, g_free);
  g_clear_pointer (&profile->gender, g_free);
  g_clear_pointer (&profile->phone, g_free);
  g_clear_pointer (&profile->email, g_free);
  memset (profile, 0, sizeof *profile);
}

void
kouan_stored_enterprise_ref_clear (KouanStoredEnterpriseRef *enterprise)
{
  g_clear_pointer (&enterprise->name, g_free);
  g_clear_pointer (&enterprise->credit_code, g_free);
  memset (enterprise, 0, sizeof *enterprise);
}

void
kouan_stored_join_request_clear (KouanStoredJoinRequest *request)
{
  g_clear_pointer (&request->status, g_free);
  kouan_stored_enterprise_ref_clear (&request->enterprise);
  memset (request, 0, sizeof *request);
}

void
kouan_stored_certification_clear (KouanStoredCertification *certification)
{
  g_clear_pointer (&certification->status, g_free);
  g_clear_pointer (&certification->legal_representative, g_free);
  g_clear_pointer (&certification->licence_number, g_free);
  g_clear_pointer (&certification->contact, g_free);
  g_clear_pointer (&certification->reason, g_free);
  memset (certification, 0, sizeof *certification);
}

/* ---- images ----------------------------------------------------------- */

void
kouan_stored_image_clear (KouanStoredImage *image)
{
  g_clear_pointer (&image->sha256, g_free);
  g_clear_pointer (&image->mime, g_free);
  g_clear_pointer (&image->data, g_bytes_unref);
  memset (image, 0, sizeof *image);
}
