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

typedef struct
{
  GMainContext *context;
  GMainLoop *loop;
  GThread *thread;
  guint sessions;
  gboolean detached; /* released from inside: the thread frees this */
} NetworkThread;

static GMutex network_lock;
static GPtrArray *network_threads; /* NetworkThread* */

static void
network_thread_free (NetworkThread *nt)
{
  g_main_loop_unref (nt->loop);
  g_main_context_unref (nt->context);
  g_free (nt);
}

static gpointer
network_thread_main (gpointer user_data)
{
  NetworkThread *nt = user_data;
  GMainLoop *loop = nt->loop;
  GMainContext *context = nt->context;

  g_main_context_push_thread_default (context);
  g_main_loop_run (loop);
  /* Whatever the sessions left behind (cancelled operations) ends here. */
  while (g_main_context_iteration (context, FALSE))
    ;
  g_main_context_pop_thread_default (context);
  g_main_loop_unref (loop);
  if (nt->detached)
    network_thread_free (nt);
  return NULL;
}

static NetworkThread *
network_thread_new (GError **error)
{
  NetworkThread *nt = g_new0 (NetworkThread, 1);

  nt->context = g_main_context_new ();
  nt->loop = g_main_loop_new (nt->context, FALSE);
  g_main_loop_ref (nt->loop); /* the thread's */
  nt->thread
      = g_thread_try_new ("geminilive-net", network_thread_main, nt, error);
  if (nt->thread == NULL) {
    g_main_loop_unref (nt->loop); /* the thread's reference */
    network_thread_free (nt);
    return NULL;
  }
  GST_DEBUG ("network thread %p started", nt->thread);
  return nt;
}

GMainContext *
gst_gemini_live_network_acquire (GError **error)
{
  static gsize debug_done = 0;
  NetworkThread *nt = NULL;
  guint i;

  if (g_once_init_enter (&debug_done)) {
    GST_DEBUG_CATEGORY_INIT (gst_gemini_live_network_debug, "geminilivenetwork",
        0, "Gemini Live network threads");
    g_once_init_leave (&debug_done, 1);
  }

  g_mutex_lock (&network_lock);
  if (network_threads == NULL)
    network_threads = g_ptr_array_new ();
  /* Fill the first thread with room: the fewest threads. */
  for (i = 0; i < network_threads->len && nt == NULL; i++) {
    NetworkThread *candidate = g_ptr_array_index (network_threads, i);
    if (candidate->sessions < GST_GEMINI_LIVE_SESSIONS_PER_THREAD)
      nt = candidate;
  }
  if (nt == NULL) {
    nt = network_thread_new (error);
    if (nt == NULL) {
      g_mutex_unlock (&network_lock);
      return NULL;
    }
    g_ptr_array_add (network_threads, nt);
  }
  nt->sessions++;
  g_mutex_unlock (&network_lock);
  return g_main_context_ref (nt->context);
}

void
gst_gemini_live_network_release (GMainContext *context)
{
  NetworkThread *nt = NULL;
  guint i;

  g_mutex_lock (&network_lock);
  for (i = 0; network_threads != NULL && i < network_threads->len; i++) {
    NetworkThread *candidate = g_ptr_array_index (network_threads, i);
    if (candidate->context == context) {
      nt = candidate;
      break;
    }
  }
  if (nt == NULL) {
    g_mutex_unlock (&network_lock);
    g_critical ("geminilive: releasing a network thread twice");
    return;
  }
  if (--nt->sessions > 0) {
    nt = NULL;
  } else {
    g_ptr_array_remove_index (network_threads, i);
    if (network_threads->len == 0)
      g_clear_pointer (&network_threads, g_ptr_array_unref);
  }
  g_mutex_unlock (&network_lock);
  g_main_context_unref (context);

  if (nt == NULL)
    return;
  g_main_loop_quit (nt->loop);
  /* Released from a callback in the thread itself: it ends on its own
   * once that callback returns, and frees what it still uses. */
  if (nt->thread == g_thread_self ()) {
    nt->detached = TRUE;
    g_thread_unref (nt->thread);
    return;
  }
  g_thread_join (nt->thread);
  GST_DEBUG ("network thread stopped");
  network_thread_free (nt);
}
