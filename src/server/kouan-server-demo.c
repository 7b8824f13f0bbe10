/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "kouan-credit-code.h"
#include "kouan-server.h"

/* Demo data: two accounts, three memberships over two enterprises, and a
 * few hundred realistic notices and warnings. Everything comes from one
 * seeded GRand, so every demo database holds the same content (dates are
 * relative to the day it was seeded). */

#define DEMO_PASSWORD "kouan-demo"
#define DEMO_SEED     20261122
#define DEMO_DAYS     90

typedef struct {
  const char *category;
  const char *const *titles;   /* NULL-terminated, may contain {fields} */
  const char *const *bodies;
  const char *severities;      /* warnings: letters l/m/h to pick from */
} Template;

static const char *const ports[] = {
  "上海洋山港", "上海外高桥港", "宁波舟山港", "深圳盐田港", "天津新港",
  "青岛前湾港", "广州南沙港", "厦门海天码头", "大连大窑湾港", "连云港港",
};
static const char *const customs[] = {
  "洋山海关", "外港海关", "北仑海关", "大鹏海关", "新港海关",
  "黄岛海关", "南沙海关", "东渡海关", "大窑湾海关", "连云港海关",
};
static const char *const goods[] = {
  "锂离子电池", "不锈钢餐具", "针织女式上衣", "液晶显示模组", "冷冻虾仁",
  "实木餐桌", "太阳能光伏组件", "汽车制动片", "医用外科口罩", "生咖啡豆",
  "聚乙烯颗粒", "数控机床零件", "婴幼儿配方奶粉", "葡萄酒", "棉制床上用品",
};
static const char *const carriers[] = { "COSU", "MEDU", "MAEU", "EGLV", "ONEY", "OOLU" };
static const char *const box_owners[] = { "CSNU", "MSCU", "TGHU", "OOLU", "TCNU", "FCIU" };
static const char *const logistics_states[] = {
  "已卸船", "已进堆场", "待海关查验", "已放行待提货", "已装船离港", "已完成理货",
};
static const char *const declaration_states[] = {
  "申报成功", "审结", "放行", "结关", "退单（请修改后重新申报）",
};
static const char *const modules[] = {
  "“货物申报”", "“舱单申报”", "“税费支付”", "“原产地证书”", "“企业资质”", "“运输工具申报”",
};
static const char *const changed_fields[] = {
  "法定代表人", "注册地址", "经营范围", "报关人员", "企业联系人", "海关编码备案信息",
};
static const char *const certificates[] = {
  "原产地证书（FORM E）", "电子口岸IC卡", "进出口食品生产企业备案", "自理报检备案", "AEO高级认证证书",
};

static const char *const t_cert_titles[] = {
  "企业资质认证已通过审核", "海关高级认证（AEO）复核通过", "电子口岸企业入网认证完成",
  "进出口货物收发货人备案已生效", "报关单位注册登记审核通过", NULL };
static const char *const t_cert_bodies[] = {
  "贵企业（{ent}）提交的{cert}申请已于{date}通过审核，认证编号 {num}。证书电子版可在单一窗口“企业资质”栏目下载。",
  "经{customs}审核，贵企业资质材料齐全、符合要求，认证已于{date}生效，有效期三年。认证编号 {num}。",
  NULL };
static const char *const t_change_titles[] = {
  "企业{field}变更已备案", "企业{field}变更审核通过", "{field}信息更新提醒", NULL };
static const char *const t_change_bodies[] = {
  "贵企业于{date}提交的{field}变更申请已由{customs}办结，变更结果已同步至海关企业信用信息系统。如非本企业操作，请立即联系主管海关。",
  "根据贵企业提交的材料，{field}已更新。请核对单一窗口“企业信息”页面中的内容，如有出入请于{due}前提出更正申请。",
  NULL };
static const char *const t_logistics_titles[] = {
  "提单 {bl} 货物已抵达{port}", "集装箱 {box} {state}", "舱单 {bl} 理货完成",
  "运抵报告已发送（{port}）", NULL };
static const char *const t_logistics_bodies[] = {
  "集装箱 {box}（提单号 {bl}，{goods}）于{date} {time}在{port}{state}。预计 {n} 个工作日内可办理提货手续。",
  "提单 {bl} 项下 {n} 个集装箱已由{port}码头发送运抵报告，当前状态：{state}。请关注后续海关放行信息。",
  NULL };
static const char *const t_maintenance_titles[] = {
  "单一窗口系统维护通知（{due}）", "{module}模块升级公告", "电子口岸客户端版本更新通知", NULL };
static const char *const t_maintenance_bodies[] = {
  "为提升服务质量，国际贸易单一窗口将于{due} 22:00 至次日 02:00 进行系统维护，期间{module}业务暂停办理，给您带来的不便敬请谅解。",
  "{module}模块将于{due}完成升级，新版本优化了申报页面的加载速度并修复了若干已知问题，请在升级后清除浏览器缓存。",
  NULL };
static const char *const t_declaration_titles[] = {
  "报关单 {decl} {dstate}", "进口报关单 {decl} 状态更新", "出口报关单 {decl} 状态更新", NULL };
static const char *const t_declaration_bodies[] = {
  "贵企业申报的报关单 {decl}（{goods}，{customs}）状态更新为“{dstate}”，更新时间 {date} {time}。",
  "报关单 {decl} 已由{customs}处理，当前状态“{dstate}”。如需打印报关单证明联，请在“货物申报”中查询。",
  NULL };

static const char *const t_risk_titles[] = {
  "报关单 {decl} 商品归类存在风险", "申报价格异常提示：{goods}", "申报要素不完整：{goods}", NULL };
static const char *const t_risk_bodies[] = {
  "系统检测到报关单 {decl} 中“{goods}”的申报价格低于同期同类商品均价 {pct}%，请于{due}前补充价格说明材料。",
  "报关单 {decl} 中“{goods}”的申报要素与归类不一致，存在申报风险，请核实商品编码后通过修撤单功能更正。",
  NULL };
static const char *const t_inspection_titles[] = {
  "报关单 {decl} 布控查验通知", "集装箱 {box} 被选中查验", NULL };
static const char *const t_inspection_bodies[] = {
  "报关单 {decl} 被选中实施人工查验，请于{due}前到{port}查验场地配合查验，联系电话 021-6{n}88{n}21。",
  "集装箱 {box}（{goods}）被{customs}选中实施机检查验，查验期间货物不得提离，请保持联系人电话畅通。",
  NULL };
static const char *const t_expiry_titles[] = {
  "{cert}将于{due}到期", "{cert}即将到期，请及时续办", NULL };
static const char *const t_expiry_bodies[] = {
  "贵企业的{cert}将于{due}到期。到期后相关业务将无法办理，请提前 {n} 个工作日提交续期申请。",
  "经核查，{ent}名下的{cert}有效期不足 {n} 天，请尽快通过单一窗口办理续期，以免影响通关。",
  NULL };
static const char *const t_tax_titles[] = {
  "税款缴纳即将逾期：{decl}", "报关单 {decl} 税款已逾期", NULL };
static const char *const t_tax_bodies[] = {
  "报关单 {decl} 应缴税款 {amount} 元，缴款期限为{due}，逾期将按日加收万分之五的滞纳金。",
  "报关单 {decl} 项下税款 {amount} 元已超过缴款期限，已产生滞纳金，请尽快通过“税费支付”完成缴纳。",
  NULL };

static const Template notice_templates[] = {
  { "企业认证通过", t_cert_titles, t_cert_bodies, NULL },
  { "企业信息变更", t_change_titles, t_change_bodies, NULL },
  { "物流跟踪", t_logistics_titles, t_logistics_bodies, NULL },
  { "系统维护", t_maintenance_titles, t_maintenance_bodies, NULL },
  { "报关单状态", t_declaration_titles, t_declaration_bodies, NULL },
};
/* Logistics and declaration news is far more frequent than the rest. */
static const guint notice_weights[] = { 1, 2, 5, 1, 5 };

static const Template warning_templates[] = {
  { "申报风险", t_risk_titles, t_risk_bodies, "mmh" },
  { "查验通知", t_inspection_titles, t_inspection_bodies, "hh" },
  { "证书到期", t_expiry_titles, t_expiry_bodies, "llm" },
  { "税费逾期", t_tax_titles, t_tax_bodies, "mh" },
};

typedef struct {
  gint64      id;
  const char *name;
  const char *code_17;
  gboolean    certified;
} DemoEnterprise;

static DemoEnterprise enterprises[] = {
  { 0, "上海浦江国际贸易有限公司", "91310115MA1K3Y8P2", TRUE },
  { 0, "宁波甬兴进出口有限公司", "91330203MA2H7QW4X", FALSE },
};

#define PICK(rand, array) ((array)[g_rand_int_range ((rand), 0, G_N_ELEMENTS (array))])

static guint
count_strv (const char *const *strv)
{
  guint n = 0;

  while (strv[n] != NULL)
    n++;
  return n;
}

/* Fills "{name}" placeholders; the values for one message are drawn once so
 * its title and body agree. */
typedef struct {
  const char *ent, *port, *customs, *goods, *state, *dstate, *module, *field, *cert;
  char decl[24], bl[24], box[16], num[24], amount[24], pct[8], n[8], date[32], due[32], time[8];
} Fill;

static void
fill_values (Fill       *fill,
             GRand      *rand,
             const char *enterprise,
             gint64      created_at)
{
  guint port = g_rand_int_range (rand, 0, G_N_ELEMENTS (ports));
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (created_at + 8 * 3600);
  g_autoptr(GDateTime) later = g_date_time_add_days (when, g_rand_int_range (rand, 3, 40));
  g_autofree char *date = g_date_time_format (when, "%Y年%m月%d日");
  g_autofree char *due = g_date_time_format (later, "%Y年%m月%d日");
  g_autofree char *time = g_date_time_format (when, "%H:%M");

  fill->ent = enterprise;
  fill->port = ports[port];
  fill->customs = customs[port];
  fill->goods = PICK (rand, goods);
  fill->state = PICK (rand, logistics_states);
  fill->dstate = PICK (rand, declaration_states);
  fill->module = PICK (rand, modules);
  fill->field = PICK (rand, changed_fields);
  fill->cert = PICK (rand, certificates);
  g_snprintf (fill->decl, sizeof fill->decl, "%04u%04d%010u",
              2200 + g_rand_int_range (rand, 1, 99), g_date_time_get_year (when),
              g_rand_int_range (rand, 0, 999999999));
  g_snprintf (fill->bl, sizeof fill->bl, "%s%08u", PICK (rand, carriers),
              g_rand_int_range (rand, 10000000, 99999999));
  g_snprintf (fill->box, sizeof fill->box, "%s%07u", PICK (rand, box_owners),
              g_rand_int_range (rand, 1000000, 9999999));
  g_snprintf (fill->num, sizeof fill->num, "CN%010u", g_rand_int_range (rand, 0, 999999999));
  g_snprintf (fill->amount, sizeof fill->amount, "%u.%02u",
              g_rand_int_range (rand, 800, 480000), g_rand_int_range (rand, 0, 100));
  g_snprintf (fill->pct, sizeof fill->pct, "%u", g_rand_int_range (rand, 18, 65));
  g_snprintf (fill->n, sizeof fill->n, "%u", g_rand_int_range (rand, 2, 10));
  g_strlcpy (fill->date, date, sizeof fill->date);
  g_strlcpy (fill->due, due, sizeof fill->due);
  g_strlcpy (fill->time, time, sizeof fill->time);
}

static const char *
fill_lookup (const Fill *fill,
             const char *name,
             gsize       length)
{
#define FIELD(key, value) if (length == strlen (key) && strncmp (name, key, length) == 0) return (value)
  FIELD ("ent", fill->ent);
  FIELD ("port", fill->port);
  FIELD ("customs", fill->customs);
  FIELD ("goods", fill->goods);
  FIELD ("state", fill->state);
  FIELD ("dstate", fill->dstate);
  FIELD ("module", fill->module);
  FIELD ("field", fill->field);
  FIELD ("cert", fill->cert);
  FIELD ("decl", fill->decl);
  FIELD ("bl", fill->bl);
  FIELD ("box", fill->box);
  FIELD ("num", fill->num);
  FIELD ("amount", fill->amount);
  FIELD ("pct", fill->pct);
  FIELD ("n", fill->n);
  FIELD ("date", fill->date);
  FIELD ("due", fill->due);
  FIELD ("time", fill->time);
#undef FIELD
  g_error ("Demo template uses an unknown field");
  return "";
}

static void
expand (GString    *out,
        const char *template,
        const Fill *fill)
{
  const char *p = template;

  g_string_truncate (out, 0);
  while (*p != '\0')
    {
      const char *open = strchr (p, '{');
      const char *close;

      if (open == NULL)
        {
          g_string_append (out, p);
          break;
        }
      close = strchr (open, '}');
      g_string_append_len (out, p, open - p);
      g_string_append (out, fill_lookup (fill, open + 1, close - open - 1));
      p = close + 1;
    }
}

static gboolean
insert_enterprises (KouanServer  *self,
                    GError      **error)
{
  sqlite3_stmt *stmt = kouan_server_db_stmt (self,
    "INSERT INTO enterprises (name, credit_code, certified) VALUES (?1, ?2, ?3)");

  for (guint i = 0; i < G_N_ELEMENTS (enterprises); i++)
    {
      char code[19];

      g_snprintf (code, sizeof code, "%s%c", enterprises[i].code_17,
                  kouan_credit_code_check_char (enterprises[i].code_17));
      g_assert (kouan_credit_code_is_valid (code));

      sqlite3_reset (stmt);
      sqlite3_bind_text (stmt, 1, enterprises[i].name, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, code, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int (stmt, 3, enterprises[i].certified);
      if (!kouan_server_db_step_done (self, stmt, error))
        return FALSE;
      enterprises[i].id = sqlite3_last_insert_rowid (self->db);
    }
  return TRUE;
}

static gboolean
insert_membership (KouanServer  *self,
                   gint64        user_id,
                   gint64        enterprise_id,
                   const char   *roles,
                   GError      **error)
{
  sqlite3_stmt *stmt = kouan_server_db_stmt (self,
    "INSERT INTO memberships (user_id, enterprise_id, roles) VALUES (?1, ?2, ?3)");

  sqlite3_bind_int64 (stmt, 1, user_id);
  sqlite3_bind_int64 (stmt, 2, enterprise_id);
  sqlite3_bind_text (stmt, 3, roles, -1, SQLITE_STATIC);
  return kouan_server_db_step_done (self, stmt, error);
}

static const char *
severity_name (char letter)
{
  return letter == 'h' ? "high" : letter == 'm' ? "medium" : "low";
}

/* What a demo message offers to do (docs/api.md, "actions"): the tax
 * warning that asks for payment through 税费支付 points at the business
 * switch that pays duties electronically and at the bank account it pays
 * from; NULL for the others. */
static char *
demo_actions (const Template *template,
              const char     *body)
{
  if (g_str_equal (template->category, "税费逾期") && strstr (body, "“税费支付”") != NULL)
    return g_strdup ("[{\"label\": \"开启税费电子支付\", \"area\": \"admin.business\","
                     " \"object\": \"e_payment\"},"
                     " {\"label\": \"核对缴税银行账户\", \"area\": \"admin.enterprise\","
                     " \"object\": \"bank_account\"}]");
  return NULL;
}

static const Template *
pick_notice (GRand *rand)
{
  guint total = 0, roll;

  for (guint i = 0; i < G_N_ELEMENTS (notice_weights); i++)
    total += notice_weights[i];
  roll = g_rand_int_range (rand, 0, total);
  for (guint i = 0; i < G_N_ELEMENTS (notice_weights); i++)
    {
      if (roll < notice_weights[i])
        return &notice_templates[i];
      roll -= notice_weights[i];
    }
  return &notice_templates[0];
}

/* Read flags follow age (old messages were mostly read), stars are rare;
 * only flags that differ from the default (unread, not starred) are
 * stored. */
static void
pick_state (GRand                   *rand,
            gint64                   user_id,
            double                   age,
            double                   read_bias,
            KouanStoredMessageState *out)
{
  out->user_id = user_id;
  out->read = g_rand_double (rand) < read_bias + 0.75 * age;
  out->starred = g_rand_double (rand) < 0.09;
}

static gboolean
insert_messages (KouanServer  *self,
                 GRand        *rand,
                 guint         n_notices,
                 guint         n_warnings,
                 gint64        admin_id,
                 gint64        staff_id,
                 GError      **error)
{
  g_autoptr(GString) title = g_string_new (NULL);
  g_autoptr(GString) body = g_string_new (NULL);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 start = now - DEMO_DAYS * 24 * 3600;
  guint total = n_notices + n_warnings;
  guint warnings_left = n_warnings;

  for (guint i = 0; i < total; i++)
    {
      /* Spread in time order, so ids grow with dates like a real feed. */
      gint64 created_at = start + (gint64) ((double) i / total * DEMO_DAYS * 24 * 3600)
                          + g_rand_int_range (rand, 0, 3600);
      gboolean warning = (guint) g_rand_int_range (rand, 0, total - i) < warnings_left;
      const DemoEnterprise *enterprise = &enterprises[g_rand_int_range (rand, 0, 5) < 3 ? 0 : 1];
      const Template *template;
      const char *severity = NULL;
      gboolean ok;
      Fill fill;
      KouanStoredMessage message;
      KouanStoredMessageState states[2];
      double age = 1.0 - (double) i / total;

      if (warning)
        {
          warnings_left--;
          template = &warning_templates[g_rand_int_range (rand, 0, G_N_ELEMENTS (warning_templates))];
          severity = severity_name (template->severities[g_rand_int_range (rand, 0, strlen (template->severities))]);
        }
      else
        template = pick_notice (rand);

      fill_values (&fill, rand, enterprise->name, MIN (created_at, now));
      expand (title, template->titles[g_rand_int_range (rand, 0, count_strv (template->titles))], &fill);
      expand (body, template->bodies[g_rand_int_range (rand, 0, count_strv (template->bodies))], &fill);

      /* The message goes in with its members' flags: storage records as
       * few changes as it can (SQLite: the message's one, which carries
       * them; a first sync is half as long). */
      pick_state (rand, admin_id, age, 0.15, &states[0]);
      if (enterprise == &enterprises[0])
        pick_state (rand, staff_id, age, 0.05, &states[1]);
      message = (KouanStoredMessage) {
        .kind = (char *) (warning ? "warning" : "notice"),
        .category = (char *) template->category,
        .title = title->str, .body = body->str, .severity = (char *) severity,
        .actions = demo_actions (template, body->str),
        .created_at = MIN (created_at, now),
      };
      ok = self->storage->messages->message_seed (self->storage, enterprise->id, &message, states,
                                                  enterprise == &enterprises[0] ? 2 : 1,
                                                  NULL, error);
      g_free (message.actions);
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

/* One warning per enterprise about its oldest policy waiting for
 * confirmation, with the action that opens it in 信用保险; seeded after
 * the policies so it names a real one. */
static gboolean
insert_policy_warnings (KouanServer  *self,
                        GError      **error)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  for (guint i = 0; i < G_N_ELEMENTS (enterprises); i++)
    {
      g_auto(KouanStoredPolicy) policy = { 0 };
      gint64 policy_id;
      g_autofree char *title = NULL;
      g_autofree char *body = NULL;
      g_autofree char *actions = NULL;
      KouanStoredMessage message;

      if (!self->storage->insurance->policy_first_pending (self->storage, enterprises[i].id,
                                                           &policy, error))
        return FALSE;
      if (policy.id == 0)
        continue;
      policy_id = policy.id;
      title = g_strdup_printf ("保单 %s 待确认", policy.number);
      body = g_strdup_printf ("买方为%s的保单 %s 已由保险公司出具，尚未确认。"
                              "请在“信用保险 → 投保申请”中核对保单内容后确认或退回，"
                              "确认前该笔出口不在承保范围内。",
                              policy.buyer, policy.number);

      actions = g_strdup_printf ("[{\"label\": \"查看待确认保单\", \"area\": \"insurance.policy\","
                                 " \"object\": %" G_GINT64_FORMAT "}]", policy_id);
      message = (KouanStoredMessage) {
        .kind = (char *) "warning", .category = (char *) "信用保险",
        .title = title, .body = body, .severity = (char *) "medium",
        .actions = actions, .created_at = now - 3600,
      };
      if (!self->storage->messages->message_post (self->storage, enterprises[i].id, &message,
                                                  NULL, 0, NULL, error))
        return FALSE;
    }
  return TRUE;
}

/* Each demo enterprise's feed carries the insurer's categories and risk
 * articles (on SQLite the schema's trigger did so as it was created) */
static gboolean
open_insurance (KouanServer  *self,
                GError      **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (enterprises); i++)
    if (!self->storage->insurance->enterprise_open (self->storage, enterprises[i].id, error))
      return FALSE;
  return TRUE;
}

static gboolean
has_users (KouanServer *self)
{
  sqlite3_stmt *stmt = kouan_server_db_stmt (self, "SELECT 1 FROM users LIMIT 1");
  gboolean found = kouan_server_db_row (self, stmt);

  sqlite3_reset (stmt);
  return found;
}

static gboolean
seed (KouanServer  *self,
      guint         scale,
      GError      **error)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (DEMO_SEED);
  gint64 admin_id, staff_id;

  if (!kouan_server_auth_create_user (self, "demo-admin", "王明", DEMO_PASSWORD, &admin_id, error) ||
      !kouan_server_auth_create_user (self, "demo-staff", "李娜", DEMO_PASSWORD, &staff_id, error) ||
      !insert_enterprises (self, error) ||
      !open_insurance (self, error) ||
      !insert_membership (self, admin_id, enterprises[0].id, "[\"admin\"]", error) ||
      !insert_membership (self, admin_id, enterprises[1].id, "[\"admin\"]", error) ||
      !insert_membership (self, staff_id, enterprises[0].id, "[\"staff\"]", error))
    return FALSE;

  return insert_messages (self, rand,
                          scale > 0 ? scale : 200,
                          scale > 0 ? scale : 50,
                          admin_id, staff_id, error) &&
         kouan_server_personal_demo_seed (self, error) &&
         kouan_server_insurance_demo_seed (self, admin_id, scale, error) &&
         insert_policy_warnings (self, error) &&
         kouan_server_enterprise_demo_seed (self, error) &&
         kouan_server_admin_demo_seed (self, error);
}

gboolean
kouan_server_demo_seed (KouanServer  *self,
                        guint         scale,
                        GError      **error)
{
  gint64 started = g_get_monotonic_time ();
  gboolean ok;

  if (has_users (self))
    return TRUE;

  /* One transaction: 100k rows seed in seconds instead of hours of
   * per-row fsyncs, and a failed seed leaves an empty database. While the
   * database is empty a rollback journal is cheaper than the WAL: new
   * pages need no journaling, so every page is written once instead of
   * to the WAL and again at the checkpoint. A big page cache keeps the
   * indexes in memory until the commit. */
  if (!kouan_server_db_exec (self, "PRAGMA journal_mode = DELETE; PRAGMA cache_size = -262144;"
                                   /* the seed is consistent by construction
                                    * (a test checks it); checking each row
                                    * would double the time */
                                   "PRAGMA foreign_keys = OFF", error))
    return FALSE;
  ok = kouan_server_db_begin (self, error) &&
       seed (self, scale, error) &&
       kouan_server_db_commit (self, error);
  if (!ok)
    kouan_server_db_rollback (self);
  if (!kouan_server_db_exec (self, "PRAGMA foreign_keys = ON; PRAGMA cache_size = -2000;"
                                   "PRAGMA journal_mode = WAL",
                             ok ? error : NULL))
    return FALSE;
  if (!ok)
    return FALSE;

  g_debug ("Demo data seeded in %.1f s", (g_get_monotonic_time () - started) / 1e6);
  return TRUE;
}

void
kouan_server_demo_print (void)
{
  /* printf, not g_print: the names stay UTF-8 whatever the locale */
  printf ("demo accounts: demo-admin (王明), demo-staff (李娜); password: %s\n", DEMO_PASSWORD);
  g_print ("demo IC card: tests/card/holder.pem, bound to demo-admin (PIN 123456 on kouan-vcard)\n");
}
