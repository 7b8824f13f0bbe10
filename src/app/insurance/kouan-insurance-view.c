/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "kouan-risk-list.h"
#include "kouan-store-insurance.h"
#include "insurance/kouan-insurance-view.h"

/* The pages are built in code: each is a handful of boxes around a list
 * view, and their rows change with the data, not with a design. */

#define LATEST_ARTICLES 8
/* How often a first sync's stream of risk articles refreshes the view. */
#define RISK_REFRESH_DELAY_MS 1000

typedef struct {
  GtkWidget      *list_view;
  GtkWidget      *title;
  GtkWidget      *meta;
  GtkWidget      *body;
  GtkWidget      *placeholder;
  GtkWidget      *content;
  GtkSingleSelection *selection;
  gint64          shown_id;   /* the article in the detail, 0 for none */
} ArticlePane;

struct _KouanInsuranceView
{
  GtkWidget           parent_instance;

  /* widgets */
  GtkWidget          *box;
  GtkWidget          *menu;
  GtkWidget          *stack;

  GtkWidget          *shortcuts[3];
  GtkWidget          *home_status;
  GtkWidget          *category_box;
  GtkWidget          *latest_box;
  GtkWidget          *more_button;

  GtkWidget          *policy_filter;
  GtkWidget          *policy_detail;
  GtkWidget          *policy_actions;
  GtkWidget          *policy_comment;
  GtkWidget          *confirm_button;
  GtkWidget          *return_button;
  GtkWidget          *policy_status;
  GtkSingleSelection *policy_selection;

  GtkWidget          *claim_filter;
  GtkWidget          *claim_detail;
  GtkSingleSelection *claim_selection;

  GtkWidget          *subscription_box;
  GtkWidget          *category_title;
  ArticlePane         category_pane;

  GtkWidget          *country_dropdown;
  GtkWidget          *industry_dropdown;
  GtkWidget          *category_dropdown;
  GtkWidget          *keyword_entry;
  GtkWidget          *search_button;
  GtkWidget          *result_count;
  ArticlePane         risk_pane;

  /* owned */
  KouanStore         *store;
  GListStore         *policies;         /* KouanPolicy */
  GListStore         *claims;           /* KouanClaim */
  KouanRiskList      *risk_results;
  KouanRiskList      *category_articles;
  GtkStringList      *countries;
  GtkStringList      *industries;
  GPtrArray          *categories;       /* KouanInsuranceCategory, menu order */
  KouanPolicy        *policy;           /* (nullable) shown in the detail */
  KouanClaim         *claim;            /* (nullable) */
  gulong              changed_id;
  gint64              enterprise_id;
  gint64              shown_category;
  gint64              notified_article;  /* highest article id announced */
  gint64              notify_since;      /* unix time the view got its store */
  gboolean            filling_facets;

  /* Risk articles arrive by the thousand during a first sync: what the
   * view derives from all of them (the latest articles, the facets, new
   * subscribed ones to announce) is read on a worker at most once a
   * second, and the first two only while the view is shown. */
  GCancellable       *cancellable;
  guint               refresh_source;
  gboolean            refresh_in_flight;
  gboolean            refresh_again;
  gboolean            shown_stale;      /* latest and facets wait for a map */
};

G_DEFINE_FINAL_TYPE (KouanInsuranceView, kouan_insurance_view, GTK_TYPE_WIDGET)

static const char *const pages[][2] = {
  { "home", N_("Home") },
  { "policies", N_("Insurance Applications") },
  { "claims", N_("Claim Applications") },
  { "subscriptions", N_("Information Subscriptions") },
  { "risk", N_("Risk Information") },
};

/* ---- small helpers ------------------------------------------------- */

static const char *
policy_status_label (const char *status)
{
  if (g_strcmp0 (status, "pending") == 0)
    return _("Awaiting confirmation");
  if (g_strcmp0 (status, "effective") == 0)
    return _("Effective");
  if (g_strcmp0 (status, "expired") == 0)
    return _("Expired");
  if (g_strcmp0 (status, "rejected") == 0)
    return _("Declined");
  if (g_strcmp0 (status, "returned") == 0)
    return _("Returned");
  return status;
}

static const char *
claim_status_label (const char *status)
{
  if (g_strcmp0 (status, "submitted") == 0)
    return _("Submitted");
  if (g_strcmp0 (status, "reviewing") == 0)
    return _("Under review");
  if (g_strcmp0 (status, "paid") == 0)
    return _("Paid");
  if (g_strcmp0 (status, "rejected") == 0)
    return _("Declined");
  return status;
}

static char *
format_amount (gint64 amount, const char *currency)
{
  g_autoptr(GString) digits = g_string_new (NULL);
  g_autofree char *plain = g_strdup_printf ("%" G_GINT64_FORMAT, amount);
  gsize n = strlen (plain);

  for (gsize i = 0; i < n; i++)
    {
      if (i > 0 && (n - i) % 3 == 0 && plain[i - 1] != '-')
        g_string_append_c (digits, ',');
      g_string_append_c (digits, plain[i]);
    }
  return g_strdup_printf ("%s %s", currency, digits->str);
}

static char *
format_day (gint64 unix_time)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (unix_time);

  return when != NULL ? g_date_time_format (when, "%Y-%m-%d") : g_strdup ("");
}

static GtkWidget *
heading (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  return label;
}

static GtkWidget *
wrapped_label (const char *css_class)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

static void
clear_box (GtkWidget *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (box)) != NULL)
    {
      if (GTK_IS_LIST_BOX (box))
        gtk_list_box_remove (GTK_LIST_BOX (box), child);
      else
        gtk_box_remove (GTK_BOX (box), child);
    }
}

static const char *
category_name (KouanInsuranceView *self,
               gint64              category_id)
{
  for (guint i = 0; self->categories != NULL && i < self->categories->len; i++)
    {
      KouanInsuranceCategory *category = g_ptr_array_index (self->categories, i);

      if (category->id == category_id)
        return category->name;
    }
  return "";
}

/* ---- list rows ----------------------------------------------------- */

static void
two_line_setup (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *meta = gtk_label_new (NULL);

  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (meta), 0);
  gtk_label_set_ellipsize (GTK_LABEL (meta), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (meta, "dim-label");
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), meta);
  gtk_list_item_set_child (item, box);
}

static void
two_line_set (GtkListItem *item,
              const char  *title,
              const char  *meta,
              gboolean     unread)
{
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *title_label = gtk_widget_get_first_child (box);
  GtkWidget *meta_label = gtk_widget_get_last_child (box);

  gtk_label_set_label (GTK_LABEL (title_label), title);
  gtk_label_set_label (GTK_LABEL (meta_label), meta);
  if (unread)
    gtk_widget_add_css_class (title_label, "heading");
  else
    gtk_widget_remove_css_class (title_label, "heading");
}

static void
policy_bind (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             gpointer                  user_data)
{
  KouanPolicy *policy = gtk_list_item_get_item (item);
  g_autofree char *title = g_strdup_printf ("%s · %s", policy->number, policy->buyer);
  g_autofree char *amount = format_amount (policy->amount, policy->currency);
  g_autofree char *meta = g_strdup_printf ("%s · %s · %s", policy_status_label (policy->status),
                                           policy->buyer_country, amount);

  two_line_set (item, title, meta,
                g_str_equal (policy->status, "pending") ||
                (g_str_equal (policy->status, "effective") && !policy->notice_read));
}

static void
claim_bind (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  user_data)
{
  KouanClaim *claim = gtk_list_item_get_item (item);
  g_autofree char *title = g_strdup_printf ("%s · %s", claim->number, claim->buyer);
  g_autofree char *amount = format_amount (claim->amount, claim->currency);
  g_autofree char *meta = g_strdup_printf ("%s · %s · %s", claim_status_label (claim->status),
                                           claim->policy_number, amount);

  two_line_set (item, title, meta, !claim->notice_read);
}

static void
article_bind (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  KouanRiskArticle *article = gtk_list_item_get_item (item);
  g_autofree char *day = format_day (article->published_at);
  g_autofree char *meta = g_strdup_printf ("%s · %s · %s · %s", day, article->country,
                                           article->industry, article->source);

  two_line_set (item, article->title, meta, FALSE);
}

static GtkWidget *
make_list_view (GListModel          *model,
                GCallback            bind,
                const char          *accessible_label,
                GtkSingleSelection **out_selection)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkSingleSelection *selection = gtk_single_selection_new (g_object_ref (model));
  GtkWidget *list_view;
  GtkWidget *scrolled = gtk_scrolled_window_new ();

  g_signal_connect (factory, "setup", G_CALLBACK (two_line_setup), NULL);
  g_signal_connect (factory, "bind", bind, NULL);
  gtk_single_selection_set_autoselect (selection, FALSE);
  gtk_single_selection_set_can_unselect (selection, TRUE);
  list_view = gtk_list_view_new (GTK_SELECTION_MODEL (selection), factory);
  gtk_list_view_set_single_click_activate (GTK_LIST_VIEW (list_view), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (list_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible_label, -1);
  gtk_widget_add_css_class (list_view, "navigation-sidebar");
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), list_view);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_widget_set_size_request (scrolled, 320, -1);
  *out_selection = selection;
  return scrolled;
}

static GtkWidget *
scrolled_detail (GtkWidget *child)
{
  GtkWidget *scrolled = gtk_scrolled_window_new ();

  gtk_widget_set_margin_start (child, 18);
  gtk_widget_set_margin_end (child, 18);
  gtk_widget_set_margin_top (child, 12);
  gtk_widget_set_margin_bottom (child, 12);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), child);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_widget_set_hexpand (scrolled, TRUE);
  gtk_widget_set_vexpand (scrolled, TRUE);
  return scrolled;
}

/* ---- article panes (subscriptions, risk search) -------------------- */

static void
article_pane_show (ArticlePane      *pane,
                   KouanRiskArticle *article,
                   const char       *category)
{
  g_autofree char *day = NULL;
  g_autofree char *meta = NULL;

  pane->shown_id = article != NULL ? article->id : 0;
  gtk_widget_set_visible (pane->placeholder, article == NULL);
  gtk_widget_set_visible (pane->content, article != NULL);
  if (article == NULL)
    {
      gtk_label_set_label (GTK_LABEL (pane->title), "");
      return;
    }
  day = format_day (article->published_at);
  meta = g_strdup_printf ("%s  |  %s: %s  |  %s: %s  |  %s  |  %s: %s", day,
                          _("Country"), article->country, _("Industry"), article->industry,
                          category, _("Source"), article->source);
  gtk_label_set_label (GTK_LABEL (pane->title), article->title);
  gtk_label_set_label (GTK_LABEL (pane->meta), meta);
  gtk_label_set_label (GTK_LABEL (pane->body), article->body);
}

static void
on_article_activate (GtkListView *list_view,
                     guint        position,
                     gpointer     user_data)
{
  KouanInsuranceView *self = user_data;
  ArticlePane *pane = list_view == GTK_LIST_VIEW (self->risk_pane.list_view)
                      ? &self->risk_pane : &self->category_pane;
  GListModel *model = gtk_single_selection_get_model (pane->selection);
  g_autoptr(KouanRiskArticle) article = g_list_model_get_item (model, position);

  gtk_single_selection_set_selected (pane->selection, position);
  article_pane_show (pane, article, article != NULL ? category_name (self, article->category_id) : "");
}

/* The detail shows an article of the results or nothing: when a search or
 * a sync changes the results, an article that left them leaves the detail
 * too, and one that stayed is shown as the store has it now. */
static void
article_pane_follow (KouanInsuranceView *self,
                     ArticlePane        *pane)
{
  KouanRiskList *results = KOUAN_RISK_LIST (gtk_single_selection_get_model (pane->selection));
  g_autoptr(KouanRiskArticle) article = NULL;
  guint position;

  if (pane->shown_id == 0 || results == NULL || kouan_risk_list_get_loading (results))
    return;
  if (kouan_risk_list_find (results, pane->shown_id, &position))
    article = kouan_store_get_risk_article (self->store, pane->shown_id, NULL);
  if (article == NULL)
    {
      gtk_single_selection_set_selected (pane->selection, GTK_INVALID_LIST_POSITION);
      article_pane_show (pane, NULL, NULL);
      return;
    }
  gtk_single_selection_set_selected (pane->selection, position);
  article_pane_show (pane, article, category_name (self, article->category_id));
}

static void
on_risk_results_changed (KouanInsuranceView *self)
{
  article_pane_follow (self, &self->risk_pane);
}

static void
on_category_articles_changed (KouanInsuranceView *self)
{
  article_pane_follow (self, &self->category_pane);
}

static GtkWidget *
make_article_pane (KouanInsuranceView *self,
                   ArticlePane        *pane,
                   GListModel         *model,
                   const char         *accessible_label)
{
  GtkWidget *paned = gtk_paned_new (GTK_ORIENTATION_HORIZONTAL);
  GtkWidget *list = make_list_view (model, G_CALLBACK (article_bind), accessible_label,
                                    &pane->selection);
  GtkWidget *detail = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);

  pane->list_view = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (list));
  g_signal_connect (pane->list_view, "activate", G_CALLBACK (on_article_activate), self);

  pane->placeholder = gtk_label_new (_("Choose an article to read it here."));
  gtk_widget_add_css_class (pane->placeholder, "dim-label");
  gtk_widget_set_vexpand (pane->placeholder, TRUE);
  pane->content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  pane->title = wrapped_label ("title-2");
  pane->meta = wrapped_label ("dim-label");
  pane->body = wrapped_label (NULL);
  gtk_box_append (GTK_BOX (pane->content), pane->title);
  gtk_box_append (GTK_BOX (pane->content), pane->meta);
  gtk_box_append (GTK_BOX (pane->content), pane->body);
  gtk_widget_set_visible (pane->content, FALSE);
  gtk_box_append (GTK_BOX (detail), pane->placeholder);
  gtk_box_append (GTK_BOX (detail), pane->content);

  gtk_paned_set_start_child (GTK_PANED (paned), list);
  gtk_paned_set_end_child (GTK_PANED (paned), scrolled_detail (detail));
  gtk_paned_set_shrink_start_child (GTK_PANED (paned), FALSE);
  gtk_paned_set_position (GTK_PANED (paned), 420);
  return paned;
}

/* ---- reloading from the store -------------------------------------- */

static void show_policy (KouanInsuranceView *self, KouanPolicy *policy);
static void run_search (KouanInsuranceView *self);
static void show_claim (KouanInsuranceView *self, KouanClaim *claim);

static void
update_shortcut (GtkWidget  *button,
                 const char *label,
                 guint       count)
{
  g_autofree char *text = g_strdup_printf ("%s (%u)", label, count);

  gtk_button_set_label (GTK_BUTTON (button), text);
  if (count > 0)
    gtk_widget_add_css_class (button, "suggested-action");
  else
    gtk_widget_remove_css_class (button, "suggested-action");
}

static void
reload_counts (KouanInsuranceView *self)
{
  g_autoptr(GError) error = NULL;
  KouanInsuranceCounts counts = { 0 };

  if (self->store != NULL && self->enterprise_id != 0 &&
      !kouan_store_insurance_counts (self->store, self->enterprise_id, &counts, &error))
    g_warning ("%s", error->message);

  update_shortcut (self->shortcuts[KOUAN_INSURANCE_SHORTCUT_PENDING], _("Policies to Confirm"),
                   counts.pending_policies);
  update_shortcut (self->shortcuts[KOUAN_INSURANCE_SHORTCUT_EFFECTIVE], _("Policy Effective Notices"),
                   counts.policy_notices);
  update_shortcut (self->shortcuts[KOUAN_INSURANCE_SHORTCUT_CLAIMS], _("Claim Notices"),
                   counts.claim_notices);
}

static void
reload_policies (KouanInsuranceView *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) policies = NULL;

  if (self->store != NULL && self->enterprise_id != 0)
    policies = kouan_store_list_policies (self->store, self->enterprise_id,
                                          gtk_drop_down_get_selected (GTK_DROP_DOWN (self->policy_filter)),
                                          &error);
  if (error != NULL)
    g_warning ("%s", error->message);
  g_list_store_splice (self->policies, 0, g_list_model_get_n_items (G_LIST_MODEL (self->policies)),
                       policies != NULL ? policies->pdata : NULL, policies != NULL ? policies->len : 0);

  /* the detail follows the row's newest version */
  if (self->policy != NULL)
    {
      g_autoptr(KouanPolicy) current = kouan_store_get_policy (self->store, self->enterprise_id,
                                                               self->policy->id, NULL);

      show_policy (self, current);
    }
}

static void
reload_claims (KouanInsuranceView *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) claims = NULL;

  if (self->store != NULL && self->enterprise_id != 0)
    claims = kouan_store_list_claims (self->store, self->enterprise_id,
                                      gtk_drop_down_get_selected (GTK_DROP_DOWN (self->claim_filter)),
                                      &error);
  if (error != NULL)
    g_warning ("%s", error->message);
  g_list_store_splice (self->claims, 0, g_list_model_get_n_items (G_LIST_MODEL (self->claims)),
                       claims != NULL ? claims->pdata : NULL, claims != NULL ? claims->len : 0);
  if (self->claim != NULL)
    {
      g_autoptr(KouanClaim) current = kouan_store_get_claim (self->store, self->enterprise_id,
                                                             self->claim->id, NULL);

      show_claim (self, current);
    }
}

static void show_category (KouanInsuranceView *self, gint64 category_id);

static void
on_category_button_clicked (GtkButton          *button,
                            KouanInsuranceView *self)
{
  show_category (self, GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (button), "category-id")));
  kouan_insurance_view_show_page (self, "subscriptions");
}

static void
on_subscription_toggled (GtkSwitch          *toggle,
                         GParamSpec         *pspec,
                         KouanInsuranceView *self)
{
  g_autoptr(GError) error = NULL;
  gint64 category_id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (toggle), "category-id"));

  if (self->store == NULL ||
      !kouan_store_set_subscribed (self->store, self->enterprise_id, category_id,
                                   gtk_switch_get_active (toggle), &error))
    {
      if (error != NULL)
        g_warning ("Subscribing: %s", error->message);
    }
}

static void
reload_categories (KouanInsuranceView *self)
{
  g_autoptr(GError) error = NULL;
  GtkStringList *names = gtk_string_list_new (NULL);
  guint selected = gtk_drop_down_get_selected (GTK_DROP_DOWN (self->category_dropdown));

  g_clear_pointer (&self->categories, g_ptr_array_unref);
  if (self->store != NULL && self->enterprise_id != 0)
    self->categories = kouan_store_list_insurance_categories (self->store, self->enterprise_id, &error);
  if (error != NULL)
    g_warning ("%s", error->message);

  clear_box (self->category_box);
  clear_box (self->subscription_box);
  gtk_string_list_append (names, _("All categories"));
  for (guint i = 0; self->categories != NULL && i < self->categories->len; i++)
    {
      KouanInsuranceCategory *category = g_ptr_array_index (self->categories, i);
      GtkWidget *button = gtk_button_new_with_label (category->name);
      GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
      GtkWidget *name = gtk_label_new (category->name);
      GtkWidget *toggle = gtk_switch_new ();
      GtkWidget *open = gtk_button_new_with_label (_("Articles"));
      g_autofree char *toggle_label = g_strdup_printf ("%s: %s", _("Subscribe"), category->name);

      gtk_string_list_append (names, category->name);

      gtk_widget_add_css_class (button, "flat");
      gtk_widget_set_halign (button, GTK_ALIGN_START);
      g_object_set_data (G_OBJECT (button), "category-id", GSIZE_TO_POINTER (category->id));
      g_signal_connect (button, "clicked", G_CALLBACK (on_category_button_clicked), self);
      gtk_box_append (GTK_BOX (self->category_box), button);

      gtk_label_set_xalign (GTK_LABEL (name), 0);
      gtk_widget_set_hexpand (name, TRUE);
      gtk_switch_set_active (GTK_SWITCH (toggle), category->subscribed);
      gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (toggle),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, toggle_label, -1);
      g_object_set_data (G_OBJECT (toggle), "category-id", GSIZE_TO_POINTER (category->id));
      g_signal_connect (toggle, "notify::active", G_CALLBACK (on_subscription_toggled), self);
      g_object_set_data (G_OBJECT (open), "category-id", GSIZE_TO_POINTER (category->id));
      g_signal_connect (open, "clicked", G_CALLBACK (on_category_button_clicked), self);
      gtk_box_append (GTK_BOX (row), name);
      gtk_box_append (GTK_BOX (row), toggle);
      gtk_box_append (GTK_BOX (row), open);
      gtk_box_append (GTK_BOX (self->subscription_box), row);
    }

  self->filling_facets = TRUE;
  gtk_drop_down_set_model (GTK_DROP_DOWN (self->category_dropdown), G_LIST_MODEL (names));
  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->category_dropdown),
                              selected < g_list_model_get_n_items (G_LIST_MODEL (names)) ? selected : 0);
  self->filling_facets = FALSE;
  g_object_unref (names);
}

static void
on_latest_clicked (GtkButton          *button,
                   KouanInsuranceView *self)
{
  gint64 id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (button), "article-id"));
  g_autoptr(KouanRiskArticle) article = kouan_store_get_risk_article (self->store, id, NULL);

  /* Show it among all articles, so the detail is one of the results. */
  self->filling_facets = TRUE;
  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->country_dropdown), 0);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->industry_dropdown), 0);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->category_dropdown), 0);
  self->filling_facets = FALSE;
  gtk_editable_set_text (GTK_EDITABLE (self->keyword_entry), "");
  run_search (self);
  kouan_insurance_view_show_page (self, "risk");
  article_pane_show (&self->risk_pane, article,
                     article != NULL ? category_name (self, article->category_id) : "");
}

static void
show_latest (KouanInsuranceView *self,
             GPtrArray          *articles)
{
  clear_box (self->latest_box);
  for (guint i = 0; i < articles->len; i++)
    {
      KouanRiskArticle *article = g_ptr_array_index (articles, i);
      GtkWidget *row, *button, *meta;
      g_autofree char *day = NULL, *text = NULL;

      if (article == NULL)
        continue;
      row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
      button = gtk_button_new_with_label (article->title);
      gtk_widget_add_css_class (button, "flat");
      gtk_label_set_ellipsize (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (button))), PANGO_ELLIPSIZE_END);
      gtk_label_set_xalign (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (button))), 0);
      gtk_widget_set_hexpand (button, TRUE);
      g_object_set_data (G_OBJECT (button), "article-id", GSIZE_TO_POINTER (article->id));
      g_signal_connect (button, "clicked", G_CALLBACK (on_latest_clicked), self);
      day = format_day (article->published_at);
      text = g_strdup_printf ("%s  %s", article->country, day);
      meta = gtk_label_new (text);
      gtk_widget_add_css_class (meta, "dim-label");
      gtk_box_append (GTK_BOX (row), button);
      gtk_box_append (GTK_BOX (row), meta);
      gtk_box_append (GTK_BOX (self->latest_box), row);
    }
  if (articles->len == 0)
    {
      GtkWidget *empty = gtk_label_new (_("No risk information has been synced yet."));

      gtk_widget_add_css_class (empty, "dim-label");
      gtk_box_append (GTK_BOX (self->latest_box), empty);
    }
}

static void
show_facet (KouanInsuranceView *self,
            GtkWidget          *dropdown,
            GStrv               values,
            const char         *all_label)
{
  GtkStringList *list = gtk_string_list_new (NULL);
  GtkStringObject *selected = gtk_drop_down_get_selected_item (GTK_DROP_DOWN (dropdown));
  g_autofree char *keep = selected != NULL && gtk_drop_down_get_selected (GTK_DROP_DOWN (dropdown)) > 0
                          ? g_strdup (gtk_string_object_get_string (selected)) : NULL;
  guint position = 0;

  gtk_string_list_append (list, all_label);
  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    {
      gtk_string_list_append (list, values[i]);
      if (g_strcmp0 (values[i], keep) == 0)
        position = i + 1;
    }
  self->filling_facets = TRUE;
  gtk_drop_down_set_model (GTK_DROP_DOWN (dropdown), G_LIST_MODEL (list));
  gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown), position);
  self->filling_facets = FALSE;
  g_object_unref (list);
}

static void
run_search (KouanInsuranceView *self)
{
  KouanRiskQuery query = { 0 };
  guint country = gtk_drop_down_get_selected (GTK_DROP_DOWN (self->country_dropdown));
  guint industry = gtk_drop_down_get_selected (GTK_DROP_DOWN (self->industry_dropdown));
  guint category = gtk_drop_down_get_selected (GTK_DROP_DOWN (self->category_dropdown));

  if (self->risk_results == NULL)
    return;
  query.keyword = gtk_editable_get_text (GTK_EDITABLE (self->keyword_entry));
  if (country > 0 && country != GTK_INVALID_LIST_POSITION)
    query.country = gtk_string_object_get_string (gtk_drop_down_get_selected_item (GTK_DROP_DOWN (self->country_dropdown)));
  if (industry > 0 && industry != GTK_INVALID_LIST_POSITION)
    query.industry = gtk_string_object_get_string (gtk_drop_down_get_selected_item (GTK_DROP_DOWN (self->industry_dropdown)));
  if (category > 0 && category != GTK_INVALID_LIST_POSITION && self->categories != NULL &&
      category - 1 < self->categories->len)
    query.category_id = ((KouanInsuranceCategory *) g_ptr_array_index (self->categories, category - 1))->id;
  kouan_risk_list_set_query (self->risk_results, &query);
}

static void refresh_risk (KouanInsuranceView *self);

static void
reload_all (KouanInsuranceView *self)
{
  reload_counts (self);
  reload_categories (self);
  reload_policies (self);
  reload_claims (self);
  refresh_risk (self);
  if (self->risk_results != NULL)
    run_search (self);
  if (self->shown_category != 0)
    show_category (self, self->shown_category);
}

/* New articles in a subscribed category: the server posts a notice to the
 * message center; when the window is in the background a desktop
 * notification says so too. Articles published before the view got its
 * store (a first sync brings hundreds) are not news. */
static void
announce_new_articles (KouanInsuranceView *self,
                       GPtrArray          *articles)
{
  g_autoptr(GNotification) notification = NULL;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GApplication *app = g_application_get_default ();
  KouanRiskArticle *last;

  if (articles == NULL || articles->len == 0)
    return;
  last = g_ptr_array_index (articles, articles->len - 1);
  self->notified_article = MAX (self->notified_article, last->id);

  /* in front of the user the message center's badge is enough; without a
   * session bus nobody would show it */
  if ((GTK_IS_WINDOW (root) && gtk_window_is_active (GTK_WINDOW (root))) ||
      app == NULL || g_application_get_dbus_connection (app) == NULL)
    return;

  notification = g_notification_new (_("New risk information"));
  if (articles->len == 1)
    g_notification_set_body (notification, last->title);
  else
    {
      g_autofree char *body =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                      "%u new article in the categories you subscribed to.",
                                      "%u new articles in the categories you subscribed to.",
                                      articles->len),
                         articles->len);

      g_notification_set_body (notification, body);
    }
  g_application_send_notification (app, "new-risk-information", notification);
}

typedef struct {
  KouanStore *store;
  gint64      enterprise_id;
  gint64      after_id;
  gint64      since;
  gboolean    shown;
  /* answers */
  GPtrArray  *new_articles;   /* (nullable) KouanRiskArticle */
  GPtrArray  *latest;         /* (nullable) KouanRiskArticle */
  GStrv       countries;
  GStrv       industries;
} RiskRefresh;

static void
risk_refresh_free (gpointer data)
{
  RiskRefresh *refresh = data;

  g_clear_object (&refresh->store);
  g_clear_pointer (&refresh->new_articles, g_ptr_array_unref);
  g_clear_pointer (&refresh->latest, g_ptr_array_unref);
  g_strfreev (refresh->countries);
  g_strfreev (refresh->industries);
  g_free (refresh);
}

static void
risk_refresh_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  RiskRefresh *refresh = task_data;
  g_autoptr(GError) error = NULL;

  if (refresh->enterprise_id != 0)
    {
      refresh->new_articles = kouan_store_list_new_subscribed_articles (refresh->store, refresh->enterprise_id,
                                                                        refresh->after_id, refresh->since,
                                                                        &error);
      if (refresh->new_articles == NULL)
        g_warning ("New risk information: %s", error->message);
      g_clear_error (&error);
    }

  if (refresh->shown)
    {
      KouanRiskQuery query = { 0 };
      g_autoptr(GArray) ids = kouan_store_search_risk_articles (refresh->store, &query, &error);

      refresh->latest = g_ptr_array_new_with_free_func ((GDestroyNotify) g_object_unref);
      if (ids == NULL ||
          !kouan_store_load_risk_articles (refresh->store, (const gint64 *) (gpointer) ids->data,
                                           MIN (ids->len, LATEST_ARTICLES), refresh->latest, &error))
        g_warning ("Latest risk information: %s", error->message);
      g_clear_error (&error);
      refresh->countries = kouan_store_list_risk_facet (refresh->store, "country", NULL);
      refresh->industries = kouan_store_list_risk_facet (refresh->store, "industry", NULL);
    }

  g_task_return_boolean (task, TRUE);
}

static void refresh_risk_later (KouanInsuranceView *self);

static void
risk_refresh_done (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  KouanInsuranceView *self = user_data;
  RiskRefresh *refresh = g_task_get_task_data (G_TASK (result));

  if (g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    return;

  self->refresh_in_flight = FALSE;
  /* the enterprise changed meanwhile: its own refresh follows */
  if (refresh->enterprise_id == self->enterprise_id && refresh->new_articles != NULL &&
      refresh->new_articles->len > 0)
    announce_new_articles (self, refresh->new_articles);
  if (refresh->latest != NULL)
    {
      show_latest (self, refresh->latest);
      show_facet (self, self->country_dropdown, refresh->countries, _("All countries"));
      show_facet (self, self->industry_dropdown, refresh->industries, _("All industries"));
    }
  if (self->refresh_again)
    {
      self->refresh_again = FALSE;
      refresh_risk_later (self);
    }
}

/* Reads what the view derives from the risk articles on a worker. */
static void
refresh_risk (KouanInsuranceView *self)
{
  g_autoptr(GTask) task = NULL;
  RiskRefresh *refresh;

  if (self->store == NULL)
    return;
  if (self->refresh_in_flight)
    {
      self->refresh_again = TRUE;
      return;
    }

  refresh = g_new0 (RiskRefresh, 1);
  refresh->store = g_object_ref (self->store);
  refresh->enterprise_id = self->enterprise_id;
  refresh->after_id = self->notified_article;
  refresh->since = self->notify_since;
  refresh->shown = gtk_widget_get_mapped (GTK_WIDGET (self));
  self->shown_stale = !refresh->shown;
  self->refresh_in_flight = TRUE;

  task = g_task_new (NULL, self->cancellable, risk_refresh_done, self);
  g_task_set_source_tag (task, refresh_risk);
  g_task_set_task_data (task, refresh, risk_refresh_free);
  g_task_run_in_thread (task, risk_refresh_thread);
}

static gboolean
refresh_risk_cb (gpointer user_data)
{
  KouanInsuranceView *self = user_data;

  self->refresh_source = 0;
  refresh_risk (self);
  return G_SOURCE_REMOVE;
}

static void
refresh_risk_later (KouanInsuranceView *self)
{
  if (self->refresh_source == 0)
    self->refresh_source = g_timeout_add (RISK_REFRESH_DELAY_MS, refresh_risk_cb, self);
}

static void
on_map (KouanInsuranceView *self)
{
  if (self->risk_results != NULL)
    {
      kouan_risk_list_set_following (self->risk_results, TRUE);
      kouan_risk_list_set_following (self->category_articles, TRUE);
    }
  if (self->shown_stale)
    refresh_risk (self);
}

static void
on_unmap (KouanInsuranceView *self)
{
  if (self->risk_results != NULL)
    {
      kouan_risk_list_set_following (self->risk_results, FALSE);
      kouan_risk_list_set_following (self->category_articles, FALSE);
    }
}

static void
on_store_changed (KouanStore         *store,
                  const char         *collection,
                  gint64              enterprise_id,
                  KouanInsuranceView *self)
{
  if (g_strcmp0 (collection, "risk_articles") == 0)
    {
      refresh_risk_later (self);
      return;
    }
  if (enterprise_id != self->enterprise_id)
    return;
  if (g_strcmp0 (collection, "insurance_policies") == 0)
    {
      reload_counts (self);
      reload_policies (self);
    }
  else if (g_strcmp0 (collection, "insurance_claims") == 0)
    {
      reload_counts (self);
      reload_claims (self);
    }
  else if (g_strcmp0 (collection, "insurance_categories") == 0)
    reload_categories (self);
}

/* ---- policies ------------------------------------------------------ */

static void
show_policy (KouanInsuranceView *self,
             KouanPolicy        *policy)
{
  g_autofree char *amount = NULL;
  g_autofree char *comment = NULL;
  g_autofree char *text = NULL;
  gboolean pending;

  g_set_object (&self->policy, policy);
  gtk_label_set_label (GTK_LABEL (self->policy_status), "");
  if (policy == NULL)
    {
      gtk_label_set_label (GTK_LABEL (self->policy_detail), _("Choose a policy to see it here."));
      gtk_widget_set_visible (self->policy_actions, FALSE);
      return;
    }

  amount = format_amount (policy->amount, policy->currency);
  comment = *policy->comment != '\0' ? g_strdup_printf ("\n%s: %s", _("Comment"), policy->comment)
                                    : g_strdup ("");
  text = g_strdup_printf ("%s: %s\n%s: %s\n%s: %s\n%s: %s\n%s: %s – %s\n%s: %s%s",
                          _("Policy number"), policy->number,
                          _("Insured buyer"), policy->buyer,
                          _("Buyer country"), policy->buyer_country,
                          _("Insured amount"), amount,
                          _("Period"), policy->starts_on, policy->ends_on,
                          _("Status"), policy_status_label (policy->status),
                          comment);
  gtk_label_set_label (GTK_LABEL (self->policy_detail), text);

  pending = g_str_equal (policy->status, "pending");
  gtk_widget_set_visible (self->policy_actions, pending);
  if (!pending)
    gtk_editable_set_text (GTK_EDITABLE (self->policy_comment), "");

  /* opening an unread effective notice reads it */
  if (g_str_equal (policy->status, "effective") && !policy->notice_read && self->store != NULL)
    {
      g_autoptr(GError) error = NULL;

      if (!kouan_store_read_policy_notice (self->store, policy, &error))
        g_warning ("%s", error->message);
    }
}

static void
on_policy_activate (GtkListView        *list_view,
                    guint               position,
                    KouanInsuranceView *self)
{
  g_autoptr(KouanPolicy) policy = g_list_model_get_item (G_LIST_MODEL (self->policies), position);

  show_policy (self, policy);
}

static void
on_confirm_clicked (GtkButton          *button,
                    KouanInsuranceView *self)
{
  g_autoptr(GError) error = NULL;

  if (self->policy == NULL)
    return;
  if (!kouan_store_confirm_policy (self->store, self->policy, &error))
    gtk_label_set_label (GTK_LABEL (self->policy_status), error->message);
  else
    gtk_label_set_label (GTK_LABEL (self->policy_status),
                         _("Confirmed. The insurer receives it with the next sync."));
}

static void
on_return_clicked (GtkButton          *button,
                   KouanInsuranceView *self)
{
  g_autoptr(GError) error = NULL;
  const char *comment = gtk_editable_get_text (GTK_EDITABLE (self->policy_comment));
  g_autofree char *trimmed = g_strstrip (g_strdup (comment));

  if (self->policy == NULL)
    return;
  if (*trimmed == '\0')
    {
      gtk_label_set_label (GTK_LABEL (self->policy_status),
                           _("Say why you return the policy in the comment first."));
      gtk_widget_grab_focus (self->policy_comment);
      return;
    }
  if (!kouan_store_return_policy (self->store, self->policy, comment, &error))
    gtk_label_set_label (GTK_LABEL (self->policy_status), error->message);
}

static void
on_policy_filter_changed (KouanInsuranceView *self)
{
  reload_policies (self);
}

/* ---- claims -------------------------------------------------------- */

static void
show_claim (KouanInsuranceView *self,
            KouanClaim         *claim)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *amount = NULL;

  g_set_object (&self->claim, claim);
  if (claim == NULL)
    {
      gtk_label_set_label (GTK_LABEL (self->claim_detail), _("Choose a claim to see it here."));
      return;
    }
  amount = format_amount (claim->amount, claim->currency);
  g_string_append_printf (text, "%s: %s\n%s: %s\n%s: %s\n%s: %s\n%s: %s\n%s: %s\n%s: %s\n\n%s\n",
                          _("Claim number"), claim->number,
                          _("Policy number"), claim->policy_number,
                          _("Buyer"), claim->buyer,
                          _("Claimed amount"), amount,
                          _("Date of loss"), claim->loss_on,
                          _("Submitted on"), claim->submitted_on,
                          _("Status"), claim_status_label (claim->status),
                          _("History"));
  for (guint i = 0; i < claim->history->len; i++)
    {
      KouanClaimEvent *event = &g_array_index (claim->history, KouanClaimEvent, i);
      g_autofree char *day = format_day (event->at);

      g_string_append_printf (text, "%s  %s  %s\n", day, claim_status_label (event->status),
                              event->comment);
    }
  gtk_label_set_label (GTK_LABEL (self->claim_detail), text->str);

  if (!claim->notice_read && self->store != NULL)
    {
      g_autoptr(GError) error = NULL;

      if (!kouan_store_read_claim_notice (self->store, claim, &error))
        g_warning ("%s", error->message);
    }
}

static void
on_claim_activate (GtkListView        *list_view,
                   guint               position,
                   KouanInsuranceView *self)
{
  g_autoptr(KouanClaim) claim = g_list_model_get_item (G_LIST_MODEL (self->claims), position);

  show_claim (self, claim);
}

static void
on_claim_filter_changed (KouanInsuranceView *self)
{
  reload_claims (self);
}

/* ---- home ---------------------------------------------------------- */

static void
on_shortcut_clicked (GtkButton          *button,
                     KouanInsuranceView *self)
{
  KouanInsuranceCounts counts = { 0 };
  guint which = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "shortcut"));
  guint count;

  if (self->store != NULL)
    kouan_store_insurance_counts (self->store, self->enterprise_id, &counts, NULL);
  count = which == KOUAN_INSURANCE_SHORTCUT_PENDING ? counts.pending_policies
        : which == KOUAN_INSURANCE_SHORTCUT_EFFECTIVE ? counts.policy_notices
        : counts.claim_notices;

  if (count == 0)
    {
      gtk_label_set_label (GTK_LABEL (self->home_status),
                           which == KOUAN_INSURANCE_SHORTCUT_CLAIMS
                           ? _("No claim notices are waiting. “Claim Applications” in the menu lists every claim.")
                           : _("Nothing is waiting here. “Insurance Applications” in the menu lists every policy."));
      return;
    }
  gtk_label_set_label (GTK_LABEL (self->home_status), "");

  if (which == KOUAN_INSURANCE_SHORTCUT_CLAIMS)
    {
      gtk_drop_down_set_selected (GTK_DROP_DOWN (self->claim_filter), KOUAN_CLAIM_FILTER_NOTICES);
      kouan_insurance_view_show_page (self, "claims");
    }
  else
    {
      gtk_drop_down_set_selected (GTK_DROP_DOWN (self->policy_filter),
                                  which == KOUAN_INSURANCE_SHORTCUT_PENDING ? KOUAN_POLICY_FILTER_PENDING
                                                                            : KOUAN_POLICY_FILTER_NOTICES);
      kouan_insurance_view_show_page (self, "policies");
    }
}

static void
on_more_clicked (GtkButton          *button,
                 KouanInsuranceView *self)
{
  kouan_insurance_view_show_page (self, "risk");
  gtk_widget_grab_focus (self->keyword_entry);
}

static GtkWidget *
build_home (KouanInsuranceView *self)
{
  GtkWidget *page = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 24);
  GtkWidget *left = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  GtkWidget *right = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  GtkWidget *right_head = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *right_title = heading (_("Latest Risk Information"));
  static const char *const shortcut_groups[] = { N_("Enterprise Insurance"), NULL, N_("Claim Applications") };

  gtk_widget_set_margin_start (page, 24);
  gtk_widget_set_margin_end (page, 24);
  gtk_widget_set_margin_top (page, 18);
  gtk_widget_set_margin_bottom (page, 18);
  gtk_widget_set_size_request (left, 260, -1);

  gtk_box_append (GTK_BOX (left), heading (_("Service Center")));
  for (guint i = 0; i < G_N_ELEMENTS (self->shortcuts); i++)
    {
      if (shortcut_groups[i] != NULL)
        {
          GtkWidget *group = gtk_label_new (_(shortcut_groups[i]));

          gtk_label_set_xalign (GTK_LABEL (group), 0);
          gtk_widget_set_margin_top (group, 8);
          gtk_box_append (GTK_BOX (left), group);
        }
      self->shortcuts[i] = gtk_button_new ();
      g_object_set_data (G_OBJECT (self->shortcuts[i]), "shortcut", GUINT_TO_POINTER (i));
      g_signal_connect (self->shortcuts[i], "clicked", G_CALLBACK (on_shortcut_clicked), self);
      gtk_box_append (GTK_BOX (left), self->shortcuts[i]);
    }
  {
    GtkWidget *group = gtk_label_new (_("Information Subscriptions"));

    gtk_label_set_xalign (GTK_LABEL (group), 0);
    gtk_widget_set_margin_top (group, 8);
    gtk_box_append (GTK_BOX (left), group);
  }
  self->category_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_box_append (GTK_BOX (left), self->category_box);
  self->home_status = wrapped_label ("dim-label");
  gtk_label_set_selectable (GTK_LABEL (self->home_status), FALSE);
  gtk_widget_set_margin_top (self->home_status, 12);
  gtk_box_append (GTK_BOX (left), self->home_status);

  gtk_widget_set_hexpand (right_title, TRUE);
  self->more_button = gtk_button_new_with_label (_("More>>"));
  gtk_widget_add_css_class (self->more_button, "flat");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->more_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Search all risk information"), -1);
  g_signal_connect (self->more_button, "clicked", G_CALLBACK (on_more_clicked), self);
  gtk_box_append (GTK_BOX (right_head), right_title);
  gtk_box_append (GTK_BOX (right_head), self->more_button);
  self->latest_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_set_hexpand (right, TRUE);
  gtk_box_append (GTK_BOX (right), right_head);
  gtk_box_append (GTK_BOX (right), self->latest_box);

  gtk_box_append (GTK_BOX (page), left);
  gtk_box_append (GTK_BOX (page), gtk_separator_new (GTK_ORIENTATION_VERTICAL));
  gtk_box_append (GTK_BOX (page), right);
  return scrolled_detail (page);
}

static GtkWidget *
filter_dropdown (const char *const *labels,
                 const char        *accessible_label)
{
  GtkWidget *dropdown = gtk_drop_down_new_from_strings (labels);

  gtk_accessible_update_property (GTK_ACCESSIBLE (dropdown),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible_label, -1);
  gtk_widget_set_margin_start (dropdown, 6);
  gtk_widget_set_margin_end (dropdown, 6);
  gtk_widget_set_margin_top (dropdown, 6);
  return dropdown;
}

static GtkWidget *
build_policies (KouanInsuranceView *self)
{
  const char *filters[] = { _("All policies"), _("Awaiting confirmation"), _("Effective notices"), NULL };
  GtkWidget *paned = gtk_paned_new (GTK_ORIENTATION_HORIZONTAL);
  GtkWidget *left = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *detail = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *list;
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);

  self->policy_filter = filter_dropdown (filters, _("Show policies"));
  g_signal_connect_swapped (self->policy_filter, "notify::selected",
                            G_CALLBACK (on_policy_filter_changed), self);
  list = make_list_view (G_LIST_MODEL (self->policies), G_CALLBACK (policy_bind), _("Policies"),
                         &self->policy_selection);
  g_signal_connect (gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (list)), "activate",
                    G_CALLBACK (on_policy_activate), self);
  gtk_box_append (GTK_BOX (left), self->policy_filter);
  gtk_box_append (GTK_BOX (left), list);

  self->policy_detail = wrapped_label (NULL);
  self->policy_actions = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  self->policy_comment = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (self->policy_comment), _("Why do you return it? (needed to return)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->policy_comment),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Comment for returning the policy"), -1);
  self->confirm_button = gtk_button_new_with_label (_("Confirm"));
  gtk_widget_add_css_class (self->confirm_button, "suggested-action");
  g_signal_connect (self->confirm_button, "clicked", G_CALLBACK (on_confirm_clicked), self);
  self->return_button = gtk_button_new_with_label (_("Return"));
  g_signal_connect (self->return_button, "clicked", G_CALLBACK (on_return_clicked), self);
  gtk_box_append (GTK_BOX (buttons), self->confirm_button);
  gtk_box_append (GTK_BOX (buttons), self->return_button);
  gtk_box_append (GTK_BOX (self->policy_actions), self->policy_comment);
  gtk_box_append (GTK_BOX (self->policy_actions), buttons);
  self->policy_status = wrapped_label ("dim-label");
  gtk_box_append (GTK_BOX (detail), self->policy_detail);
  gtk_box_append (GTK_BOX (detail), self->policy_actions);
  gtk_box_append (GTK_BOX (detail), self->policy_status);

  gtk_paned_set_start_child (GTK_PANED (paned), left);
  gtk_paned_set_end_child (GTK_PANED (paned), scrolled_detail (detail));
  gtk_paned_set_shrink_start_child (GTK_PANED (paned), FALSE);
  return paned;
}

static GtkWidget *
build_claims (KouanInsuranceView *self)
{
  const char *filters[] = { _("All claims"), _("Claim notices"), NULL };
  GtkWidget *paned = gtk_paned_new (GTK_ORIENTATION_HORIZONTAL);
  GtkWidget *left = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *list;

  self->claim_filter = filter_dropdown (filters, _("Show claims"));
  g_signal_connect_swapped (self->claim_filter, "notify::selected",
                            G_CALLBACK (on_claim_filter_changed), self);
  list = make_list_view (G_LIST_MODEL (self->claims), G_CALLBACK (claim_bind), _("Claims"),
                         &self->claim_selection);
  g_signal_connect (gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (list)), "activate",
                    G_CALLBACK (on_claim_activate), self);
  gtk_box_append (GTK_BOX (left), self->claim_filter);
  gtk_box_append (GTK_BOX (left), list);
  self->claim_detail = wrapped_label (NULL);

  gtk_paned_set_start_child (GTK_PANED (paned), left);
  gtk_paned_set_end_child (GTK_PANED (paned), scrolled_detail (self->claim_detail));
  gtk_paned_set_shrink_start_child (GTK_PANED (paned), FALSE);
  return paned;
}

static void
show_category (KouanInsuranceView *self,
               gint64              category_id)
{
  KouanRiskQuery query = { 0 };
  g_autofree char *title = NULL;

  self->shown_category = category_id;
  title = g_strdup_printf ("%s: %s", _("Articles"), category_name (self, category_id));
  gtk_label_set_label (GTK_LABEL (self->category_title), title);
  query.category_id = category_id;
  if (self->category_articles != NULL)
    kouan_risk_list_set_query (self->category_articles, &query);
  article_pane_show (&self->category_pane, NULL, NULL);
}

static GtkWidget *
build_subscriptions (KouanInsuranceView *self,
                     GListModel         *articles)
{
  GtkWidget *page = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);

  gtk_widget_set_margin_start (page, 18);
  gtk_widget_set_margin_end (page, 18);
  gtk_widget_set_margin_top (page, 12);
  gtk_box_append (GTK_BOX (page), heading (_("Subscribe to the categories you follow; new articles arrive in the message center.")));
  self->subscription_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_size_request (self->subscription_box, 420, -1);
  gtk_widget_set_halign (self->subscription_box, GTK_ALIGN_START);
  gtk_box_append (GTK_BOX (page), self->subscription_box);
  self->category_title = heading ("");
  gtk_box_append (GTK_BOX (page), self->category_title);
  gtk_box_append (GTK_BOX (page), make_article_pane (self, &self->category_pane, articles,
                                                     _("Articles of the category")));
  return page;
}

static void
on_search_activate (KouanInsuranceView *self)
{
  run_search (self);
}

static void
on_facet_changed (KouanInsuranceView *self)
{
  if (!self->filling_facets)
    run_search (self);
}

static void
on_results_changed (KouanInsuranceView *self)
{
  g_autofree char *text = NULL;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->risk_results));

  if (kouan_risk_list_get_loading (self->risk_results))
    return;
  /* Translators: %u is a number of articles */
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u article, newest first",
                                       "%u articles, newest first", n), n);
  gtk_label_set_label (GTK_LABEL (self->result_count), text);
}

static GtkWidget *
build_risk (KouanInsuranceView *self,
            GListModel         *articles)
{
  GtkWidget *page = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  GtkWidget *bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  const char *empty[] = { NULL };

  gtk_widget_set_margin_start (bar, 12);
  gtk_widget_set_margin_end (bar, 12);
  gtk_widget_set_margin_top (bar, 12);

  self->country_dropdown = filter_dropdown (empty, _("Country"));
  self->industry_dropdown = filter_dropdown (empty, _("Industry"));
  self->category_dropdown = filter_dropdown (empty, _("Category"));
  self->keyword_entry = gtk_search_entry_new ();
  gtk_widget_set_hexpand (self->keyword_entry, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->keyword_entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Keyword"), -1);
  g_object_set (self->keyword_entry, "placeholder-text", _("Keyword, e.g. 美国, 关税, 芯片"), NULL);
  self->search_button = gtk_button_new_with_label (_("Search"));
  gtk_widget_add_css_class (self->search_button, "suggested-action");
  g_signal_connect_swapped (self->search_button, "clicked", G_CALLBACK (on_search_activate), self);
  g_signal_connect_swapped (self->keyword_entry, "activate", G_CALLBACK (on_search_activate), self);
  g_signal_connect_swapped (self->country_dropdown, "notify::selected", G_CALLBACK (on_facet_changed), self);
  g_signal_connect_swapped (self->industry_dropdown, "notify::selected", G_CALLBACK (on_facet_changed), self);
  g_signal_connect_swapped (self->category_dropdown, "notify::selected", G_CALLBACK (on_facet_changed), self);

  gtk_box_append (GTK_BOX (bar), gtk_label_new (_("Country")));
  gtk_box_append (GTK_BOX (bar), self->country_dropdown);
  gtk_box_append (GTK_BOX (bar), gtk_label_new (_("Industry")));
  gtk_box_append (GTK_BOX (bar), self->industry_dropdown);
  gtk_box_append (GTK_BOX (bar), gtk_label_new (_("Category")));
  gtk_box_append (GTK_BOX (bar), self->category_dropdown);
  gtk_box_append (GTK_BOX (bar), self->keyword_entry);
  gtk_box_append (GTK_BOX (bar), self->search_button);

  self->result_count = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->result_count), 0);
  gtk_widget_set_margin_start (self->result_count, 12);
  gtk_widget_add_css_class (self->result_count, "dim-label");

  gtk_box_append (GTK_BOX (page), bar);
  gtk_box_append (GTK_BOX (page), self->result_count);
  gtk_box_append (GTK_BOX (page), make_article_pane (self, &self->risk_pane, articles,
                                                     _("Risk information found")));
  return page;
}

/* ---- menu ---------------------------------------------------------- */

static void
on_menu_row_selected (GtkListBox         *menu,
                      GtkListBoxRow      *row,
                      KouanInsuranceView *self)
{
  if (row != NULL)
    gtk_stack_set_visible_child_name (GTK_STACK (self->stack),
                                      pages[gtk_list_box_row_get_index (row)][0]);
}

static void
on_stack_page_changed (KouanInsuranceView *self)
{
  const char *name = gtk_stack_get_visible_child_name (GTK_STACK (self->stack));

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    if (g_strcmp0 (name, pages[i][0]) == 0)
      {
        GtkListBoxRow *row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (self->menu), i);

        if (gtk_list_box_get_selected_row (GTK_LIST_BOX (self->menu)) != row)
          gtk_list_box_select_row (GTK_LIST_BOX (self->menu), row);
      }
}

/* ---- public -------------------------------------------------------- */

void
kouan_insurance_view_show_page (KouanInsuranceView *self,
                                const char         *page)
{
  g_return_if_fail (KOUAN_IS_INSURANCE_VIEW (self));
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), page);
}

const char *
kouan_insurance_view_get_visible_page (KouanInsuranceView *self)
{
  g_return_val_if_fail (KOUAN_IS_INSURANCE_VIEW (self), NULL);
  return gtk_stack_get_visible_child_name (GTK_STACK (self->stack));
}

void
kouan_insurance_view_set_store (KouanInsuranceView *self,
                                KouanStore         *store)
{
  g_return_if_fail (KOUAN_IS_INSURANCE_VIEW (self));

  if (self->store == store)
    return;
  if (self->store != NULL)
    g_clear_signal_handler (&self->changed_id, self->store);
  g_set_object (&self->store, store);
  if (store != NULL)
    {
      self->notify_since = g_get_real_time () / G_USEC_PER_SEC - 60;
      self->changed_id = g_signal_connect (store, "changed", G_CALLBACK (on_store_changed), self);
      g_clear_object (&self->risk_results);
      g_clear_object (&self->category_articles);
      self->risk_results = kouan_risk_list_new (store);
      self->category_articles = kouan_risk_list_new (store);
      kouan_risk_list_set_following (self->risk_results, gtk_widget_get_mapped (GTK_WIDGET (self)));
      kouan_risk_list_set_following (self->category_articles, gtk_widget_get_mapped (GTK_WIDGET (self)));
      g_signal_connect_swapped (self->risk_results, "items-changed", G_CALLBACK (on_results_changed), self);
      g_signal_connect_swapped (self->risk_results, "notify::loading", G_CALLBACK (on_results_changed), self);
      g_signal_connect_swapped (self->risk_results, "items-changed", G_CALLBACK (on_risk_results_changed), self);
      g_signal_connect_swapped (self->risk_results, "notify::loading", G_CALLBACK (on_risk_results_changed), self);
      g_signal_connect_swapped (self->category_articles, "items-changed", G_CALLBACK (on_category_articles_changed), self);
      g_signal_connect_swapped (self->category_articles, "notify::loading", G_CALLBACK (on_category_articles_changed), self);
      gtk_single_selection_set_model (self->risk_pane.selection, G_LIST_MODEL (self->risk_results));
      gtk_single_selection_set_model (self->category_pane.selection, G_LIST_MODEL (self->category_articles));
    }
  reload_all (self);
}

void
kouan_insurance_view_set_enterprise_id (KouanInsuranceView *self,
                                        gint64              enterprise_id)
{
  g_return_if_fail (KOUAN_IS_INSURANCE_VIEW (self));

  if (self->enterprise_id == enterprise_id)
    return;
  self->enterprise_id = enterprise_id;
  g_clear_object (&self->policy);
  g_clear_object (&self->claim);
  show_policy (self, NULL);
  show_claim (self, NULL);
  reload_all (self);
}

GtkWidget *
kouan_insurance_view_new (void)
{
  return g_object_new (KOUAN_TYPE_INSURANCE_VIEW, NULL);
}

static void
kouan_insurance_view_dispose (GObject *object)
{
  KouanInsuranceView *self = KOUAN_INSURANCE_VIEW (object);

  if (self->store != NULL)
    g_clear_signal_handler (&self->changed_id, self->store);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->refresh_source, g_source_remove);
  /* A search still running holds its list past this view: it must not
   * call back into a disposed view. */
  if (self->risk_results != NULL)
    g_signal_handlers_disconnect_by_data (self->risk_results, self);
  if (self->category_articles != NULL)
    g_signal_handlers_disconnect_by_data (self->category_articles, self);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_object (&self->store);
  g_clear_object (&self->policies);
  g_clear_object (&self->claims);
  g_clear_object (&self->risk_results);
  g_clear_object (&self->category_articles);
  g_clear_object (&self->policy);
  g_clear_object (&self->claim);
  g_clear_pointer (&self->categories, g_ptr_array_unref);
  G_OBJECT_CLASS (kouan_insurance_view_parent_class)->dispose (object);
}

static void
kouan_insurance_view_class_init (KouanInsuranceViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kouan_insurance_view_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "kouan-insurance-view");
}

static void
kouan_insurance_view_init (KouanInsuranceView *self)
{
  GtkWidget *menu_scroll = gtk_scrolled_window_new ();

  self->policies = g_list_store_new (KOUAN_TYPE_POLICY);
  self->claims = g_list_store_new (KOUAN_TYPE_CLAIM);
  self->cancellable = g_cancellable_new ();
  g_signal_connect (self, "map", G_CALLBACK (on_map), NULL);
  g_signal_connect (self, "unmap", G_CALLBACK (on_unmap), NULL);
  self->box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  self->menu = gtk_list_box_new ();
  gtk_widget_add_css_class (self->menu, "navigation-sidebar");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->menu),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Credit Insurance menus"), -1);
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      GtkWidget *label = gtk_label_new (_(pages[i][1]));

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_set_margin_start (label, 6);
      gtk_widget_set_margin_end (label, 6);
      gtk_widget_set_margin_top (label, 6);
      gtk_widget_set_margin_bottom (label, 6);
      gtk_list_box_append (GTK_LIST_BOX (self->menu), label);
    }
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (menu_scroll), self->menu);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (menu_scroll), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_widget_set_size_request (menu_scroll, 160, -1);

  self->stack = gtk_stack_new ();
  gtk_widget_set_hexpand (self->stack, TRUE);
  /* The article lists need a model from the start: empty ones until the
   * store is set (no store, no data). */
  {
    g_autoptr(GListStore) none = g_list_store_new (KOUAN_TYPE_RISK_ARTICLE);

    gtk_stack_add_titled (GTK_STACK (self->stack), build_home (self), "home", _(pages[0][1]));
    gtk_stack_add_titled (GTK_STACK (self->stack), build_policies (self), "policies", _(pages[1][1]));
    gtk_stack_add_titled (GTK_STACK (self->stack), build_claims (self), "claims", _(pages[2][1]));
    gtk_stack_add_titled (GTK_STACK (self->stack), build_subscriptions (self, G_LIST_MODEL (none)),
                          "subscriptions", _(pages[3][1]));
    gtk_stack_add_titled (GTK_STACK (self->stack), build_risk (self, G_LIST_MODEL (none)),
                          "risk", _(pages[4][1]));
  }

  g_signal_connect (self->menu, "row-selected", G_CALLBACK (on_menu_row_selected), self);
  g_signal_connect_swapped (self->stack, "notify::visible-child-name",
                            G_CALLBACK (on_stack_page_changed), self);

  gtk_box_append (GTK_BOX (self->box), menu_scroll);
  gtk_box_append (GTK_BOX (self->box), gtk_separator_new (GTK_ORIENTATION_VERTICAL));
  gtk_box_append (GTK_BOX (self->box), self->stack);
  gtk_list_box_select_row (GTK_LIST_BOX (self->menu),
                           gtk_list_box_get_row_at_index (GTK_LIST_BOX (self->menu), 0));
  show_policy (self, NULL);
  show_claim (self, NULL);
  reload_counts (self);
}

/* ---- for the UI tests ---------------------------------------------- */

GtkButton *
_kouan_insurance_view_get_shortcut (KouanInsuranceView     *self,
                                    KouanInsuranceShortcut  shortcut)
{
  return GTK_BUTTON (self->shortcuts[shortcut]);
}

GtkButton *
_kouan_insurance_view_get_more_button (KouanInsuranceView *self)
{
  return GTK_BUTTON (self->more_button);
}

const char *
_kouan_insurance_view_get_home_status (KouanInsuranceView *self)
{
  return gtk_label_get_label (GTK_LABEL (self->home_status));
}

GListModel *
_kouan_insurance_view_get_policies (KouanInsuranceView *self)
{
  return G_LIST_MODEL (self->policies);
}

GListModel *
_kouan_insurance_view_get_claims (KouanInsuranceView *self)
{
  return G_LIST_MODEL (self->claims);
}

GtkDropDown *
_kouan_insurance_view_get_country_dropdown (KouanInsuranceView *self)
{
  return GTK_DROP_DOWN (self->country_dropdown);
}

GtkEditable *
_kouan_insurance_view_get_keyword_entry (KouanInsuranceView *self)
{
  return GTK_EDITABLE (self->keyword_entry);
}

GtkButton *
_kouan_insurance_view_get_search_button (KouanInsuranceView *self)
{
  return GTK_BUTTON (self->search_button);
}

GListModel *
_kouan_insurance_view_get_risk_results (KouanInsuranceView *self)
{
  return G_LIST_MODEL (self->risk_results);
}

GtkListView *
_kouan_insurance_view_get_risk_list_view (KouanInsuranceView *self)
{
  return GTK_LIST_VIEW (self->risk_pane.list_view);
}

const char *
_kouan_insurance_view_get_article_title (KouanInsuranceView *self)
{
  return gtk_label_get_label (GTK_LABEL (self->risk_pane.title));
}
