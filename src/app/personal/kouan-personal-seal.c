/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "kouan-personal-page-private.h"

/* "Preview seal on a declaration form": a page laid out like a 报关单 with
 * sample fields — marked as a sample on the page itself — and the
 * declarant's seal stamped over the 申报单位 box as a translucent
 * watermark. The same drawing serves the on-screen preview, printing and
 * the PDF export (GtkPrintOperation), all from local data, so it works
 * offline. */

#define A4_WIDTH  595.0   /* points */
#define A4_HEIGHT 842.0

typedef struct {
  const char *label;
  const char *value;
} Field;

/* Sample values: a plausible export of the demo enterprise. */
static const Field header_fields[] = {
  { "预录入编号", "（样例）223120261122000118" }, { "海关编号", "（样例）310120261000456789" },
  { "境内发货人", "上海浦江国际贸易有限公司" },   { "出境关别", "洋山海关 2248" },
  { "出口日期", "2026-11-22" },                   { "申报日期", "2026-11-21" },
  { "境外收货人", "Pacific Import GmbH" },         { "运输方式", "水路运输" },
  { "运输工具名称及航次号", "COSCO SHIPPING ARIES/052E" }, { "提运单号", "COSU6289341570" },
  { "生产销售单位", "上海浦江国际贸易有限公司" },   { "监管方式", "一般贸易 0110" },
  { "征免性质", "一般征税 101" },                  { "合同协议号", "PJ-2026-0815" },
  { "贸易国（地区）", "德国" },                     { "运抵国（地区）", "德国" },
  { "指运港", "汉堡" },                             { "离境口岸", "洋山港区" },
  { "包装种类", "纸制或纤维板制盒/箱" },             { "件数", "320" },
  { "毛重（千克）", "4860" },                       { "净重（千克）", "4520" },
  { "成交方式", "FOB" },                            { "运费 / 保费", "— / —" },
};

static const char *const goods_header[] = {
  "项号", "商品编号", "商品名称及规格型号", "数量及单位", "单价/总价/币制", "原产国", "最终目的国",
};
static const double goods_widths[] = { 0.06, 0.14, 0.30, 0.14, 0.18, 0.09, 0.09 };
static const char *const goods_rows[][7] = {
  { "1", "8507600090", "锂离子电池 48V/100Ah", "200 个", "410.00/82000.00/美元", "中国", "德国" },
  { "2", "7323930000", "不锈钢餐具 24件套", "120 套", "36.50/4380.00/美元", "中国", "德国" },
};

static void
draw_text (cairo_t    *cr,
           double      x,
           double      y,
           double      width,
           double      size,
           gboolean    bold,
           const char *text)
{
  g_autoptr(PangoLayout) layout = pango_cairo_create_layout (cr);
  g_autoptr(PangoFontDescription) font = pango_font_description_from_string ("Sans");

  pango_font_description_set_absolute_size (font, size * PANGO_SCALE);
  if (bold)
    pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_text (layout, text, -1);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
}

static void
draw_centered (cairo_t    *cr,
               double      cx,
               double      y,
               double      size,
               gboolean    bold,
               const char *text)
{
  g_autoptr(PangoLayout) layout = pango_cairo_create_layout (cr);
  g_autoptr(PangoFontDescription) font = pango_font_description_from_string ("Sans");
  int width, height;

  pango_font_description_set_absolute_size (font, size * PANGO_SCALE);
  if (bold)
    pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_text (layout, text, -1);
  pango_layout_get_size (layout, &width, &height);
  cairo_move_to (cr, cx - width / (2.0 * PANGO_SCALE), y);
  pango_cairo_show_layout (cr, layout);
}

/* Draws one A4 page scaled into @width × @height. */
void
_kouan_personal_seal_draw_page (cairo_t   *cr,
                                double     width,
                                double     height,
                                GdkPixbuf *seal)
{
  double scale = MIN (width / A4_WIDTH, height / A4_HEIGHT);
  double margin = 36, x, y, inner, cell_w, row_h = 30, goods_y, footer_y;

  cairo_save (cr);
  cairo_scale (cr, scale, scale);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  inner = A4_WIDTH - 2 * margin;

  /* What this page is, on the page. */
  cairo_set_source_rgb (cr, 0.75, 0.1, 0.1);
  draw_centered (cr, A4_WIDTH / 2, 18, 9, TRUE,
                 "样例 SAMPLE — 仅用于预览报关员章位置，不是正式报关单");
  cairo_set_source_rgb (cr, 0, 0, 0);
  draw_centered (cr, A4_WIDTH / 2, 38, 16, TRUE, "中华人民共和国海关出口货物报关单");

  cairo_set_line_width (cr, 0.6);
  y = 70;
  cell_w = inner / 4;
  for (guint i = 0; i < G_N_ELEMENTS (header_fields); i++)
    {
      guint col = i % 4, row = i / 4;

      x = margin + col * cell_w;
      cairo_rectangle (cr, x, y + row * row_h, cell_w, row_h);
      cairo_stroke (cr);
      cairo_set_source_rgb (cr, 0.35, 0.35, 0.35);
      draw_text (cr, x + 3, y + row * row_h + 2, cell_w - 6, 6.5, FALSE, header_fields[i].label);
      cairo_set_source_rgb (cr, 0, 0, 0);
      draw_text (cr, x + 3, y + row * row_h + 13, cell_w - 6, 8, FALSE, header_fields[i].value);
    }

  goods_y = y + (G_N_ELEMENTS (header_fields) + 3) / 4 * row_h + 14;
  x = margin;
  for (guint c = 0; c < G_N_ELEMENTS (goods_header); c++)
    {
      double w = goods_widths[c] * inner;

      cairo_rectangle (cr, x, goods_y, w, 18);
      cairo_stroke (cr);
      draw_text (cr, x + 3, goods_y + 4, w - 6, 7, TRUE, goods_header[c]);
      for (guint r = 0; r < G_N_ELEMENTS (goods_rows); r++)
        {
          cairo_rectangle (cr, x, goods_y + 18 + r * 22, w, 22);
          cairo_stroke (cr);
          draw_text (cr, x + 3, goods_y + 24 + r * 22, w - 6, 7.5, FALSE, goods_rows[r][c]);
        }
      x += w;
    }

  /* Footer: who declares, and the box the seal goes over. */
  footer_y = A4_HEIGHT - margin - 120;
  cairo_rectangle (cr, margin, footer_y, inner / 2, 120);
  cairo_rectangle (cr, margin + inner / 2, footer_y, inner / 2, 120);
  cairo_stroke (cr);
  draw_text (cr, margin + 6, footer_y + 6, inner / 2 - 12, 8, FALSE, "报关人员：（样例）王明    报关人员证号：（样例）31000012");
  draw_text (cr, margin + 6, footer_y + 24, inner / 2 - 12, 8, FALSE, "申报单位：上海浦江国际贸易有限公司");
  draw_text (cr, margin + 6, footer_y + 100, inner / 2 - 12, 8, FALSE, "申报单位（签章）");
  draw_text (cr, margin + inner / 2 + 6, footer_y + 6, inner / 2 - 12, 8, FALSE, "海关批注及签章");

  /* A faint diagonal SAMPLE across the page, under the seal. */
  cairo_save (cr);
  cairo_translate (cr, A4_WIDTH / 2, A4_HEIGHT / 2 + 60);
  cairo_rotate (cr, -G_PI / 6);
  cairo_set_source_rgba (cr, 0.6, 0.6, 0.6, 0.25);
  draw_centered (cr, 0, -30, 54, TRUE, "样例 SAMPLE");
  cairo_restore (cr);

  if (seal != NULL)
    {
      double side = 110;
      double seal_scale = side / MAX (gdk_pixbuf_get_width (seal), gdk_pixbuf_get_height (seal));

      cairo_save (cr);
      cairo_translate (cr, margin + inner / 4 + 40, footer_y + 60);
      cairo_rotate (cr, -0.12);
      cairo_scale (cr, seal_scale, seal_scale);
      gdk_cairo_set_source_pixbuf (cr, seal, -gdk_pixbuf_get_width (seal) / 2.0,
                                   -gdk_pixbuf_get_height (seal) / 2.0);
      /* a stamp, not a sticker: the form shows through */
      cairo_paint_with_alpha (cr, 0.8);
      cairo_restore (cr);
    }
  else
    {
      cairo_set_source_rgb (cr, 0.5, 0.5, 0.5);
      draw_text (cr, margin + 6, footer_y + 50, inner / 2 - 12, 8, FALSE,
                 "（尚未设置报关员章：请在个人资料中选择印章图片）");
    }

  cairo_restore (cr);
}

GdkPixbuf *
_kouan_personal_seal_pixbuf (KouanPersonalPage *self)
{
  GdkPixbuf *draft = _kouan_personal_profile_get_draft_seal (KOUAN_PERSONAL_PROFILE (self->profile));
  g_autoptr(KouanProfile) profile = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GdkPixbufLoader) loader = NULL;

  if (draft != NULL)
    return g_object_ref (draft);
  if (self->store == NULL)
    return NULL;
  profile = kouan_store_get_profile (self->store, self->user_id, NULL);
  if (profile == NULL || profile->seal_image <= 0)
    return NULL;
  bytes = kouan_store_get_image (self->store, profile->seal_enterprise, profile->seal_image);
  if (bytes == NULL)
    return NULL;

  loader = gdk_pixbuf_loader_new ();
  if (!gdk_pixbuf_loader_write_bytes (loader, bytes, NULL) || !gdk_pixbuf_loader_close (loader, NULL))
    return NULL;
  return g_object_ref (gdk_pixbuf_loader_get_pixbuf (loader));
}

/* ---- printing ---------------------------------------------------------- */

static void
on_begin_print (GtkPrintOperation *operation,
                GtkPrintContext   *context,
                gpointer           data)
{
  gtk_print_operation_set_n_pages (operation, 1);
}

static void
on_draw_page (GtkPrintOperation *operation,
              GtkPrintContext   *context,
              int                page_nr,
              GdkPixbuf         *seal)
{
  _kouan_personal_seal_draw_page (gtk_print_context_get_cairo_context (context),
                                  gtk_print_context_get_width (context),
                                  gtk_print_context_get_height (context), seal);
}

GtkPrintOperation *
_kouan_personal_seal_print_operation (GdkPixbuf *seal)
{
  GtkPrintOperation *operation = gtk_print_operation_new ();
  g_autoptr(GtkPageSetup) setup = gtk_page_setup_new ();
  g_autoptr(GtkPaperSize) a4 = gtk_paper_size_new (GTK_PAPER_NAME_A4);

  gtk_page_setup_set_paper_size_and_default_margins (setup, a4);
  gtk_print_operation_set_default_page_setup (operation, setup);
  gtk_print_operation_set_job_name (operation, _("Declaration form with the declarant's seal (sample)"));
  gtk_print_operation_set_unit (operation, GTK_UNIT_POINTS);
  g_signal_connect (operation, "begin-print", G_CALLBACK (on_begin_print), NULL);
  if (seal != NULL)
    g_object_ref (seal);
  g_signal_connect_data (operation, "draw-page", G_CALLBACK (on_draw_page), seal,
                         seal != NULL ? (GClosureNotify) (void (*) (void)) g_object_unref : NULL, 0);
  return operation;
}

gboolean
_kouan_personal_page_export_seal_pdf (KouanPersonalPage  *self,
                                      const char         *path,
                                      GError            **error)
{
  g_autoptr(GdkPixbuf) seal = _kouan_personal_seal_pixbuf (self);
  g_autoptr(GtkPrintOperation) operation = _kouan_personal_seal_print_operation (seal);
  GtkPrintOperationResult result;

  gtk_print_operation_set_export_filename (operation, path);
  result = gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_EXPORT, NULL, error);
  return result != GTK_PRINT_OPERATION_RESULT_ERROR;
}
