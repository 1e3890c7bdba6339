/* gemini-live-sim: tests of the simulator through a plain libsoup client.
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <math.h>
#include <string.h>

#include "gls-model.h"
#include "gls-rules.h"
#include "gls-schema.h"
#include "gls-sim.h"
#include "recording.h"

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
  const gchar *ca_file; /* trusted certificate for wss://, or NULL */
} Client;

/* The certificate clients created from now on trust (wss://). */
static const gchar *client_ca_file;

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
  if (c->ca_file) {
    /* wss:// to the simulator's self-signed certificate */
    GTlsDatabase *db = g_tls_file_database_new (c->ca_file, NULL);

    fail_unless (db != NULL);
    g_object_set (c->session, "tls-database", db, NULL);
    g_object_unref (db);
  }
  /* Offer permessage-deflate, as the SDKs' clients do. */
  soup_session_add_feature_by_type (
      c->session, SOUP_TYPE_WEBSOCKET_EXTENSION_MANAGER);
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
  c->ca_file = client_ca_file;
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

/* The simulator takes the permessage-deflate its clients offer only when
 * asked to. */
static gboolean
client_has_deflate (Client *c)
{
  GList *l;
  gboolean found = FALSE;

  g_mutex_lock (&c->lock);
  for (l = soup_websocket_connection_get_extensions (c->ws); l; l = l->next)
    found |= SOUP_IS_WEBSOCKET_EXTENSION_DEFLATE (l->data);
  g_mutex_unlock (&c->lock);
  return found;
}

GST_START_TEST (test_permessage_deflate_only_on_request)
{
  GlsSimOptions opts;
  gboolean deflate;

  for (deflate = FALSE; deflate <= TRUE; deflate++) {
    GlsSim *sim;
    Client *c;

    gls_sim_options_init (&opts);
    opts.setup_delay_ms = 1;
    opts.permessage_deflate = deflate;
    sim = sim_new (&opts);
    c = client_open (sim, "v1beta");
    client_wait_open (c);
    fail_unless_equals_int (client_has_deflate (c), deflate);
    /* Messages still cross either way. */
    client_send (c, "{\"setup\":{\"model\":\"" MODEL "\"}}");
    fail_unless (client_wait (c, p_frames, GUINT_TO_POINTER (1)));
    client_close (c, 1000);
    fail_unless (gls_sim_wait_all_closed (sim, TIMEOUT));
    client_free (c);
    gls_sim_free (sim);
  }
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

static const gchar *const BEARER[] = { "Authorization", "Bearer tok", NULL };

/* msgs[0] (and the others after setupComplete) on the Gemini API
 * (version) or, with vertex, on Vertex AI; the simulator must close with
 * code and reason. */
static void
expect_close_msgs (gboolean vertex, const gchar *version,
    const gchar *const *headers, const gchar *const *msgs, gushort code,
    const gchar *reason)
{
  GlsSim *sim = sim_new (NULL);
  gchar *uri = vertex ? gls_sim_get_vertex_uri (sim, version)
                      : gls_sim_get_uri (sim, version);
  Client *c = client_new (uri, vertex && !headers ? BEARER : headers);
  gchar *sim_reason;
  /* a close frame carries at most 123 bytes of reason (RFC 6455 5.5) */
  gchar *sent = g_strndup (reason, 123);

  g_free (uri);
  client_wait_open (c);
  client_send (c, msgs[0]);
  if (msgs[1])
    fail_unless (client_wait_frame (c, "setupComplete") >= 0);
  for (guint i = 1; msgs[i]; i++)
    client_send (c, msgs[i]);
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

static void
expect_close_on (gboolean vertex, const gchar *version,
    const gchar *const *headers, const gchar *msg1, const gchar *msg2,
    gushort code, const gchar *reason)
{
  const gchar *msgs[] = { msg1, msg2, NULL };

  expect_close_msgs (vertex, version, headers, msgs, code, reason);
}

static void
expect_close (const gchar *version, const gchar *const *headers,
    const gchar *msg1, const gchar *msg2, gushort code, const gchar *reason)
{
  expect_close_on (FALSE, version, headers, msg1, msg2, code, reason);
}

/* msg1 (and msg2) are accepted: the simulator still answers after them
 * (a closing connection sends nothing more). */
static void
expect_accepted_v (
    gboolean vertex, const gchar *version, const gchar *msg1, const gchar *msg2)
{
  GlsSim *sim = sim_new (NULL);
  gchar *uri = vertex ? gls_sim_get_vertex_uri (sim, version)
                      : gls_sim_get_uri (sim, version ? version : "v1beta");
  Client *c = client_new (uri, vertex ? BEARER : KEY);

  g_free (uri);
  client_wait_open (c);
  client_send (c, msg1);
  fail_unless (client_wait_frame (c, "setupComplete") >= 0, "%s", msg1);
  if (msg2)
    client_send (c, msg2);
  client_send (c, "{\"realtimeInput\":{\"text\":\"still there?\"}}");
  fail_unless (client_wait_frame (c, "serverContent.modelTurn") >= 0,
      "no answer after %s (closed %u %s)", msg2 ? msg2 : msg1, c->close_code,
      c->close_reason);
  client_free (c);
  gls_sim_free (sim);
}

static void
expect_accepted_on (gboolean vertex, const gchar *msg1, const gchar *msg2)
{
  expect_accepted_v (vertex, NULL, msg1, msg2);
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

#define VERTEX_MODEL                                                           \
  "projects/p/locations/l/publishers/google/models/gemini-live-2.5-flash"
#define VERTEX_SETUP "{\"setup\":{\"model\":\"" VERTEX_MODEL "\"}}"
#define UNKNOWN_AT(name, path)                                                 \
  "Invalid JSON payload received. Unknown name \"" name "\" at '" path         \
  "': Cannot find field."

/* Fields the API has on one backend only are unknown names on the other,
 * refused like any unknown name; the same message is accepted where the
 * field exists. */
GST_START_TEST (test_backend_fields)
{
  const gchar *inv = "Request contains an invalid argument.";

  /* Gemini API only */
  expect_close_on (TRUE, NULL, NULL,
      "{\"setup\":{\"model\":\"" VERTEX_MODEL "\",\"generationConfig\":{"
      "\"translationConfig\":{\"targetLanguageCode\":\"ja\"}}}}",
      NULL, 1007, UNKNOWN_AT ("translationConfig", "setup.generation_config"));
  expect_accepted_on (FALSE,
      "{\"setup\":{\"model\":\"models/gemini-3.5-live-translate-preview\","
      "\"generationConfig\":{\"translationConfig\":{\"targetLanguageCode\":"
      "\"ja\"}}}}",
      NULL);
  expect_close_on (TRUE, NULL, NULL,
      "{\"setup\":{\"model\":\"" VERTEX_MODEL "\",\"historyConfig\":{"
      "\"initialHistoryInClientContent\":true}}}",
      NULL, 1007, UNKNOWN_AT ("historyConfig", "setup"));
  expect_accepted_on (FALSE,
      "{\"setup\":{\"model\":\"" MODEL "\",\"historyConfig\":{"
      "\"initialHistoryInClientContent\":true}}}",
      NULL);
  expect_close_on (TRUE, NULL, NULL, VERTEX_SETUP,
      "{\"realtimeInput\":{\"audioStreamEnd\":true}}", 1007,
      UNKNOWN_AT ("audioStreamEnd", "realtime_input"));
  expect_accepted_on (
      FALSE, SETUP, "{\"realtimeInput\":{\"audioStreamEnd\":true}}");
  expect_close_on (TRUE, NULL, NULL, VERTEX_SETUP,
      "{\"toolResponse\":{\"functionResponses\":[{\"name\":\"f\","
      "\"response\":{},\"willContinue\":true}]}}",
      1007, UNKNOWN_AT ("willContinue", "tool_response.function_responses[0]"));
  expect_close_on (TRUE, NULL, NULL, VERTEX_SETUP,
      "{\"toolResponse\":{\"functionResponses\":[{\"name\":\"f\","
      "\"response\":{},\"scheduling\":\"SILENT\"}]}}",
      1007, UNKNOWN_AT ("scheduling", "tool_response.function_responses[0]"));
  /* the same responses without the fields are accepted on Vertex (which
   * may omit the id: the recordings do) */
  expect_accepted_on (TRUE, VERTEX_SETUP,
      "{\"toolResponse\":{\"functionResponses\":[{\"name\":\"f\","
      "\"response\":{}}]}}");
  expect_close_on (TRUE, NULL, NULL,
      "{\"setup\":{\"model\":\"" VERTEX_MODEL "\",\"tools\":[{"
      "\"functionDeclarations\":[{\"name\":\"f\",\"behavior\":"
      "\"NON_BLOCKING\"}]}]}}",
      NULL, 1007, inv);
  expect_accepted_on (TRUE,
      "{\"setup\":{\"model\":\"" VERTEX_MODEL "\",\"tools\":[{"
      "\"functionDeclarations\":[{\"name\":\"f\",\"behavior\":"
      "\"BLOCKING\"}]}]}}",
      NULL);

  /* Vertex AI only */
  expect_close_on (FALSE, "v1beta", KEY,
      "{\"setup\":{\"model\":\"" MODEL "\",\"sessionResumption\":{"
      "\"transparent\":true}}}",
      NULL, 1007, UNKNOWN_AT ("transparent", "setup.session_resumption"));
  expect_accepted_on (TRUE,
      "{\"setup\":{\"model\":\"" VERTEX_MODEL "\",\"sessionResumption\":{"
      "\"transparent\":true}}}",
      NULL);
  expect_close_on (FALSE, "v1beta", KEY,
      "{\"setup\":{\"model\":\"" MODEL "\",\"explicitVadSignal\":true}}", NULL,
      1007, UNKNOWN_AT ("explicitVadSignal", "setup"));
  expect_close_on (FALSE, "v1beta", KEY,
      "{\"setup\":{\"model\":\"" MODEL "\",\"tools\":[{\"googleSearch\":{"
      "\"excludeDomains\":[\"example.com\"]}}]}}",
      NULL, 1007,
      UNKNOWN_AT ("excludeDomains", "setup.tools[0].google_search"));
}
GST_END_TEST;

#define SETUP_WITH(model, extra)                                               \
  "{\"setup\":{\"model\":\"models/" model "\"," extra "}}"
#define M31 "gemini-3.1-flash-live-preview"
#define M38 "gemini-3.8-live"
#define M25 "gemini-2.5-flash-native-audio-preview-12-2025"
#define HALF "gemini-live-2.5-flash-preview"
#define NON_BLOCKING_TOOL                                                      \
  "\"tools\":[{\"functionDeclarations\":[{\"name\":\"f\",\"behavior\":"        \
  "\"NON_BLOCKING\"}]}]"

/* Each model's row of the capability table, refused and accepted. */
GST_START_TEST (test_model_rules)
{
  const gchar *inv = "Request contains an invalid argument.";

  /* 3.1 Flash Live */
  expect_close ("v1beta", KEY,
      SETUP_WITH (M31, "\"proactivity\":{\"proactiveAudio\":true}"), NULL, 1007,
      inv);
  expect_close (
      "v1beta", KEY, SETUP_WITH (M31, NON_BLOCKING_TOOL), NULL, 1007, inv);
  expect_close ("v1beta", KEY,
      SETUP_WITH (M31,
          "\"generationConfig\":{\"responseModalities\":["
          "\"TEXT\"]}"),
      NULL, 1007, inv);
  expect_close ("v1alpha", KEY,
      SETUP_WITH (M31,
          "\"generationConfig\":{\"enableAffectiveDialog\":"
          "true}"),
      NULL, 1007, inv);
  expect_close ("v1beta", KEY,
      SETUP_WITH (M31,
          "\"generationConfig\":{\"thinkingConfig\":{"
          "\"thinkingLevel\":\"LOW\",\"thinkingBudget\":100}}"),
      NULL, 1007, inv);
  expect_close ("v1beta", KEY,
      SETUP_WITH (M31,
          "\"generationConfig\":{\"thinkingConfig\":{"
          "\"thinkingBudget\":100}}"),
      NULL, 1007, inv);
  expect_close ("v1beta", KEY,
      SETUP_WITH (M31, "\"tools\":[{\"codeExecution\":{}}]"), NULL, 1007, inv);
  expect_accepted_on (FALSE,
      SETUP_WITH (M31,
          "\"generationConfig\":{\"thinkingConfig\":{"
          "\"thinkingLevel\":\"MINIMAL\"}},\"tools\":[{"
          "\"googleSearch\":{}}]"),
      NULL);
  /* a NON_BLOCKING tool added later is refused too, and so is the
   * contextUpdate itself on 3.1 */
  expect_close ("v1beta", KEY, SETUP,
      "{\"contextUpdate\":{\"systemInstruction\":{\"parts\":[{\"text\":"
      "\"Be brief.\"}]}}}",
      1007, inv);
  expect_close ("v1beta", KEY, SETUP_WITH (M38, "\"tools\":[]"),
      "{\"contextUpdate\":{\"tools\":{\"tools\":[{\"codeExecution\":{}}]}}}",
      1007, inv);
  /* tool responses with scheduling on a synchronous-only model */
  expect_close ("v1beta", KEY, SETUP,
      "{\"toolResponse\":{\"functionResponses\":[{\"id\":\"x\",\"name\":"
      "\"f\",\"response\":{},\"scheduling\":\"SILENT\"}]}}",
      1007, inv);

  /* 2.5 native audio: proactive audio and affective dialog on v1alpha */
  expect_close ("v1beta", KEY,
      SETUP_WITH (M25, "\"proactivity\":{\"proactiveAudio\":true}"), NULL, 1007,
      UNKNOWN_AT ("proactivity", "setup"));
  expect_close ("v1", KEY,
      SETUP_WITH (M25,
          "\"generationConfig\":{\"enableAffectiveDialog\":"
          "true}"),
      NULL, 1007,
      UNKNOWN_AT ("enableAffectiveDialog", "setup.generation_config"));
  expect_accepted_v (FALSE, "v1alpha",
      SETUP_WITH (M25,
          "\"proactivity\":{\"proactiveAudio\":true},"
          "\"generationConfig\":{\"enableAffectiveDialog\":"
          "true,\"thinkingConfig\":{\"thinkingBudget\":0}}," NON_BLOCKING_TOOL),
      NULL);
  expect_close ("v1beta", KEY,
      SETUP_WITH (M25,
          "\"generationConfig\":{\"responseModalities\":["
          "\"TEXT\"]}"),
      NULL, 1007, inv);

  /* 3.8 Live: proactive audio always on, no thinkingConfig */
  expect_close ("v1beta", KEY,
      SETUP_WITH (M38, "\"proactivity\":{\"proactiveAudio\":false}"), NULL,
      1007, inv);
  expect_close ("v1beta", KEY,
      SETUP_WITH (M38,
          "\"generationConfig\":{\"thinkingConfig\":{"
          "\"thinkingLevel\":\"LOW\"}}"),
      NULL, 1007, inv);
  expect_accepted_on (FALSE,
      SETUP_WITH (
          M38, "\"proactivity\":{\"proactiveAudio\":true}," NON_BLOCKING_TOOL),
      "{\"contextUpdate\":{\"systemInstruction\":{\"parts\":[{\"text\":"
      "\"Be brief.\"}]}}}");
  expect_close ("v1beta", KEY,
      SETUP_WITH ("gemini-3.8-live-extended-thinking",
          "\"generationConfig\":{\"thinkingConfig\":{\"thinkingLevel\":"
          "\"MINIMAL\"}}"),
      NULL, 1007, inv);

  /* half-cascade: text, code execution; no native-audio features */
  expect_accepted_on (FALSE,
      SETUP_WITH (HALF,
          "\"generationConfig\":{\"responseModalities\":["
          "\"TEXT\"]},\"tools\":[{\"codeExecution\":{}}]"),
      NULL);
  expect_close ("v1alpha", KEY,
      SETUP_WITH (HALF, "\"proactivity\":{\"proactiveAudio\":true}"), NULL,
      1007, inv);
  /* Google Maps is not a Live tool on any model */
  expect_close ("v1beta", KEY,
      SETUP_WITH (HALF, "\"tools\":[{\"googleMaps\":{}}]"), NULL, 1007, inv);
  /* translation on the translation model only */
  expect_close ("v1beta", KEY,
      SETUP_WITH (M31,
          "\"generationConfig\":{\"translationConfig\":{"
          "\"targetLanguageCode\":\"ja\"}}"),
      NULL, 1007, inv);
}
GST_END_TEST;

/* 3.1 takes clientContent only as initial history, announced with
 * historyConfig, until its turnComplete or the first realtime input. */
GST_START_TEST (test_seed_only_client_content)
{
  const gchar *inv = "Request contains an invalid argument.";
  const gchar *turn
      = "{\"clientContent\":{\"turns\":[{\"role\":\"user\",\"parts\":[{"
        "\"text\":\"My name is Ada.\"}]}],\"turnComplete\":true}}";
  const gchar *history = SETUP_WITH (
      M31, "\"historyConfig\":{\"initialHistoryInClientContent\":true}");
  const gchar *after_seed[] = { history, turn, turn, NULL };
  const gchar *after_input[]
      = { history, "{\"realtimeInput\":{\"text\":\"hi\"}}", turn, NULL };
  GlsSimOptions o;
  GlsSim *sim;
  Client *c;
  GlsSimConversation conv;

  /* without historyConfig: the third-party report's close */
  expect_close ("v1beta", KEY, SETUP, turn, 1007, inv);
  expect_close_msgs (FALSE, "v1beta", KEY, after_seed, 1007, inv);
  expect_close_msgs (FALSE, "v1beta", KEY, after_input, 1007, inv);
  /* other models take it throughout */
  expect_accepted_on (FALSE, SETUP_WITH (M38, "\"tools\":[]"), turn);

  /* the seed is history: no answer until the first realtime input */
  fast_options (&o);
  sim = sim_new (&o);
  c = client_setup (sim, history);
  client_send (c, turn);
  client_send (c, "{\"realtimeInput\":{\"text\":\"What is my name?\"}}");
  fail_unless (gls_sim_wait_answers_sent (sim, 1, TIMEOUT));
  fail_unless (gls_sim_get_conversation (sim, &conv));
  fail_unless_equals_int (conv.answers, 1);
  fail_unless_equals_int (conv.user_turns, 1);
  client_free (c);
  gls_sim_free (sim);
}
GST_END_TEST;

#define MANUAL_SETUP                                                           \
  "{\"setup\":{\"model\":\"" MODEL "\",\"realtimeInputConfig\":{"              \
  "\"automaticActivityDetection\":{\"disabled\":true}}}}"
#define ACTIVITY_START "{\"realtimeInput\":{\"activityStart\":{}}}"
#define ACTIVITY_END "{\"realtimeInput\":{\"activityEnd\":{}}}"
#define SILENT_AUDIO                                                           \
  "{\"realtimeInput\":{\"audio\":{\"mimeType\":\"audio/pcm;rate=16000\","      \
  "\"data\":\"AAAA\"}}}"

/* Activity signals match the activity mode, in order. */
GST_START_TEST (test_activity_rules)
{
  const gchar *inv = "Request contains an invalid argument.";
  const gchar *audio_first[] = { MANUAL_SETUP, SILENT_AUDIO, NULL };
  const gchar *audio_after[]
      = { MANUAL_SETUP, ACTIVITY_START, ACTIVITY_END, SILENT_AUDIO, NULL };
  const gchar *twice[] = { MANUAL_SETUP, ACTIVITY_START, ACTIVITY_START, NULL };
  const gchar *end_only[] = { MANUAL_SETUP, ACTIVITY_END, NULL };
  const gchar *text[]
      = { MANUAL_SETUP, "{\"realtimeInput\":{\"text\":\"hi\"}}", NULL };
  GlsSimOptions o;
  GlsSim *sim;
  Client *c;

  expect_close_msgs (FALSE, "v1beta", KEY, audio_first, 1007, inv);
  expect_close_msgs (FALSE, "v1beta", KEY, audio_after, 1007, inv);
  expect_close_msgs (FALSE, "v1beta", KEY, twice, 1007, inv);
  expect_close_msgs (FALSE, "v1beta", KEY, end_only, 1007, inv);
  expect_close_msgs (FALSE, "v1beta", KEY, text, 1007, inv);
  expect_close ("v1beta", KEY, SETUP, ACTIVITY_END, 1007, inv);

  /* in order, the turn is answered */
  fast_options (&o);
  sim = sim_new (&o);
  c = client_setup (sim, MANUAL_SETUP);
  client_send (c, ACTIVITY_START);
  send_audio (c, 200, TRUE);
  client_send (c, "{\"realtimeInput\":{\"text\":\"and this\"}}");
  client_send (c, ACTIVITY_END);
  fail_unless (gls_sim_wait_answers_sent (sim, 1, TIMEOUT));
  client_free (c);
  gls_sim_free (sim);
}
GST_END_TEST;

static gchar *latest_handle (Client *c);

typedef struct
{
  GString *verdicts; /* "<connection>:<code> " per message, 0: accepted */
} Verdicts;

static void
collect_verdict (GlsRulesConn *conn, const gchar *data, gsize len,
    JsonNode *norm, GlsMsgKind kind, const GlsViolation *v, gpointer user_data)
{
  Verdicts *vs = user_data;

  g_string_append_printf (
      vs->verdicts, "%u:%u ", conn->index, norm ? 0 : v->code);
}

static gchar *
replay_verdicts (const gchar *log)
{
  Verdicts vs = { g_string_new (NULL) };
  GError *error = NULL;

  fail_unless (gls_rules_replay (log, collect_verdict, &vs, &error), "%s",
      error ? error->message : "");
  return g_string_free (vs.verdicts, FALSE);
}

/* The log without the lines of connection conn with this event. */
static gchar *
log_without (const gchar *log, guint conn, const gchar *event)
{
  gchar **lines = g_strsplit (log, "\n", -1);
  gchar *prefix = g_strdup_printf ("%u\t%s", conn, event);
  GString *out = g_string_new (NULL);

  for (guint i = 0; lines[i]; i++)
    if (*lines[i] && !g_str_has_prefix (lines[i], prefix))
      g_string_append_printf (out, "%s\n", lines[i]);
  g_free (prefix);
  g_strfreev (lines);
  return g_string_free (out, FALSE);
}

/* The simulator's rules log replays to the verdicts the running simulator
 * reached, and the server events in it decide some of them. */
GST_START_TEST (test_rules_log_replay)
{
  GlsSimOptions o;
  GlsSim *sim;
  Client *a, *b;
  gchar *handle, *resume, *log, *verdicts, *cut;
  gint call;

  fast_options (&o);
  sim = sim_new (&o);
  /* connection 0: a tool call answered */
  a = client_setup (sim,
      "{\"setup\":{\"model\":\"" MODEL "\",\"sessionResumption\":{},"
      "\"tools\":[{\"functionDeclarations\":[{\"name\":\"get_weather\"}]}]}}");
  fail_unless (client_wait_frame (a, "sessionResumptionUpdate.newHandle") > 0);
  handle = latest_handle (a);
  client_send (a, "{\"realtimeInput\":{\"text\":\"call get_weather\"}}");
  call = client_wait_frame (a, "toolCall");
  fail_unless (call > 0);
  client_send (a,
      "{\"toolResponse\":{\"functionResponses\":[{\"id\":"
      "\"function-call-1\",\"name\":\"get_weather\",\"response\":{}}]}}");
  fail_unless (gls_sim_wait_answers_sent (sim, 1, TIMEOUT));
  /* connection 1: resuming while connection 0 serves the session */
  resume = g_strdup_printf ("{\"setup\":{\"model\":\"" MODEL "\","
                            "\"sessionResumption\":{\"handle\":\"%s\"}}}",
      handle);
  b = client_open (sim, "v1beta");
  client_wait_open (b);
  client_send (b, resume);
  assert_closed (b, 1011, "Internal error occurred.");
  client_free (b);
  /* connection 2: clientContent on 3.1 without historyConfig */
  b = client_setup (sim, SETUP);
  client_send (b,
      "{\"clientContent\":{\"turns\":[{\"parts\":[{\"text\":\"hi\"}]}],"
      "\"turnComplete\":true}}");
  assert_closed (b, 1007, "Request contains an invalid argument.");
  client_free (b);

  log = gls_sim_dup_rules_log (sim);
  verdicts = replay_verdicts (log);
  fail_unless_equals_string (verdicts, "0:0 0:0 0:0 1:1011 2:0 2:1007 ");
  g_free (verdicts);
  /* without the toolCall the server sent, the response answers nothing;
   * connection 0, closed for it, then no longer holds the session, which
   * connection 1 resumes */
  cut = log_without (log, 0, "tool-call");
  verdicts = replay_verdicts (cut);
  fail_unless_equals_string (verdicts, "0:0 0:0 0:1008 1:0 2:0 2:1007 ");
  g_free (verdicts);
  g_free (cut);
  /* without setupComplete, the text came too early */
  cut = log_without (log, 0, "setup-complete");
  verdicts = replay_verdicts (cut);
  fail_unless (g_str_has_prefix (verdicts, "0:0 0:1007 "), "%s", verdicts);
  g_free (verdicts);
  g_free (cut);

  client_free (a);
  g_free (log);
  g_free (resume);
  g_free (handle);
  gls_sim_free (sim);
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

/* The PCM sizes of the audio chunks in frames [from, to), as
 * "9600 11520 ..." */
static gchar *
chunk_sizes (Client *c, guint from, guint to)
{
  GString *sizes = g_string_new (NULL);

  for (guint i = from; i < to; i++) {
    gchar *f = client_frame (c, i);
    JsonNode *n = parse (f);
    JsonNode *parts = lookup (n, "serverContent.modelTurn.parts");
    JsonObject *p = parts
        ? json_array_get_object_element (json_node_get_array (parts), 0)
        : NULL;

    if (p && json_object_has_member (p, "inlineData")) {
      JsonObject *blob = json_object_get_object_member (p, "inlineData");
      gsize len = 0;
      guchar *d;

      fail_unless_equals_string (
          json_object_get_string_member (blob, "mimeType"),
          "audio/pcm;rate=24000");
      d = g_base64_decode (json_object_get_string_member (blob, "data"), &len);
      g_string_append_printf (
          sizes, "%s%" G_GSIZE_FORMAT, sizes->len ? " " : "", len);
      g_free (d);
    }
    json_node_unref (n);
    g_free (f);
  }
  return g_string_free (sizes, FALSE);
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

  gchar *sizes;

  fast_options (&o);
  o.answer_ms = 1000;
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
      "(you spoke for 0.6 seconds; the simulator does not recognise words)");
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
  fail_unless_equals_int (g_bytes_get_size (sent), 1000 * 48);
  /* in the service's chunks: 200 ms, then 240 ms each (recordings) */
  sizes = chunk_sizes (c, 0, tc);
  fail_unless_equals_string (sizes, "9600 11520 11520 11520 3840");
  g_free (sizes);
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

/* Opens on the Gemini API (v1beta) or Vertex and waits for setupComplete. */
static Client *
client_setup_on (GlsSim *sim, gboolean vertex, const gchar *setup_json)
{
  gchar *uri = vertex ? gls_sim_get_vertex_uri (sim, NULL)
                      : gls_sim_get_uri (sim, "v1beta");
  Client *c = client_new (uri, vertex ? BEARER : KEY);

  g_free (uri);
  client_wait_open (c);
  client_send (c, setup_json);
  fail_unless (client_wait_frame (c, "setupComplete") >= 0);
  return c;
}

#define VERTEX_TOOL_SETUP                                                      \
  "{\"setup\":{\"model\":\"projects/p/locations/l/publishers/google/models/"   \
  "gemini-live-2.5-flash\",\"outputAudioTranscription\":{},"                   \
  "\"tools\":[{\"functionDeclarations\":[{\"name\":\"get_weather\","           \
  "\"parameters\":{\"type\":\"OBJECT\",\"properties\":{\"location\":{"         \
  "\"type\":\"STRING\"}}}}]}]}}"

/* Frame i exists and has path. */
static gboolean
frame_has (Client *c, gint i, const gchar *path)
{
  gchar *f;
  JsonNode *n;
  gboolean has;

  g_mutex_lock (&c->lock);
  has = i >= 0 && (guint)i < c->frames->len;
  g_mutex_unlock (&c->lock);
  if (!has)
    return FALSE;
  f = client_frame (c, i);
  n = parse (f);
  has = lookup (n, path) != NULL;
  json_node_unref (n);
  g_free (f);
  return has;
}

/* The service's untidy sequences, each from a recording or a report. */
static void
check_untidy (gboolean tidy)
{
  GlsSimOptions o;
  GlsSim *sim;
  Client *c;
  gint call, i, answer2, in_tx2;
  gchar *f;

  fast_options (&o);
  o.tidy_answers = tidy;
  sim = sim_new (&o);

  /* Gemini API: an executableCode part right before the toolCall */
  c = client_setup (sim, TOOL_SETUP);
  client_send (c, "{\"realtimeInput\":{\"text\":\"call get_weather\"}}");
  call = client_wait_frame (c, "toolCall");
  fail_unless (call > 0);
  fail_unless_equals_int (
      frame_has (c, call - 1, "serverContent.modelTurn"), !tidy);
  if (!tidy) {
    f = client_frame (c, call - 1);
    fail_unless (strstr (f,
                     "\"code\": \"print(default_api.get_weather("
                     "location='sim-location'))\"")
            != NULL,
        "%s", f);
    g_free (f);
  }
  client_free (c);

  /* Vertex: generationComplete while the call is still unanswered, and
   * an empty outputTranscription before the answer's transcript */
  c = client_setup_on (sim, TRUE, VERTEX_TOOL_SETUP);
  client_send (c, "{\"realtimeInput\":{\"text\":\"call get_weather\"}}");
  call = client_wait_frame (c, "toolCall");
  if (!tidy)
    fail_unless (client_wait (c, p_frames, GUINT_TO_POINTER (call + 2)));
  fail_unless_equals_int (
      frame_has (c, call + 1, "serverContent.generationComplete"), !tidy);
  client_send (c,
      "{\"toolResponse\":{\"functionResponses\":[{\"id\":"
      "\"function-call-1\",\"name\":\"get_weather\",\"response\":{}}]}}");
  i = client_wait_frame (c, "serverContent.outputTranscription");
  fail_unless (i > call);
  fail_unless_equals_int (
      !frame_has (c, i, "serverContent.outputTranscription.text"), !tidy);
  client_free (c);

  /* typed text is not transcribed; the second spoken turn's transcript
   * comes after the answer began */
  c = client_setup (sim,
      "{\"setup\":{\"model\":\"" MODEL "\",\"inputAudioTranscription\":{}}}");
  client_send (c, "{\"realtimeInput\":{\"text\":\"typed\"}}");
  /* (the Vertex answer was cut short when its client left) */
  fail_unless (gls_sim_wait_answers_sent (sim, 1, TIMEOUT));
  fail_unless (client_find (c, "serverContent.inputTranscription", 0) < 0);
  for (guint turn = 0; turn < 2; turn++) {
    send_audio (c, 300, TRUE);
    send_audio (c, 300, FALSE);
    fail_unless (gls_sim_wait_answers_sent (sim, 2 + turn, TIMEOUT));
  }
  /* answer 2 (the first spoken one): its transcript after its first
   * chunk; answer 3: before, as usual */
  in_tx2 = client_wait_frame (c, "serverContent.inputTranscription");
  answer2 = client_find (c, "serverContent.modelTurn",
      client_find (c, "serverContent.turnComplete", 0) + 1);
  fail_unless (in_tx2 > 0 && answer2 > 0);
  if (tidy)
    fail_unless (in_tx2 < answer2, "%d %d", in_tx2, answer2);
  else
    fail_unless (in_tx2 == answer2 + 1, "%d %d", in_tx2, answer2);
  i = client_find (c, "serverContent.inputTranscription", in_tx2 + 1);
  fail_unless (i > 0);
  fail_unless (frame_has (c, i + 1, "serverContent.modelTurn"));
  client_free (c);
  gls_sim_free (sim);
}

GST_START_TEST (test_untidy_answers)
{
  check_untidy (FALSE);
  check_untidy (TRUE);
}
GST_END_TEST;

/* Every recording in tests/data, replayed both ways: its client frames
 * are accepted by the simulator on the recording's backend (the service
 * accepted them), and its server frames, played by the simulator, reach a
 * client unchanged; a recorded toolCall's id is answered. */
GST_START_TEST (test_recordings)
{
  GPtrArray *names = recording_list ();
  guint played = 0;

  fail_unless (names->len >= 9);
  for (guint r = 0; r < names->len; r++) {
    const gchar *name = names->pdata[r];
    gboolean vertex = g_str_has_prefix (name, "live_Vertex_");
    GPtrArray *frames = recording_load_frames (name, NULL);
    GPtrArray *server = g_ptr_array_new ();
    GlsSimOptions o;
    GlsSim *sim;
    Client *c;
    const gchar *call_id = NULL;
    guint base;

    fail_unless (frames != NULL, "%s", name);
    fast_options (&o);
    sim = sim_new (&o);
    c = client_setup_on (
        sim, vertex, ((RecordingFrame *)frames->pdata[0])->json);
    for (guint i = 1; i < frames->len; i++) {
      RecordingFrame *f = frames->pdata[i];

      if (f->from_server) {
        if (!strstr (f->json, "\"setupComplete\""))
          g_ptr_array_add (server, f->json);
        if (strstr (f->json, "\"toolCall\""))
          call_id = strstr (f->json, "\"id\": \"") + strlen ("\"id\": \"");
      } else
        client_send (c, f->json);
    }
    /* the client frames: every one accepted by the rules */
    client_send (c,
        "{\"realtimeInput\":{\"video\":{\"mimeType\":"
        "\"image/jpeg\",\"data\":\"AAAA\"}}}");
    fail_unless (gls_sim_wait_message_kind (sim, "video", TIMEOUT));
    {
      gchar *log = gls_sim_dup_rules_log (sim);
      gchar *verdicts = replay_verdicts (log);
      GString *all_good = g_string_new (NULL);

      /* one recording ends with a toolResponse for a call the server
       * never made, on the Gemini API, where ids are required: its
       * answer is not recorded, and the simulator takes the strict side
       * (1008, as for any id never issued) */
      if (g_str_equal (name,
              "live_ML_Dev_should_send_tool_response_with_"
              "function_responses.websocket.log"))
        g_string_append (all_good, "0:0 0:1008 ");
      else {
        for (guint i = 0; i < frames->len; i++)
          if (!((RecordingFrame *)frames->pdata[i])->from_server)
            g_string_append (all_good, "0:0 ");
        g_string_append (all_good, "0:0 ");
      }
      fail_unless_equals_string (verdicts, all_good->str);
      g_string_free (all_good, TRUE);
      g_free (verdicts);
      g_free (log);
    }

    /* the server frames, verbatim (a fresh connection, so that nothing
     * the simulator answered the client frames with interleaves) */
    client_free (c);
    c = client_setup_on (
        sim, vertex, ((RecordingFrame *)frames->pdata[0])->json);
    base = c->frames->len;
    fail_unless_equals_int (
        gls_sim_play_frames (
            sim, (const gchar *const *)server->pdata, server->len),
        1);
    fail_unless (
        client_wait (c, p_frames, GUINT_TO_POINTER (base + server->len)), "%s",
        name);
    for (guint i = 0; i < server->len; i++) {
      gchar *got = client_frame (c, base + i);

      fail_unless_equals_string (got, server->pdata[i]);
      g_free (got);
    }
    if (call_id) {
      gchar *id = g_strndup (call_id, strchr (call_id, '"') - call_id);
      gchar *resp = g_strdup_printf (
          "{\"toolResponse\":{\"functionResponses\":[{\"id\":\"%s\","
          "\"name\":\"get_current_weather\",\"response\":{\"temp\":12}}]}}",
          id);

      client_send (c, resp);
      fail_unless (gls_sim_wait_answers_sent (sim, 1, TIMEOUT), "%s", name);
      g_free (resp);
      g_free (id);
    }
    played++;
    client_free (c);
    gls_sim_free (sim);
    g_ptr_array_unref (server);
    g_ptr_array_unref (frames);
  }
  fail_unless_equals_int (played, names->len);
  g_ptr_array_unref (names);
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

  /* the same handle for another model: config may change on resumption,
   * the model may not */
  g_free (setup);
  setup = g_strdup_printf ("{\"setup\":{\"model\":\"models/gemini-3.8-live\","
                           "\"sessionResumption\":{\"handle\":\"%s\"}}}",
      handle);
  b = client_open (sim, "v1beta");
  client_wait_open (b);
  client_send (b, setup);
  assert_closed (b, 1007, "Request contains an invalid argument.");
  client_free (b);

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

/* ---- conversation accounting across resumption */

/* 20 ms of quiet (below the VAD threshold) but distinct 16 kHz PCM. */
static void
quiet_pcm (guint seq, gint16 *pcm)
{
  for (guint i = 0; i < 320; i++)
    pcm[i] = GINT16_TO_LE ((gint16)((seq * 37 + i) % 200) - 100);
}

static void
send_quiet (Client *c, guint from, guint to)
{
  for (guint seq = from; seq < to; seq++) {
    gint16 pcm[320];
    gchar *b64, *json;

    quiet_pcm (seq, pcm);
    b64 = g_base64_encode ((guchar *)pcm, sizeof pcm);
    json = g_strdup_printf ("{\"realtimeInput\":{\"audio\":{\"mimeType\":"
                            "\"audio/pcm;rate=16000\",\"data\":\"%s\"}}}",
        b64);
    client_send (c, json);
    g_free (json);
    g_free (b64);
  }
}

static void
assert_conversation_is_quiet (GlsSim *sim, guint chunks)
{
  GBytes *audio = gls_sim_dup_conversation_audio (sim);
  gsize len;
  const gint16 *d = g_bytes_get_data (audio, &len);

  fail_unless_equals_int (len, chunks * 640);
  for (guint seq = 0; seq < chunks; seq++) {
    gint16 pcm[320];

    quiet_pcm (seq, pcm);
    fail_unless (
        memcmp (d + seq * 320, pcm, sizeof pcm) == 0, "chunk %u differs", seq);
  }
  g_bytes_unref (audio);
}

typedef struct
{
  const gchar *path;
  guint n;
} CountArg;

static gboolean
p_count (Client *c, gconstpointer arg)
{
  const CountArg *a = arg;
  guint found = 0;

  for (gint i = find_frame_locked (c, a->path, 0); i >= 0;
       i = find_frame_locked (c, a->path, i + 1))
    found++;
  return found >= a->n;
}

/* Waits for the n-th resumption handle and returns it. */
static gchar *
client_wait_handle (Client *c, guint n)
{
  CountArg a = { "sessionResumptionUpdate.newHandle", n };

  fail_unless (client_wait (c, p_count, &a), "no handle %u", n);
  return latest_handle (c);
}

static guint
client_count (Client *c, const gchar *path)
{
  guint found = 0;

  g_mutex_lock (&c->lock);
  for (gint i = find_frame_locked (c, path, 0); i >= 0;
       i = find_frame_locked (c, path, i + 1))
    found++;
  g_mutex_unlock (&c->lock);
  return found;
}

static gchar *
resume_setup (const gchar *handle, const gchar *extra)
{
  return g_strdup_printf ("{\"setup\":{\"model\":\"" MODEL "\"%s,"
                          "\"sessionResumption\":{\"handle\":\"%s\"}}}",
      extra ? extra : "", handle);
}

#define RESUMABLE_SETUP                                                        \
  "{\"setup\":{\"model\":\"" MODEL "\",\"sessionResumption\":{}}}"

GST_START_TEST (test_resume_rewinds_conversation)
{
  GlsSimOptions o;
  GlsSim *sim;
  Client *a, *d;
  gchar *h0, *h1, *setup;
  GlsSimConversation conv;
  GBytes *raw;

  fast_options (&o);
  sim = sim_new (&o);
  fail_unless (!gls_sim_get_conversation (sim, &conv));
  a = client_setup (sim, RESUMABLE_SETUP);
  h0 = client_wait_handle (a, 1);
  send_quiet (a, 0, 10);
  fail_unless (gls_sim_wait_conversation_audio (sim, 10 * 640, TIMEOUT));
  /* a handle covering the first 10 chunks */
  fail_unless (gls_sim_send_resumption_update (sim));
  h1 = client_wait_handle (a, 2);
  fail_unless (g_strcmp0 (h0, h1) != 0);
  send_quiet (a, 10, 15);
  fail_unless (gls_sim_wait_conversation_audio (sim, 15 * 640, TIMEOUT));
  fail_unless (gls_sim_get_conversation (sim, &conv));
  fail_unless_equals_int (conv.inputs, 15);
  fail_unless_equals_int (conv.index, 0);
  client_close (a, 1000);
  fail_unless (gls_sim_wait_all_closed (sim, TIMEOUT));
  client_free (a);

  /* resuming rewinds to what h1 covers */
  setup = resume_setup (h1, NULL);
  d = client_setup (sim, setup);
  g_free (setup);
  fail_unless (gls_sim_wait_resumes (sim, 1, TIMEOUT));
  assert_conversation_is_quiet (sim, 10);
  fail_unless (gls_sim_get_conversation (sim, &conv));
  fail_unless_equals_int (conv.inputs, 10);
  fail_unless_equals_int (conv.resumes, 1);

  /* the chunks sent after h1 arrived, resent: counted once */
  send_quiet (d, 10, 15);
  fail_unless (gls_sim_wait_conversation_audio (sim, 15 * 640, TIMEOUT));
  fail_unless (gls_sim_wait_client_messages (sim, 1 + 15 + 1 + 5, TIMEOUT));
  assert_conversation_is_quiet (sim, 15);
  raw = gls_sim_dup_received_audio (sim);
  fail_unless_equals_int (g_bytes_get_size (raw), 20 * 640);
  g_bytes_unref (raw);
  fail_unless (gls_sim_get_conversation (sim, &conv));
  fail_unless_equals_int (conv.inputs, 15);
  fail_unless_equals_int (gls_sim_get_fresh_session_count (sim), 1);
  fail_unless_equals_int (gls_sim_get_resume_count (sim), 1);
  client_close (d, 1000);
  fail_unless (gls_sim_wait_all_closed (sim, TIMEOUT));
  client_free (d);

  /* back to h0: empty; h1 now belongs to an abandoned continuation */
  setup = resume_setup (h0, NULL);
  d = client_setup (sim, setup);
  g_free (setup);
  fail_unless (gls_sim_wait_resumes (sim, 2, TIMEOUT));
  assert_conversation_is_quiet (sim, 0);
  client_close (d, 1000);
  fail_unless (gls_sim_wait_all_closed (sim, TIMEOUT));
  client_free (d);
  setup = resume_setup (h1, NULL);
  d = client_open (sim, "v1beta");
  client_wait_open (d);
  client_send (d, setup);
  assert_closed (d, 1007, "Request contains an invalid argument.");
  client_free (d);
  g_free (setup);

  /* a new session has a conversation of its own */
  d = client_setup (sim, SETUP);
  fail_unless_equals_int (gls_sim_get_fresh_session_count (sim), 2);
  send_quiet (d, 0, 2);
  fail_unless (gls_sim_wait_conversation_audio (sim, 2 * 640, TIMEOUT));
  fail_unless (gls_sim_get_conversation (sim, &conv));
  fail_unless_equals_int (conv.index, 1);
  raw = gls_sim_dup_session_audio (sim, 0);
  fail_unless_equals_int (g_bytes_get_size (raw), 0);
  g_bytes_unref (raw);
  fail_unless (gls_sim_dup_session_audio (sim, 2) == NULL);
  client_free (d);
  g_free (h0);
  g_free (h1);
  gls_sim_free (sim);
}
GST_END_TEST;

static gchar *
transcript (Client *c)
{
  GString *s = g_string_new (NULL);

  g_mutex_lock (&c->lock);
  for (guint i = 0; i < c->frames->len; i++) {
    JsonNode *n = json_from_string (c->frames->pdata[i], NULL);
    JsonNode *t
        = n ? lookup (n, "serverContent.outputTranscription.text") : NULL;

    if (t)
      g_string_append (s, json_node_get_string (t));
    if (n)
      json_node_unref (n);
  }
  g_mutex_unlock (&c->lock);
  return g_string_free (s, FALSE);
}

GST_START_TEST (test_resume_answers_again)
{
  GlsSimOptions o;
  GlsSim *sim;
  Client *a, *d;
  gchar *h0, *setup, *text;
  GlsSimConversation conv;

  fast_options (&o);
  sim = sim_new (&o);
  a = client_setup (sim,
      "{\"setup\":{\"model\":\"" MODEL "\",\"outputAudioTranscription\":{},"
      "\"sessionResumption\":{}}}");
  h0 = client_wait_handle (a, 1);
  gls_sim_drop_at_next (sim, "answer-start");
  send_audio (a, 400, TRUE);
  send_audio (a, 300, FALSE);
  fail_unless (client_wait (a, p_closed, NULL));
  /* the first chunk went out, then the connection dropped */
  fail_unless_equals_int (client_count (a, "serverContent.modelTurn"), 1);
  fail_unless (client_find (a, "serverContent.generationComplete", 0) < 0);
  fail_unless (gls_sim_wait_all_closed (sim, TIMEOUT));
  fail_unless_equals_int (gls_sim_get_last_close_code (sim), 1006);
  fail_unless (gls_sim_get_conversation (sim, &conv));
  fail_unless_equals_int (conv.answers, 1);
  fail_unless_equals_int (conv.user_turns, 1);
  /* the turn ended 200 ms into the silence; the rest was never heard */
  fail_unless_equals_int (conv.audio_bytes, 600 * 32);
  client_free (a);

  /* h0 was issued before the turn: replaying it ends the turn again and
   * the model answers again, with the same answer number */
  setup = resume_setup (h0, ",\"outputAudioTranscription\":{}");
  d = client_setup (sim, setup);
  g_free (setup);
  fail_unless (gls_sim_get_conversation (sim, &conv));
  fail_unless_equals_int (conv.answers, 0);
  fail_unless_equals_int (conv.user_turns, 0);
  fail_unless_equals_int (conv.audio_bytes, 0);
  send_audio (d, 400, TRUE);
  send_audio (d, 300, FALSE);
  fail_unless (gls_sim_wait_answers_sent (sim, 1, TIMEOUT));
  fail_unless (client_wait_frame (d, "serverContent.turnComplete") > 0);
  /* nothing of the abandoned answer: exactly one answer's chunks (400
   * ms: 200 and 200) */
  fail_unless_equals_int (client_count (d, "serverContent.modelTurn"), 2);
  text = transcript (d);
  fail_unless (g_str_has_prefix (text,
                   "Hello! This is a simulated answer: I heard "
                   "you speak for 0.4 seconds"),
      "%s", text);
  g_free (text);
  fail_unless (gls_sim_get_conversation (sim, &conv));
  fail_unless_equals_int (conv.answers, 1);
  fail_unless_equals_int (conv.user_turns, 1);
  fail_unless_equals_int (conv.audio_bytes, 700 * 32);
  /* a handle after the answer again */
  g_free (h0);
  h0 = client_wait_handle (d, 2);
  client_free (d);
  g_free (h0);
  gls_sim_free (sim);
}
GST_END_TEST;

GST_START_TEST (test_periodic_resumption_updates)
{
  GlsSimOptions o;
  GlsSim *sim;
  Client *a, *d;
  gchar *h, *setup;

  fast_options (&o);
  o.resumption_update_ms = 100;
  sim = sim_new (&o);
  a = client_setup (sim, RESUMABLE_SETUP);
  /* after setupComplete, after chunk 5 and after chunk 10 */
  send_quiet (a, 0, 12);
  fail_unless (gls_sim_wait_conversation_audio (sim, 12 * 640, TIMEOUT));
  h = client_wait_handle (a, 3);
  fail_unless_equals_int (
      client_count (a, "sessionResumptionUpdate.newHandle"), 3);
  client_close (a, 1000);
  fail_unless (gls_sim_wait_all_closed (sim, TIMEOUT));
  client_free (a);
  setup = resume_setup (h, NULL);
  d = client_setup (sim, setup);
  assert_conversation_is_quiet (sim, 10);
  client_free (d);
  g_free (setup);
  g_free (h);
  gls_sim_free (sim);
}
GST_END_TEST;

/* ---- faults at the next event */

GST_START_TEST (test_go_away_at_next_answer)
{
  GlsSimOptions o;
  GlsSim *sim;
  Client *c;
  gint first;
  gchar *f;

  fast_options (&o);
  o.answer_ms = 1000;
  o.answer_speed = 1.0;
  sim = sim_new (&o);
  c = client_setup (sim, SETUP);
  gls_sim_go_away_at_next (sim, "answer-start", 300);
  client_send (c, "{\"realtimeInput\":{\"text\":\"hello\"}}");
  first = client_wait_frame (c, "serverContent.modelTurn");
  fail_unless (first > 0);
  fail_unless (client_wait_frame (c, "goAway") == first + 1);
  f = client_frame (c, first + 1);
  fail_unless (strstr (f, "\"timeLeft\": \"0.3s\"") != NULL, "%s", f);
  g_free (f);
  /* mid answer: no generationComplete before the deadline close */
  assert_closed (c, 1008, NULL);
  fail_unless (client_find (c, "serverContent.generationComplete", 0) < 0);
  client_free (c);

  /* disarmed: the next answer runs to its end */
  c = client_setup (sim, SETUP);
  client_send (c, "{\"realtimeInput\":{\"text\":\"again\"}}");
  fail_unless (gls_sim_wait_answers_sent (sim, 1, TIMEOUT));
  fail_unless (client_find (c, "goAway", 0) < 0);
  client_free (c);
  gls_sim_free (sim);
}
GST_END_TEST;

GST_START_TEST (test_close_at_next_tool_call)
{
  GlsSimOptions o;
  GlsSim *sim;
  Client *c;
  gint call;

  fast_options (&o);
  sim = sim_new (&o);
  c = client_setup (sim, TOOL_SETUP);
  gls_sim_close_at_next (sim, "tool-call", 1011, "Internal error occurred.");
  client_send (c, "{\"realtimeInput\":{\"text\":\"call get_weather\"}}");
  assert_closed (c, 1011, "Internal error occurred.");
  call = client_find (c, "toolCall", 0);
  fail_unless (call > 0);
  fail_unless_equals_int (c->frames->len, call + 1);
  fail_unless (gls_sim_wait_all_closed (sim, TIMEOUT));
  fail_unless_equals_int (gls_sim_get_last_close_code (sim), 1011);
  client_free (c);
  gls_sim_free (sim);
}
GST_END_TEST;

GST_START_TEST (test_drop_at_next_user_speech)
{
  GlsSimOptions o;
  GlsSim *sim;
  Client *c;
  GlsSimConversation conv;

  fast_options (&o);
  sim = sim_new (&o);
  c = client_setup (sim, SETUP);
  gls_sim_drop_at_next (sim, "user-speech");
  send_audio (c, 100, FALSE);
  send_audio (c, 200, TRUE);
  fail_unless (client_wait (c, p_closed, NULL));
  fail_unless (c->close_code == 0 || c->close_code == 1006, "close code %u",
      c->close_code);
  fail_unless (gls_sim_wait_all_closed (sim, TIMEOUT));
  fail_unless_equals_int (gls_sim_get_last_close_code (sim), 1006);
  /* heard: the five quiet chunks and the one the speech started in */
  fail_unless (gls_sim_get_conversation (sim, &conv));
  fail_unless_equals_int (conv.audio_bytes, 6 * 640);
  fail_unless_equals_int (conv.inputs, 6);
  client_free (c);

  /* disarmed */
  c = client_setup (sim, SETUP);
  send_audio (c, 300, TRUE);
  send_audio (c, 300, FALSE);
  fail_unless (gls_sim_wait_answers_sent (sim, 1, TIMEOUT));
  fail_unless_equals_int (gls_sim_get_open_connection_count (sim), 1);
  client_free (c);
  gls_sim_free (sim);
}
GST_END_TEST;

GST_START_TEST (test_refuse_count)
{
  GlsSim *sim = sim_new (NULL);
  Client *c;

  gls_sim_set_refuse_count (sim, 2);
  for (guint i = 0; i < 2; i++) {
    c = client_open (sim, "v1beta");
    fail_unless (client_wait (c, p_done, NULL));
    fail_unless (c->failed);
    fail_unless_equals_int (c->http_status, 503);
    client_free (c);
  }
  c = client_setup (sim, SETUP);
  fail_unless_equals_int (gls_sim_get_refused_count (sim), 2);
  fail_unless_equals_int (gls_sim_get_connection_count (sim), 1);
  client_free (c);
  gls_sim_free (sim);
}
GST_END_TEST;

/* ---- a raw WebSocket client, to send pings and see pongs */

typedef struct
{
  GSocketConnection *conn;
  GSocket *sock;
  GByteArray *in;
} Raw;

static void
raw_write (Raw *r, const void *data, gsize len)
{
  const guint8 *d = data;

  while (len > 0) {
    gssize n = g_socket_send (r->sock, (const gchar *)d, len, NULL, NULL);

    fail_unless (n > 0, "send failed");
    d += n;
    len -= n;
  }
}

/* Reads more bytes; FALSE on timeout, EOF or error. */
static gboolean
raw_fill (Raw *r, gint64 end)
{
  gchar buf[8192];
  gssize n;
  gint64 left = end - g_get_monotonic_time ();

  if (left <= 0
      || !g_socket_condition_timed_wait (r->sock, G_IO_IN, left, NULL, NULL))
    return FALSE;
  n = g_socket_receive (r->sock, buf, sizeof buf, NULL, NULL);
  if (n <= 0)
    return FALSE;
  g_byte_array_append (r->in, (guint8 *)buf, n);
  return TRUE;
}

static void
raw_send_frame (Raw *r, guint8 opcode, const gchar *data, gsize len)
{
  guint8 hdr[14] = { 0x80 | opcode };
  const guint8 key[4] = { 0x12, 0x34, 0x56, 0x78 };
  gsize h = 2;
  guint8 *masked = g_malloc (len + 1);

  if (len < 126)
    hdr[1] = 0x80 | len;
  else {
    g_assert (len < 65536);
    hdr[1] = 0x80 | 126;
    hdr[2] = len >> 8;
    hdr[3] = len & 0xff;
    h = 4;
  }
  memcpy (hdr + h, key, 4);
  h += 4;
  for (gsize i = 0; i < len; i++)
    masked[i] = data[i] ^ key[i % 4];
  raw_write (r, hdr, h);
  raw_write (r, masked, len);
  g_free (masked);
}

/* The next frame's opcode and payload; -1 when none comes in timeout_ms
 * (or the connection ends). */
static gint
raw_read_frame (Raw *r, guint timeout_ms, gchar **payload)
{
  gint64 end = g_get_monotonic_time () + (gint64)timeout_ms * 1000;

  for (;;) {
    const guint8 *d = r->in->data;
    gsize len = r->in->len, hdr = 2;
    guint64 plen;

    if (len >= 2) {
      plen = d[1] & 0x7f;
      if (plen == 126 && len >= 4) {
        plen = (guint64)d[2] << 8 | d[3];
        hdr = 4;
      } else if (plen == 127 && len >= 10) {
        plen = 0;
        for (guint i = 0; i < 8; i++)
          plen = plen << 8 | d[2 + i];
        hdr = 10;
      } else if (plen >= 126)
        plen = G_MAXUINT32; /* header incomplete */
      if (len >= hdr && len - hdr >= plen) {
        gint op = d[0] & 0x0f;

        if (payload)
          *payload = g_strndup ((const gchar *)d + hdr, plen);
        g_byte_array_remove_range (r->in, 0, hdr + plen);
        return op;
      }
    }
    if (!raw_fill (r, end))
      return -1;
  }
}

/* Reads frames until a pong; its payload, or NULL on timeout. The number
 * of data frames read before it goes to *data_frames. */
static gchar *
raw_wait_pong (Raw *r, guint timeout_ms, guint *data_frames)
{
  gint64 end = g_get_monotonic_time () + (gint64)timeout_ms * 1000;

  for (;;) {
    gint64 left = (end - g_get_monotonic_time ()) / 1000;
    gchar *p = NULL;
    gint op = left > 0 ? raw_read_frame (r, left, &p) : -1;

    if (op < 0)
      return NULL;
    if (op == 0xA)
      return p;
    if ((op == 1 || op == 2) && data_frames)
      (*data_frames)++;
    g_free (p);
  }
}

/* Reads frames until a data frame containing needle. */
static gboolean
raw_wait_data (Raw *r, const gchar *needle)
{
  gint64 end = g_get_monotonic_time () + (gint64)TIMEOUT * 1000;

  for (;;) {
    gint64 left = (end - g_get_monotonic_time ()) / 1000;
    gchar *p = NULL;
    gint op = left > 0 ? raw_read_frame (r, left, &p) : -1;
    gboolean hit = (op == 1 || op == 2) && strstr (p, needle);

    g_free (p);
    if (op < 0)
      return FALSE;
    if (hit)
      return TRUE;
  }
}

static Raw *
raw_open (GlsSim *sim, const gchar *setup)
{
  Raw *r = g_new0 (Raw, 1);
  GSocketClient *client = g_socket_client_new ();
  gchar *req;
  gint64 end = g_get_monotonic_time () + (gint64)TIMEOUT * 1000;
  gsize hlen = 0;

  g_socket_client_set_enable_proxy (client, FALSE);
  r->conn = g_socket_client_connect_to_host (
      client, "127.0.0.1", gls_sim_get_port (sim), NULL, NULL);
  g_object_unref (client);
  fail_unless (r->conn != NULL);
  r->sock = g_socket_connection_get_socket (r->conn);
  r->in = g_byte_array_new ();
  req = g_strdup_printf (
      "GET /ws/google.ai.generativelanguage.v1beta.GenerativeService."
      "BidiGenerateContent HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
      "Upgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
      "Sec-WebSocket-Version: 13\r\nx-goog-api-key: test-key\r\n\r\n",
      gls_sim_get_port (sim));
  raw_write (r, req, strlen (req));
  g_free (req);
  while (!hlen) {
    for (gsize i = 0; i + 3 < r->in->len; i++)
      if (memcmp (r->in->data + i, "\r\n\r\n", 4) == 0) {
        hlen = i + 4;
        break;
      }
    if (!hlen)
      fail_unless (raw_fill (r, end), "no HTTP response");
  }
  fail_unless (memcmp (r->in->data, "HTTP/1.1 101", 12) == 0);
  g_byte_array_remove_range (r->in, 0, hlen);
  raw_send_frame (r, 1, setup, strlen (setup));
  fail_unless (raw_wait_data (r, "setupComplete"));
  return r;
}

static void
raw_free (Raw *r)
{
  g_object_unref (r->conn); /* closes the socket */
  g_byte_array_unref (r->in);
  g_free (r);
}

/* how long an absence is watched for */
#define QUIET_MS 300

GST_START_TEST (test_stall)
{
  GlsSimOptions o;
  GlsSim *sim;
  Raw *r;
  Client *d;
  gchar *pong, *setup, *handle = NULL;
  guint msgs;
  gint op;

  fast_options (&o);
  sim = sim_new (&o);
  r = raw_open (sim, RESUMABLE_SETUP);
  /* healthy: pongs come back */
  raw_send_frame (r, 9, "one", 3);
  pong = raw_wait_pong (r, TIMEOUT, NULL);
  fail_unless_equals_string (pong, "one");
  g_free (pong);

  gls_sim_stall (sim);
  {
    GPtrArray *m = gls_sim_dup_client_messages (sim);
    msgs = m->len;
    g_ptr_array_unref (m);
  }
  raw_send_frame (r, 9, "two", 3);
  raw_send_frame (r, 1, "{\"realtimeInput\":{\"text\":\"hello?\"}}", 35);
  gls_sim_send_json (sim, "{\"custom\":1}", FALSE);
  /* nothing comes back: no pong, no data, no close */
  op = raw_read_frame (r, QUIET_MS, NULL);
  fail_unless_equals_int (op, -1);
  {
    GPtrArray *m = gls_sim_dup_client_messages (sim);
    fail_unless_equals_int (m->len, msgs);
    g_ptr_array_unref (m);
  }
  fail_unless_equals_int (gls_sim_get_open_connection_count (sim), 1);
  raw_free (r);
  /* the client gave up: the server sees a drop */
  fail_unless (gls_sim_wait_all_closed (sim, TIMEOUT));
  fail_unless_equals_int (gls_sim_get_last_close_code (sim), 1006);

  /* a stalled session can be resumed while its socket is still open */
  {
    Client *a = client_setup (sim, RESUMABLE_SETUP);

    handle = client_wait_handle (a, 1);
    gls_sim_stall (sim);
    setup = resume_setup (handle, NULL);
    d = client_setup (sim, setup);
    fail_unless (gls_sim_wait_resumes (sim, 1, TIMEOUT));
    /* the stalled connection was dropped on the server side, silently */
    fail_unless (gls_sim_wait_closed (sim, 2, TIMEOUT));
    fail_unless_equals_int (gls_sim_get_last_close_code (sim), 1006);
    fail_unless (!a->closed);
    /* the new connection works */
    gls_sim_send_json (sim, "{\"custom\":2}", FALSE);
    fail_unless (client_wait_frame (d, "custom") > 0);
    fail_unless (client_find (a, "custom", 0) < 0);
    client_free (d);
    client_free (a);
    g_free (setup);
  }
  g_free (handle);
  gls_sim_free (sim);
}
GST_END_TEST;

GST_START_TEST (test_pong_delay)
{
  GlsSimOptions o;
  GlsSim *sim;
  Raw *r;
  gchar *pong;
  guint data_frames = 0;
  gint64 t0, elapsed;

  fast_options (&o);
  sim = sim_new (&o);
  r = raw_open (sim, SETUP);
  gls_sim_set_pong_delay (sim, 500);
  t0 = g_get_monotonic_time ();
  raw_send_frame (r, 9, "late", 4);
  /* an answer starts at once; it flows while the pong waits */
  raw_send_frame (r, 1, "{\"realtimeInput\":{\"text\":\"hi\"}}", 31);
  pong = raw_wait_pong (r, TIMEOUT, &data_frames);
  elapsed = g_get_monotonic_time () - t0;
  fail_unless_equals_string (pong, "late");
  g_free (pong);
  fail_unless (
      elapsed >= 500 * 1000, "pong after %" G_GINT64_FORMAT " us", elapsed);
  fail_unless (
      data_frames >= 4, "only %u data frames before the pong", data_frames);

  /* back to prompt pongs */
  gls_sim_set_pong_delay (sim, 0);
  raw_send_frame (r, 9, "now", 3);
  pong = raw_wait_pong (r, TIMEOUT, NULL);
  fail_unless_equals_string (pong, "now");
  g_free (pong);
  raw_free (r);
  gls_sim_free (sim);
}
GST_END_TEST;

/* ---- the audio fast path and the counts-only, direct mode */

/* gls_schema_fast_audio accepts a message only if gls_schema_validate
 * accepts it as the same realtimeInput.audio. */
static void
check_fast_audio (const gchar *json, gboolean expect_fast)
{
  gchar mime[32];
  const gchar *b64 = NULL;
  gsize b64_len = 0;
  gboolean fast
      = gls_schema_fast_audio (json, strlen (json), mime, &b64, &b64_len);
  GlsMsgKind kind;
  GlsViolation v;
  JsonNode *norm = gls_schema_validate (
      json, strlen (json), GLS_API_GEMINI, "v1beta", &kind, &v);

  fail_unless (fast == expect_fast, "%s: fast %d", json, fast);
  if (fast) {
    gchar *data = g_strndup (b64, b64_len);

    fail_unless (norm != NULL, "fast, but invalid: %s", json);
    fail_unless_equals_int (kind, GLS_MSG_REALTIME_INPUT);
    fail_unless_equals_string (
        json_node_get_string (lookup (norm, "realtimeInput.audio.mimeType")),
        mime);
    fail_unless_equals_string (
        json_node_get_string (lookup (norm, "realtimeInput.audio.data")), data);
    g_free (data);
  }
  if (norm)
    json_node_unref (norm);
  else
    g_free (v.reason);
}

GST_START_TEST (test_fast_audio)
{
  static const struct
  {
    const gchar *json;
    gboolean fast;
  } cases[] = {
    { "{\"realtimeInput\":{\"audio\":{\"mimeType\":\"audio/pcm;rate=16000\","
      "\"data\":\"AAECAw==\"}}}",
        TRUE },
    { " {\n \"realtimeInput\" : {\t\"audio\": {\"data\": \"AAECAw==\",\r\n"
      "\"mimeType\": \"audio/pcm\"} } }\n",
        TRUE },
    { "{\"realtimeInput\":{\"audio\":{\"mimeType\":\"audio/pcm\","
      "\"data\":\"\"}}}",
        TRUE },
    { "{\"realtimeInput\":{\"audio\":{\"mimeType\":\"audio/pcm\","
      "\"data\":\"-_8=\"}}}",
        TRUE },
    /* left to the validator: other spellings, escapes, extra members,
     * violations */
    { "{\"realtime_input\":{\"audio\":{\"mimeType\":\"audio/pcm\","
      "\"data\":\"AAAA\"}}}",
        FALSE },
    { "{\"realtimeInput\":{\"audio\":{\"mime_type\":\"audio/pcm\","
      "\"data\":\"AAAA\"}}}",
        FALSE },
    { "{\"realtimeInput\":{\"audio\":{\"mimeType\":\"audio\\/pcm\","
      "\"data\":\"AAAA\"}}}",
        FALSE },
    { "{\"realtimeInput\":{\"audio\":{\"mimeType\":\"audio/pcm\","
      "\"mimeType\":\"audio/pcm\"}}}",
        FALSE },
    { "{\"realtimeInput\":{\"audio\":{\"mimeType\":\"audio/pcm\","
      "\"data\":\"AAAA\",\"x\":1}}}",
        FALSE },
    { "{\"realtimeInput\":{\"audio\":{\"mimeType\":\"audio/pcm\"}}}", FALSE },
    { "{\"realtimeInput\":{\"audio\":{\"mimeType\":\"audio/pcm\","
      "\"data\":\"AAAA\"}},\"x\":1}",
        FALSE },
    { "{\"realtimeInput\":{\"audio\":{\"mimeType\":\"audio/pcm\","
      "\"data\":\"AAAA\"}}}x",
        FALSE },
    { "{\"realtimeInput\":{\"audio\":{\"mimeType\":\"audio/pcm\","
      "\"data\":\"AAAA\"}}",
        FALSE },
    { "{\"realtimeInput\":{\"audio\":{\"mimeType\":\"audio/wav\","
      "\"data\":\"AAAA\"}}}",
        FALSE },
    { "{\"realtimeInput\":{\"audio\":{\"mimeType\":\"audio/pcm;rate=0\","
      "\"data\":\"AAAA\"}}}",
        FALSE },
    { "{\"realtimeInput\":{\"audio\":{\"mimeType\":\"audio/pcm\","
      "\"data\":\"AAA\"}}}",
        FALSE },
    { "{\"realtimeInput\":{\"audio\":{\"mimeType\":\"audio/pcm\","
      "\"data\":\"AA$A\"}}}",
        FALSE },
    { "{\"realtimeInput\":{\"audio\":{\"mimeType\":\"audio/pcm\","
      "\"data\":\"+-AA\"}}}",
        FALSE },
    { "{\"realtimeInput\":{\"audio\":{\"mimeType\":\"audio/pcm\","
      "\"data\":null}}}",
        FALSE },
    { "{\"realtimeInput\":{\"video\":{\"mimeType\":\"image/jpeg\","
      "\"data\":\"AAAA\"}}}",
        FALSE },
  };
  GRand *rand = g_rand_new_with_seed (7);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    check_fast_audio (cases[i].json, cases[i].fast);

  /* the table decoder decodes as g_base64_decode does */
  for (guint n = 0; n < 200; n++) {
    guint8 in[64], out[64 / 3 * 3 + 6];
    gsize len = g_rand_int_range (rand, 0, 64), ref_len, got;
    gchar *b64;
    guchar *ref;

    for (gsize i = 0; i < len; i++)
      in[i] = g_rand_int_range (rand, 0, 256);
    b64 = g_base64_encode (in, len);
    if (n % 2) {
      /* URL-safe, without padding (which only text recognisably
       * URL-safe may leave out) */
      g_strdelimit (b64, "+", '-');
      g_strdelimit (b64, "/", '_');
      if (strpbrk (b64, "-_"))
        g_strdelimit (b64, "=", '\0');
    }
    fail_unless (gls_base64_check (b64), "%s", b64);
    got = gls_base64_decode_into (b64, strlen (b64), out);
    g_free (b64);
    b64 = g_base64_encode (in, len);
    ref = g_base64_decode (b64, &ref_len);
    fail_unless_equals_int (got, ref_len);
    fail_unless_equals_int (got, len);
    fail_unless (memcmp (out, ref, got) == 0);
    fail_unless (memcmp (out, in, got) == 0);
    g_free (ref);
    g_free (b64);
  }
  g_rand_free (rand);
}
GST_END_TEST;

static void
count_critical (const gchar *domain, GLogLevelFlags level, const gchar *message,
    gpointer data)
{
  (*(guint *)data)++;
}

GST_START_TEST (test_counts_only_direct)
{
  GlsSimOptions o;
  GlsSim *sim;
  Client *c;
  GlsSimConversation conv;
  GPtrArray *msgs;
  GBytes *b;
  guint criticals = 0, handler;

  fast_options (&o);
  o.record = FALSE;
  o.direct = TRUE;
  sim = sim_new (&o);
  c = client_setup (sim, "{\"setup\":{\"model\":\"" MODEL "\"}}");
  send_audio (c, 200, FALSE);
  send_audio (c, 600, TRUE);
  send_audio (c, 300, FALSE);
  /* the counts are exact */
  fail_unless (gls_sim_wait_client_messages (sim, 1 + 55, TIMEOUT));
  fail_unless (gls_sim_wait_received_audio (sim, 1100 * 32, TIMEOUT));
  fail_unless (gls_sim_wait_conversation_audio (sim, 1100 * 32, TIMEOUT));
  fail_unless (gls_sim_wait_answers_sent (sim, 1, TIMEOUT));
  fail_unless (client_wait_frame (c, "serverContent.turnComplete") > 0);
  fail_unless_equals_int (gls_sim_get_received_audio_size (sim), 1100 * 32);
  fail_unless (gls_sim_get_conversation (sim, &conv));
  fail_unless_equals_int (conv.audio_bytes, 1100 * 32);
  fail_unless_equals_int (conv.inputs, 55);
  fail_unless_equals_int (conv.user_turns, 1);
  /* no copies */
  msgs = gls_sim_dup_client_messages (sim);
  fail_unless_equals_int (msgs->len, 0);
  g_ptr_array_unref (msgs);
  b = gls_sim_dup_received_audio (sim);
  fail_unless_equals_int (g_bytes_get_size (b), 0);
  g_bytes_unref (b);
  b = gls_sim_dup_sent_audio (sim);
  fail_unless_equals_int (g_bytes_get_size (b), 0);
  g_bytes_unref (b);
  fail_unless (!gls_sim_wait_message_kind (sim, "audio", 10));
  /* the faults that need the proxy are refused */
  handler = g_log_set_handler (
      "gls-sim", G_LOG_LEVEL_CRITICAL, count_critical, &criticals);
  gls_sim_stall (sim);
  gls_sim_pause_reading (sim, TRUE);
  gls_sim_set_pong_delay (sim, 100);
  gls_sim_set_pong_delay (sim, 0);
  g_log_remove_handler ("gls-sim", handler);
  fail_unless_equals_int (criticals, 3);
  /* still strict: a violation closes as before */
  client_send (c,
      "{\"realtimeInput\":{\"audio\":{\"mimeType\":\"audio/pcm\","
      "\"data\":\"AAA\"}}}");
  assert_closed (c, 1007,
      "Invalid value at 'realtime_input.audio.data' (TYPE_BYTES), "
      "Base64 decoding failed for \"AAA\"");
  fail_unless (gls_sim_wait_all_closed (sim, TIMEOUT));
  fail_unless_equals_int (gls_sim_get_last_close_code (sim), 1007);
  client_free (c);
  gls_sim_free (sim);
}
GST_END_TEST;

/* ---- the voice */

/* A WAV as espeak-ng writes it to a pipe: 22050 Hz, the data size left at
 * its maximum. */
static GBytes *
make_wav (guint rate, guint channels, guint frames)
{
  GByteArray *w = g_byte_array_new ();
  guint8 h[44] = { 'R', 'I', 'F', 'F', 0xff, 0xff, 0xff, 0x7f, 'W', 'A', 'V',
    'E', 'f', 'm', 't', ' ', 16, 0, 0, 0, 1, 0 };

  h[22] = channels;
  h[24] = rate & 0xff;
  h[25] = rate >> 8;
  h[26] = rate >> 16;
  h[32] = 2 * channels;
  h[34] = 16;
  memcpy (h + 36, "data\xff\xff\xff\x7f", 8);
  g_byte_array_append (w, h, sizeof h);
  for (guint i = 0; i < frames * channels; i++) {
    gint16 v = GINT16_TO_LE (
        (gint16)(8000 * sin (2 * G_PI * 200 * (i / channels) / (gdouble)rate)));
    g_byte_array_append (w, (guint8 *)&v, 2);
  }
  return g_byte_array_free_to_bytes (w);
}

GST_START_TEST (test_wav_to_24k)
{
  GBytes *wav = make_wav (22050, 1, 22050), *pcm = gls_model_wav_to_24k (wav);

  fail_unless (pcm != NULL);
  /* one second, at 24 kHz */
  fail_unless_equals_int (g_bytes_get_size (pcm), 48000);
  g_bytes_unref (pcm);
  g_bytes_unref (wav);
  wav = make_wav (48000, 2, 4800);
  pcm = gls_model_wav_to_24k (wav);
  fail_unless_equals_int (g_bytes_get_size (pcm), 4800);
  g_bytes_unref (pcm);
  g_bytes_unref (wav);
  wav = g_bytes_new_static ("RIFF....WAVEjunk", 16);
  fail_unless (gls_model_wav_to_24k (wav) == NULL);
  g_bytes_unref (wav);
}
GST_END_TEST;

/* Runs one spoken turn; returns the answer's audio and transcript. */
static GBytes *
spoken_answer (const gchar *program, GlsSimVoice voice, gchar **transcript_out)
{
  GlsSimOptions o;
  GlsSim *sim;
  Client *c;
  GBytes *sent;
  GString *t = g_string_new (NULL);

  fast_options (&o);
  o.voice = voice;
  o.voice_program = program;
  sim = sim_new (&o);
  c = client_setup (sim,
      "{\"setup\":{\"model\":\"" MODEL "\",\"outputAudioTranscription\":{}}}");
  send_audio (c, 500, TRUE);
  send_audio (c, 300, FALSE);
  /* all of it is sent by generationComplete (turnComplete waits for the
   * time it takes to play) */
  fail_unless (client_wait_frame (c, "serverContent.generationComplete") > 0);
  for (gint i = 0; i < client_find (c, "serverContent.generationComplete", 0);
       i++) {
    gchar *f = client_frame (c, i);
    JsonNode *n = parse (f);
    JsonNode *tx = lookup (n, "serverContent.outputTranscription.text");

    if (tx)
      g_string_append (t, json_node_get_string (tx));
    json_node_unref (n);
    g_free (f);
  }
  sent = gls_sim_dup_sent_audio (sim);
  client_free (c);
  gls_sim_free (sim);
  *transcript_out = g_string_free (t, FALSE);
  return sent;
}

/* The tone is the default; espeak-ng speaks the transcript when asked
 * for, and the tone stands in when it cannot run. */
GST_START_TEST (test_voice)
{
  gchar *tone_tx, *tx;
  GBytes *tone = spoken_answer (NULL, GLS_SIM_VOICE_TONE, &tone_tx);
  GBytes *speech;
  guint8 *expect = g_malloc (g_bytes_get_size (tone));

  /* the words say what the simulator is */
  fail_unless_equals_string (tone_tx,
      "Hello! This is a simulated answer: I heard you speak for 0.5 seconds, "
      "but as a simulator I cannot understand the words.");
  /* the tone, answer_ms long */
  fail_unless_equals_int (g_bytes_get_size (tone), 400 * 48);
  gls_model_synth (expect, g_bytes_get_size (tone), 0);
  fail_unless (
      memcmp (expect, g_bytes_get_data (tone, NULL), g_bytes_get_size (tone))
      == 0);

  /* no such program: the tone */
  speech = spoken_answer ("/nonexistent/espeak-ng", GLS_SIM_VOICE_ESPEAK, &tx);
  fail_unless (g_bytes_equal (speech, tone));
  fail_unless_equals_string (tx, tone_tx);
  g_bytes_unref (speech);
  g_free (tx);

  /* a program that fails: the tone */
  speech = spoken_answer ("false", GLS_SIM_VOICE_ESPEAK, &tx);
  fail_unless (g_bytes_equal (speech, tone));
  g_bytes_unref (speech);
  g_free (tx);

  if (g_find_program_in_path ("espeak-ng")) {
    gsize len;

    speech = spoken_answer (NULL, GLS_SIM_VOICE_ESPEAK, &tx);
    len = g_bytes_get_size (speech);
    /* its own length (a sentence of some 25 words: several seconds),
     * not answer_ms, and not the tone; the transcript is the same */
    fail_unless (len > 3 * 48000 && len < 30 * 48000, "%" G_GSIZE_FORMAT, len);
    fail_unless_equals_string (tx, tone_tx);
    g_bytes_unref (speech);
    g_free (tx);
  } else
    GST_INFO ("espeak-ng not installed: the speech itself is not checked");

  g_free (expect);
  g_bytes_unref (tone);
  g_free (tone_tx);
}
GST_END_TEST;

/* ---- the network: pings, slow reading, frame integrity */

static gchar *
cert_path (void)
{
  return g_build_filename (recording_data_dir (), "tls", "sim-cert.pem", NULL);
}

static void
tls_options (GlsSimOptions *o, gchar **cert, gchar **key)
{
  *cert = cert_path ();
  *key = g_build_filename (recording_data_dir (), "tls", "sim-key.pem", NULL);
  o->tls_cert_file = *cert;
  o->tls_key_file = *key;
}

/* A libsoup client (one writer: it never breaks a frame) against a server
 * that pings every 20 ms and, with slow, reads slowly: every frame arrives
 * intact, every pong echoes a ping, and the audio arrives exactly once. */
static void
check_pings_and_slow_reading (gboolean tls, gboolean slow)
{
  GlsSimOptions o;
  GlsSim *sim;
  Client *c;
  GlsSimFrameStats st;
  gchar *cert = NULL, *key = NULL, *uri;
  GByteArray *sent = g_byte_array_new ();
  GBytes *received;
  gint64 start;
  gsize wire = 0;

  fast_options (&o);
  o.ping_interval_ms = 20;
  if (tls)
    tls_options (&o, &cert, &key);
  sim = sim_new (&o);
  client_ca_file = cert;
  uri = gls_sim_get_uri (sim, "v1beta");
  fail_unless (g_str_has_prefix (uri, tls ? "wss://" : "ws://"));
  c = client_new (uri, KEY);
  client_ca_file = NULL;
  g_free (uri);
  client_wait_open (c);
  client_send (c, SETUP);
  fail_unless (client_wait_frame (c, "setupComplete") >= 0);
  /* pings while idle */
  fail_unless (gls_sim_wait_pongs (sim, 5, TIMEOUT));
  if (slow)
    gls_sim_set_read_rate (sim, 100000);
  start = g_get_monotonic_time ();
  /* 2 s of audio in 40 ms messages, as fast as the client can write */
  for (guint i = 0; i < 50; i++) {
    gint16 pcm[640];
    gchar *b64, *msg;

    for (guint j = 0; j < 640; j++)
      pcm[j] = GINT16_TO_LE ((gint16)((i * 640 + j) % 200));
    g_byte_array_append (sent, (guint8 *)pcm, sizeof pcm);
    b64 = g_base64_encode ((guchar *)pcm, sizeof pcm);
    msg = g_strdup_printf ("{\"realtimeInput\":{\"audio\":{\"mimeType\":"
                           "\"audio/pcm;rate=16000\",\"data\":\"%s\"}}}",
        b64);
    wire += strlen (msg);
    client_send (c, msg);
    g_free (msg);
    g_free (b64);
  }
  fail_unless (gls_sim_wait_received_audio (sim, sent->len, 4 * TIMEOUT));
  if (slow) {
    /* at 100 kB/s, at least the time the bytes take (less the first
     * read's 2 kB): a lower bound, which a slow machine only exceeds */
    gint64 took = g_get_monotonic_time () - start;
    gint64 least = (gint64)(wire - 2000) * G_USEC_PER_SEC / 100000;

    fail_unless (took >= least, "%" G_GINT64_FORMAT " us < %" G_GINT64_FORMAT,
        took, least);
    gls_sim_set_read_rate (sim, 0);
  }
  /* more pings after the burst */
  gls_sim_get_frame_stats (sim, &st);
  fail_unless (gls_sim_wait_pongs (sim, st.pongs + 3, TIMEOUT));
  received = gls_sim_dup_received_audio (sim);
  fail_unless (g_bytes_get_size (received) == sent->len
      && memcmp (g_bytes_get_data (received, NULL), sent->data, sent->len)
          == 0);
  gls_sim_get_frame_stats (sim, &st);
  fail_unless_equals_int (st.corrupt, 0);
  fail_unless_equals_int (st.pongs_matched, st.pongs);
  fail_unless (st.pings_sent >= st.pongs);
  /* setup and 50 messages, each in one frame */
  fail_unless_equals_int (st.messages, 51);
  fail_unless_equals_int (st.frames, 51 + st.pongs);
  fail_unless (gls_sim_dup_frame_error (sim) == NULL);
  /* libsoup's client answered the pings by itself: no message for us */
  fail_unless (client_find (c, "setupComplete", 1) < 0);
  g_bytes_unref (received);
  g_byte_array_unref (sent);
  client_free (c);
  gls_sim_free (sim);
  g_free (cert);
  g_free (key);
}

GST_START_TEST (test_server_pings)
{
  check_pings_and_slow_reading (FALSE, FALSE);
  check_pings_and_slow_reading (TRUE, FALSE);
}
GST_END_TEST;

GST_START_TEST (test_slow_reading)
{
  check_pings_and_slow_reading (FALSE, TRUE);
  check_pings_and_slow_reading (TRUE, TRUE);
}
GST_END_TEST;

/* A client that writes its own bytes: frames as broken as need be. */
typedef struct
{
  GSocketConnection *conn;
  GInputStream *in;
  GOutputStream *out;
} Wire;

static gboolean
accept_any (GTlsConnection *conn, GTlsCertificate *cert,
    GTlsCertificateFlags errors, gpointer data)
{
  return TRUE;
}

static void
on_client_event (GSocketClient *sc, GSocketClientEvent event,
    GSocketConnectable *to, GIOStream *conn, gpointer data)
{
  if (event == G_SOCKET_CLIENT_TLS_HANDSHAKING)
    g_signal_connect (
        conn, "accept-certificate", G_CALLBACK (accept_any), NULL);
}

static void
wire_write (Wire *r, const guint8 *d, gsize len)
{
  fail_unless (g_output_stream_write_all (r->out, d, len, NULL, NULL, NULL));
}

/* Appends a masked client frame. */
static void
wire_frame (GByteArray *out, guint8 b0, const gchar *payload, gsize len)
{
  static const guint8 key[4] = { 0x37, 0xfa, 0x21, 0x3d };
  guint8 h[14] = { b0 };
  gsize n = 2;

  if (len < 126)
    h[1] = 0x80 | len;
  else {
    h[1] = 0x80 | 126;
    h[2] = len >> 8;
    h[3] = len & 0xff;
    n = 4;
  }
  memcpy (h + n, key, 4);
  g_byte_array_append (out, h, n + 4);
  for (gsize i = 0; i < len; i++) {
    guint8 b = payload[i] ^ key[i % 4];
    g_byte_array_append (out, &b, 1);
  }
}

/* Reads one server frame; its opcode, and its payload into *payload. */
static guint
wire_read_frame (Wire *r, GByteArray **payload)
{
  guint8 h[10];
  guint64 len;

  fail_unless (g_input_stream_read_all (r->in, h, 2, NULL, NULL, NULL));
  len = h[1] & 0x7f;
  if (len == 126) {
    fail_unless (g_input_stream_read_all (r->in, h + 2, 2, NULL, NULL, NULL));
    len = h[2] << 8 | h[3];
  } else if (len == 127) {
    fail_unless (g_input_stream_read_all (r->in, h + 2, 8, NULL, NULL, NULL));
    len = 0;
    for (guint i = 0; i < 8; i++)
      len = len << 8 | h[2 + i];
  }
  *payload = g_byte_array_sized_new (len + 1);
  g_byte_array_set_size (*payload, len);
  fail_unless (
      g_input_stream_read_all (r->in, (*payload)->data, len, NULL, NULL, NULL));
  return h[0] & 0x0f;
}

/* Reads server frames until one holds text (or the close frame). */
static guint
wire_read_until (Wire *r, const gchar *text, GByteArray **payload)
{
  for (;;) {
    guint op = wire_read_frame (r, payload);

    if (op == 0x8 || strstr ((const gchar *)(*payload)->data, text))
      return op;
    g_byte_array_unref (*payload);
  }
}

/* Connects, upgrades, sends the setup and waits for setupComplete. */
static Wire *
wire_open (GlsSim *sim, gboolean tls)
{
  GSocketClient *sc = g_socket_client_new ();
  Wire *r = g_new0 (Wire, 1);
  GByteArray *frame = g_byte_array_new (), *got;
  gchar *req;
  GString *resp = g_string_new (NULL);

  /* no test waits on a socket longer than this */
  g_socket_client_set_timeout (sc, 10);
  g_socket_client_set_tls (sc, tls);
  g_signal_connect (sc, "event", G_CALLBACK (on_client_event), NULL);
  r->conn = g_socket_client_connect_to_host (
      sc, "127.0.0.1", gls_sim_get_port (sim), NULL, NULL);
  fail_unless (r->conn != NULL);
  g_object_unref (sc);
  r->in = g_io_stream_get_input_stream (G_IO_STREAM (r->conn));
  r->out = g_io_stream_get_output_stream (G_IO_STREAM (r->conn));
  req = g_strdup_printf (
      "GET /ws/google.ai.generativelanguage.v1beta.GenerativeService."
      "BidiGenerateContent HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
      "Upgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
      "Sec-WebSocket-Version: 13\r\nx-goog-api-key: k\r\n\r\n",
      gls_sim_get_port (sim));
  wire_write (r, (const guint8 *)req, strlen (req));
  g_free (req);
  while (!g_str_has_suffix (resp->str, "\r\n\r\n")) {
    gchar ch;

    fail_unless (g_input_stream_read (r->in, &ch, 1, NULL, NULL) == 1);
    g_string_append_c (resp, ch);
  }
  fail_unless (g_str_has_prefix (resp->str, "HTTP/1.1 101"), "%s", resp->str);
  g_string_free (resp, TRUE);
  wire_frame (frame, 0x81, SETUP, strlen (SETUP));
  wire_write (r, frame->data, frame->len);
  g_byte_array_unref (frame);
  fail_unless_equals_int (wire_read_until (r, "setupComplete", &got), 0x2);
  g_byte_array_unref (got);
  return r;
}

static void
wire_free (Wire *r)
{
  g_io_stream_close (G_IO_STREAM (r->conn), NULL, NULL);
  g_object_unref (r->conn);
  g_free (r);
}

/* Reads up to the server's close frame: 1002, the corrupted-frame
 * reason. */
static void
wire_expect_1002 (Wire *r)
{
  GByteArray *got;

  fail_unless_equals_int (wire_read_until (r, "\x01\x02\x03", &got), 0x8);
  fail_unless (got->len >= 2);
  fail_unless_equals_int (got->data[0] << 8 | got->data[1], 1002);
  g_byte_array_append (got, (const guint8 *)"", 1);
  fail_unless_equals_string (
      (const gchar *)got->data + 2, GLS_REASON_CORRUPT_FRAME);
  g_byte_array_unref (got);
}

/* Frames broken as a second writer breaks them are found, closed 1002,
 * counted, and never reach the server; whole frames around them do. */
static void
check_corrupt_frames (gboolean tls)
{
  GlsSimOptions o;
  GlsSim *sim;
  Wire *r;
  GByteArray *out = g_byte_array_new (), *good = g_byte_array_new ();
  gchar *audio = audio_msg (40, FALSE), *err, *cert = NULL, *key = NULL;
  const guint8 pong[6] = { 0x8a, 0x80, 1, 2, 3, 4 };
  GlsSimFrameStats st;
  gsize half = strlen (audio) / 2;

  fast_options (&o);
  if (tls)
    tls_options (&o, &cert, &key);
  sim = sim_new (&o);

  /* a whole masked pong written into the middle of a data frame, right
   * after a whole one (in one write: the whole one still gets through) */
  r = wire_open (sim, tls);
  wire_frame (good, 0x81, audio, strlen (audio));
  g_byte_array_append (out, good->data, good->len);
  g_byte_array_append (out, good->data, 40);
  g_byte_array_append (out, pong, sizeof pong);
  g_byte_array_append (out, good->data + 40, good->len - 40);
  wire_write (r, out->data, out->len);
  wire_expect_1002 (r);
  wire_free (r);
  fail_unless (gls_sim_wait_all_closed (sim, TIMEOUT));
  fail_unless_equals_int (gls_sim_get_last_close_code (sim), 1002);
  gls_sim_get_frame_stats (sim, &st);
  fail_unless_equals_int (st.corrupt, 1);
  /* the setup and the one whole audio message, nothing of the broken one */
  fail_unless_equals_int (st.messages, 2);
  fail_unless_equals_int (gls_sim_get_received_audio_size (sim), 40 * 32);
  err = gls_sim_dup_frame_error (sim);
  fail_unless (err != NULL);
  g_free (err);

  /* a frame begun, then another message in the middle of it */
  r = wire_open (sim, tls);
  g_byte_array_set_size (out, 0);
  wire_frame (out, 0x01, audio, half);
  wire_frame (out, 0x81, audio, strlen (audio));
  wire_write (r, out->data, out->len);
  wire_expect_1002 (r);
  wire_free (r);
  fail_unless (gls_sim_wait_closed (sim, 2, TIMEOUT));
  gls_sim_get_frame_stats (sim, &st);
  fail_unless_equals_int (st.corrupt, 2);
  err = gls_sim_dup_frame_error (sim);
  g_free (err);

  /* a fragmented message with a ping in between is whole */
  r = wire_open (sim, tls);
  g_byte_array_set_size (out, 0);
  wire_frame (out, 0x01, audio, half);
  wire_frame (out, 0x89, "hi", 2);
  wire_frame (out, 0x80, audio + half, strlen (audio) - half);
  wire_write (r, out->data, out->len);
  fail_unless (gls_sim_wait_received_audio (sim, 2 * 40 * 32, TIMEOUT));
  gls_sim_get_frame_stats (sim, &st);
  fail_unless_equals_int (st.corrupt, 2);
  wire_free (r);

  g_byte_array_unref (out);
  g_byte_array_unref (good);
  g_free (audio);
  gls_sim_free (sim);
  g_free (cert);
  g_free (key);
}

GST_START_TEST (test_corrupt_frames)
{
  check_corrupt_frames (FALSE);
  check_corrupt_frames (TRUE);
}
GST_END_TEST;

static Suite *
sim_suite (void)
{
  Suite *s = suite_create ("gemini-live-sim");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_setup_complete_binary_pretty);
  tcase_add_test (tc, test_permessage_deflate_only_on_request);
  tcase_add_test (tc, test_paths_and_refusal);
  tcase_add_test (tc, test_unknown_field);
  tcase_add_test (tc, test_bad_enum_and_type);
  tcase_add_test (tc, test_media_chunks);
  tcase_add_test (tc, test_bad_base64);
  tcase_add_test (tc, test_invalid_arguments);
  tcase_add_test (tc, test_backend_fields);
  tcase_add_test (tc, test_model_rules);
  tcase_add_test (tc, test_seed_only_client_content);
  tcase_add_test (tc, test_activity_rules);
  tcase_add_test (tc, test_rules_log_replay);
  tcase_add_test (tc, test_unknown_model_and_key);
  tcase_add_test (tc, test_early_message);
  tcase_add_test (tc, test_audio_turn);
  tcase_add_test (tc, test_text_modality_snake_case);
  tcase_add_test (tc, test_barge_in);
  tcase_add_test (tc, test_tool_call);
  tcase_add_test (tc, test_untidy_answers);
  tcase_add_test (tc, test_recordings);
  tcase_add_test (tc, test_tool_call_cancelled_by_barge_in);
  tcase_add_test (tc, test_go_away);
  tcase_add_test (tc, test_resumption);
  tcase_add_test (tc, test_drop);
  tcase_add_test (tc, test_scripted_close_and_send);
  tcase_add_test (tc, test_resume_rewinds_conversation);
  tcase_add_test (tc, test_resume_answers_again);
  tcase_add_test (tc, test_periodic_resumption_updates);
  tcase_add_test (tc, test_go_away_at_next_answer);
  tcase_add_test (tc, test_close_at_next_tool_call);
  tcase_add_test (tc, test_drop_at_next_user_speech);
  tcase_add_test (tc, test_refuse_count);
  tcase_add_test (tc, test_stall);
  tcase_add_test (tc, test_pong_delay);
  tcase_add_test (tc, test_fast_audio);
  tcase_add_test (tc, test_counts_only_direct);
  tcase_add_test (tc, test_wav_to_24k);
  tcase_add_test (tc, test_voice);
  tcase_add_test (tc, test_server_pings);
  tcase_add_test (tc, test_slow_reading);
  tcase_add_test (tc, test_corrupt_frames);
  return s;
}

GST_CHECK_MAIN (sim);
