/* gst-gemini-live
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Stop from a callback, then exit: an application that sets its pipeline
 * to NULL from inside one of the element's callbacks, lets go of it at
 * once and exits, many times over. Each run is a child process:
 *
 *   audiotestsrc is-live=true ! geminilive ! fakesink
 *
 * stopped from (in turn) the tool-call handler, a bus sync handler on the
 * setup-complete message, and a probe on the first buffer leaving src;
 * the main thread drops the pipeline while the callback still runs, waits
 * for the element to be finalized (by whichever thread lets it go last)
 * and exits. Warnings are fatal and freed memory is scribbled on
 * (MALLOC_PERTURB_, G_SLICE=always-malloc). The parent runs the
 * simulator and fails on any child that does not exit with status 0 in
 * time (a crash, an abort, a hang).
 *
 *   stop-and-exit [--runs N] [--timeout-ms MS]
 */
#include <gst/gst.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gls-sim.h"

#define TOOLS                                                                  \
  "[{\"name\":\"get_weather\",\"description\":\"Weather\","                    \
  "\"parameters\":{\"type\":\"OBJECT\",\"properties\":{\"city\":"              \
  "{\"type\":\"STRING\"}}}}]"

typedef enum
{
  FROM_TOOL_CALL,
  FROM_BUS_SYNC_HANDLER,
  FROM_SRC_PROBE,
  N_KINDS
} Kind;

static const gchar *kind_names[]
    = { "tool-call handler", "bus sync handler", "probe on src" };

/* ---- child ------------------------------------------------------------- */

static GstElement *pipeline;
static GMutex lock;
static GCond cond;
static gboolean stopped, released, finalized;

/* Stops the pipeline, and returns only once the main thread has let go
 * of it: whatever the element does after the callback happens on an
 * element the application no longer holds. */
static void
stop_here (void)
{
  gst_element_set_state (pipeline, GST_STATE_NULL);
  g_mutex_lock (&lock);
  stopped = TRUE;
  g_cond_broadcast (&cond);
  while (!released)
    g_cond_wait (&cond, &lock);
  g_mutex_unlock (&lock);
}

static gchar *
on_tool_call (GstElement *element, const gchar *id, const gchar *name,
    const gchar *args, gpointer user_data)
{
  stop_here ();
  return g_strdup ("{\"temp_c\": 21}");
}

static GstBusSyncReply
on_sync_message (GstBus *bus, GstMessage *msg, gpointer user_data)
{
  Kind kind = GPOINTER_TO_INT (user_data);
  const GstStructure *s = gst_message_get_structure (msg);
  gboolean ok;

  if (GST_MESSAGE_TYPE (msg) != GST_MESSAGE_ELEMENT || s == NULL
      || !gst_structure_has_name (s, "geminilive/setup-complete"))
    return GST_BUS_PASS;
  if (kind == FROM_BUS_SYNC_HANDLER) {
    stop_here ();
  } else {
    GstElement *g = gst_bin_get_by_name (GST_BIN (pipeline), "g");

    /* Ask something the model answers with a tool call or speech. */
    g_signal_emit_by_name (g, "send-text",
        kind == FROM_TOOL_CALL ? "call get_weather" : "Hello", &ok);
    gst_object_unref (g);
  }
  /* A sync handler that drops a message unrefs it. */
  gst_message_unref (msg);
  return GST_BUS_DROP;
}

static void
on_finalized (gpointer data, GObject *where_the_object_was)
{
  g_mutex_lock (&lock);
  finalized = TRUE;
  g_cond_broadcast (&cond);
  g_mutex_unlock (&lock);
}

static GstPadProbeReturn
on_src_buffer (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  stop_here ();
  return GST_PAD_PROBE_REMOVE;
}

static int
run_child (Kind kind, const gchar *uri)
{
  GstElement *g;
  GstBus *bus;
  GstPad *src;
  gchar *desc;
  gint64 deadline;

  desc = g_strdup_printf ("audiotestsrc is-live=true wave=silence ! "
                          "geminilive name=g api-key=stress uri=%s ! "
                          "fakesink",
      uri);
  pipeline = gst_parse_launch (desc, NULL);
  g_free (desc);
  if (pipeline == NULL)
    return 3;
  g = gst_bin_get_by_name (GST_BIN (pipeline), "g");
  g_object_set (g, "tools", TOOLS, NULL);
  g_signal_connect (g, "tool-call", G_CALLBACK (on_tool_call), NULL);
  if (kind == FROM_SRC_PROBE) {
    src = gst_element_get_static_pad (g, "src");
    gst_pad_add_probe (
        src, GST_PAD_PROBE_TYPE_BUFFER, on_src_buffer, NULL, NULL);
    gst_object_unref (src);
  }
  g_object_weak_ref (G_OBJECT (g), on_finalized, NULL);
  gst_object_unref (g);
  bus = gst_element_get_bus (pipeline);
  gst_bus_set_sync_handler (bus, on_sync_message, GINT_TO_POINTER (kind), NULL);
  gst_object_unref (bus);

  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  g_mutex_lock (&lock);
  while (!stopped)
    g_cond_wait (&cond, &lock);
  g_mutex_unlock (&lock);
  /* Let go at once and leave, whatever still runs. */
  gst_object_unref (pipeline);
  g_mutex_lock (&lock);
  released = TRUE;
  g_cond_broadcast (&cond);
  /* The element goes once its threads are done with it; then exit. */
  deadline = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;
  while (!finalized)
    if (!g_cond_wait_until (&cond, &lock, deadline))
      break;
  g_mutex_unlock (&lock);
  return finalized ? 0 : 4;
}

/* ---- parent ------------------------------------------------------------ */

static gint opt_runs = 200;
static gint opt_timeout_ms = 20000;
static gint opt_child = -1;
static gchar *opt_uri = NULL;

static GOptionEntry entries[] = { { "runs", 'n', 0, G_OPTION_ARG_INT, &opt_runs,
                                      "Runs (default 200)", "N" },
  { "timeout-ms", 0, 0, G_OPTION_ARG_INT, &opt_timeout_ms,
      "Longest a run may take (default 20000)", "MS" },
  { "child", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT, &opt_child, NULL,
      NULL },
  { "uri", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &opt_uri, NULL, NULL },
  { NULL } };

/* Runs one child; returns a description of its failure, or NULL. */
static gchar *
run_one (const gchar *self, Kind kind, const gchar *uri)
{
  gchar kind_arg[16];
  const gchar *argv[] = { self, "--child", kind_arg, "--uri", uri, NULL };
  /* Any GLib or GStreamer warning aborts; freed memory is scribbled on,
   * so that a use after free shows. */
  gchar **envp
      = g_environ_setenv (g_get_environ (), "G_DEBUG", "fatal-warnings", TRUE);
  GError *error = NULL;
  GPid pid;
  gint64 deadline = g_get_monotonic_time () + opt_timeout_ms * 1000LL;
  int status;

  g_snprintf (kind_arg, sizeof kind_arg, "%d", kind);
  envp = g_environ_setenv (envp, "MALLOC_PERTURB_", "165", TRUE);
  envp = g_environ_setenv (envp, "G_SLICE", "always-malloc", TRUE);
  if (!g_spawn_async (NULL, (gchar **)argv, envp, G_SPAWN_DO_NOT_REAP_CHILD,
          NULL, NULL, &pid, &error)) {
    gchar *why = g_strdup_printf ("could not start: %s", error->message);
    g_error_free (error);
    g_strfreev (envp);
    return why;
  }
  g_strfreev (envp);
  while (waitpid (pid, &status, WNOHANG) == 0) {
    if (g_get_monotonic_time () > deadline) {
      kill (pid, SIGABRT);
      waitpid (pid, &status, 0);
      return g_strdup_printf ("hung (more than %d ms)", opt_timeout_ms);
    }
    g_usleep (2000);
  }
  g_spawn_close_pid (pid);
  if (WIFSIGNALED (status))
    return g_strdup_printf ("died of signal %d (%s)", WTERMSIG (status),
        g_strsignal (WTERMSIG (status)));
  if (WEXITSTATUS (status) != 0)
    return g_strdup_printf ("exited with %d%s", WEXITSTATUS (status),
        WEXITSTATUS (status) == 4 ? " (the element was never finalized)" : "");
  return NULL;
}

int
main (int argc, char **argv)
{
  GOptionContext *ctx = g_option_context_new ("- stop from a callback, exit");
  GError *error = NULL;
  GlsSimOptions options;
  GlsSim *sim;
  gchar *uri;
  guint failures = 0, i;
  gint64 started;

  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
    g_printerr ("%s\n", error->message);
    return 2;
  }
  g_option_context_free (ctx);
  if (opt_child >= 0)
    return run_child (opt_child, opt_uri);

  gls_sim_options_init (&options);
  options.record = FALSE;
  options.setup_delay_ms = 1;
  options.answer_speed = 50.0;
  sim = gls_sim_new (&options, &error);
  if (sim == NULL) {
    g_printerr ("simulator: %s\n", error->message);
    return 1;
  }
  uri = gls_sim_get_uri (sim, "v1");
  started = g_get_monotonic_time ();
  for (i = 0; i < (guint)opt_runs; i++) {
    Kind kind = i % N_KINDS;
    gchar *why = run_one (argv[0], kind, uri);

    if (why != NULL) {
      g_printerr (
          "run %u, stopped from the %s: %s\n", i + 1, kind_names[kind], why);
      failures++;
      g_free (why);
    }
  }
  g_print ("%d runs in %.1f s, %u failed\n", opt_runs,
      (g_get_monotonic_time () - started) / 1e6, failures);
  g_free (uri);
  gls_sim_free (sim);
  return failures == 0 ? 0 : 1;
}
