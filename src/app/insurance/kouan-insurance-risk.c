/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "kouan-format.h"
#include "kouan-risk-list.h"
#include "insurance/kouan-insurance-private.h"
#include "insurance/kouan-insurance-risk.h"

/* 风险信息: the search of the cached risk articles (a keyword, country,
 * industry and category; each changed condition searches at once) beside
 * the article chosen. The results are a KouanRiskList, which searches on
 * a worker and follows the store while the page is shown. At narrow
 * widths the list and the article fold into one pane with a back button. */

struct _KouanInsuranceRisk
{
  GtkWidget           parent_instance;

  /* template widgets */
  GtkWidget          *article_body;
  GtkWidget          *article_meta;
  GtkWidget          *article_title;
  GtkWidget          *back_button;
  GtkWidget          *category_dropdown;
  GtkWidget          *country_dropdown;
  GtkWidget          *detail_stack;
  GtkWidget          *detail_title;
  GtkWidget          *industry_dropdown;
  GtkWidget          *keyword_entry;
  GtkWidget          *leaflet;
  GtkWidget          *list_stack;
  GtkWidget          *list_view;
  GtkWidget          *result_count;
  GtkWidget          *search_button;
  GtkSingleSelection *selection;

  /* owned */
  KouanStore         *store;
  KouanRiskList      *results;      /* (nullable) without a store */
  GPtrArray          *categories;   /* KouanInsuranceCategory, menu order */
  gint64              enterprise_id;
  gint64              shown_id;     /* the article in the detail, 0 for none */
  gboolean            filling_facets;
};

G_DEFINE_FINAL_TYPE (KouanInsuranceRisk, kouan_insurance_risk, GTK_TYPE_WIDGET)

static const char *
category_name (KouanInsuranceRisk *self,
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

static void
show_article (KouanInsuranceRisk *self,
              KouanRiskArticle   *article)
{
  g_autofree char *day = NULL;
  g_autofree char *meta = NULL;

  self->shown_id = article != NULL ? article->id : 0;
  if (article == NULL)
    {
      gtk_label_set_label (GTK_LABEL (self->article_title), "");
      adw_window_title_set_title (ADW_WINDOW_TITLE (self->detail_title), "");
      gtk_stack_set_visible_child_name (GTK_STACK (self->detail_stack), "empty");
      return;
    }
  day = kouan_format_unix_date (article->published_at);
  /* Translators: the day, the country, the industry, the category and the source of an article */
  meta = g_strdup_printf (_("%s · Country: %s · Industry: %s · %s · Source: %s"), day,
                          article->country, article->industry,
                          category_name (self, article->category_id), article->source);
  adw_window_title_set_title (ADW_WINDOW_TITLE (self->detail_title),
                              category_name (self, article->category_id));
  gtk_label_set_label (GTK_LABEL (self->article_title), article->title);
  gtk_label_set_label (GTK_LABEL (self->article_meta), meta);
  gtk_label_set_label (GTK_LABEL (self->article_body), article->body);
  gtk_stack_set_visible_child_name (GTK_STACK (self->detail_stack), "article");
}

/* The detail shows an article of the results or nothing: when a search or
 * a sync changes the results, an article that left them leaves the detail
 * too, and one that stayed is shown as the store has it now. */
static void
follow_results (KouanInsuranceRisk *self)
{
  g_autoptr(KouanRiskArticle) article = NULL;
  guint position;

  if (self->shown_id == 0 || self->results == NULL || kouan_risk_list_get_loading (self->results))
    return;
  if (kouan_risk_list_find (self->results, self->shown_id, &position))
    article = kouan_store_get_risk_article (self->store, self->shown_id, NULL);
  if (article == NULL)
    {
      gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
      show_article (self, NULL);
      return;
    }
  gtk_single_selection_set_selected (self->selection, position);
  show_article (self, article);
}

static void
on_results_changed (KouanInsuranceRisk *self)
{
  g_autofree char *text = NULL;
  guint n;

  if (kouan_risk_list_get_loading (self->results))
    return;
  n = g_list_model_get_n_items (G_LIST_MODEL (self->results));
  /* Translators: %u is a number of articles */
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u article, newest first",
                                       "%u articles, newest first", n), n);
  gtk_label_set_label (GTK_LABEL (self->result_count), text);
  gtk_stack_set_visible_child_name (GTK_STACK (self->list_stack), n > 0 ? "list" : "empty");
  follow_results (self);
}

static const char *
selected_string (GtkWidget *dropdown)
{
  guint selected = gtk_drop_down_get_selected (GTK_DROP_DOWN (dropdown));
  GtkStringObject *item = gtk_drop_down_get_selected_item (GTK_DROP_DOWN (dropdown));

  if (selected == 0 || selected == GTK_INVALID_LIST_POSITION || item == NULL)
    return NULL;
  return gtk_string_object_get_string (item);
}

static void
run_search (KouanInsuranceRisk *self)
{
  KouanRiskQuery query = { 0 };
  guint category = gtk_drop_down_get_selected (GTK_DROP_DOWN (self->category_dropdown));

  if (self->results == NULL)
    return;
  query.keyword = gtk_editable_get_text (GTK_EDITABLE (self->keyword_entry));
  query.country = selected_string (self->country_dropdown);
  query.industry = selected_string (self->industry_dropdown);
  if (category > 0 && category != GTK_INVALID_LIST_POSITION && self->categories != NULL &&
      category - 1 < self->categories->len)
    query.category_id = ((KouanInsuranceCategory *) g_ptr_array_index (self->categories, category - 1))->id;
  kouan_risk_list_set_query (self->results, &query);
}

static void
set_choices (KouanInsuranceRisk *self,
             GtkWidget          *dropdown,
             GtkStringList      *list,
             guint               position)
{
  self->filling_facets = TRUE;
  gtk_drop_down_set_model (GTK_DROP_DOWN (dropdown), G_LIST_MODEL (list));
  gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown), position);
  self->filling_facets = FALSE;
}

static void
show_facet (KouanInsuranceRisk *self,
            GtkWidget          *dropdown,
            GStrv               values,
            const char         *all_label)
{
  g_autoptr(GtkStringList) list = gtk_string_list_new (NULL);
  g_autofree char *keep = g_strdup (selected_string (dropdown));
  guint position = 0;

  gtk_string_list_append (list, all_label);
  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    {
      gtk_string_list_append (list, values[i]);
      if (g_strcmp0 (values[i], keep) == 0)
        position = i + 1;
    }
  set_choices (self, dropdown, list, position);
}

void
kouan_insurance_risk_set_facets (KouanInsuranceRisk *self,
                                 GStrv               countries,
                                 GStrv               industries)
{
  g_return_if_fail (KOUAN_IS_INSURANCE_RISK (self));

  show_facet (self, self->country_dropdown, countries, _("All countries"));
  show_facet (self, self->industry_dropdown, industries, _("All industries"));
}

static void
reload_categories (KouanInsuranceRisk *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  guint selected = gtk_drop_down_get_selected (GTK_DROP_DOWN (self->category_dropdown));

  g_clear_pointer (&self->categories, g_ptr_array_unref);
  if (self->store != NULL && self->enterprise_id != 0)
    self->categories = kouan_store_list_insurance_categories (self->store, self->enterprise_id, &error);
  if (error != NULL)
    g_warning ("%s", error->message);
  gtk_string_list_append (names, _("All categories"));
  for (guint i = 0; self->categories != NULL && i < self->categories->len; i++)
    gtk_string_list_append (names, ((KouanInsuranceCategory *) g_ptr_array_index (self->categories, i))->name);
  set_choices (self, self->category_dropdown, names,
               selected < g_list_model_get_n_items (G_LIST_MODEL (names)) ? selected : 0);
}

void
kouan_insurance_risk_reload (KouanInsuranceRisk *self)
{
  g_return_if_fail (KOUAN_IS_INSURANCE_RISK (self));

  reload_categories (self);
  run_search (self);
}

static void
on_map (KouanInsuranceRisk *self)
{
  if (self->results != NULL)
    kouan_risk_list_set_following (self->results, TRUE);
}

static void
on_unmap (KouanInsuranceRisk *self)
{
  if (self->results != NULL)
    kouan_risk_list_set_following (self->results, FALSE);
}

void
kouan_insurance_risk_set_source (KouanInsuranceRisk *self,
                                 KouanStore         *store,
                                 gint64              enterprise_id)
{
  g_return_if_fail (KOUAN_IS_INSURANCE_RISK (self));

  if (store != self->store)
    {
      if (self->results != NULL)
        g_signal_handlers_disconnect_by_data (self->results, self);
      g_clear_object (&self->results);
      g_set_object (&self->store, store);
      if (store != NULL)
        {
          self->results = kouan_risk_list_new (store);
          kouan_risk_list_set_following (self->results, gtk_widget_get_mapped (GTK_WIDGET (self)));
          g_signal_connect_swapped (self->results, "items-changed", G_CALLBACK (on_results_changed), self);
          g_signal_connect_swapped (self->results, "notify::loading", G_CALLBACK (on_results_changed), self);
        }
      gtk_single_selection_set_model (self->selection, G_LIST_MODEL (self->results));
      show_article (self, NULL);
    }
  self->enterprise_id = enterprise_id;
  kouan_insurance_risk_reload (self);
}

static void
clear_conditions (KouanInsuranceRisk *self)
{
  self->filling_facets = TRUE;
  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->country_dropdown), 0);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->industry_dropdown), 0);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->category_dropdown), 0);
  gtk_editable_set_text (GTK_EDITABLE (self->keyword_entry), "");
  self->filling_facets = FALSE;
}

void
kouan_insurance_risk_show_category (KouanInsuranceRisk *self,
                                    gint64              category_id)
{
  g_return_if_fail (KOUAN_IS_INSURANCE_RISK (self));

  clear_conditions (self);
  for (guint i = 0; self->categories != NULL && i < self->categories->len; i++)
    if (((KouanInsuranceCategory *) g_ptr_array_index (self->categories, i))->id == category_id)
      {
        self->filling_facets = TRUE;
        gtk_drop_down_set_selected (GTK_DROP_DOWN (self->category_dropdown), i + 1);
        self->filling_facets = FALSE;
      }
  run_search (self);
  adw_leaflet_set_visible_child_name (ADW_LEAFLET (self->leaflet), "list");
}

void
kouan_insurance_risk_show_article (KouanInsuranceRisk *self,
                                   gint64              article_id)
{
  g_autoptr(KouanRiskArticle) article = NULL;

  g_return_if_fail (KOUAN_IS_INSURANCE_RISK (self));

  if (self->store == NULL)
    return;
  /* among all articles, so the detail is one of the results */
  article = kouan_store_get_risk_article (self->store, article_id, NULL);
  clear_conditions (self);
  run_search (self);
  show_article (self, article);
  adw_leaflet_set_visible_child_name (ADW_LEAFLET (self->leaflet), article != NULL ? "detail" : "list");
}

void
kouan_insurance_risk_focus_search (KouanInsuranceRisk *self)
{
  g_return_if_fail (KOUAN_IS_INSURANCE_RISK (self));

  adw_leaflet_set_visible_child_name (ADW_LEAFLET (self->leaflet), "list");
  gtk_widget_grab_focus (self->keyword_entry);
}

static void
on_facet_changed (KouanInsuranceRisk *self)
{
  if (!self->filling_facets)
    run_search (self);
}

static void
on_keyword_activate (KouanInsuranceRisk *self)
{
  run_search (self);
}

static void
on_list_activate (KouanInsuranceRisk *self,
                  guint               position)
{
  g_autoptr(KouanRiskArticle) article = NULL;

  if (self->results == NULL)
    return;
  article = g_list_model_get_item (G_LIST_MODEL (self->results), position);
  gtk_single_selection_set_selected (self->selection, position);
  show_article (self, article);
  adw_leaflet_set_visible_child_name (ADW_LEAFLET (self->leaflet), "detail");
}

static void
article_bind (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  KouanRiskArticle *article = gtk_list_item_get_item (item);
  g_autofree char *day = kouan_format_unix_date (article->published_at);
  g_autofree char *meta = g_strdup_printf ("%s · %s · %s · %s", day, article->country,
                                           article->industry, article->source);

  _kouan_insurance_two_line_set (item, article->title, meta, FALSE);
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  run_search (KOUAN_INSURANCE_RISK (widget));
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  KouanInsuranceRisk *self = KOUAN_INSURANCE_RISK (widget);

  adw_leaflet_set_visible_child_name (ADW_LEAFLET (self->leaflet), "list");
}

/* ---- for the UI tests ---------------------------------------------------- */

GtkDropDown *
_kouan_insurance_risk_get_country_dropdown (KouanInsuranceRisk *self)
{
  return GTK_DROP_DOWN (self->country_dropdown);
}

GtkEditable *
_kouan_insurance_risk_get_keyword_entry (KouanInsuranceRisk *self)
{
  return GTK_EDITABLE (self->keyword_entry);
}

GtkButton *
_kouan_insurance_risk_get_search_button (KouanInsuranceRisk *self)
{
  return GTK_BUTTON (self->search_button);
}

GListModel *
_kouan_insurance_risk_get_results (KouanInsuranceRisk *self)
{
  return G_LIST_MODEL (self->results);
}

GtkListView *
_kouan_insurance_risk_get_list_view (KouanInsuranceRisk *self)
{
  return GTK_LIST_VIEW (self->list_view);
}

const char *
_kouan_insurance_risk_get_article_title (KouanInsuranceRisk *self)
{
  return gtk_label_get_label (GTK_LABEL (self->article_title));
}

/* ---- the class ----------------------------------------------------------- */

static void
kouan_insurance_risk_dispose (GObject *object)
{
  KouanInsuranceRisk *self = KOUAN_INSURANCE_RISK (object);

  /* A search still running holds its list past this page: it must not
   * call back into a disposed page. */
  if (self->results != NULL)
    g_signal_handlers_disconnect_by_data (self->results, self);
  gtk_widget_dispose_template (GTK_WIDGET (object), KOUAN_TYPE_INSURANCE_RISK);
  g_clear_object (&self->results);
  g_clear_object (&self->store);
  g_clear_pointer (&self->categories, g_ptr_array_unref);
  G_OBJECT_CLASS (kouan_insurance_risk_parent_class)->dispose (object);
}

static void
kouan_insurance_risk_class_init (KouanInsuranceRiskClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kouan_insurance_risk_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kouan/Kouan/ui/kouan-insurance-risk.ui");
  gtk_widget_class_bind_template_child (widget_class, KouanInsuranceRisk, article_body);
  gtk_widget_class_bind_template_child (widget_class, KouanInsuranceRisk, article_meta);
  gtk_widget_class_bind_template_child (widget_class, KouanInsuranceRisk, article_title);
  gtk_widget_class_bind_template_child (widget_class, KouanInsuranceRisk, back_button);
  gtk_widget_class_bind_template_child (widget_class, KouanInsuranceRisk, category_dropdown);
  gtk_widget_class_bind_template_child (widget_class, KouanInsuranceRisk, country_dropdown);
  gtk_widget_class_bind_template_child (widget_class, KouanInsuranceRisk, detail_stack);
  gtk_widget_class_bind_template_child (widget_class, KouanInsuranceRisk, detail_title);
  gtk_widget_class_bind_template_child (widget_class, KouanInsuranceRisk, industry_dropdown);
  gtk_widget_class_bind_template_child (widget_class, KouanInsuranceRisk, keyword_entry);
  gtk_widget_class_bind_template_child (widget_class, KouanInsuranceRisk, leaflet);
  gtk_widget_class_bind_template_child (widget_class, KouanInsuranceRisk, list_stack);
  gtk_widget_class_bind_template_child (widget_class, KouanInsuranceRisk, list_view);
  gtk_widget_class_bind_template_child (widget_class, KouanInsuranceRisk, result_count);
  gtk_widget_class_bind_template_child (widget_class, KouanInsuranceRisk, search_button);
  gtk_widget_class_bind_template_child (widget_class, KouanInsuranceRisk, selection);
  gtk_widget_class_bind_template_callback (widget_class, on_facet_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_keyword_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_list_activate);

  gtk_widget_class_install_action (widget_class, "risk.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "risk.search", NULL, search_action);
}

static void
kouan_insurance_risk_init (KouanInsuranceRisk *self)
{
  g_autoptr(GtkListItemFactory) factory = _kouan_insurance_two_line_factory (G_CALLBACK (article_bind));

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_list_view_set_factory (GTK_LIST_VIEW (self->list_view), factory);
  g_signal_connect (self, "map", G_CALLBACK (on_map), NULL);
  g_signal_connect (self, "unmap", G_CALLBACK (on_unmap), NULL);
  kouan_insurance_risk_set_facets (self, NULL, NULL);
  reload_categories (self);
  show_article (self, NULL);
  /* an empty list while the first search runs */
  gtk_stack_set_visible_child_name (GTK_STACK (self->list_stack), "list");
}
