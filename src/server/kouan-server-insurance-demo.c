/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kouan-server.h"

/* Demo data of the credit insurance area: for every demo enterprise a few
 * dozen policies and claims in every status (claims with their history),
 * several hundred risk articles over 25 countries and 12 industries, and
 * demo-admin's subscriptions. Articles are written from templates with one
 * seeded GRand, so every demo database holds the same text. Everything is
 * written through the insurance area of storage, so it seeds either
 * backend. */

#define INSURANCE_SEED     20261107
#define DEMO_ARTICLES      600
#define POLICIES_PER_ENTERPRISE 36
#define DAY                (24 * 60 * 60)

#define PICK(rand, array) ((array)[g_rand_int_range ((rand), 0, G_N_ELEMENTS (array))])

static const char *const countries[] = {
  "美国", "德国", "日本", "韩国", "英国", "法国", "意大利", "俄罗斯", "印度", "巴西",
  "越南", "印度尼西亚", "泰国", "马来西亚", "墨西哥", "土耳其", "沙特阿拉伯", "阿联酋",
  "南非", "尼日利亚", "澳大利亚", "加拿大", "阿根廷", "埃及", "巴基斯坦",
};
static const char *const industries[] = {
  "电子信息", "汽车及零部件", "纺织服装", "机械设备", "化工", "钢铁", "农产品",
  "医药医疗", "家具家居", "新能源", "船舶", "建材",
};
/* a subject of each industry, to make the titles specific */
static const char *const industry_goods[] = {
  "芯片", "汽车零部件", "棉纺织品", "工程机械", "聚乙烯", "热轧钢卷", "大豆",
  "医疗器械", "实木家具", "光伏组件", "散货船", "瓷砖",
};
static const char *const sources[] = {
  "中国出口信用保险公司", "商务部国际贸易经济合作研究院", "海关总署", "新华社",
  "中国信保资信评估中心", "路透社", "彭博社", "世界银行", "国际货币基金组织",
};
static const char *const buyer_suffixes[] = {
  "Trading Co., Ltd.", "Import GmbH", "Industries Inc.", "Distribution LLC",
  "Holdings S.A.", "Supply Pty Ltd", "Commerce JSC", "Group PLC",
};
static const char *const buyer_stems[] = {
  "Pacific", "Nordic", "Atlas", "Sunrise", "Meridian", "Golden Gate", "Baltic",
  "Horizon", "Everest", "Silverline", "Andes", "Delta", "Orient", "Crescent",
};
static const char *const currencies[] = { "USD", "USD", "USD", "EUR", "EUR", "JPY", "GBP" };

typedef struct {
  gint64             category_id;
  const char *const *titles;   /* may contain {country} {industry} {goods} {n} {pct} {buyer} {term} */
  const char *const *bodies;
} ArticleTemplate;

static const char *const news_titles[] = {
  "{country}与中国双边贸易额前{n}月同比增长{pct}%",
  "{country}{goods}进口需求回升，{industry}出口订单增加",
  "RCEP框架下{country}{industry}投资合作提速",
  "WTO：全球货物贸易量预计增长{pct}%，{country}表现突出",
  NULL };
static const char *const news_bodies[] = {
  "据{source}统计，今年前{n}个月{country}与中国双边贸易额同比增长{pct}%，其中{industry}产品占比明显上升。"
  "业内人士认为，{goods}等商品的需求仍将保持韧性，但汇率波动和物流成本上升值得出口企业关注。"
  "建议企业合理安排信用限额，对新买家先行小额试单，并通过信用保险转移收汇风险。",
  "{country}主要港口吞吐量连续{n}个月增长，{industry}领域的采购商对中国{goods}的询盘量较上年同期增加{pct}%。"
  "WTO最新报告指出，区域贸易协定带动了中间品贸易的增长。出口企业应关注订单增加带来的账期延长问题，"
  "及时核实买家资信，避免集中度过高。",
  NULL };
static const char *const country_titles[] = {
  "{country}国家风险展望：主权信用评级下调至{term}",
  "{country}外汇管制收紧，进口付汇周期延长至{n}个月",
  "{country}通胀率升至{pct}%，本币汇率大幅波动",
  "{country}大选临近，政治不确定性上升",
  NULL };
static const char *const country_bodies[] = {
  "{source}发布的国家风险报告显示，{country}的经常账户赤字扩大，外汇储备仅能覆盖{n}个月进口，"
  "国际评级机构将其主权信用评级下调至{term}。对{country}出口的企业应适当缩短信用期限，"
  "优先采用信用证或预付款结算，并密切关注当地银行的付汇能力。",
  "受本币贬值影响，{country}央行出台新规，进口商购汇需提前{n}个月申报，部分{industry}进口商已出现延付。"
  "中国信保提示：对{country}的赊销业务应加强买家跟踪，出现逾期后应在规定时限内报损，以免影响索赔。",
  NULL };
static const char *const industry_titles[] = {
  "{industry}行业风险提示：{goods}价格下跌{pct}%",
  "全球{industry}需求放缓，{country}多家采购商库存高企",
  "{goods}出口面临反倾销调查，{country}拟加征关税",
  "{industry}供应链重构：{country}本土产能扩张",
  NULL };
static const char *const industry_bodies[] = {
  "近期国际市场{goods}价格较年初下跌{pct}%，{country}部分{industry}采购商资金链紧张，付款周期普遍延长。"
  "建议出口企业关注买家的经营和付款记录，对单一买家的信用限额不宜过高，必要时申请限额复核。",
  "{country}商务部门宣布对原产于中国的{goods}发起反倾销调查，涉案企业需在{n}日内提交应诉材料。"
  "如最终裁定加征关税，{industry}相关订单可能被取消或延期，企业应评估在途货物的收汇风险。",
  NULL };
static const char *const buyer_titles[] = {
  "买家风险警示：{country}进口商{buyer}出现大面积拖欠",
  "{country}{industry}买家{buyer}申请破产保护",
  "{buyer}经营异常，中国信保暂停其信用限额",
  NULL };
static const char *const buyer_bodies[] = {
  "中国信保资信评估中心监测到，{country}{industry}进口商{buyer}近{n}个月对多家中国供应商出现付款逾期，"
  "逾期金额合计约{pct}0万美元。该买家已被列入重点关注名单，建议相关企业暂停新的赊销出运，并及时向保险人报告可能损失。",
  "据{source}消息，{buyer}已向当地法院申请破产保护，涉及{goods}等多类进口商品的应付账款。"
  "已投保的出口企业应在知道损失发生后{n}个工作日内提交可能损失通知，并保留合同、提单、发票等单据以备索赔。",
  NULL };
static const char *const policy_titles[] = {
  "{country}调整进口关税税则，涉及{goods}等{n}类商品",
  "{country}实施新的原产地规则，CPTPP成员国享受优惠",
  "{country}出口管制新规影响{industry}，涉及芯片等关键产品",
  "{country}出台外商投资准入新规，{industry}限制放宽",
  NULL };
static const char *const policy_bodies[] = {
  "{country}政府公告自下月起调整进口关税，{goods}等{n}类商品的税率由{pct}%调整为{n}%。"
  "出口企业应重新核算报价和利润，关注合同中的价格条款与关税承担约定，避免因关税变化引发贸易纠纷。",
  "新规要求进口商品提供符合规定格式的原产地证明，{industry}产品需满足区域价值成分不低于{pct}%的要求。"
  "{source}提醒，企业应提前准备原产地证书，确保清关顺利，防止买家以单证不符为由拒收货物。",
  NULL };

static const ArticleTemplate article_templates[] = {
  { 1, news_titles, news_bodies },
  { 2, country_titles, country_bodies },
  { 3, industry_titles, industry_bodies },
  { 4, buyer_titles, buyer_bodies },
  { 5, policy_titles, policy_bodies },
};

static const char *const ratings[] = { "B+", "B", "B-", "CCC+", "BB-", "BB" };

static guint
strv_count (const char *const *strv)
{
  guint n = 0;

  while (strv[n] != NULL)
    n++;
  return n;
}

typedef struct {
  const char *country, *industry, *goods, *source;
  char buyer[64], n[8], pct[8], term[8];
} ArticleFill;

static void
expand (GString           *out,
        const char        *text,
        const ArticleFill *fill)
{
  g_string_truncate (out, 0);
  for (const char *p = text; *p != '\0'; )
    {
      const char *end;

      if (*p != '{' || (end = strchr (p, '}')) == NULL)
        {
          g_string_append_c (out, *p++);
          continue;
        }
#define FIELD(key, value) \
      if ((gsize) (end - p - 1) == strlen (key) && strncmp (p + 1, key, end - p - 1) == 0) \
        g_string_append (out, value); else
      FIELD ("country", fill->country)
      FIELD ("industry", fill->industry)
      FIELD ("goods", fill->goods)
      FIELD ("source", fill->source)
      FIELD ("buyer", fill->buyer)
      FIELD ("n", fill->n)
      FIELD ("pct", fill->pct)
      FIELD ("term", fill->term)
        g_error ("Insurance demo template uses an unknown field");
#undef FIELD
      p = end + 1;
    }
}

static void
make_buyer (GRand *rand,
            char  *out,
            gsize  size)
{
  g_snprintf (out, size, "%s %s", PICK (rand, buyer_stems), PICK (rand, buyer_suffixes));
}

/* One risk article; inserting it records its change for every enterprise
 * (and notices for subscribers, none while seeding before subscriptions). */
static gboolean
insert_article (KouanServer  *self,
                GRand        *rand,
                gint64        published_at,
                GString      *title,
                GString      *body,
                GError      **error)
{
  const ArticleTemplate *template = &PICK (rand, article_templates);
  guint industry = g_rand_int_range (rand, 0, G_N_ELEMENTS (industries));
  ArticleFill fill = { 0 };
  KouanStoredRiskArticle article;

  fill.country = PICK (rand, countries);
  fill.industry = industries[industry];
  fill.goods = industry_goods[industry];
  fill.source = PICK (rand, sources);
  make_buyer (rand, fill.buyer, sizeof fill.buyer);
  g_snprintf (fill.n, sizeof fill.n, "%d", g_rand_int_range (rand, 2, 12));
  g_snprintf (fill.pct, sizeof fill.pct, "%d", g_rand_int_range (rand, 3, 48));
  g_strlcpy (fill.term, PICK (rand, ratings), sizeof fill.term);

  expand (title, template->titles[g_rand_int_range (rand, 0, strv_count (template->titles))], &fill);
  expand (body, template->bodies[g_rand_int_range (rand, 0, strv_count (template->bodies))], &fill);

  article = (KouanStoredRiskArticle) {
    .title = title->str, .source = (char *) fill.source, .published_at = published_at,
    .country = (char *) fill.country, .industry = (char *) fill.industry,
    .category_id = template->category_id, .body = body->str,
  };
  return self->storage->insurance->article_insert (self->storage, &article, NULL, error);
}

static char *
format_day (gint64 unix_time)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (unix_time + 8 * 3600);

  return g_date_time_format (when, "%Y-%m-%d");
}

static const char *const policy_statuses[] = { "pending", "effective", "expired", "rejected", "returned" };
static const char *const claim_statuses[] = { "submitted", "reviewing", "paid", "rejected" };

static const char *const review_comments[] = {
  "已收到索赔申请及单证，案件进入审核阶段。",
  "请补充提供买家拖欠的往来函电及催收记录。",
  "经调查，买家确认债务，损失属于保险责任范围。",
  "已委托海外渠道核实买家经营状况。",
};
static const char *const paid_comments[] = {
  "经定损核赔，按保单约定赔付比例 90% 支付赔款。",
  "赔款已汇入被保险人指定账户，请注意查收。",
};
static const char *const rejected_comments[] = {
  "贸易双方存在质量纠纷，须待纠纷解决后再行处理，本次索赔不予受理。",
  "出运时已知买家拖欠，不属于保险责任范围，不予赔付。",
};

static void
add_event (GArray     *history,
           const char *status,
           const char *comment,
           gint64      at)
{
  KouanStoredClaimEvent event = { (char *) status, (char *) comment, at };

  g_array_append_val (history, event);
}

static gboolean
insert_claim (KouanServer  *self,
              GRand        *rand,
              gint64        enterprise_id,
              gint64        policy_id,
              const char   *buyer,
              const char   *currency,
              guint         index,
              gint64        now,
              GError      **error)
{
  const char *status = claim_statuses[index % G_N_ELEMENTS (claim_statuses)];
  gint64 submitted = now - g_rand_int_range (rand, 20, 200) * (gint64) DAY;
  gint64 loss = submitted - g_rand_int_range (rand, 30, 120) * (gint64) DAY;
  g_autofree char *number = g_strdup_printf ("SBC%04d%06u", 2026, 100000 + index * 37 + (guint) enterprise_id);
  g_autofree char *loss_on = format_day (loss);
  g_autofree char *submitted_on = format_day (submitted);
  g_autoptr(GArray) history = g_array_new (FALSE, FALSE, sizeof (KouanStoredClaimEvent));
  gint64 at = submitted;
  KouanStoredClaim claim = {
    .enterprise_id = enterprise_id, .policy_id = policy_id, .number = number,
    .buyer = (char *) buyer, .amount = g_rand_int_range (rand, 20, 900) * 1000,
    .currency = (char *) currency, .loss_on = loss_on, .submitted_on = submitted_on,
    .status = (char *) status,
    /* a third of the claims carry news the enterprise has not read */
    .notice_read = index % 3 != 0,
    .updated_at = now, .history = history,
  };

  /* the history with the claim: one record, one change */
  add_event (history, "submitted", "索赔申请已提交。", at);
  if (!g_str_equal (status, "submitted"))
    {
      at += g_rand_int_range (rand, 2, 10) * (gint64) DAY;
      add_event (history, "reviewing", PICK (rand, review_comments), at);
    }
  if (!g_str_equal (status, "submitted") && !g_str_equal (status, "reviewing"))
    {
      at += g_rand_int_range (rand, 10, 60) * (gint64) DAY;
      add_event (history, status,
                 g_str_equal (status, "paid") ? PICK (rand, paid_comments)
                                              : PICK (rand, rejected_comments),
                 MIN (at, now));
    }
  return self->storage->insurance->claim_insert (self->storage, &claim, NULL, error);
}

static gboolean
insert_policies (KouanServer  *self,
                 GRand        *rand,
                 gint64        enterprise_id,
                 gint64        now,
                 GError      **error)
{
  for (guint i = 0; i < POLICIES_PER_ENTERPRISE; i++)
    {
      const char *status = policy_statuses[i % G_N_ELEMENTS (policy_statuses)];
      const char *currency = PICK (rand, currencies);
      char buyer[64];
      gint64 starts = now + (g_rand_int_range (rand, -400, 30)) * (gint64) DAY;
      gint64 ends;
      g_autofree char *number = g_strdup_printf ("SCH%04d%02u%05u", 2026, (guint) enterprise_id,
                                                 10000 + i * 13);
      g_autofree char *starts_on = NULL, *ends_on = NULL;
      KouanStoredPolicy policy;
      const char *buyer_country;
      gint64 policy_id, amount;

      if (g_str_equal (status, "expired"))
        starts = now - g_rand_int_range (rand, 400, 700) * (gint64) DAY;
      ends = starts + 365 * (gint64) DAY;
      starts_on = format_day (starts);
      ends_on = format_day (ends);
      make_buyer (rand, buyer, sizeof buyer);

      /* (the initializers' order of evaluation is unspecified: the
       * draws come first, in the seed's order) */
      buyer_country = PICK (rand, countries);
      amount = g_rand_int_range (rand, 5, 300) * 10000;
      policy = (KouanStoredPolicy) {
        .enterprise_id = enterprise_id, .number = number, .buyer = buyer,
        .buyer_country = (char *) buyer_country, .amount = amount,
        .currency = (char *) currency, .starts_on = starts_on, .ends_on = ends_on,
        .status = (char *) status,
        .comment = (char *) (g_str_equal (status, "returned") ? "买家名称与合同不一致，请核对后重新出具。" :
                             g_str_equal (status, "rejected") ? "买家资信不足，保险人不予承保。" : ""),
        /* some effective policies still show their effective notice */
        .notice_read = !(g_str_equal (status, "effective") && i % 2 == 1),
        .updated_at = now,
      };
      if (!self->storage->insurance->policy_insert (self->storage, &policy, &policy_id, error))
        return FALSE;

      /* claims are made on policies that were in force */
      if ((g_str_equal (status, "effective") || g_str_equal (status, "expired")) &&
          !insert_claim (self, rand, enterprise_id, policy_id, buyer, currency, i, now, error))
        return FALSE;
      if (g_str_equal (status, "effective") && i % 3 == 0 &&
          !insert_claim (self, rand, enterprise_id, policy_id, buyer, currency, i + 1, now, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
kouan_server_insurance_demo_seed (KouanServer  *self,
                                  gint64        subscriber_id,
                                  guint         scale,
                                  GError      **error)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (INSURANCE_SEED);
  g_autoptr(GString) title = g_string_new (NULL);
  g_autoptr(GString) body = g_string_new (NULL);
  g_autoptr(GArray) enterprise_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  guint n_articles = DEMO_ARTICLES + scale;

  if (!self->storage->insurance->enterprises_list (self->storage, enterprise_ids, error))
    return FALSE;

  for (guint i = 0; i < enterprise_ids->len; i++)
    if (!insert_policies (self, rand, g_array_index (enterprise_ids, gint64, i), now, error))
      return FALSE;

  /* oldest first, so ids grow with the date like a real feed; spread
   * over a year */
  for (guint i = 0; i < n_articles; i++)
    {
      gint64 published_at = now - (gint64) (n_articles - i) * (365 * (gint64) DAY / n_articles)
                            - g_rand_int_range (rand, 0, 3600);

      if (!insert_article (self, rand, published_at, title, body, error))
        return FALSE;
    }

  /* @subscriber_id (demo-admin) follows country risk and policy news in
   * the first enterprise; the next few articles then arrive as notices */
  if (enterprise_ids->len > 0 &&
      (!self->storage->insurance->subscription_set (self->storage,
                                                    g_array_index (enterprise_ids, gint64, 0),
                                                    subscriber_id, 2, TRUE, error) ||
       !self->storage->insurance->subscription_set (self->storage,
                                                    g_array_index (enterprise_ids, gint64, 0),
                                                    subscriber_id, 5, TRUE, error)))
    return FALSE;
  for (guint i = 0; i < 6; i++)
    if (!insert_article (self, rand, now - (6 - i) * 3600, title, body, error))
      return FALSE;

  return TRUE;
}
