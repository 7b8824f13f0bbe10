/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bare-window: the reference for bench-startup. A GtkApplication that opens
 * one empty window of Kouan's default size and, like Kouan with
 * KOUAN_BENCH_EXIT_ON_FIRST_FRAME=1, prints "first-frame <monotonic µs>"
 * after its first frame is painted and quits. Everything Kouan does beyond
 * this is the cost of Kouan itself. */

#include <stdio.h>
#include <gtk/gtk.h>

static void
after_paint (GdkFrameClock *clock,
             GtkWidget     *window)
{
  printf ("first-frame %" G_GINT64_FORMAT " GtkApplicationWindow\n", g_get_monotonic_time ());
  fflush (stdout);
  g_signal_handlers_disconnect_by_func (clock, after_paint, window);
  g_application_quit (G_APPLICATION (gtk_window_get_application (GTK_WINDOW (window))));
}

/* The frame clock exists once the window is realized. */
static void
realized (GtkWidget *window)
{
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint",
                    G_CALLBACK (after_paint), window);
}

static void
activate (GtkApplication *app)
{
  GtkWidget *window = gtk_application_window_new (app);

  gtk_window_set_title (GTK_WINDOW (window), "bare-window");
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  gtk_window_set_child (GTK_WINDOW (window), gtk_label_new ("bare-window"));
  g_signal_connect_after (window, "realize", G_CALLBACK (realized), NULL);
  gtk_window_present (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GtkApplication) app =
    gtk_application_new ("io.github.kouan.BenchBareWindow", G_APPLICATION_DEFAULT_FLAGS);

  g_signal_connect (app, "activate", G_CALLBACK (activate), NULL);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
