/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>

#include "kouan-storage-postgres-private.h"

/* The PostgreSQL backend (libpq). One KouanStorage is one connection;
 * several kouan-server instances share the database, so everything that
 * must hold across instances is decided by the database: a unique key
 * (mutation ids, sessions), one atomic UPDATE … RETURNING (card
 * challenges) or a transaction-scoped advisory lock (numbering the
 * change feed). docs/architecture.md, "Storage" and "Sync protocol". */

/* pg_advisory_xact_lock keys: 'KOUA' and the purpose */
#define LOCK_MIGRATE  G_GINT64_CONSTANT (0x4b4f554100000001)
#define LOCK_NUMBER   G_GINT64_CONSTANT (0x4b4f554100000002)
/* 0x4b4f554100000003: one images collector at a time (kouan-storage-postgres-images.c) */

typedef struct {
  KouanStorage  parent;
  PGconn       *conn;
} PgStorage;

#define SELF PgStorage *self = (PgStorage *) storage

/* Versioned migrations: schema_version holds the number applied. Never
 * edit a released step; append one. Every tenant table carries
 * enterprise_id (docs/deploy.md, Citus). */
static const char *const migrations[] = {
  /* 1: sessions and authentication, IC card, change feed and mutations */
  "CREATE TABLE users ("
  "  id bigserial PRIMARY KEY,"
  "  account text NOT NULL UNIQUE,"
  "  name text NOT NULL,"
  "  password_hash text NOT NULL,"
  "  active boolean NOT NULL DEFAULT true);"
  "CREATE TABLE sessions ("
  "  token_sha256 text PRIMARY KEY,"
  "  user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  method text NOT NULL,"
  "  created_at bigint NOT NULL,"
  "  last_seen bigint NOT NULL,"
  "  expires_at bigint NOT NULL);"
  "CREATE INDEX sessions_user ON sessions (user_id, last_seen);"
  "CREATE TABLE login_failures ("
  "  key text NOT NULL,"
  "  at bigint NOT NULL);"
  "CREATE INDEX login_failures_key ON login_failures (key, at);"
  "CREATE TABLE card_certificates ("
  "  fingerprint text PRIMARY KEY,"
  "  user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  active boolean NOT NULL DEFAULT true,"
  "  created_at bigint NOT NULL);"
  "CREATE TABLE card_challenges ("
  "  challenge_sha256 text PRIMARY KEY,"
  "  expires_at bigint NOT NULL,"
  "  used boolean NOT NULL DEFAULT false);"
  /* seq is NULL until the row is numbered, after its transaction
   * committed (changes_page): see number_pending(). */
  "CREATE SEQUENCE changes_seq;"
  "CREATE TABLE changes ("
  "  id bigserial PRIMARY KEY,"
  "  seq bigint UNIQUE,"
  "  enterprise_id bigint NOT NULL,"
  "  user_id bigint,"
  "  collection text NOT NULL,"
  "  record_id bigint NOT NULL,"
  "  record_json text);"
  "CREATE INDEX changes_feed ON changes (enterprise_id, seq);"
  "CREATE INDEX changes_record ON changes (enterprise_id, collection, record_id, seq);"
  "CREATE INDEX changes_pending ON changes (id) WHERE seq IS NULL;"
  "CREATE TABLE applied_mutations ("
  "  user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  mutation_id text NOT NULL,"
  "  result_json text NOT NULL,"
  "  applied_at bigint NOT NULL,"
  "  PRIMARY KEY (user_id, mutation_id));"
  "CREATE INDEX applied_mutations_at ON applied_mutations (applied_at);",
  /* 2: messages (kouan-storage-postgres-messages.c). enterprise_id has no
   * foreign key until the enterprises are ported. */
  "CREATE TABLE messages ("
  "  id bigserial PRIMARY KEY,"
  "  enterprise_id bigint NOT NULL,"
  "  kind text NOT NULL CHECK (kind IN ('notice', 'warning')),"
  "  category text NOT NULL,"
  "  title text NOT NULL,"
  "  body text NOT NULL,"
  "  severity text CHECK (severity IS NULL OR severity IN ('low', 'medium', 'high')),"
  "  created_at bigint NOT NULL);"
  "CREATE INDEX messages_enterprise ON messages (enterprise_id);"
  "CREATE TABLE message_states ("
  "  enterprise_id bigint NOT NULL,"
  "  user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  message_id bigint NOT NULL REFERENCES messages (id) ON DELETE CASCADE,"
  "  read boolean NOT NULL DEFAULT false,"
  "  starred boolean NOT NULL DEFAULT false,"
  "  PRIMARY KEY (enterprise_id, user_id, message_id));"
  "CREATE INDEX message_states_message ON message_states (message_id);",
  /* 3: the audit log (kouan-storage-postgres-audit.c); user_id names who
   * acted and outlives them, as on SQLite */
  "CREATE TABLE audit_log ("
  "  id bigserial PRIMARY KEY,"
  "  enterprise_id bigint NOT NULL,"
  "  user_id bigint,"
  "  action text NOT NULL,"
  "  before_json text,"
  "  after_json text,"
  "  created_at bigint NOT NULL);"
  "CREATE INDEX audit_log_enterprise ON audit_log (enterprise_id, id);",
  /* 4: a bound IC card's details, whether its coming expiry was
   * announced, and the account's cards found by account */
  "ALTER TABLE card_certificates ADD COLUMN holder text;"
  "ALTER TABLE card_certificates ADD COLUMN serial text;"
  "ALTER TABLE card_certificates ADD COLUMN not_after bigint NOT NULL DEFAULT 0;"
  "ALTER TABLE card_certificates ADD COLUMN expiry_announced boolean NOT NULL DEFAULT false;"
  "CREATE INDEX card_certificates_user ON card_certificates (user_id);",
  /* 5: messages you can act on: the record's "actions" (docs/api.md),
   * written by the server's own code only; NULL for none */
  "ALTER TABLE messages ADD COLUMN actions jsonb;",
  /* 6: credit insurance (kouan-storage-postgres-insurance.c): policies,
   * claims and their history per enterprise; the subscription
   * categories, each user's subscriptions per enterprise, and the
   * insurer's risk articles, which belong to no enterprise (reference
   * tables under Citus). insurance_enterprises: the enterprises whose
   * feeds carry the categories and articles (no enterprises table, and
   * no foreign key to it, until that area is ported). Risk articles are
   * searched in the app's own cache, not here: no text index. */
  "CREATE TABLE insurance_enterprises ("
  "  enterprise_id bigint PRIMARY KEY);"
  "CREATE TABLE insurance_policies ("
  "  id bigserial PRIMARY KEY,"
  "  enterprise_id bigint NOT NULL,"
  "  number text NOT NULL,"
  "  buyer text NOT NULL,"
  "  buyer_country text NOT NULL,"
  "  amount bigint NOT NULL,"
  "  currency text NOT NULL,"
  "  starts_on text NOT NULL,"
  "  ends_on text NOT NULL,"
  "  status text NOT NULL CHECK (status IN ('pending', 'effective', 'expired', 'rejected', 'returned')),"
  "  comment text NOT NULL DEFAULT '',"
  "  notice_read boolean NOT NULL DEFAULT true,"
  "  updated_at bigint NOT NULL);"
  "CREATE INDEX insurance_policies_enterprise ON insurance_policies (enterprise_id, status, id);"
  "CREATE TABLE insurance_claims ("
  "  id bigserial PRIMARY KEY,"
  "  enterprise_id bigint NOT NULL,"
  "  policy_id bigint NOT NULL REFERENCES insurance_policies (id) ON DELETE CASCADE,"
  "  number text NOT NULL,"
  "  buyer text NOT NULL,"
  "  amount bigint NOT NULL,"
  "  currency text NOT NULL,"
  "  loss_on text NOT NULL,"
  "  submitted_on text NOT NULL,"
  "  status text NOT NULL CHECK (status IN ('submitted', 'reviewing', 'paid', 'rejected')),"
  "  notice_read boolean NOT NULL DEFAULT true,"
  "  updated_at bigint NOT NULL);"
  "CREATE INDEX insurance_claims_enterprise ON insurance_claims (enterprise_id);"
  "CREATE INDEX insurance_claims_policy ON insurance_claims (policy_id);"
  "CREATE TABLE insurance_claim_events ("
  "  id bigserial PRIMARY KEY,"
  "  enterprise_id bigint NOT NULL,"
  "  claim_id bigint NOT NULL REFERENCES insurance_claims (id) ON DELETE CASCADE,"
  "  status text NOT NULL,"
  "  comment text NOT NULL DEFAULT '',"
  "  at bigint NOT NULL);"
  "CREATE INDEX insurance_claim_events_claim ON insurance_claim_events (claim_id, at);"
  "CREATE TABLE insurance_categories ("
  "  id bigint PRIMARY KEY,"
  "  name text NOT NULL UNIQUE,"
  "  position bigint NOT NULL);"
  "INSERT INTO insurance_categories (id, name, position) VALUES"
  "  (1, '国际贸易与投资要闻', 1), (2, '国别风险', 2), (3, '行业风险', 3),"
  "  (4, '买家风险', 4), (5, '政策法规', 5);"
  "CREATE TABLE insurance_subscriptions ("
  "  enterprise_id bigint NOT NULL,"
  "  user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  category_id bigint NOT NULL REFERENCES insurance_categories (id) ON DELETE CASCADE,"
  "  PRIMARY KEY (enterprise_id, user_id, category_id));"
  "CREATE INDEX insurance_subscriptions_category ON insurance_subscriptions (category_id, enterprise_id);"
  "CREATE TABLE risk_articles ("
  "  id bigserial PRIMARY KEY,"
  "  title text NOT NULL,"
  "  source text NOT NULL,"
  "  published_at bigint NOT NULL,"
  "  country text NOT NULL,"
  "  industry text NOT NULL,"
  "  category_id bigint NOT NULL REFERENCES insurance_categories (id),"
  "  body text NOT NULL);",
  /* 7: enterprise settings (kouan-storage-postgres-enterprise.c): the
   * enterprises' names and credit codes (IF NOT EXISTS: the area that
   * creates enterprises shares the table), their profiles, business
   * switches and showcase. Images are referenced by id without a foreign
   * key until the images are ported. */
  "CREATE TABLE IF NOT EXISTS enterprises ("
  "  id bigserial PRIMARY KEY,"
  "  name text NOT NULL,"
  "  credit_code text NOT NULL UNIQUE CHECK (length (credit_code) = 18),"
  "  certified boolean NOT NULL DEFAULT false);"
  "CREATE TABLE enterprise_profiles ("
  "  enterprise_id bigint PRIMARY KEY REFERENCES enterprises (id) ON DELETE CASCADE,"
  "  registered_address text NOT NULL DEFAULT '',"
  "  contact_person text NOT NULL DEFAULT '',"
  "  contact_phone text NOT NULL DEFAULT '',"
  "  customs_code text NOT NULL DEFAULT '',"
  "  invoice_title text NOT NULL DEFAULT '',"
  "  taxpayer_number text NOT NULL DEFAULT '',"
  "  bank_name text NOT NULL DEFAULT '',"
  "  bank_account text NOT NULL DEFAULT '',"
  "  invoice_address_phone text NOT NULL DEFAULT '',"
  "  logo_image bigint,"
  "  seal_image bigint);"
  "CREATE TABLE business_settings ("
  "  enterprise_id bigint PRIMARY KEY REFERENCES enterprises (id) ON DELETE CASCADE,"
  "  aircraft_auto boolean NOT NULL DEFAULT false,"
  "  aircraft_time text CHECK (aircraft_time IS NULL OR aircraft_auto),"
  "  manifest_auto boolean NOT NULL DEFAULT false,"
  "  status_push boolean NOT NULL DEFAULT false,"
  "  e_payment boolean NOT NULL DEFAULT false,"
  "  receipt_download boolean NOT NULL DEFAULT false);"
  "CREATE TABLE showcase_slides ("
  "  id bigserial PRIMARY KEY,"
  "  enterprise_id bigint NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,"
  "  image_id bigint NOT NULL,"
  "  caption text NOT NULL,"
  "  link text NOT NULL DEFAULT '',"
  "  position bigint NOT NULL DEFAULT 0);"
  "CREATE INDEX showcase_slides_enterprise ON showcase_slides (enterprise_id, position);"
  "CREATE TABLE showcase_links ("
  "  id bigserial PRIMARY KEY,"
  "  enterprise_id bigint NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,"
  "  title text NOT NULL,"
  "  url text NOT NULL,"
  "  position bigint NOT NULL DEFAULT 0);"
  "CREATE INDEX showcase_links_enterprise ON showcase_links (enterprise_id, position);",
  /* 8: the personal center (kouan-storage-postgres-personal.c). A profile
   * keeps the enterprise whose images route serves each of its images
   * (no images table until that area is ported); preferences are per
   * user and enterprise (keyed like messages, without a foreign key);
   * card_certificate_details: what a login or binding noted of a
   * certificate, shown on the account page. join_requests are created
   * here and decided by admin people; a certification is per enterprise
   * (of migration 7's enterprises, whose certified flag it sets). */
  "CREATE TABLE profiles ("
  "  user_id bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,"
  "  gender text NOT NULL DEFAULT 'unspecified'"
  "    CHECK (gender IN ('unspecified', 'male', 'female')),"
  "  avatar_image bigint,"
  "  avatar_enterprise bigint,"
  "  seal_image bigint,"
  "  seal_enterprise bigint,"
  "  phone text NOT NULL DEFAULT '',"
  "  email text NOT NULL DEFAULT '',"
  "  CHECK ((avatar_image IS NULL) = (avatar_enterprise IS NULL)),"
  "  CHECK ((seal_image IS NULL) = (seal_enterprise IS NULL)));"
  "CREATE TABLE declaration_preferences ("
  "  enterprise_id bigint NOT NULL,"
  "  user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  remember_last boolean NOT NULL DEFAULT true,"
  "  check_hs_codes boolean NOT NULL DEFAULT true,"
  "  warn_duplicates boolean NOT NULL DEFAULT true,"
  "  autofill_consignee boolean NOT NULL DEFAULT false,"
  "  confirm_submit boolean NOT NULL DEFAULT true,"
  "  PRIMARY KEY (enterprise_id, user_id));"
  "CREATE TABLE card_certificate_details ("
  "  fingerprint text PRIMARY KEY,"
  "  holder text NOT NULL,"
  "  not_after bigint NOT NULL);"
  "CREATE TABLE join_requests ("
  "  id bigserial PRIMARY KEY,"
  "  enterprise_id bigint NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,"
  "  user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),"
  "  created_at bigint NOT NULL,"
  "  decided_at bigint,"
  "  decided_by bigint REFERENCES users (id) ON DELETE SET NULL);"
  "CREATE INDEX join_requests_user ON join_requests (user_id, enterprise_id);"
  "CREATE INDEX join_requests_enterprise ON join_requests (enterprise_id, status);"
  "CREATE TABLE certifications ("
  "  enterprise_id bigint PRIMARY KEY REFERENCES enterprises (id) ON DELETE CASCADE,"
  "  status text NOT NULL CHECK (status IN ('pending', 'certified', 'rejected')),"
  "  legal_representative text NOT NULL,"
  "  licence_number text NOT NULL,"
  "  licence_image bigint,"
  "  contact text NOT NULL,"
  "  reason text,"
  "  submitted_by bigint REFERENCES users (id) ON DELETE SET NULL,"
  "  submitted_at bigint NOT NULL,"
  "  decided_at bigint);"
  "CREATE INDEX certifications_pending ON certifications (enterprise_id) WHERE status = 'pending';",
  /* 9: images (kouan-storage-postgres-images.c): the bytes as bytea,
   * once per enterprise and content; bigserial never gives an id twice
   * (clients cache an image under its id for a year). Every column that
   * refers to an image gets a foreign key with its enterprise, checked
   * with NO ACTION: an image a record refers to cannot be deleted, also
   * when the reference is written by another instance while the
   * collector runs (images_collect skips rows a referrer holds locked,
   * and the database refuses the rest). unreferenced_since: when it was
   * stored or first seen without a referrer; NULL while one refers to it. */
  "CREATE TABLE images ("
  "  id bigserial PRIMARY KEY,"
  "  enterprise_id bigint NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,"
  "  sha256 text NOT NULL,"
  "  mime text NOT NULL CHECK (mime IN ('image/png', 'image/jpeg')),"
  "  width bigint NOT NULL,"
  "  height bigint NOT NULL,"
  "  data bytea NOT NULL,"
  "  created_by bigint REFERENCES users (id) ON DELETE SET NULL,"
  "  created_at bigint NOT NULL,"
  "  unreferenced_since bigint,"
  "  UNIQUE (enterprise_id, sha256),"
  "  UNIQUE (enterprise_id, id));"
  "CREATE INDEX images_unreferenced ON images (unreferenced_since)"
  "  WHERE unreferenced_since IS NOT NULL;"
  "ALTER TABLE enterprise_profiles ADD FOREIGN KEY (enterprise_id, logo_image)"
  "  REFERENCES images (enterprise_id, id);"
  "ALTER TABLE enterprise_profiles ADD FOREIGN KEY (enterprise_id, seal_image)"
  "  REFERENCES images (enterprise_id, id);"
  "ALTER TABLE showcase_slides ADD FOREIGN KEY (enterprise_id, image_id)"
  "  REFERENCES images (enterprise_id, id);"
  "CREATE INDEX showcase_slides_image ON showcase_slides (image_id);"
  "ALTER TABLE certifications ADD FOREIGN KEY (enterprise_id, licence_image)"
  "  REFERENCES images (enterprise_id, id);"
  "ALTER TABLE profiles ADD FOREIGN KEY (avatar_enterprise, avatar_image)"
  "  REFERENCES images (enterprise_id, id);"
  "ALTER TABLE profiles ADD FOREIGN KEY (seal_enterprise, seal_image)"
  "  REFERENCES images (enterprise_id, id);"
  "CREATE INDEX profiles_avatar ON profiles (avatar_image) WHERE avatar_image IS NOT NULL;"
  "CREATE INDEX profiles_seal ON profiles (seal_image) WHERE seal_image IS NOT NULL;",
  /* 10: admin people (kouan-storage-postgres-people.c): memberships, roles
   * with their permissions, departments, time-limited grants (China dates,
   * "YYYY-MM-DD", inclusive) and who last edited a record by a mutation.
   * Every enterprise has the built-in role 管理员 (a trigger on
   * enterprises). The people collections' records are computed for their
   * reader (a member carries its grants, the access record what its
   * member may do today), so their triggers record computed changes, as
   * SQLite's migration 10 does (kouan-server-db.c): kouan_touch()
   * supersedes the record's numbered rows for that audience, inserts a
   * pending one and rings the doorbell. */
  "ALTER TABLE changes ADD COLUMN computed boolean NOT NULL DEFAULT false;"
  "CREATE FUNCTION kouan_touch (eid bigint, uid bigint, coll text, rid bigint)"
  "  RETURNS void LANGUAGE plpgsql AS $$"
  "BEGIN"
  "  IF rid IS NULL THEN RETURN; END IF;"
  "  DELETE FROM changes WHERE enterprise_id = eid AND collection = coll AND record_id = rid"
  "    AND user_id IS NOT DISTINCT FROM uid AND seq IS NOT NULL;"
  "  INSERT INTO changes (enterprise_id, user_id, collection, record_id, computed)"
  "    VALUES (eid, uid, coll, rid, true);"
  "  PERFORM pg_notify ('kouan_feed', eid::text);"
  "END $$;"
  "CREATE TABLE roles ("
  "  id bigserial PRIMARY KEY,"
  "  enterprise_id bigint NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,"
  "  name text NOT NULL,"
  "  builtin boolean NOT NULL DEFAULT false,"
  "  created_at bigint NOT NULL,"
  "  UNIQUE (enterprise_id, name));"
  "CREATE TABLE role_permissions ("
  "  enterprise_id bigint NOT NULL,"
  "  role_id bigint NOT NULL REFERENCES roles (id) ON DELETE CASCADE,"
  "  permission text NOT NULL,"
  "  PRIMARY KEY (role_id, permission));"
  "CREATE TABLE departments ("
  "  id bigserial PRIMARY KEY,"
  "  enterprise_id bigint NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,"
  "  parent_id bigint REFERENCES departments (id),"
  "  name text NOT NULL,"
  "  head_user_id bigint REFERENCES users (id) ON DELETE SET NULL);"
  "CREATE INDEX departments_enterprise ON departments (enterprise_id, parent_id);"
  "CREATE TABLE memberships ("
  "  user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  enterprise_id bigint NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,"
  "  department_id bigint REFERENCES departments (id) ON DELETE SET NULL,"
  "  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),"
  "  registered_on text NOT NULL DEFAULT to_char (now () AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD'),"
  "  PRIMARY KEY (user_id, enterprise_id));"
  "CREATE INDEX memberships_enterprise ON memberships (enterprise_id, user_id);"
  "CREATE TABLE grants ("
  "  id bigserial PRIMARY KEY,"
  "  enterprise_id bigint NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,"
  "  user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  role_id bigint NOT NULL REFERENCES roles (id) ON DELETE CASCADE,"
  "  starts_on text NOT NULL,"
  "  ends_on text,"
  "  notified_on text,"
  "  created_at bigint NOT NULL,"
  "  CHECK (ends_on IS NULL OR ends_on >= starts_on));"
  "CREATE INDEX grants_member ON grants (enterprise_id, user_id);"
  "CREATE INDEX grants_role ON grants (role_id);"
  "CREATE TABLE record_edits ("
  "  enterprise_id bigint NOT NULL,"
  "  collection text NOT NULL,"
  "  record_id bigint NOT NULL,"
  "  user_id bigint REFERENCES users (id) ON DELETE SET NULL,"
  "  seq bigint NOT NULL,"
  "  at bigint NOT NULL,"
  "  PRIMARY KEY (enterprise_id, collection, record_id));"
  /* the built-in role of every enterprise, now and later */
  "INSERT INTO roles (enterprise_id, name, builtin, created_at)"
  "  SELECT id, '管理员', true, extract (epoch FROM now ())::bigint FROM enterprises;"
  "CREATE FUNCTION kouan_enterprises_people () RETURNS trigger LANGUAGE plpgsql AS $$"
  "BEGIN"
  "  INSERT INTO roles (enterprise_id, name, builtin, created_at)"
  "    VALUES (NEW.id, '管理员', true, extract (epoch FROM now ())::bigint);"
  "  RETURN NULL;"
  "END $$;"
  "CREATE TRIGGER enterprises_people AFTER INSERT ON enterprises"
  "  FOR EACH ROW EXECUTE FUNCTION kouan_enterprises_people ();"
  /* a new member: their member record, their department's, and their own
   * access, profile and preferences records enter the feed */
  "CREATE FUNCTION kouan_memberships_people () RETURNS trigger LANGUAGE plpgsql AS $$"
  "BEGIN"
  "  IF TG_OP = 'INSERT' THEN"
  "    PERFORM kouan_touch (NEW.enterprise_id, NULL, 'members', NEW.user_id);"
  "    PERFORM kouan_touch (NEW.enterprise_id, NULL, 'departments', NEW.department_id);"
  "    PERFORM kouan_touch (NEW.enterprise_id, NEW.user_id, 'access', NEW.user_id);"
  "    PERFORM kouan_touch (NEW.enterprise_id, NEW.user_id, 'profile', NEW.user_id);"
  "    PERFORM kouan_touch (NEW.enterprise_id, NEW.user_id, 'preferences', NEW.user_id);"
  "  ELSIF TG_OP = 'UPDATE' THEN"
  "    IF OLD.status IS DISTINCT FROM NEW.status OR OLD.department_id IS DISTINCT FROM NEW.department_id"
  "       OR OLD.registered_on IS DISTINCT FROM NEW.registered_on THEN"
  "      PERFORM kouan_touch (NEW.enterprise_id, NULL, 'members', NEW.user_id);"
  "      PERFORM kouan_touch (NEW.enterprise_id, NULL, 'departments', NEW.department_id);"
  "      PERFORM kouan_touch (OLD.enterprise_id, NULL, 'departments', OLD.department_id);"
  "    END IF;"
  "  ELSE"
  "    PERFORM kouan_touch (OLD.enterprise_id, NULL, 'members', OLD.user_id);"
  "    PERFORM kouan_touch (OLD.enterprise_id, NULL, 'departments', OLD.department_id);"
  "  END IF;"
  "  RETURN NULL;"
  "END $$;"
  "CREATE TRIGGER memberships_people AFTER INSERT OR UPDATE OR DELETE ON memberships"
  "  FOR EACH ROW EXECUTE FUNCTION kouan_memberships_people ();"
  /* a member record shows the user's name and account, and their cards */
  "CREATE FUNCTION kouan_user_members (uid bigint) RETURNS void LANGUAGE plpgsql AS $$"
  "BEGIN"
  "  PERFORM kouan_touch (enterprise_id, NULL, 'members', user_id) FROM memberships WHERE user_id = uid;"
  "END $$;"
  "CREATE FUNCTION kouan_users_people () RETURNS trigger LANGUAGE plpgsql AS $$"
  "BEGIN"
  "  IF OLD.name IS DISTINCT FROM NEW.name OR OLD.account IS DISTINCT FROM NEW.account THEN"
  "    PERFORM kouan_user_members (NEW.id);"
  "  END IF;"
  "  RETURN NULL;"
  "END $$;"
  "CREATE TRIGGER users_people AFTER UPDATE ON users"
  "  FOR EACH ROW EXECUTE FUNCTION kouan_users_people ();"
  "CREATE FUNCTION kouan_cards_people () RETURNS trigger LANGUAGE plpgsql AS $$"
  "BEGIN"
  "  IF TG_OP = 'INSERT' THEN"
  "    PERFORM kouan_user_members (NEW.user_id);"
  "  ELSIF TG_OP = 'DELETE' THEN"
  "    PERFORM kouan_user_members (OLD.user_id);"
  "  ELSIF OLD.user_id IS DISTINCT FROM NEW.user_id OR OLD.active IS DISTINCT FROM NEW.active"
  "        OR OLD.holder IS DISTINCT FROM NEW.holder OR OLD.serial IS DISTINCT FROM NEW.serial"
  "        OR OLD.not_after IS DISTINCT FROM NEW.not_after"
  "        OR OLD.created_at IS DISTINCT FROM NEW.created_at THEN"
  "    PERFORM kouan_user_members (OLD.user_id);"
  "    IF NEW.user_id IS DISTINCT FROM OLD.user_id THEN"
  "      PERFORM kouan_user_members (NEW.user_id);"
  "    END IF;"
  "  END IF;"
  "  RETURN NULL;"
  "END $$;"
  "CREATE TRIGGER card_certificates_people AFTER INSERT OR UPDATE OR DELETE ON card_certificates"
  "  FOR EACH ROW EXECUTE FUNCTION kouan_cards_people ();"
  "CREATE FUNCTION kouan_grants_people () RETURNS trigger LANGUAGE plpgsql AS $$"
  "BEGIN"
  "  IF TG_OP = 'INSERT' THEN"
  "    PERFORM kouan_touch (NEW.enterprise_id, NULL, 'members', NEW.user_id);"
  "  ELSIF TG_OP = 'DELETE' THEN"
  "    PERFORM kouan_touch (OLD.enterprise_id, NULL, 'members', OLD.user_id);"
  "  ELSIF OLD.starts_on IS DISTINCT FROM NEW.starts_on OR OLD.ends_on IS DISTINCT FROM NEW.ends_on"
  "        OR OLD.role_id IS DISTINCT FROM NEW.role_id THEN"
  "    PERFORM kouan_touch (NEW.enterprise_id, NULL, 'members', NEW.user_id);"
  "  END IF;"
  "  RETURN NULL;"
  "END $$;"
  "CREATE TRIGGER grants_people AFTER INSERT OR UPDATE OR DELETE ON grants"
  "  FOR EACH ROW EXECUTE FUNCTION kouan_grants_people ();"
  /* a renamed role: the members holding it show its name */
  "CREATE FUNCTION kouan_roles_people () RETURNS trigger LANGUAGE plpgsql AS $$"
  "BEGIN"
  "  IF TG_OP = 'DELETE' THEN"
  "    PERFORM kouan_touch (OLD.enterprise_id, NULL, 'roles', OLD.id);"
  "    RETURN NULL;"
  "  END IF;"
  "  PERFORM kouan_touch (NEW.enterprise_id, NULL, 'roles', NEW.id);"
  "  IF TG_OP = 'UPDATE' THEN"
  "    PERFORM kouan_touch (NEW.enterprise_id, NULL, 'members', u.user_id)"
  "      FROM (SELECT DISTINCT user_id FROM grants WHERE role_id = NEW.id) u;"
  "  END IF;"
  "  RETURN NULL;"
  "END $$;"
  "CREATE TRIGGER roles_people AFTER INSERT OR UPDATE OR DELETE ON roles"
  "  FOR EACH ROW EXECUTE FUNCTION kouan_roles_people ();"
  "CREATE FUNCTION kouan_role_permissions_people () RETURNS trigger LANGUAGE plpgsql AS $$"
  "BEGIN"
  "  IF TG_OP = 'INSERT' THEN"
  "    PERFORM kouan_touch (NEW.enterprise_id, NULL, 'roles', NEW.role_id);"
  "  ELSE"
  /* not when the role itself goes (its own trigger says so) */
  "    PERFORM kouan_touch (OLD.enterprise_id, NULL, 'roles', OLD.role_id)"
  "      WHERE EXISTS (SELECT 1 FROM roles WHERE id = OLD.role_id);"
  "  END IF;"
  "  RETURN NULL;"
  "END $$;"
  "CREATE TRIGGER role_permissions_people AFTER INSERT OR DELETE ON role_permissions"
  "  FOR EACH ROW EXECUTE FUNCTION kouan_role_permissions_people ();"
  "CREATE FUNCTION kouan_departments_people () RETURNS trigger LANGUAGE plpgsql AS $$"
  "BEGIN"
  "  IF TG_OP = 'DELETE' THEN"
  "    PERFORM kouan_touch (OLD.enterprise_id, NULL, 'departments', OLD.id);"
  "    RETURN NULL;"
  "  END IF;"
  "  PERFORM kouan_touch (NEW.enterprise_id, NULL, 'departments', NEW.id);"
  "  IF TG_OP = 'UPDATE' THEN"
  "    PERFORM kouan_touch (NEW.enterprise_id, NULL, 'members', m.user_id)"
  "      FROM memberships m WHERE m.enterprise_id = NEW.enterprise_id AND m.department_id = NEW.id;"
  "  END IF;"
  "  RETURN NULL;"
  "END $$;"
  "CREATE TRIGGER departments_people AFTER INSERT OR UPDATE OR DELETE ON departments"
  "  FOR EACH ROW EXECUTE FUNCTION kouan_departments_people ();"
  /* the records that exist enter the feeds once */
  "INSERT INTO changes (enterprise_id, user_id, collection, record_id, computed)"
  "  SELECT enterprise_id, NULL, 'roles', id, true FROM roles;",
};

static gboolean
fail_result (PgStorage  *self,
             PGresult   *result,
             GError    **error,
             const char *what)
{
  const char *state = result != NULL ? PQresultErrorField (result, PG_DIAG_SQLSTATE) : NULL;
  g_autofree char *message = g_strdup (result != NULL && *PQresultErrorMessage (result) != '\0'
                                       ? PQresultErrorMessage (result)
                                       : PQerrorMessage (self->conn));

  g_strchomp (message);
  /* class 23: integrity constraint violation */
  g_set_error (error, KOUAN_STORAGE_ERROR,
               state != NULL && g_str_has_prefix (state, "23") ? KOUAN_STORAGE_ERROR_CONSTRAINT
                                                              : KOUAN_STORAGE_ERROR_FAILED,
               "%s: %s", what, message);
  return FALSE;
}

/* Runs @sql with text parameters; the result (transfer full) when it
 * succeeded, NULL with @error otherwise. */
static PGresult *
run (PgStorage          *self,
     const char         *sql,
     int                 n_params,
     const char * const *params,
     GError            **error,
     const char         *what)
{
  PGresult *result = PQexecParams (self->conn, sql, n_params, NULL, params, NULL, NULL, 0);
  ExecStatusType status = PQresultStatus (result);

  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    {
      fail_result (self, result, error, what);
      PQclear (result);
      return NULL;
    }
  return result;
}

static gboolean
run_done (PgStorage          *self,
          const char         *sql,
          int                 n_params,
          const char * const *params,
          GError            **error,
          const char         *what)
{
  PGresult *result = run (self, sql, n_params, params, error, what);

  PQclear (result);
  return result != NULL;
}

static gint64
int_at (PGresult *result, int row, int column)
{
  return PQgetisnull (result, row, column) ? 0 : g_ascii_strtoll (PQgetvalue (result, row, column), NULL, 10);
}

#define INT(name, value) char name[24]; g_snprintf (name, sizeof name, "%" G_GINT64_FORMAT, (gint64) (value))

/* ---- sessions and authentication ----------------------------------- */

static gboolean
user_for_login (KouanStorage *storage, const char *account, gint64 *out_id,
                char **out_hash, gboolean *out_active, GError **error)
{
  SELF;
  const char *params[] = { account };
  PGresult *r = run (self, "SELECT id, password_hash, active FROM users WHERE account = $1",
                     1, params, error, "Looking up an account");

  *out_id = 0;
  *out_hash = NULL;
  *out_active = FALSE;
  if (r == NULL)
    return FALSE;
  if (PQntuples (r) == 1)
    {
      *out_id = int_at (r, 0, 0);
      *out_hash = g_strdup (PQgetvalue (r, 0, 1));
      *out_active = *PQgetvalue (r, 0, 2) == 't';
    }
  PQclear (r);
  return TRUE;
}

static gboolean
user_create (KouanStorage *storage, const char *account, const char *name,
             const char *password_hash, gint64 *out_id, GError **error)
{
  SELF;
  const char *params[] = { account, name, password_hash };
  PGresult *r = run (self, "INSERT INTO users (account, name, password_hash) VALUES ($1, $2, $3)"
                     " RETURNING id", 3, params, error, "Creating a user");

  if (r == NULL)
    return FALSE;
  if (out_id != NULL)
    *out_id = int_at (r, 0, 0);
  PQclear (r);
  return TRUE;
}

static gboolean
session_insert (KouanStorage *storage, const char *token_sha256, gint64 user_id,
                const char *method, gint64 now, gint64 expires_at, GError **error)
{
  SELF;
  INT (uid, user_id);
  INT (at, now);
  INT (expires, expires_at);
  const char *params[] = { token_sha256, uid, method, at, expires };

  return run_done (self,
                   "INSERT INTO sessions (token_sha256, user_id, method, created_at, last_seen, expires_at)"
                   " VALUES ($1, $2, $3, $4, $4, $5)", 5, params, error, "Creating a session");
}

static gboolean
session_lookup (KouanStorage *storage, const char *token_sha256,
                KouanStoredSession *out, GError **error)
{
  SELF;
  const char *params[] = { token_sha256 };
  PGresult *r;

  memset (out, 0, sizeof *out);
  r = run (self,
           "SELECT s.user_id, s.method, s.created_at, s.last_seen, s.expires_at, u.active"
           " FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_sha256 = $1",
           1, params, error, "Looking up a session");
  if (r == NULL)
    return FALSE;
  if (PQntuples (r) == 1)
    {
      out->token_sha256 = g_strdup (token_sha256);
      out->user_id = int_at (r, 0, 0);
      out->method = g_strdup (PQgetvalue (r, 0, 1));
      out->created_at = int_at (r, 0, 2);
      out->last_seen = int_at (r, 0, 3);
      out->expires_at = int_at (r, 0, 4);
      out->user_active = *PQgetvalue (r, 0, 5) == 't';
    }
  PQclear (r);
  return TRUE;
}

static gboolean
session_touch (KouanStorage *storage, const char *token_sha256, gint64 now, GError **error)
{
  SELF;
  INT (at, now);
  const char *params[] = { token_sha256, at };

  /* never backwards, whichever instance saw the request last */
  return run_done (self, "UPDATE sessions SET last_seen = GREATEST (last_seen, $2)"
                   " WHERE token_sha256 = $1", 2, params, error, "Touching a session");
}

static gboolean
session_delete (KouanStorage *storage, const char *token_sha256, GError **error)
{
  SELF;
  const char *params[] = { token_sha256 };

  return run_done (self, "DELETE FROM sessions WHERE token_sha256 = $1", 1, params, error,
                   "Ending a session");
}

static GPtrArray *
sessions_evict (KouanStorage *storage, gint64 user_id, const char *keep_sha,
                guint keep, GError **error)
{
  SELF;
  INT (uid, user_id);
  INT (offset, keep);
  const char *params[] = { uid, keep_sha, offset };
  PGresult *r = run (self,
    "DELETE FROM sessions WHERE token_sha256 IN ("
    "  SELECT token_sha256 FROM sessions WHERE user_id = $1 AND token_sha256 <> $2"
    "  ORDER BY last_seen DESC, created_at DESC OFFSET $3)"
    " RETURNING token_sha256", 3, params, error, "Evicting sessions");
  GPtrArray *evicted;

  if (r == NULL)
    return NULL;
  evicted = g_ptr_array_new_with_free_func (g_free);
  for (int i = 0; i < PQntuples (r); i++)
    g_ptr_array_add (evicted, g_strdup (PQgetvalue (r, i, 0)));
  PQclear (r);
  return evicted;
}

static gboolean
sessions_sweep (KouanStorage *storage, gint64 now, gint64 idle_before, GError **error)
{
  SELF;
  INT (at, now);
  INT (idle, idle_before);
  const char *params[] = { at, idle };

  return run_done (self, "DELETE FROM sessions WHERE expires_at <= $1 OR last_seen <= $2",
                   2, params, error, "Sweeping sessions");
}

static gboolean
throttle_recent (KouanStorage *storage, const char *key, gint64 since, guint max,
                 gint64 *out_count, gint64 *out_oldest, GError **error)
{
  SELF;
  INT (after, since);
  INT (limit, max);
  const char *params[] = { key, after, limit };
  PGresult *r = run (self,
    "SELECT COUNT(*), COALESCE (MIN(at), 0) FROM ("
    "  SELECT at FROM login_failures WHERE key = $1 AND at > $2"
    "  ORDER BY at DESC LIMIT $3) AS recent", 3, params, error, "Counting failed logins");

  *out_count = *out_oldest = 0;
  if (r == NULL)
    return FALSE;
  *out_count = int_at (r, 0, 0);
  *out_oldest = int_at (r, 0, 1);
  PQclear (r);
  return TRUE;
}

static gboolean
throttle_record (KouanStorage *storage, const char *key, gint64 at, GError **error)
{
  SELF;
  INT (when, at);
  const char *params[] = { key, when };

  return run_done (self, "INSERT INTO login_failures (key, at) VALUES ($1, $2)",
                   2, params, error, "Recording a failed login");
}

static gboolean
throttle_forget (KouanStorage *storage, const char *key, gint64 before, GError **error)
{
  SELF;
  INT (until, before);
  const char *params[] = { key, until };

  return run_done (self, "DELETE FROM login_failures WHERE key = $1 OR at <= $2",
                   2, params, error, "Forgetting failed logins");
}

static const KouanStorageAuth auth_area = {
  .user_for_login = user_for_login,
  .user_create = user_create,
  .session_insert = session_insert,
  .session_lookup = session_lookup,
  .session_touch = session_touch,
  .session_delete = session_delete,
  .sessions_evict = sessions_evict,
  .sessions_sweep = sessions_sweep,
  .throttle_recent = throttle_recent,
  .throttle_record = throttle_record,
  .throttle_forget = throttle_forget,
};

/* ---- IC card -------------------------------------------------------- */

static gboolean
challenges_sweep (KouanStorage *storage, gint64 before, GError **error)
{
  SELF;
  INT (until, before);
  const char *params[] = { until };

  return run_done (self, "DELETE FROM card_challenges WHERE expires_at <= $1", 1, params,
                   error, "Sweeping card challenges");
}

static gboolean
challenges_outstanding (KouanStorage *storage, gint64 now, gint64 *out_count,
                        gint64 *out_first_expiry, GError **error)
{
  SELF;
  INT (at, now);
  const char *params[] = { at };
  PGresult *r = run (self,
    "SELECT COUNT(*), COALESCE (MIN(expires_at), 0) FROM card_challenges"
    " WHERE NOT used AND expires_at > $1", 1, params, error, "Counting card challenges");

  *out_count = *out_first_expiry = 0;
  if (r == NULL)
    return FALSE;
  *out_count = int_at (r, 0, 0);
  *out_first_expiry = int_at (r, 0, 1);
  PQclear (r);
  return TRUE;
}

static gboolean
challenge_insert (KouanStorage *storage, const char *sha256, gint64 expires_at, GError **error)
{
  SELF;
  INT (expires, expires_at);
  const char *params[] = { sha256, expires };

  return run_done (self, "INSERT INTO card_challenges (challenge_sha256, expires_at, used)"
                   " VALUES ($1, $2, false)", 2, params, error, "Storing a card challenge");
}

static gboolean
challenge_consume (KouanStorage *storage, const char *sha256, gint64 now,
                   KouanChallengeStatus *out, GError **error)
{
  SELF;
  const char *params[] = { sha256 };
  PGresult *r;

  /* The row lock makes this atomic across instances: a second UPDATE
   * of the same row waits for the first to commit, then finds used. */
  r = run (self, "UPDATE card_challenges SET used = true WHERE challenge_sha256 = $1 AND NOT used"
           " RETURNING expires_at", 1, params, error, "Using a card challenge");
  if (r == NULL)
    return FALSE;
  if (PQntuples (r) == 1)
    {
      *out = now >= int_at (r, 0, 0) ? KOUAN_CHALLENGE_EXPIRED : KOUAN_CHALLENGE_OK;
      PQclear (r);
      return TRUE;
    }
  PQclear (r);
  r = run (self, "SELECT 1 FROM card_challenges WHERE challenge_sha256 = $1", 1, params,
           error, "Looking up a card challenge");
  if (r == NULL)
    return FALSE;
  *out = PQntuples (r) == 1 ? KOUAN_CHALLENGE_USED : KOUAN_CHALLENGE_UNKNOWN;
  PQclear (r);
  return TRUE;
}

static gboolean
certificate_bind (KouanStorage *storage, const char *fingerprint, gint64 user_id,
                  gint64 now, GError **error)
{
  SELF;
  INT (uid, user_id);
  INT (at, now);
  const char *params[] = { fingerprint, uid, at };

  return run_done (self,
                   "INSERT INTO card_certificates (fingerprint, user_id, active, created_at)"
                   " VALUES ($1, $2, true, $3)"
                   " ON CONFLICT (fingerprint) DO UPDATE SET user_id = excluded.user_id, active = true",
                   3, params, error, "Binding a card");
}

static gboolean
certificate_user (KouanStorage *storage, const char *fingerprint, gint64 *out_user_id,
                  GError **error)
{
  SELF;
  const char *params[] = { fingerprint };
  PGresult *r = run (self,
    "SELECT u.id FROM card_certificates c JOIN users u ON u.id = c.user_id"
    " WHERE c.fingerprint = $1 AND c.active AND u.active", 1, params, error, "Looking up a card");

  *out_user_id = 0;
  if (r == NULL)
    return FALSE;
  if (PQntuples (r) == 1)
    *out_user_id = int_at (r, 0, 0);
  PQclear (r);
  return TRUE;
}

#define CARD_COLUMNS "fingerprint, user_id, holder, serial, not_after, created_at"

static void
card_from_row (PGresult *r, int row, KouanStoredCard *card)
{
  card->fingerprint = g_strdup (PQgetvalue (r, row, 0));
  card->user_id = int_at (r, row, 1);
  card->holder = PQgetisnull (r, row, 2) ? NULL : g_strdup (PQgetvalue (r, row, 2));
  card->serial = PQgetisnull (r, row, 3) ? NULL : g_strdup (PQgetvalue (r, row, 3));
  card->not_after = int_at (r, row, 4);
  card->bound_at = int_at (r, row, 5);
}

static gboolean
cards_from_result (PGresult *r, GArray *out)
{
  if (r == NULL)
    return FALSE;
  for (int i = 0; i < PQntuples (r); i++)
    {
      KouanStoredCard card = { 0 };

      card_from_row (r, i, &card);
      g_array_append_val (out, card);
    }
  PQclear (r);
  return TRUE;
}

static gboolean
card_bind (KouanStorage *storage, const KouanStoredCard *card, gint64 now,
           KouanCardBindResult *out, GError **error)
{
  SELF;
  INT (uid, card->user_id);
  INT (at, now);
  INT (expires, card->not_after);
  const char *lookup[] = { card->fingerprint };
  const char *params[] = { card->fingerprint, uid, at, card->holder, card->serial, expires };
  gboolean already = FALSE;
  PGresult *r;

  r = run (self, "SELECT user_id, active FROM card_certificates WHERE fingerprint = $1",
           1, lookup, error, "Looking up a card");
  if (r == NULL)
    return FALSE;
  if (PQntuples (r) == 1)
    already = int_at (r, 0, 0) == card->user_id && *PQgetvalue (r, 0, 1) == 't';
  PQclear (r);

  /* The WHERE of the upsert keeps another account's card: no row comes
   * back then, and of two accounts binding it at once the second waits
   * on the row lock and finds it taken. */
  r = run (self,
    "INSERT INTO card_certificates (fingerprint, user_id, active, created_at, holder, serial,"
    "                               not_after, expiry_announced)"
    " VALUES ($1, $2, true, $3, $4, $5, $6, false)"
    " ON CONFLICT (fingerprint) DO UPDATE SET"
    "  holder = excluded.holder, serial = excluded.serial, not_after = excluded.not_after,"
    "  created_at = CASE WHEN card_certificates.user_id = excluded.user_id AND card_certificates.active"
    "               THEN card_certificates.created_at ELSE excluded.created_at END,"
    "  expiry_announced = CASE WHEN card_certificates.user_id = excluded.user_id"
    "                      AND card_certificates.active AND card_certificates.not_after = excluded.not_after"
    "                     THEN card_certificates.expiry_announced ELSE false END,"
    "  user_id = excluded.user_id, active = true"
    " WHERE card_certificates.user_id = excluded.user_id OR NOT card_certificates.active"
    " RETURNING user_id", 6, params, error, "Binding a card");
  if (r == NULL)
    return FALSE;
  if (PQntuples (r) == 1)
    *out = already ? KOUAN_CARD_BIND_ALREADY : KOUAN_CARD_BIND_BOUND;
  else
    *out = KOUAN_CARD_BIND_OTHER_ACCOUNT;
  PQclear (r);
  return TRUE;
}

static gboolean
cards_list (KouanStorage *storage, gint64 user_id, GArray *out, GError **error)
{
  SELF;
  INT (uid, user_id);
  const char *params[] = { uid };

  return cards_from_result (run (self,
    "SELECT " CARD_COLUMNS " FROM card_certificates WHERE user_id = $1 AND active"
    " ORDER BY created_at DESC, fingerprint", 1, params, error, "Listing an account's cards"), out);
}

static gboolean
card_unbind (KouanStorage *storage, gint64 user_id, const char *fingerprint,
             KouanStoredCard *out, GError **error)
{
  SELF;
  INT (uid, user_id);
  const char *params[] = { uid, fingerprint };
  PGresult *r;

  memset (out, 0, sizeof *out);
  r = run (self, "DELETE FROM card_certificates WHERE user_id = $1 AND fingerprint = $2 AND active"
           " RETURNING " CARD_COLUMNS, 2, params, error, "Unbinding a card");
  if (r == NULL)
    return FALSE;
  if (PQntuples (r) == 1)
    card_from_row (r, 0, out);
  PQclear (r);
  return TRUE;
}

static gboolean
cards_expiring (KouanStorage *storage, gint64 before, GArray *out, GError **error)
{
  SELF;
  INT (until, before);
  const char *params[] = { until };

  return cards_from_result (run (self,
    "SELECT c.fingerprint, c.user_id, c.holder, c.serial, c.not_after, c.created_at"
    " FROM card_certificates c JOIN users u ON u.id = c.user_id"
    " WHERE c.active AND u.active AND NOT c.expiry_announced"
    "   AND c.not_after > 0 AND c.not_after < $1 ORDER BY c.not_after, c.fingerprint",
    1, params, error, "Finding expiring cards"), out);
}

static gboolean
card_expiry_announced (KouanStorage *storage, const char *fingerprint, GError **error)
{
  SELF;
  const char *params[] = { fingerprint };

  return run_done (self, "UPDATE card_certificates SET expiry_announced = true WHERE fingerprint = $1",
                   1, params, error, "Marking a card's expiry announced");
}

static gboolean
account_credentials (KouanStorage *storage, gint64 user_id, char **out_account,
                     char **out_hash, GError **error)
{
  SELF;
  INT (uid, user_id);
  const char *params[] = { uid };
  PGresult *r = run (self, "SELECT account, password_hash FROM users WHERE id = $1 AND active",
                     1, params, error, "Looking up an account");

  *out_account = *out_hash = NULL;
  if (r == NULL)
    return FALSE;
  if (PQntuples (r) == 1)
    {
      *out_account = g_strdup (PQgetvalue (r, 0, 0));
      *out_hash = g_strdup (PQgetvalue (r, 0, 1));
    }
  PQclear (r);
  return TRUE;
}

static GPtrArray *
card_sessions_end (KouanStorage *storage, gint64 user_id, GError **error)
{
  SELF;
  INT (uid, user_id);
  const char *params[] = { uid };
  PGresult *r = run (self, "DELETE FROM sessions WHERE user_id = $1 AND method = 'card'"
                     " RETURNING token_sha256", 1, params, error, "Ending card sessions");
  GPtrArray *ended;

  if (r == NULL)
    return NULL;
  ended = g_ptr_array_new_with_free_func (g_free);
  for (int i = 0; i < PQntuples (r); i++)
    g_ptr_array_add (ended, g_strdup (PQgetvalue (r, i, 0)));
  PQclear (r);
  return ended;
}

static const KouanStorageCard card_area = {
  .challenges_sweep = challenges_sweep,
  .challenges_outstanding = challenges_outstanding,
  .challenge_insert = challenge_insert,
  .challenge_consume = challenge_consume,
  .certificate_bind = certificate_bind,
  .certificate_user = certificate_user,
  .card_bind = card_bind,
  .cards_list = cards_list,
  .card_unbind = card_unbind,
  .cards_expiring = cards_expiring,
  .card_expiry_announced = card_expiry_announced,
  .account_credentials = account_credentials,
  .card_sessions_end = card_sessions_end,
};

/* ---- change feed and mutation ids ------------------------------------ */

static gboolean
change_record (KouanStorage *storage, gint64 enterprise_id, gint64 user_id,
               const char *collection, gint64 record_id, const char *record_json,
               GError **error)
{
  SELF;
  INT (eid, enterprise_id);
  INT (uid, user_id);
  INT (rid, record_id);
  const char *params[] = { eid, user_id != 0 ? uid : NULL, collection, rid, record_json };

  /* The record's older rows for the same audience carry nothing the new
   * one does not: compaction, as in SQLite. The new row has no seq yet.
   * pg_notify rings the doorbell when (and only if) this commits; rings
   * with the same payload in one transaction are delivered once. */
  const char *ring[] = { eid };

  if (!run_done (self, "SELECT pg_notify ('kouan_feed', $1)", 1, ring, error, "Recording a change"))
    return FALSE;
  return run_done (self,
                   "WITH gone AS (DELETE FROM changes WHERE enterprise_id = $1"
                   "   AND collection = $3 AND record_id = $4"
                   "   AND user_id IS NOT DISTINCT FROM $2::bigint AND seq IS NOT NULL)"
                   " INSERT INTO changes (enterprise_id, user_id, collection, record_id, record_json)"
                   " VALUES ($1, $2, $3, $4, $5)",
                   5, params, error, "Recording a change");
}

/* Numbers the committed changes that have no seq yet, in one short
 * transaction holding a transaction-scoped advisory lock, so numbering is
 * serial across every instance. A row is numbered only once its writer
 * committed (it is invisible before), and every number handed out later
 * is larger: a reader that has seen seq N has seen every committed change
 * numbered ≤ N, and whatever commits later gets a number > N. This is
 * what keeps the feed from skipping (docs/architecture.md, "Sync
 * protocol"). */
static gboolean
number_pending (PgStorage *self, GError **error)
{
  PGresult *r = run (self, "SELECT EXISTS (SELECT 1 FROM changes WHERE seq IS NULL)", 0, NULL,
                     error, "Reading the change feed");
  gboolean pending;
  INT (key, LOCK_NUMBER);
  const char *params[] = { key };

  if (r == NULL)
    return FALSE;
  pending = *PQgetvalue (r, 0, 0) == 't';
  PQclear (r);
  if (!pending)
    return TRUE;

  if (!run_done (self, "BEGIN", 0, NULL, error, "Numbering changes"))
    return FALSE;
  /* The UPDATE's snapshot is taken after the lock is held: it sees every
   * number the previous holder committed. */
  if (!run_done (self, "SELECT pg_advisory_xact_lock ($1::bigint)", 1, params, error, "Numbering changes") ||
      /* in id order: two pending rows of one record (written one after
       * the other, the record's row lock between them) keep their order,
       * so the later write is the one the feed sends */
      !run_done (self, "UPDATE changes c SET seq = n.seq FROM"
                 " (SELECT id, nextval ('changes_seq') AS seq FROM"
                 "   (SELECT id FROM changes WHERE seq IS NULL ORDER BY id) AS p) AS n"
                 " WHERE c.id = n.id", 0, NULL, error, "Numbering changes") ||
      !run_done (self, "COMMIT", 0, NULL, error, "Numbering changes"))
    {
      PQclear (PQexec (self->conn, "ROLLBACK"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
in_transaction (PgStorage *self)
{
  return PQtransactionStatus (self->conn) != PQTRANS_IDLE;
}

static char *
hidden_array (const char * const *hidden)
{
  g_autoptr(GString) text = g_string_new ("{");

  for (guint i = 0; hidden != NULL && hidden[i] != NULL; i++)
    {
      /* collection names are identifiers ([a-z_.]): nothing to quote */
      if (i > 0)
        g_string_append_c (text, ',');
      g_string_append (text, hidden[i]);
    }
  g_string_append_c (text, '}');
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static gboolean
changes_page (KouanStorage *storage, gint64 enterprise_id, gint64 user_id,
              gint64 since, guint limit, const char * const *hidden, GArray *out,
              GError **error)
{
  SELF;
  INT (eid, enterprise_id);
  INT (after, since);
  INT (uid, user_id);
  INT (count, limit);
  g_autofree char *names = hidden_array (hidden);
  const char *params[] = { eid, after, uid, count, names };
  PGresult *r;

  if (!in_transaction (self) && !number_pending (self, error))
    return FALSE;
  r = run (self,
    "SELECT c.seq, c.collection, c.record_id, c.record_json, c.computed FROM changes c"
    " WHERE c.enterprise_id = $1 AND c.seq > $2"
    "   AND (c.user_id IS NULL OR c.user_id = $3)"
    "   AND c.collection <> ALL ($5::text[])"
    "   AND NOT EXISTS (SELECT 1 FROM changes d"
    "     WHERE d.enterprise_id = c.enterprise_id AND d.collection = c.collection"
    "       AND d.record_id = c.record_id AND d.seq > c.seq"
    "       AND (d.user_id IS NULL OR d.user_id = $3))"
    " ORDER BY c.seq LIMIT $4", 5, params, error, "Reading the change feed");
  if (r == NULL)
    return FALSE;
  for (int i = 0; i < PQntuples (r); i++)
    {
      KouanStoredChange change = {
        .seq = int_at (r, i, 0),
        .collection = g_strdup (PQgetvalue (r, i, 1)),
        .record_id = int_at (r, i, 2),
        /* a computed row (the people collections, migration 10) is
         * materialised for its reader */
        .kept = !_kouan_storage_pg_bool_at (r, i, 4),
        .record_json = PQgetisnull (r, i, 3) ? NULL : g_strdup (PQgetvalue (r, i, 3)),
      };
      g_array_append_val (out, change);
    }
  PQclear (r);
  return TRUE;
}

static gboolean
changes_count (KouanStorage *storage, gint64 enterprise_id, gint64 user_id,
               gint64 since, GHashTable *out, GError **error)
{
  SELF;
  INT (eid, enterprise_id);
  INT (after, since);
  INT (uid, user_id);
  const char *params[] = { eid, after, uid };
  PGresult *r = run (self,
    "SELECT c.collection, count(*) FROM changes c"
    " WHERE c.enterprise_id = $1 AND c.seq > $2"
    "   AND (c.user_id IS NULL OR c.user_id = $3)"
    "   AND NOT EXISTS (SELECT 1 FROM changes d"
    "     WHERE d.enterprise_id = c.enterprise_id AND d.collection = c.collection"
    "       AND d.record_id = c.record_id AND d.seq > c.seq"
    "       AND (d.user_id IS NULL OR d.user_id = $3))"
    " GROUP BY c.collection", 3, params, error, "Counting the change feed");

  if (r == NULL)
    return FALSE;
  for (int i = 0; i < PQntuples (r); i++)
    g_hash_table_insert (out, g_strdup (PQgetvalue (r, i, 0)),
                         g_memdup2 (&(gint64) { int_at (r, i, 1) }, sizeof (gint64)));
  PQclear (r);
  return TRUE;
}

static gboolean
changes_newest (KouanStorage *storage, gint64 enterprise_id, gint64 user_id,
                gint64 *out_seq, GError **error)
{
  SELF;
  INT (eid, enterprise_id);
  INT (uid, user_id);
  const char *params[] = { eid, uid };
  PGresult *r;

  *out_seq = 0;
  if (!in_transaction (self) && !number_pending (self, error))
    return FALSE;
  r = run (self, "SELECT COALESCE (MAX (seq), 0) FROM changes WHERE enterprise_id = $1"
           " AND (user_id IS NULL OR user_id = $2)", 2, params, error, "Reading the newest change");
  if (r == NULL)
    return FALSE;
  *out_seq = int_at (r, 0, 0);
  PQclear (r);
  return TRUE;
}

static gboolean
changes_newest_all (KouanStorage *storage, gint64 *out_seq, GError **error)
{
  SELF;
  PGresult *r;

  *out_seq = 0;
  if (!in_transaction (self) && !number_pending (self, error))
    return FALSE;
  r = run (self, "SELECT COALESCE (MAX (seq), 0) FROM changes", 0, NULL, error,
           "Reading the newest change");
  if (r == NULL)
    return FALSE;
  *out_seq = int_at (r, 0, 0);
  PQclear (r);
  return TRUE;
}

static gboolean
changes_touched (KouanStorage *storage, gint64 after_seq, GArray *out, GError **error)
{
  SELF;
  INT (after, after_seq);
  const char *params[] = { after };
  PGresult *r = run (self,
    "SELECT DISTINCT enterprise_id, COALESCE (user_id, 0), collection FROM changes WHERE seq > $1",
    1, params, error, "Reading new changes to announce");

  if (r == NULL)
    return FALSE;
  for (int i = 0; i < PQntuples (r); i++)
    {
      KouanStoredTouch touch = { int_at (r, i, 0), int_at (r, i, 1), g_strdup (PQgetvalue (r, i, 2)) };

      g_array_append_val (out, touch);
    }
  PQclear (r);
  return TRUE;
}

static char *
mutation_result (KouanStorage *storage, gint64 user_id, const char *mutation_id, GError **error)
{
  SELF;
  INT (uid, user_id);
  const char *params[] = { uid, mutation_id };
  PGresult *r = run (self,
    "SELECT result_json FROM applied_mutations WHERE user_id = $1 AND mutation_id = $2",
    2, params, error, "Looking up a mutation id");
  char *result = NULL;

  if (r == NULL)
    return NULL;
  if (PQntuples (r) == 1)
    result = g_strdup (PQgetvalue (r, 0, 0));
  PQclear (r);
  return result;
}

static gboolean
mutation_store (KouanStorage *storage, gint64 user_id, const char *mutation_id,
                const char *result_json, gint64 now, GError **error)
{
  SELF;
  INT (uid, user_id);
  INT (at, now);
  const char *params[] = { uid, mutation_id, result_json, at };

  /* The primary key makes it at most once across instances: the same id
   * stored by a concurrent batch waits for it, then violates the key. */
  return run_done (self,
                   "INSERT INTO applied_mutations (user_id, mutation_id, result_json, applied_at)"
                   " VALUES ($1, $2, $3, $4)", 4, params, error, "Storing a mutation result");
}

static gboolean
mutations_prune (KouanStorage *storage, gint64 before, gint64 *out_count, GError **error)
{
  SELF;
  INT (until, before);
  const char *params[] = { until };
  PGresult *r = run (self, "DELETE FROM applied_mutations WHERE applied_at < $1", 1, params,
                     error, "Pruning mutation ids");

  if (r == NULL)
    return FALSE;
  if (out_count != NULL)
    *out_count = g_ascii_strtoll (PQcmdTuples (r), NULL, 10);
  PQclear (r);
  return TRUE;
}

static gboolean
doorbell_listen (KouanStorage *storage, GError **error)
{
  SELF;
  return run_done (self, "LISTEN kouan_feed", 0, NULL, error, "Listening for changes");
}

static int
doorbell_fd (KouanStorage *storage)
{
  SELF;
  return PQsocket (self->conn);
}

static gboolean
doorbell_take (KouanStorage *storage, GArray *out, GError **error)
{
  SELF;
  guint first = out->len;
  PGnotify *notify;

  if (!PQconsumeInput (self->conn))
    {
      g_autofree char *message = g_strdup (PQerrorMessage (self->conn));

      g_set_error (error, KOUAN_STORAGE_ERROR, KOUAN_STORAGE_ERROR_FAILED,
                   "Listening for changes: %s", g_strchomp (message));
      return FALSE;
    }
  while ((notify = PQnotifies (self->conn)) != NULL)
    {
      gint64 enterprise_id = 0;
      gboolean known = FALSE;

      if (g_ascii_string_to_signed (notify->extra, 10, 1, G_MAXINT64, &enterprise_id, NULL))
        {
          for (guint i = first; i < out->len && !known; i++)
            known = g_array_index (out, gint64, i) == enterprise_id;
          if (!known)
            g_array_append_val (out, enterprise_id);
        }
      PQfreemem (notify);
    }
  return TRUE;
}

static const KouanStorageFeed feed_area = {
  .doorbell_listen = doorbell_listen,
  .doorbell_fd = doorbell_fd,
  .doorbell_take = doorbell_take,
  .change_record = change_record,
  .changes_page = changes_page,
  .changes_count = changes_count,
  .changes_newest = changes_newest,
  .changes_newest_all = changes_newest_all,
  .changes_touched = changes_touched,
  .mutation_result = mutation_result,
  .mutation_store = mutation_store,
  .mutations_prune = mutations_prune,
};

/* ---- the backend ------------------------------------------------------ */

static gboolean
pg_begin (KouanStorage *storage, GError **error)
{
  SELF;
  return run_done (self, "BEGIN", 0, NULL, error, "Starting a transaction");
}

static gboolean
pg_commit (KouanStorage *storage, GError **error)
{
  SELF;
  return run_done (self, "COMMIT", 0, NULL, error, "Committing");
}

static void
pg_rollback (KouanStorage *storage)
{
  SELF;
  if (in_transaction (self))
    PQclear (PQexec (self->conn, "ROLLBACK"));
}

static void
pg_free (KouanStorage *storage)
{
  SELF;
  g_clear_pointer (&self->conn, PQfinish);
  g_free (self);
}

/* Applies the migrations not applied yet, each with its version bump in
 * one transaction, under an advisory lock: instances started together
 * migrate once. */
static gboolean
migrate (PgStorage *self, GError **error)
{
  INT (key, LOCK_MIGRATE);
  const char *lock[] = { key };
  PGresult *r;
  gint64 version;

  if (!run_done (self, "BEGIN", 0, NULL, error, "Migrating") ||
      !run_done (self, "SELECT pg_advisory_xact_lock ($1::bigint)", 1, lock, error, "Migrating") ||
      !run_done (self, "CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)",
                 0, NULL, error, "Migrating"))
    goto failed;
  r = run (self, "SELECT version FROM schema_version", 0, NULL, error, "Migrating");
  if (r == NULL)
    goto failed;
  version = PQntuples (r) == 1 ? int_at (r, 0, 0) : -1;
  PQclear (r);
  if (version < 0)
    {
      if (!run_done (self, "INSERT INTO schema_version VALUES (0)", 0, NULL, error, "Migrating"))
        goto failed;
      version = 0;
    }
  if (version > (gint64) G_N_ELEMENTS (migrations))
    {
      g_set_error (error, KOUAN_STORAGE_ERROR, KOUAN_STORAGE_ERROR_FAILED,
                   "The database was written by a newer kouan-server (schema %" G_GINT64_FORMAT ")",
                   version);
      goto failed;
    }
  for (gint64 i = version; i < (gint64) G_N_ELEMENTS (migrations); i++)
    {
      INT (next, i + 1);
      const char *params[] = { next };
      PGresult *step = PQexec (self->conn, migrations[i]);   /* several statements */

      if (PQresultStatus (step) != PGRES_COMMAND_OK)
        {
          fail_result (self, step, error, "Migrating");
          PQclear (step);
          goto failed;
        }
      PQclear (step);
      if (!run_done (self, "UPDATE schema_version SET version = $1", 1, params, error, "Migrating"))
        goto failed;
    }
  return run_done (self, "COMMIT", 0, NULL, error, "Migrating");

failed:
  PQclear (PQexec (self->conn, "ROLLBACK"));
  return FALSE;
}

static void
ignore_notice (void *data, const char *message)
{
}

KouanStorage *
kouan_storage_postgres_open (const char  *uri,
                             GError     **error)
{
  PgStorage *self = g_new0 (PgStorage, 1);

  self->parent.backend = KOUAN_STORAGE_POSTGRES;
  self->parent.auth = &auth_area;
  self->parent.card = &card_area;
  self->parent.feed = &feed_area;
  self->parent.personal = &_kouan_storage_pg_personal;
  self->parent.messages = &_kouan_storage_pg_messages;
  self->parent.insurance = &_kouan_storage_pg_insurance;
  self->parent.enterprise = &_kouan_storage_pg_enterprise;
  self->parent.people = &_kouan_storage_pg_people;
  self->parent.audit = &_kouan_storage_pg_audit;
  self->parent.images = &_kouan_storage_pg_images;
  self->parent.begin = pg_begin;
  self->parent.commit = pg_commit;
  self->parent.rollback = pg_rollback;
  self->parent.free = pg_free;

  self->conn = PQconnectdb (uri);
  if (PQstatus (self->conn) != CONNECTION_OK)
    {
      g_autofree char *message = g_strdup (PQerrorMessage (self->conn));

      g_set_error (error, KOUAN_STORAGE_ERROR, KOUAN_STORAGE_ERROR_FAILED,
                   "Cannot connect to PostgreSQL: %s", g_strchomp (message));
      pg_free (&self->parent);
      return NULL;
    }
  /* CREATE TABLE IF NOT EXISTS says so on every start */
  PQsetNoticeProcessor (self->conn, ignore_notice, NULL);
  if (!migrate (self, error))
    {
      pg_free (&self->parent);
      return NULL;
    }
  return &self->parent;
}

/* ---- for the area files (kouan-storage-postgres-private.h) ----------- */

PGresult *
_kouan_storage_pg_run (KouanStorage *storage, const char *sql, int n_params,
                       const char * const *params, GError **error, const char *what)
{
  SELF;
  return run (self, sql, n_params, params, error, what);
}

PGresult *
_kouan_storage_pg_run_binary (KouanStorage *storage, const char *sql, int n_params,
                              const char * const *params, const int *lengths,
                              const int *formats, gboolean binary_result,
                              GError **error, const char *what)
{
  SELF;
  PGresult *result = PQexecParams (self->conn, sql, n_params, NULL, params, lengths, formats,
                                   binary_result ? 1 : 0);
  ExecStatusType status = PQresultStatus (result);

  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    {
      fail_result (self, result, error, what);
      PQclear (result);
      return NULL;
    }
  return result;
}

gboolean
_kouan_storage_pg_run_done (KouanStorage *storage, const char *sql, int n_params,
                            const char * const *params, GError **error, const char *what)
{
  SELF;
  return run_done (self, sql, n_params, params, error, what);
}

gint64
_kouan_storage_pg_int_at (PGresult *result, int row, int column)
{
  return int_at (result, row, column);
}

char *
_kouan_storage_pg_value_dup (PGresult *result, int row, int column)
{
  return PQgetisnull (result, row, column) ? NULL : g_strdup (PQgetvalue (result, row, column));
}

gboolean
_kouan_storage_pg_bool_at (PGresult *result, int row, int column)
{
  /* PostgreSQL's text for true; NULL reads as "" */
  return *PQgetvalue (result, row, column) == 't';
}

gboolean
_kouan_storage_pg_begin_own (KouanStorage *storage, gboolean *out_own, GError **error)
{
  SELF;
  *out_own = !in_transaction (self);
  return !*out_own || run_done (self, "BEGIN", 0, NULL, error, "Starting a transaction");
}

/* Commits the transaction _kouan_storage_pg_begin_own() opened when @ok,
 * rolls it back otherwise; returns @ok and whether the commit worked. */
gboolean
_kouan_storage_pg_finish_own (KouanStorage *storage, gboolean own, gboolean ok, GError **error)
{
  SELF;
  if (!own)
    return ok;
  if (ok)
    return run_done (self, "COMMIT", 0, NULL, error, "Committing");
  PQclear (PQexec (self->conn, "ROLLBACK"));
  return FALSE;
}
