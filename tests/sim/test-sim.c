/* gemini-live-sim: tests of the simulator through a plain libsoup client.
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <math.h>
#include <string.h>

#include "gls-sim.h"

#define TIMEOUT 5000
#define MODEL "models/gemini-3.1-flash-live-preview"

/* ---- a WebSocket client running in its own thread and context */

typedef struct
{
  GMutex lock;
  GCond cond;
  GThread *thread;
  GMainContext *ctx;
  GMainLoop *loop;
  SoupSession *session;
  SoupMessage *msg;
  SoupWebsocketConnection *ws;
  gboolean done, failed, closed;
  guint http_status;
  GPtrArray *frames; /* gchar * */
  GArray *binary;    /* gboolean per frame */
  gushort close_code;
  gchar *close_reason;
} Client;

static void
on_client_message (
    SoupWebsocketConnection *ws, gint type, GBytes *data, Client *c)
{
  gsize len;
  const gchar *d = g_bytes_get_data (data, &len);
  gboolean bin = type == SOUP_WEBSOCKET_DATA_BINARY;

  g_mutex_lock (&c->lock);
  g_ptr_array_add (c->frames, g_strndup (d, len));
  g_array_append_val (c->binary, bin);
  g_cond_broadcast (&c->cond);
  g_mutex_unlock (&c->lock);
}

static void
on_client_closed (SoupWebsocketConnection *ws, Client *c)
{
  g_mutex_lock (&c->lock);
  c->closed = TRUE;
  c->close_code = soup_websocket_connection_get_close_code (ws);
  c->close_reason = g_strdup (soup_websocket_connection_get_close_data (ws));
  g_cond_broadcast (&c->cond);
  g_mutex_unlock (&c->lock);
}

static void
connected_cb (GObject *src, GAsyncResult *res, gpointer data)
{
  Client *c = data;
  SoupWebsocketConnection *ws
      = soup_session_websocket_connect_finish (SOUP_SESSION (src), res, NULL);

  g_mutex_lock (&c->lock);
  c->done = TRUE;
  if (ws) {
    c->ws = ws;
    g_signal_connect (ws, "message", G_CALLBACK (on_client_message), c);
    g_signal_connect (ws, "closed", G_CALLBACK (on_client_closed), c);
  } else {
    c->failed = TRUE;
    c->http_status = soup_message_get_status (c->msg);
  }
  g_cond_broadcast (&c->cond);
  g_mutex_unlock (&c->lock);
}

static gpointer
client_thread (gpointer data)
{
  Client *c = data;

  g_main_context_push_thread_default (c->ctx);
  c->session = soup_session_new ();
  soup_session_websocket_connect_async (c->session, c->msg, NULL, NULL,
      G_PRIORITY_DEFAULT, NULL, connected_cb, c);
  g_main_loop_run (c->loop);
  if (c->ws) {
    g_signal_handlers_disconnect_by_data (c->ws, c);
    g_object_unref (c->ws);
  }
  g_object_unref (c->session);
  while (g_main_context_iteration (c->ctx, FALSE))
    ;
  g_main_context_pop_thread_default (c->ctx);
  return NULL;
}

/* headers: NULL-terminated name, value pairs */
static Client *
client_new (const gchar *uri, const gchar *const *headers)
{
  Client *c = g_new0 (Client, 1);

  g_mutex_init (&c->lock);
  g_cond_init (&c->cond);
  c->frames = g_ptr_array_new_with_free_func (g_free);
  c->binary = g_array_new (FALSE, FALSE, sizeof (gboolean));
  c->ctx = g_main_context_new ();
  c->loop = g_main_loop_new (c->ctx, FALSE);
  c->msg = soup_message_new ("GET", uri);
  for (; headers && headers[0]; headers += 2)
    soup_message_headers_append (
        soup_message_get_request_headers (c->msg), headers[0], headers[1]);
  c->thread = g_thread_new ("client", client_thread, c);
  return c;
}

static const gchar *const KEY[] = { "x-goog-api-key", "test-key", NULL };

static Client *
client_open (GlsSim *sim, const gchar *version)
{
  gchar *uri = gls_sim_get_uri (sim, version);
  Client *c = client_new (uri, KEY);

  g_free (uri);
  return c;
}

typedef gboolean (*ClientPred) (Client *c, gconstpointer arg);

static gboolean
client_wait (Client *c, ClientPred pred, gconstpointer arg)
{
  gint64 end = g_get_monotonic_time () + TIMEOUT * G_TIME_SPAN_MILLISECOND;
  gboolean ok;

  g_mutex_lock (&c->lock);
  while (!(ok = pred (c, arg)))
    if (!g_cond_wait_until (&c->cond, &c->lock, end)) {
      ok = pred (c, arg);
      break;
    }
  g_mutex_unlock (&c->lock);
  return ok;
}

static gboolean
p_done (Client *c, gconstpointer arg)
{
  return c->done;
}

static gboolean
p_closed (Client *c, gconstpointer arg)
{
  return c->closed;
}

static gboolean
p_frames (Client *c, gconstpointer arg)
{
  return c->frames->len >= GPOINTER_TO_UINT (arg);
}

static JsonNode *
parse (const gchar *text)
{
  JsonNode *n = json_from_string (text, NULL);

  fail_unless (n != NULL, "not JSON: %s", text);
  return n;
}

/* Looks up a dotted path ("serverContent.turnComplete") in a frame. */
static JsonNode *
lookup (JsonNode *root, const gchar *path)
{
  gchar **parts = g_strsplit (path, ".", -1);
  JsonNode *n = root;

  for (guint i = 0; parts[i] && n; i++)
    n = JSON_NODE_HOLDS_OBJECT (n)
        ? json_object_get_member (json_node_get_object (n), parts[i])
        : NULL;
  g_strfreev (parts);
  return n;
}

static gint
find_frame_locked (Client *c, const gchar *path, guint from)
{
  for (guint i = from; i < c->frames->len; i++) {
    JsonNode *n = json_from_string (c->frames->pdata[i], NULL);
    gboolean hit = n && lookup (n, path) != NULL;

    if (n)
      json_node_unref (n);
    if (hit)
      return i;
  }
  return -1;
}

static gboolean
p_has_frame (Client *c, gconstpointer arg)
{
  return find_frame_locked (c, arg, 0) >= 0;
}

/* Index of the first frame with path, waiting for it. */
static gint
client_wait_frame (Client *c, const gchar *path)
{
  gint i;

  client_wait (c, p_has_frame, path);
  g_mutex_lock (&c->lock);
  i = find_frame_locked (c, path, 0);
  g_mutex_unlock (&c->lock);
  return i;
}

static gint
client_find (Client *c, const gchar *path, guint from)
{
  gint i;

  g_mutex_lock (&c->lock);
  i = find_frame_locked (c, path, from);
  g_mutex_unlock (&c->lock);
  return i;
}

static gchar *
client_frame (Client *c, guint i)
{
  gchar *s;

  g_mutex_lock (&c->lock);
  s = g_strdup (c->frames->pdata[i]);
  g_mutex_unlock (&c->lock);
  return s;
}

typedef struct
{
  Client *c;
  gchar *text;
  gushort code;
  gboolean close;
} SendOp;

static gboolean
send_cb (gpointer data)
{
  SendOp *op = data;

  if (op->c->ws
      && soup_websocket_connection_get_state (op->c->ws)
          == SOUP_WEBSOCKET_STATE_OPEN) {
    if (op->close)
      soup_websocket_connection_close (op->c->ws, op->code, NULL);
    else
      soup_websocket_connection_send_text (op->c->ws, op->text);
  }
  g_free (op->text);
  g_free (op);
  return G_SOURCE_REMOVE;
}

static void
client_send (Client *c, const gchar *text)
{
  SendOp *op = g_new0 (SendOp, 1);

  op->c = c;
  op->text = g_strdup (text);
  g_main_context_invoke (c->ctx, send_cb, op);
}

static void
client_close (Client *c, gushort code)
{
  SendOp *op = g_new0 (SendOp, 1);

  op->c = c;
  op->code = code;
  op->close = TRUE;
  g_main_context_invoke (c->ctx, send_cb, op);
}

static gboolean
quit_cb (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

static void
client_free (Client *c)
{
  g_main_context_invoke (c->ctx, quit_cb, c->loop);
  g_thread_join (c->thread);
  g_main_loop_unref (c->loop);
  g_main_context_unref (c->ctx);
  g_object_unref (c->msg);
  g_ptr_array_unref (c->frames);
  g_array_unref (c->binary);
  g_free (c->close_reason);
  g_mutex_clear (&c->lock);
  g_cond_clear (&c->cond);
  g_free (c);
}

static void
client_wait_open (Client *c)
{
  fail_unless (client_wait (c, p_done, NULL));
  fail_unless (!c->failed, "upgrade failed with HTTP %u", c->http_status);
}

/* Opens, sends the setup and waits for setupComplete. */
static Client *
client_setup (GlsSim *sim, const gchar *setup_json)
{
  Client *c = client_open (sim, "v1beta");

  client_wait_open (c);
  client_send (c, setup_json);
  fail_unless (client_wait_frame (c, "setupComplete") >= 0);
  return c;
}

static void
assert_closed (Client *c, gushort code, const gchar *reason)
{
  fail_unless (client_wait (c, p_closed, NULL), "not closed");
  fail_unless_equals_int (c->close_code, code);
  if (reason)
    fail_unless_equals_string (c->close_reason, reason);
}

static GlsSim *
sim_new (GlsSimOptions *opts)
{
  GlsSimOptions defaults;
  GError *error = NULL;
  GlsSim *sim;

  if (!opts) {
    gls_sim_options_init (&defaults);
    defaults.setup_delay_ms = 1;
    opts = &defaults;
  }
  sim = gls_sim_new (opts, &error);
  fail_unless (sim != NULL, "%s", error ? error->message : "");
  return sim;
}

static void
fast_options (GlsSimOptions *o)
{
  gls_sim_options_init (o);
  o->setup_delay_ms = 1;
  o->answer_ms = 400;
  o->answer_speed = 20.0;
  o->silence_ms = 200;
}

/* 16 kHz s16le: a 440 Hz tone (speech to the VAD) or silence. */
static gchar *
audio_msg (guint ms, gboolean speech)
{
  guint n = 16 * ms;
  gint16 *pcm = g_new0 (gint16, n);
  gchar *b64, *json;

  for (guint i = 0; speech && i < n; i++)
    pcm[i] = GINT16_TO_LE ((gint16)(6000 * sin (2 * G_PI * 440 * i / 16000.)));
  b64 = g_base64_encode ((guchar *)pcm, n * 2);
  json = g_strdup_printf ("{\"realtimeInput\":{\"audio\":{\"mimeType\":"
                          "\"audio/pcm;rate=16000\",\"data\":\"%s\"}}}",
      b64);
  g_free (b64);
  g_free (pcm);
  return json;
}

static void
send_audio (Client *c, guint ms, gboolean speech)
{
  for (guint t = 0; t < ms; t += 20) {
    gchar *m = audio_msg (20, speech);
    client_send (c, m);
    g_free (m);
  }
}

/* ---- tests */

GST_START_TEST (test_setup_complete_binary_pretty)
{
  GlsSim *sim = sim_new (NULL);
  Client *c = client_open (sim, "v1beta");
  gchar *headers, *frame;

  client_wait_open (c);
  client_send (c, "{\"setup\":{\"model\":\"" MODEL "\"}}");
  fail_unless (client_wait (c, p_frames, GUINT_TO_POINTER (1)));
  frame = client_frame (c, 0);
  fail_unless_equals_string (frame, "{\n  \"setupComplete\": {}\n}\n");
  fail_unless (g_array_index (c->binary, gboolean, 0), "not a binary frame");
  headers = gls_sim_dup_last_request_headers (sim);
  fail_unless (strstr (headers, "x-goog-api-key: test-key") != NULL);
  fail_unless_equals_int (gls_sim_get_open_connection_count (sim), 1);
  g_free (headers);
  g_free (frame);
  client_close (c, 1000);
  fail_unless (gls_sim_wait_all_closed (sim, TIMEOUT));
  fail_unless_equals_int (gls_sim_get_last_close_code (sim), 1000);
  client_free (c);
  gls_sim_free (sim);
}
GST_END_TEST;

GST_START_TEST (test_paths_and_refusal)
{
  GlsSim *sim = sim_new (NULL);
  gchar *uri, *frame;
  const gchar *const bearer[] = { "Authorization", "Bearer tok", NULL };
  Client *c;

  /* the SDK's doubled slash, key in the query */
  uri = g_strdup_printf ("ws://127.0.0.1:%u//ws/google.ai."
                         "generativelanguage.v1.GenerativeService."
                         "BidiGenerateContent?key=abc",
      gls_sim_get_port (sim));
  c = client_new (uri, NULL);
  g_free (uri);
  client_wait_open (c);
  client_send (c, "{\"setup\":{\"model\":\"" MODEL "\"}}");
  fail_unless (client_wait_frame (c, "setupComplete") == 0);
  client_free (c);

  /* Vertex: full model name, setupComplete carries a sessionId */
  uri = gls_sim_get_vertex_uri (sim, NULL);
  c = client_new (uri, bearer);
  g_free (uri);
  client_wait_open (c);
  client_send (c,
      "{\"setup\":{\"model\":\"projects/p/locations/l/publishers/"
      "google/models/gemini-live-2.5-flash\"}}");
  fail_unless (client_wait_frame (c, "setupComplete.sessionId") == 0);
  frame = client_frame (c, 0);
  fail_unless (g_str_has_prefix (frame,
      "{\n  \"setupComplete\": {\n    "
      "\"sessionId\": \""));
  g_free (frame);
  client_free (c);

  /* unknown path: 404 */
  uri = g_strdup_printf (
      "ws://127.0.0.1:%u/ws/nothing", gls_sim_get_port (sim));
  c = client_new (uri, KEY);
  g_free (uri);
  fail_unless (client_wait (c, p_done, NULL));
  fail_unless (c->failed);
  fail_unless_equals_int (c->http_status, 404);
  client_free (c);

  /* refused: 503 */
  gls_sim_set_refuse_connections (sim, TRUE);
  c = client_open (sim, "v1");
  fail_unless (client_wait (c, p_done, NULL));
  fail_unless (c->failed);
  fail_unless_equals_int (c->http_status, 503);
  client_free (c);
  gls_sim_set_refuse_connections (sim, FALSE);
  gls_sim_free (sim);
}
GST_END_TEST;

static void
expect_close (const gchar *version, const gchar *const *headers,
    const gchar *msg1, const gchar *msg2, gushort code, const gchar *reason)
{
  GlsSim *sim = sim_new (NULL);
  gchar *uri = gls_sim_get_uri (sim, version);
  Client *c = client_new (uri, headers);
  gchar *sim_reason;
  /* a close frame carries at most 123 bytes of reason (RFC 6455 5.5) */
  gchar *sent = g_strndup (reason, 123);

  g_free (uri);
  client_wait_open (c);
  client_send (c, msg1);
  if (msg2) {
    fail_unless (client_wait_frame (c, "setupComplete") >= 0);
    client_send (c, msg2);
  }
  assert_closed (c, code, sent);
  fail_unless (gls_sim_wait_all_closed (sim, TIMEOUT));
  fail_unless_equals_int (gls_sim_get_last_close_code (sim), code);
  sim_reason = gls_sim_dup_last_close_reason (sim);
  fail_unless_equals_string (sim_reason, sent);
  g_free (sim_reason);
  g_free (sent);
  client_free (c);
  gls_sim_free (sim);
}

#define SETUP "{\"setup\":{\"model\":\"" MODEL "\"}}"

GST_START_TEST (test_unknown_field)
{
  expect_close ("v1", KEY,
      "{\"setup\":{\"model\":\"" MODEL "\",\"generationConfig\":{"
      "\"inputAudioTranscription\":{}}}}",
      NULL, 1007,
      "Invalid JSON payload received. Unknown name "
      "\"inputAudioTranscription\" at 'setup.generation_config': "
      "Cannot find field.");
}
GST_END_TEST;

GST_START_TEST (test_bad_enum_and_type)
{
  expect_close ("v1", KEY,
      "{\"setup\":{\"model\":\"" MODEL "\",\"generationConfig\":{"
      "\"responseModalities\":[\"FOO\"]}}}",
      NULL, 1007,
      "Invalid value at 'setup.generation_config.response_"
      "modalities[0]' (type.googleapis.com/google.ai."
      "generativelanguage.v1.GenerationConfig.Modality), \"FOO\"");
  expect_close ("v1beta", KEY,
      "{\"setup\":{\"model\":\"" MODEL "\",\"generation_config\":{"
      "\"temperature\":\"hot\"}}}",
      NULL, 1007,
      "Invalid value at 'setup.generation_config.temperature' "
      "(TYPE_FLOAT), \"hot\"");
}
GST_END_TEST;

GST_START_TEST (test_media_chunks)
{
  expect_close ("v1beta", KEY, SETUP,
      "{\"realtimeInput\":{\"mediaChunks\":[{\"mimeType\":\"audio/"
      "pcm;rate=16000\",\"data\":\"AAAA\"}]}}",
      1007,
      "realtime_input.media_chunks is deprecated. Use audio, video, "
      "or text instead.");
}
GST_END_TEST;

GST_START_TEST (test_bad_base64)
{
  expect_close ("v1beta", KEY, SETUP,
      "{\"realtimeInput\":{\"audio\":{\"mimeType\":\"audio/pcm;"
      "rate=16000\",\"data\":\"AAAA$AAAAAAAAAAAAAAAAAAAAAAAAA\"}}}",
      1007,
      "Invalid value at 'realtime_input.audio.data' (TYPE_BYTES), "
      "Base64 decoding failed for \"AAAA$AAAAAAAAAAAAAAA\"");
  /* bad padding */
  expect_close ("v1beta", KEY, SETUP,
      "{\"realtimeInput\":{\"audio\":{\"mimeType\":\"audio/pcm\","
      "\"data\":\"AAA\"}}}",
      1007,
      "Invalid value at 'realtime_input.audio.data' (TYPE_BYTES), "
      "Base64 decoding failed for \"AAA\"");
}
GST_END_TEST;

GST_START_TEST (test_invalid_arguments)
{
  const gchar *inv = "Request contains an invalid argument.";

  expect_close ("v1beta", KEY, SETUP, SETUP, 1007, inv);
  expect_close (
      "v1beta", KEY, "{\"realtimeInput\":{\"text\":\"hi\"}}", NULL, 1007, inv);
  expect_close ("v1beta", KEY, "[1,2]", NULL, 1007, inv);
  expect_close ("v1beta", KEY, SETUP,
      "{\"realtimeInput\":{\"text\":\"a\",\"audioStreamEnd\":true}}", 1007,
      inv);
  expect_close ("v1beta", KEY, SETUP,
      "{\"realtimeInput\":{\"audio\":{\"mimeType\":\"audio/wav\","
      "\"data\":\"AAAA\"}}}",
      1007, inv);
  expect_close ("v1beta", KEY, SETUP,
      "{\"realtimeInput\":{\"activityStart\":{}}}", 1007, inv);
  expect_close ("v1beta", KEY,
      "{\"setup\":{\"model\":\"" MODEL "\",\"realtimeInputConfig\":"
      "{\"automaticActivityDetection\":{\"disabled\":true}}}}",
      "{\"realtimeInput\":{\"audioStreamEnd\":true}}", 1007, inv);
}
GST_END_TEST;

GST_START_TEST (test_unknown_model_and_key)
{
  const gchar *const bad_key[] = { "x-goog-api-key", "wrong", NULL };
  GlsSimOptions o;
  GlsSim *sim;
  Client *c;
  gchar *uri;

  expect_close ("v1beta", KEY, "{\"setup\":{\"model\":\"models/gemini-nope\"}}",
      NULL, 1008,
      "models/gemini-nope is not found for API version v1beta, or "
      "is not supported for bidiGenerateContent.");
  expect_close ("v1beta", NULL, SETUP, NULL, 1007,
      "API key not valid. Please pass a valid API key.");

  gls_sim_options_init (&o);
  o.api_key = "right";
  sim = sim_new (&o);
  uri = gls_sim_get_uri (sim, NULL);
  c = client_new (uri, bad_key);
  g_free (uri);
  client_wait_open (c);
  client_send (c, SETUP);
  assert_closed (c, 1007, "API key not valid. Please pass a valid API key.");
  client_free (c);
  gls_sim_free (sim);
}
GST_END_TEST;

GST_START_TEST (test_early_message)
{
  GlsSimOptions o;
  GlsSim *sim;
  Client *c;

  gls_sim_options_init (&o);
  o.setup_delay_ms = 300;
  sim = sim_new (&o);
  c = client_open (sim, NULL);
  client_wait_open (c);
  client_send (c, SETUP);
  client_send (c, "{\"realtimeInput\":{\"text\":\"too soon\"}}");
  assert_closed (c, 1007, "Request contains an invalid argument.");
  fail_unless_equals_int (gls_sim_get_early_message_count (sim), 1);
  client_free (c);
  gls_sim_free (sim);
}
GST_END_TEST;

static gsize
decoded_audio_bytes (Client *c, guint from, guint to)
{
  gsize total = 0;

  for (guint i = from; i < to; i++) {
    gchar *f = client_frame (c, i);
    JsonNode *n = parse (f);
    JsonNode *parts = lookup (n, "serverContent.modelTurn.parts");

    if (parts) {
      JsonObject *p
          = json_array_get_object_element (json_node_get_array (parts), 0);
      JsonObject *blob = json_object_get_object_member (p, "inlineData");
      gsize len = 0;
      guchar *d;

      fail_unless_equals_string (
          json_object_get_string_member (blob, "mimeType"),
          "audio/pcm;rate=24000");
      d = g_base64_decode (json_object_get_string_member (blob, "data"), &len);
      fail_unless_equals_int (len, 4800);
      total += len;
      g_free (d);
    }
    json_node_unref (n);
    g_free (f);
  }
  return total;
}

GST_START_TEST (test_audio_turn)
{
  GlsSimOptions o;
  GlsSim *sim;
  Client *c;
  gint in_tx, gen, tc, first_audio, out_tx;
  gchar *f;
  JsonNode *n;
  GBytes *sent, *received;

  fast_options (&o);
  sim = sim_new (&o);
  c = client_setup (sim,
      "{\"setup\":{\"model\":\"" MODEL "\","
      "\"inputAudioTranscription\":{},"
      "\"outputAudioTranscription\":{}}}");
  send_audio (c, 200, FALSE);
  send_audio (c, 600, TRUE);
  send_audio (c, 300, FALSE);
  fail_unless (gls_sim_wait_received_audio (sim, 1100 * 32, TIMEOUT));
  fail_unless (gls_sim_wait_answers_sent (sim, 1, TIMEOUT));
  tc = client_wait_frame (c, "serverContent.turnComplete");
  fail_unless (tc > 0);

  in_tx = client_find (c, "serverContent.inputTranscription", 0);
  fail_unless (in_tx > 0);
  f = client_frame (c, in_tx);
  n = parse (f);
  fail_unless_equals_string (json_node_get_string (lookup (
                                 n, "serverContent.inputTranscription.text")),
      "user spoke for 0.60 s");
  json_node_unref (n);
  g_free (f);

  first_audio = client_find (c, "serverContent.modelTurn", 0);
  out_tx = client_find (c, "serverContent.outputTranscription", 0);
  gen = client_find (c, "serverContent.generationComplete", 0);
  fail_unless (first_audio > in_tx && out_tx > first_audio);
  fail_unless (gen > out_tx && tc > gen);
  fail_unless (client_find (c, "serverContent.modelTurn", gen) < 0);

  /* turnComplete and usageMetadata in one message */
  f = client_frame (c, tc);
  n = parse (f);
  fail_unless (lookup (n, "usageMetadata.promptTokenCount") != NULL);
  fail_unless (lookup (n, "usageMetadata.responseTokenCount") != NULL);
  fail_unless (lookup (n, "usageMetadata.totalTokenCount") != NULL);
  fail_unless_equals_string (json_object_get_string_member (
                                 json_array_get_object_element (
                                     json_node_get_array (lookup (n,
                                         "usageMetadata.promptTokensDetails")),
                                     0),
                                 "modality"),
      "AUDIO");
  json_node_unref (n);
  g_free (f);

  /* byte accounting on both sides */
  received = gls_sim_dup_received_audio (sim);
  fail_unless_equals_int (g_bytes_get_size (received), 1100 * 32);
  sent = gls_sim_dup_sent_audio (sim);
  fail_unless_equals_int (g_bytes_get_size (sent), 400 * 48);
  fail_unless_equals_int (decoded_audio_bytes (c, 0, tc), 400 * 48);
  g_bytes_unref (sent);
  g_bytes_unref (received);
  client_free (c);
  gls_sim_free (sim);
}
GST_END_TEST;

GST_START_TEST (test_text_modality_snake_case)
{
  GlsSimOptions o;
  GlsSim *sim;
  Client *c;
  gint tc;
  gchar *f;

  fast_options (&o);
  sim = sim_new (&o);
  c = client_setup (sim,
      "{\"setup\":{\"model\":\"models/gemini-live-2.5-"
      "flash-preview\",\"generation_config\":{"
      "\"response_modalities\":[\"TEXT\"]}}}");
  client_send (c, "{\"realtime_input\":{\"text\":\"Are you there?\"}}");
  fail_unless (gls_sim_wait_answers_sent (sim, 1, TIMEOUT));
  tc = client_wait_frame (c, "serverContent.turnComplete");
  fail_unless (client_find (c, "serverContent.modelTurn", 0) > 0);
  f = client_frame (c, client_find (c, "serverContent.modelTurn", 0));
  fail_unless (strstr (f, "\"text\": ") != NULL);
  g_free (f);
  f = client_frame (c, tc);
  fail_unless (strstr (f, "\"modality\": \"TEXT\"") != NULL);
  g_free (f);
  fail_unless (gls_sim_wait_message_kind (sim, "text", TIMEOUT));
  client_free (c);
  gls_sim_free (sim);
}
GST_END_TEST;

GST_START_TEST (test_barge_in)
{
  GlsSimOptions o;
  GlsSim *sim;
  Client *c;
  gint intr, tc;

  fast_options (&o);
  o.answer_ms = 3000;
  o.answer_speed = 1.0;
  sim = sim_new (&o);
  c = client_setup (sim, SETUP);
  send_audio (c, 400, TRUE);
  send_audio (c, 300, FALSE);
  fail_unless (client_wait_frame (c, "serverContent.modelTurn") > 0);
  send_audio (c, 100, TRUE);
  fail_unless (gls_sim_wait_interrupted (sim, 1, TIMEOUT));
  intr = client_wait_frame (c, "serverContent.interrupted");
  fail_unless (intr > 0);
  fail_unless (client_wait (c, p_frames, GUINT_TO_POINTER (intr + 2)));
  tc = client_find (c, "serverContent.turnComplete", intr);
  fail_unless (tc == intr + 1, "turnComplete must follow interrupted");
  fail_unless (client_find (c, "serverContent.generationComplete", 0) < 0);
  fail_unless_equals_int (gls_sim_get_answers_sent (sim), 0);
  client_free (c);
  gls_sim_free (sim);
}
GST_END_TEST;

#define TOOL_SETUP                                                             \
  "{\"setup\":{\"model\":\"" MODEL "\",\"outputAudioTranscription\":{},"       \
  "\"tools\":[{\"functionDeclarations\":[{\"name\":\"get_weather\","           \
  "\"description\":\"Weather\",\"parameters\":{\"type\":\"OBJECT\","           \
  "\"properties\":{\"location\":{\"type\":\"STRING\"}},"                       \
  "\"required\":[\"location\"]}}]}]}}"

GST_START_TEST (test_tool_call)
{
  GlsSimOptions o;
  GlsSim *sim;
  Client *c;
  gint call, tc;
  gchar *f;
  JsonNode *n;
  GString *transcript = g_string_new (NULL);

  fast_options (&o);
  sim = sim_new (&o);
  c = client_setup (sim, TOOL_SETUP);
  client_send (c, "{\"realtimeInput\":{\"text\":\"call get_weather\"}}");
  call = client_wait_frame (c, "toolCall");
  fail_unless (call > 0);
  f = client_frame (c, call);
  n = parse (f);
  fail_unless_equals_string (
      json_object_get_string_member (
          json_array_get_object_element (
              json_node_get_array (lookup (n, "toolCall.functionCalls")), 0),
          "id"),
      "function-call-1");
  fail_unless (strstr (f, "\"location\": \"sim-location\"") != NULL);
  json_node_unref (n);
  g_free (f);

  /* input while the blocking call is unanswered is counted */
  send_audio (c, 20, FALSE);
  fail_unless (gls_sim_wait_received_audio (sim, 640, TIMEOUT));
  client_send (c,
      "{\"toolResponse\":{\"functionResponses\":[{\"id\":"
      "\"function-call-1\",\"name\":\"get_weather\",\"response\":"
      "{\"temp\":12}}]}}");
  fail_unless (gls_sim_wait_answers_sent (sim, 1, TIMEOUT));
  tc = client_wait_frame (c, "serverContent.turnComplete");
  fail_unless_equals_int (gls_sim_get_input_during_tool_call_count (sim), 1);
  for (gint i = call; i < tc; i++) {
    f = client_frame (c, i);
    n = parse (f);
    if (lookup (n, "serverContent.outputTranscription.text"))
      g_string_append (transcript,
          json_node_get_string (
              lookup (n, "serverContent.outputTranscription.text")));
    json_node_unref (n);
    g_free (f);
  }
  fail_unless (
      strstr (transcript->str, "{\"temp\":12}") != NULL, "%s", transcript->str);
  g_string_free (transcript, TRUE);

  /* an id that was never issued */
  client_send (c,
      "{\"toolResponse\":{\"functionResponses\":[{\"id\":"
      "\"function-call-99\",\"name\":\"get_weather\","
      "\"response\":{}}]}}");
  assert_closed (c, 1008, "Requested entity was not found.");
  client_free (c);
  gls_sim_free (sim);
}
GST_END_TEST;

GST_START_TEST (test_tool_call_cancelled_by_barge_in)
{
  GlsSimOptions o;
  GlsSim *sim;
  Client *c;
  gint canc;
  gchar *f;

  fast_options (&o);
  sim = sim_new (&o);
  c = client_setup (sim, TOOL_SETUP);
  client_send (c, "{\"realtimeInput\":{\"text\":\"get_weather please\"}}");
  fail_unless (client_wait_frame (c, "toolCall") > 0);
  send_audio (c, 100, TRUE);
  canc = client_wait_frame (c, "toolCallCancellation");
  fail_unless (canc > 0);
  f = client_frame (c, canc);
  fail_unless (strstr (f, "function-call-1") != NULL);
  g_free (f);
  fail_unless (client_find (c, "serverContent.interrupted", 0) > 0);
  client_free (c);
  gls_sim_free (sim);
}
GST_END_TEST;

GST_START_TEST (test_go_away)
{
  GlsSimOptions o;
  GlsSim *sim;
  Client *c;
  gint ga;
  gchar *f;

  fast_options (&o);
  o.go_away_after_ms = 20;
  o.go_away_time_left_ms = 300;
  sim = sim_new (&o);
  c = client_setup (sim, SETUP);
  ga = client_wait_frame (c, "goAway.timeLeft");
  fail_unless (ga > 0);
  f = client_frame (c, ga);
  fail_unless (strstr (f, "\"timeLeft\": \"0.3s\"") != NULL, "%s", f);
  g_free (f);
  fail_unless (client_wait (c, p_closed, NULL));
  fail_unless_equals_int (c->close_code, 1008);
  fail_unless (g_str_has_prefix (c->close_reason,
      "Connection aborted because the client "
      "failed to close the connection after "
      "receiving a GoAway signal"));
  client_free (c);
  gls_sim_free (sim);
}
GST_END_TEST;

static gchar *
latest_handle (Client *c)
{
  gchar *handle = NULL;

  g_mutex_lock (&c->lock);
  for (guint i = 0; i < c->frames->len; i++) {
    JsonNode *n = json_from_string (c->frames->pdata[i], NULL);
    JsonNode *h = n ? lookup (n, "sessionResumptionUpdate.newHandle") : NULL;

    if (h) {
      g_free (handle);
      handle = g_strdup (json_node_get_string (h));
    }
    if (n)
      json_node_unref (n);
  }
  g_mutex_unlock (&c->lock);
  return handle;
}

GST_START_TEST (test_resumption)
{
  GlsSimOptions o;
  GlsSim *sim;
  Client *a, *b, *d;
  gchar *handle, *setup;

  fast_options (&o);
  sim = sim_new (&o);
  a = client_setup (sim,
      "{\"setup\":{\"model\":\"" MODEL "\","
      "\"sessionResumption\":{}}}");
  fail_unless (client_wait_frame (a, "sessionResumptionUpdate.newHandle") > 0);
  handle = latest_handle (a);
  fail_unless (handle && *handle);
  setup = g_strdup_printf ("{\"setup\":{\"model\":\"" MODEL "\","
                           "\"sessionResumption\":{\"handle\":\"%s\"}}}",
      handle);

  /* resuming while the old socket is open is rejected */
  b = client_open (sim, "v1beta");
  client_wait_open (b);
  client_send (b, setup);
  assert_closed (b, 1011, "Internal error occurred.");
  client_free (b);

  client_close (a, 1000);
  fail_unless (gls_sim_wait_all_closed (sim, TIMEOUT));
  client_free (a);

  d = client_setup (sim, setup);
  fail_unless (client_wait_frame (d, "sessionResumptionUpdate.newHandle") > 0);
  client_free (d);

  /* unknown handle */
  expect_close ("v1beta", KEY,
      "{\"setup\":{\"model\":\"" MODEL "\",\"sessionResumption\":"
      "{\"handle\":\"nope\"}}}",
      NULL, 1007, "Request contains an invalid argument.");
  g_free (setup);
  g_free (handle);
  gls_sim_free (sim);
}
GST_END_TEST;

GST_START_TEST (test_drop)
{
  GlsSim *sim = sim_new (NULL);
  Client *c = client_setup (sim, SETUP);

  gls_sim_drop (sim);
  fail_unless (client_wait (c, p_closed, NULL));
  /* no close frame: libsoup reports no code (0) or 1006 */
  fail_unless (c->close_code == 0 || c->close_code == 1006, "got close code %u",
      c->close_code);
  fail_unless (gls_sim_wait_all_closed (sim, TIMEOUT));
  fail_unless_equals_int (gls_sim_get_last_close_code (sim), 1006);
  client_free (c);
  gls_sim_free (sim);
}
GST_END_TEST;

GST_START_TEST (test_scripted_close_and_send)
{
  GlsSim *sim = sim_new (NULL);
  Client *c = client_setup (sim, SETUP);

  gls_sim_send_json (sim, "{\"custom\":1}", FALSE);
  fail_unless (client_wait_frame (c, "custom") == 1);
  fail_unless (!g_array_index (c->binary, gboolean, 1));
  gls_sim_close (sim, 1011, "Internal error occurred.");
  assert_closed (c, 1011, "Internal error occurred.");
  client_free (c);
  gls_sim_free (sim);
}
GST_END_TEST;

static Suite *
sim_suite (void)
{
  Suite *s = suite_create ("gemini-live-sim");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_setup_complete_binary_pretty);
  tcase_add_test (tc, test_paths_and_refusal);
  tcase_add_test (tc, test_unknown_field);
  tcase_add_test (tc, test_bad_enum_and_type);
  tcase_add_test (tc, test_media_chunks);
  tcase_add_test (tc, test_bad_base64);
  tcase_add_test (tc, test_invalid_arguments);
  tcase_add_test (tc, test_unknown_model_and_key);
  tcase_add_test (tc, test_early_message);
  tcase_add_test (tc, test_audio_turn);
  tcase_add_test (tc, test_text_modality_snake_case);
  tcase_add_test (tc, test_barge_in);
  tcase_add_test (tc, test_tool_call);
  tcase_add_test (tc, test_tool_call_cancelled_by_barge_in);
  tcase_add_test (tc, test_go_away);
  tcase_add_test (tc, test_resumption);
  tcase_add_test (tc, test_drop);
  tcase_add_test (tc, test_scripted_close_and_send);
  return s;
}

GST_CHECK_MAIN (sim);
