/* gst-gemini-live
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/gst.h>

#include "gstgeminilivenetwork.h"

GST_DEBUG_CATEGORY_STATIC (gst_gemini_live_network_debug);
#define GST_CAT_DEFAULT gst_gemini_live_network_debug

static GMutex network_lock;
static guint network_users;
static GMainContext *network_context;
static GMainLoop *network_loop;
static GThread *network_thread;

static gpointer
network_thread_main (gpointer user_data)
{
  GMainLoop *loop = user_data;
  GMainContext *context = g_main_loop_get_context (loop);

  g_main_context_push_thread_default (context);
  g_main_loop_run (loop);
  /* Whatever the sessions left behind (cancelled operations) ends here. */
  while (g_main_context_iteration (context, FALSE))
    ;
  g_main_context_pop_thread_default (context);
  g_main_loop_unref (loop);
  return NULL;
}

GMainContext *
gst_gemini_live_network_acquire (GError **error)
{
  GMainContext *context;

  g_mutex_lock (&network_lock);
  if (network_users == 0) {
    static gsize debug_done = 0;

    if (g_once_init_enter (&debug_done)) {
      GST_DEBUG_CATEGORY_INIT (gst_gemini_live_network_debug,
          "geminilivenetwork", 0, "Gemini Live shared network thread");
      g_once_init_leave (&debug_done, 1);
    }
    network_context = g_main_context_new ();
    network_loop = g_main_loop_new (network_context, FALSE);
    network_thread = g_thread_try_new ("geminilive-net", network_thread_main,
        g_main_loop_ref (network_loop), error);
    if (network_thread == NULL) {
      g_main_loop_unref (network_loop); /* the thread's reference */
      g_clear_pointer (&network_loop, g_main_loop_unref);
      g_clear_pointer (&network_context, g_main_context_unref);
      g_mutex_unlock (&network_lock);
      return NULL;
    }
    GST_DEBUG ("network thread started");
  }
  network_users++;
  context = g_main_context_ref (network_context);
  g_mutex_unlock (&network_lock);
  return context;
}

void
gst_gemini_live_network_release (void)
{
  GThread *thread = NULL;

  g_mutex_lock (&network_lock);
  g_return_if_fail (network_users > 0);
  if (--network_users == 0) {
    g_main_loop_quit (network_loop);
    g_clear_pointer (&network_loop, g_main_loop_unref);
    g_clear_pointer (&network_context, g_main_context_unref);
    thread = network_thread;
    network_thread = NULL;
  }
  g_mutex_unlock (&network_lock);

  if (thread == NULL)
    return;
  /* Released from a callback in the thread itself: it ends on its own
   * once that callback returns. */
  if (thread == g_thread_self ())
    g_thread_unref (thread);
  else
    g_thread_join (thread);
  GST_DEBUG ("network thread stopped");
}

gboolean
gst_gemini_live_network_is_current (void)
{
  gboolean current;

  g_mutex_lock (&network_lock);
  current = network_thread != NULL && network_thread == g_thread_self ();
  g_mutex_unlock (&network_lock);
  return current;
}
