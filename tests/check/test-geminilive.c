/* gst-gemini-live: the element against the in-process simulator.
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every test drives the element through GstHarness and asserts what went
 * on the wire (as the simulator saw it) and what came out of the pads.
 * Synchronisation is by waiting on conditions, never by sleeping.
 */
#include <gst/check/gstcheck.h>
#include <glib/gstdio.h>
#include <gst/check/gstharness.h>
#include <gst/check/gsttestclock.h>
#include <gst/app/gstappsink.h>
#include <gst/audio/audio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fixture.h"
#include "recording.h"

/* ---- setup ------------------------------------------------------------- */

GST_START_TEST (test_setup_first_and_from_properties)
{
  Fixture f;
  GPtrArray *msgs;
  JsonParser *parser;
  JsonObject *setup, *gen;
  gchar *headers, *request_uri;

  fixture_setup (&f, "voice", "Puck", "system-instruction", "Be brief.",
      "input-transcription", TRUE, "output-transcription", TRUE, NULL);
  gst_harness_play (f.out);
  gst_message_unref (wait_message (&f, "geminilive/setup-complete"));

  msgs = gls_sim_dup_client_messages (f.sim);
  fail_unless (msgs->len >= 1);
  setup = json_object_get_object_member (
      parse_object (g_ptr_array_index (msgs, 0), &parser), "setup");
  fail_unless (setup != NULL, "first message is not setup");
  fail_unless_equals_string (json_object_get_string_member (setup, "model"),
      "models/gemini-3.1-flash-live-preview");
  gen = json_object_get_object_member (setup, "generationConfig");
  fail_unless_equals_string (
      json_array_get_string_element (
          json_object_get_array_member (gen, "responseModalities"), 0),
      "AUDIO");
  fail_unless_equals_string (
      json_object_get_string_member (
          json_object_get_object_member (
              json_object_get_object_member (
                  json_object_get_object_member (gen, "speechConfig"),
                  "voiceConfig"),
              "prebuiltVoiceConfig"),
          "voiceName"),
      "Puck");
  fail_unless (json_object_has_member (setup, "inputAudioTranscription"));
  fail_unless (json_object_has_member (setup, "outputAudioTranscription"));
  fail_unless (json_object_has_member (setup, "sessionResumption"));
  fail_unless (json_object_has_member (setup, "systemInstruction"));
  g_object_unref (parser);
  g_ptr_array_unref (msgs);

  /* The key travels as a header, never in the URL. */
  headers = gls_sim_dup_last_request_headers (f.sim);
  request_uri = gls_sim_dup_last_request_uri (f.sim);
  fail_unless (strstr (headers, "x-goog-api-key: " TEST_KEY) != NULL
          || strstr (headers, "X-Goog-Api-Key: " TEST_KEY) != NULL,
      headers);
  fail_unless (strstr (request_uri, TEST_KEY) == NULL);
  fail_unless (strstr (request_uri,
                   "/ws/google.ai.generativelanguage.v1.GenerativeService."
                   "BidiGenerateContent")
          != NULL,
      request_uri);
  g_free (headers);
  g_free (request_uri);

  /* Only one setup, ever. */
  msgs = client_messages_of (&f, "setup");
  fail_unless_equals_int (msgs->len, 1);
  g_ptr_array_unref (msgs);
  fixture_teardown (&f);
}

GST_END_TEST;

/* ---- input audio ------------------------------------------------------- */

GST_START_TEST (test_audio_held_until_setup_complete_then_exact)
{
  Fixture f;
  GlsSimOptions options = default_sim_options ();
  GBytes *sent, *received;
  GPtrArray *audio;
  gsize sent_size;
  guint i;

  /* A slow setupComplete: input arriving meanwhile must be kept. */
  options.setup_delay_ms = 300;
  fixture_setup_full (&f, &options, NULL);
  gst_harness_play (f.out);

  sent = make_tone (1010, 3000); /* not a multiple of the chunk */
  sent_size = g_bytes_get_size (sent);
  push_bytes (&f, g_bytes_ref (sent));
  gst_harness_push_event (f.in, gst_event_new_eos ());

  fail_unless (gls_sim_wait_message_kind (f.sim, "audioStreamEnd", WAIT_MS));
  received = gls_sim_dup_received_audio (f.sim);
  fail_unless (g_bytes_equal (sent, received),
      "sent %" G_GSIZE_FORMAT " bytes, simulator decoded %" G_GSIZE_FORMAT,
      sent_size, g_bytes_get_size (received));
  fail_unless_equals_int (gls_sim_get_early_message_count (f.sim), 0);

  /* 40 ms chunks (1280 bytes) of audio/pcm;rate=16000, never mediaChunks. */
  audio = client_messages_of (&f, "audio");
  fail_unless_equals_int (audio->len, (sent_size + 1279) / 1280);
  for (i = 0; i < audio->len; i++) {
    const gchar *json = g_ptr_array_index (audio, i);
    fail_unless (
        strstr (json, "\"mimeType\":\"audio/pcm;rate=16000\"") != NULL, json);
    fail_unless (strstr (json, "mediaChunks") == NULL);
  }
  g_ptr_array_unref (audio);
  audio = client_messages_of (&f, "mediaChunks");
  fail_unless_equals_int (audio->len, 0);
  g_ptr_array_unref (audio);

  g_bytes_unref (sent);
  g_bytes_unref (received);
  fixture_teardown (&f);
}

GST_END_TEST;

/* Buffers of exactly one chunk skip the adapter; mixed with other sizes
 * the audio still goes out whole and in order. */
GST_START_TEST (test_input_buffers_of_any_size_arrive_exact)
{
  static const gsize sizes[] = { 1280, 1000, 1560, 1280, 1280, 7, 1273, 1280 };
  Fixture f;
  GBytes *sent, *received;
  const guint8 *data;
  gsize total = 0, off = 0, i;

  for (i = 0; i < G_N_ELEMENTS (sizes); i++)
    total += sizes[i];
  fail_unless_equals_int (total % 1280, 0);
  fixture_setup (&f, NULL);
  gst_harness_play (f.out);
  sent = make_tone (total / 32, 3000);
  data = g_bytes_get_data (sent, NULL);
  for (i = 0; i < G_N_ELEMENTS (sizes); i++) {
    push_bytes (&f, g_bytes_new (data + off, sizes[i]));
    off += sizes[i];
  }
  fail_unless (gls_sim_wait_received_audio (f.sim, total, WAIT_MS));
  received = gls_sim_dup_received_audio (f.sim);
  fail_unless (g_bytes_equal (sent, received));
  g_bytes_unref (received);
  g_bytes_unref (sent);
  fixture_teardown (&f);
}

GST_END_TEST;

GST_START_TEST (test_audio_chunk_duration)
{
  Fixture f;
  GPtrArray *audio;
  GBytes *received;

  fixture_setup (&f, "chunk-duration", 100, NULL);
  gst_harness_play (f.out);
  push_bytes (&f, make_tone (1000, 3000));
  fail_unless (gls_sim_wait_received_audio (f.sim, 32000, WAIT_MS));
  audio = client_messages_of (&f, "audio");
  /* 100 ms at 16 kHz mono S16LE is 3200 bytes per message. */
  fail_unless_equals_int (audio->len, 10);
  received = gls_sim_dup_received_audio (f.sim);
  fail_unless_equals_int (g_bytes_get_size (received), 32000);
  g_bytes_unref (received);
  g_ptr_array_unref (audio);
  fixture_teardown (&f);
}

GST_END_TEST;

GST_START_TEST (test_audio_converted_to_16k_mono)
{
  Fixture f;
  GBytes *received;
  GstBuffer *buf;

  fixture_setup (&f, NULL);
  gst_harness_set_src_caps_str (f.in,
      "audio/x-raw,format=F32LE,layout=interleaved,rate=48000,channels=2");
  gst_harness_play (f.out);
  /* One second of 48 kHz stereo float silence. */
  buf = gst_buffer_new_allocate (NULL, 48000 * 2 * 4, NULL);
  gst_buffer_memset (buf, 0, 0, 48000 * 2 * 4);
  fail_unless_equals_int (gst_harness_push (f.in, buf), GST_FLOW_OK);
  gst_harness_push_event (f.in, gst_event_new_eos ());
  fail_unless (gls_sim_wait_message_kind (f.sim, "audioStreamEnd", WAIT_MS));
  received = gls_sim_dup_received_audio (f.sim);
  /* About one second of 16 kHz mono S16LE, give or take the resampler's
   * filter delay. */
  fail_unless (g_bytes_get_size (received) > 31000
          && g_bytes_get_size (received) <= 32000 + 256,
      "got %" G_GSIZE_FORMAT, g_bytes_get_size (received));
  g_bytes_unref (received);
  fixture_teardown (&f);
}

GST_END_TEST;

GST_START_TEST (test_native_audio_goes_through_untouched)
{
  Fixture f;
  GBytes *sent, *received;
  GstBuffer *buf;
  GstElement *child;

  fixture_setup (&f, NULL);
  /* No children convert the audio: one pad, one path. */
  child = gst_bin_get_by_name (GST_BIN (f.element), "audio-convert");
  fail_unless (child == NULL);
  gst_harness_play (f.out);

  /* 16 kHz mono S16LE goes to the wire as it is. */
  sent = make_tone (400, 3000);
  push_bytes (&f, g_bytes_ref (sent));
  fail_unless (gls_sim_wait_received_audio (f.sim, 12800, WAIT_MS));
  received = gls_sim_dup_received_audio (f.sim);
  fail_unless (g_bytes_equal (sent, received));
  g_bytes_unref (received);
  g_bytes_unref (sent);

  /* Other input, later in the same stream, is converted: a second of
   * 48 kHz stereo float is a second of 16 kHz mono. */
  gst_harness_set_src_caps_str (f.in,
      "audio/x-raw,format=F32LE,layout=interleaved,rate=48000,channels=2");
  buf = gst_buffer_new_allocate (NULL, 48000 * 2 * 4, NULL);
  gst_buffer_memset (buf, 0, 0, 48000 * 2 * 4);
  fail_unless_equals_int (gst_harness_push (f.in, buf), GST_FLOW_OK);
  gst_harness_push_event (f.in, gst_event_new_eos ());
  fail_unless (gls_sim_wait_message_kind (f.sim, "audioStreamEnd", WAIT_MS));
  received = gls_sim_dup_received_audio (f.sim);
  fail_unless (g_bytes_get_size (received) > 12800 + 31000,
      "got %" G_GSIZE_FORMAT, g_bytes_get_size (received));
  fail_unless (g_bytes_get_size (received) <= 12800 + 32000 + 1024,
      "got %" G_GSIZE_FORMAT, g_bytes_get_size (received));
  g_bytes_unref (received);
  fixture_teardown (&f);
}

GST_END_TEST;

/* ---- model audio ------------------------------------------------------- */

static void
check_contiguous (GPtrArray *bufs)
{
  guint i;

  for (i = 0; i < bufs->len; i++) {
    GstBuffer *buf = g_ptr_array_index (bufs, i);

    fail_unless (GST_BUFFER_PTS_IS_VALID (buf));
    fail_unless_equals_uint64 (GST_BUFFER_DURATION (buf),
        gst_util_uint64_scale (gst_buffer_get_size (buf), GST_SECOND, 48000));
    if (i > 0) {
      GstBuffer *prev = g_ptr_array_index (bufs, i - 1);
      fail_unless_equals_uint64 (GST_BUFFER_PTS (buf),
          GST_BUFFER_PTS (prev) + GST_BUFFER_DURATION (prev));
      fail_if (GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_DISCONT));
    }
  }
}

GST_START_TEST (test_model_audio_exact_and_timed)
{
  Fixture f;
  GBytes *sim_sent, *got;
  GPtrArray *bufs;
  GstEvent *event;
  GstCaps *caps;
  GstStructure *s;
  const GstSegment *segment;
  gint rate, channels;

  fixture_setup (&f, NULL);
  gst_harness_play (f.out);

  /* Stream-start, caps and segment come before any model audio. */
  event = gst_harness_pull_event (f.out);
  fail_unless_equals_int (GST_EVENT_TYPE (event), GST_EVENT_STREAM_START);
  gst_event_unref (event);
  event = gst_harness_pull_event (f.out);
  fail_unless_equals_int (GST_EVENT_TYPE (event), GST_EVENT_CAPS);
  gst_event_parse_caps (event, &caps);
  s = gst_caps_get_structure (caps, 0);
  fail_unless_equals_string (gst_structure_get_string (s, "format"), "S16LE");
  fail_unless (gst_structure_get_int (s, "rate", &rate) && rate == 24000);
  fail_unless (
      gst_structure_get_int (s, "channels", &channels) && channels == 1);
  gst_event_unref (event);
  event = gst_harness_pull_event (f.out);
  fail_unless_equals_int (GST_EVENT_TYPE (event), GST_EVENT_SEGMENT);
  gst_event_parse_segment (event, &segment);
  fail_unless_equals_int (segment->format, GST_FORMAT_TIME);
  gst_event_unref (event);

  speak (&f, 500);
  gst_message_unref (wait_message (&f, "geminilive/generation-complete"));
  fail_unless (gls_sim_wait_answers_sent (f.sim, 1, WAIT_MS));
  sim_sent = gls_sim_dup_sent_audio (f.sim);
  fail_unless (g_bytes_get_size (sim_sent) > 0);

  bufs = pull_audio (&f, g_bytes_get_size (sim_sent));
  got = concat (bufs);
  fail_unless (g_bytes_equal (got, sim_sent),
      "src gave %" G_GSIZE_FORMAT " bytes, simulator sent %" G_GSIZE_FORMAT,
      g_bytes_get_size (got), g_bytes_get_size (sim_sent));
  check_contiguous (bufs);

  g_ptr_array_unref (bufs);
  g_bytes_unref (got);
  g_bytes_unref (sim_sent);
  fixture_teardown (&f);
}

GST_END_TEST;

/* While the model is silent, GAP events keep src's timeline moving. Each
 * one ends a latency behind the running time, so a sync sink never holds
 * the output task on it (the next answer would wait behind it); they are
 * contiguous, at least 500 ms long, and the answer starts after the last
 * one. */
GST_START_TEST (test_gaps_while_idle_never_block_a_sync_sink)
{
  Fixture f;
  GstTestClock *clock;
  GstClockTime latency = 200 * GST_MSECOND, next = GST_CLOCK_TIME_NONE;
  GPtrArray *bufs;
  guint gaps = 0, i;

  fixture_setup (&f, "latency", 200, NULL);
  gst_harness_play (f.out);
  gst_message_unref (wait_message (&f, "geminilive/setup-complete"));
  clock = gst_harness_get_testclock (f.out);
  for (i = 0; i < 12; i++) {
    GstClockTime now;
    GstEvent *event;

    fail_unless (gst_harness_crank_single_clock_wait (f.out));
    now = gst_clock_get_time (GST_CLOCK (clock))
        - gst_element_get_base_time (f.element);
    /* The task has pushed what was due and waits again. */
    gst_test_clock_wait_for_next_pending_id (clock, NULL);
    while ((event = gst_harness_try_pull_event (f.out)) != NULL) {
      if (GST_EVENT_TYPE (event) == GST_EVENT_GAP) {
        GstClockTime ts, duration;

        gst_event_parse_gap (event, &ts, &duration);
        fail_unless (ts + latency <= now,
            "GAP at %" GST_TIME_FORMAT " pushed at %" GST_TIME_FORMAT
            " would block a sync sink",
            GST_TIME_ARGS (ts), GST_TIME_ARGS (now));
        if (GST_CLOCK_TIME_IS_VALID (next))
          fail_unless_equals_uint64 (ts, next);
        /* Few and long: each one costs the task a wake-up. */
        fail_unless (duration >= 500 * GST_MSECOND,
            "a GAP of %" GST_TIME_FORMAT, GST_TIME_ARGS (duration));
        next = ts + duration;
        gaps++;
      }
      gst_event_unref (event);
    }
  }
  gst_object_unref (clock);
  fail_unless (gaps >= 5, "only %u GAP events", gaps);

  speak (&f, 400);
  bufs = pull_audio (&f, 4800);
  fail_unless (GST_BUFFER_PTS (g_ptr_array_index (bufs, 0)) >= next);
  g_ptr_array_unref (bufs);
  fixture_teardown (&f);
}

GST_END_TEST;

GST_START_TEST (test_latency_query)
{
  Fixture f;
  GstQuery *query;
  gboolean live;
  GstClockTime min, max;

  fixture_setup (&f, "latency", 300, NULL);
  gst_harness_play (f.out);
  query = gst_query_new_latency ();
  fail_unless (gst_pad_peer_query (f.out->sinkpad, query));
  gst_query_parse_latency (query, &live, &min, &max);
  fail_unless (live);
  fail_unless_equals_uint64 (min, 300 * GST_MSECOND);
  fail_unless (max >= min);
  gst_query_unref (query);
  fixture_teardown (&f);
}

GST_END_TEST;

GST_START_TEST (test_live_no_preroll)
{
  GstElement *element = gst_element_factory_make ("geminilive", NULL);
  GlsSimOptions options = default_sim_options ();
  GlsSim *sim = gls_sim_new (&options, NULL);
  gchar *uri = gls_sim_get_uri (sim, "v1");

  g_object_set (element, "uri", uri, "api-key", TEST_KEY, NULL);
  fail_unless_equals_int (gst_element_set_state (element, GST_STATE_PAUSED),
      GST_STATE_CHANGE_NO_PREROLL);
  fail_unless_equals_int (gst_element_set_state (element, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  gst_object_unref (element);
  g_free (uri);
  gls_sim_free (sim);
}

GST_END_TEST;

typedef struct
{
  GMutex lock;
  GCond cond;
  gsize bytes;
  guint buffers;
  guint disconts;
  guint gaps;
} SinkCount;

static GstPadProbeReturn
count_gaps (GstPad *pad, GstPadProbeInfo *info, SinkCount *c)
{
  if (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) == GST_EVENT_GAP) {
    g_mutex_lock (&c->lock);
    c->gaps++;
    g_cond_broadcast (&c->cond);
    g_mutex_unlock (&c->lock);
  }
  return GST_PAD_PROBE_OK;
}

static void
on_handoff (GstElement *sink, GstBuffer *buf, GstPad *pad, SinkCount *c)
{
  g_mutex_lock (&c->lock);
  c->bytes += gst_buffer_get_size (buf);
  c->buffers++;
  if (GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_DISCONT))
    c->disconts++;
  g_cond_broadcast (&c->cond);
  g_mutex_unlock (&c->lock);
}

/* Waits (with the lock held on return) until the sink played that much;
 * returns the deadline, for further waits. */
static gint64
wait_played (SinkCount *c, gsize bytes)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_MS * 1000;

  g_mutex_lock (&c->lock);
  while (c->bytes < bytes)
    fail_unless (g_cond_wait_until (&c->cond, &c->lock, deadline),
        "only %" G_GSIZE_FORMAT " bytes played", c->bytes);
  return deadline;
}

/* With a synchronising sink right after the element (each push blocks
 * for the latency), an answer plays as one contiguous stream, and the
 * next answer, after a silence, starts anew without a DISCONT. */
GST_START_TEST (test_sync_sink_gets_contiguous_answer)
{
  GlsSimOptions options = default_sim_options ();
  GlsSim *sim;
  GstElement *pipeline, *gemini, *sink;
  SinkCount count = {
    0,
  };
  GstBus *bus;
  GBytes *sent;
  gchar *uri, *desc;
  gboolean ok = FALSE;
  gint64 deadline;

  options.answer_ms = 1000;
  /* Many small chunks: ten buffers to keep contiguous. */
  options.answer_first_chunk_ms = options.answer_chunk_ms = 100;
  sim = gls_sim_new (&options, NULL);
  uri = gls_sim_get_uri (sim, "v1");
  desc = g_strdup_printf ("audiotestsrc is-live=true wave=silence ! "
                          "geminilive name=g uri=%s api-key=" TEST_KEY " ! "
                          "fakesink name=s sync=true signal-handoffs=true",
      uri);
  pipeline = gst_parse_launch (desc, NULL);
  gemini = gst_bin_get_by_name (GST_BIN (pipeline), "g");
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "s");
  g_mutex_init (&count.lock);
  g_cond_init (&count.cond);
  g_signal_connect (sink, "handoff", G_CALLBACK (on_handoff), &count);
  {
    GstPad *pad = gst_element_get_static_pad (sink, "sink");

    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
        (GstPadProbeCallback)count_gaps, &count, NULL);
    gst_object_unref (pad);
  }
  bus = gst_element_get_bus (pipeline);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  fail_unless (gls_sim_wait_received_audio (sim, 1, WAIT_MS));
  g_signal_emit_by_name (gemini, "send-text", "Hello", &ok);
  fail_unless (gls_sim_wait_answers_sent (sim, 1, WAIT_MS));
  sent = gls_sim_dup_sent_audio (sim);

  deadline = wait_played (&count, g_bytes_get_size (sent));
  fail_unless_equals_int (count.disconts, 0);
  fail_unless (count.buffers >= 10);
  /* A silence longer than the latency: GAP events cover it. */
  count.gaps = 0;
  while (count.gaps < 2)
    fail_unless (g_cond_wait_until (&count.cond, &count.lock, deadline),
        "only %u GAP events", count.gaps);
  g_mutex_unlock (&count.lock);

  g_bytes_unref (sent);
  g_signal_emit_by_name (gemini, "send-text", "Again", &ok);
  fail_unless (gls_sim_wait_answers_sent (sim, 2, WAIT_MS));
  sent = gls_sim_dup_sent_audio (sim);
  wait_played (&count, g_bytes_get_size (sent));
  fail_unless_equals_int (count.disconts, 0);
  g_mutex_unlock (&count.lock);

  gst_element_set_state (pipeline, GST_STATE_NULL);
  g_bytes_unref (sent);
  gst_object_unref (bus);
  gst_object_unref (sink);
  gst_object_unref (gemini);
  gst_object_unref (pipeline);
  g_mutex_clear (&count.lock);
  g_cond_clear (&count.cond);
  g_free (desc);
  g_free (uri);
  gls_sim_free (sim);
}

GST_END_TEST;

/* Running time at each push on src, with what was pushed. */
typedef struct
{
  GMutex lock;
  GCond cond;
  GstElement *element;
  GArray *pts, *duration, *pushed_at; /* GstClockTime each */
  gsize bytes;
  guint slice_us; /* the pushing thread's scheduler slice (0: none) */
  gint tid;
  /* src's stream-status ENTER and LEAVE as the application sees them */
  gboolean entered, left;
  guint enter_slice_us; /* the thread's slice in the ENTER handler */
} PushLog;

static GstClockTime
element_running_time (GstElement *element)
{
  GstClock *clock = gst_element_get_clock (element);
  GstClockTime now = gst_clock_get_time (clock);

  gst_object_unref (clock);
  return now - gst_element_get_base_time (element);
}

/* The kernel's report of thread tid's slice in us (0: the calling
 * thread; Linux 6.12+), 0 where it reports none. */
static guint
thread_slice_us (gint tid)
{
#if defined(__linux__) && defined(SYS_sched_getattr)
  struct
  {
    guint32 size, policy;
    guint64 flags;
    gint32 nice;
    guint32 priority;
    guint64 runtime, deadline, period;
  } attr = {
    0,
  };

  if (syscall (SYS_sched_getattr, tid, &attr, sizeof attr, 0) == 0)
    return (guint)(attr.runtime / 1000);
#endif
  return 0;
}

static GstPadProbeReturn
log_push (GstPad *pad, GstPadProbeInfo *info, PushLog *log)
{
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  GstClockTime now = element_running_time (log->element);
  GstClockTime pts = GST_BUFFER_PTS (buf), d = GST_BUFFER_DURATION (buf);

  g_mutex_lock (&log->lock);
  g_array_append_val (log->pts, pts);
  g_array_append_val (log->duration, d);
  g_array_append_val (log->pushed_at, now);
  log->bytes += gst_buffer_get_size (buf);
  log->slice_us = thread_slice_us (0);
  log->tid = (gint)syscall (SYS_gettid);
  g_cond_broadcast (&log->cond);
  g_mutex_unlock (&log->lock);
  return GST_PAD_PROBE_OK;
}

static GstBusSyncReply
log_stream_status (GstBus *bus, GstMessage *msg, PushLog *log)
{
  GstStreamStatusType type;
  GstElement *owner;
  GstPad *src;

  if (GST_MESSAGE_TYPE (msg) != GST_MESSAGE_STREAM_STATUS)
    return GST_BUS_PASS;
  gst_message_parse_stream_status (msg, &type, &owner);
  src = gst_element_get_static_pad (log->element, "src");
  if (GST_MESSAGE_SRC (msg) == GST_OBJECT (src)) {
    g_mutex_lock (&log->lock);
    if (type == GST_STREAM_STATUS_TYPE_ENTER) {
      log->entered = TRUE;
      log->enter_slice_us = thread_slice_us (0);
    } else if (type == GST_STREAM_STATUS_TYPE_LEAVE) {
      log->left = TRUE;
    }
    g_mutex_unlock (&log->lock);
  }
  gst_object_unref (src);
  return GST_BUS_PASS;
}

/* A pipeline on the system clock, with nothing downstream that waits:
 * the element alone paces its output. */
static GstElement *
start_logged_pipeline (GlsSim *sim, const gchar *props, PushLog *log)
{
  gchar *uri = gls_sim_get_uri (sim, "v1");
  gchar *desc = g_strdup_printf ("audiotestsrc is-live=true wave=silence ! "
                                 "geminilive name=g uri=%s api-key=" TEST_KEY
                                 " %s ! fakesink sync=false",
      uri, props);
  GstElement *pipeline = gst_parse_launch (desc, NULL);
  GstPad *pad;

  fail_unless (pipeline != NULL);
  memset (log, 0, sizeof *log);
  g_mutex_init (&log->lock);
  g_cond_init (&log->cond);
  log->pts = g_array_new (FALSE, FALSE, sizeof (GstClockTime));
  log->duration = g_array_new (FALSE, FALSE, sizeof (GstClockTime));
  log->pushed_at = g_array_new (FALSE, FALSE, sizeof (GstClockTime));
  log->element = gst_bin_get_by_name (GST_BIN (pipeline), "g");
  pad = gst_element_get_static_pad (log->element, "src");
  gst_pad_add_probe (
      pad, GST_PAD_PROBE_TYPE_BUFFER, (GstPadProbeCallback)log_push, log, NULL);
  gst_object_unref (pad);
  {
    GstBus *bus = gst_element_get_bus (pipeline);

    gst_bus_set_sync_handler (
        bus, (GstBusSyncHandler)log_stream_status, log, NULL);
    gst_object_unref (bus);
  }
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  g_free (desc);
  g_free (uri);
  return pipeline;
}

/* Asks for one answer and returns once all of it was pushed (lock held). */
static void
wait_one_answer_pushed (GstElement *pipeline, GlsSim *sim, PushLog *log)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_MS * 1000;
  gboolean ok = FALSE;
  GBytes *sent;

  fail_unless (gls_sim_wait_received_audio (sim, 1, WAIT_MS));
  g_signal_emit_by_name (log->element, "send-text", "Hello", &ok);
  fail_unless (ok);
  fail_unless (gls_sim_wait_answers_sent (sim, 1, WAIT_MS));
  sent = gls_sim_dup_sent_audio (sim);
  g_mutex_lock (&log->lock);
  while (log->bytes < g_bytes_get_size (sent))
    fail_unless (g_cond_wait_until (&log->cond, &log->lock, deadline),
        "only %" G_GSIZE_FORMAT " bytes pushed", log->bytes);
  g_bytes_unref (sent);
}

static void
stop_logged_pipeline (GstElement *pipeline, PushLog *log)
{
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (log->element);
  gst_object_unref (pipeline);
  g_array_unref (log->pts);
  g_array_unref (log->duration);
  g_array_unref (log->pushed_at);
  g_mutex_clear (&log->lock);
  g_cond_clear (&log->cond);
}

/* On the system clock the task waits on its own condition instead of a
 * clock entry, and is woken only when the head of its queue changes
 * The answer arrives faster than it plays; still
 * no buffer leaves before its time, and the answer is one contiguous
 * stream that takes as long to push as it lasts. With the longest
 * latency the task's own next wake-up (for a GAP) is over 10 s away, so
 * only being woken by the answer's arrival gets the answer out in time. */
GST_START_TEST (test_system_clock_output_waits_for_each_buffer)
{
  GlsSimOptions options = default_sim_options ();
  GlsSim *sim;
  GstElement *pipeline;
  PushLog log;
  GstClockTime start, last;
  guint i, n;

  options.answer_ms = 1000;
  options.answer_speed = 8;
  /* Many small chunks: ten buffers, each waited for. */
  options.answer_first_chunk_ms = options.answer_chunk_ms = 100;
  sim = gls_sim_new (&options, NULL);
  pipeline = start_logged_pipeline (sim, "latency=10000", &log);
  wait_one_answer_pushed (pipeline, sim, &log);

  n = log.pts->len;
  fail_unless (n >= 10, "%u buffers", n);
  start = g_array_index (log.pts, GstClockTime, 0);
  for (i = 0; i < n; i++) {
    GstClockTime pts = g_array_index (log.pts, GstClockTime, i);
    GstClockTime at = g_array_index (log.pushed_at, GstClockTime, i);

    fail_unless (at >= pts,
        "buffer %u pushed at %" GST_TIME_FORMAT
        ", before its time %" GST_TIME_FORMAT,
        i, GST_TIME_ARGS (at), GST_TIME_ARGS (pts));
    if (i > 0)
      fail_unless_equals_uint64 (pts,
          g_array_index (log.pts, GstClockTime, i - 1)
              + g_array_index (log.duration, GstClockTime, i - 1));
  }
  last = g_array_index (log.pts, GstClockTime, n - 1);
  fail_unless (last - start >= 900 * GST_MSECOND,
      "the answer spans %" GST_TIME_FORMAT, GST_TIME_ARGS (last - start));
  g_mutex_unlock (&log.lock);

  stop_logged_pipeline (pipeline, &log);
  gls_sim_free (sim);
}

GST_END_TEST;

/* The thread pushing on src asks for a short scheduler slice while it
 * runs the element's task, and gives it back when it leaves; with
 * src-thread-slice=0 it keeps the default. The application still gets the
 * thread's stream-status ENTER and LEAVE, ENTER with the slice already
 * set (so its own scheduling, set there, comes last). Where the kernel
 * reports no slices (before Linux 6.12), every slice comes out as 0. */
GST_START_TEST (test_src_thread_asks_for_a_short_slice)
{
  GlsSimOptions options = default_sim_options ();
  guint default_slice = thread_slice_us (0);
  GlsSim *sim;
  GstElement *pipeline;
  PushLog log;
  gint tid;

  options.answer_ms = 200;
  sim = gls_sim_new (&options, NULL);
  pipeline = start_logged_pipeline (sim, "src-thread-slice=250", &log);
  wait_one_answer_pushed (pipeline, sim, &log);
  tid = log.tid;
  if (default_slice == 0)
    GST_INFO ("this kernel reports no scheduler slices");
  fail_unless_equals_int (log.slice_us, default_slice ? 250 : 0);
  fail_unless (log.entered);
  fail_unless_equals_int (log.enter_slice_us, log.slice_us);
  g_mutex_unlock (&log.lock);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  fail_unless (log.left);
  stop_logged_pipeline (pipeline, &log);
  /* Back in its pool, the thread has what it had before. */
  fail_unless_equals_int (thread_slice_us (tid), default_slice);
  gls_sim_free (sim);

  sim = gls_sim_new (&options, NULL);
  pipeline = start_logged_pipeline (sim, "src-thread-slice=0", &log);
  wait_one_answer_pushed (pipeline, sim, &log);
  fail_unless_equals_int (log.slice_us, default_slice);
  g_mutex_unlock (&log.lock);
  stop_logged_pipeline (pipeline, &log);
  gls_sim_free (sim);
}

GST_END_TEST;

/* ---- barge-in ---------------------------------------------------------- */

GST_START_TEST (test_interruption_drops_queued_audio)
{
  Fixture f;
  GlsSimOptions options = default_sim_options ();
  GPtrArray *first_seen, *second;
  GstBuffer *buf;
  GBytes *sim_sent;
  gsize answer_bytes;

  /* A long answer, sent all at once, that the user talks over. */
  options.answer_ms = 4000;
  options.answer_speed = 1000.0;
  fixture_setup_full (&f, &options, NULL);
  gst_harness_play (f.out);

  speak (&f, 500);
  gst_message_unref (wait_message (&f, "geminilive/generation-complete"));
  answer_bytes = 4000 * 48;
  first_seen = pull_audio (&f, 1); /* playback has begun */

  /* The user barges in: the model stops, queued audio is dropped. */
  push_bytes (&f, make_tone (300, 8000));
  gst_message_unref (wait_message (&f, "geminilive/interrupted"));
  while ((buf = gst_harness_try_pull (f.out)) != NULL)
    gst_buffer_unref (buf);

  /* The next answer starts with DISCONT and nothing stale precedes it. */
  push_bytes (&f, make_tone (600, 0));
  gst_message_unref (wait_message (&f, "geminilive/generation-complete"));
  second = pull_audio (&f, 1);
  buf = g_ptr_array_index (second, 0);
  fail_unless (GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_DISCONT));
  sim_sent = gls_sim_dup_sent_audio (f.sim);
  /* The first buffer of the second answer is the second answer's start. */
  {
    GstMapInfo map;
    gst_buffer_map (buf, &map, GST_MAP_READ);
    fail_unless (
        memcmp (map.data,
            (const guint8 *)g_bytes_get_data (sim_sent, NULL) + answer_bytes,
            map.size)
        == 0);
    gst_buffer_unmap (buf, &map);
  }
  g_bytes_unref (sim_sent);
  g_ptr_array_unref (first_seen);
  g_ptr_array_unref (second);
  fixture_teardown (&f);
}

GST_END_TEST;

GST_START_TEST (test_audio_with_interrupted_not_played)
{
  Fixture f;
  GstBuffer *buf;
  gint64 deadline;

  fixture_setup (&f, NULL);
  gst_harness_play (f.out);
  gst_message_unref (wait_message (&f, "geminilive/setup-complete"));
  gls_sim_send_json (f.sim,
      "{\"serverContent\": {\"interrupted\": true, "
      "\"modelTurn\": {\"parts\": [{\"inlineData\": {\"mimeType\": "
      "\"audio/pcm;rate=24000\", \"data\": \"AAECAwQFBgc=\"}}]}}}",
      TRUE);
  gst_message_unref (wait_message (&f, "geminilive/interrupted"));
  /* A later marker proves the frame above was fully processed. */
  gls_sim_send_json (
      f.sim, "{\"serverContent\": {\"turnComplete\": true}}", TRUE);
  gst_message_unref (wait_message (&f, "geminilive/turn-complete"));
  deadline = g_get_monotonic_time () + 200 * 1000;
  while (g_get_monotonic_time () < deadline) {
    GstTestClock *clock = gst_harness_get_testclock (f.out);
    if (gst_test_clock_timed_wait_for_multiple_pending_ids (clock, 1, 20, NULL))
      gst_harness_crank_single_clock_wait (f.out);
    gst_object_unref (clock);
    buf = gst_harness_try_pull (f.out);
    fail_unless (buf == NULL, "audio from an interrupted message was played");
  }
  fixture_teardown (&f);
}

GST_END_TEST;

/* ---- tools ------------------------------------------------------------- */

static void
check_tool_response (
    Fixture *f, const ToolCallSeen *seen, const gchar *expected_response)
{
  GPtrArray *responses;
  JsonParser *parser;
  JsonObject *fr;
  JsonGenerator *gen;
  gchar *response;

  fail_unless (gls_sim_wait_message_kind (f->sim, "toolResponse", WAIT_MS));
  responses = client_messages_of (f, "toolResponse");
  fail_unless_equals_int (responses->len, 1);
  fr = json_array_get_object_element (
      json_object_get_array_member (
          json_object_get_object_member (
              parse_object (g_ptr_array_index (responses, 0), &parser),
              "toolResponse"),
          "functionResponses"),
      0);
  fail_unless_equals_string (
      json_object_get_string_member (fr, "id"), seen->id);
  fail_unless_equals_string (
      json_object_get_string_member (fr, "name"), "get_weather");
  gen = json_generator_new ();
  json_generator_set_root (gen, json_object_get_member (fr, "response"));
  response = json_generator_to_data (gen, NULL);
  fail_unless_equals_string (response, expected_response);
  g_free (response);
  g_object_unref (gen);
  g_object_unref (parser);
  g_ptr_array_unref (responses);
}

GST_START_TEST (test_tool_call_answered_by_signal_return)
{
  Fixture f;
  ToolCallSeen seen = { NULL, NULL, NULL, TRUE };
  GstMessage *msg;
  gboolean ok = FALSE;

  fixture_setup (&f, "tools", TOOLS, NULL);
  g_signal_connect (f.element, "tool-call", G_CALLBACK (on_tool_call), &seen);
  gst_harness_play (f.out);
  gst_message_unref (wait_message (&f, "geminilive/setup-complete"));
  g_signal_emit_by_name (
      f.element, "send-text", "What does get_weather say for Paris?", &ok);
  fail_unless (ok);

  msg = wait_message (&f, "geminilive/tool-call");
  fail_unless_equals_string (
      gst_structure_get_string (gst_message_get_structure (msg), "name"),
      "get_weather");
  gst_message_unref (msg);
  check_tool_response (&f, &seen, "{\"temp_c\":21}");
  fail_unless_equals_string (seen.name, "get_weather");
  fail_unless (seen.args != NULL && seen.args[0] == '{');
  /* The model goes on to answer once it has the result. */
  fail_unless (gls_sim_wait_answers_sent (f.sim, 1, WAIT_MS));

  g_free (seen.id);
  g_free (seen.name);
  g_free (seen.args);
  fixture_teardown (&f);
}

GST_END_TEST;

GST_START_TEST (test_tool_call_answered_later_by_action)
{
  Fixture f;
  ToolCallSeen seen = { NULL, NULL, NULL, FALSE };
  gboolean ok = FALSE;
  GPtrArray *none;

  fixture_setup (&f, "tools", TOOLS, NULL);
  g_signal_connect (f.element, "tool-call", G_CALLBACK (on_tool_call), &seen);
  gst_harness_play (f.out);
  gst_message_unref (wait_message (&f, "geminilive/setup-complete"));
  g_signal_emit_by_name (f.element, "send-text", "call get_weather", &ok);
  gst_message_unref (wait_message (&f, "geminilive/tool-call"));
  none = client_messages_of (&f, "toolResponse");
  fail_unless_equals_int (none->len, 0);
  g_ptr_array_unref (none);

  /* Invalid JSON is refused and nothing is sent. */
  g_signal_emit_by_name (f.element, "send-tool-response", seen.id,
      "get_weather", "{not json", NULL, &ok);
  fail_if (ok);
  g_signal_emit_by_name (f.element, "send-tool-response", seen.id,
      "get_weather", "{\"temp_c\": 5, \"sky\": \"grey\"}", NULL, &ok);
  fail_unless (ok);
  check_tool_response (&f, &seen, "{\"temp_c\":5,\"sky\":\"grey\"}");
  fail_unless (gls_sim_wait_answers_sent (f.sim, 1, WAIT_MS));

  g_free (seen.id);
  g_free (seen.name);
  g_free (seen.args);
  fixture_teardown (&f);
}

GST_END_TEST;

static void
on_cancellation (GstElement *element, GStrv ids, gchar **first_seen)
{
  *first_seen = g_strdup (ids ? ids[0] : NULL);
}

GST_START_TEST (test_tool_call_cancellation_signal)
{
  Fixture f;
  gchar *first_seen = NULL;
  GstMessage *msg;
  const GValue *ids;

  fixture_setup (&f, NULL);
  g_signal_connect (f.element, "tool-call-cancellation",
      G_CALLBACK (on_cancellation), &first_seen);
  gst_harness_play (f.out);
  gst_message_unref (wait_message (&f, "geminilive/setup-complete"));
  gls_sim_send_json (f.sim,
      "{\"toolCallCancellation\": {\"ids\": [\"function-call-1\", \"b\"]}}",
      TRUE);
  msg = wait_message (&f, "geminilive/tool-call-cancellation");
  ids = gst_structure_get_value (gst_message_get_structure (msg), "ids");
  fail_unless (G_VALUE_HOLDS (ids, G_TYPE_STRV));
  fail_unless_equals_int (g_strv_length (g_value_get_boxed (ids)), 2);
  fail_unless_equals_string (first_seen, "function-call-1");
  gst_message_unref (msg);
  g_free (first_seen);
  fixture_teardown (&f);
}

GST_END_TEST;

GST_START_TEST (test_blocking_call_holds_input_until_answered)
{
  Fixture f;
  GlsSimOptions options = default_sim_options ();
  ToolCallSeen seen = { NULL, NULL, NULL, FALSE };
  GBytes *before, *received;
  gboolean ok = FALSE;

  /* The strict server closes with 1008 on input during a blocking call. */
  options.strict_tool_gating = TRUE;
  fixture_setup_full (&f, &options, "tools", TOOLS, NULL);
  g_signal_connect (f.element, "tool-call", G_CALLBACK (on_tool_call), &seen);
  gst_harness_play (f.out);
  gst_message_unref (wait_message (&f, "geminilive/setup-complete"));
  g_signal_emit_by_name (f.element, "send-text", "call get_weather", &ok);
  gst_message_unref (wait_message (&f, "geminilive/tool-call"));

  before = gls_sim_dup_received_audio (f.sim);
  push_bytes (&f, make_tone (400, 0));
  /* Answering releases the held audio, after the response. */
  g_signal_emit_by_name (f.element, "send-tool-response", seen.id,
      "get_weather", "{\"temp_c\": 3}", NULL, &ok);
  fail_unless (ok);
  fail_unless (gls_sim_wait_received_audio (
      f.sim, g_bytes_get_size (before) + 12800, WAIT_MS));
  fail_unless_equals_int (gls_sim_get_input_during_tool_call_count (f.sim), 0);
  received = gls_sim_dup_received_audio (f.sim);
  fail_unless_equals_int (
      g_bytes_get_size (received), g_bytes_get_size (before) + 12800);
  fail_unless_equals_int (gls_sim_get_connection_count (f.sim), 1);
  g_bytes_unref (received);
  g_bytes_unref (before);
  g_free (seen.id);
  g_free (seen.name);
  g_free (seen.args);
  fixture_teardown (&f);
}

GST_END_TEST;

GST_START_TEST (test_unanswered_call_times_out_into_error_response)
{
  Fixture f;
  ToolCallSeen seen = { NULL, NULL, NULL, FALSE };
  gchar *cancelled = NULL;
  GPtrArray *responses;
  GstMessage *msg;
  gboolean ok = FALSE;

  fixture_setup (&f, "tools", TOOLS, "tool-call-timeout", 200, NULL);
  g_signal_connect (f.element, "tool-call", G_CALLBACK (on_tool_call), &seen);
  g_signal_connect (f.element, "tool-call-cancellation",
      G_CALLBACK (on_cancellation), &cancelled);
  gst_harness_play (f.out);
  gst_message_unref (wait_message (&f, "geminilive/setup-complete"));
  g_signal_emit_by_name (f.element, "send-text", "call get_weather", &ok);
  msg = wait_message (&f, "geminilive/tool-call-cancellation");
  fail_unless_equals_string (
      gst_structure_get_string (gst_message_get_structure (msg), "reason"),
      "timeout");
  gst_message_unref (msg);
  fail_unless_equals_string (cancelled, seen.id);
  fail_unless (gls_sim_wait_message_kind (f.sim, "toolResponse", WAIT_MS));
  responses = client_messages_of (&f, "toolResponse");
  fail_unless (strstr (g_ptr_array_index (responses, 0), "\"error\"") != NULL);
  g_ptr_array_unref (responses);
  /* The model goes on after the error response. */
  fail_unless (gls_sim_wait_answers_sent (f.sim, 1, WAIT_MS));
  g_free (cancelled);
  g_free (seen.id);
  g_free (seen.name);
  g_free (seen.args);
  fixture_teardown (&f);
}

GST_END_TEST;

GST_START_TEST (test_raw_server_messages_on_request)
{
  Fixture f;
  GstMessage *msg;

  fixture_setup (&f, "post-server-messages", TRUE, NULL);
  gst_harness_play (f.out);
  msg = wait_message (&f, "geminilive/server-message");
  fail_unless (strstr (gst_structure_get_string (
                           gst_message_get_structure (msg), "json"),
                   "setupComplete")
      != NULL);
  gst_message_unref (msg);
  fixture_teardown (&f);
}

GST_END_TEST;

/* ---- transcripts and other events -------------------------------------- */

GST_START_TEST (test_transcriptions_and_usage_on_bus)
{
  Fixture f;
  GstMessage *msg;
  const GstStructure *s;
  gint64 total = 0;
  GstClockTime rt;

  fixture_setup (
      &f, "input-transcription", TRUE, "output-transcription", TRUE, NULL);
  gst_harness_play (f.out);
  speak (&f, 500);
  msg = wait_message (&f, "geminilive/input-transcription");
  s = gst_message_get_structure (msg);
  fail_unless (gst_structure_get_string (s, "text") != NULL);
  fail_unless (gst_structure_get_uint64 (s, "running-time", &rt));
  gst_message_unref (msg);
  msg = wait_message (&f, "geminilive/output-transcription");
  fail_unless (strlen (gst_structure_get_string (
                   gst_message_get_structure (msg), "text"))
      > 0);
  gst_message_unref (msg);
  gst_message_unref (wait_message (&f, "geminilive/generation-complete"));
  gst_message_unref (wait_message (&f, "geminilive/turn-complete"));
  msg = wait_message (&f, "geminilive/usage");
  fail_unless (gst_structure_get_int64 (
      gst_message_get_structure (msg), "total-token-count", &total));
  fail_unless (total > 0);
  gst_message_unref (msg);
  msg = wait_message (&f, "geminilive/session-resumption-update");
  gst_message_unref (msg);
  fixture_teardown (&f);
}

GST_END_TEST;

static void
on_notify_handle (GObject *object, GParamSpec *pspec, gint *count)
{
  g_atomic_int_inc (count);
}

GST_START_TEST (test_resumption_handle_and_go_away)
{
  Fixture f;
  GstMessage *msg;
  gchar *handle = NULL;
  guint64 time_left = 0;
  gint notified = 0;

  fixture_setup (&f, NULL);
  g_signal_connect (f.element, "notify::resumption-handle",
      G_CALLBACK (on_notify_handle), &notified);
  gst_harness_play (f.out);
  msg = wait_message (&f, "geminilive/session-resumption-update");
  gst_message_unref (msg);
  g_object_get (f.element, "resumption-handle", &handle, NULL);
  fail_unless (handle != NULL && *handle != '\0');
  fail_unless (g_atomic_int_get (&notified) >= 1);
  g_free (handle);

  gls_sim_go_away (f.sim, 4500);
  msg = wait_message (&f, "geminilive/go-away");
  fail_unless (gst_structure_get_uint64 (
      gst_message_get_structure (msg), "time-left", &time_left));
  fail_unless_equals_uint64 (time_left, 4500 * GST_MSECOND);
  gst_message_unref (msg);
  fixture_teardown (&f);
}

GST_END_TEST;

/* ---- errors ------------------------------------------------------------ */

GST_START_TEST (test_server_close_is_error_with_code_and_reason)
{
  Fixture f;
  GstMessage *msg;
  GError *err = NULL;
  gchar *dbg = NULL;
  const GstStructure *details = NULL;
  guint code = 0;

  /* Without reconnection, a close is the end: an error. */
  fixture_setup (&f, "reconnect", FALSE, NULL);
  gst_harness_play (f.out);
  gst_message_unref (wait_message (&f, "geminilive/setup-complete"));
  gls_sim_close (f.sim, 1011, "Internal error occurred.");
  msg = wait_message (&f, "error");
  gst_message_parse_error (msg, &err, &dbg);
  fail_unless (strstr (err->message, "1011") != NULL, err->message);
  fail_unless (strstr (err->message, "Internal error occurred.") != NULL);
  gst_message_parse_error_details (msg, &details);
  fail_unless (details != NULL);
  fail_unless (gst_structure_get_uint (details, "close-code", &code));
  fail_unless_equals_int (code, 1011);
  fail_unless_equals_string (gst_structure_get_string (details, "close-reason"),
      "Internal error occurred.");
  g_error_free (err);
  g_free (dbg);
  gst_message_unref (msg);
  fixture_teardown (&f);
}

GST_END_TEST;

GST_START_TEST (test_strict_server_rejects_unknown_field)
{
  Fixture f;
  GstMessage *msg;
  GError *err = NULL;

  /* A tools declaration the server does not accept closes with 1007; the
   * error carries the server's reason. */
  fixture_setup (&f, "tools",
      "[{\"name\":\"f\",\"parameterz\":{\"type\":\"OBJECT\"}}]", NULL);
  f.invalid_on_purpose = TRUE;
  gst_harness_play (f.out);
  msg = wait_message (&f, "error");
  gst_message_parse_error (msg, &err, NULL);
  fail_unless (strstr (err->message, "1007") != NULL, err->message);
  fail_unless (strstr (err->message, "parameterz") != NULL, err->message);
  g_error_free (err);
  gst_message_unref (msg);
  fixture_teardown (&f);
}

GST_END_TEST;

GST_START_TEST (test_wrong_key_is_not_authorized)
{
  Fixture f;
  GstMessage *msg;
  GError *err = NULL;

  fixture_setup (&f, "api-key", "wrong-key", NULL);
  gst_harness_play (f.out);
  msg = wait_message (&f, "error");
  gst_message_parse_error (msg, &err, NULL);
  fail_unless (g_error_matches (
                   err, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NOT_AUTHORIZED),
      err->message);
  fail_unless (strstr (err->message, "wrong-key") == NULL);
  g_error_free (err);
  gst_message_unref (msg);
  fixture_teardown (&f);
}

GST_END_TEST;

GST_START_TEST (test_refused_connection)
{
  GstElement *element = gst_element_factory_make ("geminilive", NULL);
  GError *err;
  GlsSimOptions options = default_sim_options ();
  GlsSim *sim = gls_sim_new (&options, NULL);
  gchar *uri = gls_sim_get_uri (sim, "v1");

  /* A port where nothing listens any more. */
  gls_sim_free (sim);
  g_object_set (element, "uri", uri, "api-key", TEST_KEY, NULL);
  err = state_change_error (
      element, GST_STATE_PLAYING, FALSE, "Could not connect");
  fail_unless (g_error_matches (
                   err, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_OPEN_READ_WRITE),
      err->message);
  g_error_free (err);
  gst_object_unref (element);
  g_free (uri);
}

GST_END_TEST;

GST_START_TEST (test_proxy_property_and_environment_are_used)
{
  GlsSimOptions options = default_sim_options ();
  GlsSim *sim = gls_sim_new (&options, NULL);
  gchar *uri = gls_sim_get_uri (sim, "v1");
  GstElement *element = gst_element_factory_make ("geminilive", NULL);

  /* A proxy where nothing listens: the connection goes there, not to the
   * simulator, and fails. */
  g_object_set (element, "uri", uri, "api-key", TEST_KEY, "proxy",
      "http://127.0.0.1:1", NULL);
  g_error_free (state_change_error (
      element, GST_STATE_PLAYING, FALSE, "Could not connect"));
  fail_unless_equals_int (gls_sim_get_connection_count (sim), 0);

  /* Same through the environment, when the property is unset. */
  g_setenv ("http_proxy", "http://127.0.0.1:1", TRUE);
  g_object_set (element, "proxy", NULL, NULL);
  g_error_free (state_change_error (element, GST_STATE_PLAYING, FALSE, ""));
  fail_unless_equals_int (gls_sim_get_connection_count (sim), 0);
  g_unsetenv ("http_proxy");

  gst_object_unref (element);
  g_free (uri);
  gls_sim_free (sim);
}

GST_END_TEST;

GST_START_TEST (test_bad_uri_and_missing_key)
{
  GstElement *element = gst_element_factory_make ("geminilive", NULL);
  GError *err;

  g_object_set (
      element, "uri", "http://example.com/x", "api-key", TEST_KEY, NULL);
  g_error_free (state_change_error (element, GST_STATE_READY, TRUE, "uri"));

  /* No key anywhere (meson clears the environment variables). */
  g_object_set (element, "uri", "ws://127.0.0.1:9/x", "api-key", NULL, NULL);
  err = state_change_error (element, GST_STATE_READY, TRUE, "GEMINI_API_KEY");
  fail_unless (g_error_matches (
      err, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NOT_AUTHORIZED));
  g_error_free (err);
  gst_object_unref (element);
}

GST_END_TEST;

GST_START_TEST (test_malformed_server_json_is_warning)
{
  Fixture f;
  GstMessage *msg;
  GError *err = NULL;

  fixture_setup (&f, NULL);
  gst_harness_play (f.out);
  gst_message_unref (wait_message (&f, "geminilive/setup-complete"));
  gls_sim_send_json (f.sim, "{\"serverContent\": {\"turnComplete\": tru", TRUE);
  msg = wait_message (&f, "warning");
  gst_message_parse_warning (msg, &err, NULL);
  fail_unless (strstr (err->message, "Malformed") != NULL, err->message);
  g_error_free (err);
  gst_message_unref (msg);
  /* The conversation goes on. */
  gls_sim_send_json (
      f.sim, "{\"serverContent\": {\"turnComplete\": true}}", FALSE);
  gst_message_unref (wait_message (&f, "geminilive/turn-complete"));
  fixture_teardown (&f);
}

GST_END_TEST;

/* ---- EOS and state cycling --------------------------------------------- */

GST_START_TEST (test_eos_sends_stream_end_then_ends_src)
{
  Fixture f;
  GstEvent *event;
  gint64 deadline;
  gboolean got_eos = FALSE;

  fixture_setup (&f, NULL);
  gst_harness_play (f.out);
  push_bytes (&f, make_tone (500, 8000));
  gst_harness_push_event (f.in, gst_event_new_eos ());
  fail_unless (gls_sim_wait_message_kind (f.sim, "audioStreamEnd", WAIT_MS));
  gst_message_unref (wait_message (&f, "geminilive/generation-complete"));

  deadline = g_get_monotonic_time () + WAIT_MS * 1000;
  while (!got_eos && g_get_monotonic_time () < deadline) {
    GstTestClock *clock = gst_harness_get_testclock (f.out);
    GstBuffer *buf;

    while ((buf = gst_harness_try_pull (f.out)))
      gst_buffer_unref (buf);
    while ((event = gst_harness_try_pull_event (f.out))) {
      got_eos |= GST_EVENT_TYPE (event) == GST_EVENT_EOS;
      gst_event_unref (event);
    }
    if (gst_test_clock_timed_wait_for_multiple_pending_ids (clock, 1, 20, NULL))
      gst_harness_crank_single_clock_wait (f.out);
    gst_object_unref (clock);
  }
  fail_unless (got_eos, "no EOS on src after the answer");
  fixture_teardown (&f);
}

GST_END_TEST;

GST_START_TEST (test_state_cycles)
{
  GlsSimOptions options = default_sim_options ();
  GlsSim *sim = gls_sim_new (&options, NULL);
  gchar *uri = gls_sim_get_uri (sim, "v1");
  GstElement *pipeline;
  gchar *desc;
  guint i;

  desc = g_strdup_printf ("audiotestsrc is-live=true wave=silence ! "
                          "geminilive uri=%s api-key=" TEST_KEY
                          " ! fakesink sync=true",
      uri);
  pipeline = gst_parse_launch (desc, NULL);
  fail_unless (pipeline != NULL);
  for (i = 0; i < 5; i++) {
    GBytes *before = gls_sim_dup_received_audio (sim);

    fail_unless (gst_element_set_state (pipeline, GST_STATE_PLAYING)
        != GST_STATE_CHANGE_FAILURE);
    /* This cycle's connection is up and carrying audio. */
    fail_unless (gls_sim_wait_received_audio (
        sim, g_bytes_get_size (before) + 1, WAIT_MS));
    g_bytes_unref (before);
    fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_NULL),
        GST_STATE_CHANGE_SUCCESS);
    fail_unless (gls_sim_wait_all_closed (sim, WAIT_MS));
    /* Going down closes with a normal closure. */
    fail_unless_equals_int (gls_sim_get_last_close_code (sim), 1000);
  }
  fail_unless_equals_int (gls_sim_get_connection_count (sim), 5);
  gst_object_unref (pipeline);
  g_free (desc);
  g_free (uri);
  gls_sim_free (sim);
}

GST_END_TEST;

/* Threads of this process whose name starts with prefix. */
static guint
count_threads (const gchar *prefix)
{
  GDir *dir = g_dir_open ("/proc/self/task", 0, NULL);
  const gchar *tid;
  guint n = 0;

  fail_unless (dir != NULL);
  while ((tid = g_dir_read_name (dir)) != NULL) {
    gchar *path = g_build_filename ("/proc/self/task", tid, "comm", NULL);
    gchar *name = NULL;

    if (g_file_get_contents (path, &name, NULL, NULL)
        && g_str_has_prefix (name, prefix))
      n++;
    g_free (name);
    g_free (path);
  }
  g_dir_close (dir);
  return n;
}

GST_START_TEST (test_sessions_share_network_threads)
{
  Fixture f[5];
  guint i;

  for (i = 0; i < 5; i++) {
    fixture_setup (&f[i], NULL);
    gst_harness_play (f[i].out);
  }
  for (i = 0; i < 5; i++)
    gst_message_unref (wait_message (&f[i], "geminilive/setup-complete"));
  /* Four conversations to a network thread, not one thread each. */
  fail_unless_equals_int (count_threads ("geminilive-net"), 2);

  /* Stopping sessions leaves the others talking on their thread. */
  for (i = 0; i < 4; i++)
    fixture_teardown (&f[i]);
  fail_unless_equals_int (count_threads ("geminilive-net"), 1);
  speak (&f[4], 400);
  fail_unless (gls_sim_wait_received_audio (f[4].sim, 16000 * 2, WAIT_MS));
  fail_unless (gls_sim_wait_answers_sent (f[4].sim, 1, WAIT_MS));

  /* A thread stops with its last session. */
  fixture_teardown (&f[4]);
  fail_unless_equals_int (count_threads ("geminilive-net"), 0);
}

GST_END_TEST;

typedef struct
{
  GMutex lock;
  GCond cond;
  gint result; /* 0: not yet, 1: stopped, -1: failed */
} StopSeen;

static gchar *
stop_from_handler (GstElement *element, const gchar *id, const gchar *name,
    const gchar *args, StopSeen *seen)
{
  /* In the network thread: stopping must not wait for itself. */
  gboolean ok = gst_element_set_state (element, GST_STATE_NULL)
      == GST_STATE_CHANGE_SUCCESS;

  g_mutex_lock (&seen->lock);
  seen->result = ok ? 1 : -1;
  g_cond_broadcast (&seen->cond);
  g_mutex_unlock (&seen->lock);
  return NULL;
}

/* An application may stop the element from one of its own handlers,
 * which run in the network thread the element's session lives on. */
GST_START_TEST (test_stop_from_a_tool_call_handler)
{
  Fixture f;
  StopSeen stopped;
  gint64 deadline = g_get_monotonic_time () + WAIT_MS * 1000;
  gboolean ok = FALSE;

  g_mutex_init (&stopped.lock);
  g_cond_init (&stopped.cond);
  stopped.result = 0;
  fixture_setup (&f, "tools", TOOLS, NULL);
  g_signal_connect (
      f.element, "tool-call", G_CALLBACK (stop_from_handler), &stopped);
  gst_harness_play (f.out);
  gst_message_unref (wait_message (&f, "geminilive/setup-complete"));
  g_signal_emit_by_name (f.element, "send-text", "call get_weather", &ok);
  fail_unless (ok);

  g_mutex_lock (&stopped.lock);
  while (stopped.result == 0)
    fail_unless (g_cond_wait_until (&stopped.cond, &stopped.lock, deadline),
        "set_state from the handler did not return");
  fail_unless_equals_int (stopped.result, 1);
  g_mutex_unlock (&stopped.lock);
  fail_unless (gls_sim_wait_all_closed (f.sim, WAIT_MS));
  /* Closed like any stop: a normal closure. */
  fail_unless_equals_int (gls_sim_get_last_close_code (f.sim), 1000);

  fixture_teardown (&f);
  g_mutex_clear (&stopped.lock);
  g_cond_clear (&stopped.cond);
}

GST_END_TEST;

/* ---- reconnection ------------------------------------------------------ */

GST_START_TEST (test_go_away_moves_to_a_resumed_connection)
{
  Fixture f;
  GstMessage *msg;
  GPtrArray *setups;
  gchar *handle_before = NULL, *resumed_handle;
  gboolean resumed = FALSE;
  guint i;

  fixture_setup (&f, NULL);
  gst_harness_play (f.out);
  gst_message_unref (wait_message (&f, "geminilive/session-resumption-update"));
  g_object_get (f.element, "resumption-handle", &handle_before, NULL);

  gls_sim_go_away (f.sim, 5000);
  msg = wait_message (&f, "geminilive/reconnecting");
  /* A planned switch, not a loss. */
  fail_unless_equals_int (message_uint (msg, "close-code"), 0);
  gst_message_unref (msg);
  msg = wait_message (&f, "geminilive/reconnected");
  fail_unless (gst_structure_get_boolean (
                   gst_message_get_structure (msg), "resumed", &resumed)
      && resumed);
  gst_message_unref (msg);

  /* Every later setup resumes with the newest handle. The simulator
   * refuses (1011) a resume while it still sees the old socket open; the
   * element closes that socket first, and should the server still race
   * it, retries. */
  setups = client_messages_of (&f, "setup");
  fail_unless (setups->len >= 2);
  for (i = 1; i < setups->len; i++) {
    resumed_handle = setup_handle (g_ptr_array_index (setups, i));
    fail_unless_equals_string (resumed_handle, handle_before);
    g_free (resumed_handle);
  }
  fail_unless_equals_int (gls_sim_get_open_connection_count (f.sim), 1);

  /* The conversation goes on over the new connection. */
  speak (&f, 400);
  gst_message_unref (wait_message (&f, "geminilive/generation-complete"));
  g_free (handle_before);
  g_ptr_array_unref (setups);
  fixture_teardown (&f);
}

GST_END_TEST;

/* The outage shows without -m too: a WARNING when it starts, an INFO
 * when the conversation goes on. */
static void
check_reconnects_after (Fixture *f, guint expected_code)
{
  GstMessage *msg;
  GError *err = NULL;
  gchar *debug = NULL;
  gboolean resumed = FALSE;

  msg = wait_message (f, "warning");
  gst_message_parse_warning (msg, &err, &debug);
  fail_unless_equals_string (
      err->message, "The conversation was interrupted: reconnecting");
  g_clear_error (&err);
  g_free (debug);
  gst_message_unref (msg);
  msg = wait_message (f, "geminilive/reconnecting");
  fail_unless_equals_int (message_uint (msg, "close-code"), expected_code);
  fail_unless_equals_int (message_uint (msg, "attempt"), 1);
  gst_message_unref (msg);
  msg = wait_message (f, "info");
  gst_message_parse_info (msg, &err, &debug);
  fail_unless (g_str_has_prefix (err->message, "Reconnected after "),
      "info: %s", err->message);
  fail_unless (strstr (err->message, "the conversation goes on") != NULL);
  g_clear_error (&err);
  g_free (debug);
  gst_message_unref (msg);
  msg = wait_message (f, "geminilive/reconnected");
  fail_unless (gst_structure_get_boolean (
                   gst_message_get_structure (msg), "resumed", &resumed)
      && resumed);
  gst_message_unref (msg);
  fail_unless_equals_int (gls_sim_get_connection_count (f->sim), 2);
}

GST_START_TEST (test_drop_reconnects_and_resumes)
{
  Fixture f;

  fixture_setup (&f, NULL);
  gst_harness_play (f.out);
  gst_message_unref (wait_message (&f, "geminilive/session-resumption-update"));
  gls_sim_drop (f.sim);
  check_reconnects_after (&f, 1006);
  fixture_teardown (&f);
}

GST_END_TEST;

GST_START_TEST (test_internal_error_close_is_retried)
{
  Fixture f;

  fixture_setup (&f, NULL);
  gst_harness_play (f.out);
  gst_message_unref (wait_message (&f, "geminilive/session-resumption-update"));
  gls_sim_close (f.sim, 1011, "Internal error occurred.");
  check_reconnects_after (&f, 1011);
  fixture_teardown (&f);
}

GST_END_TEST;

GST_START_TEST (test_input_during_outage_is_sent_after)
{
  Fixture f;
  GBytes *before, *during, *received;
  gsize total;

  fixture_setup (&f, NULL);
  gst_harness_play (f.out);
  gst_message_unref (wait_message (&f, "geminilive/session-resumption-update"));
  before = make_tone (200, 0);
  push_bytes (&f, g_bytes_ref (before));
  fail_unless (gls_sim_wait_received_audio (f.sim, 6400, WAIT_MS));

  /* The connection refuses to come back at first: audio keeps coming. */
  gls_sim_set_refuse_connections (f.sim, TRUE);
  gls_sim_drop (f.sim);
  gst_message_unref (wait_message (&f, "geminilive/reconnecting"));
  during = make_tone (400, 0);
  push_bytes (&f, g_bytes_ref (during));
  gls_sim_set_refuse_connections (f.sim, FALSE);
  gst_message_unref (wait_message (&f, "geminilive/reconnected"));

  /* Everything sent after the last handle is sent again on the new
   * connection, then what was captured meanwhile. */
  total = 6400 + g_bytes_get_size (during);
  fail_unless (gls_sim_wait_received_audio (f.sim, 6400 + total, WAIT_MS));
  received = gls_sim_dup_received_audio (f.sim);
  fail_unless_equals_int (g_bytes_get_size (received), 6400 + total);
  g_bytes_unref (received);
  g_bytes_unref (before);
  g_bytes_unref (during);
  fixture_teardown (&f);
}

GST_END_TEST;

GST_START_TEST (test_fatal_close_is_not_retried)
{
  Fixture f;
  GstMessage *msg;
  GError *err = NULL;
  const GstStructure *details = NULL;
  guint code = 0;

  fixture_setup (&f, NULL);
  gst_harness_play (f.out);
  gst_message_unref (wait_message (&f, "geminilive/setup-complete"));
  gls_sim_close (f.sim, 1007, "Request contains an invalid argument.");
  msg = wait_message (&f, "error");
  gst_message_parse_error (msg, &err, NULL);
  gst_message_parse_error_details (msg, &details);
  fail_unless (gst_structure_get_uint (details, "close-code", &code));
  fail_unless_equals_int (code, 1007);
  fail_unless_equals_int (gls_sim_get_connection_count (f.sim), 1);
  g_error_free (err);
  gst_message_unref (msg);
  fixture_teardown (&f);
}

GST_END_TEST;

GST_START_TEST (test_gives_up_when_the_budget_runs_out)
{
  Fixture f;
  GstMessage *msg;
  GError *err = NULL;

  fixture_setup (&f, "reconnect-timeout", 600, NULL);
  gst_harness_play (f.out);
  gst_message_unref (wait_message (&f, "geminilive/setup-complete"));
  gls_sim_set_refuse_connections (f.sim, TRUE);
  gls_sim_close (f.sim, 1011, "Internal error occurred.");
  msg = wait_message (&f, "error");
  gst_message_parse_error (msg, &err, NULL);
  fail_unless (
      g_error_matches (err, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_READ),
      err->message);
  /* Several attempts were made, with backoff, before giving up. */
  fail_unless (gls_sim_get_connection_count (f.sim) >= 1);
  g_error_free (err);
  gst_message_unref (msg);
  fixture_teardown (&f);
}

GST_END_TEST;

GST_START_TEST (test_pending_tool_call_cancelled_on_drop)
{
  Fixture f;
  ToolCallSeen seen = { NULL, NULL, NULL, FALSE };
  gchar *cancelled = NULL, *first_id, *second_id;
  gboolean ok = TRUE;
  GPtrArray *responses;
  GstMessage *msg;

  fixture_setup (&f, "tools", TOOLS, NULL);
  g_signal_connect (f.element, "tool-call", G_CALLBACK (on_tool_call), &seen);
  g_signal_connect (f.element, "tool-call-cancellation",
      G_CALLBACK (on_cancellation), &cancelled);
  gst_harness_play (f.out);
  /* Send only once the first handle is known, so that the request is
   * certainly not covered by it (see docs/sessions.md on the Gemini API's
   * in-flight window). */
  gst_message_unref (wait_message (&f, "geminilive/session-resumption-update"));
  g_signal_emit_by_name (f.element, "send-text", "call get_weather", &ok);
  gst_message_unref (wait_message (&f, "geminilive/tool-call"));
  first_id = g_strdup (seen.id);

  /* The call dies with the connection: the application hears so. */
  gls_sim_drop (f.sim);
  gst_message_unref (wait_message (&f, "geminilive/tool-call-cancellation"));
  fail_unless_equals_string (cancelled, first_id);
  gst_message_unref (wait_message (&f, "geminilive/reconnected"));

  /* The request was not covered by the handle, so it is resent and the
   * model asks again; that call is answered normally. (Its id comes from
   * its own message: the handler may have run before the wait above
   * returned.) */
  msg = wait_message (&f, "geminilive/tool-call");
  second_id = g_strdup (
      gst_structure_get_string (gst_message_get_structure (msg), "id"));
  gst_message_unref (msg);
  fail_if (g_strcmp0 (second_id, first_id) == 0);
  g_signal_emit_by_name (f.element, "send-tool-response", second_id,
      "get_weather", "{\"temp_c\": 1}", NULL, &ok);
  fail_unless (ok);
  fail_unless (gls_sim_wait_answers_sent (f.sim, 1, WAIT_MS));
  responses = client_messages_of (&f, "toolResponse");
  fail_unless_equals_int (responses->len, 1);
  g_ptr_array_unref (responses);

  /* An answer to a call nobody is waiting for is refused. */
  g_signal_emit_by_name (f.element, "send-tool-response", "no-such-call",
      "get_weather", "{}", NULL, &ok);
  fail_if (ok);

  g_free (first_id);
  g_free (second_id);
  g_free (cancelled);
  g_free (seen.id);
  g_free (seen.name);
  g_free (seen.args);
  fixture_teardown (&f);
}

GST_END_TEST;

GST_START_TEST (test_recycle_before_the_limit)
{
  Fixture f;
  GstMessage *msg;

  fixture_setup (&f, "max-connection-duration", 1, NULL);
  gst_harness_play (f.out);
  msg = wait_message (&f, "geminilive/reconnecting");
  fail_unless_equals_int (message_uint (msg, "close-code"), 0);
  fail_unless (strstr (gst_structure_get_string (
                           gst_message_get_structure (msg), "reason"),
                   "recycled")
      != NULL);
  gst_message_unref (msg);
  gst_message_unref (wait_message (&f, "geminilive/reconnected"));
  fixture_teardown (&f);
}

GST_END_TEST;

GST_START_TEST (test_flush_and_pause_keep_the_session)
{
  Fixture f;
  GBytes *received;

  fixture_setup (&f, NULL);
  gst_harness_play (f.out);
  gst_message_unref (wait_message (&f, "geminilive/setup-complete"));
  push_bytes (&f, make_tone (200, 0));
  fail_unless (gls_sim_wait_received_audio (f.sim, 6400, WAIT_MS));

  /* A flush on the input (a seek upstream) does not block or reconnect. */
  fail_unless (gst_harness_push_event (f.in, gst_event_new_flush_start ()));
  fail_unless (gst_harness_push_event (f.in, gst_event_new_flush_stop (TRUE)));
  gst_harness_set_src_caps_str (f.in, IN_CAPS);
  push_bytes (&f, make_tone (200, 0));
  fail_unless (gls_sim_wait_received_audio (f.sim, 12800, WAIT_MS));

  /* PLAYING -> PAUSED -> PLAYING keeps the connection. */
  fail_unless (gst_element_set_state (f.element, GST_STATE_PAUSED)
      != GST_STATE_CHANGE_FAILURE);
  fail_unless (gst_element_set_state (f.element, GST_STATE_PLAYING)
      != GST_STATE_CHANGE_FAILURE);
  push_bytes (&f, make_tone (200, 0));
  fail_unless (gls_sim_wait_received_audio (f.sim, 19200, WAIT_MS));
  fail_unless_equals_int (gls_sim_get_connection_count (f.sim), 1);
  received = gls_sim_dup_received_audio (f.sim);
  fail_unless_equals_int (g_bytes_get_size (received), 19200);
  g_bytes_unref (received);
  fixture_teardown (&f);
}

GST_END_TEST;

/* ---- the whole API ----------------------------------------------------- */

/* Index of the first client message that has this member at the top or
 * in realtimeInput; G_MAXUINT if none. */
static guint
first_index_of (Fixture *f, const gchar *kind)
{
  GPtrArray *all = gls_sim_dup_client_messages (f->sim);
  guint i, found = G_MAXUINT;

  for (i = 0; i < all->len && found == G_MAXUINT; i++) {
    JsonParser *parser;
    JsonObject *o = parse_object (g_ptr_array_index (all, i), &parser);
    if (json_object_has_member (o, kind)
        || (json_object_has_member (o, "realtimeInput")
            && json_object_has_member (
                json_object_get_object_member (o, "realtimeInput"), kind)))
      found = i;
    g_object_unref (parser);
  }
  g_ptr_array_unref (all);
  return found;
}

GST_START_TEST (test_manual_activity_by_signals_holds_audio)
{
  Fixture f;
  GPtrArray *audio;
  gboolean ok = FALSE;

  fixture_setup (
      &f, "automatic-activity-detection", FALSE, "activity-preroll", 120, NULL);
  gst_harness_play (f.out);
  gst_message_unref (wait_message (&f, "geminilive/setup-complete"));

  /* Before activityStart, audio is never sent (the server would close
   * with 1007); only its last 120 ms are kept. */
  push_bytes (&f, make_tone (400, 3000));
  g_signal_emit_by_name (f.element, "activity-start", &ok);
  fail_unless (ok);
  push_bytes (&f, make_tone (200, 3000));
  g_signal_emit_by_name (f.element, "activity-end", &ok);
  fail_unless (ok);
  fail_unless (gls_sim_wait_message_kind (f.sim, "activityEnd", WAIT_MS));

  fail_unless (
      first_index_of (&f, "activityStart") < first_index_of (&f, "audio"));
  audio = client_messages_of (&f, "audio");
  /* 120 ms of pre-roll (3 chunks of 40 ms) and the 200 ms spoken after. */
  fail_unless_equals_int (audio->len, 3 + 5);
  g_ptr_array_unref (audio);
  fail_unless (first_index_of (&f, "audioStreamEnd") == G_MAXUINT);
  /* The server answers the activity, and nothing was refused. */
  fail_unless (gls_sim_wait_answers_sent (f.sim, 1, WAIT_MS));
  fail_unless_equals_int (gls_sim_get_connection_count (f.sim), 1);
  /* audio-stream-end makes no sense here and is refused. */
  g_signal_emit_by_name (f.element, "audio-stream-end", &ok);
  fail_if (ok);
  fixture_teardown (&f);
}

GST_END_TEST;

GST_START_TEST (test_manual_activity_from_input_energy)
{
  Fixture f;

  fixture_setup (&f, "automatic-activity-detection", FALSE,
      "manual-activity-source", 1 /* energy */, "activity-hangover", 300, NULL);
  gst_harness_play (f.out);
  gst_message_unref (wait_message (&f, "geminilive/setup-complete"));
  push_bytes (&f, make_tone (300, 0));
  push_bytes (&f, make_tone (400, 8000));
  push_bytes (&f, make_tone (500, 0));
  fail_unless (gls_sim_wait_message_kind (f.sim, "activityEnd", WAIT_MS));
  fail_unless (
      first_index_of (&f, "activityStart") < first_index_of (&f, "audio"));
  fail_unless (gls_sim_wait_answers_sent (f.sim, 1, WAIT_MS));
  fixture_teardown (&f);
}

GST_END_TEST;

GST_START_TEST (test_full_setup_accepted_by_strict_server)
{
  Fixture f;
  GPtrArray *setups;
  const gchar *setup;

  fixture_setup (&f, "temperature", 0.7, "top-p", 0.9, "top-k", 20,
      "max-output-tokens", 512, "seed", 7, "media-resolution", 1,
      "thinking-level", 1, "include-thoughts", TRUE, "start-sensitivity", 2,
      "end-sensitivity", 1, "prefix-padding", 20, "silence-duration", 500,
      "activity-handling", 1, "turn-coverage", 3, "context-window-compression",
      TRUE, "compression-trigger-tokens", (gint64)25600,
      "compression-target-tokens", (gint64)12800, "input-transcription", TRUE,
      "output-transcription", TRUE, "input-transcription-languages",
      "en-US,fr-FR", "language-code", "en-US", "voice", "Kore",
      "system-instruction", "Be brief.", "google-search", TRUE, "tools", TOOLS,
      "setup-extra", "{\"generationConfig\": {\"candidateCount\": 1}}", NULL);
  gst_harness_play (f.out);
  /* The strict simulator closes with 1007 on any field it does not know
   * at that place; setup-complete means every field was right. */
  gst_message_unref (wait_message (&f, "geminilive/setup-complete"));
  setups = client_messages_of (&f, "setup");
  setup = g_ptr_array_index (setups, 0);
  fail_unless (strstr (setup, "\"temperature\":0.7") != NULL, setup);
  fail_unless (strstr (setup,
                   "\"turnCoverage\":"
                   "\"TURN_INCLUDES_AUDIO_ACTIVITY_AND_ALL_VIDEO\"")
          != NULL,
      setup);
  fail_unless (strstr (setup, "\"triggerTokens\":\"25600\"") != NULL, setup);
  fail_unless (strstr (setup, "\"googleSearch\":{}") != NULL, setup);
  fail_unless (strstr (setup, "\"candidateCount\":1") != NULL, setup);
  fail_unless (
      strstr (setup, "\"languageCodes\":[\"en-US\",\"fr-FR\"]") != NULL, setup);
  g_ptr_array_unref (setups);
  fixture_teardown (&f);
}

GST_END_TEST;

GST_START_TEST (test_contradictory_settings_refused_at_ready)
{
  GstElement *element = gst_element_factory_make ("geminilive", NULL);
  GError *err;

  g_object_set (element, "api-key", TEST_KEY, "uri", "ws://127.0.0.1:9/x",
      "automatic-activity-detection", FALSE, "start-sensitivity", 1, NULL);
  err = state_change_error (
      element, GST_STATE_READY, TRUE, "start-sensitivity");
  fail_unless (strstr (err->message, "automatic-activity-detection") != NULL,
      err->message);
  g_error_free (err);

  g_object_set (element, "automatic-activity-detection", TRUE,
      "start-sensitivity", 0, "setup-extra", "[1, 2]", NULL);
  g_error_free (
      state_change_error (element, GST_STATE_READY, TRUE, "setup-extra"));

  g_object_set (element, "setup-extra", NULL, "tools-file",
      "/nonexistent/tools.json", NULL);
  g_error_free (
      state_change_error (element, GST_STATE_READY, TRUE, "tools-file"));

  /* A readable file with bad declarations is the file's fault too. */
  {
    gchar *path = NULL;
    gint fd = g_file_open_tmp ("tools-XXXXXX.json", &path, NULL);

    fail_unless (fd >= 0);
    close (fd);
    fail_unless (g_file_set_contents (path, "[{\"nom\": \"x\"}]", -1, NULL));
    g_object_set (element, "tools-file", path, NULL);
    err = state_change_error (element, GST_STATE_READY, TRUE,
        "Property 'tools-file': element 0 has no \"name\"");
    fail_unless (strstr (err->message, path) != NULL, "%s", err->message);
    g_error_free (err);
    g_unlink (path);
    g_free (path);
  }
  gst_object_unref (element);
}

GST_END_TEST;

/* As for any element, GObject refuses a value outside the property's
 * range with a warning naming the property, and the property keeps its
 * value: what the README promises gst-launch users. */
GST_START_TEST (test_out_of_range_value_keeps_the_property)
{
  GstElement *element = gst_element_factory_make ("geminilive", NULL);
  gdouble temperature;
  guint chunk_ms;

  ASSERT_WARNING (
      gst_util_set_object_arg (G_OBJECT (element), "temperature", "5"));
  ASSERT_WARNING (
      gst_util_set_object_arg (G_OBJECT (element), "chunk-duration", "0"));
  g_object_get (
      element, "temperature", &temperature, "chunk-duration", &chunk_ms, NULL);
  fail_unless (temperature < 0, "temperature %g", temperature);
  fail_unless_equals_int (chunk_ms, 40);
  gst_object_unref (element);
}

GST_END_TEST;

/* Settings are read once, when the element starts: a change made in
 * READY is what the session uses, and a bad one fails the start. */
GST_START_TEST (test_settings_read_when_starting)
{
  Fixture f;
  GPtrArray *setups;
  const gchar *setup;

  fixture_setup (&f, "voice", "Puck", NULL);
  fail_unless_equals_int (gst_element_set_state (f.element, GST_STATE_READY),
      GST_STATE_CHANGE_SUCCESS);
  g_object_set (f.element, "voice", "Kore", NULL);
  gst_harness_play (f.out);
  gst_message_unref (wait_message (&f, "geminilive/setup-complete"));
  setups = client_messages_of (&f, "setup");
  fail_unless_equals_int (setups->len, 1);
  setup = g_ptr_array_index (setups, 0);
  fail_unless (strstr (setup, "\"voiceName\":\"Kore\"") != NULL, setup);
  g_ptr_array_unref (setups);
  fixture_teardown (&f);
}

GST_END_TEST;

GST_START_TEST (test_bad_setting_in_ready_fails_the_start)
{
  GstElement *element = gst_element_factory_make ("geminilive", NULL);

  g_object_set (
      element, "api-key", TEST_KEY, "uri", "ws://127.0.0.1:9/x", NULL);
  fail_unless_equals_int (gst_element_set_state (element, GST_STATE_READY),
      GST_STATE_CHANGE_SUCCESS);
  g_object_set (element, "tools-file", "/nonexistent/tools.json", NULL);
  g_error_free (
      state_change_error (element, GST_STATE_PAUSED, TRUE, "tools-file"));
  gst_element_set_state (element, GST_STATE_NULL);
  gst_object_unref (element);
}

GST_END_TEST;

GST_START_TEST (test_client_content_and_tool_response_options)
{
  Fixture f;
  ToolCallSeen seen = { NULL, NULL, NULL, FALSE };
  GstStructure *options;
  GPtrArray *msgs;
  gboolean ok = FALSE;

  /* A model that takes all of them: client content at any time,
   * contextUpdate, NON_BLOCKING functions and their options in tool
   * responses. */
  fixture_setup (
      &f, "tools", TOOLS_NON_BLOCKING, "model", "gemini-3.8-live", NULL);
  g_signal_connect (f.element, "tool-call", G_CALLBACK (on_tool_call), &seen);
  gst_harness_play (f.out);
  gst_message_unref (wait_message (&f, "geminilive/setup-complete"));

  g_signal_emit_by_name (f.element, "send-client-content",
      "[{\"role\":\"user\",\"parts\":[{\"text\":\"Hello\"}]}]", TRUE, &ok);
  fail_unless (ok);
  g_signal_emit_by_name (
      f.element, "send-client-content", "[{broken", TRUE, &ok);
  fail_if (ok);
  fail_unless (gls_sim_wait_message_kind (f.sim, "clientContent", WAIT_MS));

  g_signal_emit_by_name (
      f.element, "update-context", "Answer in French.", NULL, &ok);
  fail_unless (ok);
  fail_unless (gls_sim_wait_message_kind (f.sim, "contextUpdate", WAIT_MS));
  g_signal_emit_by_name (f.element, "send-text", "call get_weather", &ok);
  gst_message_unref (wait_message (&f, "geminilive/tool-call"));
  options = gst_structure_new ("options", "scheduling", G_TYPE_STRING, "silent",
      "will-continue", G_TYPE_BOOLEAN, TRUE, NULL);
  g_signal_emit_by_name (f.element, "send-tool-response", seen.id,
      "get_weather", "{\"progress\": 50}", options, &ok);
  fail_unless (ok);
  gst_structure_free (options);
  options = gst_structure_new ("options", "error", G_TYPE_BOOLEAN, TRUE, NULL);
  g_signal_emit_by_name (f.element, "send-tool-response", seen.id,
      "get_weather", "service down", options, &ok);
  fail_unless (ok);
  gst_structure_free (options);
  /* An option that does not exist is refused. */
  options = gst_structure_new ("options", "urgent", G_TYPE_BOOLEAN, TRUE, NULL);
  g_signal_emit_by_name (f.element, "send-tool-response", seen.id,
      "get_weather", "{}", options, &ok);
  fail_if (ok);
  gst_structure_free (options);
  /* setup, clientContent, contextUpdate, text, two toolResponses */
  fail_unless (gls_sim_wait_client_messages (f.sim, 6, WAIT_MS));
  msgs = client_messages_of (&f, "toolResponse");
  fail_unless_equals_int (msgs->len, 2);
  fail_unless (strstr (g_ptr_array_index (msgs, 0),
                   "\"scheduling\":"
                   "\"SILENT\"")
          != NULL,
      (gchar *)g_ptr_array_index (msgs, 0));
  fail_unless (
      strstr (g_ptr_array_index (msgs, 0), "\"willContinue\":true") != NULL);
  fail_unless (strstr (g_ptr_array_index (msgs, 1),
                   "\"error\":"
                   "\"service down\"")
          != NULL,
      (gchar *)g_ptr_array_index (msgs, 1));
  g_ptr_array_unref (msgs);
  g_free (seen.id);
  g_free (seen.name);
  g_free (seen.args);
  fixture_teardown (&f);
}

GST_END_TEST;

GST_START_TEST (test_text_sink_pad_sends_realtime_text)
{
  Fixture f;
  GstHarness *text;
  GPtrArray *msgs;

  fixture_setup (&f, NULL);
  text = gst_harness_new_with_element (f.element, "sink_text", NULL);
  gst_harness_set_src_caps_str (text, "text/x-raw,format=utf8");
  gst_harness_play (f.out);
  gst_message_unref (wait_message (&f, "geminilive/setup-complete"));
  fail_unless_equals_int (
      gst_harness_push (text, gst_buffer_new_memdup ("What time is it?", 16)),
      GST_FLOW_OK);
  fail_unless (gls_sim_wait_message_kind (f.sim, "text", WAIT_MS));
  msgs = client_messages_of (&f, "text");
  fail_unless (
      strstr (g_ptr_array_index (msgs, 0), "What time is it?") != NULL);
  g_ptr_array_unref (msgs);
  fail_unless (gls_sim_wait_answers_sent (f.sim, 1, WAIT_MS));
  gst_harness_teardown (text);
  fixture_teardown (&f);
}

GST_END_TEST;

GST_START_TEST (test_vertex_ai_bearer_and_session_id)
{
  Fixture f;
  GstMessage *msg;
  gchar *headers;
  GPtrArray *setups;

  fixture_endpoint = ENDPOINT_VERTEX;
  fixture_setup (&f, "backend", 1, "vertex-project", "my-project",
      "vertex-location", "europe-west4", "access-token", "ya29.token",
      "api-key", NULL, "model", "gemini-live-2.5-flash", NULL);
  gst_harness_play (f.out);
  msg = wait_message (&f, "geminilive/setup-complete");
  /* Vertex says which session this is. */
  fail_unless (
      gst_structure_get_string (gst_message_get_structure (msg), "session-id")
      != NULL);
  gst_message_unref (msg);
  headers = gls_sim_dup_last_request_headers (f.sim);
  fail_unless (strstr (headers, "Bearer ya29.token") != NULL, headers);
  fail_unless (strstr (headers, TEST_KEY) == NULL, headers);
  setups = client_messages_of (&f, "setup");
  fail_unless (
      strstr (g_ptr_array_index (setups, 0),
          "\"model\":\"projects/my-project/locations/europe-west4/publishers/"
          "google/models/gemini-live-2.5-flash\"")
          != NULL,
      (gchar *)g_ptr_array_index (setups, 0));
  g_ptr_array_unref (setups);
  g_free (headers);
  fixture_teardown (&f);
}

GST_END_TEST;

GST_START_TEST (test_ephemeral_token_uses_constrained_method)
{
  Fixture f;
  gchar *request, *headers;

  fixture_endpoint = ENDPOINT_CONSTRAINED;
  fixture_setup (&f, "api-key", "auth_tokens/abc123", NULL);
  gst_harness_play (f.out);
  gst_message_unref (wait_message (&f, "geminilive/setup-complete"));
  request = gls_sim_dup_last_request_uri (f.sim);
  headers = gls_sim_dup_last_request_headers (f.sim);
  fail_unless (
      strstr (request, "BidiGenerateContentConstrained") != NULL, request);
  fail_unless (
      strstr (request, "access_token=auth_tokens/abc123") != NULL, request);
  /* The token travels in the URL only, never as an API key header. */
  fail_unless (strstr (headers, "abc123") == NULL, headers);
  g_free (request);
  g_free (headers);
  fixture_teardown (&f);
}

GST_END_TEST;

GST_START_TEST (test_manual_activity_from_upstream_voice_activity)
{
  Fixture f;
  GstBuffer *buf;

  fixture_setup (&f, "automatic-activity-detection", FALSE,
      "manual-activity-source", 2 /* voice-activity */, NULL);
  gst_harness_play (f.out);
  gst_message_unref (wait_message (&f, "geminilive/setup-complete"));
  /* What webrtcdsp voice-detection=true attaches to its buffers. */
  buf = buffer_of (make_tone (200, 8000));
  gst_buffer_add_audio_level_meta (buf, 30, TRUE);
  fail_unless_equals_int (gst_harness_push (f.in, buf), GST_FLOW_OK);
  buf = buffer_of (make_tone (200, 0));
  gst_buffer_add_audio_level_meta (buf, 127, FALSE);
  fail_unless_equals_int (gst_harness_push (f.in, buf), GST_FLOW_OK);
  buf = buffer_of (make_tone (80, 0));
  gst_buffer_add_audio_level_meta (buf, 127, FALSE);
  fail_unless_equals_int (gst_harness_push (f.in, buf), GST_FLOW_OK);
  fail_unless (gls_sim_wait_message_kind (f.sim, "activityEnd", WAIT_MS));
  fail_unless (
      first_index_of (&f, "activityStart") < first_index_of (&f, "audio"));
  fail_unless (
      first_index_of (&f, "audio") < first_index_of (&f, "activityEnd"));
  fail_unless (gls_sim_wait_answers_sent (f.sim, 1, WAIT_MS));
  fixture_teardown (&f);
}

GST_END_TEST;

GST_START_TEST (test_every_server_field_reaches_the_bus)
{
  Fixture f;
  GstHarness *text;
  GstMessage *msg;
  GstBuffer *buf;
  const gchar *kinds[] = { "geminilive/thought", "geminilive/executable-code",
    "geminilive/code-execution-result", "geminilive/grounding-metadata",
    "geminilive/url-context-metadata", "geminilive/interim-input-transcription",
    "geminilive/waiting-for-input", "geminilive/interaction-status",
    "geminilive/voice-activity", "geminilive/text" };
  GHashTable *seen;
  guint i;

  fixture_setup (&f, "include-thoughts", TRUE, NULL);
  text = gst_harness_new_with_element (f.element, NULL, "src_text");
  gst_harness_play (f.out);
  gst_message_unref (wait_message (&f, "geminilive/setup-complete"));
  gls_sim_send_json (f.sim,
      "{\"voiceActivity\": {\"type\": \"ACTIVITY_START\", "
      "\"audioOffset\": \"1.5s\"},\n"
      " \"serverContent\": {\"modelTurn\": {\"parts\": ["
      "{\"text\": \"secret plan\", \"thought\": true},"
      "{\"executableCode\": {\"language\": \"PYTHON\", \"code\": \"1+1\"}},"
      "{\"codeExecutionResult\": {\"outcome\": \"OUTCOME_OK\", "
      "\"output\": \"2\"}},"
      "{\"text\": \"The answer is 2.\"}]},"
      "\"groundingMetadata\": {\"webSearchQueries\": [\"q\"]},"
      "\"urlContextMetadata\": {\"urlMetadata\": []},"
      "\"interimInputTranscription\": {\"text\": \"wha\"},"
      "\"waitingForInput\": true, \"turnComplete\": true,"
      "\"interactionStatus\": \"IDLE\", \"newFieldFromTheFuture\": 1}}",
      TRUE);
  /* Everything in that one frame, in whatever order it is posted. */
  seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  while (!g_hash_table_contains (seen, "geminilive/turn-complete")) {
    msg = gst_bus_timed_pop_filtered (
        f.bus, WAIT_MS * GST_MSECOND, GST_MESSAGE_ELEMENT);
    fail_unless (msg != NULL, "no turn-complete");
    g_hash_table_add (seen,
        g_strdup (gst_structure_get_name (gst_message_get_structure (msg))));
    gst_message_unref (msg);
  }
  for (i = 0; i < G_N_ELEMENTS (kinds); i++)
    fail_unless (g_hash_table_contains (seen, kinds[i]), "no %s", kinds[i]);
  g_hash_table_unref (seen);
  /* Thoughts never reach the answer's text. */
  while ((buf = gst_harness_try_pull (text)) != NULL) {
    GstMapInfo map;
    gst_buffer_map (buf, &map, GST_MAP_READ);
    fail_if (g_strstr_len ((const gchar *)map.data, map.size, "secret"));
    gst_buffer_unmap (buf, &map);
    gst_buffer_unref (buf);
  }
  gst_harness_teardown (text);
  fixture_teardown (&f);
}

GST_END_TEST;

/* Each message carries the event's named fields, in the parser's order,
 * NULL strings included: what `gst-launch-1.0 -m` prints. */
static void
assert_fields (GstMessage *msg, const gchar *expected)
{
  const GstStructure *s = gst_message_get_structure (msg);
  GString *names = g_string_new (NULL);
  gint i;

  for (i = 0; i < gst_structure_n_fields (s); i++) {
    if (i > 0)
      g_string_append_c (names, ',');
    g_string_append (names, gst_structure_nth_field_name (s, i));
  }
  fail_unless_equals_string (names->str, expected);
  g_string_free (names, TRUE);
}

GST_START_TEST (test_bus_messages_carry_named_fields)
{
  Fixture f;
  GstMessage *msg;
  const GstStructure *s;
  gint64 count;
  guint64 offset;

  fixture_setup (&f, NULL);
  gst_harness_play (f.out);
  gst_message_unref (wait_message (&f, "geminilive/setup-complete"));
  gls_sim_send_json (f.sim,
      "{\"voiceActivity\": {\"type\": \"ACTIVITY_END\", "
      "\"audioOffset\": \"2.25s\"},"
      " \"serverContent\": {\"inputTranscription\": {\"text\": \"hola\", "
      "\"finished\": true, \"languageCode\": \"es-ES\"},"
      " \"turnComplete\": true},"
      " \"usageMetadata\": {\"promptTokenCount\": 9, "
      "\"responseTokenCount\": 4, \"totalTokenCount\": 20, "
      "\"thoughtsTokenCount\": 7}}",
      TRUE);

  msg = wait_message (&f, "geminilive/voice-activity");
  assert_fields (msg, "running-time,type,audio-offset");
  s = gst_message_get_structure (msg);
  fail_unless_equals_string (
      gst_structure_get_string (s, "type"), "ACTIVITY_END");
  fail_unless (gst_structure_get_uint64 (s, "audio-offset", &offset));
  fail_unless_equals_uint64 (offset, 2250 * GST_MSECOND);
  gst_message_unref (msg);

  msg = wait_message (&f, "geminilive/input-transcription");
  assert_fields (msg, "running-time,text,finished,language-code");
  fail_unless_equals_string (
      gst_structure_get_string (
          gst_message_get_structure (msg), "language-code"),
      "es-ES");
  gst_message_unref (msg);

  msg = wait_message (&f, "geminilive/turn-complete");
  assert_fields (msg, "running-time,reason");
  fail_unless (
      gst_structure_get_string (gst_message_get_structure (msg), "reason")
      == NULL);
  gst_message_unref (msg);

  msg = wait_message (&f, "geminilive/usage");
  assert_fields (msg,
      "running-time,prompt-token-count,response-token-count,"
      "total-token-count,thoughts-token-count,cached-content-token-count,"
      "tool-use-prompt-token-count,json");
  s = gst_message_get_structure (msg);
  fail_unless (gst_structure_get_int64 (s, "thoughts-token-count", &count));
  fail_unless_equals_int64 (count, 7);
  fail_unless (
      gst_structure_get_int64 (s, "cached-content-token-count", &count));
  fail_unless_equals_int64 (count, -1);
  gst_message_unref (msg);

  gls_sim_send_json (f.sim, "{\"error\": \"quota exceeded\"}", FALSE);
  msg = wait_message (&f, "geminilive/server-error");
  assert_fields (msg, "running-time,json,message,code");
  s = gst_message_get_structure (msg);
  fail_unless (gst_structure_get_string (s, "json") == NULL);
  fail_unless_equals_string (
      gst_structure_get_string (s, "message"), "quota exceeded");
  gst_message_unref (msg);
  fixture_teardown (&f);
}

GST_END_TEST;

/* ---- text pads --------------------------------------------------------- */

/* The text pads get GAPs often (a text overlay holds its video until the
 * text's timeline has passed it); src few. */
GST_START_TEST (test_text_pads_get_frequent_gaps)
{
  Fixture f;
  GstHarness *text;
  GstEvent *event;
  guint text_gaps = 0, src_gaps = 0, i;

  fixture_setup (&f, "latency", 200, "output-transcription", TRUE, NULL);
  text = gst_harness_new_with_element (f.element, NULL, "src_text");
  gst_harness_play (f.out);
  gst_message_unref (wait_message (&f, "geminilive/setup-complete"));
  for (i = 0; i < 10; i++)
    fail_unless (gst_harness_crank_single_clock_wait (f.out));
  {
    GstTestClock *clock = gst_harness_get_testclock (f.out);

    gst_test_clock_wait_for_next_pending_id (clock, NULL);
    gst_object_unref (clock);
  }
  while ((event = gst_harness_try_pull_event (text)) != NULL) {
    if (GST_EVENT_TYPE (event) == GST_EVENT_GAP) {
      GstClockTime ts, duration;

      gst_event_parse_gap (event, &ts, &duration);
      fail_unless (duration < 200 * GST_MSECOND,
          "a text GAP of %" GST_TIME_FORMAT, GST_TIME_ARGS (duration));
      text_gaps++;
    }
    gst_event_unref (event);
  }
  while ((event = gst_harness_try_pull_event (f.out)) != NULL) {
    if (GST_EVENT_TYPE (event) == GST_EVENT_GAP)
      src_gaps++;
    gst_event_unref (event);
  }
  fail_unless (text_gaps >= 5, "only %u text GAP events", text_gaps);
  fail_unless (src_gaps <= 2, "%u GAP events on src", src_gaps);
  gst_harness_teardown (text);
  fixture_teardown (&f);
}

GST_END_TEST;

GST_START_TEST (test_text_pads_carry_timed_transcripts)
{
  gint64 deadline;
  Fixture f;
  GstHarness *text, *user;
  GPtrArray *audio;
  GString *said = g_string_new (NULL);
  GstBuffer *buf;
  GstEvent *event;
  GstCaps *caps;
  GstClockTime first_audio, end_audio, last_pts = 0;
  guint n_text = 0;
  gchar *user_text;
  GstMapInfo map;

  fixture_setup (
      &f, "input-transcription", TRUE, "output-transcription", TRUE, NULL);
  text = gst_harness_new_with_element (f.element, NULL, "src_text");
  user = gst_harness_new_with_element (f.element, NULL, "src_input_text");
  gst_harness_play (f.out);

  speak (&f, 500);
  gst_message_unref (wait_message (&f, "geminilive/generation-complete"));
  fail_unless (gls_sim_wait_answers_sent (f.sim, 1, WAIT_MS));
  {
    GBytes *sent = gls_sim_dup_sent_audio (f.sim);
    audio = pull_audio (&f, g_bytes_get_size (sent));
    g_bytes_unref (sent);
  }
  first_audio = GST_BUFFER_PTS (g_ptr_array_index (audio, 0));
  buf = g_ptr_array_index (audio, audio->len - 1);
  end_audio = GST_BUFFER_PTS (buf) + GST_BUFFER_DURATION (buf);

  /* The model's words come out placed within its speech, in order. */
  while ((buf = gst_harness_try_pull (text)) != NULL) {
    fail_unless (GST_BUFFER_PTS_IS_VALID (buf));
    fail_unless (GST_BUFFER_PTS (buf) >= first_audio
        && GST_BUFFER_PTS (buf) <= end_audio);
    fail_unless (GST_BUFFER_PTS (buf) >= last_pts);
    /* Captions stay up while their speech plays. */
    fail_unless (GST_BUFFER_DURATION (buf) >= GST_SECOND);
    last_pts = GST_BUFFER_PTS (buf);
    gst_buffer_map (buf, &map, GST_MAP_READ);
    g_string_append_len (said, (const gchar *)map.data, map.size);
    gst_buffer_unmap (buf, &map);
    gst_buffer_unref (buf);
    n_text++;
  }
  /* The text stream started properly: stream-start and utf8 caps came
   * before the first text (sticky events follow the link, so they are
   * checked once data has flowed). */
  event = gst_harness_try_pull_event (text);
  fail_unless (event != NULL);
  fail_unless_equals_int (GST_EVENT_TYPE (event), GST_EVENT_STREAM_START);
  gst_event_unref (event);
  event = gst_harness_try_pull_event (text);
  fail_unless (event != NULL);
  fail_unless_equals_int (GST_EVENT_TYPE (event), GST_EVENT_CAPS);
  gst_event_parse_caps (event, &caps);
  fail_unless (
      gst_structure_has_name (gst_caps_get_structure (caps, 0), "text/x-raw"));
  gst_event_unref (event);
  fail_unless (n_text > 0, "no text on src_text");
  fail_unless (strstr (said->str, "simulated answer") != NULL, said->str);

  /* The user's transcript arrives on its own pad. */
  deadline = g_get_monotonic_time () + WAIT_MS * 1000;
  while ((buf = gst_harness_try_pull (user)) == NULL) {
    GstTestClock *clock = gst_harness_get_testclock (f.out);

    fail_unless (g_get_monotonic_time () < deadline,
        "no user transcript on src_input_text");
    if (gst_test_clock_timed_wait_for_multiple_pending_ids (clock, 1, 20, NULL))
      gst_harness_crank_single_clock_wait (f.out);
    gst_object_unref (clock);
  }
  gst_buffer_map (buf, &map, GST_MAP_READ);
  user_text = g_strndup ((const gchar *)map.data, map.size);
  gst_buffer_unmap (buf, &map);
  fail_unless (strstr (user_text, "spoke") != NULL, user_text);
  gst_buffer_unref (buf);

  g_free (user_text);
  g_string_free (said, TRUE);
  g_ptr_array_unref (audio);
  gst_harness_teardown (user);
  gst_harness_teardown (text);
  fixture_teardown (&f);
}

GST_END_TEST;

/* ---- nothing lost, nothing doubled ------------------------------------- */

GST_START_TEST (test_go_away_mid_user_speech_loses_nothing)
{
  Fixture f;
  GByteArray *said = g_byte_array_new ();

  fixture_setup (&f, NULL);
  start_with_handle (&f);
  gls_sim_go_away_at_next (f.sim, "user-speech", 3000);
  /* Whole 40 ms chunks, so nothing waits in the element's chunker. */
  say (&f, said, make_speech (600, 1));
  say (&f, said, make_tone (600, 0));
  gst_message_unref (wait_message (&f, "geminilive/reconnected"));
  gst_message_unref (wait_message (&f, "geminilive/turn-complete"));
  say (&f, said, make_speech (320, 2));
  check_heard_exactly (&f, said);
  fail_unless (gls_sim_get_resume_count (f.sim) >= 1);
  g_byte_array_unref (said);
  fixture_teardown (&f);
}

GST_END_TEST;

/* While the network thread sleeps, input goes out from the streaming
 * thread itself, and the counters add up with what the server got. */
GST_START_TEST (test_stats_count_the_traffic)
{
  Fixture f;
  GByteArray *said = g_byte_array_new ();
  guint chunks;

  fixture_setup (&f, NULL);
  start_with_handle (&f);
  /* 2 s of silence below the VAD, one 40 ms chunk at a time. */
  for (chunks = 0; chunks < 50; chunks++) {
    say (&f, said, make_tone (40, 0));
    fail_unless (gls_sim_wait_received_audio (f.sim, said->len, WAIT_MS));
  }
  /* The setup plus the 50 chunks, each once. */
  fail_unless_equals_uint64 (stat_u64 (&f, "messages-sent"), 1 + chunks);
  fail_unless_equals_uint64 (stat_u64 (&f, "messages-resent"), 0);
  fail_unless_equals_uint64 (stat_u64 (&f, "messages-dropped"), 0);
  fail_unless_equals_int (stat_u64 (&f, "connections"), 1);
  fail_unless (stat_u64 (&f, "bytes-sent") > said->len);
  /* setupComplete and at least one resumption update */
  fail_unless (stat_u64 (&f, "messages-received") >= 2);
  g_byte_array_unref (said);
  fixture_teardown (&f);
}

GST_END_TEST;

/* A congested link: the server stops reading, the client's socket fills
 * up mid-frame, and the frames it could not take wait, whole and in
 * order, until it drains (the session writes its frames itself). */
static GMutex full_lock;
static GCond full_cond;
static gboolean socket_was_full;

static void
watch_socket_full (GstDebugCategory *category, GstDebugLevel level,
    const gchar *file, const gchar *function, gint line, GObject *object,
    GstDebugMessage *message, gpointer user_data)
{
  const gchar *text = gst_debug_message_get (message);

  if (text == NULL || !g_str_has_prefix (text, "socket full"))
    return;
  g_mutex_lock (&full_lock);
  socket_was_full = TRUE;
  g_cond_broadcast (&full_cond);
  g_mutex_unlock (&full_lock);
}

/* Fills the client's socket (the server stops reading), then lets it
 * drain: the conversation must arrive exact. */
static void
check_full_socket_loses_nothing (Fixture *f)
{
  GByteArray *said = g_byte_array_new ();
  gint64 deadline;
  guint i;

  socket_was_full = FALSE;
  gst_debug_add_log_function (watch_socket_full, NULL, NULL);
  gst_debug_set_threshold_for_name ("geminilivesession", GST_LEVEL_DEBUG);
  gst_debug_set_active (TRUE);
  start_with_handle (f);
  gls_sim_pause_reading (f->sim, TRUE);
  /* Faster than real time, until the socket refuses part of a frame. */
  deadline = g_get_monotonic_time () + WAIT_MS * 1000;
  g_mutex_lock (&full_lock);
  for (i = 0; !socket_was_full && i < 2000; i++) {
    g_mutex_unlock (&full_lock);
    say (f, said, make_speech (400, i));
    g_mutex_lock (&full_lock);
  }
  while (!socket_was_full)
    if (!g_cond_wait_until (&full_cond, &full_lock, deadline))
      break;
  g_mutex_unlock (&full_lock);
  gst_debug_remove_log_function (watch_socket_full);
  gst_debug_set_threshold_for_name ("geminilivesession", GST_LEVEL_NONE);
  fail_unless (
      socket_was_full, "the socket never filled up (%u bytes said)", said->len);
  /* More input while it is full queues behind the waiting frames. */
  say (f, said, make_speech (400, 9999));
  gls_sim_pause_reading (f->sim, FALSE);
  check_heard_exactly (f, said);
  fail_unless_equals_int (gls_sim_get_connection_count (f->sim), 1);
  fail_unless (stat_u64 (f, "socket-full") >= 1);
  g_byte_array_unref (said);
}

GST_START_TEST (test_full_socket_loses_nothing)
{
  Fixture f;

  fixture_setup (&f, NULL);
  check_full_socket_loses_nothing (&f);
  fixture_teardown (&f);
}

GST_END_TEST;

#define TLS_CERT GEMINI_LIVE_TEST_DATA_DIR "/tls/sim-cert.pem"
#define TLS_KEY GEMINI_LIVE_TEST_DATA_DIR "/tls/sim-key.pem"

static GlsSimOptions
tls_sim_options (void)
{
  GlsSimOptions options = default_sim_options ();

  options.tls_cert_file = TLS_CERT;
  options.tls_key_file = TLS_KEY;
  return options;
}

/* The same over wss://: frames written by the streaming thread and the
 * rest of a frame the socket did not take go through GLib's TLS stream,
 * which must see the same bytes again after a partial write. */
GST_START_TEST (test_tls_full_socket_loses_nothing)
{
  GlsSimOptions options = tls_sim_options ();
  Fixture f;
  gchar *uri;

  fixture_setup_full (&f, &options, "ssl-ca-file", TLS_CERT, NULL);
  g_object_get (f.element, "uri", &uri, NULL);
  fail_unless (g_str_has_prefix (uri, "wss://"), "%s", uri);
  g_free (uri);
  check_full_socket_loses_nothing (&f);
  fixture_teardown (&f);
}

GST_END_TEST;

/* Certificates are verified: the simulator's own is not trusted unless
 * ssl-ca-file says so. */
GST_START_TEST (test_tls_untrusted_certificate_is_an_error)
{
  GlsSimOptions options = tls_sim_options ();
  Fixture f;
  GstMessage *msg;
  GError *err;
  gchar *dbg;

  fixture_setup_full (&f, &options, NULL);
  gst_harness_play (f.out);
  msg = wait_message (&f, "error");
  gst_message_parse_error (msg, &err, &dbg);
  fail_unless (strstr (dbg, "certificate") != NULL
          || strstr (err->message, "certificate") != NULL,
      "%s (%s)", err->message, dbg);
  fail_unless_equals_int (gls_sim_get_connection_count (f.sim), 0);
  g_error_free (err);
  g_free (dbg);
  gst_message_unref (msg);
  fixture_teardown (&f);
}

GST_END_TEST;

/* A CA file that cannot be read is an error that names the property. */
GST_START_TEST (test_tls_bad_ca_file_is_an_error)
{
  GstElement *element = gst_element_factory_make ("geminilive", NULL);
  GError *err;

  g_object_set (element, "uri", "wss://127.0.0.1:9/ws", "api-key", TEST_KEY,
      "ssl-ca-file", "/nonexistent/ca.pem", NULL);
  err = state_change_error (element, GST_STATE_PLAYING, TRUE, "ssl-ca-file");
  fail_unless (
      g_error_matches (err, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS),
      err->message);
  g_error_free (err);
  gst_object_unref (element);
}

GST_END_TEST;

/* Handles that cross input on the wire (the simulator delivers each one
 * three client messages late, as a loaded network would): with Vertex's
 * transparent resumption, lastConsumedClientMessageIndex says exactly
 * which input the resumed state lacks, and only that is resent. */
GST_START_TEST (test_transparent_resumption_resends_exactly)
{
  GlsSimOptions options = default_sim_options ();
  Fixture f;
  GByteArray *said = g_byte_array_new ();
  gint64 index = -1;
  GBytes *received;

  options.resumption_update_ms = 200; /* a handle per 5 chunks heard */
  options.update_lag_messages = 3;
  fixture_endpoint = ENDPOINT_VERTEX;
  fixture_setup_full (&f, &options, "backend", 1, "vertex-project", "p",
      "vertex-location", "us-central1", "access-token", "ya29.token", "api-key",
      NULL, "model", "gemini-live-2.5-flash", "transparent-resumption", TRUE,
      NULL);
  gst_harness_play (f.out);
  gst_message_unref (wait_message (&f, "geminilive/setup-complete"));
  /* 25 chunks of silence below the VAD: the model stays idle, so a handle
   * is issued after chunks 5, 10, ... and reaches us 3 chunks later. */
  say (&f, said, make_tone (1000, 0));
  fail_unless (gls_sim_wait_received_audio (f.sim, said->len, WAIT_MS));
  while (index < 20) {
    GstMessage *msg = wait_message (&f, "geminilive/session-resumption-update");

    gst_structure_get_int64 (gst_message_get_structure (msg),
        "last-consumed-client-message-index", &index);
    gst_message_unref (msg);
  }
  /* The newest handle covers chunks 1-20 (the setup is index 0); 21-25
   * were in flight when it was issued. */
  fail_unless_equals_int64 (index, 20);
  gls_sim_drop (f.sim);
  gst_message_unref (wait_message (&f, "geminilive/reconnected"));
  check_heard_exactly (&f, said);
  /* Exactly those five chunks went out twice on the wire. */
  received = gls_sim_dup_received_audio (f.sim);
  fail_unless_equals_int (g_bytes_get_size (received), said->len + 5 * 1280);
  g_bytes_unref (received);
  /* The element counts them too. */
  fail_unless_equals_uint64 (stat_u64 (&f, "messages-resent"), 5);
  fail_unless_equals_int (stat_u64 (&f, "connections"), 2);
  g_byte_array_unref (said);
  fixture_teardown (&f);
}

GST_END_TEST;

GST_START_TEST (test_go_away_mid_answer_keeps_the_answer)
{
  Fixture f;
  GByteArray *said = g_byte_array_new ();
  GBytes *sent, *got;
  GPtrArray *bufs;

  fixture_setup (&f, NULL);
  start_with_handle (&f);
  gls_sim_go_away_at_next (f.sim, "answer-start", 5000);
  say (&f, said, make_speech (520, 3));
  say (&f, said, make_tone (600, 0));
  /* The switch waits for the answer to finish: it plays whole, once. */
  gst_message_unref (wait_message (&f, "geminilive/reconnected"));
  fail_unless (gls_sim_wait_answers_sent (f.sim, 1, WAIT_MS));
  sent = gls_sim_dup_sent_audio (f.sim);
  bufs = pull_audio (&f, g_bytes_get_size (sent));
  got = concat (bufs);
  fail_unless (g_bytes_equal (got, sent));
  check_contiguous (bufs);
  check_heard_exactly (&f, said);
  g_bytes_unref (got);
  g_bytes_unref (sent);
  g_ptr_array_unref (bufs);
  g_byte_array_unref (said);
  fixture_teardown (&f);
}

GST_END_TEST;

/* goAway while a tool call waits for its answer: the switch waits for a
 * consistent point, so the answer goes on the connection that asked, the
 * model finishes, and only then the session moves, resumed. Nothing is
 * cancelled and the response is sent once. */
GST_START_TEST (test_go_away_during_a_tool_call)
{
  Fixture f;
  ToolCallSeen seen = { NULL, NULL, NULL, FALSE };
  gchar *cancelled = NULL;
  gboolean ok = FALSE;
  GPtrArray *responses;
  GstMessage *msg;

  fixture_setup (&f, "tools", TOOLS, NULL);
  g_signal_connect (f.element, "tool-call", G_CALLBACK (on_tool_call), &seen);
  g_signal_connect (f.element, "tool-call-cancellation",
      G_CALLBACK (on_cancellation), &cancelled);
  start_with_handle (&f);
  gls_sim_go_away_at_next (f.sim, "tool-call", 5000);
  g_signal_emit_by_name (f.element, "send-text", "call get_weather", &ok);
  fail_unless (ok);
  gst_message_unref (wait_message (&f, "geminilive/tool-call"));
  gst_message_unref (wait_message (&f, "geminilive/go-away"));
  /* Still on the first connection: the call is pending there. */
  fail_unless_equals_int (gls_sim_get_connection_count (f.sim), 1);
  g_signal_emit_by_name (f.element, "send-tool-response", seen.id,
      "get_weather", "{\"temp_c\": 3}", NULL, &ok);
  fail_unless (ok);
  msg = wait_message (&f, "geminilive/reconnected");
  gst_message_unref (msg);
  fail_unless (gls_sim_wait_answers_sent (f.sim, 1, WAIT_MS));
  fail_unless (gls_sim_get_resume_count (f.sim) >= 1);
  fail_unless (cancelled == NULL, "call %s was cancelled", cancelled);
  responses = client_messages_of (&f, "toolResponse");
  fail_unless_equals_int (responses->len, 1);
  g_ptr_array_unref (responses);

  g_free (cancelled);
  g_free (seen.id);
  g_free (seen.name);
  g_free (seen.args);
  fixture_teardown (&f);
}

GST_END_TEST;

GST_START_TEST (test_internal_error_mid_answer_abandons_it)
{
  Fixture f;
  GByteArray *said = g_byte_array_new ();
  GPtrArray *bufs;
  GstBuffer *buf;
  GBytes *sent;
  GstMapInfo map;
  guint i;

  fixture_setup (&f, NULL);
  start_with_handle (&f);
  gls_sim_close_at_next (
      f.sim, "answer-start", 1011, "Internal error occurred.");
  say (&f, said, make_speech (520, 4));
  say (&f, said, make_tone (600, 0));
  gst_message_unref (wait_message (&f, "geminilive/reconnected"));
  /* The user's turn was resent, so the model answers again, in full. */
  fail_unless (gls_sim_wait_answers_sent (f.sim, 1, WAIT_MS));
  check_heard_exactly (&f, said);

  /* Whatever of the abandoned answer was queued is gone: the answer that
   * follows starts with DISCONT and with its own first bytes. */
  sent = gls_sim_dup_sent_audio (f.sim);
  bufs = pull_audio (&f, 1);
  for (i = 0; i < bufs->len; i++) {
    buf = g_ptr_array_index (bufs, i);
    if (GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_DISCONT))
      break;
  }
  while (i == bufs->len) {
    g_ptr_array_unref (bufs);
    bufs = pull_audio (&f, 1);
    for (i = 0; i < bufs->len; i++)
      if (GST_BUFFER_FLAG_IS_SET (
              g_ptr_array_index (bufs, i), GST_BUFFER_FLAG_DISCONT))
        break;
  }
  buf = g_ptr_array_index (bufs, i);
  gst_buffer_map (buf, &map, GST_MAP_READ);
  /* The second answer is the last full answer the simulator sent. */
  fail_unless (memcmp (map.data,
                   (const guint8 *)g_bytes_get_data (sent, NULL)
                       + g_bytes_get_size (sent) - 1200 * 48,
                   map.size)
      == 0);
  gst_buffer_unmap (buf, &map);
  g_bytes_unref (sent);
  g_ptr_array_unref (bufs);
  g_byte_array_unref (said);
  fixture_teardown (&f);
}

GST_END_TEST;

GST_START_TEST (test_refused_reconnects_lose_nothing)
{
  Fixture f;
  GByteArray *said = g_byte_array_new ();
  GstMessage *msg;
  guint attempts = 0;

  fixture_setup (&f, NULL);
  start_with_handle (&f);
  say (&f, said, make_speech (200, 5));
  fail_unless (gls_sim_wait_conversation_audio (f.sim, said->len, WAIT_MS));
  gls_sim_set_refuse_count (f.sim, 3);
  gls_sim_drop (f.sim);
  say (&f, said, make_speech (320, 6));
  /* Three refusals, with backoff, then the session resumes. */
  do {
    msg = wait_message (&f, "geminilive/reconnecting");
    attempts = message_uint (msg, "attempt");
    gst_message_unref (msg);
  } while (attempts < 4);
  gst_message_unref (wait_message (&f, "geminilive/reconnected"));
  say (&f, said, make_speech (200, 7));
  check_heard_exactly (&f, said);
  g_byte_array_unref (said);
  fixture_teardown (&f);
}

GST_END_TEST;

GST_START_TEST (test_slow_pongs_live_silent_death_detected)
{
  Fixture f;
  GstMessage *msg;

  fixture_setup (&f, "keepalive-interval", 1, "keepalive-timeout", 5, NULL);
  start_with_handle (&f);
  /* Pongs 2 s late (to pings libsoup sends every second, give or take
   * one: its keepalive timer counts whole seconds) and nothing else from
   * the server for longer than the timeout: a slow pong is not death. (A
   * negative check: it watches the bus for 6 s.) */
  gls_sim_set_pong_delay (f.sim, 2000);
  msg = gst_bus_timed_pop_filtered (
      f.bus, 6000 * GST_MSECOND, GST_MESSAGE_ELEMENT);
  while (msg != NULL) {
    fail_if (gst_structure_has_name (
                 gst_message_get_structure (msg), "geminilive/reconnecting"),
        "a slow pong was taken for death");
    gst_message_unref (msg);
    msg = gst_bus_timed_pop_filtered (
        f.bus, 100 * GST_MSECOND, GST_MESSAGE_ELEMENT);
  }
  fail_unless_equals_int (gls_sim_get_connection_count (f.sim), 1);
  gls_sim_set_pong_delay (f.sim, 0);

  /* A connection that goes silent (no data, no pong) is replaced. */
  gls_sim_stall (f.sim);
  msg = wait_message (&f, "geminilive/reconnecting");
  fail_unless_equals_int (message_uint (msg, "close-code"), 1006);
  fail_unless (strstr (gst_structure_get_string (
                           gst_message_get_structure (msg), "reason"),
                   "no data or pong")
      != NULL);
  gst_message_unref (msg);
  gst_message_unref (wait_message (&f, "geminilive/reconnected"));
  fixture_teardown (&f);
}

GST_END_TEST;

/* ---- video ------------------------------------------------------------- */

/* Width and height from a JPEG's SOF0 marker. */
static gboolean
jpeg_size (const guint8 *data, gsize size, guint *width, guint *height)
{
  gsize i;

  for (i = 2; i + 9 < size; i++) {
    if (data[i] == 0xFF && (data[i + 1] == 0xC0 || data[i + 1] == 0xC2)) {
      *height = (data[i + 5] << 8) | data[i + 6];
      *width = (data[i + 7] << 8) | data[i + 8];
      return TRUE;
    }
  }
  return FALSE;
}

static void
check_video_messages (Fixture *f, guint min_frames, guint max_side)
{
  GPtrArray *video = client_messages_of (f, "video");
  gint64 deadline = g_get_monotonic_time () + WAIT_MS * 1000;
  guint i;

  /* The branch decodes in a thread of its own: wait for the frames. */
  while (video->len < min_frames && g_get_monotonic_time () < deadline) {
    GPtrArray *all = gls_sim_dup_client_messages (f->sim);

    gls_sim_wait_client_messages (f->sim, all->len + 1,
        (guint)((deadline - g_get_monotonic_time ()) / 1000));
    g_ptr_array_unref (all);
    g_ptr_array_unref (video);
    video = client_messages_of (f, "video");
  }
  fail_unless (video->len >= min_frames, "only %u video messages", video->len);
  for (i = 0; i < video->len; i++) {
    JsonParser *parser;
    JsonObject *v = json_object_get_object_member (
        json_object_get_object_member (
            parse_object (g_ptr_array_index (video, i), &parser),
            "realtimeInput"),
        "video");
    gsize len;
    guchar *jpeg
        = g_base64_decode (json_object_get_string_member (v, "data"), &len);
    guint w = 0, h = 0;

    fail_unless_equals_string (
        json_object_get_string_member (v, "mimeType"), "image/jpeg");
    fail_unless (len > 4 && jpeg[0] == 0xFF && jpeg[1] == 0xD8);
    fail_unless (jpeg_size (jpeg, len, &w, &h));
    fail_unless (
        MAX (w, h) <= max_side, "%ux%u is larger than %u", w, h, max_side);
    fail_unless (w > 0 && h > 0);
    g_free (jpeg);
    g_object_unref (parser);
  }
  g_ptr_array_unref (video);
}

GST_START_TEST (test_video_raw_scaled_rate_limited_jpeg)
{
  Fixture f;
  GstHarness *video;
  guint i;
  GPtrArray *msgs;

  fixture_setup (&f, "video-max-size", 320, NULL);
  video = gst_harness_new_with_element (f.element, "sink_video", NULL);
  gst_harness_set_src_caps_str (
      video, "video/x-raw,format=I420,width=1280,height=720,framerate=10/1");
  gst_harness_play (f.out);
  gst_message_unref (wait_message (&f, "geminilive/setup-complete"));

  /* Three seconds of 10 fps video become about three frames. */
  for (i = 0; i < 30; i++) {
    GstBuffer *buf = gst_harness_create_buffer (video, 1280 * 720 * 3 / 2);
    gst_buffer_memset (buf, 0, i * 8, 1280 * 720 * 3 / 2);
    GST_BUFFER_PTS (buf) = i * GST_SECOND / 10;
    GST_BUFFER_DURATION (buf) = GST_SECOND / 10;
    fail_unless_equals_int (gst_harness_push (video, buf), GST_FLOW_OK);
  }
  gst_harness_push_event (video, gst_event_new_eos ());
  fail_unless (gls_sim_wait_message_kind (f.sim, "video", WAIT_MS));
  /* A later text message proves all earlier frames were sent. */
  g_signal_emit_by_name (f.element, "send-text", "marker", &i);
  fail_unless (gls_sim_wait_message_kind (f.sim, "text", WAIT_MS));
  check_video_messages (&f, 3, 320);
  msgs = client_messages_of (&f, "video");
  fail_unless (msgs->len <= 4, "%u frames for 3 s at 1 fps", msgs->len);
  g_ptr_array_unref (msgs);
  gst_harness_teardown (video);
  fixture_teardown (&f);
}

GST_END_TEST;

GST_START_TEST (test_video_accepts_jpeg)
{
  Fixture f;
  GstHarness *video;
  GstElement *pipe, *sink;
  GstSample *sample;
  gboolean ok;

  /* A real JPEG made by GStreamer's encoder. */
  pipe = gst_parse_launch (
      "videotestsrc num-buffers=1 ! "
      "video/x-raw,width=640,height=480 ! jpegenc ! appsink name=s",
      NULL);
  sink = gst_bin_get_by_name (GST_BIN (pipe), "s");
  gst_element_set_state (pipe, GST_STATE_PLAYING);
  sample = gst_app_sink_pull_sample (GST_APP_SINK (sink));
  fail_unless (sample != NULL);

  fixture_setup (&f, NULL);
  video = gst_harness_new_with_element (f.element, "sink_video", NULL);
  gst_harness_set_src_caps_str (
      video, "image/jpeg,width=640,height=480,framerate=1/1");
  gst_harness_play (f.out);
  gst_message_unref (wait_message (&f, "geminilive/setup-complete"));
  {
    GstBuffer *buf = gst_buffer_copy (gst_sample_get_buffer (sample));
    GST_BUFFER_PTS (buf) = 0;
    GST_BUFFER_DURATION (buf) = GST_SECOND;
    fail_unless_equals_int (gst_harness_push (video, buf), GST_FLOW_OK);
  }
  gst_harness_push_event (video, gst_event_new_eos ());
  fail_unless (gls_sim_wait_message_kind (f.sim, "video", WAIT_MS));
  g_signal_emit_by_name (f.element, "send-text", "marker", &ok);
  fail_unless (gls_sim_wait_message_kind (f.sim, "text", WAIT_MS));
  /* JPEG input takes the same path as raw video: decoded, kept within
   * video-max-size (640 fits the default 768), encoded again. */
  check_video_messages (&f, 1, 640);

  gst_sample_unref (sample);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (sink);
  gst_object_unref (pipe);
  gst_harness_teardown (video);
  fixture_teardown (&f);
}

GST_END_TEST;

/* ---- recorded traffic -------------------------------------------------- */

GST_START_TEST (test_replay_recorded_vertex_audio)
{
  Fixture f;
  GPtrArray *frames;
  GPtrArray *bufs;
  GBytes *got;
  gsize expected = 0;
  guint i;

  frames = recording_load (
      "live_Vertex_should_send_content_dict_in_async_session.websocket.log",
      TRUE);
  fail_unless (frames != NULL && frames->len > 1);

  fixture_setup (&f, NULL);
  gst_harness_play (f.out);
  gst_message_unref (wait_message (&f, "geminilive/setup-complete"));
  /* Replay every recorded server frame after the setupComplete. */
  for (i = 1; i < frames->len; i++) {
    const gchar *frame = g_ptr_array_index (frames, i);
    const gchar *data = strstr (frame, "\"data\"");
    if (data != NULL) {
      const gchar *start = strchr (data + 6, '"') + 1;
      const gchar *end = strchr (start, '"');
      gchar *b64 = g_strndup (start, end - start);
      gsize len;
      g_free (g_base64_decode (b64, &len));
      expected += len;
      g_free (b64);
    }
    gls_sim_send_json (f.sim, frame, TRUE);
  }
  /* The recording stops mid-answer: a marker shows all was processed. */
  gls_sim_send_json (
      f.sim, "{\"serverContent\": {\"turnComplete\": true}}", TRUE);
  gst_message_unref (wait_message (&f, "geminilive/turn-complete"));
  fail_unless (expected > 0);
  bufs = pull_audio (&f, expected);
  got = concat (bufs);
  fail_unless_equals_int (g_bytes_get_size (got), expected);
  check_contiguous (bufs);
  g_bytes_unref (got);
  g_ptr_array_unref (bufs);
  g_ptr_array_unref (frames);
  fixture_teardown (&f);
}

GST_END_TEST;

/* ---- secrets ----------------------------------------------------------- */

static gint key_in_log;

static void
scan_log (GstDebugCategory *category, GstDebugLevel level, const gchar *file,
    const gchar *function, gint line, GObject *object, GstDebugMessage *message,
    gpointer user_data)
{
  const gchar *text = gst_debug_message_get (message);

  if (text != NULL && strstr (text, TEST_KEY) != NULL)
    g_atomic_int_inc (&key_in_log);
}

GST_START_TEST (test_key_never_logged)
{
  Fixture f;

  gst_debug_add_log_function (scan_log, NULL, NULL);
  gst_debug_set_threshold_for_name ("geminilive*", GST_LEVEL_MEMDUMP);
  gst_debug_set_threshold_for_name ("GST_*", GST_LEVEL_LOG);
  gst_debug_set_active (TRUE);
  fixture_setup (&f, NULL);
  gst_harness_play (f.out);
  speak (&f, 300);
  gst_message_unref (wait_message (&f, "geminilive/turn-complete"));
  fixture_teardown (&f);
  gst_debug_remove_log_function (scan_log);
  gst_debug_set_threshold_for_name ("geminilive*", GST_LEVEL_NONE);
  gst_debug_set_threshold_for_name ("GST_*", GST_LEVEL_NONE);
  fail_unless_equals_int (g_atomic_int_get (&key_in_log), 0);
}

GST_END_TEST;

static Suite *
geminilive_suite (void)
{
  Suite *s = suite_create ("geminilive");
  TCase *tc = tcase_create ("conversation");

  suite_add_tcase (s, tc);
  tcase_add_checked_fixture (tc, NULL, teardown_leftovers);
  tcase_add_test (tc, test_setup_first_and_from_properties);
  tcase_add_test (tc, test_audio_held_until_setup_complete_then_exact);
  tcase_add_test (tc, test_audio_chunk_duration);
  tcase_add_test (tc, test_input_buffers_of_any_size_arrive_exact);
  tcase_add_test (tc, test_audio_converted_to_16k_mono);
  tcase_add_test (tc, test_native_audio_goes_through_untouched);
  tcase_add_test (tc, test_model_audio_exact_and_timed);
  tcase_add_test (tc, test_latency_query);
  tcase_add_test (tc, test_gaps_while_idle_never_block_a_sync_sink);
  tcase_add_test (tc, test_text_pads_get_frequent_gaps);
  tcase_add_test (tc, test_live_no_preroll);
  tcase_add_test (tc, test_sync_sink_gets_contiguous_answer);
  tcase_add_test (tc, test_system_clock_output_waits_for_each_buffer);
  tcase_add_test (tc, test_src_thread_asks_for_a_short_slice);
  tcase_add_test (tc, test_interruption_drops_queued_audio);
  tcase_add_test (tc, test_audio_with_interrupted_not_played);
  tcase_add_test (tc, test_tool_call_answered_by_signal_return);
  tcase_add_test (tc, test_tool_call_answered_later_by_action);
  tcase_add_test (tc, test_tool_call_cancellation_signal);
  tcase_add_test (tc, test_blocking_call_holds_input_until_answered);
  tcase_add_test (tc, test_unanswered_call_times_out_into_error_response);
  tcase_add_test (tc, test_raw_server_messages_on_request);
  tcase_add_test (tc, test_transcriptions_and_usage_on_bus);
  tcase_add_test (tc, test_resumption_handle_and_go_away);
  tcase_add_test (tc, test_server_close_is_error_with_code_and_reason);
  tcase_add_test (tc, test_strict_server_rejects_unknown_field);
  tcase_add_test (tc, test_wrong_key_is_not_authorized);
  tcase_add_test (tc, test_refused_connection);
  tcase_add_test (tc, test_bad_uri_and_missing_key);
  tcase_add_test (tc, test_proxy_property_and_environment_are_used);
  tcase_add_test (tc, test_malformed_server_json_is_warning);
  tcase_add_test (tc, test_eos_sends_stream_end_then_ends_src);
  tcase_add_test (tc, test_state_cycles);
  tcase_add_test (tc, test_sessions_share_network_threads);
  tcase_add_test (tc, test_stop_from_a_tool_call_handler);
  tcase_add_test (tc, test_go_away_moves_to_a_resumed_connection);
  tcase_add_test (tc, test_drop_reconnects_and_resumes);
  tcase_add_test (tc, test_internal_error_close_is_retried);
  tcase_add_test (tc, test_input_during_outage_is_sent_after);
  tcase_add_test (tc, test_fatal_close_is_not_retried);
  tcase_add_test (tc, test_gives_up_when_the_budget_runs_out);
  tcase_add_test (tc, test_pending_tool_call_cancelled_on_drop);
  tcase_add_test (tc, test_recycle_before_the_limit);
  tcase_add_test (tc, test_flush_and_pause_keep_the_session);
  tcase_add_test (tc, test_manual_activity_by_signals_holds_audio);
  tcase_add_test (tc, test_manual_activity_from_input_energy);
  tcase_add_test (tc, test_full_setup_accepted_by_strict_server);
  tcase_add_test (tc, test_contradictory_settings_refused_at_ready);
  tcase_add_test (tc, test_settings_read_when_starting);
  tcase_add_test (tc, test_out_of_range_value_keeps_the_property);
  tcase_add_test (tc, test_bad_setting_in_ready_fails_the_start);
  tcase_add_test (tc, test_client_content_and_tool_response_options);
  tcase_add_test (tc, test_text_sink_pad_sends_realtime_text);
  tcase_add_test (tc, test_vertex_ai_bearer_and_session_id);
  tcase_add_test (tc, test_ephemeral_token_uses_constrained_method);
  tcase_add_test (tc, test_manual_activity_from_upstream_voice_activity);
  tcase_add_test (tc, test_every_server_field_reaches_the_bus);
  tcase_add_test (tc, test_bus_messages_carry_named_fields);
  tcase_add_test (tc, test_text_pads_carry_timed_transcripts);
  tcase_add_test (tc, test_go_away_mid_user_speech_loses_nothing);
  tcase_add_test (tc, test_transparent_resumption_resends_exactly);
  tcase_add_test (tc, test_full_socket_loses_nothing);
  tcase_add_test (tc, test_tls_full_socket_loses_nothing);
  tcase_add_test (tc, test_tls_untrusted_certificate_is_an_error);
  tcase_add_test (tc, test_tls_bad_ca_file_is_an_error);
  tcase_add_test (tc, test_stats_count_the_traffic);
  tcase_add_test (tc, test_go_away_mid_answer_keeps_the_answer);
  tcase_add_test (tc, test_go_away_during_a_tool_call);
  tcase_add_test (tc, test_internal_error_mid_answer_abandons_it);
  tcase_add_test (tc, test_refused_reconnects_lose_nothing);
  tcase_add_test (tc, test_slow_pongs_live_silent_death_detected);
  tcase_add_test (tc, test_video_raw_scaled_rate_limited_jpeg);
  tcase_add_test (tc, test_video_accepts_jpeg);
  tcase_add_test (tc, test_replay_recorded_vertex_audio);
  tcase_add_test (tc, test_key_never_logged);
  return s;
}

int
main (int argc, char **argv)
{
  const gchar *wire_log = g_getenv ("GEMINI_LIVE_WIRE_LOG");

  /* Each run starts a fresh log for the conformance test. */
  if (wire_log != NULL && *wire_log != '\0')
    g_file_set_contents (wire_log, "", 0, NULL);
  gst_check_init (&argc, &argv);
  return gst_check_run_suite (geminilive_suite (), "geminilive", __FILE__);
}
