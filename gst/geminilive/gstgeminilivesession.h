/* gst-gemini-live
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One Live API connection: a SoupSession and its SoupWebsocketConnection,
 * owned by a shared network thread running its own GMainContext. libsoup 3
 * is not thread-safe: other threads never call it. They enqueue messages,
 * or, for input while that thread sleeps in poll(), write the frame to the
 * socket themselves (see gstgeminilivenetwork.h).
 */
#pragma once

#include <gio/gio.h>
#include <gst/gst.h>
#include "gstgeminiliveconfig.h"
#include "gstgeminiliveprotocol.h"

G_BEGIN_DECLS

typedef struct _GstGeminiLiveSession GstGeminiLiveSession;

/* How the connection is kept alive and brought back. */
typedef struct
{
  gboolean reconnect;         /* reconnect on goAway and retryable closes */
  guint reconnect_timeout_ms; /* give up when an outage lasts this long */
  guint keepalive_interval_s; /* WebSocket ping period, 0: no pings */
  guint keepalive_timeout_s;  /* silence that means dead, 0: never */
  guint max_connection_s;     /* recycle the connection after this, 0: never */
  guint64 max_message_size;   /* largest server frame accepted */
  const gchar *proxy;         /* HTTP proxy URI; NULL: $https_proxy or
                               * $http_proxy (and $no_proxy); copied */
  GTlsDatabase *tls_database; /* certificates to trust; NULL: the system's
                               * (a reference is taken) */
} GstGeminiLiveConnectionSettings;

void gst_gemini_live_connection_settings_init (
    GstGeminiLiveConnectionSettings *settings);

/* Every callback runs in the session thread. */
typedef struct
{
  /* A parsed server event; SETUP_COMPLETE is delivered after queued input
   * has been released. */
  void (*event) (GstGeminiLiveSession *session, const GstGeminiLiveEvent *event,
      gpointer user_data);
  /* The connection could not be opened or the server closed it. code is
   * the WebSocket close code (1006 when it went away without a close
   * frame; 0 when it never opened). */
  void (*closed) (GstGeminiLiveSession *session, gushort code,
      const gchar *reason, const GError *error, gpointer user_data);
  /* The connection was lost (or must be replaced) and a new one is being
   * opened after delay_ms; code/reason say why (code 0: planned switch). */
  void (*reconnecting) (GstGeminiLiveSession *session, guint attempt,
      gushort code, const gchar *reason, guint delay_ms, gpointer user_data);
  /* The new connection is ready; resumed is FALSE when the server's state
   * could not be resumed and a fresh session was started. */
  void (*reconnected) (GstGeminiLiveSession *session, gboolean resumed,
      GstClockTimeDiff downtime, gpointer user_data);
  /* Every server frame as it came, before parsing (may be NULL). */
  void (*raw_message) (GstGeminiLiveSession *session, const gchar *data,
      gsize size, gpointer user_data);
  /* Something went wrong that does not end the session. */
  void (*warning) (GstGeminiLiveSession *session, const gchar *message,
      const gchar *debug, gpointer user_data);
} GstGeminiLiveSessionCallbacks;

GstGeminiLiveSession *gst_gemini_live_session_new (
    const GstGeminiLiveSessionCallbacks *callbacks, gpointer user_data);
void gst_gemini_live_session_free (GstGeminiLiveSession *session);

/* Starts the thread and connects; the setup message is built from config
 * and sent first. Returns FALSE if the thread cannot be started. */
gboolean gst_gemini_live_session_start (GstGeminiLiveSession *session,
    const GstGeminiLiveConfig *config,
    const GstGeminiLiveConnectionSettings *settings, GError **error);

/* Closes with 1000, stops and joins the thread. Never blocks for long: a
 * peer that does not answer the close is abandoned after a short grace. */
void gst_gemini_live_session_stop (GstGeminiLiveSession *session);

typedef enum
{
  /* Conversation input: kept until a resumption handle covers it, and
   * resent after a reconnect. */
  GST_GEMINI_LIVE_SEND_INPUT,
  /* Bound to this connection (tool responses): never resent. */
  GST_GEMINI_LIVE_SEND_ONCE,
} GstGeminiLiveSendKind;

/* Queues a client message (takes ownership). Thread-safe. Messages queued
 * before setupComplete (or while reconnecting) are held, up to a bound,
 * and sent in order once the server is ready. */
void gst_gemini_live_session_send (
    GstGeminiLiveSession *session, gchar *json, GstGeminiLiveSendKind kind);

/* While held, conversation input (GST_GEMINI_LIVE_SEND_INPUT) waits in the
 * queue in order; tool responses still go out. Thread-safe. */
void gst_gemini_live_session_hold_input (
    GstGeminiLiveSession *session, gboolean hold);

/* Redacts a URI for logs and errors: drops the query and user info. */
gchar *gst_gemini_live_session_safe_uri (const gchar *uri);

/* Counters since the session was created (they survive stop and start). */
typedef struct
{
  guint connections;              /* WebSocket connections opened */
  guint64 messages_sent;          /* client messages, setup and resends incl. */
  guint64 messages_sent_directly; /* written by the sending thread itself */
  guint64 messages_resent;        /* replayed after a resumption */
  guint64 bytes_sent;             /* WebSocket frames, pings incl. */
  guint64 messages_received;      /* server messages */
  guint64 bytes_received;         /* their payloads */
  guint64 socket_full;            /* times frames waited for room */
} GstGeminiLiveSessionStats;

void gst_gemini_live_session_get_stats (
    GstGeminiLiveSession *session, GstGeminiLiveSessionStats *stats);

G_END_DECLS
