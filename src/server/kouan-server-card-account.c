/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The signed-in account's IC cards (docs/api.md, "IC cards of the
 * account"; docs/card-protocol.md, "Binding a card"): list them, bind one
 * by having it sign a server challenge, unbind one with the account
 * password or a fresh signature of that card. Bindings are audited in
 * every enterprise the account is an active member of, and a card about
 * to expire is announced once in the account's message center. */
#include "config.h"

#include <string.h>

#include "kouan-card.h"
#include "kouan-json.h"
#include "kouan-server.h"

/* A card expiring within this many seconds is announced and listed as
 * expiring (30 days). */
#define EXPIRY_NOTICE (30 * 24 * 60 * 60)

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

JsonObject *
kouan_server_card_json (const KouanStoredCard *card,
                        gint64                 now)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "fingerprint", card->fingerprint);
  if (card->holder != NULL)
    json_object_set_string_member (object, "holder", card->holder);
  else
    json_object_set_null_member (object, "holder");
  if (card->serial != NULL)
    json_object_set_string_member (object, "serial", card->serial);
  else
    json_object_set_null_member (object, "serial");
  if (card->not_after > 0)
    json_object_set_int_member (object, "not_after", card->not_after);
  else
    json_object_set_null_member (object, "not_after");
  json_object_set_int_member (object, "bound_at", card->bound_at);
  json_object_set_boolean_member (object, "expiring",
                                  card->not_after > 0 && card->not_after < now + EXPIRY_NOTICE);
  return object;
}

/* The enterprises @user_id is an active member of: where their card
 * changes are audited and their card notices go. */
static GArray *
active_enterprises (KouanServer *self,
                    gint64       user_id)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GError) error = NULL;

  if (!self->storage->people->user_enterprises (self->storage, user_id, TRUE, ids, &error))
    kouan_server_storage_failed (self, error);
  return ids;
}

static void
audit_card (KouanServer           *self,
            gint64                 user_id,
            const char            *action,
            const KouanStoredCard *card,
            const char            *confirmed_by)
{
  g_autoptr(GArray) enterprises = active_enterprises (self, user_id);
  g_autoptr(JsonObject) snapshot = kouan_server_card_json (card, now_seconds ());

  json_object_remove_member (snapshot, "expiring");
  if (confirmed_by != NULL)
    json_object_set_string_member (snapshot, "confirmed_by", confirmed_by);
  for (guint i = 0; i < enterprises->len; i++)
    kouan_server_audit_record (self, g_array_index (enterprises, gint64, i), user_id, action,
                               g_str_equal (action, "card.unbind") ? snapshot : NULL,
                               g_str_equal (action, "card.unbind") ? NULL : snapshot);
}

/* ---- the expiry notice ------------------------------------------------ */

/* One warning in each enterprise the holder is an active member of, seen
 * by the holder only: the message's change row for everyone is replaced
 * by the holder's (as the grant notices of kouan-server-admin.c). */
static gboolean
post_expiry_warning (KouanServer           *self,
                     const KouanStoredCard *card,
                     gint64                 now,
                     GArray                *notified,
                     GError               **error)
{
  g_autoptr(GArray) enterprises = active_enterprises (self, card->user_id);
  g_autofree char *date = NULL;
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  g_autoptr(GDateTime) expiry = g_date_time_new_from_unix_utc (card->not_after);
  g_autoptr(GTimeZone) china_zone = g_time_zone_new_offset (8 * 3600);
  g_autoptr(GDateTime) china = expiry != NULL ? g_date_time_to_timezone (expiry, china_zone) : NULL;
  const char *holder = card->holder != NULL ? card->holder : "";
  gboolean expired = card->not_after <= now;

  date = china != NULL ? g_date_time_format (china, "%Y年%-m月%-d日") : g_strdup ("?");
  /* The message center's texts are the server's, in Chinese, like every
   * notice it posts. */
  if (expired)
    {
      title = g_strdup_printf ("IC卡证书已过期：%s", holder);
      body = g_strdup_printf ("绑定到您账号的IC卡（持卡人 %s，证书序列号 %s）的证书已于%s过期，"
                              "已无法用该卡登录。请向发卡机构更新证书，"
                              "然后在“个人中心 → 账号管理”中绑定新证书。",
                              holder, card->serial != NULL ? card->serial : "—", date);
    }
  else
    {
      title = g_strdup_printf ("IC卡证书即将到期：%s", holder);
      body = g_strdup_printf ("绑定到您账号的IC卡（持卡人 %s，证书序列号 %s）的证书将于%s到期，"
                              "到期后将无法用该卡登录。请尽快向发卡机构更新证书，"
                              "然后在“个人中心 → 账号管理”中绑定新证书。",
                              holder, card->serial != NULL ? card->serial : "—", date);
    }

  for (guint i = 0; i < enterprises->len; i++)
    {
      gint64 enterprise_id = g_array_index (enterprises, gint64, i);
      KouanStoredMessage message = {
        .kind = (char *) "warning", .category = (char *) "账号安全",
        .title = title, .body = body,
        .severity = (char *) (expired ? "high" : "medium"),
        .created_at = now,
      };

      /* the holder's alone: a change for that user only */
      if (!self->storage->messages->message_post (self->storage, enterprise_id, &message,
                                                  &card->user_id, 1, NULL, error))
        return FALSE;
      g_array_append_val (notified, enterprise_id);
    }
  return TRUE;
}

void
kouan_server_card_announce_expiring (KouanServer *self)
{
  g_autoptr(GArray) cards = g_array_new (FALSE, TRUE, sizeof (KouanStoredCard));
  g_autoptr(GArray) notified = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GError) error = NULL;
  gint64 now = now_seconds ();

  g_array_set_clear_func (cards, (GDestroyNotify) kouan_stored_card_clear);
  kouan_server_db_failure_clear (self);   /* a timer or a finished request */
  if (!kouan_storage_begin (self->storage, &error))
    goto failed;
  if (!self->storage->card->cards_expiring (self->storage, now + EXPIRY_NOTICE, cards, &error))
    goto rollback;
  for (guint i = 0; i < cards->len; i++)
    {
      const KouanStoredCard *card = &g_array_index (cards, KouanStoredCard, i);

      if (!post_expiry_warning (self, card, now, notified, &error) ||
          !self->storage->card->card_expiry_announced (self->storage, card->fingerprint, &error))
        goto rollback;
    }
  if (!kouan_storage_commit (self->storage, &error))
    goto rollback;
  for (guint i = 0; self->sockets != NULL && i < notified->len; i++)
    kouan_server_events_notify (self, g_array_index (notified, gint64, i), 0);
  return;

rollback:
  kouan_storage_rollback (self->storage);
failed:
  g_warning ("Cannot announce expiring IC cards: %s", error->message);
}

static gboolean
on_expiry_check (gpointer user_data)
{
  kouan_server_card_announce_expiring (user_data);
  return G_SOURCE_CONTINUE;
}

/* ---- list ------------------------------------------------------------- */

static void
reply_storage_error (KouanRequest *req,
                     GError       *error)
{
  kouan_server_storage_failed (req->server, error);
  kouan_server_reply_error (req->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal",
                            "The account's IC cards could not be read or changed");
}

static void
handle_list (KouanRequest *req)
{
  KouanServer *self = req->server;
  g_autoptr(GArray) cards = g_array_new (FALSE, TRUE, sizeof (KouanStoredCard));
  g_autoptr(JsonObject) reply = json_object_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *array = json_array_new ();
  gint64 now = now_seconds ();

  g_array_set_clear_func (cards, (GDestroyNotify) kouan_stored_card_clear);
  json_object_set_array_member (reply, "cards", array);
  if (!self->storage->card->cards_list (self->storage, req->session.user_id, cards, &error))
    {
      reply_storage_error (req, error);
      return;
    }
  for (guint i = 0; i < cards->len; i++)
    json_array_add_object_element (array, kouan_server_card_json (&g_array_index (cards, KouanStoredCard, i), now));
  kouan_server_reply_json (req->msg, SOUP_STATUS_OK, reply);
}

/* ---- card proof (bind, and unbind by card) ---------------------------- */

typedef struct {
  GBytes *challenge;
  GBytes *certificate;
  GBytes *signature;
  char   *fingerprint;
  char   *address_key;
} CardProof;

static void
card_proof_clear (CardProof *proof)
{
  g_clear_pointer (&proof->challenge, g_bytes_unref);
  g_clear_pointer (&proof->certificate, g_bytes_unref);
  g_clear_pointer (&proof->signature, g_bytes_unref);
  g_clear_pointer (&proof->fingerprint, g_free);
  g_clear_pointer (&proof->address_key, g_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CardProof, card_proof_clear)

static gboolean
card_configured (KouanRequest *req)
{
  if (req->server->card_ca != NULL)
    return TRUE;
  kouan_server_reply_error (req->msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "card_login_unavailable",
                            "This server has no card CA configured (--card-ca)");
  return FALSE;
}

/* Reads the three members of a card proof from @body and checks them as
 * a card login does (challenge, signature, validity, chain), answering
 * the first failure with 403 and its code. Refusals count against the
 * client's address like refused logins. */
static gboolean
card_proof_check (KouanRequest *req,
                  JsonObject   *body,
                  CardProof    *proof)
{
  KouanServer *self = req->server;
  g_autoptr(GError) error = NULL;
  const char *address = soup_server_message_get_remote_host (req->msg);
  const char *code, *message = NULL;
  gint64 now = now_seconds ();
  gint64 wait;

  proof->challenge = kouan_server_card_read_base64 (req->msg, body, "challenge", 1, KOUAN_CARD_CHALLENGE_MAX);
  if (proof->challenge == NULL)
    return FALSE;
  proof->certificate = kouan_server_card_read_base64 (req->msg, body, "certificate", 1, KOUAN_CARD_CERT_MAX);
  if (proof->certificate == NULL)
    return FALSE;
  proof->signature = kouan_server_card_read_base64 (req->msg, body, "signature", 1, 256);
  if (proof->signature == NULL)
    return FALSE;
  proof->fingerprint = kouan_card_certificate_get_fingerprint (proof->certificate);

  proof->address_key = g_strdup_printf ("address:%s", address != NULL ? address : "unknown");
  wait = kouan_server_throttle_wait (self, proof->address_key, now);
  if (wait > 0)
    {
      kouan_server_reply_throttled (req->msg, wait);
      return FALSE;
    }
  code = kouan_server_card_verify (self, proof->challenge, proof->certificate, proof->signature,
                                   now, &message, &error);
  if (code != NULL)
    {
      if (error != NULL)
        g_debug ("Card proof refused (%s): %s", code, error->message);
      kouan_server_throttle_record (self, proof->address_key, now);
      kouan_server_reply_error (req->msg, SOUP_STATUS_FORBIDDEN, code, "%s", message);
      return FALSE;
    }
  return TRUE;
}

/* ---- bind ------------------------------------------------------------- */

static void
handle_bind (KouanRequest *req)
{
  KouanServer *self = req->server;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(CardProof) proof = { 0 };
  g_auto(KouanStoredCard) card = { 0 };
  KouanCardBindResult result = KOUAN_CARD_BIND_OTHER_ACCOUNT;
  gint64 now = now_seconds ();

  if (!card_configured (req))
    return;
  body = kouan_server_read_body (req->msg);
  if (body == NULL || !card_proof_check (req, body, &proof))
    return;

  card.holder = kouan_card_certificate_get_holder_name (proof.certificate, NULL);
  if (card.holder == NULL ||
      !kouan_card_certificate_get_serial_and_expiry (proof.certificate, &card.serial,
                                                     &card.not_after, &error))
    {
      kouan_server_reply_error (req->msg, SOUP_STATUS_FORBIDDEN, "certificate_malformed",
                                "The certificate names no holder, serial number or expiry");
      return;
    }
  card.fingerprint = g_strdup (proof.fingerprint);
  card.user_id = req->session.user_id;

  if (!kouan_storage_begin (self->storage, &error))
    {
      reply_storage_error (req, error);
      return;
    }
  if (!self->storage->card->card_bind (self->storage, &card, now, &result, &error))
    {
      kouan_storage_rollback (self->storage);
      reply_storage_error (req, error);
      return;
    }
  if (result == KOUAN_CARD_BIND_OTHER_ACCOUNT)
    {
      kouan_storage_rollback (self->storage);
      kouan_server_reply_error (req->msg, SOUP_STATUS_CONFLICT, "card_bound_elsewhere",
                                "This card is bound to another account; unbind it there first");
      return;
    }
  if (result == KOUAN_CARD_BIND_BOUND)
    audit_card (self, req->session.user_id, "card.bind", &card, NULL);
  if (!kouan_storage_commit (self->storage, &error))
    {
      kouan_storage_rollback (self->storage);
      reply_storage_error (req, error);
      return;
    }
  /* The account page of older clients shows the holder and expiry from
   * the login's note of the card. */
  kouan_server_personal_note_card (self, card.fingerprint, proof.certificate);

  /* A card that expires soon is announced now, not at the next hourly
   * check; the reply is unaffected if that fails. */
  kouan_server_card_announce_expiring (self);

  card.bound_at = now;
  if (result == KOUAN_CARD_BIND_ALREADY)
    {
      g_autoptr(GArray) cards = g_array_new (FALSE, TRUE, sizeof (KouanStoredCard));

      /* the first binding's time */
      g_array_set_clear_func (cards, (GDestroyNotify) kouan_stored_card_clear);
      if (self->storage->card->cards_list (self->storage, req->session.user_id, cards, NULL))
        for (guint i = 0; i < cards->len; i++)
          if (g_str_equal (g_array_index (cards, KouanStoredCard, i).fingerprint, card.fingerprint))
            card.bound_at = g_array_index (cards, KouanStoredCard, i).bound_at;
    }
  reply = kouan_server_card_json (&card, now);
  kouan_server_reply_json (req->msg, result == KOUAN_CARD_BIND_BOUND ? SOUP_STATUS_CREATED : SOUP_STATUS_OK,
                           reply);
}

/* ---- unbind ----------------------------------------------------------- */

typedef struct {
  gint64  user_id;
  char   *fingerprint;
  char   *account_key;
} Unbind;

static void
unbind_free (Unbind *unbind)
{
  g_free (unbind->fingerprint);
  g_free (unbind->account_key);
  g_free (unbind);
}

/* Removes the binding and answers: 204, or 404 when the account has no
 * such card (any more). */
static void
unbind_now (KouanServer       *self,
            SoupServerMessage *msg,
            gint64             user_id,
            const char        *fingerprint,
            const char        *confirmed_by)
{
  g_autoptr(GError) error = NULL;
  g_auto(KouanStoredCard) removed = { 0 };

  if (!kouan_storage_begin (self->storage, &error))
    goto failed;
  if (!self->storage->card->card_unbind (self->storage, user_id, fingerprint, &removed, &error))
    {
      kouan_storage_rollback (self->storage);
      goto failed;
    }
  if (removed.fingerprint == NULL)
    {
      kouan_storage_rollback (self->storage);
      kouan_server_reply_error (msg, SOUP_STATUS_NOT_FOUND, "not_found",
                                "No such card is bound to this account");
      return;
    }
  audit_card (self, user_id, "card.unbind", &removed, confirmed_by);
  if (!kouan_storage_commit (self->storage, &error))
    {
      kouan_storage_rollback (self->storage);
      goto failed;
    }
  soup_server_message_set_status (msg, SOUP_STATUS_NO_CONTENT, NULL);
  return;

failed:
  kouan_server_storage_failed (self, error);
  kouan_server_reply_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal",
                            "The card could not be unbound");
}

static void
on_unbind_password_checked (KouanServer       *self,
                            SoupServerMessage *msg,
                            gboolean           verified,
                            const char        *new_hash,
                            gpointer           user_data)
{
  Unbind *unbind = user_data;
  gint64 now = now_seconds ();

  if (!verified)
    {
      kouan_server_throttle_record (self, unbind->account_key, now);
      kouan_server_reply_error (msg, SOUP_STATUS_FORBIDDEN, "wrong_password",
                                "The password is wrong");
      return;
    }
  kouan_server_throttle_forget (self, unbind->account_key, now);
  unbind_now (self, msg, unbind->user_id, unbind->fingerprint, "password");
}

static gboolean
is_fingerprint (const char *text)
{
  return strlen (text) == 64 && strspn (text, "0123456789abcdef") == 64;
}

static void
handle_unbind (KouanRequest *req)
{
  KouanServer *self = req->server;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *account = NULL;
  g_autofree char *hash = NULL;
  const char *keys[2] = { NULL, NULL };
  const char *fingerprint, *password = NULL;
  Unbind *unbind;
  gint64 now = now_seconds ();
  gint64 wait;

  body = kouan_server_read_body (req->msg);
  if (body == NULL)
    return;
  if (!kouan_json_get_string (body, "fingerprint", &fingerprint, &error))
    {
      kouan_server_reply_error (req->msg, SOUP_STATUS_BAD_REQUEST, "invalid_field", "%s", error->message);
      return;
    }
  if (!is_fingerprint (fingerprint))
    {
      kouan_server_reply_error (req->msg, SOUP_STATUS_BAD_REQUEST, "invalid_field",
                                "\"fingerprint\" must be 64 lowercase hex digits");
      return;
    }

  /* Confirmed by a fresh signature of that very card ... */
  if (!json_object_has_member (body, "password"))
    {
      g_auto(CardProof) proof = { 0 };

      if (!json_object_has_member (body, "signature"))
        {
          kouan_server_reply_error (req->msg, SOUP_STATUS_BAD_REQUEST, "invalid_field",
                                    "Confirm with \"password\", or with the card's \"challenge\","
                                    " \"certificate\" and \"signature\"");
          return;
        }
      if (!card_configured (req) || !card_proof_check (req, body, &proof))
        return;
      if (!g_str_equal (proof.fingerprint, fingerprint))
        {
          kouan_server_reply_error (req->msg, SOUP_STATUS_FORBIDDEN, "card_mismatch",
                                    "The card that signed is not the card to unbind");
          return;
        }
      unbind_now (self, req->msg, req->session.user_id, fingerprint, "card");
      return;
    }

  /* ... or by the account password, throttled like the password change */
  if (!kouan_json_get_string (body, "password", &password, &error))
    {
      kouan_server_reply_error (req->msg, SOUP_STATUS_BAD_REQUEST, "invalid_field", "%s", error->message);
      return;
    }
  if (strlen (password) > 1024)
    {
      kouan_server_reply_error (req->msg, SOUP_STATUS_BAD_REQUEST, "invalid_field",
                                "\"password\" is too long");
      return;
    }
  if (!self->storage->card->account_credentials (self->storage, req->session.user_id,
                                                 &account, &hash, &error))
    {
      reply_storage_error (req, error);
      return;
    }
  if (account == NULL)
    {
      kouan_server_reply_error (req->msg, SOUP_STATUS_UNAUTHORIZED, "unauthorized",
                                "The account no longer exists");
      return;
    }

  unbind = g_new0 (Unbind, 1);
  unbind->user_id = req->session.user_id;
  unbind->fingerprint = g_strdup (fingerprint);
  unbind->account_key = g_strdup_printf ("account:%s", account);
  wait = kouan_server_throttle_wait (self, unbind->account_key, now);
  if (wait == 0 && kouan_server_throttle_busy (self, unbind->account_key, now))
    wait = 1;
  if (wait > 0)
    {
      unbind_free (unbind);
      kouan_server_reply_throttled (req->msg, wait);
      return;
    }
  keys[0] = unbind->account_key;
  kouan_server_password_check (self, req->msg, password, hash, NULL, keys,
                               on_unbind_password_checked, unbind, (GDestroyNotify) unbind_free);
}

/* ---- install ---------------------------------------------------------- */

static const KouanRoute card_account_routes[] = {
  { "GET",  "/api/v1/account/cards",        KOUAN_ROUTE_SESSION, NULL, handle_list },
  { "POST", "/api/v1/account/cards",        KOUAN_ROUTE_SESSION, NULL, handle_bind },
  { "POST", "/api/v1/account/cards/unbind", KOUAN_ROUTE_SESSION, NULL, handle_unbind },
};

void
kouan_server_card_install (KouanServer *self)
{
  kouan_server_routes_add (self, card_account_routes, G_N_ELEMENTS (card_account_routes));
  kouan_server_card_admin_install (self);

  /* Hourly, so a card is announced within the hour it comes within 30
   * days of expiry, whenever the server started. */
  kouan_server_card_announce_expiring (self);
  if (self->card_timer == 0)
    self->card_timer = g_timeout_add_seconds (60 * 60, on_expiry_check, self);
}
