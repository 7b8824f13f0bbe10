/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "kouan-format.h"
#include "kouan-json.h"
#include "kouan-store-insurance.h"
#include "outbox/kouan-outbox-text.h"

static char *
policy_number (KouanStore *store,
               gint64      enterprise_id,
               gint64      id)
{
  g_autoptr(KouanPolicy) policy = NULL;

  if (store != NULL)
    policy = kouan_store_get_policy (store, enterprise_id, id, NULL);
  if (policy != NULL)
    return g_strdup (policy->number);
  return g_strdup_printf ("#%" G_GINT64_FORMAT, id);
}

static char *
claim_number (KouanStore *store,
              gint64      enterprise_id,
              gint64      id)
{
  g_autoptr(KouanClaim) claim = NULL;

  if (store != NULL)
    claim = kouan_store_get_claim (store, enterprise_id, id, NULL);
  if (claim != NULL)
    return g_strdup (claim->number);
  return g_strdup_printf ("#%" G_GINT64_FORMAT, id);
}

static gboolean
field_bool (JsonObject *fields,
            const char *name,
            gboolean   *out)
{
  return json_object_has_member (fields, name) && kouan_json_get_bool (fields, name, out, NULL);
}

char *
kouan_outbox_describe_edit (KouanStore       *store,
                            KouanOutboxEntry *entry)
{
  const char *collection = kouan_outbox_entry_get_collection (entry);
  JsonObject *fields = kouan_outbox_entry_get_fields (entry);
  gint64 enterprise_id = kouan_outbox_entry_get_enterprise_id (entry);
  gint64 id = kouan_outbox_entry_get_record_id (entry);
  const char *status = NULL;
  gboolean flag;

  if (g_str_equal (collection, "insurance_policies"))
    {
      g_autofree char *number = policy_number (store, enterprise_id, id);

      if (json_object_has_member (fields, "status"))
        kouan_json_get_string (fields, "status", &status, NULL);
      if (g_strcmp0 (status, "effective") == 0)
        /* Translators: %s is a policy number */
        return g_strdup_printf (_("Confirm policy %s"), number);
      if (g_strcmp0 (status, "returned") == 0)
        /* Translators: %s is a policy number */
        return g_strdup_printf (_("Return policy %s"), number);
      /* Translators: %s is a policy number */
      return g_strdup_printf (_("Mark the notice of policy %s as read"), number);
    }
  if (g_str_equal (collection, "insurance_claims"))
    {
      g_autofree char *number = claim_number (store, enterprise_id, id);

      /* Translators: %s is a claim number */
      return g_strdup_printf (_("Mark the notice of claim %s as read"), number);
    }
  if (g_str_equal (collection, "insurance_categories"))
    {
      if (field_bool (fields, "subscribed", &flag) && !flag)
        return g_strdup (_("Unsubscribe from an information category"));
      return g_strdup (_("Subscribe to an information category"));
    }
  if (g_str_equal (collection, "messages"))
    {
      if (field_bool (fields, "starred", &flag))
        return g_strdup (flag ? _("Star a message") : _("Unstar a message"));
      if (field_bool (fields, "read", &flag))
        return g_strdup (flag ? _("Mark a message as read") : _("Mark a message as unread"));
    }
  if (g_str_equal (collection, "certification"))
    return g_strdup (_("Submit the enterprise certification"));
  if (g_str_equal (collection, "profile"))
    return g_strdup (_("Change your profile"));
  if (g_str_equal (collection, "preferences"))
    return g_strdup (_("Change your declaration preferences"));
  if (g_str_equal (collection, "enterprise_settings"))
    return g_strdup (_("Change the enterprise information"));
  if (g_str_equal (collection, "business_settings"))
    return g_strdup (_("Change the invoicing information"));
  if (g_str_equal (collection, "showcase_slides") || g_str_equal (collection, "showcase_links"))
    return g_strdup (_("Change the enterprise showcase"));
  return g_strdup (_("Change enterprise data"));
}

char *
kouan_outbox_describe_reason (KouanOutboxEntry *entry)
{
  const char *code = kouan_outbox_entry_get_reason_code (entry);
  const char *reason = kouan_outbox_entry_get_reason (entry);

  switch (kouan_outbox_entry_get_state (entry))
    {
    case KOUAN_OUTBOX_CONFLICT:
      return g_strdup (_("Someone changed this record on the server after you made this edit."));
    case KOUAN_OUTBOX_REFUSED:
      break;
    case KOUAN_OUTBOX_QUEUED:
    case KOUAN_OUTBOX_SENDING:
    default:
      return NULL;
    }

  if (g_strcmp0 (code, "forbidden") == 0)
    return g_strdup (_("Your roles in this enterprise do not allow this change."));
  if (g_strcmp0 (code, "invalid_transition") == 0)
    return g_strdup (_("The record is no longer in a state that allows this change."));
  if (g_strcmp0 (code, "not_found") == 0)
    return g_strdup (_("The record no longer exists on the server."));
  if (g_strcmp0 (code, "invalid_field") == 0)
    return g_strdup (_("The server does not accept the values of this change."));
  if (g_strcmp0 (code, "limit_reached") == 0)
    return g_strdup (_("The enterprise has reached a limit for this kind of record."));
  if (reason != NULL && *reason != '\0')
    /* Translators: %s is the server's own explanation, often in English */
    return g_strdup_printf (_("The server refused this change: %s"), reason);
  return g_strdup (_("The server refused this change."));
}

char *
kouan_outbox_describe_change (KouanOutboxEntry *entry)
{
  const char *who = kouan_outbox_entry_get_changed_by (entry);
  gint64 at = kouan_outbox_entry_get_changed_at (entry);
  g_autofree char *when = NULL;

  if (kouan_outbox_entry_get_state (entry) != KOUAN_OUTBOX_CONFLICT)
    return NULL;
  if (at > 0)
    when = kouan_format_unix_date_time (at);

  if (who != NULL && when != NULL)
    /* Translators: "李娜 changed it on 2026年12月3日 14:05" */
    return g_strdup_printf (_("%s changed it on %s"), who, when);
  if (who != NULL)
    /* Translators: %s is a person's name */
    return g_strdup_printf (_("%s changed it"), who);
  if (when != NULL)
    /* Translators: %s is a date and time; the change was not a colleague's
     * edit (the insurer, the system) */
    return g_strdup_printf (_("Changed by the insurer or the system on %s"), when);
  return g_strdup (_("Changed by the insurer or the system"));
}

const char *
kouan_outbox_state_label (KouanOutboxState state)
{
  switch (state)
    {
    case KOUAN_OUTBOX_SENDING:
      return _("Sending");
    case KOUAN_OUTBOX_REFUSED:
      return _("Refused");
    case KOUAN_OUTBOX_CONFLICT:
      return _("Conflict");
    case KOUAN_OUTBOX_QUEUED:
    default:
      return _("Waiting to sync");
    }
}
