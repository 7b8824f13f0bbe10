/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Administrators and their members' IC cards (docs/api.md, "IC cards of
 * members"; issue 17): the member records of the people collections carry
 * each member's bound cards, GET …/staff/{id}/cards lists them, and an
 * administrator with admin.staff:manage revokes one — by the members
 * mutation's "revoke_cards" (the app, through the outbox) or by DELETE
 * …/staff/{id}/cards (scripts).
 *
 * A card is bound to an account, not to an enterprise: revoking it in
 * any enterprise the account belongs to ends card login as that user
 * everywhere. Only an administrator of an enterprise the holder is a
 * member of (active or disabled) can do it. The revocation is audited in
 * that enterprise (card.revoke, by the administrator), the member gets a
 * notice there, and the member's sessions signed in by card end. */
#include "config.h"

#include <string.h>

#include "kouan-server.h"

static gboolean
is_fingerprint (const char *text)
{
  return text != NULL && strlen (text) == 64 && strspn (text, "0123456789abcdef") == 64;
}

JsonArray *
kouan_server_card_member_cards (KouanServer *self,
                                gint64       user_id)
{
  g_autoptr(GArray) cards = g_array_new (FALSE, TRUE, sizeof (KouanStoredCard));
  g_autoptr(GError) error = NULL;
  JsonArray *array = json_array_new ();
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_array_set_clear_func (cards, (GDestroyNotify) kouan_stored_card_clear);
  if (!self->storage->card->cards_list (self->storage, user_id, cards, &error))
    {
      kouan_server_storage_failed (self, error);
      return array;
    }
  for (guint i = 0; i < cards->len; i++)
    json_array_add_object_element (array,
                                   kouan_server_card_json (&g_array_index (cards, KouanStoredCard, i), now));
  return array;
}

/* The notice to the member, theirs alone (a change for that user only). */
static gboolean
post_revoke_notice (KouanServer           *self,
                    gint64                 enterprise_id,
                    gint64                 admin_id,
                    const KouanStoredCard *card,
                    gint64                 now,
                    GError               **error)
{
  g_autoptr(JsonObject) admin = kouan_server_people_member_json (self, enterprise_id, admin_id);
  g_autoptr(GDateTime) at = g_date_time_new_from_unix_utc (now);
  g_autoptr(GTimeZone) china_zone = g_time_zone_new_offset (8 * 3600);
  g_autoptr(GDateTime) china = g_date_time_to_timezone (at, china_zone);
  g_autofree char *date = g_date_time_format (china, "%Y年%-m月%-d日 %H:%M");
  g_autofree char *body = NULL;
  const char *admin_name = admin != NULL ? json_object_get_string_member (admin, "name") : NULL;
  KouanStoredMessage message = {
    .kind = (char *) "notice", .category = (char *) "账号安全",
    .title = (char *) "您的IC卡绑定已被管理员解除",
    /* a notice has no severity (docs/api.md, messages) */
    .created_at = now,
  };

  /* The message center's texts are the server's, in Chinese, like every
   * notice it posts. */
  body = g_strdup_printf ("管理员%s于%s解除了您账号绑定的IC卡（持卡人 %s，证书序列号 %s）。"
                          "此后不能再用该卡登录您的账号，用该卡登录的会话已全部退出。"
                          "如有疑问请联系企业管理员；需要时可在“个人中心 → 账号管理”中重新绑定。",
                          admin_name != NULL ? admin_name : "",
                          date,
                          card->holder != NULL ? card->holder : "—",
                          card->serial != NULL ? card->serial : "—");
  message.body = body;
  return self->storage->messages->message_post (self->storage, enterprise_id, &message,
                                                &card->user_id, 1, NULL, error);
}

gboolean
kouan_server_card_revoke (KouanServer  *self,
                          gint64        enterprise_id,
                          gint64        admin_id,
                          JsonObject   *member,
                          const char   *fingerprint,
                          gboolean     *out_revoked,
                          GError      **error)
{
  g_auto(KouanStoredCard) removed = { 0 };
  g_autoptr(GPtrArray) ended = NULL;
  g_autoptr(JsonObject) before = NULL;
  gint64 member_id = json_object_get_int_member (member, "id");
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  *out_revoked = FALSE;
  if (!self->storage->card->card_unbind (self->storage, member_id, fingerprint, &removed, error))
    return FALSE;
  if (removed.fingerprint == NULL)
    return TRUE;    /* not (or no longer) bound to the member */

  before = kouan_server_card_json (&removed, now);
  json_object_remove_member (before, "expiring");
  json_object_set_int_member (before, "user_id", member_id);
  json_object_set_string_member (before, "account", json_object_get_string_member (member, "account"));
  json_object_set_string_member (before, "member", json_object_get_string_member (member, "name"));
  if (!kouan_server_audit_record (self, enterprise_id, admin_id, "card.revoke", before, NULL))
    {
      g_set_error (error, KOUAN_SERVER_ERROR, KOUAN_SERVER_ERROR_DB,
                   "Cannot record card.revoke in the audit log");
      return FALSE;
    }
  if (!post_revoke_notice (self, enterprise_id, admin_id, &removed, now, error))
    return FALSE;
  ended = self->storage->card->card_sessions_end (self->storage, member_id, error);
  if (ended == NULL)
    return FALSE;
  /* Closing a socket runs no SQL; should the transaction roll back, the
   * session stays and its client simply reconnects. */
  for (guint i = 0; self->sockets != NULL && i < ended->len; i++)
    kouan_server_events_close_session (self, g_ptr_array_index (ended, i));
  *out_revoked = TRUE;
  return TRUE;
}

/* ---- routes ------------------------------------------------------------ */

static void
reply_storage_error (KouanRequest *req,
                     GError       *error)
{
  kouan_server_storage_failed (req->server, error);
  kouan_server_reply_error (req->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal",
                            "The member's IC cards could not be read or changed");
}

static JsonObject *
member_or_404 (KouanRequest *req)
{
  JsonObject *member = kouan_server_people_member_json (req->server, req->enterprise_id,
                                                        req->record_id);

  if (member == NULL)
    kouan_server_reply_error (req->msg, SOUP_STATUS_NOT_FOUND, "not_found",
                              "No such member in this enterprise");
  return member;
}

/* GET /api/v1/enterprises/{eid}/staff/{id}/cards [admin.staff:view] */
static void
handle_member_cards (KouanRequest *req)
{
  g_autoptr(JsonObject) member = member_or_404 (req);
  g_autoptr(JsonObject) reply = NULL;

  if (member == NULL)
    return;
  reply = json_object_new ();
  json_object_set_array_member (reply, "items", kouan_server_card_member_cards (req->server,
                                                                                req->record_id));
  kouan_server_reply_json (req->msg, SOUP_STATUS_OK, reply);
}

/* DELETE /api/v1/enterprises/{eid}/staff/{id}/cards?fingerprint=HEX
 * [admin.staff:manage] */
static void
handle_member_card_revoke (KouanRequest *req)
{
  KouanServer *self = req->server;
  g_autoptr(JsonObject) member = NULL;
  g_autoptr(GError) error = NULL;
  const char *fingerprint = req->query != NULL ? g_hash_table_lookup (req->query, "fingerprint") : NULL;
  gboolean revoked = FALSE;

  if (!is_fingerprint (fingerprint))
    {
      kouan_server_reply_error (req->msg, SOUP_STATUS_BAD_REQUEST, "invalid_query",
                                "\"fingerprint\" must be 64 lowercase hex digits");
      return;
    }
  member = member_or_404 (req);
  if (member == NULL)
    return;
  if (!kouan_storage_begin (self->storage, &error))
    {
      reply_storage_error (req, error);
      return;
    }
  if (!kouan_server_card_revoke (self, req->enterprise_id, req->session.user_id, member,
                                 fingerprint, &revoked, &error))
    {
      kouan_storage_rollback (self->storage);
      reply_storage_error (req, error);
      return;
    }
  if (!revoked)
    {
      kouan_storage_rollback (self->storage);
      kouan_server_reply_error (req->msg, SOUP_STATUS_NOT_FOUND, "not_found",
                                "No such card is bound to this member");
      return;
    }
  if (!kouan_storage_commit (self->storage, &error))
    {
      kouan_storage_rollback (self->storage);
      reply_storage_error (req, error);
      return;
    }
  soup_server_message_set_status (req->msg, SOUP_STATUS_NO_CONTENT, NULL);
}

/* The members mutation's "revoke_cards" (kouan-server-people.c): a list
 * of fingerprints, sent alone. A card no longer bound to the member is
 * skipped: what the administrator asked for holds. FALSE only on a
 * database failure; *out_message says why the list is malformed. */
gboolean
kouan_server_card_revoke_list (KouanServer  *self,
                               gint64        enterprise_id,
                               gint64        admin_id,
                               JsonObject   *member,
                               JsonNode     *list,
                               const char  **out_message,
                               GError      **error)
{
  JsonArray *array;

  *out_message = NULL;
  if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list) ||
      json_array_get_length (array = json_node_get_array (list)) == 0)
    {
      *out_message = "\"revoke_cards\" must be a non-empty array of card fingerprints";
      return TRUE;
    }
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING ||
          !is_fingerprint (json_node_get_string (element)))
        {
          *out_message = "A fingerprint in \"revoke_cards\" is not 64 lowercase hex digits";
          return TRUE;
        }
    }
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      gboolean revoked;

      if (!kouan_server_card_revoke (self, enterprise_id, admin_id, member,
                                     json_array_get_string_element (array, i), &revoked, error))
        return FALSE;
    }
  return TRUE;
}

#define EID "/api/v1/enterprises/{eid}"

static const KouanRoute card_admin_routes[] = {
  { "GET",    EID "/staff/{id}/cards", KOUAN_ROUTE_MEMBER, "admin.staff:view",   handle_member_cards },
  { "DELETE", EID "/staff/{id}/cards", KOUAN_ROUTE_MEMBER, "admin.staff:manage", handle_member_card_revoke },
};

void
kouan_server_card_admin_install (KouanServer *self)
{
  kouan_server_routes_add (self, card_admin_routes, G_N_ELEMENTS (card_admin_routes));
}
