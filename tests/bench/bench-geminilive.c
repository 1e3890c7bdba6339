/* bench-geminilive: N concurrent geminilive sessions in one process.
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Runs N pipelines, each
 *
 *   audiotestsrc is-live=true ! audio/x-raw,S16LE,16000,mono
 *       ! geminilive uri=URI api-key=bench-<i> ! fakesink sync=true
 *
 * (or, with --mode baseline, the same without geminilive; with --layout
 * branches, one pipeline holding all N branches), where the tone is gated
 * on and off (2 s / 2 s by default) so the simulator's VAD ends a turn and
 * answers every cycle. Once every session has had setupComplete it waits
 * --warmup seconds (or until the CLOCK_MONOTONIC time --window-at, which
 * lines up the windows of several processes), then measures a window of
 * --seconds seconds: CPU (getrusage, all threads), resident memory, late
 * buffers at the sinks, delivered audio and, from outside the element, its
 * latencies:
 *
 *  - send: buffer arrival on sink_audio (pad probe) to the send() of the
 *    WebSocket frame that carries its last sample. send() and recv() are
 *    interposed in this executable (it is linked with --export-dynamic), and
 *    a socket is tied to its session by the x-goog-api-key header of its
 *    upgrade request;
 *  - receive: recv() of the first audio of a model turn to the first buffer
 *    pushed on src (pad probe);
 *  - interruption: recv() of "interrupted" to the last buffer of the stale
 *    turn pushed on src (0 when none is pushed after it).
 *
 * It also reports the CPU spent from before the pipelines are built until
 * every session is set up (start-up), and how many connections negotiated
 * permessage-deflate (from the upgrade responses received).
 *
 * Without --uri it starts the simulator in this process (for the smoke
 * test; its CPU is then included). Prints progress lines starting with
 * "READY", "WINDOW-START", "WINDOW-END" and finally one JSON line.
 */
#include "gls-sim.h"

#include <gst/gst.h>
#include <glib-unix.h>

#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_FD 65536
#define TAIL 16

typedef struct
{
  gint64 t;
  guint64 v;
} Ev;

enum
{
  RECV_AUDIO = 1,
  RECV_INTERRUPTED = 2,
  RECV_TURN_COMPLETE = 4,
};

typedef struct
{
  guint idx;
  GstElement *pipeline, *src, *el, *sink;
  gint on; /* gate state, streaming thread only */
  GstClockTime base_time;
  GstSegment out_segment;

  /* counters, each written by one thread */
  guint64 in_samples;   /* streaming thread of the source */
  guint64 audio_frames; /* session thread (send) */
  guint64 frames;       /* all frames since the upgrade */
  guint64 out_bytes;    /* src task */
  guint64 out_bytes_at_start;
  gint64 max_in_late, max_out_late; /* ns */
  guint discont;
  guint8 tail[TAIL]; /* end of the last recv(), session thread */
  guint tail_len;
  gint deflate; /* the upgrade response accepted permessage-deflate */

  /* bus: the posting thread (sync handler), atomics */
  gint setup_complete;
  gint turns, turns_at_start, interrupted;
  gint errors;
  guint64 dropped_at_start, rendered_at_start;

  /* events recorded inside the window */
  GArray *in_ev;   /* t, cumulative samples after this buffer */
  GArray *send_ev; /* t, audio frame index */
  GArray *recv_ev; /* t, RECV_* flags */
  GArray *out_ev;  /* t, 1 if DISCONT */
} Session;

static struct
{
  guint n;
  gdouble seconds, warmup;
  gchar *uri;
  gboolean baseline;
  guint buffer_ms, chunk_ms, on_ms, off_ms, setup_timeout_s;
  gdouble volume;
  gboolean latency;
  gboolean queue;
  gboolean check;
  gboolean branches;  /* one pipeline, N branches */
  gboolean sink_sync; /* fakesink sync */
  gdouble window_at;  /* CLOCK_MONOTONIC seconds; 0: after --warmup */
} opt = {
  .n = 1,
  .seconds = 10,
  .warmup = 2,
  .buffer_ms = 40,
  .chunk_ms = 40,
  .on_ms = 2000,
  .off_ms = 2000,
  .setup_timeout_s = 120,
  .volume = 0.5,
  .latency = TRUE,
  .sink_sync = TRUE,
};

static Session *sessions;
static GMainLoop *loop;
static gint recording;          /* atomic */
static gint fd_session[MAX_FD]; /* atomic; session index + 1 */
static gint n_ready;
static GstElement *shared_pipeline; /* --layout branches */
static gint64 t_launch, t_ready, t_start, t_end;
static struct rusage ru_build, ru_ready, ru_start, ru_end;
static gboolean failed;

/* --check: what a working run must show (for the smoke test) */
static gboolean
check_sane (guint64 dropped, guint64 min_out, guint errors, guint64 sent_in,
    guint64 sim_in, guint n_send)
{
  gboolean ok = TRUE;

#define CHECK(cond, ...)                                                       \
  if (!(cond)) {                                                               \
    g_printerr ("check failed: " __VA_ARGS__);                                 \
    g_printerr ("\n");                                                         \
    ok = FALSE;                                                                \
  }
  CHECK (errors == 0, "%u errors", errors);
  CHECK (dropped == 0, "%" G_GUINT64_FORMAT " late buffers dropped", dropped);
  if (!opt.baseline) {
    CHECK (min_out > 0, "a session received no answer audio");
    CHECK (sim_in == G_MAXUINT64 || sim_in * 10 >= sent_in * 9,
        "the simulator received %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
        " bytes",
        sim_in, sent_in);
    CHECK (!opt.latency || n_send > 0, "no send latency measured");
  }
#undef CHECK
  return ok;
}

static gint64
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void
record (GArray *a, gint64 t, guint64 v)
{
  Ev e = { t, v };

  g_array_append_val (a, e);
}

/* ---- send()/recv() interposition --------------------------------------- */

typedef ssize_t (*SendFunc) (int, const void *, size_t, int);
typedef ssize_t (*RecvFunc) (int, void *, size_t, int);

static Session *
session_of_fd (int fd)
{
  gint s;

  if (fd < 0 || fd >= MAX_FD)
    return NULL;
  s = g_atomic_int_get (&fd_session[fd]);
  return s > 0 ? &sessions[s - 1] : NULL;
}

/* A client frame: FIN+opcode, then MASK|len (126: 16-bit length). */
static gsize
frame_payload_len (const guint8 *b, size_t len)
{
  guint l;

  if (len < 2)
    return 0;
  l = b[1] & 0x7f;
  if (l == 126 && len >= 4)
    return ((gsize)b[2] << 8) | b[3];
  if (l == 127)
    return G_MAXSIZE;
  return l;
}

static void
on_send (int fd, const guint8 *b, size_t len)
{
  Session *s = session_of_fd (fd);
  gsize plen, b64;

  if (len > 4 && memcmp (b, "GET ", 4) == 0) {
    const guint8 *k = memmem (b, len, "x-goog-api-key: bench-", 22);

    if (k && sessions) {
      guint idx = (guint)strtoul ((const char *)k + 22, NULL, 10);

      if (idx < opt.n && fd < MAX_FD) {
        sessions[idx].frames = 0;
        g_atomic_int_set (&fd_session[fd], (gint)idx + 1);
      }
    }
    return;
  }
  if (!s || !opt.latency)
    return;
  /* the first frame on a connection is always the setup */
  if (s->frames++ == 0)
    return;
  /* realtimeInput audio: base64 of one chunk plus a small JSON envelope */
  plen = frame_payload_len (b, len);
  b64 = (opt.chunk_ms * 32 + 2) / 3 * 4;
  if (plen < b64 || plen > b64 + 256)
    return;
  if (g_atomic_int_get (&recording))
    record (s->send_ev, now_ns (), s->audio_frames);
  s->audio_frames++;
}

static gboolean
has_marker (Session *s, const guint8 *b, size_t len, const gchar *m)
{
  gsize ml = strlen (m);
  guint8 joint[2 * TAIL];
  gsize head = MIN (len, ml - 1);

  if (memmem (b, len, m, ml))
    return TRUE;
  /* a marker split between two reads */
  memcpy (joint, s->tail, s->tail_len);
  memcpy (joint + s->tail_len, b, head);
  return memmem (joint, s->tail_len + head, m, ml) != NULL;
}

static void
on_recv (int fd, const guint8 *b, ssize_t len)
{
  Session *s = session_of_fd (fd);
  guint flags = 0;

  if (!s || len <= 0)
    return;
  if (len > 12 && memcmp (b, "HTTP/1.1 101", 12) == 0) {
    gchar *head = g_ascii_strdown ((const gchar *)b, MIN (len, 4096));

    if (strstr (head, "sec-websocket-extensions: permessage-deflate"))
      g_atomic_int_set (&s->deflate, 1);
    g_free (head);
    return;
  }
  if (!opt.latency)
    return;
  if (g_atomic_int_get (&recording)) {
    gint64 t = now_ns ();

    if (has_marker (s, b, len, "\"inlineData\""))
      flags |= RECV_AUDIO;
    if (has_marker (s, b, len, "\"interrupted\""))
      flags |= RECV_INTERRUPTED;
    if (has_marker (s, b, len, "\"turnComplete\""))
      flags |= RECV_TURN_COMPLETE;
    if (flags)
      record (s->recv_ev, t, flags);
  }
  s->tail_len = MIN ((gsize)len, TAIL - 1);
  memcpy (s->tail, b + len - s->tail_len, s->tail_len);
}

ssize_t
send (int fd, const void *buf, size_t len, int flags)
{
  static SendFunc real;
  ssize_t r;

  if (!real)
    real = (SendFunc)dlsym (RTLD_NEXT, "send");
  on_send (fd, buf, len);
  r = real (fd, buf, len, flags);
  return r;
}

ssize_t
recv (int fd, void *buf, size_t len, int flags)
{
  static RecvFunc real;
  ssize_t r;

  if (!real)
    real = (RecvFunc)dlsym (RTLD_NEXT, "recv");
  r = real (fd, buf, len, flags);
  if (r > 0)
    on_recv (fd, buf, r);
  return r;
}

/* ---- pad probes -------------------------------------------------------- */

/* On the source: gate the tone (speech-like turns), count input. */
static GstPadProbeReturn
source_probe (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  Session *s = data;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  GstClockTime pts = GST_BUFFER_PTS (buf);
  gint on;

  if (!GST_CLOCK_TIME_IS_VALID (pts))
    return GST_PAD_PROBE_OK;
  /* the volume takes effect on the next buffer */
  pts += (GstClockTime)opt.buffer_ms * GST_MSECOND;
  on = (pts / GST_MSECOND) % (opt.on_ms + opt.off_ms) < opt.on_ms;
  if (on != s->on) {
    s->on = on;
    g_object_set (s->src, "volume", on ? opt.volume : 0.0, NULL);
  }
  return GST_PAD_PROBE_OK;
}

/* On the element's sink_audio (or the sink, in the baseline). */
static GstPadProbeReturn
input_probe (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  Session *s = data;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  gint64 t = now_ns (), late;

  s->in_samples += gst_buffer_get_size (buf) / 2;
  if (!g_atomic_int_get (&recording))
    return GST_PAD_PROBE_OK;
  if (opt.latency)
    record (s->in_ev, t, s->in_samples);
  if (s->base_time == 0)
    s->base_time = gst_element_get_base_time (s->pipeline);
  /* how late the source delivers, against the end of the buffer */
  late = t
      - (gint64)(s->base_time + GST_BUFFER_PTS (buf)
          + GST_BUFFER_DURATION (buf));
  if (late > s->max_in_late)
    s->max_in_late = late;
  return GST_PAD_PROBE_OK;
}

/* On the element's src. */
static GstPadProbeReturn
output_probe (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  Session *s = data;
  gint64 t = now_ns (), late;
  GstBuffer *buf;
  guint64 rt;

  if (info->type & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM) {
    GstEvent *ev = GST_PAD_PROBE_INFO_EVENT (info);

    if (GST_EVENT_TYPE (ev) == GST_EVENT_SEGMENT)
      gst_event_copy_segment (ev, &s->out_segment);
    return GST_PAD_PROBE_OK;
  }
  buf = GST_PAD_PROBE_INFO_BUFFER (info);
  s->out_bytes += gst_buffer_get_size (buf);
  if (!g_atomic_int_get (&recording))
    return GST_PAD_PROBE_OK;
  if (GST_BUFFER_IS_DISCONT (buf))
    s->discont++;
  if (opt.latency)
    record (s->out_ev, t, GST_BUFFER_IS_DISCONT (buf) ? 1 : 0);
  if (s->base_time == 0)
    s->base_time = gst_element_get_base_time (s->pipeline);
  rt = gst_segment_to_running_time (
      &s->out_segment, GST_FORMAT_TIME, GST_BUFFER_PTS (buf));
  if (rt != GST_CLOCK_TIME_NONE) {
    late = t - (gint64)(s->base_time + rt);
    if (late > s->max_out_late)
      s->max_out_late = late;
  }
  return GST_PAD_PROBE_OK;
}

/* ---- statistics -------------------------------------------------------- */

static gdouble
ru_cpu (const struct rusage *ru)
{
  return ru->ru_utime.tv_sec + ru->ru_utime.tv_usec / 1e6 + ru->ru_stime.tv_sec
      + ru->ru_stime.tv_usec / 1e6;
}

static gint
cmp_i64 (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *)a, y = *(const gint64 *)b;

  return x < y ? -1 : x > y;
}

static void
print_dist (GString *out, const gchar *name, GArray *v)
{
  gint64 *d = (gint64 *)v->data;
  guint n = v->len;

  g_array_sort (v, cmp_i64);
  if (n == 0) {
    g_string_append_printf (out, "\"%s\": {\"n\": 0}", name);
    return;
  }
  g_string_append_printf (out,
      "\"%s\": {\"n\": %u, \"p50_us\": %.1f, \"p99_us\": %.1f, "
      "\"max_us\": %.1f}",
      name, n, d[n / 2] / 1e3, d[MIN (n - 1, (guint)ceil (n * 0.99) - 1)] / 1e3,
      d[n - 1] / 1e3);
}

/* send: for audio frame k, the input buffer that completed its chunk is
 * the first whose cumulative sample count reaches (k + 1) * chunk. */
static void
collect_send (Session *s, GArray *out)
{
  guint64 chunk = (guint64)opt.chunk_ms * 16;
  guint j = 0;

  for (guint i = 0; i < s->send_ev->len; i++) {
    Ev *se = &g_array_index (s->send_ev, Ev, i);
    guint64 need = (se->v + 1) * chunk;

    while (j < s->in_ev->len && g_array_index (s->in_ev, Ev, j).v < need)
      j++;
    if (j == s->in_ev->len)
      break;
    {
      Ev *ie = &g_array_index (s->in_ev, Ev, j);
      gint64 d = se->t - ie->t;

      /* the completing buffer must be one recorded (inside the window) */
      if (need <= ie->v - (guint64)opt.buffer_ms * 16)
        continue;
      g_array_append_val (out, d);
    }
  }
}

/* receive (first buffer of a turn) and interruption */
static void
collect_recv (Session *s, GArray *first, GArray *intr, guint *stale)
{
  /* A turn under way when the window opened is not measured: its audio
   * received in the window is a later chunk, held on purpose until its
   * time, not the first of a turn. Turns count from the first end. */
  gboolean idle = FALSE;
  guint o = 0;

  for (guint i = 0; i < s->recv_ev->len; i++) {
    Ev *r = &g_array_index (s->recv_ev, Ev, i);

    if ((r->v & RECV_AUDIO) && idle && !(r->v & RECV_INTERRUPTED)) {
      idle = FALSE;
      while (o < s->out_ev->len && g_array_index (s->out_ev, Ev, o).t < r->t)
        o++;
      if (o < s->out_ev->len) {
        gint64 d = g_array_index (s->out_ev, Ev, o).t - r->t;

        g_array_append_val (first, d);
      }
    }
    if (r->v & RECV_INTERRUPTED) {
      gint64 last = r->t;
      gint64 next_turn = G_MAXINT64;

      /* stale: pushed after the interruption, before the next turn's
       * first (DISCONT) buffer or the next audio received */
      for (guint k = i + 1; k < s->recv_ev->len; k++)
        if (g_array_index (s->recv_ev, Ev, k).v & RECV_AUDIO) {
          next_turn = g_array_index (s->recv_ev, Ev, k).t;
          break;
        }
      for (guint k = 0; k < s->out_ev->len; k++) {
        Ev *b = &g_array_index (s->out_ev, Ev, k);

        if (b->t < r->t)
          continue;
        if (b->v || b->t >= next_turn)
          break;
        last = b->t;
        (*stale)++;
      }
      {
        gint64 d = last - r->t;

        g_array_append_val (intr, d);
      }
    }
    if (r->v & (RECV_TURN_COMPLETE | RECV_INTERRUPTED))
      idle = TRUE;
  }
}

static guint64
sink_stat (Session *s, const gchar *field)
{
  GstStructure *st = NULL;
  guint64 v = 0;

  g_object_get (s->sink, "stats", &st, NULL);
  if (st) {
    gst_structure_get_uint64 (st, field, &v);
    gst_structure_free (st);
  }
  return v;
}

static glong
status_kb (const gchar *field)
{
  gchar *text = NULL, *p;
  glong v = -1;

  if (!g_file_get_contents ("/proc/self/status", &text, NULL, NULL))
    return -1;
  p = strstr (text, field);
  if (p)
    v = strtol (p + strlen (field) + 1, NULL, 10);
  g_free (text);
  return v;
}

static guint64
sim_audio_bytes (GlsSim *sim)
{
  GBytes *audio = gls_sim_dup_received_audio (sim);
  guint64 n = g_bytes_get_size (audio);

  g_bytes_unref (audio);
  return n;
}

static void
report (GlsSim *sim, glong rss_kb, glong hwm_kb)
{
  GString *j = g_string_new ("{");
  GArray *lat_send = g_array_new (FALSE, FALSE, sizeof (gint64));
  GArray *lat_recv = g_array_new (FALSE, FALSE, sizeof (gint64));
  GArray *lat_intr = g_array_new (FALSE, FALSE, sizeof (gint64));
  gdouble cpu_start = ru_cpu (&ru_start), cpu_end = ru_cpu (&ru_end);
  guint deflate = 0;
  guint64 dropped = 0, rendered = 0, in_samples = 0, out_bytes = 0;
  guint64 min_out = G_MAXUINT64;
  guint turns = 0, min_turns = G_MAXUINT, discont = 0, errors = 0, stale = 0;
  guint interrupted = 0;
  gint64 max_in_late = 0, max_out_late = 0;

  for (guint i = 0; i < opt.n; i++) {
    Session *s = &sessions[i];
    guint64 ob = s->out_bytes - s->out_bytes_at_start;

    dropped += sink_stat (s, "dropped") - s->dropped_at_start;
    rendered += sink_stat (s, "rendered") - s->rendered_at_start;
    in_samples += s->in_samples;
    out_bytes += ob;
    min_out = MIN (min_out, ob);
    {
      guint t = (guint)(g_atomic_int_get (&s->turns) - s->turns_at_start);

      turns += t;
      min_turns = MIN (min_turns, t);
    }
    discont += s->discont;
    errors += g_atomic_int_get (&s->errors);
    deflate += g_atomic_int_get (&s->deflate);
    interrupted += g_atomic_int_get (&s->interrupted);
    max_in_late = MAX (max_in_late, s->max_in_late);
    max_out_late = MAX (max_out_late, s->max_out_late);
    if (opt.latency && !opt.baseline) {
      collect_send (s, lat_send);
      collect_recv (s, lat_recv, lat_intr, &stale);
    }
  }
  g_string_append_printf (j,
      "\"contender\": \"%s\", \"sessions\": %u, \"window_s\": %.3f, "
      "\"cpu_s\": %.4f, \"cpu_total_s\": %.4f, \"rss_kb\": %ld, "
      "\"hwm_kb\": %ld, \"setup_s\": %.3f, \"sim_in_process\": %s, "
      "\"sink_rendered\": %" G_GUINT64_FORMAT ", "
      "\"sink_dropped\": %" G_GUINT64_FORMAT ", "
      "\"max_input_late_ms\": %.2f, \"max_output_late_ms\": %.2f, "
      "\"input_bytes_total\": %" G_GUINT64_FORMAT ", "
      "\"output_bytes\": %" G_GUINT64_FORMAT ", "
      "\"min_session_output_bytes\": %" G_GUINT64_FORMAT ", "
      "\"turns\": %u, \"min_session_turns\": %u, \"interrupted\": %u, "
      "\"output_discont\": %u, \"stale_buffers\": %u, \"errors\": %u, "
      "\"startup_cpu_s\": %.4f, \"ready_cpu_total_s\": %.4f, "
      "\"deflate_sessions\": %u, \"layout\": \"%s\", "
      "\"window_late_s\": %.3f",
      opt.baseline ? "baseline" : "geminilive", opt.n, (t_end - t_start) / 1e9,
      cpu_end - cpu_start, cpu_end, rss_kb, hwm_kb, (t_ready - t_launch) / 1e9,
      sim ? "true" : "false", rendered, dropped, max_in_late / 1e6,
      max_out_late / 1e6, in_samples * 2, out_bytes,
      min_out == G_MAXUINT64 ? 0 : min_out, turns,
      min_turns == G_MAXUINT ? 0 : min_turns, interrupted, discont, stale,
      errors, ru_cpu (&ru_ready) - ru_cpu (&ru_build), ru_cpu (&ru_ready),
      deflate, opt.branches ? "branches" : "pipelines",
      opt.window_at > 0 ? t_start / 1e9 - opt.window_at : 0.0);
  if (g_getenv ("BENCH_DUMP") && opt.latency && !opt.baseline) {
    Session *s = &sessions[0];

    for (guint i = 0; i < s->recv_ev->len; i++)
      g_printerr ("recv %.6f %" G_GUINT64_FORMAT "\n",
          g_array_index (s->recv_ev, Ev, i).t / 1e9,
          g_array_index (s->recv_ev, Ev, i).v);
    for (guint i = 0; i < s->out_ev->len; i++)
      g_printerr ("out %.6f %" G_GUINT64_FORMAT "\n",
          g_array_index (s->out_ev, Ev, i).t / 1e9,
          g_array_index (s->out_ev, Ev, i).v);
  }
  if (opt.latency && !opt.baseline) {
    g_string_append (j, ", ");
    print_dist (j, "latency_send", lat_send);
    g_string_append (j, ", ");
    print_dist (j, "latency_receive", lat_recv);
    g_string_append (j, ", ");
    print_dist (j, "latency_interruption", lat_intr);
  }
  if (opt.check
      && !check_sane (dropped, min_out == G_MAXUINT64 ? 0 : min_out, errors,
          in_samples * 2, sim ? sim_audio_bytes (sim) : G_MAXUINT64,
          lat_send->len))
    failed = TRUE;
  if (sim) {
    GBytes *audio = gls_sim_dup_received_audio (sim);

    g_string_append_printf (j,
        ", \"sim\": {\"connections\": %u, \"received_audio_bytes\": "
        "%" G_GSIZE_FORMAT ", \"answers_sent\": %u, \"interrupted\": %u}",
        gls_sim_get_connection_count (sim), g_bytes_get_size (audio),
        gls_sim_get_answers_sent (sim), gls_sim_get_interrupted_count (sim));
    g_bytes_unref (audio);
  }
  g_string_append (j, "}");
  printf ("%s\n", j->str);
  fflush (stdout);
  g_string_free (j, TRUE);
  g_array_unref (lat_send);
  g_array_unref (lat_recv);
  g_array_unref (lat_intr);
}

/* ---- control ----------------------------------------------------------- */

static gboolean
window_end (gpointer data)
{
  t_end = now_ns ();
  getrusage (RUSAGE_SELF, &ru_end);
  g_atomic_int_set (&recording, 0);
  printf ("WINDOW-END %.3f\n", t_end / 1e9);
  fflush (stdout);
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

static gboolean
window_start (gpointer data)
{
  for (guint i = 0; i < opt.n; i++) {
    Session *s = &sessions[i];

    s->dropped_at_start = sink_stat (s, "dropped");
    s->rendered_at_start = sink_stat (s, "rendered");
    s->turns_at_start = g_atomic_int_get (&s->turns);
    s->out_bytes_at_start = s->out_bytes;
  }
  t_start = now_ns ();
  getrusage (RUSAGE_SELF, &ru_start);
  g_atomic_int_set (&recording, 1);
  printf ("WINDOW-START %.3f\n", t_start / 1e9);
  fflush (stdout);
  g_timeout_add ((guint)(opt.seconds * 1000), window_end, NULL);
  return G_SOURCE_REMOVE;
}

/* Any thread (the bus sync handler, or the main thread in baseline). */
static void
session_ready (void)
{
  if ((guint)g_atomic_int_add (&n_ready, 1) + 1 < opt.n)
    return;
  getrusage (RUSAGE_SELF, &ru_ready);
  t_ready = now_ns ();
  printf ("READY %.3f sessions=%u\n", t_ready / 1e9, opt.n);
  fflush (stdout);
  if (opt.window_at > 0) {
    gint64 wait = (gint64)(opt.window_at * 1e9) - t_ready;

    g_timeout_add (wait > 0 ? (guint)(wait / 1000000) : 0, window_start, NULL);
  } else {
    g_timeout_add ((guint)(opt.warmup * 1000), window_start, NULL);
  }
}

static gboolean
setup_timeout (gpointer data)
{
  if ((guint)g_atomic_int_get (&n_ready) < opt.n) {
    g_printerr ("only %d of %u sessions set up after %u s\n",
        g_atomic_int_get (&n_ready), opt.n, opt.setup_timeout_s);
    failed = TRUE;
    g_main_loop_quit (loop);
  }
  return G_SOURCE_REMOVE;
}

/* A sync handler: messages are counted in the thread that posts them, as
 * the SDK's callbacks run in its one thread. A bus watch per pipeline
 * would make the main loop poll N bus descriptors per message, a cost of
 * this program (it grew to 10 % of the process at N = 500), not of the
 * element. */
static Session *
session_of_message (GstMessage *msg)
{
  for (GstObject *o = GST_MESSAGE_SRC (msg); o; o = GST_OBJECT_PARENT (o)) {
    Session *s = g_object_get_data (G_OBJECT (o), "bench-session");

    if (s)
      return s;
  }
  return NULL;
}

static GstBusSyncReply
on_bus (GstBus *bus, GstMessage *msg, gpointer data)
{
  Session *s = data;

  if (!s && !(s = session_of_message (msg))) {
    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
      g_printerr ("error from %s\n", GST_MESSAGE_SRC_NAME (msg));
      failed = TRUE;
    }
    return GST_BUS_DROP;
  }
  switch (GST_MESSAGE_TYPE (msg)) {
    case GST_MESSAGE_ERROR: {
      GError *err = NULL;

      gst_message_parse_error (msg, &err, NULL);
      g_printerr ("session %u: error: %s\n", s->idx, err->message);
      g_error_free (err);
      g_atomic_int_inc (&s->errors);
      failed = TRUE;
      break;
    }
    case GST_MESSAGE_ELEMENT: {
      const gchar *name
          = gst_structure_get_name (gst_message_get_structure (msg));

      if (!g_str_has_prefix (name, "geminilive/"))
        break;
      name += strlen ("geminilive/");
      if (!strcmp (name, "setup-complete")) {
        if (g_atomic_int_compare_and_exchange (&s->setup_complete, 0, 1))
          session_ready ();
      } else if (!strcmp (name, "turn-complete"))
        g_atomic_int_inc (&s->turns);
      else if (!strcmp (name, "interrupted"))
        g_atomic_int_inc (&s->interrupted);
      break;
    }
    default:
      break;
  }
  return GST_BUS_DROP;
}

static gboolean
on_signal (gpointer data)
{
  failed = TRUE;
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

static gboolean
build_session (Session *s, guint idx)
{
  GstElement *caps, *last;
  GstCaps *c;
  GstPad *pad;
  gchar *key;
  GstBus *bus;

  s->idx = idx;
  s->on = -1;
  gst_segment_init (&s->out_segment, GST_FORMAT_TIME);
  s->in_ev = g_array_new (FALSE, FALSE, sizeof (Ev));
  s->send_ev = g_array_new (FALSE, FALSE, sizeof (Ev));
  s->recv_ev = g_array_new (FALSE, FALSE, sizeof (Ev));
  s->out_ev = g_array_new (FALSE, FALSE, sizeof (Ev));
  s->pipeline = opt.branches ? shared_pipeline : gst_pipeline_new (NULL);
  s->src = gst_element_factory_make ("audiotestsrc", NULL);
  caps = gst_element_factory_make ("capsfilter", NULL);
  s->sink = gst_element_factory_make ("fakesink", NULL);
  if (!s->src || !caps || !s->sink)
    return FALSE;
  g_object_set (s->src, "is-live", TRUE, "wave", 0 /* sine */, "freq", 440.0,
      "volume", opt.volume, "samplesperbuffer", opt.buffer_ms * 16, NULL);
  c = gst_caps_from_string ("audio/x-raw,format=S16LE,layout=interleaved,"
                            "rate=16000,channels=1");
  g_object_set (caps, "caps", c, NULL);
  gst_caps_unref (c);
  /* late means more than 20 ms behind, as an audio sink would count it */
  g_object_set (s->sink, "sync", opt.sink_sync, "max-lateness",
      (gint64)(20 * GST_MSECOND), "qos", TRUE, NULL);
  gst_bin_add_many (GST_BIN (s->pipeline), s->src, caps, s->sink, NULL);
  last = s->sink;
  if (opt.queue) {
    /* decouples the element's src task from the sink's clock wait */
    last = gst_element_factory_make ("queue", NULL);
    gst_bin_add (GST_BIN (s->pipeline), last);
    if (!gst_element_link (last, s->sink))
      return FALSE;
  }
  if (opt.baseline) {
    if (!gst_element_link_many (s->src, caps, last, NULL))
      return FALSE;
    pad = gst_element_get_static_pad (s->sink, "sink");
    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, input_probe, s, NULL);
    gst_object_unref (pad);
  } else {
    s->el = gst_element_factory_make ("geminilive", NULL);
    if (!s->el)
      return FALSE;
    key = g_strdup_printf ("bench-%u", idx);
    g_object_set (s->el, "uri", opt.uri, "api-key", key, "chunk-duration",
        opt.chunk_ms, NULL);
    g_free (key);
    gst_bin_add (GST_BIN (s->pipeline), s->el);
    if (!gst_element_link_many (s->src, caps, s->el, last, NULL))
      return FALSE;
    pad = gst_element_get_static_pad (s->el, "sink_audio");
    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, input_probe, s, NULL);
    gst_object_unref (pad);
    pad = gst_element_get_static_pad (s->el, "src");
    gst_pad_add_probe (pad,
        GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
        output_probe, s, NULL);
    gst_object_unref (pad);
  }
  pad = gst_element_get_static_pad (s->src, "src");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, source_probe, s, NULL);
  gst_object_unref (pad);
  g_object_set_data (G_OBJECT (s->src), "bench-session", s);
  g_object_set_data (G_OBJECT (s->sink), "bench-session", s);
  if (s->el)
    g_object_set_data (G_OBJECT (s->el), "bench-session", s);
  if (!opt.branches) {
    bus = gst_pipeline_get_bus (GST_PIPELINE (s->pipeline));
    gst_bus_set_sync_handler (bus, on_bus, s, NULL);
    gst_object_unref (bus);
  }
  return TRUE;
}

static guint started;
static gboolean start_failed;

/* Starts the next session; hundreds connecting in the same instant time
 * out against one simulator (and would against a real server's limits). */
static gboolean
start_next (gpointer data)
{
  guint i = started++;

  if (opt.branches) {
    /* as gst-launch starts a pipeline of N branches: all at once */
    if (gst_element_set_state (shared_pipeline, GST_STATE_PLAYING)
        == GST_STATE_CHANGE_FAILURE) {
      g_printerr ("the pipeline cannot start\n");
      start_failed = TRUE;
      g_main_loop_quit (loop);
      return G_SOURCE_REMOVE;
    }
    if (opt.baseline)
      for (guint k = 0; k < opt.n; k++)
        session_ready ();
    return G_SOURCE_REMOVE;
  }
  if (gst_element_set_state (sessions[i].pipeline, GST_STATE_PLAYING)
      == GST_STATE_CHANGE_FAILURE) {
    g_printerr ("session %u cannot start\n", i);
    start_failed = TRUE;
    g_main_loop_quit (loop);
    return G_SOURCE_REMOVE;
  }
  if (opt.baseline)
    session_ready ();
  return started < opt.n ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

int
main (int argc, char **argv)
{
  GError *error = NULL;
  GOptionContext *ctx;
  gchar *mode = NULL, *layout = NULL;
  gboolean no_sink_sync = FALSE;
  gint n = 1, chunk = 40, buffer = 20, on = 2000, off = 2000;
  gint setup_timeout_s = 120, ramp_ms = 0;
  gboolean no_latency = FALSE;
  GlsSim *sim = NULL;
  glong rss_kb, hwm_kb;
  gint64 t0, t1;
  GOptionEntry entries[] = {
    { "sessions", 'n', 0, G_OPTION_ARG_INT, &n, "Concurrent sessions", "N" },
    { "seconds", 't', 0, G_OPTION_ARG_DOUBLE, &opt.seconds,
        "Measured window, in seconds of audio", "S" },
    { "warmup", 0, 0, G_OPTION_ARG_DOUBLE, &opt.warmup,
        "Seconds between all sessions set up and the window", "S" },
    { "uri", 0, 0, G_OPTION_ARG_STRING, &opt.uri,
        "Simulator endpoint (default: start one in this process)", "URI" },
    { "mode", 0, 0, G_OPTION_ARG_STRING, &mode,
        "geminilive (default) or baseline (source and sink alone)", "M" },
    { "layout", 0, 0, G_OPTION_ARG_STRING, &layout,
        "pipelines (default: one pipeline per session) or branches (one "
        "pipeline of N branches, started at once)",
        "L" },
    { "window-at", 0, 0, G_OPTION_ARG_DOUBLE, &opt.window_at,
        "Start the window at this CLOCK_MONOTONIC time in seconds (or as "
        "soon as every session is set up, if later) instead of --warmup "
        "after set-up",
        "T" },
    { "no-sink-sync", 0, 0, G_OPTION_ARG_NONE, &no_sink_sync,
        "fakesink sync=false", NULL },
    { "chunk-ms", 0, 0, G_OPTION_ARG_INT, &chunk, "geminilive chunk-duration",
        "MS" },
    { "buffer-ms", 0, 0, G_OPTION_ARG_INT, &buffer, "Source buffer duration",
        "MS" },
    { "on-ms", 0, 0, G_OPTION_ARG_INT, &on, "Tone on (speech)", "MS" },
    { "off-ms", 0, 0, G_OPTION_ARG_INT, &off, "Tone off (silence)", "MS" },
    { "setup-timeout", 0, 0, G_OPTION_ARG_INT, &setup_timeout_s,
        "Give up if not every session is set up by then", "S" },
    { "ramp-ms", 0, 0, G_OPTION_ARG_INT, &ramp_ms,
        "Start one session every MS (0: all at once)", "MS" },
    { "sink-queue", 0, 0, G_OPTION_ARG_NONE, &opt.queue,
        "Put a queue before fakesink", NULL },
    { "check", 0, 0, G_OPTION_ARG_NONE, &opt.check,
        "Exit 1 unless the run is sane (no errors, no late buffer, audio "
        "delivered both ways)",
        NULL },
    { "no-latency", 0, 0, G_OPTION_ARG_NONE, &no_latency,
        "Do not record latency events", NULL },
    { NULL },
  };

  ctx = g_option_context_new ("- N concurrent geminilive sessions");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
    g_printerr ("%s\n", error->message);
    return 2;
  }
  g_option_context_free (ctx);
  if (n < 1 || chunk < 20 || chunk > 100 || buffer < 1 || on < 1 || off < 0
      || opt.seconds <= 0 || opt.warmup < 0 || setup_timeout_s < 1
      || ramp_ms < 0) {
    g_printerr ("invalid option value\n");
    return 2;
  }
  opt.n = n;
  opt.chunk_ms = chunk;
  opt.buffer_ms = buffer;
  opt.on_ms = on;
  opt.off_ms = off;
  opt.setup_timeout_s = setup_timeout_s;
  opt.latency = !no_latency;
  opt.baseline = mode && !strcmp (mode, "baseline");
  if (mode && !opt.baseline && strcmp (mode, "geminilive")) {
    g_printerr ("unknown mode %s\n", mode);
    return 2;
  }
  opt.branches = layout && !strcmp (layout, "branches");
  if (layout && !opt.branches && strcmp (layout, "pipelines")) {
    g_printerr ("unknown layout %s\n", layout);
    return 2;
  }
  opt.sink_sync = !no_sink_sync;
  if (!opt.uri && !opt.baseline) {
    GlsSimOptions so;

    gls_sim_options_init (&so);
    sim = gls_sim_new (&so, &error);
    if (!sim) {
      g_printerr ("cannot start the simulator: %s\n", error->message);
      return 1;
    }
    opt.uri = gls_sim_get_uri (sim, "v1");
  }

  getrusage (RUSAGE_SELF, &ru_build);
  sessions = g_new0 (Session, opt.n);
  if (opt.branches) {
    GstBus *bus;

    shared_pipeline = gst_pipeline_new (NULL);
    bus = gst_pipeline_get_bus (GST_PIPELINE (shared_pipeline));
    gst_bus_set_sync_handler (bus, on_bus, NULL, NULL);
    gst_object_unref (bus);
  }
  for (guint i = 0; i < opt.n; i++)
    if (!build_session (&sessions[i], i)) {
      g_printerr ("cannot build pipeline %u (is geminilive on "
                  "GST_PLUGIN_PATH?)\n",
          i);
      return 1;
    }
  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, on_signal, NULL);
  g_unix_signal_add (SIGTERM, on_signal, NULL);
  g_timeout_add_seconds (opt.setup_timeout_s, setup_timeout, NULL);
  t_launch = t0 = now_ns ();
  if (ramp_ms == 0) {
    while (start_next (NULL))
      ;
  } else if (start_next (NULL)) {
    g_timeout_add (ramp_ms, start_next, NULL);
  }
  g_main_loop_run (loop);
  if (start_failed)
    return 1;

  rss_kb = status_kb ("VmRSS:");
  hwm_kb = status_kb ("VmHWM:");
  /* let any probe that saw recording set finish before reading */
  g_usleep (100000);
  if (t_end > 0)
    report (sim, rss_kb, hwm_kb);
  t1 = now_ns ();
  if (opt.branches)
    gst_element_set_state (shared_pipeline, GST_STATE_NULL);
  else
    for (guint i = 0; i < opt.n; i++)
      gst_element_set_state (sessions[i].pipeline, GST_STATE_NULL);
  g_printerr ("setup+run %.2f s, teardown %.2f s\n", (t1 - t0) / 1e9,
      (now_ns () - t1) / 1e9);
  /* The in-process simulator's proxy calls send() too, forwarding the
   * element's requests, so its sockets map to sessions as well: stop its
   * thread before the sessions go away. */
  if (sim) {
    g_free (opt.uri);
    gls_sim_free (sim);
  }
  for (guint i = 0; i < opt.n; i++) {
    if (!opt.branches)
      gst_object_unref (sessions[i].pipeline);
    g_array_unref (sessions[i].in_ev);
    g_array_unref (sessions[i].send_ev);
    g_array_unref (sessions[i].recv_ev);
    g_array_unref (sessions[i].out_ev);
  }
  g_clear_object (&shared_pipeline);
  g_free (sessions);
  sessions = NULL;
  g_main_loop_unref (loop);
  return failed || t_end == 0 ? 1 : 0;
}
