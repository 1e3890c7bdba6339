/* gst-gemini-live: every conversation ends, promptly and cleanly.
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * End of stream after silence, after an answer that comes late or never,
 * during a reconnection, a pending tool call or a manual activity; a stop
 * from inside each kind of callback; connection attempts that stall; a
 * server that keeps closing; a refused resumption handle. Time is the
 * harness's test clock, advanced wait by wait.
 */
#include <gst/check/gsttestclock.h>
#include <math.h>
#include <string.h>

#include "fixture.h"

#define ANSWER_BYTES (1200 * 24 * 2) /* the simulator's answer, 1200 ms */

/* Input the element takes for speech (about -39 dBFS, above its -45 dB
 * activity threshold) but the simulator's VAD does not, so that the
 * model owes an answer it never starts by itself. */
static GBytes *
make_murmur (guint ms)
{
  return make_tone (ms, 500);
}

static GstClockTime
clock_now (Fixture *f)
{
  GstTestClock *clock = gst_harness_get_testclock (f->out);
  GstClockTime now = gst_clock_get_time (GST_CLOCK (clock));

  gst_object_unref (clock);
  return now;
}

/* Pulls from src, advancing the test clock to each wait the element
 * makes, until EOS, or until the next wait would take the clock past
 * `until` (GST_CLOCK_TIME_NONE: no limit). Adds the audio that came out
 * to *audio. Returns whether EOS came, and when (clock time). */
static gboolean
drain_src (Fixture *f, GstClockTime until, gsize *audio, GstClockTime *eos_at)
{
  GstTestClock *clock = gst_harness_get_testclock (f->out);
  gint64 deadline = g_get_monotonic_time () + WAIT_MS * 1000;
  gboolean eos = FALSE;

  while (!eos) {
    GstBuffer *buf;
    GstEvent *event;
    GstClockID id;

    fail_unless (g_get_monotonic_time () < deadline, "src never ended");
    while ((buf = gst_harness_try_pull (f->out)) != NULL) {
      if (audio != NULL)
        *audio += gst_buffer_get_size (buf);
      gst_buffer_unref (buf);
    }
    while ((event = gst_harness_try_pull_event (f->out)) != NULL) {
      if (GST_EVENT_TYPE (event) == GST_EVENT_EOS) {
        eos = TRUE;
        if (eos_at != NULL)
          *eos_at = gst_clock_get_time (GST_CLOCK (clock));
      }
      gst_event_unref (event);
    }
    if (eos
        || !gst_test_clock_timed_wait_for_multiple_pending_ids (
            clock, 1, 20, NULL))
      continue;
    if (gst_test_clock_peek_next_pending_id (clock, &id)) {
      GstClockTime next = gst_clock_id_get_time (id);

      gst_clock_id_unref (id);
      if (GST_CLOCK_TIME_IS_VALID (until) && next > until)
        break;
    }
    gst_harness_crank_single_clock_wait (f->out);
  }
  gst_object_unref (clock);
  return eos;
}

static void
push_eos (Fixture *f)
{
  fail_unless (gst_harness_push_event (f->in, gst_event_new_eos ()));
}

static void
start (Fixture *f)
{
  gst_harness_play (f->out);
  gst_message_unref (wait_message (f, "geminilive/setup-complete"));
}

/* ---- end of stream ----------------------------------------------------- */

/* Nothing said since the last answer: src ends as soon as input does,
 * without waiting for an answer (gst-launch-1.0 -e and Ctrl-C). */
GST_START_TEST (test_eos_after_silence_ends_src_at_once)
{
  Fixture f;
  GstClockTime t0;

  fixture_setup (&f, "eos-timeout", 60000, NULL);
  start (&f);
  push_bytes (&f, make_tone (400, 0));
  t0 = clock_now (&f);
  push_eos (&f);
  fail_unless (gls_sim_wait_message_kind (f.sim, "audioStreamEnd", WAIT_MS));
  /* Within a second of running time, far from the 60 s timeout. */
  fail_unless (drain_src (&f, t0 + GST_SECOND, NULL, NULL),
      "src did not end with the input");
  fixture_teardown (&f);
}

GST_END_TEST;

/* Speech the model never answers: src ends once it has been silent for
 * eos-timeout after the end of input, not before. */
GST_START_TEST (test_eos_when_no_answer_comes)
{
  Fixture f;
  GstClockTime t0, eos_at = 0;

  fixture_setup (&f, "eos-timeout", 2000, NULL);
  start (&f);
  push_bytes (&f, make_murmur (800));
  t0 = clock_now (&f);
  push_eos (&f);
  fail_unless (gls_sim_wait_message_kind (f.sim, "audioStreamEnd", WAIT_MS));
  fail_if (drain_src (&f, t0 + 1900 * GST_MSECOND, NULL, NULL),
      "src ended before eos-timeout");
  fail_unless (drain_src (&f, GST_CLOCK_TIME_NONE, NULL, &eos_at));
  fail_unless (eos_at >= t0 + 2 * GST_SECOND, "EOS at %" GST_TIME_FORMAT,
      GST_TIME_ARGS (eos_at));
  fail_unless (eos_at <= t0 + 3 * GST_SECOND, "EOS at %" GST_TIME_FORMAT,
      GST_TIME_ARGS (eos_at));
  fail_unless_equals_int (gls_sim_get_answers_sent (f.sim), 0);
  fixture_teardown (&f);
}

GST_END_TEST;

/* An answer that starts 1.5 s after the end of input is written whole,
 * and src ends after it. */
GST_START_TEST (test_late_answer_is_written_whole)
{
  Fixture f;
  GstClockTime t0;
  gsize audio = 0;

  fixture_setup (&f, "eos-timeout", 5000, NULL);
  start (&f);
  push_bytes (&f, make_murmur (800));
  t0 = clock_now (&f);
  push_eos (&f);
  fail_unless (gls_sim_wait_message_kind (f.sim, "audioStreamEnd", WAIT_MS));
  fail_if (drain_src (&f, t0 + 1500 * GST_MSECOND, &audio, NULL));
  fail_unless_equals_int (audio, 0);
  gls_sim_trigger_answer (f.sim);
  gst_message_unref (wait_message (&f, "geminilive/generation-complete"));
  fail_unless (drain_src (&f, GST_CLOCK_TIME_NONE, &audio, NULL));
  fail_unless_equals_int (audio, ANSWER_BYTES);
  fixture_teardown (&f);
}

GST_END_TEST;

/* EOS during an outage: no timeout runs while no connection carries the
 * conversation; once one does, the answer comes whole, then EOS. */
GST_START_TEST (test_eos_while_reconnecting)
{
  Fixture f;
  GstClockTime t0;
  gsize audio = 0;

  fixture_setup (&f, "eos-timeout", 1000, NULL);
  gst_harness_play (f.out);
  gst_message_unref (wait_message (&f, "geminilive/session-resumption-update"));
  push_bytes (&f, make_murmur (800));
  gls_sim_set_refuse_connections (f.sim, TRUE);
  gls_sim_drop (f.sim);
  gst_message_unref (wait_message (&f, "geminilive/reconnecting"));
  t0 = clock_now (&f);
  push_eos (&f);
  fail_if (drain_src (&f, t0 + 10 * GST_SECOND, &audio, NULL),
      "src ended while reconnecting");
  gls_sim_set_refuse_connections (f.sim, FALSE);
  gst_message_unref (wait_message (&f, "geminilive/reconnected"));
  /* The input, its end included, was resent. */
  fail_unless (gls_sim_wait_message_kind (f.sim, "audioStreamEnd", WAIT_MS));
  gls_sim_trigger_answer (f.sim);
  gst_message_unref (wait_message (&f, "geminilive/generation-complete"));
  fail_unless (drain_src (&f, GST_CLOCK_TIME_NONE, &audio, NULL));
  fail_unless_equals_int (audio, ANSWER_BYTES);
  fixture_teardown (&f);
}

GST_END_TEST;

/* A blocking tool call pending at EOS holds the end: the model answers
 * once the call is answered, and src ends after that answer. */
GST_START_TEST (test_eos_waits_for_a_pending_tool_call)
{
  Fixture f;
  ToolCallSeen seen = { NULL, NULL, NULL, FALSE };
  GstClockTime t0;
  gboolean ok = FALSE;
  gsize audio = 0;

  fixture_setup (&f, "tools", TOOLS, "eos-timeout", 1000, NULL);
  g_signal_connect (f.element, "tool-call", G_CALLBACK (on_tool_call), &seen);
  start (&f);
  g_signal_emit_by_name (f.element, "send-text", "call get_weather", &ok);
  fail_unless (ok);
  gst_message_unref (wait_message (&f, "geminilive/tool-call"));
  t0 = clock_now (&f);
  push_eos (&f);
  fail_if (drain_src (&f, t0 + 5 * GST_SECOND, &audio, NULL),
      "src ended with a tool call pending");
  g_signal_emit_by_name (f.element, "send-tool-response", seen.id,
      "get_weather", "{\"temp_c\": 21}", NULL, &ok);
  fail_unless (ok);
  gst_message_unref (wait_message (&f, "geminilive/generation-complete"));
  fail_unless (drain_src (&f, GST_CLOCK_TIME_NONE, &audio, NULL));
  fail_unless_equals_int (audio, ANSWER_BYTES);
  g_free (seen.id);
  g_free (seen.name);
  g_free (seen.args);
  fixture_teardown (&f);
}

GST_END_TEST;

/* With manual activity, EOS ends the activity; the model's answer to it
 * comes out whole, then EOS. */
GST_START_TEST (test_eos_ends_a_manual_activity)
{
  Fixture f;
  gboolean ok = FALSE;
  gsize audio = 0;

  fixture_setup (&f, "automatic-activity-detection", FALSE, NULL);
  start (&f);
  g_signal_emit_by_name (f.element, "activity-start", &ok);
  fail_unless (ok);
  push_bytes (&f, make_tone (400, 8000));
  push_eos (&f);
  fail_unless (gls_sim_wait_message_kind (f.sim, "activityEnd", WAIT_MS));
  gst_message_unref (wait_message (&f, "geminilive/generation-complete"));
  fail_unless (drain_src (&f, GST_CLOCK_TIME_NONE, &audio, NULL));
  fail_unless_equals_int (audio, ANSWER_BYTES);
  fixture_teardown (&f);
}

GST_END_TEST;

/* In text modality the answer is text: src (which gets no audio) ends
 * once it is complete. */
GST_START_TEST (test_eos_after_a_text_answer)
{
  Fixture f;
  gboolean ok = FALSE;
  gsize audio = 0;
  GstClockTime t0;

  fixture_setup (&f, "response-modality", 1, "model",
      "gemini-live-2.5-flash-preview", "eos-timeout", 60000, NULL);
  start (&f);
  g_signal_emit_by_name (f.element, "send-text", "Hello there", &ok);
  fail_unless (ok);
  t0 = clock_now (&f);
  push_eos (&f);
  gst_message_unref (wait_message (&f, "geminilive/text"));
  gst_message_unref (wait_message (&f, "geminilive/turn-complete"));
  fail_unless (drain_src (&f, t0 + 10 * GST_SECOND, &audio, NULL));
  fail_unless_equals_int (audio, 0);
  fixture_teardown (&f);
}

GST_END_TEST;

/* ---- stopping from our own callbacks ----------------------------------- */

typedef struct
{
  GMutex lock;
  GCond cond;
  gint result; /* 0: not yet, 1: stopped, -1: failed */
} Stopped;

static void
stopped_init (Stopped *s)
{
  g_mutex_init (&s->lock);
  g_cond_init (&s->cond);
  s->result = 0;
}

static void
stop_now (GstElement *element, Stopped *s)
{
  gboolean ok = gst_element_set_state (element, GST_STATE_NULL)
      == GST_STATE_CHANGE_SUCCESS;

  g_mutex_lock (&s->lock);
  if (s->result == 0)
    s->result = ok ? 1 : -1;
  g_cond_broadcast (&s->cond);
  g_mutex_unlock (&s->lock);
}

static void
wait_stopped (Stopped *s)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_MS * 1000;

  g_mutex_lock (&s->lock);
  while (s->result == 0)
    fail_unless (g_cond_wait_until (&s->cond, &s->lock, deadline),
        "the stop from the callback did not return");
  fail_unless_equals_int (s->result, 1);
  g_mutex_unlock (&s->lock);
  g_mutex_clear (&s->lock);
  g_cond_clear (&s->cond);
}

/* The test lets go of everything at once after the stop, as an
 * application that exits would. */
static void
release_at_once (Fixture *f)
{
  fixture_teardown (f);
}

typedef struct
{
  GstElement *element;
  Stopped *stopped;
} SyncStop;

static GstBusSyncReply
stop_on_setup_complete (GstBus *bus, GstMessage *msg, gpointer user_data)
{
  SyncStop *s = user_data;
  const GstStructure *st = gst_message_get_structure (msg);

  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ELEMENT && st != NULL
      && gst_structure_has_name (st, "geminilive/setup-complete"))
    stop_now (s->element, s->stopped);
  return GST_BUS_PASS;
}

GST_START_TEST (test_stop_from_a_bus_sync_handler)
{
  Fixture f;
  Stopped stopped;
  SyncStop s;

  stopped_init (&stopped);
  fixture_setup (&f, NULL);
  s.element = f.element;
  s.stopped = &stopped;
  gst_bus_set_sync_handler (f.bus, stop_on_setup_complete, &s, NULL);
  gst_harness_play (f.out);
  wait_stopped (&stopped);
  fail_unless (gls_sim_wait_all_closed (f.sim, WAIT_MS));
  fail_unless_equals_int (gls_sim_get_last_close_code (f.sim), 1000);
  gst_bus_set_sync_handler (f.bus, NULL, NULL, NULL);
  release_at_once (&f);
}

GST_END_TEST;

static GstPadProbeReturn
stop_on_first_buffer (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  SyncStop *s = user_data;

  stop_now (s->element, s->stopped);
  return GST_PAD_PROBE_REMOVE;
}

/* From the src task's own thread, which GStreamer cannot join from
 * itself: the element stops it without joining, and the thread runs out
 * holding the element. */
GST_START_TEST (test_stop_from_a_probe_on_src)
{
  Fixture f;
  Stopped stopped;
  SyncStop s;
  GstPad *src;

  stopped_init (&stopped);
  fixture_setup (&f, NULL);
  s.element = f.element;
  s.stopped = &stopped;
  src = gst_element_get_static_pad (f.element, "src");
  gst_pad_add_probe (
      src, GST_PAD_PROBE_TYPE_BUFFER, stop_on_first_buffer, &s, NULL);
  gst_object_unref (src);
  start (&f);
  speak (&f, 400);
  /* The first answer chunk is due at once: the probe stops the element
   * while the task pushes it. */
  wait_stopped (&stopped);
  fail_unless (gls_sim_wait_all_closed (f.sim, WAIT_MS));
  release_at_once (&f);
}

GST_END_TEST;

static gchar *
stop_in_tool_call (GstElement *element, const gchar *id, const gchar *name,
    const gchar *args, Stopped *s)
{
  stop_now (element, s);
  return g_strdup ("{\"late\": true}");
}

/* The handler stops the element and still returns a response: the
 * element, held for the callback, drops it quietly. */
GST_START_TEST (test_stop_from_a_tool_call_handler_then_release)
{
  Fixture f;
  Stopped stopped;
  gboolean ok = FALSE;

  stopped_init (&stopped);
  fixture_setup (&f, "tools", TOOLS, NULL);
  g_signal_connect (
      f.element, "tool-call", G_CALLBACK (stop_in_tool_call), &stopped);
  start (&f);
  g_signal_emit_by_name (f.element, "send-text", "call get_weather", &ok);
  wait_stopped (&stopped);
  release_at_once (&f);
}

GST_END_TEST;

/* ---- connection attempts that stall ------------------------------------ */

/* A TCP server that accepts and then says nothing. */
typedef struct
{
  GSocketService *service;
  GPtrArray *held;
  GMainContext *context;
  GMainLoop *loop;
  GThread *thread;
  guint16 port;
} Mute;

static gboolean
mute_incoming (GSocketService *service, GSocketConnection *connection,
    GObject *source, gpointer user_data)
{
  Mute *m = user_data;

  g_ptr_array_add (m->held, g_object_ref (connection));
  return TRUE;
}

static gpointer
mute_thread (gpointer data)
{
  Mute *m = data;

  g_main_context_push_thread_default (m->context);
  g_socket_service_start (m->service);
  g_main_loop_run (m->loop);
  g_socket_service_stop (m->service);
  g_main_context_pop_thread_default (m->context);
  return NULL;
}

static Mute *
mute_new (void)
{
  Mute *m = g_new0 (Mute, 1);
  GInetAddress *lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *addr = g_inet_socket_address_new (lo, 0);
  GSocketAddress *effective = NULL;

  m->context = g_main_context_new ();
  m->loop = g_main_loop_new (m->context, FALSE);
  m->held = g_ptr_array_new_with_free_func (g_object_unref);
  g_main_context_push_thread_default (m->context);
  m->service = g_socket_service_new ();
  g_main_context_pop_thread_default (m->context);
  fail_unless (
      g_socket_listener_add_address (G_SOCKET_LISTENER (m->service), addr,
          G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL, &effective, NULL));
  m->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  g_signal_connect (m->service, "incoming", G_CALLBACK (mute_incoming), m);
  m->thread = g_thread_new ("mute", mute_thread, m);
  g_object_unref (effective);
  g_object_unref (addr);
  g_object_unref (lo);
  return m;
}

static void
mute_free (Mute *m)
{
  g_main_loop_quit (m->loop);
  g_thread_join (m->thread);
  g_ptr_array_unref (m->held);
  g_object_unref (m->service);
  g_main_loop_unref (m->loop);
  g_main_context_unref (m->context);
  g_free (m);
}

/* The error a first connection that makes no progress ends with: within
 * a few connect-timeouts, naming the step. */
static void
check_stall_error (Fixture *f, const gchar *step)
{
  gint64 started = g_get_monotonic_time ();
  GstMessage *msg;
  GError *err = NULL;
  gchar *debug = NULL;

  gst_harness_play (f->out);
  msg = wait_message (f, "error");
  fail_unless (g_get_monotonic_time () - started < 5 * G_USEC_PER_SEC);
  gst_message_parse_error (msg, &err, &debug);
  fail_unless (strstr (err->message, step) != NULL, "%s", err->message);
  fail_unless (strstr (err->message, "500 ms") != NULL, "%s", err->message);
  g_error_free (err);
  g_free (debug);
  gst_message_unref (msg);
}

GST_START_TEST (test_upgrade_that_never_comes_times_out)
{
  Mute *mute = mute_new ();
  Fixture f;
  gchar *uri = g_strdup_printf ("ws://127.0.0.1:%u/ws/google.ai."
                                "generativelanguage.v1.GenerativeService."
                                "BidiGenerateContent",
      mute->port);

  fixture_setup (&f, "uri", uri, "connect-timeout", 500, NULL);
  f.invalid_on_purpose = TRUE;
  check_stall_error (&f, "WebSocket upgrade");
  fixture_teardown (&f);
  mute_free (mute);
  g_free (uri);
}

GST_END_TEST;

/* wss:// against a server that does not speak TLS back. */
GST_START_TEST (test_tls_handshake_that_never_ends_times_out)
{
  Mute *mute = mute_new ();
  Fixture f;
  gchar *uri = g_strdup_printf ("wss://127.0.0.1:%u/ws/google.ai."
                                "generativelanguage.v1.GenerativeService."
                                "BidiGenerateContent",
      mute->port);

  fixture_setup (&f, "uri", uri, "connect-timeout", 500, NULL);
  f.invalid_on_purpose = TRUE;
  check_stall_error (&f, "TLS handshake");
  fixture_teardown (&f);
  mute_free (mute);
  g_free (uri);
}

GST_END_TEST;

GST_START_TEST (test_setup_complete_that_never_comes_times_out)
{
  GlsSimOptions options = default_sim_options ();
  Fixture f;

  options.setup_delay_ms = 60000;
  fixture_setup_full (&f, &options, "connect-timeout", 500, NULL);
  check_stall_error (&f, "setupComplete");
  fixture_teardown (&f);
}

GST_END_TEST;

/* ---- reconnection ------------------------------------------------------ */

/* A server that closes every connection right after setupComplete: each
 * new one has not carried the conversation, so the backoff grows and the
 * outage's budget runs out into an ERROR. */
GST_START_TEST (test_close_after_every_setup_backs_off_then_errors)
{
  Fixture f;
  gint64 deadline = g_get_monotonic_time () + 3 * WAIT_MS * 1000;
  guint64 last_delay = 0;
  guint attempts = 0;
  gboolean errored = FALSE;

  fixture_setup (&f, "reconnect-timeout", 3000, NULL);
  gst_harness_play (f.out);
  while (!errored) {
    GstMessage *msg = gst_bus_timed_pop (f.bus, 100 * GST_MSECOND);
    const GstStructure *s;

    fail_unless (g_get_monotonic_time () < deadline, "never gave up");
    if (msg == NULL)
      continue;
    s = gst_message_get_structure (msg);
    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
      GError *err;
      gchar *debug;

      gst_message_parse_error (msg, &err, &debug);
      fail_unless (strstr (err->message, "could not reconnect") != NULL, "%s",
          err->message);
      fail_unless (strstr (err->message, "1011") != NULL, "%s", err->message);
      g_error_free (err);
      g_free (debug);
      errored = TRUE;
    } else if (s != NULL
        && gst_structure_has_name (s, "geminilive/setup-complete")) {
      gls_sim_close (f.sim, 1011, "Internal error occurred.");
    } else if (s != NULL
        && gst_structure_has_name (s, "geminilive/reconnecting")) {
      guint64 delay = 0;

      fail_unless (gst_structure_get_uint64 (s, "delay", &delay));
      attempts++;
      /* Immediate once, then each wait longer than the one before. */
      if (attempts > 1)
        fail_unless (delay > last_delay, "attempt %u waited %" G_GUINT64_FORMAT,
            attempts, delay);
      last_delay = delay;
    }
    gst_message_unref (msg);
  }
  fail_unless (attempts >= 3, "%u attempts", attempts);
  fail_unless (gls_sim_get_connection_count (f.sim) >= 3);
  f.invalid_on_purpose = TRUE;
  fixture_teardown (&f);
}

GST_END_TEST;

/* The server comes back without the old session: the refused handle is
 * not waited on with another backoff step; a fresh session starts at
 * once, and the bus says it was not resumed. */
GST_START_TEST (test_refused_handle_starts_fresh_at_once)
{
  GlsSimOptions options = default_sim_options ();
  Fixture f;
  GstMessage *msg;
  guint64 delay = 0;
  gboolean resumed = TRUE;
  guint port;

  fixture_setup (&f, NULL);
  gst_harness_play (f.out);
  gst_message_unref (wait_message (&f, "geminilive/session-resumption-update"));
  port = gls_sim_get_port (f.sim);
  /* The server goes away; the element backs off. */
  gls_sim_free (f.sim);
  fixture_replace_sim (&f, NULL);
  do {
    msg = wait_message (&f, "geminilive/reconnecting");
    fail_unless (gst_structure_get_uint64 (
        gst_message_get_structure (msg), "delay", &delay));
    gst_message_unref (msg);
  } while (delay < 500 * GST_MSECOND);
  /* It comes back without the session. */
  options.port = port;
  fixture_replace_sim (&f, gls_sim_new (&options, NULL));
  fail_unless (f.sim != NULL);
  msg = wait_message (&f, "warning");
  gst_message_unref (msg);
  msg = wait_message (&f, "geminilive/reconnecting");
  fail_unless (gst_structure_get_uint64 (
      gst_message_get_structure (msg), "delay", &delay));
  fail_unless_equals_uint64 (delay, 0);
  gst_message_unref (msg);
  msg = wait_message (&f, "geminilive/reconnected");
  fail_unless (gst_structure_get_boolean (
      gst_message_get_structure (msg), "resumed", &resumed));
  fail_if (resumed);
  gst_message_unref (msg);
  fail_unless_equals_int (gls_sim_get_fresh_session_count (f.sim), 1);
  f.invalid_on_purpose = TRUE;
  fixture_teardown (&f);
}

GST_END_TEST;

static Suite *
lifecycle_suite (void)
{
  Suite *s = suite_create ("lifecycle");
  TCase *tc = tcase_create ("end");

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 120);
  tcase_add_checked_fixture (tc, NULL, teardown_leftovers);
  tcase_add_test (tc, test_eos_after_silence_ends_src_at_once);
  tcase_add_test (tc, test_eos_when_no_answer_comes);
  tcase_add_test (tc, test_late_answer_is_written_whole);
  tcase_add_test (tc, test_eos_while_reconnecting);
  tcase_add_test (tc, test_eos_waits_for_a_pending_tool_call);
  tcase_add_test (tc, test_eos_ends_a_manual_activity);
  tcase_add_test (tc, test_eos_after_a_text_answer);
  tcase_add_test (tc, test_stop_from_a_bus_sync_handler);
  tcase_add_test (tc, test_stop_from_a_probe_on_src);
  tcase_add_test (tc, test_stop_from_a_tool_call_handler_then_release);
  tcase_add_test (tc, test_upgrade_that_never_comes_times_out);
  tcase_add_test (tc, test_tls_handshake_that_never_ends_times_out);
  tcase_add_test (tc, test_setup_complete_that_never_comes_times_out);
  tcase_add_test (tc, test_close_after_every_setup_backs_off_then_errors);
  tcase_add_test (tc, test_refused_handle_starts_fresh_at_once);
  return s;
}

GST_CHECK_MAIN (lifecycle);
