/* gst-gemini-live
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/gst.h>
#include <libsoup/soup.h>

#include "gstgeminilivesession.h"

GST_DEBUG_CATEGORY_STATIC (gst_gemini_live_session_debug);
#define GST_CAT_DEFAULT gst_gemini_live_session_debug

/* Input kept while waiting for setupComplete: about a minute of audio. */
#define MAX_PENDING_BYTES (4 * 1024 * 1024)
/* Base64 audio frames are ~10 KiB; large tool calls and resumption
 * updates can be far bigger than libsoup's 128 KiB default. */
#define MAX_INCOMING_PAYLOAD (16 * 1024 * 1024)
/* How long a peer may take to answer our close frame. */
#define CLOSE_GRACE_MS 1000

struct _GstGeminiLiveSession
{
  GstGeminiLiveSessionCallbacks callbacks;
  gpointer user_data;

  GstGeminiLiveConfig config;
  gchar *safe_uri;

  GThread *thread;
  GMainContext *context;
  GMainLoop *loop;
  GCancellable *cancellable;

  /* Session thread only. */
  SoupSession *soup;
  SoupWebsocketConnection *conn;
  gboolean closing;
  GError *conn_error;

  /* Protected by lock: what other threads touch. */
  GMutex lock;
  gboolean ready;               /* setupComplete received */
  gboolean flush_scheduled;
  GQueue outgoing;
  gsize outgoing_bytes;
  guint dropped;
};

static void
debug_init (void)
{
  static gsize done = 0;
  if (g_once_init_enter (&done)) {
    GST_DEBUG_CATEGORY_INIT (gst_gemini_live_session_debug,
        "geminilivesession", 0, "Gemini Live WebSocket session");
    g_once_init_leave (&done, 1);
  }
}

gchar *
gst_gemini_live_session_safe_uri (const gchar * uri)
{
  GUri *parsed;
  gchar *safe;

  if (uri == NULL)
    return g_strdup ("(none)");
  parsed = g_uri_parse (uri, G_URI_FLAGS_NONE, NULL);
  if (parsed == NULL)
    return g_strdup ("(unparsable URI)");
  safe = g_uri_join (G_URI_FLAGS_NONE, g_uri_get_scheme (parsed), NULL,
      g_uri_get_host (parsed), g_uri_get_port (parsed),
      g_uri_get_path (parsed), NULL, NULL);
  g_uri_unref (parsed);
  return safe;
}

GstGeminiLiveSession *
gst_gemini_live_session_new (const GstGeminiLiveSessionCallbacks * callbacks,
    gpointer user_data)
{
  GstGeminiLiveSession *session = g_new0 (GstGeminiLiveSession, 1);

  debug_init ();
  session->callbacks = *callbacks;
  session->user_data = user_data;
  gst_gemini_live_config_init (&session->config);
  g_mutex_init (&session->lock);
  g_queue_init (&session->outgoing);
  return session;
}

void
gst_gemini_live_session_free (GstGeminiLiveSession * session)
{
  if (session == NULL)
    return;
  gst_gemini_live_session_stop (session);
  gst_gemini_live_config_clear (&session->config);
  g_free (session->safe_uri);
  g_mutex_clear (&session->lock);
  g_free (session);
}

/* ---- session thread ---------------------------------------------------- */

static gboolean
flush_outgoing (gpointer user_data)
{
  GstGeminiLiveSession *session = user_data;
  GQueue batch = G_QUEUE_INIT;
  gchar *json;

  g_mutex_lock (&session->lock);
  batch = session->outgoing;
  g_queue_init (&session->outgoing);
  session->outgoing_bytes = 0;
  session->flush_scheduled = FALSE;
  g_mutex_unlock (&session->lock);

  while ((json = g_queue_pop_head (&batch))) {
    if (session->conn != NULL && soup_websocket_connection_get_state
        (session->conn) == SOUP_WEBSOCKET_STATE_OPEN)
      soup_websocket_connection_send_text (session->conn, json);
    else
      GST_DEBUG ("dropping a message: connection not open");
    g_free (json);
  }
  return G_SOURCE_REMOVE;
}

static void
on_message (SoupWebsocketConnection * conn, gint type, GBytes * message,
    gpointer user_data)
{
  GstGeminiLiveSession *session = user_data;
  GError *error = NULL;
  GPtrArray *events;
  gsize size;
  const gchar *data = g_bytes_get_data (message, &size);
  guint i;

  GST_LOG ("%s frame of %" G_GSIZE_FORMAT " bytes",
      type == SOUP_WEBSOCKET_DATA_TEXT ? "text" : "binary", size);

  events = gst_gemini_live_protocol_parse (data, size, &error);
  if (events == NULL) {
    session->callbacks.warning (session, "Malformed message from the server",
        error->message, session->user_data);
    g_error_free (error);
    return;
  }

  for (i = 0; i < events->len; i++) {
    GstGeminiLiveEvent *event = g_ptr_array_index (events, i);

    if (event->type == GST_GEMINI_LIVE_EVENT_SETUP_COMPLETE) {
      g_mutex_lock (&session->lock);
      session->ready = TRUE;
      g_mutex_unlock (&session->lock);
      /* Release what was queued before setupComplete, in order. */
      flush_outgoing (session);
    }
    session->callbacks.event (session, event, session->user_data);
  }
  g_ptr_array_unref (events);
}

static gboolean
quit_loop (gpointer user_data)
{
  GstGeminiLiveSession *session = user_data;
  g_main_loop_quit (session->loop);
  return G_SOURCE_REMOVE;
}

static void
on_closed (SoupWebsocketConnection * conn, gpointer user_data)
{
  GstGeminiLiveSession *session = user_data;
  gushort code = soup_websocket_connection_get_close_code (conn);
  const gchar *reason = soup_websocket_connection_get_close_data (conn);

  GST_DEBUG ("connection closed: %u %s", code, GST_STR_NULL (reason));

  if (session->closing) {
    g_main_loop_quit (session->loop);
    return;
  }

  g_mutex_lock (&session->lock);
  session->ready = FALSE;
  g_mutex_unlock (&session->lock);

  /* No close frame from the peer: the connection just went away. */
  if (code == 0)
    code = SOUP_WEBSOCKET_CLOSE_ABNORMAL;
  session->callbacks.closed (session, code, reason, session->conn_error,
      session->user_data);
  g_clear_error (&session->conn_error);
}

static void
on_error (SoupWebsocketConnection * conn, GError * error, gpointer user_data)
{
  GstGeminiLiveSession *session = user_data;

  GST_DEBUG ("connection error: %s", error->message);
  if (session->conn_error == NULL)
    session->conn_error = g_error_copy (error);
}

static void
on_connected (GObject * source, GAsyncResult * result, gpointer user_data)
{
  GstGeminiLiveSession *session = user_data;
  GError *error = NULL;
  SoupWebsocketConnection *conn;
  gchar *setup;

  conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result,
      &error);
  if (conn == NULL) {
    if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      session->callbacks.closed (session, 0, NULL, error, session->user_data);
    g_error_free (error);
    return;
  }
  if (session->closing) {
    g_object_unref (conn);
    return;
  }

  GST_INFO ("connected to %s", session->safe_uri);
  session->conn = conn;
  g_object_set (conn, "max-incoming-payload-size",
      (guint64) MAX_INCOMING_PAYLOAD, NULL);
  g_signal_connect (conn, "message", G_CALLBACK (on_message), session);
  g_signal_connect (conn, "closed", G_CALLBACK (on_closed), session);
  g_signal_connect (conn, "error", G_CALLBACK (on_error), session);

  /* The setup is always the first message; everything else waits for
   * setupComplete in the outgoing queue. */
  setup = gst_gemini_live_protocol_build_setup (&session->config);
  GST_DEBUG ("sending setup (%" G_GSIZE_FORMAT " bytes)", strlen (setup));
  soup_websocket_connection_send_text (conn, setup);
  g_free (setup);
}

static gboolean
begin_connect (gpointer user_data)
{
  GstGeminiLiveSession *session = user_data;
  SoupMessage *msg;
  gchar *key;

  msg = soup_message_new (SOUP_METHOD_GET, session->config.uri);
  if (msg == NULL) {
    GError *error = g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
        "Invalid URI '%s'", session->safe_uri);
    session->callbacks.closed (session, 0, NULL, error, session->user_data);
    g_error_free (error);
    return G_SOURCE_REMOVE;
  }
  key = session->config.api_key;
  if (key != NULL && *key != '\0')
    soup_message_headers_replace (soup_message_get_request_headers (msg),
        "x-goog-api-key", key);

  GST_INFO ("connecting to %s", session->safe_uri);
  soup_session_websocket_connect_async (session->soup, msg, NULL, NULL,
      G_PRIORITY_DEFAULT, session->cancellable, on_connected, session);
  g_object_unref (msg);
  return G_SOURCE_REMOVE;
}

static gpointer
session_thread (gpointer user_data)
{
  GstGeminiLiveSession *session = user_data;

  g_main_context_push_thread_default (session->context);
  session->soup = soup_session_new_with_options ("user-agent",
      "gst-gemini-live/" VERSION, NULL);
  begin_connect (session);

  g_main_loop_run (session->loop);

  if (session->conn != NULL) {
    g_signal_handlers_disconnect_by_data (session->conn, session);
    g_clear_object (&session->conn);
  }
  soup_session_abort (session->soup);
  g_clear_object (&session->soup);
  while (g_main_context_iteration (session->context, FALSE));
  g_main_context_pop_thread_default (session->context);
  g_clear_error (&session->conn_error);
  return NULL;
}

/* ---- any thread -------------------------------------------------------- */

gboolean
gst_gemini_live_session_start (GstGeminiLiveSession * session,
    const GstGeminiLiveConfig * config, GError ** error)
{
  g_return_val_if_fail (session->thread == NULL, FALSE);

  gst_gemini_live_config_clear (&session->config);
  gst_gemini_live_config_copy (&session->config, config);
  g_free (session->safe_uri);
  session->safe_uri = gst_gemini_live_session_safe_uri (config->uri);
  session->closing = FALSE;
  session->ready = FALSE;
  session->dropped = 0;

  session->context = g_main_context_new ();
  session->loop = g_main_loop_new (session->context, FALSE);
  session->cancellable = g_cancellable_new ();
  session->thread = g_thread_try_new ("geminilive-session", session_thread,
      session, error);
  if (session->thread == NULL) {
    g_clear_pointer (&session->loop, g_main_loop_unref);
    g_clear_pointer (&session->context, g_main_context_unref);
    g_clear_object (&session->cancellable);
    return FALSE;
  }
  return TRUE;
}

static gboolean
close_in_thread (gpointer user_data)
{
  GstGeminiLiveSession *session = user_data;

  session->closing = TRUE;
  if (session->conn != NULL && soup_websocket_connection_get_state
      (session->conn) == SOUP_WEBSOCKET_STATE_OPEN) {
    GSource *timeout;

    soup_websocket_connection_close (session->conn,
        SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
    /* on_closed quits the loop; this only bounds a silent peer. */
    timeout = g_timeout_source_new (CLOSE_GRACE_MS);
    g_source_set_callback (timeout, quit_loop, session, NULL);
    g_source_attach (timeout, session->context);
    g_source_unref (timeout);
  } else {
    g_main_loop_quit (session->loop);
  }
  return G_SOURCE_REMOVE;
}

void
gst_gemini_live_session_stop (GstGeminiLiveSession * session)
{
  if (session->thread == NULL)
    return;

  g_cancellable_cancel (session->cancellable);
  g_main_context_invoke (session->context, close_in_thread, session);
  g_thread_join (session->thread);
  session->thread = NULL;

  g_clear_pointer (&session->loop, g_main_loop_unref);
  g_clear_pointer (&session->context, g_main_context_unref);
  g_clear_object (&session->cancellable);

  g_mutex_lock (&session->lock);
  g_queue_clear_full (&session->outgoing, g_free);
  session->outgoing_bytes = 0;
  session->flush_scheduled = FALSE;
  session->ready = FALSE;
  g_mutex_unlock (&session->lock);
}

void
gst_gemini_live_session_send (GstGeminiLiveSession * session, gchar * json)
{
  gboolean dropped_first = FALSE;
  gsize len = strlen (json);

  g_mutex_lock (&session->lock);
  if (session->context == NULL) {
    g_mutex_unlock (&session->lock);
    g_free (json);
    return;
  }
  g_queue_push_tail (&session->outgoing, json);
  session->outgoing_bytes += len;
  /* Bounded while waiting for the server: oldest input goes first. */
  while (!session->ready && session->outgoing_bytes > MAX_PENDING_BYTES) {
    gchar *old = g_queue_pop_head (&session->outgoing);
    session->outgoing_bytes -= strlen (old);
    g_free (old);
    dropped_first = session->dropped++ == 0;
  }
  if (session->ready && !session->flush_scheduled) {
    /* Always a source, never g_main_context_invoke: from the session
     * thread itself (a tool-call handler) that would run the flush here,
     * under our lock. */
    GSource *idle = g_idle_source_new ();
    session->flush_scheduled = TRUE;
    g_source_set_callback (idle, flush_outgoing, session, NULL);
    g_source_attach (idle, session->context);
    g_source_unref (idle);
  }
  g_mutex_unlock (&session->lock);

  if (dropped_first)
    session->callbacks.warning (session,
        "Input is arriving faster than the server accepts it",
        "More than 4 MiB of input queued before setupComplete; "
        "dropping the oldest", session->user_data);
}
