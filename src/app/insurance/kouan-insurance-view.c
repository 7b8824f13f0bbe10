/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "kouan-format.h"
#include "kouan-window.h"
#include "insurance/kouan-insurance-claims.h"
#include "insurance/kouan-insurance-home.h"
#include "insurance/kouan-insurance-policies.h"
#include "insurance/kouan-insurance-private.h"
#include "insurance/kouan-insurance-risk.h"
#include "insurance/kouan-insurance-subscriptions.h"
#include "insurance/kouan-insurance-view.h"

/* The container of the five pages: it owns the store's "changed"
 * subscription and the derived risk information (the latest articles, the
 * search's facets, new subscribed articles to announce), and navigates
 * between the pages for them through its actions. */

#define LATEST_ARTICLES 8
/* How often a first sync's stream of risk articles refreshes the view. */
#define RISK_REFRESH_DELAY_MS 1000

struct _KouanInsuranceView
{
  GtkWidget     parent_instance;

  /* template widgets */
  GtkWidget    *box;
  GtkWidget    *claims;
  GtkWidget    *home;
  GtkWidget    *policies;
  GtkWidget    *risk;
  GtkWidget    *subscriptions;
  GtkWidget    *switcher_title;
  GtkWidget    *view_stack;

  /* owned */
  KouanStore   *store;
  gulong        changed_id;
  gint64        enterprise_id;
  gint64        notified_article;  /* highest article id announced */
  gint64        notify_since;      /* unix time the view got its store */

  /* Risk articles arrive by the thousand during a first sync: what the
   * view derives from all of them (the latest articles, the facets, new
   * subscribed ones to announce) is read on a worker at most once a
   * second, and the first two only while the view is shown. */
  GCancellable *cancellable;
  guint         refresh_source;
  gboolean      refresh_in_flight;
  gboolean      refresh_again;
  gboolean      shown_stale;      /* latest and facets wait for a map */
};

G_DEFINE_FINAL_TYPE (KouanInsuranceView, kouan_insurance_view, GTK_TYPE_WIDGET)

/* ---- helpers shared by the pages ----------------------------------------- */

const char *
_kouan_insurance_policy_status_label (const char *status)
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

const char *
_kouan_insurance_claim_status_label (const char *status)
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

char *
_kouan_insurance_format_amount (gint64      amount,
                                const char *currency)
{
  return kouan_format_money (currency, (double) amount);
}

#define TOAST_KEY "kouan-insurance-toast"

static void
on_toast_dismissed (GtkWidget *window)
{
  g_object_set_data (G_OBJECT (window), TOAST_KEY, NULL);
}

void
_kouan_insurance_toast (GtkWidget  *widget,
                        const char *text)
{
  GtkWidget *window = gtk_widget_get_ancestor (widget, KOUAN_TYPE_WINDOW);
  AdwToast *shown;
  AdwToast *toast;

  if (window == NULL)
    {
      g_message ("%s", text);
      return;
    }
  /* This area's toast on screen says the news instead: a stale "could
   * not" must not come back after the "saved" that followed it, and
   * flipping switches must not queue a toast per flip. */
  shown = g_object_get_data (G_OBJECT (window), TOAST_KEY);
  if (shown != NULL)
    {
      adw_toast_set_title (shown, text);
      return;
    }
  toast = adw_toast_new (text);
  /* read in full before it goes */
  adw_toast_set_timeout (toast, 5);
  g_object_set_data_full (G_OBJECT (window), TOAST_KEY, g_object_ref (toast), g_object_unref);
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (on_toast_dismissed), window, G_CONNECT_SWAPPED);
  kouan_window_add_toast (KOUAN_WINDOW (window), toast);
}

void
_kouan_insurance_toast_queued (GtkWidget *widget)
{
  GtkWidget *window = gtk_widget_get_ancestor (widget, KOUAN_TYPE_WINDOW);

  if (window != NULL && kouan_window_get_offline_banner_visible (KOUAN_WINDOW (window)))
    _kouan_insurance_toast (widget, _("Saved on this computer. It reaches the server when you are online."));
  else
    _kouan_insurance_toast (widget, _("Saved. It reaches the server with the next sync."));
}

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
  gtk_widget_add_css_class (meta, "caption");
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), meta);
  gtk_list_item_set_child (item, box);
}

GtkListItemFactory *
_kouan_insurance_two_line_factory (GCallback bind)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", G_CALLBACK (two_line_setup), NULL);
  g_signal_connect (factory, "bind", bind, NULL);
  return factory;
}

void
_kouan_insurance_two_line_set (GtkListItem *item,
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

void
_kouan_insurance_set_property_row (GtkWidget  *row,
                                   const char *value)
{
  /* values are data (names, reasons), never markup */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value != NULL ? value : "");
  gtk_widget_set_visible (row, value != NULL && *value != '\0');
}

/* ---- the derived risk information ---------------------------------------- */

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
      kouan_insurance_home_show_latest (KOUAN_INSURANCE_HOME (self->home), refresh->latest);
      kouan_insurance_risk_set_facets (KOUAN_INSURANCE_RISK (self->risk), refresh->countries,
                                       refresh->industries);
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
  if (self->shown_stale)
    refresh_risk (self);
}

/* ---- the store ----------------------------------------------------------- */

static void
reload_all (KouanInsuranceView *self)
{
  kouan_insurance_home_set_source (KOUAN_INSURANCE_HOME (self->home), self->store, self->enterprise_id);
  kouan_insurance_policies_set_source (KOUAN_INSURANCE_POLICIES (self->policies), self->store, self->enterprise_id);
  kouan_insurance_claims_set_source (KOUAN_INSURANCE_CLAIMS (self->claims), self->store, self->enterprise_id);
  kouan_insurance_subscriptions_set_source (KOUAN_INSURANCE_SUBSCRIPTIONS (self->subscriptions),
                                            self->store, self->enterprise_id);
  kouan_insurance_risk_set_source (KOUAN_INSURANCE_RISK (self->risk), self->store, self->enterprise_id);
  refresh_risk (self);
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
      kouan_insurance_home_reload (KOUAN_INSURANCE_HOME (self->home));
      kouan_insurance_policies_reload (KOUAN_INSURANCE_POLICIES (self->policies));
    }
  else if (g_strcmp0 (collection, "insurance_claims") == 0)
    {
      kouan_insurance_home_reload (KOUAN_INSURANCE_HOME (self->home));
      kouan_insurance_claims_reload (KOUAN_INSURANCE_CLAIMS (self->claims));
    }
  else if (g_strcmp0 (collection, "insurance_categories") == 0)
    {
      kouan_insurance_home_reload (KOUAN_INSURANCE_HOME (self->home));
      kouan_insurance_subscriptions_reload (KOUAN_INSURANCE_SUBSCRIPTIONS (self->subscriptions));
      kouan_insurance_risk_reload (KOUAN_INSURANCE_RISK (self->risk));
    }
}

/* ---- navigation ---------------------------------------------------------- */

static void
on_page_changed (KouanInsuranceView *self)
{
  AdwViewStackPage *page = adw_view_stack_get_page (ADW_VIEW_STACK (self->view_stack),
                                                    adw_view_stack_get_visible_child (ADW_VIEW_STACK (self->view_stack)));

  /* at narrow widths the bar shows the page's name, the switcher below */
  adw_view_switcher_title_set_title (ADW_VIEW_SWITCHER_TITLE (self->switcher_title),
                                     page != NULL ? adw_view_stack_page_get_title (page) : "");
}

static void
show_page_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  kouan_insurance_view_show_page (KOUAN_INSURANCE_VIEW (widget), g_variant_get_string (parameter, NULL));
}

static void
open_policies_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  KouanInsuranceView *self = KOUAN_INSURANCE_VIEW (widget);

  kouan_insurance_policies_set_filter (KOUAN_INSURANCE_POLICIES (self->policies), g_variant_get_uint32 (parameter));
  kouan_insurance_view_show_page (self, "policies");
}

static void
open_claims_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  KouanInsuranceView *self = KOUAN_INSURANCE_VIEW (widget);

  kouan_insurance_claims_set_filter (KOUAN_INSURANCE_CLAIMS (self->claims), g_variant_get_uint32 (parameter));
  kouan_insurance_view_show_page (self, "claims");
}

static void
open_category_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  KouanInsuranceView *self = KOUAN_INSURANCE_VIEW (widget);

  kouan_insurance_risk_show_category (KOUAN_INSURANCE_RISK (self->risk), g_variant_get_int64 (parameter));
  kouan_insurance_view_show_page (self, "risk");
}

static void
open_article_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  KouanInsuranceView *self = KOUAN_INSURANCE_VIEW (widget);

  kouan_insurance_view_show_page (self, "risk");
  kouan_insurance_risk_show_article (KOUAN_INSURANCE_RISK (self->risk), g_variant_get_int64 (parameter));
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  KouanInsuranceView *self = KOUAN_INSURANCE_VIEW (widget);

  kouan_insurance_view_show_page (self, "risk");
  kouan_insurance_risk_focus_search (KOUAN_INSURANCE_RISK (self->risk));
}

/* Alt+1…5 switch pages wherever the focus is, while the area is shown. */
static gboolean
on_page_shortcut (GtkWidget *widget,
                  GVariant  *args,
                  gpointer   user_data)
{
  if (!gtk_widget_get_mapped (widget))
    return FALSE;
  kouan_insurance_view_show_page (KOUAN_INSURANCE_VIEW (widget), g_variant_get_string (args, NULL));
  return TRUE;
}

static void
add_page_shortcuts (KouanInsuranceView *self)
{
  static const char *const names[] = { "home", "policies", "claims", "subscriptions", "risk" };
  GtkEventController *controller = gtk_shortcut_controller_new ();

  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (controller), GTK_SHORTCUT_SCOPE_GLOBAL);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                          gtk_shortcut_new_with_arguments (gtk_keyval_trigger_new (GDK_KEY_1 + i, GDK_ALT_MASK),
                                                                           gtk_callback_action_new (on_page_shortcut, NULL, NULL),
                                                                           "s", names[i]));
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

/* ---- public -------------------------------------------------------------- */

void
kouan_insurance_view_show_page (KouanInsuranceView *self,
                                const char         *page)
{
  g_return_if_fail (KOUAN_IS_INSURANCE_VIEW (self));
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (self->view_stack), page);
}

gboolean
kouan_insurance_view_show_policy (KouanInsuranceView *self,
                                  gint64              policy_id)
{
  g_return_val_if_fail (KOUAN_IS_INSURANCE_VIEW (self), FALSE);

  kouan_insurance_view_show_page (self, "policies");
  return kouan_insurance_policies_open (KOUAN_INSURANCE_POLICIES (self->policies), policy_id);
}

const char *
kouan_insurance_view_get_visible_page (KouanInsuranceView *self)
{
  g_return_val_if_fail (KOUAN_IS_INSURANCE_VIEW (self), NULL);
  return adw_view_stack_get_visible_child_name (ADW_VIEW_STACK (self->view_stack));
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
  reload_all (self);
}

GtkWidget *
kouan_insurance_view_new (void)
{
  return g_object_new (KOUAN_TYPE_INSURANCE_VIEW, NULL);
}

/* ---- the class ----------------------------------------------------------- */

static void
kouan_insurance_view_dispose (GObject *object)
{
  KouanInsuranceView *self = KOUAN_INSURANCE_VIEW (object);

  if (self->store != NULL)
    g_clear_signal_handler (&self->changed_id, self->store);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->refresh_source, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (object), KOUAN_TYPE_INSURANCE_VIEW);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (kouan_insurance_view_parent_class)->dispose (object);
}

static void
kouan_insurance_view_class_init (KouanInsuranceViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kouan_insurance_view_dispose;

  g_type_ensure (KOUAN_TYPE_INSURANCE_CLAIMS);
  g_type_ensure (KOUAN_TYPE_INSURANCE_HOME);
  g_type_ensure (KOUAN_TYPE_INSURANCE_POLICIES);
  g_type_ensure (KOUAN_TYPE_INSURANCE_RISK);
  g_type_ensure (KOUAN_TYPE_INSURANCE_SUBSCRIPTIONS);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "kouan-insurance-view");
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kouan/Kouan/ui/kouan-insurance-view.ui");
  gtk_widget_class_bind_template_child (widget_class, KouanInsuranceView, box);
  gtk_widget_class_bind_template_child (widget_class, KouanInsuranceView, claims);
  gtk_widget_class_bind_template_child (widget_class, KouanInsuranceView, home);
  gtk_widget_class_bind_template_child (widget_class, KouanInsuranceView, policies);
  gtk_widget_class_bind_template_child (widget_class, KouanInsuranceView, risk);
  gtk_widget_class_bind_template_child (widget_class, KouanInsuranceView, subscriptions);
  gtk_widget_class_bind_template_child (widget_class, KouanInsuranceView, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, KouanInsuranceView, view_stack);
  gtk_widget_class_bind_template_callback (widget_class, on_page_changed);

  gtk_widget_class_install_action (widget_class, "insurance.show-page", "s", show_page_action);
  gtk_widget_class_install_action (widget_class, "insurance.open-policies", "u", open_policies_action);
  gtk_widget_class_install_action (widget_class, "insurance.open-claims", "u", open_claims_action);
  gtk_widget_class_install_action (widget_class, "insurance.open-category", "x", open_category_action);
  gtk_widget_class_install_action (widget_class, "insurance.open-article", "x", open_article_action);
  gtk_widget_class_install_action (widget_class, "insurance.search", NULL, search_action);
}

static void
kouan_insurance_view_init (KouanInsuranceView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  g_signal_connect (self, "map", G_CALLBACK (on_map), NULL);
  add_page_shortcuts (self);
  on_page_changed (self);
}

/* ---- for the UI tests ---------------------------------------------------- */

GtkWidget *
_kouan_insurance_view_get_page (KouanInsuranceView *self,
                                const char         *page)
{
  return adw_view_stack_get_child_by_name (ADW_VIEW_STACK (self->view_stack), page);
}

GtkButton *
_kouan_insurance_view_get_shortcut (KouanInsuranceView     *self,
                                    KouanInsuranceShortcut  shortcut)
{
  return _kouan_insurance_home_get_shortcut (KOUAN_INSURANCE_HOME (self->home), shortcut);
}

GtkButton *
_kouan_insurance_view_get_more_button (KouanInsuranceView *self)
{
  return _kouan_insurance_home_get_more_button (KOUAN_INSURANCE_HOME (self->home));
}

const char *
_kouan_insurance_view_get_home_status (KouanInsuranceView *self)
{
  return _kouan_insurance_home_get_status (KOUAN_INSURANCE_HOME (self->home));
}

GListModel *
_kouan_insurance_view_get_policies (KouanInsuranceView *self)
{
  return _kouan_insurance_policies_get_model (KOUAN_INSURANCE_POLICIES (self->policies));
}

GListModel *
_kouan_insurance_view_get_claims (KouanInsuranceView *self)
{
  return _kouan_insurance_claims_get_model (KOUAN_INSURANCE_CLAIMS (self->claims));
}

GtkDropDown *
_kouan_insurance_view_get_country_dropdown (KouanInsuranceView *self)
{
  return _kouan_insurance_risk_get_country_dropdown (KOUAN_INSURANCE_RISK (self->risk));
}

GtkEditable *
_kouan_insurance_view_get_keyword_entry (KouanInsuranceView *self)
{
  return _kouan_insurance_risk_get_keyword_entry (KOUAN_INSURANCE_RISK (self->risk));
}

GtkButton *
_kouan_insurance_view_get_search_button (KouanInsuranceView *self)
{
  return _kouan_insurance_risk_get_search_button (KOUAN_INSURANCE_RISK (self->risk));
}

GListModel *
_kouan_insurance_view_get_risk_results (KouanInsuranceView *self)
{
  return _kouan_insurance_risk_get_results (KOUAN_INSURANCE_RISK (self->risk));
}

GtkListView *
_kouan_insurance_view_get_risk_list_view (KouanInsuranceView *self)
{
  return _kouan_insurance_risk_get_list_view (KOUAN_INSURANCE_RISK (self->risk));
}

const char *
_kouan_insurance_view_get_article_title (KouanInsuranceView *self)
{
  return _kouan_insurance_risk_get_article_title (KOUAN_INSURANCE_RISK (self->risk));
}
