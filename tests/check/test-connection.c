/* gst-gemini-live: the connection's bounds, and every close told truly.
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Messages waiting for a full socket are bounded (live input drops the
 * oldest with a warning, file input waits); max-message-size bounds whole
 * messages; a close the element raises is not the server's; a broken
 * frame is reported with libsoup's words. Some cases need a server that
 * breaks the rules on purpose: a raw WebSocket server here does that.
 */
#include <gst/app/gstappsrc.h>
#include <gst/check/gsttestclock.h>
#include <math.h>
#include <string.h>

#include "fixture.h"

#define GEMINI_PATH                                                            \
  "/ws/google.ai.generativelanguage.v1.GenerativeService.BidiGenerateContent"

/* ---- a raw WebSocket server that breaks the rules ---------------------- */

typedef enum
{
  RAW_FRAGMENTED_TOO_BIG, /* one message of many frames, larger in all */
  RAW_ONE_FRAME_TOO_BIG,  /* one frame larger than the limit */
  RAW_RESERVED_BITS,      /* a frame with RSV1 set, no extension agreed */
} RawScenario;

typedef struct
{
  GSocketService *service;
  GMainContext *context; /* where the service accepts */
  GMainLoop *loop;
  GThread *thread;
  RawScenario scenario;
  guint16 port;
  GMutex lock;
  GCond cond;
  guint close_code; /* the client's close frame, 0 before it */
  guint connections;
} Raw;

static gboolean
read_exact (GInputStream *in, guint8 *buf, gsize len)
{
  gsize got = 0;

  return g_input_stream_read_all (in, buf, len, &got, NULL, NULL) && got == len;
}

/* Reads one client frame; returns its opcode (-1 on EOF) and payload. */
static gint
read_frame (GInputStream *in, GByteArray *payload)
{
  guint8 head[2], mask[4], ext[8];
  guint64 len;
  guint i;

  if (!read_exact (in, head, 2))
    return -1;
  len = head[1] & 0x7f;
  if (len == 126) {
    if (!read_exact (in, ext, 2))
      return -1;
    len = ext[0] << 8 | ext[1];
  } else if (len == 127) {
    if (!read_exact (in, ext, 8))
      return -1;
    for (len = 0, i = 0; i < 8; i++)
      len = len << 8 | ext[i];
  }
  if ((head[1] & 0x80) && !read_exact (in, mask, 4))
    return -1;
  g_byte_array_set_size (payload, len);
  if (len > 0 && !read_exact (in, payload->data, len))
    return -1;
  if (head[1] & 0x80)
    for (i = 0; i < len; i++)
      payload->data[i] ^= mask[i % 4];
  return head[0] & 0x0f;
}

static void
write_frame (GOutputStream *out, guint8 first, const guint8 *data, gsize len)
{
  guint8 head[10];
  gsize n = 0;

  head[n++] = first;
  if (len < 126) {
    head[n++] = len;
  } else if (len <= G_MAXUINT16) {
    head[n++] = 126;
    head[n++] = len >> 8;
    head[n++] = len & 0xff;
  } else {
    head[n++] = 127;
    for (gint i = 7; i >= 0; i--)
      head[n++] = (len >> (8 * i)) & 0xff;
  }
  g_output_stream_write_all (out, head, n, NULL, NULL, NULL);
  g_output_stream_write_all (out, data, len, NULL, NULL, NULL);
}

static gboolean
raw_run (GThreadedSocketService *service, GSocketConnection *connection,
    GObject *source, gpointer user_data)
{
  Raw *raw = user_data;
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  GString *request = g_string_new (NULL);
  GByteArray *payload = g_byte_array_new ();
  gchar *key, *accept, *response;
  GChecksum *sha1;
  guint8 digest[20], c;
  gsize digest_len = sizeof digest;
  const gchar *k;
  gint opcode;

  g_mutex_lock (&raw->lock);
  raw->connections++;
  g_mutex_unlock (&raw->lock);
  while (!g_str_has_suffix (request->str, "\r\n\r\n") && read_exact (in, &c, 1))
    g_string_append_c (request, c);
  k = strstr (request->str, "Sec-WebSocket-Key: ");
  if (k == NULL)
    goto done;
  key = g_strndup (k + 19, strcspn (k + 19, "\r\n"));
  sha1 = g_checksum_new (G_CHECKSUM_SHA1);
  g_checksum_update (sha1, (const guchar *)key, -1);
  g_checksum_update (
      sha1, (const guchar *)"258EAFA5-E914-47DA-95CA-C5AB0DC85B11", -1);
  g_checksum_get_digest (sha1, digest, &digest_len);
  accept = g_base64_encode (digest, digest_len);
  response = g_strdup_printf ("HTTP/1.1 101 Switching Protocols\r\n"
                              "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                              "Sec-WebSocket-Accept: %s\r\n\r\n",
      accept);
  g_output_stream_write_all (
      out, response, strlen (response), NULL, NULL, NULL);
  g_free (response);
  g_free (accept);
  g_checksum_free (sha1);
  g_free (key);

  /* The setup, then setupComplete. */
  if (read_frame (in, payload) < 0)
    goto done;
  write_frame (out, 0x81, (const guint8 *)"{\"setupComplete\": {}}", 21);

  switch (raw->scenario) {
    case RAW_FRAGMENTED_TOO_BIG: {
      /* {"x":"aaaa…"}: 20 frames of 16 KiB, 320 KiB in all. */
      guint8 *chunk = g_malloc (16384);
      guint i;

      memset (chunk, 'a', 16384);
      memcpy (chunk, "{\"x\":\"", 6);
      for (i = 0; i < 20; i++) {
        if (i == 19)
          memcpy (chunk + 16384 - 2, "\"}", 2);
        write_frame (out, (i == 19 ? 0x80 : 0x00) | (i == 0 ? 0x01 : 0x00),
            chunk, 16384);
      }
      g_free (chunk);
      break;
    }
    case RAW_ONE_FRAME_TOO_BIG: {
      guint8 *big = g_malloc (200000);

      memset (big, ' ', 200000);
      big[0] = '{';
      big[199999] = '}';
      write_frame (out, 0x81, big, 200000);
      g_free (big);
      break;
    }
    case RAW_RESERVED_BITS:
      write_frame (out, 0xc1, (const guint8 *)"{}", 2);
      break;
  }
  /* Whatever the client says next, until it closes. */
  while ((opcode = read_frame (in, payload)) >= 0) {
    if (opcode == 0x8) {
      g_mutex_lock (&raw->lock);
      raw->close_code
          = payload->len >= 2 ? payload->data[0] << 8 | payload->data[1] : 1005;
      g_cond_broadcast (&raw->cond);
      g_mutex_unlock (&raw->lock);
      break;
    }
  }
done:
  g_string_free (request, TRUE);
  g_byte_array_unref (payload);
  return TRUE;
}

static gpointer
raw_thread (gpointer data)
{
  Raw *raw = data;

  g_main_context_push_thread_default (raw->context);
  g_main_loop_run (raw->loop);
  g_main_context_pop_thread_default (raw->context);
  return NULL;
}

static Raw *
raw_new (RawScenario scenario)
{
  Raw *raw = g_new0 (Raw, 1);
  GInetAddress *lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *addr = g_inet_socket_address_new (lo, 0);
  GSocketAddress *effective = NULL;

  raw->scenario = scenario;
  g_mutex_init (&raw->lock);
  g_cond_init (&raw->cond);
  raw->context = g_main_context_new ();
  raw->loop = g_main_loop_new (raw->context, FALSE);
  /* The service accepts in the context that is the default where it is
   * made: the thread's. */
  g_main_context_push_thread_default (raw->context);
  raw->service = g_threaded_socket_service_new (4);
  fail_unless (
      g_socket_listener_add_address (G_SOCKET_LISTENER (raw->service), addr,
          G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL, &effective, NULL));
  raw->port
      = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  g_signal_connect (raw->service, "run", G_CALLBACK (raw_run), raw);
  g_socket_service_start (raw->service);
  g_main_context_pop_thread_default (raw->context);
  raw->thread = g_thread_new ("raw-ws", raw_thread, raw);
  g_object_unref (effective);
  g_object_unref (addr);
  g_object_unref (lo);
  return raw;
}

static guint
raw_wait_close (Raw *raw)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_MS * 1000;
  guint code;

  g_mutex_lock (&raw->lock);
  while (raw->close_code == 0)
    if (!g_cond_wait_until (&raw->cond, &raw->lock, deadline))
      break;
  code = raw->close_code;
  g_mutex_unlock (&raw->lock);
  return code;
}

static void
raw_free (Raw *raw)
{
  g_socket_service_stop (raw->service);
  g_socket_listener_close (G_SOCKET_LISTENER (raw->service));
  g_main_loop_quit (raw->loop);
  g_thread_join (raw->thread);
  g_object_unref (raw->service);
  g_main_loop_unref (raw->loop);
  g_main_context_unref (raw->context);
  g_mutex_clear (&raw->lock);
  g_cond_clear (&raw->cond);
  g_free (raw);
}

static gchar *
raw_uri (Raw *raw)
{
  return g_strdup_printf ("ws://127.0.0.1:%u" GEMINI_PATH, raw->port);
}

static gchar *
error_text (GstMessage *msg)
{
  GError *err = NULL;
  gchar *debug = NULL, *text;

  gst_message_parse_error (msg, &err, &debug);
  text = g_strdup (err->message);
  g_error_free (err);
  g_free (debug);
  return text;
}

/* ---- max-message-size -------------------------------------------------- */

/* A message split into frames that are each small enough is still too
 * big: the element closes with 1009 itself, and the error says so and
 * names the property, instead of blaming the server's close. */
GST_START_TEST (test_max_message_size_bounds_whole_messages)
{
  Raw *raw = raw_new (RAW_FRAGMENTED_TOO_BIG);
  Fixture f;
  GstMessage *msg;
  gchar *text, *uri;

  uri = raw_uri (raw);
  fixture_setup (&f, "uri", uri, "max-message-size", (guint64)65536, NULL);
  f.invalid_on_purpose = TRUE;
  gst_harness_play (f.out);
  msg = wait_message (&f, "error");
  text = error_text (msg);
  fail_unless (strstr (text, "max-message-size") != NULL, "%s", text);
  fail_unless (
      strstr (text, "closed the connection with code") == NULL, "%s", text);
  fail_unless_equals_int (raw_wait_close (raw), 1009);
  g_free (text);
  gst_message_unref (msg);
  fixture_teardown (&f);
  raw_free (raw);
  g_free (uri);
}

GST_END_TEST;

/* One frame over the limit: libsoup refuses it unread and drops the
 * connection (without a close frame); the same error, and no retry. */
GST_START_TEST (test_max_message_size_bounds_one_frame)
{
  Raw *raw = raw_new (RAW_ONE_FRAME_TOO_BIG);
  Fixture f;
  GstMessage *msg;
  gchar *text, *uri;

  uri = raw_uri (raw);
  fixture_setup (&f, "uri", uri, "max-message-size", (guint64)65536, NULL);
  f.invalid_on_purpose = TRUE;
  gst_harness_play (f.out);
  msg = wait_message (&f, "error");
  text = error_text (msg);
  fail_unless (strstr (text, "max-message-size") != NULL, "%s", text);
  fail_unless (
      strstr (text, "closed the connection with code") == NULL, "%s", text);
  fail_unless_equals_int (raw->connections, 1);
  g_free (text);
  gst_message_unref (msg);
  fixture_teardown (&f);
  raw_free (raw);
  g_free (uri);
}

GST_END_TEST;

/* ---- a broken frame ---------------------------------------------------- */

/* libsoup finds the fault and closes; the bus says what libsoup said,
 * and that the connection was lost, not closed by the server. */
GST_START_TEST (test_broken_frame_is_reported_in_libsoup_words)
{
  Raw *raw = raw_new (RAW_RESERVED_BITS);
  Fixture f;
  GstMessage *msg;
  const gchar *reason;
  guint code = 0;
  gchar *uri;

  uri = raw_uri (raw);
  fixture_setup (&f, "uri", uri, "reconnect-timeout", 1000, NULL);
  f.invalid_on_purpose = TRUE;
  gst_harness_play (f.out);
  msg = wait_message (&f, "geminilive/reconnecting");
  fail_unless (gst_structure_get_uint (
      gst_message_get_structure (msg), "close-code", &code));
  fail_unless_equals_int (code, 1006);
  reason = gst_structure_get_string (gst_message_get_structure (msg), "reason");
  fail_unless (reason != NULL && *reason != '\0');
  fail_unless (strstr (reason, "without a close frame") == NULL,
      "libsoup's error is not in the reason: %s", reason);
  gst_message_unref (msg);
  fixture_teardown (&f);
  raw_free (raw);
  g_free (uri);
}

GST_END_TEST;

/* ---- the queue's bound ------------------------------------------------- */

/* Distinct speech, so that a drop or a double cannot go unnoticed. */
static GBytes *
make_speech_seeded (guint ms, guint seed)
{
  guint n = 16 * ms, i;
  gint16 *samples = g_new (gint16, n);

  for (i = 0; i < n; i++)
    samples[i] = (gint16)(8000 * sin (2 * G_PI * 440.0 * i / 16000.0))
        + (gint16)((seed * 7 + i) % 13);
  return g_bytes_new_take (samples, n * sizeof (gint16));
}

/* Live input (the harness's upstream is live) to a server that stopped
 * reading: past 8 MiB waiting the oldest input goes, once with a
 * warning, and the connection carries on. */
GST_START_TEST (test_live_input_past_the_bound_drops_the_oldest)
{
  Fixture f;
  GstMessage *msg;
  guint i;

  fixture_setup (&f, NULL);
  start_with_handle (&f);
  gls_sim_pause_reading (f.sim, TRUE);
  /* 512 s of audio, about 22 MB of messages: far past the bound and
   * anything the sockets hold. */
  for (i = 0; i < 128; i++)
    push_bytes (&f, make_speech_seeded (4000, i));
  msg = wait_message (&f, "warning");
  gst_message_unref (msg);
  fail_unless (stat_u64 (&f, "messages-dropped") > 0);
  gls_sim_pause_reading (f.sim, FALSE);
  /* What was kept still arrives, on the same connection. */
  push_bytes (&f, make_tone (400, 0));
  fail_unless (gls_sim_wait_message_kind (f.sim, "audio", WAIT_MS));
  fail_unless_equals_int (gls_sim_get_connection_count (f.sim), 1);
  f.invalid_on_purpose = TRUE;
  fixture_teardown (&f);
}

GST_END_TEST;

typedef struct
{
  GstElement *src;
  GByteArray *said;
  GMutex lock;
  GCond cond;
  gboolean full;
} Feeder;

static void
on_enough_data (GstElement *src, Feeder *feeder)
{
  g_mutex_lock (&feeder->lock);
  feeder->full = TRUE;
  g_cond_broadcast (&feeder->cond);
  g_mutex_unlock (&feeder->lock);
}

/* About 22 MB of messages, pushed as fast as appsrc takes them. */
static gpointer
feed (gpointer data)
{
  Feeder *feeder = data;
  guint i;

  for (i = 0; i < 128; i++) {
    GBytes *audio = make_speech_seeded (4000, i);

    g_byte_array_append (
        feeder->said, g_bytes_get_data (audio, NULL), g_bytes_get_size (audio));
    gst_app_src_push_buffer (GST_APP_SRC (feeder->src), buffer_of (audio));
  }
  return NULL;
}

/* Input from a file (a source that is not live) waits for room instead:
 * with the server not reading, the pushes block once appsrc's queue is
 * full (the element's streaming thread waits); nothing is dropped, and
 * the model hears every byte once the server reads again. */
GST_START_TEST (test_file_input_waits_for_room)
{
  GlsSimOptions options = default_sim_options ();
  GlsSim *sim = gls_sim_new (&options, NULL);
  gchar *uri = gls_sim_get_uri (sim, "v1");
  GstElement *pipeline, *gemini, *sink;
  Feeder feeder;
  GstStructure *stats;
  guint64 dropped = 1;
  GThread *thread;
  GBytes *heard;
  GstCaps *caps = gst_caps_from_string (IN_CAPS);
  GstMessage *msg;
  GstBus *bus;
  gboolean ready;
  gint64 deadline = g_get_monotonic_time () + 3 * WAIT_MS * 1000;

  memset (&feeder, 0, sizeof feeder);
  g_mutex_init (&feeder.lock);
  g_cond_init (&feeder.cond);
  feeder.said = g_byte_array_new ();
  pipeline = gst_pipeline_new (NULL);
  feeder.src = gst_element_factory_make ("appsrc", NULL);
  gemini = gst_element_factory_make ("geminilive", NULL);
  sink = gst_element_factory_make ("fakesink", NULL);
  g_object_set (feeder.src, "is-live", FALSE, "format", GST_FORMAT_TIME,
      "block", TRUE, "max-bytes", (guint64)(1 << 20), "caps", caps, NULL);
  gst_caps_unref (caps);
  g_signal_connect (
      feeder.src, "enough-data", G_CALLBACK (on_enough_data), &feeder);
  g_object_set (gemini, "uri", uri, "api-key", TEST_KEY, NULL);
  gst_bin_add_many (GST_BIN (pipeline), feeder.src, gemini, sink, NULL);
  fail_unless (gst_element_link_many (feeder.src, gemini, sink, NULL));
  bus = gst_pipeline_get_bus (GST_PIPELINE (pipeline));
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  /* Connected and set up; then the server stops reading. */
  do {
    msg = gst_bus_timed_pop_filtered (
        bus, WAIT_MS * GST_MSECOND, GST_MESSAGE_ELEMENT | GST_MESSAGE_ERROR);
    fail_unless (msg != NULL && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ELEMENT);
    ready = gst_structure_has_name (gst_message_get_structure (msg),
        "geminilive/session-resumption-update");
    gst_message_unref (msg);
  } while (!ready);
  gls_sim_pause_reading (sim, TRUE);
  thread = g_thread_new ("feed", feed, &feeder);
  g_mutex_lock (&feeder.lock);
  while (!feeder.full)
    fail_unless (g_cond_wait_until (&feeder.cond, &feeder.lock, deadline),
        "appsrc never filled up");
  g_mutex_unlock (&feeder.lock);
  fail_unless (gls_sim_get_received_audio_size (sim) < 128 * 4000 * 32);
  gls_sim_pause_reading (sim, FALSE);
  g_thread_join (thread);
  fail_unless (
      gls_sim_wait_received_audio (sim, feeder.said->len, 6 * WAIT_MS));
  heard = gls_sim_dup_received_audio (sim);
  fail_unless_equals_int (g_bytes_get_size (heard), feeder.said->len);
  fail_unless (memcmp (g_bytes_get_data (heard, NULL), feeder.said->data,
                   feeder.said->len)
      == 0);
  g_object_get (gemini, "stats", &stats, NULL);
  fail_unless (gst_structure_get_uint64 (stats, "messages-dropped", &dropped));
  fail_unless_equals_uint64 (dropped, 0);
  gst_structure_free (stats);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
  g_bytes_unref (heard);
  g_byte_array_unref (feeder.said);
  g_mutex_clear (&feeder.lock);
  g_cond_clear (&feeder.cond);
  g_free (uri);
  gls_sim_free (sim);
}

GST_END_TEST;

/* ---- one writer: pings and closes while the socket is full ------------- */

#define TLS_CERT GEMINI_LIVE_TEST_DATA_DIR "/tls/sim-cert.pem"
#define TLS_KEY GEMINI_LIVE_TEST_DATA_DIR "/tls/sim-key.pem"

static void
setup_tls (Fixture *f, gboolean tls)
{
  GlsSimOptions options = default_sim_options ();

  if (!tls) {
    fixture_setup (f, NULL);
    return;
  }
  options.tls_cert_file = TLS_CERT;
  options.tls_key_file = TLS_KEY;
  fixture_setup_full (f, &options, "ssl-ca-file", TLS_CERT, NULL);
}

/* Four minutes of speech as fast as the element takes it, to a server
 * that reads slowly (or not at all) and pings every ping_ms: the client's
 * socket fills up (its pongs can only reach the server behind what fills
 * it), and libsoup puts each pong between whole frames. Once the server
 * reads again, every frame it reads is intact, every ping is answered,
 * and the model hears every byte once, on the one connection. */
static void
check_pings_while_full (Fixture *f, guint ping_ms, guint read_rate)
{
  GByteArray *said = g_byte_array_new ();
  GlsSimFrameStats stats;
  gchar *frame_error;
  guint i, pings;

  start_with_handle (f);
  gls_sim_set_ping_interval (f->sim, ping_ms);
  if (read_rate > 0)
    gls_sim_set_read_rate (f->sim, read_rate);
  else
    gls_sim_pause_reading (f->sim, TRUE);
  for (i = 0; i < 240; i++)
    say (f, said, make_speech_seeded (1000, i));
  /* Forty pings while the socket is full. */
  fail_unless (stat_u64 (f, "socket-full") >= 1, "the socket never filled");
  gls_sim_get_frame_stats (f->sim, &stats);
  pings = stats.pings_sent + 40;
  fail_unless (gls_sim_wait_pings_sent (f->sim, pings, WAIT_MS));
  gls_sim_set_read_rate (f->sim, 0);
  gls_sim_pause_reading (f->sim, FALSE);
  check_heard_exactly (f, said);
  fail_unless (gls_sim_wait_pongs (f->sim, pings, WAIT_MS));
  gls_sim_set_ping_interval (f->sim, 0);

  gls_sim_get_frame_stats (f->sim, &stats);
  frame_error = gls_sim_dup_frame_error (f->sim);
  fail_unless_equals_int (stats.corrupt, 0);
  fail_unless (frame_error == NULL, "%s", frame_error);
  fail_unless (stats.pongs_matched >= pings, "%u of %u pongs matched",
      stats.pongs_matched, pings);
  fail_unless_equals_int (gls_sim_get_connection_count (f->sim), 1);
  fail_unless_equals_uint64 (stat_u64 (f, "messages-dropped"), 0);
  g_byte_array_unref (said);
}

GST_START_TEST (test_pings_while_the_socket_is_full_ws)
{
  Fixture f;

  setup_tls (&f, FALSE);
  check_pings_while_full (&f, 20, 30000);
  fixture_teardown (&f);
}

GST_END_TEST;

GST_START_TEST (test_pings_while_the_socket_is_full_wss)
{
  Fixture f;

  setup_tls (&f, TRUE);
  check_pings_while_full (&f, 20, 30000);
  fixture_teardown (&f);
}

GST_END_TEST;

/* Pings every 5 ms while the server reads nothing at all. */
GST_START_TEST (test_fast_pings_while_the_server_reads_nothing)
{
  Fixture f;

  setup_tls (&f, FALSE);
  check_pings_while_full (&f, 5, 0);
  fixture_teardown (&f);
}

GST_END_TEST;

GST_START_TEST (test_fast_pings_while_the_server_reads_nothing_wss)
{
  Fixture f;

  setup_tls (&f, TRUE);
  check_pings_while_full (&f, 5, 0);
  fixture_teardown (&f);
}

GST_END_TEST;

/* The server closes (1007) while the client's socket is full: the element
 * reports the server's code and reason, does not retry a fatal close,
 * and every frame the server read was intact. */
static void
check_close_while_full (gboolean tls)
{
  Fixture f;
  GlsSimFrameStats stats;
  GstMessage *msg;
  GError *err = NULL;
  gchar *debug = NULL;
  guint i;

  setup_tls (&f, tls);
  f.invalid_on_purpose = TRUE;
  start_with_handle (&f);
  gls_sim_set_ping_interval (f.sim, 10);
  gls_sim_pause_reading (f.sim, TRUE);
  for (i = 0; i < 240; i++)
    push_bytes (&f, make_speech_seeded (1000, i));
  fail_unless (stat_u64 (&f, "socket-full") >= 1, "the socket never filled");
  fail_unless (gls_sim_wait_pings_sent (f.sim, 10, WAIT_MS));
  gls_sim_close (f.sim, 1007, "Request contains an invalid argument.");
  msg = wait_message (&f, "error");
  gst_message_parse_error (msg, &err, &debug);
  fail_unless (strstr (err->message, "code 1007") != NULL, "%s", err->message);
  fail_unless (
      strstr (err->message, "Request contains an invalid argument.") != NULL,
      "%s", err->message);
  fail_unless_equals_int (gls_sim_get_connection_count (f.sim), 1);
  gls_sim_get_frame_stats (f.sim, &stats);
  fail_unless_equals_int (stats.corrupt, 0);
  g_error_free (err);
  g_free (debug);
  gst_message_unref (msg);
  fixture_teardown (&f);
}

GST_START_TEST (test_server_close_while_the_socket_is_full)
{
  check_close_while_full (FALSE);
}

GST_END_TEST;

GST_START_TEST (test_server_close_while_the_socket_is_full_wss)
{
  check_close_while_full (TRUE);
}

GST_END_TEST;

static Suite *
connection_suite (void)
{
  Suite *s = suite_create ("connection");
  TCase *tc = tcase_create ("bounds");

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 180);
  tcase_add_checked_fixture (tc, NULL, teardown_leftovers);
  tcase_add_test (tc, test_max_message_size_bounds_whole_messages);
  tcase_add_test (tc, test_max_message_size_bounds_one_frame);
  tcase_add_test (tc, test_broken_frame_is_reported_in_libsoup_words);
  tcase_add_test (tc, test_live_input_past_the_bound_drops_the_oldest);
  tcase_add_test (tc, test_file_input_waits_for_room);
  tcase_add_test (tc, test_pings_while_the_socket_is_full_ws);
  tcase_add_test (tc, test_pings_while_the_socket_is_full_wss);
  tcase_add_test (tc, test_fast_pings_while_the_server_reads_nothing);
  tcase_add_test (tc, test_fast_pings_while_the_server_reads_nothing_wss);
  tcase_add_test (tc, test_server_close_while_the_socket_is_full);
  tcase_add_test (tc, test_server_close_while_the_socket_is_full_wss);
  return s;
}

GST_CHECK_MAIN (connection);
