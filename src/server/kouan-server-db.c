/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kouan-grant-status.h"
#include "kouan-json.h"
#include "kouan-server.h"

G_DEFINE_QUARK (kouan-server-error-quark, kouan_server_error)

/* Schema migrations, applied in order; PRAGMA user_version is the number
 * applied so far. Never edit a released step: append a new one.
 *
 * The change feed is kept by triggers, so every write path (the routes, the
 * demo seeder, an operator's sqlite3 shell) records its changes the same
 * way. A change with user_id NULL concerns everyone in the enterprise; one
 * with a user_id (read/starred) only that user. When a record changes
 * again, its older change row for the same audience is dropped: the feed
 * materialises records as they are now, so the old row carries nothing, and
 * the table stays as small as the data it describes (the feed query also
 * skips superseded rows, so this is compaction, not correctness). Inserts
 * of new records have nothing to supersede and skip that lookup, which
 * keeps seeding 100k messages fast. AUTOINCREMENT keeps seq monotonic even
 * after the newest row is deleted. */
/* A change row for one record of a collection, replacing its older shared
 * row (the feed sends each record once, at its latest change). */
#define TOUCH(collection, eid, rid) \
  "  DELETE FROM changes WHERE enterprise_id = " eid " AND collection = '" collection "'" \
  "    AND record_id = " rid " AND user_id IS NULL;" \
  "  INSERT INTO changes (enterprise_id, user_id, collection, record_id)" \
  "    VALUES (" eid ", NULL, '" collection "', " rid ");"
/* The same when @rid may be NULL (then nothing happens). */
#define TOUCH_IF(collection, eid, rid) \
  "  DELETE FROM changes WHERE enterprise_id = " eid " AND collection = '" collection "'" \
  "    AND record_id = " rid " AND user_id IS NULL;" \
  "  INSERT INTO changes (enterprise_id, user_id, collection, record_id)" \
  "    SELECT " eid ", NULL, '" collection "', " rid " WHERE " rid " IS NOT NULL;"

static const char *const migrations[] = {
  /* 1: the message center */
  "CREATE TABLE users ("
  "  id INTEGER PRIMARY KEY,"
  "  account TEXT NOT NULL UNIQUE,"
  "  name TEXT NOT NULL,"
  "  password_hash TEXT NOT NULL,"
  "  active INTEGER NOT NULL DEFAULT 1);"
  "CREATE TABLE enterprises ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL,"
  "  credit_code TEXT NOT NULL UNIQUE CHECK (length (credit_code) = 18),"
  "  certified INTEGER NOT NULL DEFAULT 0);"
  "CREATE TABLE memberships ("
  "  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  enterprise_id INTEGER NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,"
  "  roles TEXT NOT NULL DEFAULT '[]'," /* JSON array of role names */
  "  PRIMARY KEY (user_id, enterprise_id)) WITHOUT ROWID;"
  "CREATE TABLE sessions ("
  "  token_sha256 TEXT PRIMARY KEY,"
  "  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  method TEXT NOT NULL,"
  "  created_at INTEGER NOT NULL,"
  "  last_seen INTEGER NOT NULL,"
  "  expires_at INTEGER NOT NULL) WITHOUT ROWID;"
  "CREATE TABLE messages ("
  "  id INTEGER PRIMARY KEY,"
  "  enterprise_id INTEGER NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,"
  "  kind TEXT NOT NULL CHECK (kind IN ('notice', 'warning')),"
  "  category TEXT NOT NULL,"
  "  title TEXT NOT NULL,"
  "  body TEXT NOT NULL,"
  "  severity TEXT CHECK (severity IS NULL OR severity IN ('low', 'medium', 'high')),"
  "  created_at INTEGER NOT NULL);"
  "CREATE INDEX messages_enterprise ON messages (enterprise_id);"
  "CREATE TABLE message_states ("
  "  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,"
  "  read INTEGER NOT NULL DEFAULT 0,"
  "  starred INTEGER NOT NULL DEFAULT 0,"
  "  PRIMARY KEY (user_id, message_id)) WITHOUT ROWID;"
  "CREATE TABLE changes ("
  "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  enterprise_id INTEGER NOT NULL,"
  "  user_id INTEGER,"
  "  collection TEXT NOT NULL,"
  "  record_id INTEGER NOT NULL);"
  "CREATE INDEX changes_feed ON changes (enterprise_id, seq);"
  "CREATE INDEX changes_record ON changes (enterprise_id, collection, record_id, seq);"
  "CREATE TABLE applied_mutations ("
  "  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  mutation_id TEXT NOT NULL,"
  "  result_json TEXT NOT NULL,"
  "  PRIMARY KEY (user_id, mutation_id)) WITHOUT ROWID;"
  "CREATE TABLE login_failures ("
  "  key TEXT NOT NULL,"
  "  at INTEGER NOT NULL);"
  "CREATE INDEX login_failures_key ON login_failures (key, at);"
  "CREATE TRIGGER enterprises_insert AFTER INSERT ON enterprises BEGIN"
  "  INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "    VALUES (NEW.id, NULL, 'enterprise', NEW.id);"
  "END;"
  "CREATE TRIGGER enterprises_update AFTER UPDATE ON enterprises BEGIN"
  "  DELETE FROM changes WHERE enterprise_id = NEW.id AND collection = 'enterprise'"
  "    AND record_id = NEW.id AND user_id IS NULL;"
  "  INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "    VALUES (NEW.id, NULL, 'enterprise', NEW.id);"
  "END;"
  "CREATE TRIGGER messages_insert AFTER INSERT ON messages BEGIN"
  "  INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "    VALUES (NEW.enterprise_id, NULL, 'messages', NEW.id);"
  "END;"
  "CREATE TRIGGER messages_update AFTER UPDATE ON messages BEGIN"
  "  DELETE FROM changes WHERE enterprise_id = NEW.enterprise_id AND collection = 'messages'"
  "    AND record_id = NEW.id AND user_id IS NULL;"
  "  INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "    VALUES (NEW.enterprise_id, NULL, 'messages', NEW.id);"
  "END;"
  /* A deleted message leaves one tombstone for everyone; its per-user
   * rows would only repeat it. */
  "CREATE TRIGGER messages_delete AFTER DELETE ON messages BEGIN"
  "  DELETE FROM message_states WHERE message_id = OLD.id;"
  "  DELETE FROM changes WHERE enterprise_id = OLD.enterprise_id"
  "    AND collection = 'messages' AND record_id = OLD.id;"
  "  INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "    VALUES (OLD.enterprise_id, NULL, 'messages', OLD.id);"
  "END;"
  "CREATE TRIGGER message_states_insert AFTER INSERT ON message_states BEGIN"
  "  DELETE FROM changes WHERE collection = 'messages' AND record_id = NEW.message_id"
  "    AND user_id = NEW.user_id"
  "    AND enterprise_id = (SELECT enterprise_id FROM messages WHERE id = NEW.message_id);"
  "  INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "    SELECT enterprise_id, NEW.user_id, 'messages', NEW.message_id"
  "    FROM messages WHERE id = NEW.message_id;"
  "END;"
  "CREATE TRIGGER message_states_update AFTER UPDATE ON message_states"
  "  WHEN OLD.read IS NOT NEW.read OR OLD.starred IS NOT NEW.starred BEGIN"
  "  DELETE FROM changes WHERE collection = 'messages' AND record_id = NEW.message_id"
  "    AND user_id = NEW.user_id"
  "    AND enterprise_id = (SELECT enterprise_id FROM messages WHERE id = NEW.message_id);"
  "  INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "    SELECT enterprise_id, NEW.user_id, 'messages', NEW.message_id"
  "    FROM messages WHERE id = NEW.message_id;"
  "END;",
  /* 2: deleting a message (and its foreign-key check) finds its states
   * without scanning every user's */
  "CREATE INDEX message_states_message ON message_states (message_id);",
  /* 3: IC card login: certificates bound to users by fingerprint, and the
   * login challenges handed out (hashed), single use */
  "CREATE TABLE card_certificates ("
  "  fingerprint TEXT PRIMARY KEY,"
  "  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  active INTEGER NOT NULL DEFAULT 1,"
  "  created_at INTEGER NOT NULL) WITHOUT ROWID;"
  "CREATE TABLE card_challenges ("
  "  challenge_sha256 TEXT PRIMARY KEY,"
  "  expires_at INTEGER NOT NULL,"
  "  used INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;",
  /* administrator center, enterprise settings: uploaded images (kouan-server-images.c),
   * the enterprise's profile and invoice details, its business switches, and
   * the showcase's slides and links (kouan-server-enterprise*.c). Every
   * enterprise has one enterprise_settings and one business_settings record
   * (id = the enterprise's id) even before a row is written, so their
   * changes are recorded when the enterprise is. */
  "CREATE TABLE images ("
  "  id INTEGER PRIMARY KEY,"
  "  enterprise_id INTEGER NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,"
  "  sha256 TEXT NOT NULL,"
  "  mime TEXT NOT NULL CHECK (mime IN ('image/png', 'image/jpeg')),"
  "  width INTEGER NOT NULL,"
  "  height INTEGER NOT NULL,"
  "  data BLOB NOT NULL,"
  "  created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,"
  "  created_at INTEGER NOT NULL,"
  "  UNIQUE (enterprise_id, sha256));"
  "CREATE TABLE enterprise_profiles ("
  "  enterprise_id INTEGER PRIMARY KEY REFERENCES enterprises (id) ON DELETE CASCADE,"
  "  registered_address TEXT NOT NULL DEFAULT '',"
  "  contact_person TEXT NOT NULL DEFAULT '',"
  "  contact_phone TEXT NOT NULL DEFAULT '',"
  "  customs_code TEXT NOT NULL DEFAULT '',"
  "  invoice_title TEXT NOT NULL DEFAULT '',"
  "  taxpayer_number TEXT NOT NULL DEFAULT '',"
  "  bank_name TEXT NOT NULL DEFAULT '',"
  "  bank_account TEXT NOT NULL DEFAULT '',"
  "  invoice_address_phone TEXT NOT NULL DEFAULT '',"
  "  logo_image INTEGER REFERENCES images (id) ON DELETE SET NULL,"
  "  seal_image INTEGER REFERENCES images (id) ON DELETE SET NULL);"
  "CREATE TABLE business_settings ("
  "  enterprise_id INTEGER PRIMARY KEY REFERENCES enterprises (id) ON DELETE CASCADE,"
  "  aircraft_auto INTEGER NOT NULL DEFAULT 0,"
  "  aircraft_time TEXT CHECK (aircraft_time IS NULL OR aircraft_auto = 1),"
  "  manifest_auto INTEGER NOT NULL DEFAULT 0,"
  "  status_push INTEGER NOT NULL DEFAULT 0,"
  "  e_payment INTEGER NOT NULL DEFAULT 0,"
  "  receipt_download INTEGER NOT NULL DEFAULT 0);"
  "CREATE TABLE showcase_slides ("
  "  id INTEGER PRIMARY KEY,"
  "  enterprise_id INTEGER NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,"
  "  image_id INTEGER NOT NULL REFERENCES images (id),"
  "  caption TEXT NOT NULL,"
  "  link TEXT NOT NULL DEFAULT '',"
  "  position INTEGER NOT NULL DEFAULT 0);"
  "CREATE INDEX showcase_slides_enterprise ON showcase_slides (enterprise_id, position);"
  "CREATE TABLE showcase_links ("
  "  id INTEGER PRIMARY KEY,"
  "  enterprise_id INTEGER NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,"
  "  title TEXT NOT NULL,"
  "  url TEXT NOT NULL,"
  "  position INTEGER NOT NULL DEFAULT 0);"
  "CREATE INDEX showcase_links_enterprise ON showcase_links (enterprise_id, position);"
  "INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "  SELECT id, NULL, 'enterprise_settings', id FROM enterprises;"
  "INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "  SELECT id, NULL, 'business_settings', id FROM enterprises;"
  "CREATE TRIGGER enterprises_insert_settings AFTER INSERT ON enterprises BEGIN"
  "  INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "    VALUES (NEW.id, NULL, 'enterprise_settings', NEW.id);"
  "  INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "    VALUES (NEW.id, NULL, 'business_settings', NEW.id);"
  "END;"
  "CREATE TRIGGER enterprises_update_settings AFTER UPDATE ON enterprises BEGIN"
  "  DELETE FROM changes WHERE enterprise_id = NEW.id AND collection = 'enterprise_settings'"
  "    AND record_id = NEW.id AND user_id IS NULL;"
  "  INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "    VALUES (NEW.id, NULL, 'enterprise_settings', NEW.id);"
  "END;"
  "CREATE TRIGGER enterprise_profiles_insert_change AFTER INSERT ON enterprise_profiles BEGIN"
  "  DELETE FROM changes WHERE enterprise_id = NEW.enterprise_id AND collection = 'enterprise_settings'"
  "    AND record_id = NEW.enterprise_id AND user_id IS NULL;"
  "  INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "    VALUES (NEW.enterprise_id, NULL, 'enterprise_settings', NEW.enterprise_id);"
  "END;"
  "CREATE TRIGGER business_settings_insert_change AFTER INSERT ON business_settings BEGIN"
  "  DELETE FROM changes WHERE enterprise_id = NEW.enterprise_id AND collection = 'business_settings'"
  "    AND record_id = NEW.enterprise_id AND user_id IS NULL;"
  "  INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "    VALUES (NEW.enterprise_id, NULL, 'business_settings', NEW.enterprise_id);"
  "END;"
  "CREATE TRIGGER enterprise_profiles_update_change AFTER UPDATE ON enterprise_profiles BEGIN"
  "  DELETE FROM changes WHERE enterprise_id = NEW.enterprise_id AND collection = 'enterprise_settings'"
  "    AND record_id = NEW.enterprise_id AND user_id IS NULL;"
  "  INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "    VALUES (NEW.enterprise_id, NULL, 'enterprise_settings', NEW.enterprise_id);"
  "END;"
  "CREATE TRIGGER business_settings_update_change AFTER UPDATE ON business_settings BEGIN"
  "  DELETE FROM changes WHERE enterprise_id = NEW.enterprise_id AND collection = 'business_settings'"
  "    AND record_id = NEW.enterprise_id AND user_id IS NULL;"
  "  INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "    VALUES (NEW.enterprise_id, NULL, 'business_settings', NEW.enterprise_id);"
  "END;"
  "CREATE TRIGGER showcase_slides_insert_change AFTER INSERT ON showcase_slides BEGIN"
  "  DELETE FROM changes WHERE enterprise_id = NEW.enterprise_id AND collection = 'showcase_slides'"
  "    AND record_id = NEW.id AND user_id IS NULL;"
  "  INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "    VALUES (NEW.enterprise_id, NULL, 'showcase_slides', NEW.id);"
  "END;"
  "CREATE TRIGGER showcase_slides_update_change AFTER UPDATE ON showcase_slides BEGIN"
  "  DELETE FROM changes WHERE enterprise_id = NEW.enterprise_id AND collection = 'showcase_slides'"
  "    AND record_id = NEW.id AND user_id IS NULL;"
  "  INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "    VALUES (NEW.enterprise_id, NULL, 'showcase_slides', NEW.id);"
  "END;"
  "CREATE TRIGGER showcase_slides_delete_change AFTER DELETE ON showcase_slides BEGIN"
  "  DELETE FROM changes WHERE enterprise_id = OLD.enterprise_id AND collection = 'showcase_slides'"
  "    AND record_id = OLD.id AND user_id IS NULL;"
  "  INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "    VALUES (OLD.enterprise_id, NULL, 'showcase_slides', OLD.id);"
  "END;"
  "CREATE TRIGGER showcase_links_insert_change AFTER INSERT ON showcase_links BEGIN"
  "  DELETE FROM changes WHERE enterprise_id = NEW.enterprise_id AND collection = 'showcase_links'"
  "    AND record_id = NEW.id AND user_id IS NULL;"
  "  INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "    VALUES (NEW.enterprise_id, NULL, 'showcase_links', NEW.id);"
  "END;"
  "CREATE TRIGGER showcase_links_update_change AFTER UPDATE ON showcase_links BEGIN"
  "  DELETE FROM changes WHERE enterprise_id = NEW.enterprise_id AND collection = 'showcase_links'"
  "    AND record_id = NEW.id AND user_id IS NULL;"
  "  INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "    VALUES (NEW.enterprise_id, NULL, 'showcase_links', NEW.id);"
  "END;"
  "CREATE TRIGGER showcase_links_delete_change AFTER DELETE ON showcase_links BEGIN"
  "  DELETE FROM changes WHERE enterprise_id = OLD.enterprise_id AND collection = 'showcase_links'"
  "    AND record_id = OLD.id AND user_id IS NULL;"
  "  INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "    VALUES (OLD.enterprise_id, NULL, 'showcase_links', OLD.id);"
  "END;",
  /* administrator center, people (kouan-server-admin.c, authz.c): roles
   * per enterprise (the built-in 管理员 holds every permission without
   * listing them), their permissions, departments, membership status and
   * registration date, time-limited grants (dates in China time, UTC+8,
   * inclusive) and the audit log. Legacy memberships.roles become grants:
   * "admin" of the built-in role, any other name of a role of that name
   * holding what the interim rule allowed (every non-admin menu); a
   * membership inserted later with such roles (the demo seeder, older
   * tools) is converted by the same rule in a trigger. */
  "CREATE TABLE roles ("
  "  id INTEGER PRIMARY KEY,"
  "  enterprise_id INTEGER NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,"
  "  name TEXT NOT NULL,"
  "  builtin INTEGER NOT NULL DEFAULT 0,"
  "  created_at INTEGER NOT NULL,"
  "  UNIQUE (enterprise_id, name));"
  "CREATE TABLE role_permissions ("
  "  role_id INTEGER NOT NULL REFERENCES roles (id) ON DELETE CASCADE,"
  "  permission TEXT NOT NULL,"
  "  PRIMARY KEY (role_id, permission)) WITHOUT ROWID;"
  "CREATE TABLE departments ("
  "  id INTEGER PRIMARY KEY,"
  "  enterprise_id INTEGER NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,"
  "  parent_id INTEGER REFERENCES departments (id),"
  "  name TEXT NOT NULL,"
  "  head_user_id INTEGER REFERENCES users (id) ON DELETE SET NULL);"
  "CREATE INDEX departments_enterprise ON departments (enterprise_id, parent_id);"
  "ALTER TABLE memberships ADD COLUMN department_id INTEGER REFERENCES departments (id) ON DELETE SET NULL;"
  "ALTER TABLE memberships ADD COLUMN status TEXT NOT NULL DEFAULT 'active'"
  "  CHECK (status IN ('active', 'disabled'));"
  "ALTER TABLE memberships ADD COLUMN registered_on TEXT;"
  "UPDATE memberships SET registered_on = date ('now', '+8 hours');"
  "CREATE TABLE grants ("
  "  id INTEGER PRIMARY KEY,"
  "  enterprise_id INTEGER NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,"
  "  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  role_id INTEGER NOT NULL REFERENCES roles (id) ON DELETE CASCADE,"
  "  starts_on TEXT NOT NULL,"
  "  ends_on TEXT,"
  "  notified_on TEXT,"
  "  created_at INTEGER NOT NULL,"
  "  CHECK (ends_on IS NULL OR ends_on >= starts_on));"
  "CREATE INDEX grants_member ON grants (enterprise_id, user_id);"
  "CREATE INDEX grants_role ON grants (role_id);"
  "CREATE TABLE audit_log ("
  "  id INTEGER PRIMARY KEY,"
  "  enterprise_id INTEGER NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,"
  "  user_id INTEGER,"
  "  action TEXT NOT NULL,"
  "  before_json TEXT,"
  "  after_json TEXT,"
  "  created_at INTEGER NOT NULL);"
  "CREATE INDEX audit_log_enterprise ON audit_log (enterprise_id, id);"
  "INSERT INTO roles (enterprise_id, name, builtin, created_at)"
  "  SELECT id, '管理员', 1, CAST (strftime ('%s', 'now') AS INTEGER) FROM enterprises;"
  "CREATE TRIGGER enterprises_admin_role AFTER INSERT ON enterprises BEGIN"
  "  INSERT INTO roles (enterprise_id, name, builtin, created_at)"
  "    VALUES (NEW.id, '管理员', 1, CAST (strftime ('%s', 'now') AS INTEGER));"
  "END;"
  "CREATE TRIGGER memberships_legacy_roles AFTER INSERT ON memberships"
  "  WHEN NEW.roles IS NOT '[]' BEGIN"
  "  UPDATE memberships SET registered_on = date ('now', '+8 hours')"
  "    WHERE user_id = NEW.user_id AND enterprise_id = NEW.enterprise_id AND registered_on IS NULL;"
  "  INSERT OR IGNORE INTO roles (enterprise_id, name, builtin, created_at)"
  "    SELECT NEW.enterprise_id, j.value, 0, CAST (strftime ('%s', 'now') AS INTEGER)"
  "    FROM json_each (NEW.roles) j WHERE j.value <> 'admin';"
  "  INSERT INTO grants (enterprise_id, user_id, role_id, starts_on, ends_on, created_at)"
  "    SELECT NEW.enterprise_id, NEW.user_id, r.id, '2000-01-01', NULL, CAST (strftime ('%s', 'now') AS INTEGER)"
  "    FROM json_each (NEW.roles) j JOIN roles r ON r.enterprise_id = NEW.enterprise_id"
  "      AND ((j.value = 'admin' AND r.builtin = 1) OR (j.value <> 'admin' AND r.name = j.value AND r.builtin = 0));"
  "  UPDATE memberships SET roles = '[]'"
  "    WHERE user_id = NEW.user_id AND enterprise_id = NEW.enterprise_id;"
  "END;"
  "CREATE TRIGGER memberships_registered AFTER INSERT ON memberships"
  "  WHEN NEW.registered_on IS NULL AND NEW.roles IS '[]' BEGIN"
  "  UPDATE memberships SET registered_on = date ('now', '+8 hours')"
  "    WHERE user_id = NEW.user_id AND enterprise_id = NEW.enterprise_id;"
  "END;"
  "CREATE TRIGGER legacy_role_permissions AFTER INSERT ON roles WHEN NEW.builtin = 0"
  "  AND EXISTS (SELECT 1 FROM memberships m, json_each (m.roles) j"
  "              WHERE m.enterprise_id = NEW.enterprise_id AND j.value = NEW.name) BEGIN"
  "  INSERT OR IGNORE INTO role_permissions (role_id, permission)"
  "    SELECT NEW.id, value FROM json_each ('[\"insurance.policies:view\",\"insurance.policies:manage\",\"insurance.claims:view\",\"insurance.claims:manage\",\"insurance.subscriptions:view\",\"insurance.subscriptions:manage\",\"insurance.risk:view\"]');"
  "END;"
  "INSERT OR IGNORE INTO roles (enterprise_id, name, builtin, created_at)"
  "  SELECT DISTINCT m.enterprise_id, j.value, 0, CAST (strftime ('%s', 'now') AS INTEGER)"
  "  FROM memberships m, json_each (m.roles) j WHERE j.value <> 'admin';"
  "INSERT INTO grants (enterprise_id, user_id, role_id, starts_on, ends_on, created_at)"
  "  SELECT m.enterprise_id, m.user_id, r.id, '2000-01-01', NULL, CAST (strftime ('%s', 'now') AS INTEGER)"
  "  FROM memberships m, json_each (m.roles) j JOIN roles r ON r.enterprise_id = m.enterprise_id"
  "    AND ((j.value = 'admin' AND r.builtin = 1) OR (j.value <> 'admin' AND r.name = j.value AND r.builtin = 0));"
  "UPDATE memberships SET roles = '[]';"
  /* the per-member "access" record (permissions) enters each feed once */
  "INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "  SELECT enterprise_id, user_id, 'access', user_id FROM memberships;"
  "CREATE TRIGGER memberships_access AFTER INSERT ON memberships BEGIN"
  "  INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "    VALUES (NEW.enterprise_id, NEW.user_id, 'access', NEW.user_id);"
  "END;",
  /* credit insurance (kouan-server-insurance.c): policies and claims of an
   * enterprise, the subscription categories with each user's
   * subscriptions, and the insurer's risk articles, which belong to no
   * enterprise: every enterprise's feed carries them. A new article in a
   * category posts one notice to each enterprise where a member
   * subscribed to it. */
  "CREATE TABLE insurance_policies ("
  "  id INTEGER PRIMARY KEY,"
  "  enterprise_id INTEGER NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,"
  "  number TEXT NOT NULL,"
  "  buyer TEXT NOT NULL,"
  "  buyer_country TEXT NOT NULL,"
  "  amount INTEGER NOT NULL,"
  "  currency TEXT NOT NULL,"
  "  starts_on TEXT NOT NULL,"
  "  ends_on TEXT NOT NULL,"
  "  status TEXT NOT NULL CHECK (status IN ('pending', 'effective', 'expired', 'rejected', 'returned')),"
  "  comment TEXT NOT NULL DEFAULT '',"
  "  notice_read INTEGER NOT NULL DEFAULT 1,"
  "  updated_at INTEGER NOT NULL);"
  "CREATE INDEX insurance_policies_enterprise ON insurance_policies (enterprise_id);"
  "CREATE TABLE insurance_claims ("
  "  id INTEGER PRIMARY KEY,"
  "  enterprise_id INTEGER NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,"
  "  policy_id INTEGER NOT NULL REFERENCES insurance_policies (id) ON DELETE CASCADE,"
  "  number TEXT NOT NULL,"
  "  buyer TEXT NOT NULL,"
  "  amount INTEGER NOT NULL,"
  "  currency TEXT NOT NULL,"
  "  loss_on TEXT NOT NULL,"
  "  submitted_on TEXT NOT NULL,"
  "  status TEXT NOT NULL CHECK (status IN ('submitted', 'reviewing', 'paid', 'rejected')),"
  "  notice_read INTEGER NOT NULL DEFAULT 1,"
  "  updated_at INTEGER NOT NULL);"
  "CREATE INDEX insurance_claims_enterprise ON insurance_claims (enterprise_id);"
  "CREATE INDEX insurance_claims_policy ON insurance_claims (policy_id);"
  "CREATE TABLE insurance_claim_events ("
  "  id INTEGER PRIMARY KEY,"
  "  claim_id INTEGER NOT NULL REFERENCES insurance_claims (id) ON DELETE CASCADE,"
  "  status TEXT NOT NULL,"
  "  comment TEXT NOT NULL DEFAULT '',"
  "  at INTEGER NOT NULL);"
  "CREATE INDEX insurance_claim_events_claim ON insurance_claim_events (claim_id, at);"
  "CREATE TABLE insurance_categories ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL UNIQUE,"
  "  position INTEGER NOT NULL);"
  "INSERT INTO insurance_categories (id, name, position) VALUES"
  "  (1, '国际贸易与投资要闻', 1), (2, '国别风险', 2), (3, '行业风险', 3),"
  "  (4, '买家风险', 4), (5, '政策法规', 5);"
  "CREATE TABLE insurance_subscriptions ("
  "  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  enterprise_id INTEGER NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,"
  "  category_id INTEGER NOT NULL REFERENCES insurance_categories (id) ON DELETE CASCADE,"
  "  PRIMARY KEY (user_id, enterprise_id, category_id)) WITHOUT ROWID;"
  "CREATE INDEX insurance_subscriptions_category ON insurance_subscriptions (category_id, enterprise_id);"
  "CREATE TABLE risk_articles ("
  "  id INTEGER PRIMARY KEY,"
  "  title TEXT NOT NULL,"
  "  source TEXT NOT NULL,"
  "  published_at INTEGER NOT NULL,"
  "  country TEXT NOT NULL,"
  "  industry TEXT NOT NULL,"
  "  category_id INTEGER NOT NULL REFERENCES insurance_categories (id),"
  "  body TEXT NOT NULL);"
  /* the enterprises that exist now get the global records in their feed;
   * later ones through the enterprise trigger below */
  "INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "  SELECT e.id, NULL, 'insurance_categories', c.id FROM enterprises e, insurance_categories c;"
  "CREATE TRIGGER enterprises_insert_insurance AFTER INSERT ON enterprises BEGIN"
  "  INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "    SELECT NEW.id, NULL, 'insurance_categories', id FROM insurance_categories;"
  "  INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "    SELECT NEW.id, NULL, 'risk_articles', id FROM risk_articles;"
  "END;"
  "CREATE TRIGGER insurance_policies_insert AFTER INSERT ON insurance_policies BEGIN"
  "  INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "    VALUES (NEW.enterprise_id, NULL, 'insurance_policies', NEW.id);"
  "END;"
  "CREATE TRIGGER insurance_policies_update AFTER UPDATE ON insurance_policies BEGIN"
  "  DELETE FROM changes WHERE enterprise_id = NEW.enterprise_id"
  "    AND collection = 'insurance_policies' AND record_id = NEW.id;"
  "  INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "    VALUES (NEW.enterprise_id, NULL, 'insurance_policies', NEW.id);"
  "END;"
  "CREATE TRIGGER insurance_policies_delete AFTER DELETE ON insurance_policies BEGIN"
  "  DELETE FROM changes WHERE enterprise_id = OLD.enterprise_id"
  "    AND collection = 'insurance_policies' AND record_id = OLD.id;"
  "  INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "    VALUES (OLD.enterprise_id, NULL, 'insurance_policies', OLD.id);"
  "END;"
  "CREATE TRIGGER insurance_claims_insert AFTER INSERT ON insurance_claims BEGIN"
  "  INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "    VALUES (NEW.enterprise_id, NULL, 'insurance_claims', NEW.id);"
  "END;"
  "CREATE TRIGGER insurance_claims_update AFTER UPDATE ON insurance_claims BEGIN"
  "  DELETE FROM changes WHERE enterprise_id = NEW.enterprise_id"
  "    AND collection = 'insurance_claims' AND record_id = NEW.id;"
  "  INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "    VALUES (NEW.enterprise_id, NULL, 'insurance_claims', NEW.id);"
  "END;"
  "CREATE TRIGGER insurance_claims_delete AFTER DELETE ON insurance_claims BEGIN"
  "  DELETE FROM changes WHERE enterprise_id = OLD.enterprise_id"
  "    AND collection = 'insurance_claims' AND record_id = OLD.id;"
  "  INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "    VALUES (OLD.enterprise_id, NULL, 'insurance_claims', OLD.id);"
  "END;"
  /* a new step of the claim's history is part of the claim's record */
  "CREATE TRIGGER insurance_claim_events_insert AFTER INSERT ON insurance_claim_events BEGIN"
  "  DELETE FROM changes WHERE collection = 'insurance_claims' AND record_id = NEW.claim_id"
  "    AND enterprise_id = (SELECT enterprise_id FROM insurance_claims WHERE id = NEW.claim_id);"
  "  INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "    SELECT enterprise_id, NULL, 'insurance_claims', id"
  "    FROM insurance_claims WHERE id = NEW.claim_id;"
  "END;"
  "CREATE TRIGGER insurance_subscriptions_insert AFTER INSERT ON insurance_subscriptions BEGIN"
  "  DELETE FROM changes WHERE enterprise_id = NEW.enterprise_id AND user_id = NEW.user_id"
  "    AND collection = 'insurance_categories' AND record_id = NEW.category_id;"
  "  INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "    VALUES (NEW.enterprise_id, NEW.user_id, 'insurance_categories', NEW.category_id);"
  "END;"
  "CREATE TRIGGER insurance_subscriptions_delete AFTER DELETE ON insurance_subscriptions BEGIN"
  "  DELETE FROM changes WHERE enterprise_id = OLD.enterprise_id AND user_id = OLD.user_id"
  "    AND collection = 'insurance_categories' AND record_id = OLD.category_id;"
  "  INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "    VALUES (OLD.enterprise_id, OLD.user_id, 'insurance_categories', OLD.category_id);"
  "END;"
  "CREATE TRIGGER risk_articles_insert AFTER INSERT ON risk_articles BEGIN"
  "  INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "    SELECT id, NULL, 'risk_articles', NEW.id FROM enterprises;"
  "  INSERT INTO messages (enterprise_id, kind, category, title, body, created_at)"
  "    SELECT DISTINCT s.enterprise_id, 'notice', '信息订阅',"
  "      '【' || c.name || '】' || NEW.title,"
  "      NEW.country || ' · ' || NEW.industry || ' · ' || NEW.source || char (10) || char (10) ||"
  "      substr (NEW.body, 1, 300),"
  "      NEW.published_at"
  "    FROM insurance_subscriptions s JOIN insurance_categories c ON c.id = s.category_id"
  "    WHERE s.category_id = NEW.category_id;"
  "END;"
  "CREATE TRIGGER risk_articles_update AFTER UPDATE ON risk_articles BEGIN"
  "  DELETE FROM changes WHERE collection = 'risk_articles' AND record_id = NEW.id;"
  "  INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "    SELECT id, NULL, 'risk_articles', NEW.id FROM enterprises;"
  "END;"
  "CREATE TRIGGER risk_articles_delete AFTER DELETE ON risk_articles BEGIN"
  "  DELETE FROM changes WHERE collection = 'risk_articles' AND record_id = OLD.id;"
  "  INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "    SELECT id, NULL, 'risk_articles', OLD.id FROM enterprises;"
  "END;",
  /* personal center (kouan-server-personal*.c): profiles and declaration
   * preferences are per user, so their changes carry the user's id and
   * are written into each enterprise feed the user is in (and into the
   * feed of an enterprise they join later); an enterprise's certification
   * is for all of its members. join_requests: the personal center creates
   * them (pending); the administrator center decides them (status,
   * decided_at, decided_by). */
  "CREATE TABLE profiles ("
  "  user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,"
  "  gender TEXT NOT NULL DEFAULT 'unspecified'"
  "    CHECK (gender IN ('unspecified', 'male', 'female')),"
  "  avatar_image INTEGER,"
  "  seal_image INTEGER,"
  "  phone TEXT NOT NULL DEFAULT '',"
  "  email TEXT NOT NULL DEFAULT '');"
  "CREATE TABLE declaration_preferences ("
  "  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  enterprise_id INTEGER NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,"
  "  remember_last INTEGER NOT NULL DEFAULT 1,"
  "  check_hs_codes INTEGER NOT NULL DEFAULT 1,"
  "  warn_duplicates INTEGER NOT NULL DEFAULT 1,"
  "  autofill_consignee INTEGER NOT NULL DEFAULT 0,"
  "  confirm_submit INTEGER NOT NULL DEFAULT 1,"
  "  PRIMARY KEY (user_id, enterprise_id)) WITHOUT ROWID;"
  "CREATE TABLE join_requests ("
  "  id INTEGER PRIMARY KEY,"
  "  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  enterprise_id INTEGER NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,"
  "  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),"
  "  created_at INTEGER NOT NULL,"
  "  decided_at INTEGER,"
  "  decided_by INTEGER REFERENCES users (id) ON DELETE SET NULL);"
  "CREATE INDEX join_requests_user ON join_requests (user_id, enterprise_id);"
  "CREATE INDEX join_requests_enterprise ON join_requests (enterprise_id, status);"
  "CREATE TABLE certifications ("
  "  enterprise_id INTEGER PRIMARY KEY REFERENCES enterprises (id) ON DELETE CASCADE,"
  "  status TEXT NOT NULL CHECK (status IN ('pending', 'certified', 'rejected')),"
  "  legal_representative TEXT NOT NULL,"
  "  licence_number TEXT NOT NULL,"
  "  licence_image INTEGER,"
  "  contact TEXT NOT NULL,"
  "  reason TEXT,"
  "  submitted_by INTEGER REFERENCES users (id) ON DELETE SET NULL,"
  "  submitted_at INTEGER NOT NULL,"
  "  decided_at INTEGER);"
  "CREATE TABLE card_certificate_details ("
  "  fingerprint TEXT PRIMARY KEY,"
  "  holder TEXT NOT NULL,"
  "  not_after INTEGER NOT NULL) WITHOUT ROWID;"
  "CREATE TRIGGER profiles_insert AFTER INSERT ON profiles BEGIN"
  "  DELETE FROM changes WHERE enterprise_id IN (SELECT enterprise_id FROM memberships WHERE user_id = NEW.user_id)"
  "    AND collection = 'profile' AND record_id = NEW.user_id AND user_id = NEW.user_id;"
  "  INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "    SELECT enterprise_id, NEW.user_id, 'profile', NEW.user_id FROM memberships WHERE user_id = NEW.user_id;"
  "END;"
  "CREATE TRIGGER profiles_update AFTER UPDATE ON profiles BEGIN"
  "  DELETE FROM changes WHERE enterprise_id IN (SELECT enterprise_id FROM memberships WHERE user_id = NEW.user_id)"
  "    AND collection = 'profile' AND record_id = NEW.user_id AND user_id = NEW.user_id;"
  "  INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "    SELECT enterprise_id, NEW.user_id, 'profile', NEW.user_id FROM memberships WHERE user_id = NEW.user_id;"
  "END;"
  "CREATE TRIGGER users_name_profile AFTER UPDATE OF name ON users"
  "  WHEN OLD.name IS NOT NEW.name BEGIN"
  "  DELETE FROM changes WHERE enterprise_id IN (SELECT enterprise_id FROM memberships WHERE user_id = NEW.id)"
  "    AND collection = 'profile' AND record_id = NEW.id AND user_id = NEW.id;"
  "  INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "    SELECT enterprise_id, NEW.id, 'profile', NEW.id FROM memberships WHERE user_id = NEW.id;"
  "END;"
  "CREATE TRIGGER memberships_personal AFTER INSERT ON memberships BEGIN"
  "  INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "    VALUES (NEW.enterprise_id, NEW.user_id, 'profile', NEW.user_id),"
  "           (NEW.enterprise_id, NEW.user_id, 'preferences', NEW.user_id);"
  "END;"
  "CREATE TRIGGER preferences_insert AFTER INSERT ON declaration_preferences BEGIN"
  "  DELETE FROM changes WHERE enterprise_id = NEW.enterprise_id AND collection = 'preferences'"
  "    AND record_id = NEW.user_id AND user_id = NEW.user_id;"
  "  INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "    VALUES (NEW.enterprise_id, NEW.user_id, 'preferences', NEW.user_id);"
  "END;"
  "CREATE TRIGGER preferences_update AFTER UPDATE ON declaration_preferences BEGIN"
  "  DELETE FROM changes WHERE enterprise_id = NEW.enterprise_id AND collection = 'preferences'"
  "    AND record_id = NEW.user_id AND user_id = NEW.user_id;"
  "  INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "    VALUES (NEW.enterprise_id, NEW.user_id, 'preferences', NEW.user_id);"
  "END;"
  "CREATE TRIGGER enterprises_certification AFTER INSERT ON enterprises BEGIN"
  "  INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "    VALUES (NEW.id, NULL, 'certification', NEW.id);"
  "END;"
  "CREATE TRIGGER certifications_insert AFTER INSERT ON certifications BEGIN"
  "  DELETE FROM changes WHERE enterprise_id = NEW.enterprise_id AND collection = 'certification'"
  "    AND record_id = NEW.enterprise_id;"
  "  INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "    VALUES (NEW.enterprise_id, NULL, 'certification', NEW.enterprise_id);"
  "END;"
  "CREATE TRIGGER certifications_update AFTER UPDATE ON certifications BEGIN"
  "  DELETE FROM changes WHERE enterprise_id = NEW.enterprise_id AND collection = 'certification'"
  "    AND record_id = NEW.enterprise_id;"
  "  INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "    VALUES (NEW.enterprise_id, NULL, 'certification', NEW.enterprise_id);"
  "END;"
  /* records that existed before this step enter the feeds once */
  "INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "  SELECT id, NULL, 'certification', id FROM enterprises;"
  "INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "  SELECT enterprise_id, user_id, 'profile', user_id FROM memberships;"
  "INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "  SELECT enterprise_id, user_id, 'preferences', user_id FROM memberships;",

  /* 8: mutation ids are kept KOUAN_MUTATION_RETENTION, then pruned
   * (docs/architecture.md, "The outbox and mutation ids"); the ids already
   * stored count from now */
  "ALTER TABLE applied_mutations ADD COLUMN applied_at INTEGER NOT NULL DEFAULT 0;"
  "UPDATE applied_mutations SET applied_at = CAST (strftime ('%s', 'now') AS INTEGER);"
  "CREATE INDEX applied_mutations_age ON applied_mutations (applied_at);",

  /* 9: images no record refers to are collected after a grace period
   * (kouan-server-images.c, kouan_server_images_collect). unreferenced_since
   * is when the image was uploaded or first seen without a referrer; NULL
   * while a record refers to it. Images stored before this step count
   * from now. An id must never come back for other content (clients
   * cache an image under its id for a year), but without AUTOINCREMENT
   * SQLite gives a deleted highest id again, and the table cannot be
   * rebuilt with it while foreign keys point at it: image_ids keeps the
   * highest id ever given, and the images storage (kouan-storage-sqlite-images.c)
   * takes the next. */
  "ALTER TABLE images ADD COLUMN unreferenced_since INTEGER;"
  "UPDATE images SET unreferenced_since = CAST (strftime ('%s', 'now') AS INTEGER);"
  "CREATE INDEX images_unreferenced ON images (unreferenced_since)"
  "  WHERE unreferenced_since IS NOT NULL;"
  "CREATE TABLE image_ids (last INTEGER NOT NULL);"
  "INSERT INTO image_ids SELECT COALESCE (MAX (id), 0) FROM images;"
  "CREATE TRIGGER images_last_id AFTER INSERT ON images BEGIN"
  "  UPDATE image_ids SET last = MAX (last, NEW.id);"
  "END;",

  /* 10: the admin center's people pages as synced collections (members,
   * roles, departments, audit; kouan-server-people.c): every write that
   * changes what one of their records shows leaves a change row. A member
   * record carries its grants and the names of its roles and department,
   * so renaming those touches the members that show them. */
  "CREATE TRIGGER people_memberships_insert AFTER INSERT ON memberships BEGIN"
  TOUCH ("members", "NEW.enterprise_id", "NEW.user_id")
  TOUCH_IF ("departments", "NEW.enterprise_id", "NEW.department_id")
  "END;"
  "CREATE TRIGGER people_memberships_update AFTER UPDATE ON memberships"
  "  WHEN OLD.status IS NOT NEW.status OR OLD.department_id IS NOT NEW.department_id"
  "    OR OLD.registered_on IS NOT NEW.registered_on BEGIN"
  TOUCH ("members", "NEW.enterprise_id", "NEW.user_id")
  TOUCH_IF ("departments", "NEW.enterprise_id", "NEW.department_id")
  TOUCH_IF ("departments", "OLD.enterprise_id", "OLD.department_id")
  "END;"
  "CREATE TRIGGER people_memberships_delete AFTER DELETE ON memberships BEGIN"
  TOUCH ("members", "OLD.enterprise_id", "OLD.user_id")
  TOUCH_IF ("departments", "OLD.enterprise_id", "OLD.department_id")
  "END;"
  "CREATE TRIGGER people_users_update AFTER UPDATE ON users"
  "  WHEN OLD.name IS NOT NEW.name OR OLD.account IS NOT NEW.account BEGIN"
  "  DELETE FROM changes WHERE collection = 'members' AND record_id = NEW.id AND user_id IS NULL;"
  "  INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "    SELECT enterprise_id, NULL, 'members', user_id FROM memberships WHERE user_id = NEW.id;"
  "END;"
  "CREATE TRIGGER people_grants_insert AFTER INSERT ON grants BEGIN"
  TOUCH ("members", "NEW.enterprise_id", "NEW.user_id")
  "END;"
  "CREATE TRIGGER people_grants_update AFTER UPDATE ON grants"
  "  WHEN OLD.starts_on IS NOT NEW.starts_on OR OLD.ends_on IS NOT NEW.ends_on"
  "    OR OLD.role_id IS NOT NEW.role_id BEGIN"
  TOUCH ("members", "NEW.enterprise_id", "NEW.user_id")
  "END;"
  "CREATE TRIGGER people_grants_delete AFTER DELETE ON grants BEGIN"
  TOUCH ("members", "OLD.enterprise_id", "OLD.user_id")
  "END;"
  "CREATE TRIGGER people_roles_insert AFTER INSERT ON roles BEGIN"
  TOUCH ("roles", "NEW.enterprise_id", "NEW.id")
  "END;"
  "CREATE TRIGGER people_roles_update AFTER UPDATE ON roles BEGIN"
  TOUCH ("roles", "NEW.enterprise_id", "NEW.id")
  "  DELETE FROM changes WHERE enterprise_id = NEW.enterprise_id AND collection = 'members'"
  "    AND user_id IS NULL AND record_id IN (SELECT user_id FROM grants WHERE role_id = NEW.id);"
  "  INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "    SELECT DISTINCT NEW.enterprise_id, NULL, 'members', user_id FROM grants WHERE role_id = NEW.id;"
  "END;"
  "CREATE TRIGGER people_roles_delete AFTER DELETE ON roles BEGIN"
  TOUCH ("roles", "OLD.enterprise_id", "OLD.id")
  "END;"
  "CREATE TRIGGER people_role_permissions_insert AFTER INSERT ON role_permissions BEGIN"
  "  DELETE FROM changes WHERE collection = 'roles' AND record_id = NEW.role_id AND user_id IS NULL;"
  "  INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "    SELECT enterprise_id, NULL, 'roles', id FROM roles WHERE id = NEW.role_id;"
  "END;"
  "CREATE TRIGGER people_role_permissions_delete AFTER DELETE ON role_permissions BEGIN"
  "  DELETE FROM changes WHERE collection = 'roles' AND record_id = OLD.role_id AND user_id IS NULL;"
  "  INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "    SELECT enterprise_id, NULL, 'roles', id FROM roles WHERE id = OLD.role_id;"
  "END;"
  "CREATE TRIGGER people_departments_insert AFTER INSERT ON departments BEGIN"
  TOUCH ("departments", "NEW.enterprise_id", "NEW.id")
  "END;"
  "CREATE TRIGGER people_departments_update AFTER UPDATE ON departments BEGIN"
  TOUCH ("departments", "NEW.enterprise_id", "NEW.id")
  "  DELETE FROM changes WHERE enterprise_id = NEW.enterprise_id AND collection = 'members'"
  "    AND user_id IS NULL AND record_id IN (SELECT user_id FROM memberships"
  "      WHERE enterprise_id = NEW.enterprise_id AND department_id = NEW.id);"
  "  INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "    SELECT NEW.enterprise_id, NULL, 'members', user_id FROM memberships"
  "    WHERE enterprise_id = NEW.enterprise_id AND department_id = NEW.id;"
  "END;"
  "CREATE TRIGGER people_departments_delete AFTER DELETE ON departments BEGIN"
  TOUCH ("departments", "OLD.enterprise_id", "OLD.id")
  "END;"
  "CREATE TRIGGER people_audit_insert AFTER INSERT ON audit_log BEGIN"
  "  INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "    VALUES (NEW.enterprise_id, NULL, 'audit', NEW.id);"
  "END;"
  /* the records that exist enter the feeds once */
  "INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "  SELECT enterprise_id, NULL, 'members', user_id FROM memberships;"
  "INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "  SELECT enterprise_id, NULL, 'roles', id FROM roles;"
  "INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "  SELECT enterprise_id, NULL, 'departments', id FROM departments;"
  "INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "  SELECT enterprise_id, NULL, 'audit', id FROM audit_log;",
  /* 11: who made the latest change of a record by a mutation, and when,
   * with the feed seq that change got (kouan-server-conflict.c) */
  "CREATE TABLE record_edits ("
  "  enterprise_id INTEGER NOT NULL,"
  "  collection    TEXT NOT NULL,"
  "  record_id     INTEGER NOT NULL,"
  "  user_id       INTEGER REFERENCES users (id) ON DELETE SET NULL,"
  "  seq           INTEGER NOT NULL,"
  "  at            INTEGER NOT NULL,"
  "  PRIMARY KEY (enterprise_id, collection, record_id)) WITHOUT ROWID;",
  /* 12: a bound IC card's details (holder, serial, expiry) on its binding,
   * whether its coming expiry was announced, and the account's cards
   * found by account (kouan-storage-sqlite.c, card area) */
  "ALTER TABLE card_certificates ADD COLUMN holder TEXT;"
  "ALTER TABLE card_certificates ADD COLUMN serial TEXT;"
  "ALTER TABLE card_certificates ADD COLUMN not_after INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE card_certificates ADD COLUMN expiry_announced INTEGER NOT NULL DEFAULT 0;"
  "UPDATE card_certificates SET"
  "  holder = (SELECT d.holder FROM card_certificate_details d"
  "            WHERE d.fingerprint = card_certificates.fingerprint),"
  "  not_after = COALESCE ((SELECT d.not_after FROM card_certificate_details d"
  "                         WHERE d.fingerprint = card_certificates.fingerprint), 0);"
  "CREATE INDEX card_certificates_user ON card_certificates (user_id);",
  /* 13: messages you can act on (issue 15): the record's "actions" as
   * JSON text, written only by the server's own code (demo data, grant
   * notices); NULL for none */
  "ALTER TABLE messages ADD COLUMN actions TEXT;",
  /* 14: a member record carries the member's bound IC cards (issue 17;
   * kouan-server-people.c): binding, unbinding or revoking a card touches
   * the member in every enterprise they belong to */
  "CREATE TRIGGER people_cards_insert AFTER INSERT ON card_certificates BEGIN"
  "  DELETE FROM changes WHERE collection = 'members' AND record_id = NEW.user_id AND user_id IS NULL;"
  "  INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "    SELECT enterprise_id, NULL, 'members', user_id FROM memberships WHERE user_id = NEW.user_id;"
  "END;"
  "CREATE TRIGGER people_cards_update AFTER UPDATE ON card_certificates"
  "  WHEN OLD.user_id IS NOT NEW.user_id OR OLD.active IS NOT NEW.active"
  "    OR OLD.holder IS NOT NEW.holder OR OLD.serial IS NOT NEW.serial"
  "    OR OLD.not_after IS NOT NEW.not_after OR OLD.created_at IS NOT NEW.created_at BEGIN"
  "  DELETE FROM changes WHERE collection = 'members' AND user_id IS NULL"
  "    AND record_id IN (OLD.user_id, NEW.user_id);"
  "  INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "    SELECT enterprise_id, NULL, 'members', user_id FROM memberships"
  "    WHERE user_id IN (OLD.user_id, NEW.user_id);"
  "END;"
  "CREATE TRIGGER people_cards_delete AFTER DELETE ON card_certificates BEGIN"
  "  DELETE FROM changes WHERE collection = 'members' AND record_id = OLD.user_id AND user_id IS NULL;"
  "  INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "    SELECT enterprise_id, NULL, 'members', user_id FROM memberships WHERE user_id = OLD.user_id;"
  "END;"
  /* the members that have cards now carry them */
  "DELETE FROM changes WHERE collection = 'members' AND user_id IS NULL"
  "  AND record_id IN (SELECT user_id FROM card_certificates WHERE active);"
  "INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
  "  SELECT m.enterprise_id, NULL, 'members', m.user_id FROM memberships m"
  "  WHERE m.user_id IN (SELECT user_id FROM card_certificates WHERE active);",
};

static gboolean
set_db_error (KouanServer  *self,
              GError      **error,
              const char   *what)
{
  g_set_error (error, KOUAN_SERVER_ERROR, KOUAN_SERVER_ERROR_DB,
               "%s: %s", what, sqlite3_errmsg (self->db));
  return FALSE;
}

gboolean
kouan_server_db_exec (KouanServer  *self,
                      const char   *sql,
                      GError      **error)
{
  char *message = NULL;

  if (sqlite3_exec (self->db, sql, NULL, NULL, &message) != SQLITE_OK)
    {
      g_set_error (error, KOUAN_SERVER_ERROR, KOUAN_SERVER_ERROR_DB,
                   "%s", message != NULL ? message : "unknown SQLite error");
      sqlite3_free (message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
migrate (KouanServer  *self,
         GError      **error)
{
  sqlite3_stmt *stmt = kouan_server_db_stmt (self, "PRAGMA user_version");
  int version = 0;

  if (sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  sqlite3_reset (stmt);

  if (version > (int) G_N_ELEMENTS (migrations))
    {
      g_set_error (error, KOUAN_SERVER_ERROR, KOUAN_SERVER_ERROR_DB,
                   "The database was written by a newer kouan-server (schema %d)",
                   version);
      return FALSE;
    }

  for (int i = version; i < (int) G_N_ELEMENTS (migrations); i++)
    {
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %d", i + 1);

      /* Each step and its version bump commit together, so a crash
       * mid-migration leaves the previous schema intact. */
      if (!kouan_server_db_begin (self, error))
        return FALSE;
      if (!kouan_server_db_exec (self, migrations[i], error) ||
          !kouan_server_db_exec (self, bump, error) ||
          !kouan_server_db_commit (self, error))
        {
          kouan_server_db_rollback (self);
          return FALSE;
        }
      g_debug ("Database migrated to schema %d", i + 1);
    }

  return TRUE;
}

static void
finalize_stmt (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

gint64
kouan_server_db_prune_mutations (KouanServer *self,
                                 gint64       now)
{
  g_autoptr(GError) error = NULL;
  gint64 count = 0;

  if (!self->storage->feed->mutations_prune (self->storage, now - KOUAN_MUTATION_RETENTION,
                                             &count, &error))
    {
      g_warning ("Pruning old mutation ids: %s", error->message);
      return -1;
    }
  return count;
}

static gboolean
on_prune_mutations (gpointer data)
{
  kouan_server_db_prune_mutations (data, g_get_real_time () / G_USEC_PER_SEC);
  return G_SOURCE_CONTINUE;
}

/* kouan_member_status (membership_status, today, periods): a member's
 * status by the one rule in core (kouan-grant-status.h), so the staff
 * list's filter and its rows say what the app and 我的角色 say. @periods
 * is group_concat of "starts_on~ends_on" (ends_on empty when open). */
static void
sql_member_status (sqlite3_context *context,
                   int              argc,
                   sqlite3_value  **argv)
{
  const char *membership = (const char *) sqlite3_value_text (argv[0]);
  const char *today = (const char *) sqlite3_value_text (argv[1]);
  const char *periods = (const char *) sqlite3_value_text (argv[2]);
  g_auto(GStrv) items = periods != NULL ? g_strsplit (periods, ",", -1) : NULL;
  KouanMemberStatusFold fold;
  KouanGrantStatus status;

  kouan_member_status_fold_init (&fold);
  for (guint i = 0; items != NULL && items[i] != NULL; i++)
    {
      g_auto(GStrv) ends = g_strsplit (items[i], "~", 2);

      if (ends[0] != NULL && ends[1] != NULL)
        kouan_member_status_fold_add (&fold, ends[0], *ends[1] != '\0' ? ends[1] : NULL, today);
    }
  status = kouan_member_status_fold_result (&fold, g_strcmp0 (membership, "disabled") == 0, NULL);
  sqlite3_result_text (context, kouan_grant_status_to_string (status), -1, SQLITE_STATIC);
}

gboolean
kouan_server_db_open (KouanServer  *self,
                      const char   *path,
                      GError      **error)
{
  g_return_val_if_fail (self->db == NULL, FALSE);

  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, finalize_stmt);

  if (sqlite3_open_v2 (path, &self->db,
                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                       NULL) != SQLITE_OK)
    {
      set_db_error (self, error, "Cannot open the database");
      kouan_server_db_close (self);
      return FALSE;
    }

  sqlite3_busy_timeout (self->db, 5000);
  sqlite3_extended_result_codes (self->db, 1);
  sqlite3_create_function_v2 (self->db, "kouan_member_status", 3,
                              SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                              sql_member_status, NULL, NULL, NULL);

  if (!kouan_server_db_exec (self,
                             "PRAGMA journal_mode = WAL;"
                             "PRAGMA synchronous = NORMAL;"
                             /* statement journals (every write that fires a
                              * trigger) stay off the disk */
                             "PRAGMA temp_store = MEMORY;"
                             "PRAGMA foreign_keys = ON;",
                             error) ||
      !migrate (self, error))
    {
      kouan_server_db_close (self);
      return FALSE;
    }
  self->storage = kouan_storage_sqlite_new (self->db);

  /* At start and hourly, so no id outlives the retention by more than an
   * hour however long the server runs. */
  kouan_server_db_prune_mutations (self, g_get_real_time () / G_USEC_PER_SEC);
  self->prune_timer = g_timeout_add_seconds (60 * 60, on_prune_mutations, self);
  return TRUE;
}

void
kouan_server_db_close (KouanServer *self)
{
  g_clear_handle_id (&self->prune_timer, g_source_remove);
  g_clear_pointer (&self->storage, kouan_storage_free);
  g_clear_pointer (&self->statements, g_hash_table_unref);
  g_clear_error (&self->db_failure);
  if (self->db != NULL)
    {
      if (sqlite3_close (self->db) != SQLITE_OK)
        g_warning ("Closing the database: %s", sqlite3_errmsg (self->db));
      self->db = NULL;
    }
}

sqlite3_stmt *
kouan_server_db_stmt (KouanServer *self,
                      const char  *sql)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->statements, sql);

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  /* The SQL text is a constant in this program: a failure is a bug. */
  if (sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
    g_error ("Bad SQL (%s): %s", sqlite3_errmsg (self->db), sql);

  g_hash_table_insert (self->statements, (gpointer) sql, stmt);
  return stmt;
}

sqlite3_stmt *
kouan_server_db_prepare (KouanServer *self,
                         const char  *sql)
{
  sqlite3_stmt *stmt = NULL;

  /* Built from constant pieces by the caller: a failure is a bug too. No
   * PERSISTENT flag: the statement lives for one request. */
  if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("Bad SQL (%s): %s", sqlite3_errmsg (self->db), sql);
  return stmt;
}

gboolean
kouan_server_db_row (KouanServer  *self,
                     sqlite3_stmt *stmt)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc != SQLITE_DONE && self->db_failure == NULL)
    {
      /* Only the first error is kept: it is the cause of the others. */
      g_set_error (&self->db_failure, KOUAN_SERVER_ERROR, KOUAN_SERVER_ERROR_DB,
                   "Reading the database: %s", sqlite3_errmsg (self->db));
      g_warning ("%s (%s)", self->db_failure->message, sqlite3_sql (stmt));
    }
  return FALSE;
}

char *
kouan_server_db_like_escape (const char *text)
{
  GString *escaped = g_string_sized_new (strlen (text) + 8);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '%' || *p == '_' || *p == '\\')
        g_string_append_c (escaped, '\\');
      g_string_append_c (escaped, *p);
    }
  return g_string_free (escaped, FALSE);
}

void
kouan_server_storage_failed (KouanServer  *self,
                             const GError *error)
{
  if (self->db_failure != NULL)
    return;
  self->db_failure = g_error_new_literal (KOUAN_SERVER_ERROR, KOUAN_SERVER_ERROR_DB, error->message);
  g_warning ("%s", error->message);
}

void
kouan_server_db_failure_clear (KouanServer *self)
{
  g_clear_error (&self->db_failure);
}

gboolean
kouan_server_db_failed (KouanServer  *self,
                        GError      **error)
{
  if (self->db_failure == NULL)
    return FALSE;
  if (error != NULL)
    *error = g_error_copy (self->db_failure);
  return TRUE;
}

gboolean
kouan_server_db_step_done (KouanServer   *self,
                           sqlite3_stmt  *stmt,
                           GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      set_db_error (self, error, "Database write failed");
      sqlite3_reset (stmt);
      return FALSE;
    }
  sqlite3_reset (stmt);
  return TRUE;
}

gboolean
kouan_server_db_begin (KouanServer  *self,
                       GError      **error)
{
  /* IMMEDIATE takes the write lock up front, so a transaction never fails
   * half way because another connection (an operator's shell) wrote. */
  return kouan_server_db_exec (self, "BEGIN IMMEDIATE", error);
}

gboolean
kouan_server_db_commit (KouanServer  *self,
                        GError      **error)
{
  /* A read that failed inside the transaction may have left the change
   * built on partial data: never commit that. */
  if (kouan_server_db_failed (self, error))
    {
      kouan_server_db_rollback (self);
      return FALSE;
    }
  return kouan_server_db_exec (self, "COMMIT", error);
}

void
kouan_server_db_rollback (KouanServer *self)
{
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

gint64
kouan_server_db_max_seq (KouanServer *self,
                         gint64       enterprise_id,
                         gint64       user_id)
{
  g_autoptr(GError) error = NULL;
  gint64 seq = 0;

  if (!self->storage->feed->changes_newest (self->storage, enterprise_id, user_id, &seq, &error))
    kouan_server_storage_failed (self, error);
  return seq;
}

gboolean
kouan_server_db_is_member (KouanServer *self,
                           gint64       user_id,
                           gint64       enterprise_id)
{
  sqlite3_stmt *stmt = kouan_server_db_stmt (self,
    "SELECT 1 FROM memberships WHERE user_id = ?1 AND enterprise_id = ?2"
    " AND status = 'active'"); /* a disabled member is no member (admin issue) */
  gboolean member;

  sqlite3_bind_int64 (stmt, 1, user_id);
  sqlite3_bind_int64 (stmt, 2, enterprise_id);
  member = kouan_server_db_row (self, stmt);
  sqlite3_reset (stmt);
  return member;
}

gboolean
kouan_server_db_membership_end (KouanServer  *self,
                                gint64        user_id,
                                gint64        enterprise_id,
                                GError      **error)
{
  sqlite3_stmt *stmt;

  if (!kouan_server_db_begin (self, error))
    return FALSE;
  stmt = kouan_server_db_stmt (self, "DELETE FROM grants WHERE user_id = ?1 AND enterprise_id = ?2");
  sqlite3_bind_int64 (stmt, 1, user_id);
  sqlite3_bind_int64 (stmt, 2, enterprise_id);
  if (kouan_server_db_step_done (self, stmt, error))
    {
      stmt = kouan_server_db_stmt (self,
        "DELETE FROM memberships WHERE user_id = ?1 AND enterprise_id = ?2");
      sqlite3_bind_int64 (stmt, 1, user_id);
      sqlite3_bind_int64 (stmt, 2, enterprise_id);
      if (kouan_server_db_step_done (self, stmt, error) && kouan_server_db_commit (self, error))
        return TRUE;
    }
  kouan_server_db_rollback (self);
  return FALSE;
}

GArray *
kouan_server_db_user_enterprises (KouanServer *self,
                                  gint64       user_id)
{
  GArray *enterprises = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GError) error = NULL;

  if (!self->storage->people->user_enterprises (self->storage, user_id, FALSE, enterprises,
                                                &error))
    kouan_server_storage_failed (self, error);
  return enterprises;
}

JsonObject *
kouan_server_db_user_json (KouanServer *self,
                           gint64       user_id)
{
  sqlite3_stmt *stmt = kouan_server_db_stmt (self,
    "SELECT account, name FROM users WHERE id = ?1");
  JsonObject *user = NULL;

  sqlite3_bind_int64 (stmt, 1, user_id);
  if (kouan_server_db_row (self, stmt))
    {
      user = json_object_new ();
      json_object_set_int_member (user, "id", user_id);
      json_object_set_string_member (user, "account", kouan_server_db_column_text (stmt, 0));
      json_object_set_string_member (user, "name", kouan_server_db_column_text (stmt, 1));
    }
  sqlite3_reset (stmt);
  return user;
}

static JsonObject *
enterprise_from_row (sqlite3_stmt *stmt,
                     int           first)
{
  JsonObject *enterprise = json_object_new ();

  json_object_set_int_member (enterprise, "id", sqlite3_column_int64 (stmt, first));
  json_object_set_string_member (enterprise, "name", kouan_server_db_column_text (stmt, first + 1));
  json_object_set_string_member (enterprise, "credit_code", kouan_server_db_column_text (stmt, first + 2));
  json_object_set_boolean_member (enterprise, "certified", sqlite3_column_int (stmt, first + 3) != 0);
  return enterprise;
}

JsonObject *
kouan_server_db_enterprise_json (KouanServer *self,
                                 gint64       enterprise_id)
{
  sqlite3_stmt *stmt = kouan_server_db_stmt (self,
    "SELECT id, name, credit_code, certified FROM enterprises WHERE id = ?1");
  JsonObject *enterprise = NULL;

  sqlite3_bind_int64 (stmt, 1, enterprise_id);
  if (kouan_server_db_row (self, stmt))
    enterprise = enterprise_from_row (stmt, 0);
  sqlite3_reset (stmt);
  return enterprise;
}

JsonArray *
kouan_server_db_memberships_json (KouanServer *self,
                                  gint64       user_id)
{
  sqlite3_stmt *stmt = kouan_server_db_stmt (self,
    "SELECT e.id, e.name, e.credit_code, e.certified, m.roles"
    " FROM memberships m JOIN enterprises e ON e.id = m.enterprise_id"
    " WHERE m.user_id = ?1 AND m.status = 'active' ORDER BY e.id");
  JsonArray *memberships = json_array_new ();

  sqlite3_bind_int64 (stmt, 1, user_id);
  while (kouan_server_db_row (self, stmt))
    {
      JsonObject *membership = json_object_new ();

      json_object_set_object_member (membership, "enterprise", enterprise_from_row (stmt, 0));
      /* roles: those with a grant valid today ("admin" for the built-in
       * role), permissions: the effective set (kouan-server-authz.c) */
      json_object_set_array_member (membership, "roles",
                                    kouan_server_authz_roles_json (self, user_id, sqlite3_column_int64 (stmt, 0)));
      json_object_set_array_member (membership, "permissions",
                                    kouan_server_authz_permissions_json (self, user_id, sqlite3_column_int64 (stmt, 0)));
      json_array_add_object_element (memberships, membership);
    }
  sqlite3_reset (stmt);
  return memberships;
}

/* The stored "actions" (always an array on the wire, empty for none). */
static JsonNode *
message_actions_node (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = text != NULL ? kouan_json_parse (text, -1, &error) : NULL;

  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    return node;
  if (text != NULL)
    g_warning ("A message's stored actions are not a JSON array: %s",
               error != NULL ? error->message : text);
  g_clear_pointer (&node, json_node_unref);
  node = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (node, json_array_new ());
  return node;
}

/* (nullable): the message as @user_id sees it (docs/api.md, "message");
 * NULL when there is none or after logging a storage failure. */
JsonObject *
kouan_server_db_message_json (KouanServer *self,
                              gint64       enterprise_id,
                              gint64       message_id,
                              gint64       user_id)
{
  g_auto(KouanStoredMessage) stored = { 0 };
  g_autoptr(GError) error = NULL;
  JsonObject *message;

  if (!self->storage->messages->message_get (self->storage, enterprise_id, message_id, user_id,
                                             &stored, &error))
    {
      kouan_server_storage_failed (self, error);
      return NULL;
    }
  if (stored.id == 0)
    return NULL;
  message = json_object_new ();
  json_object_set_int_member (message, "id", message_id);
  json_object_set_string_member (message, "kind", stored.kind);
  json_object_set_string_member (message, "category", stored.category);
  json_object_set_string_member (message, "title", stored.title);
  json_object_set_string_member (message, "body", stored.body);
  if (stored.severity == NULL)
    json_object_set_null_member (message, "severity");
  else
    json_object_set_string_member (message, "severity", stored.severity);
  json_object_set_int_member (message, "created_at", stored.created_at);
  json_object_set_boolean_member (message, "read", stored.read);
  json_object_set_boolean_member (message, "starred", stored.starred);
  json_object_set_member (message, "actions", message_actions_node (stored.actions));
  return message;
}

/* The text of @column, "" for NULL (borrowed from @stmt). */
const char *
kouan_server_db_column_text (sqlite3_stmt *stmt,
                             int           column)
{
  const char *text = (const char *) sqlite3_column_text (stmt, column);

  return text != NULL ? text : "";
}

/* Sets @member of @object to @column's text, or to null where it is NULL. */
void
kouan_server_db_set_text_or_null (JsonObject   *object,
                                  const char   *member,
                                  sqlite3_stmt *stmt,
                                  int           column)
{
  if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
    json_object_set_null_member (object, member);
  else
    json_object_set_string_member (object, member, kouan_server_db_column_text (stmt, column));
}

/* Sets @member of @object to @column's integer, or to null where it is NULL. */
void
kouan_server_db_set_int_or_null (JsonObject   *object,
                                 const char   *member,
                                 sqlite3_stmt *stmt,
                                 int           column)
{
  if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
    json_object_set_null_member (object, member);
  else
    json_object_set_int_member (object, member, sqlite3_column_int64 (stmt, column));
}
