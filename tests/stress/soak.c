/* gst-gemini-live
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Soak: one geminilive session across many forced reconnects while audio
 * streams in continuously, fed as fast as the element takes it.
 *
 *   appsrc (S16LE 16 kHz mono) ! geminilive reconnect=true ! appsink
 *
 * The simulator runs in a child process (forked before any thread exists)
 * so that what it stores (every frame it received) does not count in the
 * RSS measured here; the parent drives it over a socketpair. Faults
 * alternate goAway, an abrupt drop and a 1011 close. Each fault waits for
 * the previous reconnection to finish, and audio keeps being pushed while
 * the element reconnects.
 *
 * Measured once the first reconnections have warmed everything up, and
 * again at the end with the session still open: VmRSS (after
 * malloc_trim), threads (/proc/self/task) and fds (/proc/self/fd).
 * Fails on a bus ERROR, a reconnection that does not complete, audio that
 * stops reaching the server, or growth beyond the margins.
 */
#include <gst/gst.h>
#include <gst/app/gstappsrc.h>
#include <malloc.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gls-sim.h"

#define RATE 16000
#define BYTES_PER_SECOND (RATE * 2)
#define BUFFER_MS 100

/* ---- options ------------------------------------------------------- */

static gint opt_reconnects = 100;
static gdouble opt_audio_seconds = 600.0;
static gint opt_go_away_ms = 2000;
static gint opt_reconnect_timeout_ms = 20000;
static gint opt_warmup = 3;
static gint opt_max_rss_growth_kb = 8192;
static gint opt_max_thread_growth = 2;
static gint opt_max_fd_growth = 2;
static gint opt_flow_timeout_ms = 30000;
static gint opt_setup_timeout_ms = 30000;
static gboolean opt_verbose = FALSE;
static gchar *opt_backend = NULL;

static GOptionEntry entries[] = {
  { "reconnects", 'n', 0, G_OPTION_ARG_INT, &opt_reconnects,
      "Forced reconnections (default 100)", "N" },
  { "audio-seconds", 'a', 0, G_OPTION_ARG_DOUBLE, &opt_audio_seconds,
      "Seconds of 16 kHz audio streamed in total (default 600)", "S" },
  { "go-away-ms", 0, 0, G_OPTION_ARG_INT, &opt_go_away_ms,
      "timeLeft of each goAway (default 2000)", "MS" },
  { "reconnect-timeout", 0, 0, G_OPTION_ARG_INT, &opt_reconnect_timeout_ms,
      "The element's reconnect-timeout (default 20000)", "MS" },
  { "warmup", 0, 0, G_OPTION_ARG_INT, &opt_warmup,
      "Reconnections before the baseline is taken (default 3)", "N" },
  { "max-rss-growth-kb", 0, 0, G_OPTION_ARG_INT, &opt_max_rss_growth_kb,
      "Allowed RSS growth (default 8192)", "KB" },
  { "max-thread-growth", 0, 0, G_OPTION_ARG_INT, &opt_max_thread_growth,
      "Allowed thread growth (default 2)", "N" },
  { "max-fd-growth", 0, 0, G_OPTION_ARG_INT, &opt_max_fd_growth,
      "Allowed fd growth (default 2)", "N" },
  { "flow-timeout", 0, 0, G_OPTION_ARG_INT, &opt_flow_timeout_ms,
      "Longest wait for audio to reach the server (default 30000)", "MS" },
  { "setup-timeout", 0, 0, G_OPTION_ARG_INT, &opt_setup_timeout_ms,
      "Longest wait for the first setupComplete (default 30000)", "MS" },
  { "backend", 'b', 0, G_OPTION_ARG_STRING, &opt_backend,
      "vertex (default: transparent resumption, exact accounting) or "
      "gemini (the Gemini API: no message index)",
      "API" },
  { "verbose", 'v', 0, G_OPTION_ARG_NONE, &opt_verbose,
      "Print every reconnection", NULL },
  { NULL }
};

/* ---- the simulator, in a child process ------------------------------ */

typedef struct
{
  pid_t pid;
  FILE *to;
  FILE *from;
  guint port;
} SimProcess;

static void
sim_child (int fd)
{
  GlsSimOptions options;
  GError *error = NULL;
  GlsSim *sim;
  FILE *in = fdopen (fd, "r");
  FILE *out = fdopen (dup (fd), "w");
  gchar line[256];

  gls_sim_options_init (&options);
  sim = gls_sim_new (&options, &error);
  if (sim == NULL) {
    fprintf (out, "error %s\n", error->message);
    fflush (out);
    _exit (1);
  }
  fprintf (out, "port %u\n", gls_sim_get_port (sim));
  fflush (out);

  while (fgets (line, sizeof (line), in) != NULL) {
    guint a = 0, b = 0;
    guint64 bytes = 0;

    if (sscanf (line, "go-away %u", &a) == 1) {
      gls_sim_go_away (sim, a);
      fprintf (out, "ok\n");
    } else if (g_str_has_prefix (line, "drop")) {
      gls_sim_drop (sim);
      fprintf (out, "ok\n");
    } else if (g_str_has_prefix (line, "close")) {
      gls_sim_close (sim, 1011, "Internal error occurred.");
      fprintf (out, "ok\n");
    } else if (sscanf (line, "wait-audio %" G_GUINT64_FORMAT " %u", &bytes, &b)
        == 2) {
      fprintf (out, "%d\n",
          gls_sim_wait_received_audio (sim, (gsize)bytes, b) ? 1 : 0);
    } else if (sscanf (line, "wait-conversation %" G_GUINT64_FORMAT " %u",
                   &bytes, &b)
        == 2) {
      fprintf (out, "%d\n",
          gls_sim_wait_conversation_audio (sim, (gsize)bytes, b) ? 1 : 0);
    } else if (g_str_has_prefix (line, "conversation")) {
      GBytes *heard = gls_sim_dup_conversation_audio (sim);

      fprintf (out, "%" G_GSIZE_FORMAT "\n", g_bytes_get_size (heard));
      g_bytes_unref (heard);
    } else if (g_str_has_prefix (line, "stats")) {
      GBytes *received = gls_sim_dup_received_audio (sim);

      fprintf (out, "%u %u %" G_GSIZE_FORMAT " %u %u\n",
          gls_sim_get_connection_count (sim),
          gls_sim_get_open_connection_count (sim), g_bytes_get_size (received),
          gls_sim_get_answers_sent (sim), gls_sim_get_interrupted_count (sim));
      g_bytes_unref (received);
    } else if (g_str_has_prefix (line, "quit")) {
      break;
    } else {
      fprintf (out, "unknown\n");
    }
    fflush (out);
  }
  gls_sim_free (sim);
  fprintf (out, "bye\n");
  fflush (out);
  _exit (0);
}

static gboolean
sim_start (SimProcess *sp)
{
  int fds[2];
  gchar line[256];

  if (socketpair (AF_UNIX, SOCK_STREAM, 0, fds) != 0)
    return FALSE;
  sp->pid = fork ();
  if (sp->pid < 0)
    return FALSE;
  if (sp->pid == 0) {
    close (fds[0]);
    sim_child (fds[1]);
  }
  close (fds[1]);
  sp->to = fdopen (fds[0], "w");
  sp->from = fdopen (dup (fds[0]), "r");
  if (fgets (line, sizeof (line), sp->from) == NULL
      || sscanf (line, "port %u", &sp->port) != 1) {
    g_printerr ("simulator: %s", line);
    return FALSE;
  }
  return TRUE;
}

/* Sends one command; returns the reply line (static buffer). */
static const gchar *sim_command (SimProcess *sp, const gchar *format, ...)
    G_GNUC_PRINTF (2, 3);

static const gchar *
sim_command (SimProcess *sp, const gchar *format, ...)
{
  static gchar line[256];
  va_list args;

  va_start (args, format);
  vfprintf (sp->to, format, args);
  va_end (args);
  fputc ('\n', sp->to);
  fflush (sp->to);
  if (fgets (line, sizeof (line), sp->from) == NULL)
    return "";
  return line;
}

static void
sim_stop (SimProcess *sp)
{
  int status;

  sim_command (sp, "quit");
  fclose (sp->to);
  fclose (sp->from);
  waitpid (sp->pid, &status, 0);
}

/* ---- process metrics ------------------------------------------------ */

typedef struct
{
  glong rss_kb;
  guint threads;
  guint fds;
} Metrics;

static guint
count_dir (const gchar *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  if (dir == NULL)
    return 0;
  while (g_dir_read_name (dir) != NULL)
    n++;
  g_dir_close (dir);
  return n;
}

static Metrics
metrics_now (void)
{
  Metrics m = { 0, 0, 0 };
  gchar *status = NULL;

  malloc_trim (0);
  if (g_file_get_contents ("/proc/self/status", &status, NULL, NULL)) {
    const gchar *p = strstr (status, "VmRSS:");

    if (p != NULL)
      m.rss_kb = strtol (p + 6, NULL, 10);
    g_free (status);
  }
  m.threads = count_dir ("/proc/self/task");
  /* The GDir itself holds one fd while counting. */
  m.fds = count_dir ("/proc/self/fd") - 1;
  return m;
}

/* ---- bus ------------------------------------------------------------ */

typedef struct
{
  GMutex lock;
  GCond cond;
  guint setup_complete;
  guint reconnecting;
  guint reconnected;
  guint resumed;
  guint warnings;
  gdouble max_downtime_ms;
  gchar *error;
} BusState;

static BusState bus_state;

/* Runs in the posting thread; every message is counted and dropped, so
 * nothing piles up in the bus queue over a long run. */
static GstBusSyncReply
on_bus_message (GstBus *bus, GstMessage *msg, gpointer user_data)
{
  const GstStructure *s = gst_message_get_structure (msg);

  g_mutex_lock (&bus_state.lock);
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR && bus_state.error == NULL) {
    GError *err = NULL;
    gchar *dbg = NULL;

    gst_message_parse_error (msg, &err, &dbg);
    bus_state.error = g_strdup_printf ("%s (%s)", err->message, dbg ? dbg : "");
    g_error_free (err);
    g_free (dbg);
  } else if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_WARNING) {
    GError *err = NULL;

    gst_message_parse_warning (msg, &err, NULL);
    bus_state.warnings++;
    if (opt_verbose)
      g_print ("  warning: %s\n", err->message);
    g_error_free (err);
  } else if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ELEMENT && s != NULL) {
    if (gst_structure_has_name (s, "geminilive/setup-complete")) {
      bus_state.setup_complete++;
    } else if (gst_structure_has_name (s, "geminilive/reconnecting")) {
      bus_state.reconnecting++;
      if (opt_verbose) {
        gchar *str = gst_structure_to_string (s);

        g_print ("  %s\n", str);
        g_free (str);
      }
    } else if (gst_structure_has_name (s, "geminilive/reconnected")) {
      gboolean resumed = FALSE;
      guint64 downtime = 0;
      GstClockTime t = GST_CLOCK_TIME_NONE;

      gst_structure_get_boolean (s, "resumed", &resumed);
      /* downtime: a GstClockTime (ns) or a guint64 */
      if (gst_structure_get_uint64 (s, "downtime", &downtime)
          || gst_structure_get_clock_time (s, "downtime", &t)) {
        if (GST_CLOCK_TIME_IS_VALID (t))
          downtime = t;
        bus_state.max_downtime_ms
            = MAX (bus_state.max_downtime_ms, downtime / 1e6);
      }
      bus_state.reconnected++;
      bus_state.resumed += resumed ? 1 : 0;
      if (opt_verbose) {
        gchar *str = gst_structure_to_string (s);

        g_print ("  %s\n", str);
        g_free (str);
      }
    }
  }
  g_cond_broadcast (&bus_state.cond);
  g_mutex_unlock (&bus_state.lock);
  /* A sync handler that drops a message owns it. */
  gst_message_unref (msg);
  return GST_BUS_DROP;
}

/* Waits until *counter >= n; FALSE on timeout or on a bus ERROR. */
static gboolean
wait_count (guint *counter, guint n, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64)timeout_ms * 1000;
  gboolean ok;

  g_mutex_lock (&bus_state.lock);
  while (*counter < n && bus_state.error == NULL) {
    if (!g_cond_wait_until (&bus_state.cond, &bus_state.lock, deadline))
      break;
  }
  ok = *counter >= n && bus_state.error == NULL;
  g_mutex_unlock (&bus_state.lock);
  return ok;
}

/* ---- audio ---------------------------------------------------------- */

static guint64 samples_pushed;
static gsize output_bytes;

/* Speech-like input: 2 s of tone, then 1 s of silence (a user turn the
 * simulator answers), repeated. */
static GstBuffer *
make_buffer (guint n_samples)
{
  GstBuffer *buf = gst_buffer_new_allocate (NULL, n_samples * 2, NULL);
  GstMapInfo map;
  gint16 *s;
  guint i;

  gst_buffer_map (buf, &map, GST_MAP_WRITE);
  s = (gint16 *)map.data;
  for (i = 0; i < n_samples; i++) {
    guint64 k = samples_pushed + i;
    gboolean speech = (k % (3 * RATE)) < 2 * RATE;

    s[i] = speech ? (gint16)(6000 * sin (2 * G_PI * 440.0 * k / RATE)) : 0;
  }
  gst_buffer_unmap (buf, &map);
  GST_BUFFER_PTS (buf)
      = gst_util_uint64_scale (samples_pushed, GST_SECOND, RATE);
  GST_BUFFER_DURATION (buf)
      = gst_util_uint64_scale (n_samples, GST_SECOND, RATE);
  samples_pushed += n_samples;
  return buf;
}

static gboolean
push_audio (GstAppSrc *src, guint64 n_samples)
{
  while (n_samples > 0) {
    guint n = MIN (n_samples, RATE * BUFFER_MS / 1000);

    if (gst_app_src_push_buffer (src, make_buffer (n)) != GST_FLOW_OK)
      return FALSE;
    n_samples -= n;
  }
  return TRUE;
}

static GstPadProbeReturn
count_output (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  g_atomic_pointer_add (
      &output_bytes, gst_buffer_get_size (GST_PAD_PROBE_INFO_BUFFER (info)));
  return GST_PAD_PROBE_OK;
}

/* ---- main ----------------------------------------------------------- */

static const gchar *fault_names[] = { "goAway", "drop", "close 1011" };

static void
print_metrics (const gchar *label, const Metrics *m)
{
  g_print ("%-9s RSS %7ld kB  threads %3u  fds %3u\n", label, m->rss_kb,
      m->threads, m->fds);
}

int
main (int argc, char **argv)
{
  GOptionContext *ctx;
  GError *error = NULL;
  SimProcess sp;
  GstElement *pipeline, *sink;
  GstAppSrc *src;
  GstBus *bus;
  GstPad *pad;
  gchar *desc, *uri, *auth;
  gboolean vertex;
  Metrics start = { 0, 0, 0 }, end;
  guint64 total_samples, per_slice;
  gint64 t0;
  gboolean ok = TRUE;
  gint i;
  guint connections = 0, open_connections = 0, answers = 0, interrupted = 0;
  gsize received = 0;
  const gchar *reply;

  ctx = g_option_context_new ("- geminilive reconnection soak");
  g_option_context_add_main_entries (ctx, entries, NULL);
  /* No GStreamer option group: gst_init() must run after the fork, so
   * the child inherits no threads. */
  if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
    g_printerr ("%s\n", error->message);
    return 2;
  }
  g_option_context_free (ctx);
  if (opt_reconnects < 0 || opt_audio_seconds <= 0 || opt_warmup < 0) {
    g_printerr ("bad options\n");
    return 2;
  }
  vertex = opt_backend == NULL || g_str_equal (opt_backend, "vertex");
  if (!vertex && !g_str_equal (opt_backend, "gemini")) {
    g_printerr ("--backend: vertex or gemini\n");
    return 2;
  }
  if (opt_warmup >= opt_reconnects)
    opt_warmup = opt_reconnects > 1 ? 1 : 0;

  if (!sim_start (&sp)) {
    g_printerr ("could not start the simulator\n");
    return 1;
  }
  signal (SIGPIPE, SIG_IGN);

  gst_init (NULL, NULL);
  g_mutex_init (&bus_state.lock);
  g_cond_init (&bus_state.cond);

  if (vertex) {
    uri = g_strdup_printf ("ws://127.0.0.1:%u/ws/google.cloud.aiplatform.v1."
                           "LlmBidiService/BidiGenerateContent",
        sp.port);
    auth = g_strdup ("backend=vertex-ai vertex-project=soak "
                     "vertex-location=us-central1 access-token=soak-token "
                     "model=gemini-live-2.5-flash transparent-resumption=true");
  } else {
    uri = g_strdup_printf ("ws://127.0.0.1:%u/ws/google.ai.generativelanguage."
                           "v1.GenerativeService.BidiGenerateContent",
        sp.port);
    auth = g_strdup ("api-key=soak-key");
  }
  desc = g_strdup_printf (
      "appsrc name=src format=time block=true max-bytes=32000 "
      "caps=audio/x-raw,format=S16LE,layout=interleaved,rate=%d,channels=1 "
      "! geminilive name=g %s uri=%s reconnect=true reconnect-timeout=%d "
      "! appsink name=sink sync=false async=false max-buffers=4 drop=true",
      RATE, auth, uri, opt_reconnect_timeout_ms);
  g_free (auth);
  pipeline = gst_parse_launch (desc, &error);
  g_free (desc);
  /* A recoverable error (an unknown property, say) still returns a
   * pipeline; either way the run would not measure what it says. */
  if (pipeline == NULL || error != NULL) {
    g_printerr (
        "pipeline: %s (GST_PLUGIN_PATH?)\n", error ? error->message : "?");
    g_clear_error (&error);
    sim_stop (&sp);
    return 1;
  }
  src = GST_APP_SRC (gst_bin_get_by_name (GST_BIN (pipeline), "src"));
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  pad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, count_output, NULL, NULL);
  gst_object_unref (pad);
  bus = gst_element_get_bus (pipeline);
  gst_bus_set_sync_handler (bus, on_bus_message, NULL, NULL);

  total_samples = (guint64)(opt_audio_seconds * RATE);
  per_slice = total_samples / (opt_reconnects + 1);
  g_print ("soak: %d reconnects (goAway %d ms / drop / close 1011), %.0f s "
           "of 16 kHz audio, simulator on port %u\n",
      opt_reconnects, opt_go_away_ms, opt_audio_seconds, sp.port);

  t0 = g_get_monotonic_time ();
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  if (!wait_count (&bus_state.setup_complete, 1, opt_setup_timeout_ms)) {
    g_printerr ("FAIL: no setupComplete: %s\n",
        bus_state.error ? bus_state.error : "timeout");
    ok = FALSE;
    goto teardown;
  }
  if (opt_warmup == 0)
    start = metrics_now ();

  for (i = 0; i < opt_reconnects && ok; i++) {
    guint64 before = samples_pushed;
    const gchar *kind = fault_names[i % 3];

    if (!push_audio (src, per_slice)) {
      g_printerr ("FAIL: appsrc refused audio before fault %d\n", i + 1);
      ok = FALSE;
      break;
    }
    /* The previous reconnection must be complete before the next fault,
     * so every fault is its own reconnection. */
    if (!wait_count (
            &bus_state.reconnected, i, opt_reconnect_timeout_ms + 10000)) {
      g_printerr ("FAIL: reconnection %d (after %s) did not complete: "
                  "%s\n",
          i, fault_names[(i - 1) % 3],
          bus_state.error ? bus_state.error : "timeout");
      ok = FALSE;
      break;
    }
    if (i == opt_warmup && opt_warmup > 0)
      start = metrics_now ();
    /* Audio keeps reaching the server: everything pushed before this
     * slice has arrived (resent audio may arrive twice, never less). */
    reply = sim_command (&sp, "wait-audio %" G_GUINT64_FORMAT " %d", before * 2,
        opt_flow_timeout_ms);
    if (atoi (reply) != 1) {
      g_printerr ("FAIL: audio stopped flowing: the server did not get "
                  "%" G_GUINT64_FORMAT " bytes within %d ms (fault %d)\n",
          before * 2, opt_flow_timeout_ms, i + 1);
      ok = FALSE;
      break;
    }
    if (i % 3 == 0)
      sim_command (&sp, "go-away %d", opt_go_away_ms);
    else if (i % 3 == 1)
      sim_command (&sp, "drop");
    else
      sim_command (&sp, "close");
    if (opt_verbose || (i + 1) % 10 == 0)
      g_print ("fault %3d/%d (%s), %.0f s of audio pushed, %.1f s\n", i + 1,
          opt_reconnects, kind, (gdouble)samples_pushed / RATE,
          (g_get_monotonic_time () - t0) / 1e6);
  }

  if (ok && !push_audio (src, total_samples - samples_pushed)) {
    g_printerr ("FAIL: appsrc refused the last audio\n");
    ok = FALSE;
  }
  if (ok
      && !wait_count (&bus_state.reconnected, opt_reconnects,
          opt_reconnect_timeout_ms + 10000)) {
    g_printerr ("FAIL: the last reconnection did not complete: %s\n",
        bus_state.error ? bus_state.error : "timeout");
    ok = FALSE;
  }
  if (ok) {
    guint64 heard;

    /* Exact accounting: the conversation the resumed state holds is the
     * audio pushed, nothing missing, nothing twice. */
    sim_command (&sp, "wait-conversation %" G_GUINT64_FORMAT " %d",
        samples_pushed * 2, opt_flow_timeout_ms);
    reply = sim_command (&sp, "conversation");
    heard = g_ascii_strtoull (reply, NULL, 10);
    g_print ("conversation: the model heard %" G_GUINT64_FORMAT
             " of the %" G_GUINT64_FORMAT " bytes pushed\n",
        heard, samples_pushed * 2);
    if (heard != samples_pushed * 2) {
      g_printerr ("FAIL: %" G_GUINT64_FORMAT " bytes %s\n",
          heard < samples_pushed * 2 ? samples_pushed * 2 - heard
                                     : heard - samples_pushed * 2,
          heard < samples_pushed * 2 ? "lost" : "doubled");
      ok = FALSE;
    }
  }

teardown:
  end = metrics_now ();
  reply = sim_command (&sp, "stats");
  sscanf (reply, "%u %u %" G_GSIZE_FORMAT " %u %u", &connections,
      &open_connections, &received, &answers, &interrupted);

  g_print ("\n%.1f s wall, %.0f s of audio in (%" G_GUINT64_FORMAT
           " bytes; the server got %" G_GSIZE_FORMAT " incl. resends), "
           "%" G_GSIZE_FORMAT " bytes of model audio out\n",
      (g_get_monotonic_time () - t0) / 1e6, (gdouble)samples_pushed / RATE,
      samples_pushed * 2, received,
      (gsize)g_atomic_pointer_get (&output_bytes));
  g_print ("connections %u, reconnecting %u, reconnected %u (resumed %u), "
           "max downtime %.0f ms, warnings %u, answers %u, interrupted %u\n",
      connections, bus_state.reconnecting, bus_state.reconnected,
      bus_state.resumed, bus_state.max_downtime_ms, bus_state.warnings, answers,
      interrupted);
  print_metrics ("baseline", &start);
  print_metrics ("end", &end);
  g_print ("growth    RSS %+7ld kB  threads %+3d  fds %+3d\n",
      end.rss_kb - start.rss_kb, (gint)end.threads - (gint)start.threads,
      (gint)end.fds - (gint)start.fds);

  if (bus_state.error != NULL) {
    g_printerr ("FAIL: bus ERROR: %s\n", bus_state.error);
    ok = FALSE;
  }
  if (ok && end.rss_kb - start.rss_kb > opt_max_rss_growth_kb) {
    g_printerr ("FAIL: RSS grew by %ld kB (limit %d)\n",
        end.rss_kb - start.rss_kb, opt_max_rss_growth_kb);
    ok = FALSE;
  }
  if (ok && (gint)end.threads - (gint)start.threads > opt_max_thread_growth) {
    g_printerr (
        "FAIL: threads grew from %u to %u\n", start.threads, end.threads);
    ok = FALSE;
  }
  if (ok && (gint)end.fds - (gint)start.fds > opt_max_fd_growth) {
    g_printerr ("FAIL: fds grew from %u to %u\n", start.fds, end.fds);
    ok = FALSE;
  }

  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_bus_set_sync_handler (bus, NULL, NULL, NULL);
  gst_object_unref (bus);
  gst_object_unref (sink);
  gst_object_unref (src);
  gst_object_unref (pipeline);
  sim_stop (&sp);
  {
    Metrics after = metrics_now ();

    print_metrics ("closed", &after);
  }
  g_free (uri);
  g_free (bus_state.error);
  gst_deinit ();

  g_print ("%s\n", ok ? "PASS" : "FAIL");
  return ok ? 0 : 1;
}
