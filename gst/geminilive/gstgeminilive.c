/* gst-gemini-live
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-geminilive
 * @title: geminilive
 *
 * `geminilive` holds a spoken conversation with Google's Gemini Live API
 * (the BidiGenerateContent WebSocket protocol). Audio on `sink_audio` is
 * converted to 16 kHz mono S16LE (audio already in that format goes
 * through untouched) and streamed to the model; the model's spoken
 * answers leave `src` as a live 24 kHz mono S16LE stream, stamped in
 * pipeline running time, with a GAP event every 500 ms while the model is
 * silent (every 100 ms on the text pads). An optional `sink_video`
 * request pad sends camera frames (rate-limited, decoded, scaled and
 * JPEG-encoded inside).
 *
 * The API key comes from #GstGeminiLive:api-key or the `GEMINI_API_KEY`
 * (or `GOOGLE_API_KEY`) environment variable; it is sent as the
 * `x-goog-api-key` header and never logged.
 *
 * Every server event is posted on the bus as an element message named
 * `geminilive/<kind>` (setup-complete, input-transcription,
 * output-transcription, text, tool-call, tool-call-cancellation,
 * interrupted, generation-complete, turn-complete, usage, go-away,
 * session-resumption-update, ...) with the `running-time` it arrived at
 * and the event's named fields, so `gst-launch-1.0 -m` shows the whole
 * conversation. docs/transcripts-and-captions.md lists every kind and
 * field.
 *
 * Function calls surface as the #GstGeminiLive::tool-call signal and are
 * answered by its return value or later with the
 * #GstGeminiLive::send-tool-response action signal.
 *
 * When the model is interrupted (barge-in), the audio queued inside the
 * element is dropped at once and the next buffer carries DISCONT; nothing
 * is flushed downstream, so the pipeline clock is never reset.
 *
 * Request pads carry text: `src_text` the model's text (or the transcript
 * of its speech, with output-transcription=true) stamped where that audio
 * plays, `src_input_text` the user's transcript, and `sink_text` takes
 * text the user types (sent as realtime text).
 *
 * The conversation survives the service's connection limit and network
 * faults (#GstGeminiLive:reconnect): on `goAway` the element moves to a
 * new connection before the deadline and resumes the session; after a
 * drop or a retryable close it reconnects with backoff. Input sent since
 * the newest resumption handle is sent again, input captured meanwhile is
 * queued, and every step is a `geminilive/reconnecting` and
 * `geminilive/reconnected` message. Close codes that retrying cannot fix
 * (1007, an unknown model or key) are errors at once.
 *
 * With automatic-activity-detection=false the element sends
 * `activityStart`/`activityEnd` itself, driven by the application's
 * signals, the input's energy or upstream voice activity, and never sends
 * audio outside an activity. While a BLOCKING tool call is unanswered,
 * realtime input waits; a call unanswered after
 * #GstGeminiLive:tool-call-timeout gets an error response.
 *
 * After EOS on `sink_audio` the element sends `audioStreamEnd`, waits for
 * the model to finish its answer and then ends `src` with EOS, so a file
 * in gives a file out.
 *
 * Properties that can change in READY are read together when the element
 * starts (READY to PAUSED) and hold for that session; they are checked at
 * NULL to READY already, so a bad value fails that state change with an
 * error naming the property.
 *
 * The plugin links libsoup 3; it cannot be used in a process that has
 * loaded libsoup 2.
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 autoaudiosrc ! geminilive name=g voice=Puck ! audioconvert ! autoaudiosink
 * ]| A conversation through the default microphone and speakers (use
 * headphones, or see the echo cancellation example).
 * |[
 * gst-launch-1.0 -m filesrc location=question.wav ! wavparse ! clocksync ! \
 *     geminilive output-transcription=true ! wavenc ! filesink location=answer.wav
 * ]| A recorded question answered into a WAV file, with the transcript in
 * the bus messages.
 *
 * Since: 0.1
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/audio/audio.h>

#include "gstgeminilive.h"
#include "gstgeminilivecapabilities.h"
#include "gstgeminiliveconfig.h"
#include "gstgeminiliveelements.h"
#include "gstgeminiliveenums.h"
#include "gstgeminiliveoutput.h"
#include "gstgeminiliveprotocol.h"
#include "gstgeminilivesession.h"
#include "gstgeminilivesetupprops.h"
#include "gstgeminiliveslice.h"
#include "gstgeminilivetools.h"
#include "gstgeminiliveaudioinput.h"
#include "gstgeminilivevideo.h"

GST_DEBUG_CATEGORY_STATIC (gst_gemini_live_debug);
#define GST_CAT_DEFAULT gst_gemini_live_debug

#define DEFAULT_LATENCY_MS 200
#define DEFAULT_CHUNK_MS 40
#define DEFAULT_VIDEO_MAX_SIZE 768
#define DEFAULT_VIDEO_FPS 1.0
#define DEFAULT_SRC_THREAD_SLICE_US 100
#define DEFAULT_EOS_TIMEOUT_MS 5000
#define DEFAULT_CONNECT_TIMEOUT_MS 10000

enum
{
  PROP_0,
  PROP_RESUMPTION_HANDLE,
  PROP_TOOLS_FILE,
  PROP_LATENCY,
  PROP_CHUNK_DURATION,
  PROP_VIDEO_MAX_SIZE,
  PROP_VIDEO_FPS,
  PROP_RECONNECT,
  PROP_RECONNECT_TIMEOUT,
  PROP_KEEPALIVE_INTERVAL,
  PROP_KEEPALIVE_TIMEOUT,
  PROP_MAX_CONNECTION_DURATION,
  PROP_MAX_MESSAGE_SIZE,
  PROP_TOOL_CALL_TIMEOUT,
  PROP_POST_SERVER_MESSAGES,
  PROP_PROXY,
  PROP_MANUAL_ACTIVITY_SOURCE,
  PROP_ACTIVITY_THRESHOLD,
  PROP_ACTIVITY_HANGOVER,
  PROP_ACTIVITY_PREROLL,
  PROP_STATS,
  PROP_SSL_CA_FILE,
  PROP_SRC_THREAD_SLICE,
  PROP_EOS_TIMEOUT,
  PROP_CONNECT_TIMEOUT,
};

enum
{
  SIGNAL_TOOL_CALL,
  SIGNAL_TOOL_CALL_CANCELLATION,
  SIGNAL_SEND_TOOL_RESPONSE,
  SIGNAL_SEND_TEXT,
  SIGNAL_SEND_CLIENT_CONTENT,
  SIGNAL_ACTIVITY_START,
  SIGNAL_ACTIVITY_END,
  SIGNAL_AUDIO_STREAM_END,
  SIGNAL_UPDATE_CONTEXT,
  LAST_SIGNAL
};

static guint signals[LAST_SIGNAL];

static gboolean gst_gemini_live_send_text (
    GstGeminiLive *self, const gchar *text);

/* Every READY-mutable property, read at once when the element starts
 * (READY -> PAUSED): what the running session was started with. */
typedef struct
{
  GstGeminiLiveConfig config; /* tools-file read, API key resolved */
  GstGeminiLiveAudioInputSettings audio;
  GstGeminiLiveConnectionSettings connection; /* owns proxy and the
                                               * TLS database */
  guint tool_call_timeout_ms;
  guint video_max_size;
  gdouble video_fps;
  guint src_thread_slice_us;
} Snapshot;

struct _GstGeminiLive
{
  GstBin parent;

  GstPad *srcpad;
  GstPad *audio_sinkpad;
  GstGeminiLiveVideo *video;
  GstPad *text_pads[2]; /* GstGeminiLiveTextKind -> request pad */
  GstPad *text_sinkpad;
  GstGeminiLiveOutput *output;

  /* Settings; protected by the object lock. */
  GstGeminiLiveConfig settings;
  gchar *current_handle; /* newest resumable handle from the server */
  gchar *tools_file;
  GstGeminiLiveConnectionSettings connection;
  gchar *proxy;
  gchar *ssl_ca_file;
  GstGeminiLiveTools *tools;
  guint tool_call_timeout_ms;
  gboolean post_server_messages;
  guint chunk_ms;
  guint video_max_size;
  gdouble video_fps;
  guint src_thread_slice_us;

  Snapshot active;  /* written at start, object lock */
  gboolean started; /* READY -> PAUSED done; object lock */
  GstGeminiLiveSession *session;

  GstGeminiLiveAudioInput *audio_input;
  GstGeminiLiveAudioInputSettings audio_settings; /* object lock */
  gint input_live; /* atomic: sink_audio's upstream is live */
  /* atomic: realtime input or a complete client turn went out, which
   * ends a model's initial history */
  gint history_over;
  gint dropped_will_continue; /* atomic: warned once this session */
};

static GstStaticPadTemplate sink_audio_template
    = GST_STATIC_PAD_TEMPLATE ("sink_audio", GST_PAD_SINK, GST_PAD_ALWAYS,
        GST_STATIC_CAPS ("audio/x-raw"));

static GstStaticPadTemplate sink_video_template
    = GST_STATIC_PAD_TEMPLATE ("sink_video", GST_PAD_SINK, GST_PAD_REQUEST,
        GST_STATIC_CAPS ("video/x-raw; image/jpeg"));

static GstStaticPadTemplate sink_text_template
    = GST_STATIC_PAD_TEMPLATE ("sink_text", GST_PAD_SINK, GST_PAD_REQUEST,
        GST_STATIC_CAPS ("text/x-raw, format=(string){ utf8, pango-markup }"));

static GstStaticPadTemplate src_text_template
    = GST_STATIC_PAD_TEMPLATE ("src_text", GST_PAD_SRC, GST_PAD_REQUEST,
        GST_STATIC_CAPS ("text/x-raw, format=utf8"));

static GstStaticPadTemplate src_input_text_template
    = GST_STATIC_PAD_TEMPLATE ("src_input_text", GST_PAD_SRC, GST_PAD_REQUEST,
        GST_STATIC_CAPS ("text/x-raw, format=utf8"));

static GstStaticPadTemplate src_template
    = GST_STATIC_PAD_TEMPLATE ("src", GST_PAD_SRC, GST_PAD_ALWAYS,
        GST_STATIC_CAPS ("audio/x-raw, format=S16LE, layout=interleaved, "
                         "rate=24000, channels=1"));

#define gst_gemini_live_parent_class parent_class
G_DEFINE_TYPE (GstGeminiLive, gst_gemini_live, GST_TYPE_BIN);

static void
element_init (void)
{
  GST_DEBUG_CATEGORY_INIT (
      gst_gemini_live_debug, "geminilive", 0, "Gemini Live API element");
  gst_gemini_live_enums_mark_as_plugin_api ();
}

GST_ELEMENT_REGISTER_DEFINE_WITH_CODE (geminilive, "geminilive", GST_RANK_NONE,
    GST_TYPE_GEMINI_LIVE, element_init ());

/* ---- bus messages ------------------------------------------------------ */

static void
post_event_message (
    GstGeminiLive *self, const gchar *kind, const gchar *first_field, ...)
{
  GstStructure *s;
  gchar *name = g_strdup_printf ("geminilive/%s", kind);
  GstClockTime rt = gst_element_get_current_running_time (GST_ELEMENT (self));
  va_list args;

  s = gst_structure_new (name, "running-time", G_TYPE_UINT64, rt, NULL);
  if (first_field != NULL) {
    va_start (args, first_field);
    gst_structure_set_valist (s, first_field, args);
    va_end (args);
  }
  g_free (name);
  gst_element_post_message (
      GST_ELEMENT (self), gst_message_new_element (GST_OBJECT (self), s));
}

/* A GVariant field as the GValue a bus message carries: strings (NULL
 * for a "ms" Nothing), booleans, gint64, guint64 and string lists. */
static gboolean
field_to_value (GVariant *field, GValue *value)
{
  const GVariantType *type = g_variant_get_type (field);

  if (g_variant_type_equal (type, G_VARIANT_TYPE ("ms"))) {
    GVariant *inner = g_variant_get_maybe (field);

    g_value_init (value, G_TYPE_STRING);
    if (inner != NULL) {
      g_value_set_string (value, g_variant_get_string (inner, NULL));
      g_variant_unref (inner);
    }
  } else if (g_variant_type_equal (type, G_VARIANT_TYPE_STRING)) {
    g_value_init (value, G_TYPE_STRING);
    g_value_set_string (value, g_variant_get_string (field, NULL));
  } else if (g_variant_type_equal (type, G_VARIANT_TYPE_BOOLEAN)) {
    g_value_init (value, G_TYPE_BOOLEAN);
    g_value_set_boolean (value, g_variant_get_boolean (field));
  } else if (g_variant_type_equal (type, G_VARIANT_TYPE_INT64)) {
    g_value_init (value, G_TYPE_INT64);
    g_value_set_int64 (value, g_variant_get_int64 (field));
  } else if (g_variant_type_equal (type, G_VARIANT_TYPE_UINT64)) {
    g_value_init (value, G_TYPE_UINT64);
    g_value_set_uint64 (value, g_variant_get_uint64 (field));
  } else if (g_variant_type_equal (type, G_VARIANT_TYPE_STRING_ARRAY)) {
    g_value_init (value, G_TYPE_STRV);
    g_value_take_boxed (value, g_variant_dup_strv (field, NULL));
  } else {
    return FALSE;
  }
  return TRUE;
}

/* geminilive/<kind> with the event's named fields, in their order. */
static void
post_event (GstGeminiLive *self, const GstGeminiLiveEvent *event)
{
  gchar *name = g_strdup_printf (
      "geminilive/%s", gst_gemini_live_event_type_nick (event->type));
  GstClockTime rt = gst_element_get_current_running_time (GST_ELEMENT (self));
  GstStructure *s
      = gst_structure_new (name, "running-time", G_TYPE_UINT64, rt, NULL);
  GVariantIter iter;
  const gchar *field_name;
  GVariant *field;

  g_variant_iter_init (&iter, event->fields);
  while (g_variant_iter_next (&iter, "{&sv}", &field_name, &field)) {
    GValue value = G_VALUE_INIT;

    if (field_to_value (field, &value))
      gst_structure_take_value (s, field_name, &value);
    else
      GST_WARNING_OBJECT (self, "field %s of type %s not posted", field_name,
          g_variant_get_type_string (field));
    g_variant_unref (field);
  }
  g_free (name);
  gst_element_post_message (
      GST_ELEMENT (self), gst_message_new_element (GST_OBJECT (self), s));
}

/* ---- session callbacks (session thread) -------------------------------- */

static void
answer_tool_call (GstGeminiLive *self, const GstGeminiLiveEvent *event)
{
  const gchar *id = gst_gemini_live_event_get_string (event, "id");
  const gchar *name = gst_gemini_live_event_get_string (event, "name");
  const gchar *args = gst_gemini_live_event_get_string (event, "args");
  gchar *response = NULL;
  gchar *json;
  GError *error = NULL;

  gst_gemini_live_tools_call_started (self->tools, id, name);
  gst_gemini_live_output_answer_progress (self->output);
  /* Signal first, so the bus message means the handler has run. */
  g_signal_emit (self, signals[SIGNAL_TOOL_CALL], 0, id, name, args, &response);
  post_event (self, event);
  if (response == NULL)
    return;

  json = gst_gemini_live_protocol_build_tool_response (
      id, name, response, &error);
  if (json != NULL && id != NULL
      && !gst_gemini_live_tools_is_pending (self->tools, id)) {
    /* Timed out or cancelled while the handler ran. */
    g_clear_pointer (&json, g_free);
  } else if (json != NULL) {
    gst_gemini_live_session_send (
        self->session, json, GST_GEMINI_LIVE_SEND_ONCE);
    if (id != NULL)
      gst_gemini_live_tools_call_finished (self->tools, id);
  } else {
    GST_ELEMENT_WARNING (self, LIBRARY, SETTINGS,
        ("The tool-call handler for '%s' returned an invalid response", name),
        ("%s", error->message));
    g_error_free (error);
  }
  g_free (response);
}

/* What the element does with an event besides posting it: only the kinds
 * that carry behaviour are handled by hand. */
static void
on_session_event (GstGeminiLiveSession *session,
    const GstGeminiLiveEvent *event, gpointer user_data)
{
  GstGeminiLive *self = user_data;

  switch (event->type) {
    case GST_GEMINI_LIVE_EVENT_AUDIO:
      gst_gemini_live_output_push_audio (self->output, event->audio);
      return;
    case GST_GEMINI_LIVE_EVENT_TOOL_CALL:
      answer_tool_call (self, event);
      return;
    case GST_GEMINI_LIVE_EVENT_WARNING:
      GST_ELEMENT_WARNING (self, STREAM, DECODE,
          ("Unexpected content from the server"),
          ("%s", gst_gemini_live_event_get_string (event, "text")));
      return;
    case GST_GEMINI_LIVE_EVENT_TEXT:
      gst_gemini_live_output_push_text (self->output,
          GST_GEMINI_LIVE_TEXT_MODEL,
          gst_gemini_live_event_get_string (event, "text"));
      break;
    case GST_GEMINI_LIVE_EVENT_INPUT_TRANSCRIPTION:
    case GST_GEMINI_LIVE_EVENT_OUTPUT_TRANSCRIPTION:
      gst_gemini_live_output_push_text (self->output,
          event->type == GST_GEMINI_LIVE_EVENT_INPUT_TRANSCRIPTION
              ? GST_GEMINI_LIVE_TEXT_USER
              : GST_GEMINI_LIVE_TEXT_MODEL,
          gst_gemini_live_event_get_string (event, "text"));
      break;
    case GST_GEMINI_LIVE_EVENT_TOOL_CALL_CANCELLATION: {
      GStrv ids = gst_gemini_live_event_dup_strv (event, "ids");
      guint i;

      for (i = 0; ids != NULL && ids[i] != NULL; i++)
        gst_gemini_live_tools_call_finished (self->tools, ids[i]);
      g_signal_emit (self, signals[SIGNAL_TOOL_CALL_CANCELLATION], 0, ids);
      g_strfreev (ids);
      break;
    }
    case GST_GEMINI_LIVE_EVENT_INTERRUPTED:
      gst_gemini_live_output_interrupt (self->output);
      break;
    case GST_GEMINI_LIVE_EVENT_GENERATION_COMPLETE:
      /* The server may hold turnComplete back for seconds: the answer's
       * audio is complete now. */
    case GST_GEMINI_LIVE_EVENT_TURN_COMPLETE:
      gst_gemini_live_output_end_turn (self->output);
      break;
    case GST_GEMINI_LIVE_EVENT_SESSION_RESUMPTION_UPDATE: {
      const gchar *handle = gst_gemini_live_event_get_string (event, "handle");

      /* Only a resumable handle is worth keeping; stored before the
       * message so that a reader woken by it sees the handle. */
      if (gst_gemini_live_event_get_boolean (event, "resumable")
          && handle != NULL) {
        GST_OBJECT_LOCK (self);
        g_free (self->current_handle);
        self->current_handle = g_strdup (handle);
        GST_OBJECT_UNLOCK (self);
        g_object_notify (G_OBJECT (self), "resumption-handle");
      }
      break;
    }
    case GST_GEMINI_LIVE_EVENT_THOUGHT:
      /* Never played or put on src_text: only posted, on request. */
    case GST_GEMINI_LIVE_EVENT_EXECUTABLE_CODE:
    case GST_GEMINI_LIVE_EVENT_CODE_EXECUTION_RESULT:
      gst_gemini_live_output_answer_progress (self->output);
      break;
    case GST_GEMINI_LIVE_EVENT_WAITING_FOR_INPUT:
      /* The model waits for the user to go on: it owes nothing now. */
      gst_gemini_live_output_answer_done (self->output, FALSE);
      break;
    case GST_GEMINI_LIVE_EVENT_SERVER_ERROR: {
      const gchar *json = gst_gemini_live_event_get_string (event, "json");

      GST_ELEMENT_WARNING (self, STREAM, FAILED,
          ("The server reported an error"),
          ("%s",
              json != NULL
                  ? json
                  : gst_gemini_live_event_get_string (event, "message")));
      break;
    }
    default:
      break;
  }
  post_event (self, event);
}

static void
on_session_failed (GstGeminiLiveSession *session,
    const GstGeminiLiveFailure *failure, gpointer user_data)
{
  GstGeminiLive *self = user_data;
  gchar *endpoint
      = gst_gemini_live_protocol_endpoint (&self->active.config, NULL, NULL);
  gchar *uri = gst_gemini_live_session_safe_uri (endpoint);
  gchar *what;

  switch (failure->kind) {
    case GST_GEMINI_LIVE_FAILURE_CONNECT:
      what = g_strdup_printf ("could not connect: %s", failure->text);
      break;
    case GST_GEMINI_LIVE_FAILURE_CLOSED:
      what = g_strdup_printf ("the server closed the connection with code %u: "
                              "%s",
          failure->code, *failure->text ? failure->text : "(no reason given)");
      break;
    default:
      what = g_strdup_printf ("the connection was lost: %s", failure->text);
      break;
  }

  if (failure->exhausted) {
    GST_ELEMENT_ERROR_WITH_DETAILS (self, RESOURCE, READ,
        ("Lost the Gemini Live API at %s and could not reconnect within "
         "reconnect-timeout (%u ms); last, %s",
            uri, self->connection.reconnect_timeout_ms, what),
        ("%s", what),
        ("uri", G_TYPE_STRING, uri, "close-code", G_TYPE_UINT,
            (guint)failure->code, "close-reason", G_TYPE_STRING, failure->text,
            NULL));
  } else if (failure->kind == GST_GEMINI_LIVE_FAILURE_CONNECT
      && (failure->http_status == 401 || failure->http_status == 403)) {
    GST_ELEMENT_ERROR_WITH_DETAILS (self, RESOURCE, NOT_AUTHORIZED,
        ("The Gemini Live API at %s refused the credentials: %s", uri,
            failure->text),
        ("%s", failure->text),
        ("uri", G_TYPE_STRING, uri, "http-status", G_TYPE_UINT,
            failure->http_status, NULL));
  } else if (failure->kind == GST_GEMINI_LIVE_FAILURE_CONNECT) {
    GST_ELEMENT_ERROR_WITH_DETAILS (self, RESOURCE, OPEN_READ_WRITE,
        ("Could not connect to the Gemini Live API at %s: %s", uri,
            failure->text),
        ("%s", failure->text),
        ("uri", G_TYPE_STRING, uri, "http-status", G_TYPE_UINT,
            failure->http_status, NULL));
  } else if (failure->kind == GST_GEMINI_LIVE_FAILURE_CLOSED
      && g_strstr_len (failure->text, -1, "API key") != NULL) {
    GST_ELEMENT_ERROR_WITH_DETAILS (self, RESOURCE, NOT_AUTHORIZED,
        ("The Gemini Live server refused the credentials (close code %u): %s",
            failure->code, failure->text),
        ("uri: %s", uri),
        ("close-code", G_TYPE_UINT, (guint)failure->code, "close-reason",
            G_TYPE_STRING, failure->text, NULL));
  } else if (failure->kind == GST_GEMINI_LIVE_FAILURE_CLOSED) {
    GST_ELEMENT_ERROR_WITH_DETAILS (self, RESOURCE, READ,
        ("The Gemini Live server closed the connection with code %u: %s",
            failure->code,
            *failure->text ? failure->text : "(no reason given)"),
        ("uri: %s", uri),
        ("close-code", G_TYPE_UINT, (guint)failure->code, "close-reason",
            G_TYPE_STRING, failure->text, NULL));
  } else {
    GST_ELEMENT_ERROR_WITH_DETAILS (self, RESOURCE, READ,
        ("Lost the connection to the Gemini Live API at %s: %s", uri,
            failure->text),
        ("uri: %s", uri),
        ("close-code", G_TYPE_UINT, (guint)failure->code, "close-reason",
            G_TYPE_STRING, failure->text, NULL));
  }
  g_free (what);
  g_free (uri);
  g_free (endpoint);
}

static void
on_session_warning (GstGeminiLiveSession *session, const gchar *message,
    const gchar *debug, gpointer user_data)
{
  GstGeminiLive *self = user_data;

  GST_ELEMENT_WARNING (self, STREAM, FAILED, ("%s", message), ("%s", debug));
}

/* Calls the server can no longer answer for are withdrawn, so that no
 * one waits on them and no late response reaches the new connection. */
static void
cancel_pending_calls (GstGeminiLive *self)
{
  GStrv ids = gst_gemini_live_tools_take_all (self->tools);

  if (ids[0] != NULL) {
    GST_INFO_OBJECT (
        self, "cancelling %u pending tool calls", g_strv_length (ids));
    g_signal_emit (self, signals[SIGNAL_TOOL_CALL_CANCELLATION], 0, ids);
    post_event_message (self, "tool-call-cancellation", "ids", G_TYPE_STRV, ids,
        "reason", G_TYPE_STRING, "reconnect", NULL);
  }
  g_strfreev (ids);
}

static void
on_session_reconnecting (GstGeminiLiveSession *session, guint attempt,
    gboolean planned, const GstGeminiLiveFailure *failure, guint delay_ms,
    gpointer user_data)
{
  GstGeminiLive *self = user_data;

  /* A lost connection abandons the model's answer in progress; a planned
   * switch keeps the old connection until the new one is ready. */
  if (!planned) {
    gst_gemini_live_output_interrupt (self->output);
    gst_gemini_live_output_set_reconnecting (self->output, TRUE);
    /* Once per outage, so that a plain gst-launch-1.0 shows it. */
    if (attempt == 1)
      GST_ELEMENT_WARNING (self, RESOURCE, READ,
          ("The conversation was interrupted: reconnecting"),
          ("%s (close code %u)", failure->text, (guint)failure->code));
  }
  cancel_pending_calls (self);
  post_event_message (self, "reconnecting", "attempt", G_TYPE_UINT, attempt,
      "planned", G_TYPE_BOOLEAN, planned, "close-code", G_TYPE_UINT,
      (guint)failure->code, "reason", G_TYPE_STRING, failure->text, "delay",
      G_TYPE_UINT64, (guint64)delay_ms * GST_MSECOND, NULL);
}

static void
on_session_reconnected (GstGeminiLiveSession *session, gboolean resumed,
    GstClockTimeDiff downtime, gpointer user_data)
{
  GstGeminiLive *self = user_data;

  gst_gemini_live_output_set_reconnecting (self->output, FALSE);
  if (!resumed)
    GST_ELEMENT_WARNING (self, RESOURCE, READ,
        ("Reconnected with a fresh session: the conversation so far is lost "
         "to the model"),
        ("no usable resumption handle"));
  else
    GST_ELEMENT_INFO (self, RESOURCE, READ,
        ("Reconnected after %.1f s: the conversation goes on",
            (gdouble)downtime / GST_SECOND),
        (NULL));
  post_event_message (self, "reconnected", "resumed", G_TYPE_BOOLEAN, resumed,
      "downtime", G_TYPE_UINT64, (guint64)downtime, NULL);
}

static void
on_session_raw_message (GstGeminiLiveSession *session, const gchar *data,
    gsize size, gpointer user_data)
{
  GstGeminiLive *self = user_data;
  gchar *text;

  if (!g_atomic_int_get (&self->post_server_messages))
    return;
  text = g_strndup (data, size);
  post_event_message (
      self, "server-message", "json", G_TYPE_STRING, text, NULL);
  g_free (text);
}

static const GstGeminiLiveSessionCallbacks session_callbacks = {
  on_session_event,
  on_session_failed,
  on_session_reconnecting,
  on_session_reconnected,
  on_session_raw_message,
  on_session_warning,
};

static void
on_tools_hold_input (gboolean hold, gpointer user_data)
{
  GstGeminiLive *self = user_data;

  gst_gemini_live_session_hold_input (self->session, hold);
  gst_gemini_live_output_set_tool_pending (self->output, hold);
}

/* An unanswered call must not wedge the conversation: the model gets an
 * error response, the application a cancellation. */
static void
on_tool_call_timed_out (const gchar *id, const gchar *name, gpointer user_data)
{
  GstGeminiLive *self = user_data;
  gchar *ids[] = { (gchar *)id, NULL };
  gchar *json;

  json = gst_gemini_live_protocol_build_tool_response (
      id, name, "{\"error\": \"The function did not answer in time.\"}", NULL);
  if (json != NULL)
    gst_gemini_live_session_send (
        self->session, json, GST_GEMINI_LIVE_SEND_ONCE);
  GST_ELEMENT_WARNING (self, LIBRARY, FAILED,
      ("Tool call '%s' (%s) was not answered in time", name, id),
      ("an error response was sent to the model"));
  g_signal_emit (self, signals[SIGNAL_TOOL_CALL_CANCELLATION], 0, ids);
  post_event_message (self, "tool-call-cancellation", "ids", G_TYPE_STRV, ids,
      "reason", G_TYPE_STRING, "timeout", NULL);
}

static const GstGeminiLiveToolsCallbacks tools_callbacks = {
  on_tools_hold_input,
  on_tool_call_timed_out,
};

/* ---- input (streaming threads) ----------------------------------------- */

/* Audio from a live source (a microphone) never waits: past the queue's
 * bound the oldest goes. Audio from a file waits for room instead. */
static void
send_audio_input (gchar *json, gpointer user_data)
{
  GstGeminiLive *self = user_data;

  g_atomic_int_set (&self->history_over, 1);
  if (g_atomic_int_get (&self->input_live))
    gst_gemini_live_session_send (
        self->session, json, GST_GEMINI_LIVE_SEND_INPUT);
  else
    gst_gemini_live_session_send_input_waiting (self->session, json);
}

static void
on_speech_sent (gpointer user_data)
{
  GstGeminiLive *self = user_data;

  gst_gemini_live_output_input_heard (self->output);
}

static const GstGeminiLiveAudioInputCallbacks audio_input_callbacks = {
  send_audio_input,
  on_speech_sent,
};

/* Upstream voice activity (webrtcdsp voice-detection=true) rides on the
 * buffers as GstAudioLevelMeta. */
static void
read_voice_activity (GstGeminiLive *self, GstBuffer *buffer)
{
  GstAudioLevelMeta *meta = gst_buffer_get_audio_level_meta (buffer);

  if (meta != NULL)
    gst_gemini_live_audio_input_voice_activity (
        self->audio_input, meta->voice_activity);
}

/* sink_audio is a plain pad: the audio input converts (or not) and sends. */
static GstFlowReturn
audio_sink_chain (GstPad *pad, GstObject *parent, GstBuffer *buffer)
{
  GstGeminiLive *self = GST_GEMINI_LIVE (parent);

  read_voice_activity (self, buffer);
  gst_gemini_live_audio_input_push (self->audio_input, buffer);
  return GST_FLOW_OK;
}

static gboolean
audio_sink_event (GstPad *pad, GstObject *parent, GstEvent *event)
{
  GstGeminiLive *self = GST_GEMINI_LIVE (parent);
  gboolean ok = TRUE;

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_CAPS: {
      GstCaps *caps;
      GstQuery *query = gst_query_new_latency ();
      gboolean live = TRUE;

      gst_event_parse_caps (event, &caps);
      ok = gst_gemini_live_audio_input_set_caps (self->audio_input, caps);
      if (!ok)
        GST_ELEMENT_ERROR (self, STREAM, FORMAT,
            ("Cannot convert the audio on sink_audio to 16 kHz mono"),
            ("caps %" GST_PTR_FORMAT, caps));
      if (gst_pad_peer_query (pad, query))
        gst_query_parse_latency (query, &live, NULL, NULL);
      gst_query_unref (query);
      g_atomic_int_set (&self->input_live, live);
      break;
    }
    case GST_EVENT_EOS:
      GST_DEBUG_OBJECT (self, "EOS on sink_audio: ending the audio stream");
      gst_gemini_live_audio_input_eos (self->audio_input);
      gst_gemini_live_output_end_of_input (self->output);
      break;
    case GST_EVENT_FLUSH_STOP:
      gst_gemini_live_audio_input_flush (self->audio_input);
      break;
    default:
      /* Nothing downstream of it inside the element: events end here. */
      break;
  }
  gst_event_unref (event);
  return ok;
}

static gboolean
audio_sink_query (GstPad *pad, GstObject *parent, GstQuery *query)
{
  switch (GST_QUERY_TYPE (query)) {
    case GST_QUERY_CAPS: {
      GstCaps *filter, *caps;

      /* The API's own format first: it goes through untouched. */
      gst_query_parse_caps (query, &filter);
      caps = gst_caps_from_string ("audio/x-raw, format=S16LE, "
                                   "layout=interleaved, rate=16000, "
                                   "channels=1; audio/x-raw");
      if (filter != NULL) {
        GstCaps *tmp
            = gst_caps_intersect_full (filter, caps, GST_CAPS_INTERSECT_FIRST);
        gst_caps_unref (caps);
        caps = tmp;
      }
      gst_query_set_caps_result (query, caps);
      gst_caps_unref (caps);
      return TRUE;
    }
    default:
      return gst_pad_query_default (pad, parent, query);
  }
}

static void
on_video_frame (const guint8 *jpeg, gsize size, gpointer user_data)
{
  GstGeminiLive *self = user_data;

  g_atomic_int_set (&self->history_over, 1);
  gst_gemini_live_session_send (self->session,
      gst_gemini_live_protocol_build_video (jpeg, size, "image/jpeg"),
      GST_GEMINI_LIVE_SEND_INPUT);
}

/* ---- pads -------------------------------------------------------------- */

static gboolean
src_activate_mode (
    GstPad *pad, GstObject *parent, GstPadMode mode, gboolean active)
{
  GstGeminiLive *self = GST_GEMINI_LIVE (parent);

  if (mode != GST_PAD_MODE_PUSH)
    return FALSE;
  return gst_gemini_live_output_activate (self->output, active);
}

/* The src task's thread announces itself (ENTER) and its end (LEAVE)
 * with messages it posts itself, from that thread: the place to ask for a
 * short scheduler slice and give it back. The messages go on to the bus
 * afterwards, so an application's own handler (real-time priority) comes
 * last and wins. */
static gboolean
gst_gemini_live_post_message (GstElement *element, GstMessage *message)
{
  GstGeminiLive *self = GST_GEMINI_LIVE (element);
  GstStreamStatusType type;
  GstElement *owner;
  guint slice_us;

  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_STREAM_STATUS
      && GST_MESSAGE_SRC (message) == GST_OBJECT (self->srcpad)) {
    gst_message_parse_stream_status (message, &type, &owner);
    if (type == GST_STREAM_STATUS_TYPE_ENTER) {
      GST_OBJECT_LOCK (self);
      slice_us = self->active.src_thread_slice_us;
      GST_OBJECT_UNLOCK (self);
      gst_gemini_live_slice_enter (slice_us);
    } else if (type == GST_STREAM_STATUS_TYPE_LEAVE) {
      gst_gemini_live_slice_leave ();
    }
  }
  return GST_ELEMENT_CLASS (parent_class)->post_message (element, message);
}

static gboolean
src_query (GstPad *pad, GstObject *parent, GstQuery *query)
{
  return gst_gemini_live_output_query (GST_GEMINI_LIVE (parent)->output, query);
}

static gboolean
text_activate_mode (
    GstPad *pad, GstObject *parent, GstPadMode mode, gboolean active)
{
  /* The output task pushes on it; nothing to start. */
  return mode == GST_PAD_MODE_PUSH;
}

static GstPad *
request_text_pad (
    GstGeminiLive *self, GstPadTemplate *templ, GstGeminiLiveTextKind kind)
{
  GstPad *pad;

  if (self->text_pads[kind] != NULL) {
    GST_WARNING_OBJECT (
        self, "%s already exists", GST_PAD_TEMPLATE_NAME_TEMPLATE (templ));
    return NULL;
  }
  pad = gst_pad_new_from_template (
      templ, GST_PAD_TEMPLATE_NAME_TEMPLATE (templ));
  gst_pad_set_activatemode_function (
      pad, GST_DEBUG_FUNCPTR (text_activate_mode));
  gst_pad_use_fixed_caps (pad);
  self->text_pads[kind] = pad;
  gst_pad_set_active (pad, TRUE);
  gst_gemini_live_output_set_text_pad (self->output, kind, pad);
  gst_element_add_pad (GST_ELEMENT (self), pad);
  return pad;
}

/* Each text buffer is something the user says: realtimeInput.text. */
static GstFlowReturn
text_sink_chain (GstPad *pad, GstObject *parent, GstBuffer *buf)
{
  GstGeminiLive *self = GST_GEMINI_LIVE (parent);
  GstMapInfo map;

  if (gst_buffer_map (buf, &map, GST_MAP_READ)) {
    gchar *text = g_strndup ((const gchar *)map.data, map.size);

    if (g_utf8_validate (text, -1, NULL) && *g_strstrip (text) != '\0')
      gst_gemini_live_send_text (self, text);
    else if (*text != '\0')
      GST_ELEMENT_WARNING (self, STREAM, DECODE,
          ("Text on sink_text is not UTF-8; dropped"), (NULL));
    g_free (text);
    gst_buffer_unmap (buf, &map);
  }
  gst_buffer_unref (buf);
  return GST_FLOW_OK;
}

static gboolean
text_sink_event (GstPad *pad, GstObject *parent, GstEvent *event)
{
  /* Nothing downstream of it inside the bin: events end here. */
  gst_event_unref (event);
  return TRUE;
}

static GstPad *
gst_gemini_live_request_new_pad (GstElement *element, GstPadTemplate *templ,
    const gchar *name, const GstCaps *caps)
{
  GstGeminiLive *self = GST_GEMINI_LIVE (element);
  GstPad *pad;
  guint max_size;
  gdouble fps;

  if (g_str_equal (GST_PAD_TEMPLATE_NAME_TEMPLATE (templ), "sink_text")) {
    if (self->text_sinkpad != NULL)
      return NULL;
    pad = gst_pad_new_from_template (templ, "sink_text");
    gst_pad_set_chain_function (pad, GST_DEBUG_FUNCPTR (text_sink_chain));
    gst_pad_set_event_function (pad, GST_DEBUG_FUNCPTR (text_sink_event));
    self->text_sinkpad = pad;
    gst_pad_set_active (pad, TRUE);
    gst_element_add_pad (element, pad);
    return pad;
  }
  if (GST_PAD_TEMPLATE_DIRECTION (templ) == GST_PAD_SRC) {
    gboolean user = g_str_equal (
        GST_PAD_TEMPLATE_NAME_TEMPLATE (templ), "src_input_text");
    return request_text_pad (self, templ,
        user ? GST_GEMINI_LIVE_TEXT_USER : GST_GEMINI_LIVE_TEXT_MODEL);
  }

  if (self->video != NULL) {
    GST_WARNING_OBJECT (self, "sink_video already exists");
    return NULL;
  }
  /* A branch made while running follows the running settings. */
  GST_OBJECT_LOCK (self);
  max_size = self->started ? self->active.video_max_size : self->video_max_size;
  fps = self->started ? self->active.video_fps : self->video_fps;
  GST_OBJECT_UNLOCK (self);

  self->video = gst_gemini_live_video_new (
      GST_BIN (self), templ, max_size, fps, on_video_frame, self);
  if (self->video == NULL)
    return NULL;
  pad = gst_gemini_live_video_get_pad (self->video);
  gst_pad_set_active (pad, TRUE);
  gst_element_add_pad (element, pad);
  return pad;
}

static void
gst_gemini_live_release_pad (GstElement *element, GstPad *pad)
{
  GstGeminiLive *self = GST_GEMINI_LIVE (element);
  guint i;

  if (pad == self->text_sinkpad) {
    self->text_sinkpad = NULL;
    gst_pad_set_active (pad, FALSE);
    gst_element_remove_pad (element, pad);
    return;
  }
  for (i = 0; i < G_N_ELEMENTS (self->text_pads); i++) {
    if (pad == self->text_pads[i]) {
      gst_gemini_live_output_set_text_pad (self->output, i, NULL);
      self->text_pads[i] = NULL;
      gst_pad_set_active (pad, FALSE);
      gst_element_remove_pad (element, pad);
      return;
    }
  }
  if (self->video == NULL || pad != gst_gemini_live_video_get_pad (self->video))
    return;
  gst_element_remove_pad (element, pad);
  gst_gemini_live_video_free (self->video);
  self->video = NULL;
}

/* ---- action signals (any thread) --------------------------------------- */

static gboolean
refuse_action (GstGeminiLive *self, const gchar *action, const gchar *why)
{
  GST_ELEMENT_WARNING (self, LIBRARY, SETTINGS, ("%s refused: %s", action, why),
      ("model '%s'", self->active.config.model));
  return FALSE;
}

/* Validates, sends and settles a tool response; will_continue keeps the
 * call pending for more responses. */
static gboolean
send_tool_response (GstGeminiLive *self, const gchar *id, const gchar *name,
    const gchar *response_json, gint scheduling, gboolean will_continue,
    gboolean is_error)
{
  GError *error = NULL;
  gchar *json;

  if (name == NULL || (!is_error && response_json == NULL)) {
    GST_WARNING_OBJECT (self, "a tool response needs a name and a response");
    return FALSE;
  }
  /* For NON_BLOCKING calls only, which Vertex AI and some models do not
   * have: left out for any other, which this response answers. */
  if ((scheduling != GST_GEMINI_LIVE_SCHEDULING_UNSET || will_continue)
      && (!gst_gemini_live_capabilities_non_blocking (&self->active.config)
          || (id != NULL
              && gst_gemini_live_tools_is_blocking (self->tools, id)))) {
    if (will_continue
        && g_atomic_int_compare_and_exchange (
            &self->dropped_will_continue, 0, 1))
      GST_ELEMENT_WARNING (self, LIBRARY, SETTINGS,
          ("willContinue and scheduling are not sent: they are for "
           "NON_BLOCKING calls, which this call, backend or model is not; "
           "the call is answered"),
          ("model '%s', call '%s'", self->active.config.model,
              GST_STR_NULL (id)));
    GST_DEBUG_OBJECT (self, "scheduling and willContinue left out");
    scheduling = GST_GEMINI_LIVE_SCHEDULING_UNSET;
    will_continue = FALSE;
  }
  json = gst_gemini_live_protocol_build_tool_response_full (
      id, name, response_json, scheduling, will_continue, is_error, &error);
  if (json == NULL) {
    GST_ELEMENT_WARNING (self, LIBRARY, SETTINGS,
        ("Invalid tool response for '%s'", name), ("%s", error->message));
    g_error_free (error);
    return FALSE;
  }
  if (id != NULL && !gst_gemini_live_tools_is_pending (self->tools, id)) {
    GST_ELEMENT_WARNING (self, LIBRARY, SETTINGS,
        ("No pending tool call '%s' (answered, cancelled or lost in a "
         "reconnection): response not sent",
            id),
        (NULL));
    g_free (json);
    return FALSE;
  }
  gst_gemini_live_session_send (self->session, json, GST_GEMINI_LIVE_SEND_ONCE);
  if (id != NULL && !will_continue)
    gst_gemini_live_tools_call_finished (self->tools, id);
  return TRUE;
}

/* One action for every tool response; options (nullable) holds what
 * varies: "scheduling" (GstGeminiLiveScheduling, or its nick),
 * "will-continue" (boolean), "error" (boolean: response_json is a failure
 * message or JSON). */
static gboolean
gst_gemini_live_send_tool_response (GstGeminiLive *self, const gchar *id,
    const gchar *name, const gchar *response_json, const GstStructure *options)
{
  gint scheduling = GST_GEMINI_LIVE_SCHEDULING_UNSET;
  gboolean will_continue = FALSE, is_error = FALSE;
  guint i;

  for (i = 0; options != NULL && i < (guint)gst_structure_n_fields (options);
       i++) {
    const gchar *field = gst_structure_nth_field_name (options, i);
    const GValue *value = gst_structure_get_value (options, field);
    gboolean ok = FALSE;

    if (g_str_equal (field, "scheduling")) {
      GEnumClass *klass = g_type_class_ref (GST_TYPE_GEMINI_LIVE_SCHEDULING);
      GEnumValue *v = G_VALUE_HOLDS_STRING (value)
          ? g_enum_get_value_by_nick (klass, g_value_get_string (value))
          : G_VALUE_HOLDS_ENUM (value) || G_VALUE_HOLDS_INT (value)
          ? g_enum_get_value (klass,
              G_VALUE_HOLDS_INT (value) ? g_value_get_int (value)
                                        : g_value_get_enum (value))
          : NULL;

      ok = v != NULL;
      if (ok)
        scheduling = v->value;
      g_type_class_unref (klass);
    } else if (g_str_equal (field, "will-continue")
        && G_VALUE_HOLDS_BOOLEAN (value)) {
      will_continue = g_value_get_boolean (value);
      ok = TRUE;
    } else if (g_str_equal (field, "error") && G_VALUE_HOLDS_BOOLEAN (value)) {
      is_error = g_value_get_boolean (value);
      ok = TRUE;
    }
    if (!ok) {
      GST_ELEMENT_WARNING (self, LIBRARY, SETTINGS,
          ("send-tool-response: bad option '%s' (options are scheduling, "
           "will-continue and error)",
              field),
          ("%" GST_PTR_FORMAT, options));
      return FALSE;
    }
  }
  return send_tool_response (
      self, id, name, response_json, scheduling, will_continue, is_error);
}

static gboolean
gst_gemini_live_send_text (GstGeminiLive *self, const gchar *text)
{
  if (text == NULL || !g_utf8_validate (text, -1, NULL)) {
    GST_WARNING_OBJECT (self, "send-text needs a UTF-8 string");
    return FALSE;
  }
  g_atomic_int_set (&self->history_over, 1);
  gst_gemini_live_session_send (self->session,
      gst_gemini_live_protocol_build_realtime_text (text),
      GST_GEMINI_LIVE_SEND_INPUT);
  gst_gemini_live_output_input_heard (self->output);
  return TRUE;
}

static gboolean
gst_gemini_live_send_client_content (
    GstGeminiLive *self, const gchar *turns_json, gboolean turn_complete)
{
  GError *error = NULL;
  const gchar *why;
  gchar *json;

  if (!gst_gemini_live_capabilities_client_content (
          &self->active.config, g_atomic_int_get (&self->history_over), &why))
    return refuse_action (self, "send-client-content", why);
  json = gst_gemini_live_protocol_build_client_content (
      turns_json, turn_complete, &error);
  if (json == NULL) {
    GST_ELEMENT_WARNING (self, LIBRARY, SETTINGS, ("Invalid client content"),
        ("%s", error->message));
    g_error_free (error);
    return FALSE;
  }
  gst_gemini_live_session_send (
      self->session, json, GST_GEMINI_LIVE_SEND_INPUT);
  if (turn_complete) {
    g_atomic_int_set (&self->history_over, 1);
    gst_gemini_live_output_input_heard (self->output);
  }
  return TRUE;
}

static gboolean
set_activity (GstGeminiLive *self, gboolean active)
{
  if (!gst_gemini_live_audio_input_set_activity (self->audio_input, active)) {
    GST_WARNING_OBJECT (self,
        "%s ignored: it needs "
        "automatic-activity-detection=false and the activity %s",
        active ? "activity-start" : "activity-end",
        active ? "not yet started" : "started");
    return FALSE;
  }
  return TRUE;
}

static gboolean
gst_gemini_live_activity_start (GstGeminiLive *self)
{
  return set_activity (self, TRUE);
}

static gboolean
gst_gemini_live_activity_end (GstGeminiLive *self)
{
  return set_activity (self, FALSE);
}

static gboolean
gst_gemini_live_audio_stream_end (GstGeminiLive *self)
{
  /* With manual activity the server rejects it: activityEnd is the end. */
  if (!gst_gemini_live_audio_input_end_stream (self->audio_input)) {
    GST_WARNING_OBJECT (self,
        "audio-stream-end is not used with manual "
        "activity detection; emit activity-end instead");
    return FALSE;
  }
  return TRUE;
}

/* Replaces the system instruction and/or the tools mid-session. The
 * built-in tools set by properties stay; the result is the baseline
 * every later setup carries. */
static gboolean
gst_gemini_live_update_context (GstGeminiLive *self,
    const gchar *system_instruction, const gchar *tools_json)
{
  gboolean instruction = system_instruction != NULL;
  gboolean tools = tools_json != NULL && *tools_json != '\0';
  GstGeminiLiveConfig next;
  GError *error = NULL;
  const gchar *why;
  gchar *json;

  if (!instruction && !tools)
    return refuse_action (
        self, "update-context", "it needs a system instruction or tools");
  if (!gst_gemini_live_capabilities_context_update (&self->active.config, &why))
    return refuse_action (self, "update-context", why);

  GST_OBJECT_LOCK (self);
  gst_gemini_live_config_copy (&next, &self->active.config);
  GST_OBJECT_UNLOCK (self);
  if (instruction) {
    g_free (next.system_instruction);
    next.system_instruction = g_strdup (system_instruction);
  }
  if (tools) {
    gboolean search, code, url;

    g_free (next.tools_json);
    next.tools_json = NULL;
    if (!gst_gemini_live_protocol_read_tools (
            tools_json, &next.tools_json, &search, &code, &url, &error))
      goto invalid;
    next.google_search |= search;
    next.code_execution |= code;
    next.url_context |= url;
  }
  if (!gst_gemini_live_config_validate (&next, &error)
      || !gst_gemini_live_capabilities_check (&next, &error))
    goto invalid;

  json = gst_gemini_live_protocol_build_context_update (
      &next, instruction, tools);
  gst_gemini_live_tools_declare (self->tools, next.tools_json);
  /* In the order the updates are queued. */
  GST_OBJECT_LOCK (self);
  g_free (self->active.config.system_instruction);
  self->active.config.system_instruction = g_strdup (next.system_instruction);
  g_free (self->active.config.tools_json);
  self->active.config.tools_json = g_strdup (next.tools_json);
  self->active.config.google_search = next.google_search;
  self->active.config.code_execution = next.code_execution;
  self->active.config.url_context = next.url_context;
  gst_gemini_live_session_update_context (self->session, json, &next);
  GST_OBJECT_UNLOCK (self);
  gst_gemini_live_config_clear (&next);
  return TRUE;

invalid:
  GST_ELEMENT_WARNING (self, LIBRARY, SETTINGS, ("Invalid context update"),
      ("%s", error->message));
  g_error_free (error);
  gst_gemini_live_config_clear (&next);
  return FALSE;
}

/* Stops at the first handler that answers: that answer is sent. */
static gboolean
first_response_accumulator (GSignalInvocationHint *ihint, GValue *return_accu,
    const GValue *handler_return, gpointer data)
{
  const gchar *response = g_value_get_string (handler_return);

  if (response == NULL)
    return TRUE;
  g_value_set_string (return_accu, response);
  return FALSE;
}

/* ---- state ------------------------------------------------------------- */

static void
snapshot_clear (Snapshot *snap)
{
  gst_gemini_live_config_clear (&snap->config);
  g_free ((gchar *)snap->connection.proxy);
  g_clear_object (&snap->connection.tls_database);
  memset (snap, 0, sizeof (*snap));
}

/* Reads every READY-mutable property at once, and everything they name
 * (the tools file, the API key, the CA file), checked. FALSE, with the
 * error posted, if any of it is unusable. */
static gboolean
snapshot_take (GstGeminiLive *self, Snapshot *snap)
{
  GError *error = NULL;
  gchar *tools_file, *ca_file, *key;
  GstGeminiLiveConfig *config = &snap->config;

  memset (snap, 0, sizeof (*snap));
  GST_OBJECT_LOCK (self);
  gst_gemini_live_config_copy (config, &self->settings);
  snap->audio = self->audio_settings;
  snap->audio.chunk_ms = self->chunk_ms;
  snap->connection = self->connection;
  snap->connection.proxy = g_strdup (self->proxy);
  snap->tool_call_timeout_ms = self->tool_call_timeout_ms;
  snap->video_max_size = self->video_max_size;
  snap->video_fps = self->video_fps;
  snap->src_thread_slice_us = self->src_thread_slice_us;
  tools_file = g_strdup (self->tools_file);
  ca_file = g_strdup (self->ssl_ca_file);
  GST_OBJECT_UNLOCK (self);

  if (tools_file != NULL) {
    gchar *contents = NULL;

    if (!g_file_get_contents (tools_file, &contents, NULL, &error)) {
      GST_ELEMENT_ERROR (self, RESOURCE, OPEN_READ,
          ("Property 'tools-file': cannot read '%s'", tools_file),
          ("%s", error->message));
      goto failed;
    }
    g_free (config->tools_json);
    config->tools_json = contents;
    if (!gst_gemini_live_config_validate_tools (
            config, "tools-file", contents, &error)) {
      GST_ELEMENT_ERROR (self, LIBRARY, SETTINGS,
          ("%s ('%s')", error->message, tools_file), (NULL));
      goto failed;
    }
  }

  key = gst_gemini_live_config_resolve_api_key (config->api_key);
  g_free (config->api_key);
  config->api_key = key;
  if (key == NULL
      && (config->access_token == NULL || *config->access_token == '\0')) {
    GST_ELEMENT_ERROR (self, RESOURCE, NOT_AUTHORIZED,
        ("No API key: set the 'api-key' property or the GEMINI_API_KEY "
         "(or GOOGLE_API_KEY) environment variable (or 'access-token' "
         "for Vertex AI)"),
        (NULL));
    goto failed;
  }
  if (!gst_gemini_live_config_validate (config, &error)
      || !gst_gemini_live_capabilities_check (config, &error)) {
    GST_ELEMENT_ERROR (self, LIBRARY, SETTINGS, ("%s", error->message), (NULL));
    goto failed;
  }
  if (ca_file != NULL && *ca_file != '\0') {
    snap->connection.tls_database = g_tls_file_database_new (ca_file, &error);
    if (snap->connection.tls_database == NULL) {
      GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
          ("Could not read the CA certificates of ssl-ca-file '%s'", ca_file),
          ("%s", error->message));
      goto failed;
    }
  }

  snap->audio.manual = !config->automatic_activity_detection;
  snap->audio.end_silence_ms
      = gst_gemini_live_capabilities_audio_stream_end (config)
      ? 0
      : MAX (config->silence_duration_ms, 800) + 700;
  g_free (tools_file);
  g_free (ca_file);
  return TRUE;

failed:
  g_clear_error (&error);
  g_free (tools_file);
  g_free (ca_file);
  snapshot_clear (snap);
  return FALSE;
}

/* Bad settings fail the element early, though they are read for use only
 * when it starts. */
static gboolean
check_settings (GstGeminiLive *self)
{
  Snapshot check;

  if (!snapshot_take (self, &check))
    return FALSE;
  snapshot_clear (&check);
  return TRUE;
}

static gboolean
start_session (GstGeminiLive *self)
{
  GError *error = NULL;
  Snapshot next, old;

  if (!snapshot_take (self, &next))
    return FALSE;
  GST_OBJECT_LOCK (self);
  old = self->active;
  self->active = next;
  self->started = TRUE;
  GST_OBJECT_UNLOCK (self);
  snapshot_clear (&old);

  if (self->video != NULL)
    gst_gemini_live_video_set_limits (
        self->video, self->active.video_max_size, self->active.video_fps);
  gst_gemini_live_audio_input_reset (self->audio_input, &self->active.audio);
  g_atomic_int_set (&self->history_over, 0);
  g_atomic_int_set (&self->dropped_will_continue, 0);
  gst_gemini_live_tools_reset (self->tools, self->active.config.tools_json,
      self->active.tool_call_timeout_ms);
  if (!gst_gemini_live_session_start (self->session, &self->active.config,
          &self->active.connection, &error)) {
    GST_ELEMENT_ERROR (self, RESOURCE, FAILED,
        ("Could not start the session thread"), ("%s", error->message));
    g_error_free (error);
    return FALSE;
  }
  return TRUE;
}

static GstStateChangeReturn
gst_gemini_live_change_state (GstElement *element, GstStateChange transition)
{
  GstGeminiLive *self = GST_GEMINI_LIVE (element);
  GstStateChangeReturn ret;

  switch (transition) {
    case GST_STATE_CHANGE_NULL_TO_READY:
      if (!check_settings (self))
        return GST_STATE_CHANGE_FAILURE;
      break;
    case GST_STATE_CHANGE_READY_TO_PAUSED:
      if (!start_session (self))
        return GST_STATE_CHANGE_FAILURE;
      break;
    case GST_STATE_CHANGE_PLAYING_TO_PAUSED:
      gst_gemini_live_output_set_playing (self->output, FALSE);
      break;
    default:
      break;
  }

  ret = GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);
  if (ret == GST_STATE_CHANGE_FAILURE) {
    if (transition == GST_STATE_CHANGE_READY_TO_PAUSED)
      gst_gemini_live_session_stop (self->session);
    return ret;
  }

  switch (transition) {
    case GST_STATE_CHANGE_READY_TO_PAUSED:
    case GST_STATE_CHANGE_PLAYING_TO_PAUSED:
      /* A live source: no preroll. */
      ret = GST_STATE_CHANGE_NO_PREROLL;
      break;
    case GST_STATE_CHANGE_PAUSED_TO_PLAYING:
      gst_gemini_live_output_set_playing (self->output, TRUE);
      break;
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      gst_gemini_live_session_stop (self->session);
      GST_OBJECT_LOCK (self);
      self->started = FALSE;
      GST_OBJECT_UNLOCK (self);
      /* Pending calls' timeouts go with the session. */
      gst_gemini_live_tools_reset (self->tools, NULL, 0);
      break;
    default:
      break;
  }
  return ret;
}

/* ---- properties -------------------------------------------------------- */

static void
replace_string (GstGeminiLive *self, gchar **field, const GValue *value)
{
  GST_OBJECT_LOCK (self);
  g_free (*field);
  *field = g_value_dup_string (value);
  GST_OBJECT_UNLOCK (self);
}

static void
gst_gemini_live_set_property (
    GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  GstGeminiLive *self = GST_GEMINI_LIVE (object);
  gboolean done;

  GST_OBJECT_LOCK (self);
  done = gst_gemini_live_setup_props_set (&self->settings, prop_id, value);
  GST_OBJECT_UNLOCK (self);
  if (done)
    return;

  switch (prop_id) {
    case PROP_RESUMPTION_HANDLE:
      replace_string (self, &self->settings.resumption_handle, value);
      GST_OBJECT_LOCK (self);
      g_free (self->current_handle);
      self->current_handle = g_strdup (self->settings.resumption_handle);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_TOOLS_FILE:
      replace_string (self, &self->tools_file, value);
      break;
    case PROP_LATENCY: {
      GstClockTime old = gst_gemini_live_output_get_latency (self->output);
      GstClockTime latency = g_value_get_uint (value) * GST_MSECOND;

      gst_gemini_live_output_set_latency (self->output, latency);
      if (old != latency)
        gst_element_post_message (
            GST_ELEMENT (self), gst_message_new_latency (GST_OBJECT (self)));
      break;
    }
    case PROP_CHUNK_DURATION:
      GST_OBJECT_LOCK (self);
      self->chunk_ms = g_value_get_uint (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_VIDEO_MAX_SIZE:
      GST_OBJECT_LOCK (self);
      self->video_max_size = g_value_get_uint (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_VIDEO_FPS:
      GST_OBJECT_LOCK (self);
      self->video_fps = g_value_get_double (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_RECONNECT:
      GST_OBJECT_LOCK (self);
      self->connection.reconnect = g_value_get_boolean (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_RECONNECT_TIMEOUT:
      GST_OBJECT_LOCK (self);
      self->connection.reconnect_timeout_ms = g_value_get_uint (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_KEEPALIVE_INTERVAL:
      GST_OBJECT_LOCK (self);
      self->connection.keepalive_interval_s = g_value_get_uint (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_KEEPALIVE_TIMEOUT:
      GST_OBJECT_LOCK (self);
      self->connection.keepalive_timeout_s = g_value_get_uint (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_MAX_CONNECTION_DURATION:
      GST_OBJECT_LOCK (self);
      self->connection.max_connection_s = g_value_get_uint (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_MAX_MESSAGE_SIZE:
      GST_OBJECT_LOCK (self);
      self->connection.max_message_size = g_value_get_uint64 (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_CONNECT_TIMEOUT:
      GST_OBJECT_LOCK (self);
      self->connection.connect_timeout_ms = g_value_get_uint (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_EOS_TIMEOUT:
      gst_gemini_live_output_set_eos_timeout (
          self->output, g_value_get_uint (value) * GST_MSECOND);
      break;
    case PROP_TOOL_CALL_TIMEOUT:
      GST_OBJECT_LOCK (self);
      self->tool_call_timeout_ms = g_value_get_uint (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_PROXY:
      replace_string (self, &self->proxy, value);
      break;
    case PROP_SSL_CA_FILE:
      replace_string (self, &self->ssl_ca_file, value);
      break;
    case PROP_SRC_THREAD_SLICE:
      self->src_thread_slice_us = g_value_get_uint (value);
      break;
    case PROP_POST_SERVER_MESSAGES:
      g_atomic_int_set (
          &self->post_server_messages, g_value_get_boolean (value));
      break;
    case PROP_MANUAL_ACTIVITY_SOURCE:
      GST_OBJECT_LOCK (self);
      self->audio_settings.source = g_value_get_enum (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_ACTIVITY_THRESHOLD:
      GST_OBJECT_LOCK (self);
      self->audio_settings.threshold_db = g_value_get_double (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_ACTIVITY_HANGOVER:
      GST_OBJECT_LOCK (self);
      self->audio_settings.hangover_ms = g_value_get_uint (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_ACTIVITY_PREROLL:
      GST_OBJECT_LOCK (self);
      self->audio_settings.preroll_ms = g_value_get_uint (value);
      GST_OBJECT_UNLOCK (self);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_gemini_live_get_property (
    GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  GstGeminiLive *self = GST_GEMINI_LIVE (object);

  GST_OBJECT_LOCK (self);
  if (gst_gemini_live_setup_props_get (&self->settings, prop_id, value)) {
    GST_OBJECT_UNLOCK (self);
    return;
  }
  switch (prop_id) {
    case PROP_RESUMPTION_HANDLE:
      g_value_set_string (value, self->current_handle);
      break;
    case PROP_STATS: {
      GstGeminiLiveSessionStats st;

      gst_gemini_live_session_get_stats (self->session, &st);
      g_value_take_boxed (value,
          gst_structure_new ("application/x-geminilive-stats", "connections",
              G_TYPE_UINT, st.connections, "messages-sent", G_TYPE_UINT64,
              st.messages_sent, "messages-resent", G_TYPE_UINT64,
              st.messages_resent, "bytes-sent", G_TYPE_UINT64, st.bytes_sent,
              "messages-received", G_TYPE_UINT64, st.messages_received,
              "bytes-received", G_TYPE_UINT64, st.bytes_received, "socket-full",
              G_TYPE_UINT64, st.socket_full, "messages-dropped", G_TYPE_UINT64,
              st.messages_dropped, NULL));
      break;
    }
    case PROP_TOOLS_FILE:
      g_value_set_string (value, self->tools_file);
      break;
    case PROP_LATENCY:
      g_value_set_uint (value,
          gst_gemini_live_output_get_latency (self->output) / GST_MSECOND);
      break;
    case PROP_CHUNK_DURATION:
      g_value_set_uint (value, self->chunk_ms);
      break;
    case PROP_VIDEO_MAX_SIZE:
      g_value_set_uint (value, self->video_max_size);
      break;
    case PROP_VIDEO_FPS:
      g_value_set_double (value, self->video_fps);
      break;
    case PROP_RECONNECT:
      g_value_set_boolean (value, self->connection.reconnect);
      break;
    case PROP_RECONNECT_TIMEOUT:
      g_value_set_uint (value, self->connection.reconnect_timeout_ms);
      break;
    case PROP_KEEPALIVE_INTERVAL:
      g_value_set_uint (value, self->connection.keepalive_interval_s);
      break;
    case PROP_KEEPALIVE_TIMEOUT:
      g_value_set_uint (value, self->connection.keepalive_timeout_s);
      break;
    case PROP_MAX_CONNECTION_DURATION:
      g_value_set_uint (value, self->connection.max_connection_s);
      break;
    case PROP_MAX_MESSAGE_SIZE:
      g_value_set_uint64 (value, self->connection.max_message_size);
      break;
    case PROP_CONNECT_TIMEOUT:
      g_value_set_uint (value, self->connection.connect_timeout_ms);
      break;
    case PROP_EOS_TIMEOUT:
      g_value_set_uint (value,
          gst_gemini_live_output_get_eos_timeout (self->output) / GST_MSECOND);
      break;
    case PROP_TOOL_CALL_TIMEOUT:
      g_value_set_uint (value, self->tool_call_timeout_ms);
      break;
    case PROP_PROXY:
      g_value_set_string (value, self->proxy);
      break;
    case PROP_SSL_CA_FILE:
      g_value_set_string (value, self->ssl_ca_file);
      break;
    case PROP_SRC_THREAD_SLICE:
      g_value_set_uint (value, self->src_thread_slice_us);
      break;
    case PROP_POST_SERVER_MESSAGES:
      g_value_set_boolean (
          value, g_atomic_int_get (&self->post_server_messages));
      break;
    case PROP_MANUAL_ACTIVITY_SOURCE:
      g_value_set_enum (value, self->audio_settings.source);
      break;
    case PROP_ACTIVITY_THRESHOLD:
      g_value_set_double (value, self->audio_settings.threshold_db);
      break;
    case PROP_ACTIVITY_HANGOVER:
      g_value_set_uint (value, self->audio_settings.hangover_ms);
      break;
    case PROP_ACTIVITY_PREROLL:
      g_value_set_uint (value, self->audio_settings.preroll_ms);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

/* ---- GObject ----------------------------------------------------------- */

static void
gst_gemini_live_init (GstGeminiLive *self)
{
  gst_gemini_live_config_init (&self->settings);
  gst_gemini_live_config_init (&self->active.config);
  gst_gemini_live_connection_settings_init (&self->active.connection);
  self->chunk_ms = DEFAULT_CHUNK_MS;
  self->video_max_size = DEFAULT_VIDEO_MAX_SIZE;
  self->video_fps = DEFAULT_VIDEO_FPS;
  self->src_thread_slice_us = DEFAULT_SRC_THREAD_SLICE_US;
  gst_gemini_live_connection_settings_init (&self->connection);
  self->tool_call_timeout_ms = 30000;
  self->tools = gst_gemini_live_tools_new (&tools_callbacks, GST_OBJECT (self));
  self->audio_input = gst_gemini_live_audio_input_new (
      &audio_input_callbacks, GST_OBJECT (self));
  self->input_live = TRUE;
  self->audio_settings.chunk_ms = DEFAULT_CHUNK_MS;
  self->audio_settings.source = GST_GEMINI_LIVE_ACTIVITY_SOURCE_SIGNALS;
  self->audio_settings.threshold_db = -45;
  self->audio_settings.hangover_ms = 600;
  self->audio_settings.preroll_ms = 300;
  self->session
      = gst_gemini_live_session_new (&session_callbacks, GST_OBJECT (self));

  /* Model audio: a plain src pad driven by the output timing task. */
  self->srcpad = gst_pad_new_from_static_template (&src_template, "src");
  self->output = gst_gemini_live_output_new (GST_ELEMENT (self), self->srcpad);
  gst_gemini_live_output_set_latency (
      self->output, DEFAULT_LATENCY_MS * GST_MSECOND);
  gst_gemini_live_output_set_eos_timeout (
      self->output, DEFAULT_EOS_TIMEOUT_MS * GST_MSECOND);
  gst_pad_set_activatemode_function (
      self->srcpad, GST_DEBUG_FUNCPTR (src_activate_mode));
  gst_pad_set_query_function (self->srcpad, GST_DEBUG_FUNCPTR (src_query));
  gst_pad_use_fixed_caps (self->srcpad);
  gst_element_add_pad (GST_ELEMENT (self), self->srcpad);

  /* Microphone audio: converted (or not) by the audio input. */
  self->audio_sinkpad
      = gst_pad_new_from_static_template (&sink_audio_template, "sink_audio");
  gst_pad_set_chain_function (
      self->audio_sinkpad, GST_DEBUG_FUNCPTR (audio_sink_chain));
  gst_pad_set_event_function (
      self->audio_sinkpad, GST_DEBUG_FUNCPTR (audio_sink_event));
  gst_pad_set_query_function (
      self->audio_sinkpad, GST_DEBUG_FUNCPTR (audio_sink_query));
  gst_element_add_pad (GST_ELEMENT (self), self->audio_sinkpad);
}

/* The session stops while the element can still be referenced: its
 * network thread holds the element during each callback. */
static void
gst_gemini_live_dispose (GObject *object)
{
  GstGeminiLive *self = GST_GEMINI_LIVE (object);

  gst_gemini_live_session_stop (self->session);
  G_OBJECT_CLASS (parent_class)->dispose (object);
}

static void
gst_gemini_live_finalize (GObject *object)
{
  GstGeminiLive *self = GST_GEMINI_LIVE (object);

  gst_gemini_live_session_free (self->session);
  gst_gemini_live_output_free (self->output);
  gst_gemini_live_audio_input_free (self->audio_input);
  gst_gemini_live_config_clear (&self->settings);
  snapshot_clear (&self->active);
  g_free (self->current_handle);
  g_free (self->tools_file);
  g_free (self->proxy);
  g_free (self->ssl_ca_file);
  gst_gemini_live_tools_free (self->tools);
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

#define READY_PARAM                                                            \
  (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY)

static void
gst_gemini_live_class_init (GstGeminiLiveClass *klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);

  gobject_class->set_property = gst_gemini_live_set_property;
  gobject_class->get_property = gst_gemini_live_get_property;
  gobject_class->dispose = gst_gemini_live_dispose;
  gobject_class->finalize = gst_gemini_live_finalize;

  /* The setup: model, voice, generation, activity detection, session,
   * tools, endpoint and credentials (see gstgeminilivesetupprops.c). */
  gst_gemini_live_setup_props_install (gobject_class);

  /**
   * GstGeminiLive:resumption-handle:
   *
   * Reading gives the newest resumable handle the server sent (notified);
   * writing one before the session starts resumes that session.
   */
  g_object_class_install_property (gobject_class, PROP_RESUMPTION_HANDLE,
      g_param_spec_string ("resumption-handle", "Resumption handle",
          "Handle to resume on start; reads back the newest handle", NULL,
          READY_PARAM));

  /**
   * GstGeminiLive:stats:
   *
   * Counters of the connection since the element was created, as an
   * `application/x-geminilive-stats` structure:
   *
   * * `connections` (uint): WebSocket connections opened (reconnections
   *   included);
   * * `messages-sent` (uint64): client messages sent, the setups and
   *   the input resent after a resumption included;
   * * `messages-resent` (uint64): input resent after a resumption;
   * * `bytes-sent` (uint64): WebSocket frame bytes of those messages;
   * * `messages-received`, `bytes-received` (uint64): server messages and
   *   their payload bytes;
   * * `socket-full` (uint64): times the socket was full (a congested
   *   link) and messages waited for room;
   * * `messages-dropped` (uint64): input dropped because more than 8 MiB
   *   waited (live input only; input from a file waits instead).
   */
  g_object_class_install_property (gobject_class, PROP_STATS,
      g_param_spec_boxed ("stats", "Statistics",
          "Counters of the connection: messages and bytes each way, "
          "connections, resends",
          GST_TYPE_STRUCTURE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  /**
   * GstGeminiLive:tools-file:
   *
   * A file holding the function declarations (a JSON array), read when the
   * element goes to READY; it replaces #GstGeminiLive:tools.
   */
  g_object_class_install_property (gobject_class, PROP_TOOLS_FILE,
      g_param_spec_string ("tools-file", "Tools file",
          "File with the function declarations as a JSON array", NULL,
          READY_PARAM));

  /**
   * GstGeminiLive:latency:
   *
   * How much of the model's audio is buffered before it plays, in ms: the
   * jitter buffer that absorbs bursty delivery. Reported in the latency
   * query.
   */
  g_object_class_install_property (gobject_class, PROP_LATENCY,
      g_param_spec_uint ("latency", "Latency",
          "Output buffering in ms (reported as the element's latency)", 0,
          10000, DEFAULT_LATENCY_MS,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS
              | GST_PARAM_MUTABLE_PLAYING));

  /**
   * GstGeminiLive:chunk-duration:
   *
   * Duration of the audio sent in each realtimeInput message, in ms.
   */
  g_object_class_install_property (gobject_class, PROP_CHUNK_DURATION,
      g_param_spec_uint ("chunk-duration", "Chunk duration",
          "Audio per realtimeInput message in ms", 20, 100, DEFAULT_CHUNK_MS,
          READY_PARAM));

  /**
   * GstGeminiLive:video-max-size:
   *
   * Frames on `sink_video` are scaled so their longer side is at most
   * this many pixels.
   */
  g_object_class_install_property (gobject_class, PROP_VIDEO_MAX_SIZE,
      g_param_spec_uint ("video-max-size", "Video max size",
          "Longest side of frames sent to the model, in pixels", 16, 4096,
          DEFAULT_VIDEO_MAX_SIZE, READY_PARAM));

  /**
   * GstGeminiLive:video-fps:
   *
   * Frames per second sent from `sink_video` (the API takes at most 1).
   */
  g_object_class_install_property (gobject_class, PROP_VIDEO_FPS,
      g_param_spec_double ("video-fps", "Video FPS",
          "Frames per second sent to the model", 0.01, 30.0, DEFAULT_VIDEO_FPS,
          READY_PARAM));

  /**
   * GstGeminiLive:reconnect:
   *
   * Keep the conversation going across connections: on `goAway` a new
   * connection is opened before the deadline and the session resumed with
   * the newest handle; after a drop or a retryable close (1006, 1011, 1000,
   * 1008 at a session limit) the element reconnects with exponential
   * backoff within #GstGeminiLive:reconnect-timeout. Input sent since the
   * handle was issued is sent again; input captured meanwhile is queued.
   * Each step is a `geminilive/reconnecting` and `geminilive/reconnected`
   * bus message. Fatal closes (1007, unknown model, bad key) are errors at
   * once.
   */
  g_object_class_install_property (gobject_class, PROP_RECONNECT,
      g_param_spec_boolean ("reconnect", "Reconnect",
          "Reconnect and resume on goAway and connection loss", TRUE,
          READY_PARAM));

  /**
   * GstGeminiLive:reconnect-timeout:
   *
   * How long an outage may last, in ms, before the element gives up with
   * an error.
   */
  g_object_class_install_property (gobject_class, PROP_RECONNECT_TIMEOUT,
      g_param_spec_uint ("reconnect-timeout", "Reconnect timeout",
          "Give up reconnecting after this many ms", 0, G_MAXUINT, 30000,
          READY_PARAM));

  /**
   * GstGeminiLive:keepalive-interval:
   *
   * Seconds between WebSocket pings (0: none).
   */
  g_object_class_install_property (gobject_class, PROP_KEEPALIVE_INTERVAL,
      g_param_spec_uint ("keepalive-interval", "Keepalive interval",
          "Seconds between WebSocket pings (0: none)", 0, 3600, 20,
          READY_PARAM));

  /**
   * GstGeminiLive:keepalive-timeout:
   *
   * A connection that delivers neither data nor a pong for this many
   * seconds is treated as dead and replaced (0: never). The service's
   * pongs can take 30 s, so keep it well above that.
   */
  g_object_class_install_property (gobject_class, PROP_KEEPALIVE_TIMEOUT,
      g_param_spec_uint ("keepalive-timeout", "Keepalive timeout",
          "Seconds of silence after which the connection is dead (0: never)", 0,
          3600, 90, READY_PARAM));

  /**
   * GstGeminiLive:max-connection-duration:
   *
   * Move to a fresh connection (resuming the session) after this many
   * seconds, for services that drop connections without a `goAway`
   * (0: only on `goAway`).
   */
  g_object_class_install_property (gobject_class, PROP_MAX_CONNECTION_DURATION,
      g_param_spec_uint ("max-connection-duration", "Max connection duration",
          "Recycle the connection after this many seconds (0: never)", 0, 86400,
          0, READY_PARAM));

  /**
   * GstGeminiLive:max-message-size:
   *
   * The largest server message accepted, in bytes; a larger one ends the
   * connection and the conversation, with an error that names this
   * property. A larger frame is refused before it is read (the
   * connection is dropped); a message split into many smaller frames is
   * refused once whole, with a 1009 close.
   */
  g_object_class_install_property (gobject_class, PROP_MAX_MESSAGE_SIZE,
      g_param_spec_uint64 ("max-message-size", "Max message size",
          "Largest server message accepted, in bytes", 65536, G_MAXUINT32,
          16 * 1024 * 1024, READY_PARAM));

  /**
   * GstGeminiLive:connect-timeout:
   *
   * Opening a connection (name lookup, TCP, TLS, the WebSocket upgrade)
   * and getting `setupComplete` must take less than this many ms (0: no
   * limit). A first connection that does not is an error naming the step
   * that stalled; during a reconnection it counts as one failed attempt.
   */
  g_object_class_install_property (gobject_class, PROP_CONNECT_TIMEOUT,
      g_param_spec_uint ("connect-timeout", "Connect timeout",
          "Give up a connection attempt (connect, TLS, upgrade, setup) after "
          "this many ms (0: never)",
          0, G_MAXUINT, DEFAULT_CONNECT_TIMEOUT_MS, READY_PARAM));

  /**
   * GstGeminiLive:eos-timeout:
   *
   * After EOS on `sink_audio` the element sends the end of the user's
   * input and ends `src` (and the text pads) with EOS once the model owes
   * nothing more: at once when nothing was said since its last answer
   * (only input louder than #GstGeminiLive:activity-threshold, text, or
   * a manual activity counts as saying something), after the answer
   * under way or owed has been played whole, or when the model has been
   * silent this many ms (running time) waiting for one. A blocking tool
   * call, bounded by #GstGeminiLive:tool-call-timeout, and a
   * reconnection, bounded by #GstGeminiLive:reconnect-timeout, stop that
   * clock.
   */
  g_object_class_install_property (gobject_class, PROP_EOS_TIMEOUT,
      g_param_spec_uint ("eos-timeout", "EOS timeout",
          "After EOS on sink_audio, end src once the model has said nothing "
          "for this many ms while an answer is owed",
          0, 600000, DEFAULT_EOS_TIMEOUT_MS,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS
              | GST_PARAM_MUTABLE_PLAYING));

  /**
   * GstGeminiLive:tool-call-timeout:
   *
   * A tool call not answered within this many ms gets an error response
   * (so the model goes on) and a #GstGeminiLive::tool-call-cancellation
   * (0: wait forever). While a BLOCKING call is unanswered, realtime input
   * is held back in order (the service closes with 1008 otherwise).
   */
  g_object_class_install_property (gobject_class, PROP_TOOL_CALL_TIMEOUT,
      g_param_spec_uint ("tool-call-timeout", "Tool call timeout",
          "Answer unanswered tool calls with an error after this many ms "
          "(0: never)",
          0, G_MAXUINT, 30000, READY_PARAM));

  /**
   * GstGeminiLive:post-server-messages:
   *
   * Post every server message verbatim as a `geminilive/server-message`
   * element message (field `json`), for debugging or fields this element
   * does not know yet.
   */
  g_object_class_install_property (gobject_class, PROP_POST_SERVER_MESSAGES,
      g_param_spec_boolean ("post-server-messages", "Post server messages",
          "Post every raw server message on the bus", FALSE,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS
              | GST_PARAM_MUTABLE_PLAYING));

  /**
   * GstGeminiLive:manual-activity-source:
   *
   * With automatic-activity-detection=false the server waits for
   * activityStart/activityEnd; this says who sends them: the application
   * (#GstGeminiLive::activity-start and #GstGeminiLive::activity-end), the
   * element from the input's level, or upstream voice activity (put
   * `webrtcdsp voice-detection=true` before the element). Audio outside
   * an activity is never sent (the server closes with 1007 otherwise);
   * the last #GstGeminiLive:activity-preroll ms of it follow the start.
   */
  g_object_class_install_property (gobject_class, PROP_MANUAL_ACTIVITY_SOURCE,
      g_param_spec_enum ("manual-activity-source", "Manual activity source",
          "What drives activityStart/activityEnd when the server's activity "
          "detection is off",
          GST_TYPE_GEMINI_LIVE_ACTIVITY_SOURCE,
          GST_GEMINI_LIVE_ACTIVITY_SOURCE_SIGNALS, READY_PARAM));
  /**
   * GstGeminiLive:activity-threshold:
   *
   * Input level in dBFS above which the user is taken to speak: it starts
   * an activity with manual-activity-source=energy, and, with the
   * server's activity detection, marks input the model owes an answer to
   * (see #GstGeminiLive:eos-timeout).
   */
  g_object_class_install_property (gobject_class, PROP_ACTIVITY_THRESHOLD,
      g_param_spec_double ("activity-threshold", "Activity threshold",
          "Input level in dBFS above which the user speaks", -120, 0, -45,
          READY_PARAM));
  g_object_class_install_property (gobject_class, PROP_ACTIVITY_HANGOVER,
      g_param_spec_uint ("activity-hangover", "Activity hangover",
          "Silence in ms that ends the user's activity "
          "(manual-activity-source=energy)",
          0, 10000, 600, READY_PARAM));
  g_object_class_install_property (gobject_class, PROP_ACTIVITY_PREROLL,
      g_param_spec_uint ("activity-preroll", "Activity pre-roll",
          "Audio in ms from before an activity start that is sent after it", 0,
          2000, 300, READY_PARAM));

  /**
   * GstGeminiLive:proxy:
   *
   * HTTP proxy for the WebSocket connection, as `http://[user:pass@]host:port`.
   * When unset, `https_proxy` (for wss://) or `http_proxy` and `no_proxy`
   * from the environment apply, as with souphttpsrc. Certificates are
   * always verified.
   */
  g_object_class_install_property (gobject_class, PROP_PROXY,
      g_param_spec_string ("proxy", "Proxy",
          "HTTP proxy URI (default: $https_proxy / $http_proxy)", NULL,
          READY_PARAM));

  /**
   * GstGeminiLive:ssl-ca-file:
   *
   * A PEM file of CA certificates to trust for wss:// instead of the
   * system's, as souphttpsrc's property of the same name: for a TLS-
   * inspecting corporate proxy, or a test server with its own
   * certificate. Certificates are still verified. Read when the session
   * starts; a file that cannot be read is an error.
   */
  g_object_class_install_property (gobject_class, PROP_SSL_CA_FILE,
      g_param_spec_string ("ssl-ca-file", "SSL CA file",
          "PEM file of CA certificates to trust instead of the system's", NULL,
          READY_PARAM));

  /**
   * GstGeminiLive:src-thread-slice:
   *
   * The scheduler time slice, in microseconds, that the thread pushing on
   * `src` (and the text pads) asks for while it runs the element's task
   * (Linux 6.12 and later; ignored elsewhere). A short slice lets that
   * thread, which mostly sleeps, preempt a busy thread when the model's
   * audio arrives, instead of waiting up to that thread's whole slice
   * (a few milliseconds): it matters with hundreds of sessions on few
   * cores (docs/benchmarks.md). No priority or privilege is involved and the
   * thread's share of the CPU is unchanged; real-time, batch and idle
   * threads (an application's own task pool) are left as they are, and
   * the thread's previous attributes come back when it leaves the task.
   * It is done as the thread posts its `stream-status` ENTER message, before
   * the application sees that message, so a handler that sets its own
   * scheduling there has the last word. Values under 100 count as 100, the
   * kernel's shortest; 0 leaves the thread alone.
   */
  g_object_class_install_property (gobject_class, PROP_SRC_THREAD_SLICE,
      g_param_spec_uint ("src-thread-slice", "src thread slice",
          "Scheduler slice in us for the src task's thread (Linux 6.12+; "
          "0 = leave the thread alone)",
          0, GST_GEMINI_LIVE_SLICE_MAX_US, DEFAULT_SRC_THREAD_SLICE_US,
          READY_PARAM));

  /**
   * GstGeminiLive::tool-call:
   * @self: the element
   * @id: the call id to answer
   * @name: the function name
   * @args_json: the arguments as a JSON object
   *
   * The model calls a declared function. Emitted from a network
   * thread that this element shares with other geminilive elements of
   * the process; do not block in it. Return a JSON response to send it
   * at once, or %NULL and answer later with
   * #GstGeminiLive::send-tool-response.
   *
   * Returns: (nullable): the response JSON, or %NULL.
   */
  signals[SIGNAL_TOOL_CALL]
      = g_signal_new ("tool-call", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
          0, first_response_accumulator, NULL, NULL, G_TYPE_STRING, 3,
          G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);

  /**
   * GstGeminiLive::tool-call-cancellation:
   * @self: the element
   * @ids: the ids of the calls that should not have run
   *
   * The model withdrew tool calls (usually because the user interrupted).
   */
  signals[SIGNAL_TOOL_CALL_CANCELLATION]
      = g_signal_new ("tool-call-cancellation", G_TYPE_FROM_CLASS (klass),
          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRV);

  /**
   * GstGeminiLive::send-tool-response:
   * @self: the element
   * @id: the call id from #GstGeminiLive::tool-call
   * @name: the function name
   * @response_json: the result as a JSON object (with `error` set in
   *   @options, what went wrong: a message or JSON)
   * @options: (nullable): what varies, as a structure of any name:
   *   `scheduling` (#GstGeminiLiveScheduling or its nick: when a
   *   NON_BLOCKING result is acted on), `will-continue` (boolean: more
   *   responses follow and the call stays pending), `error` (boolean:
   *   the response reports a failure, `{"error": ...}`)
   *
   * Answers a tool call. `scheduling` and `will-continue` are for
   * NON_BLOCKING calls: for any other call, and on Vertex AI or a model
   * without NON_BLOCKING functions, they are left out (a warning says so
   * once) and the response answers the call. Thread-safe.
   *
   * Returns: %TRUE if the response was valid and was queued.
   */
  signals[SIGNAL_SEND_TOOL_RESPONSE]
      = g_signal_new_class_handler ("send-tool-response",
          G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
          G_CALLBACK (gst_gemini_live_send_tool_response), NULL, NULL, NULL,
          G_TYPE_BOOLEAN, 4, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING,
          GST_TYPE_STRUCTURE);

  /**
   * GstGeminiLive::send-text:
   * @self: the element
   * @text: what the user says, as text
   *
   * Sends text to the model as realtime input; it answers as to speech.
   * Thread-safe.
   *
   * Returns: %TRUE if queued.
   */
  signals[SIGNAL_SEND_TEXT] = g_signal_new_class_handler ("send-text",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
      G_CALLBACK (gst_gemini_live_send_text), NULL, NULL, NULL, G_TYPE_BOOLEAN,
      1, G_TYPE_STRING);

  /**
   * GstGeminiLive::send-client-content:
   * @self: the element
   * @turns_json: a JSON array of Content (`[{"role":"user","parts":
   *   [{"text":"..."}]}]`), one Content object, or plain text for one user
   *   turn
   * @turn_complete: whether the model should answer now
   *
   * Appends turns to the conversation (`clientContent`), for history or
   * ordered text. 3.1 Flash Live takes it only as the initial history:
   * with #GstGeminiLive:initial-history-in-client-content, before any
   * other input and up to the first complete turn; elsewhere it is
   * refused with a warning.
   *
   * Returns: %TRUE if valid and queued.
   */
  signals[SIGNAL_SEND_CLIENT_CONTENT]
      = g_signal_new_class_handler ("send-client-content",
          G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
          G_CALLBACK (gst_gemini_live_send_client_content), NULL, NULL, NULL,
          G_TYPE_BOOLEAN, 2, G_TYPE_STRING, G_TYPE_BOOLEAN);

  /**
   * GstGeminiLive::activity-start:
   * @self: the element
   *
   * The user starts speaking (automatic-activity-detection=false,
   * manual-activity-source=signals): sends `activityStart`, then the
   * pre-roll, then the audio that follows.
   *
   * Returns: %TRUE if an activity started.
   */
  signals[SIGNAL_ACTIVITY_START] = g_signal_new_class_handler ("activity-start",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
      G_CALLBACK (gst_gemini_live_activity_start), NULL, NULL, NULL,
      G_TYPE_BOOLEAN, 0);

  /**
   * GstGeminiLive::activity-end:
   * @self: the element
   *
   * The user stopped speaking: sends `activityEnd`; audio is held back
   * again until the next start.
   *
   * Returns: %TRUE if an activity ended.
   */
  signals[SIGNAL_ACTIVITY_END] = g_signal_new_class_handler ("activity-end",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
      G_CALLBACK (gst_gemini_live_activity_end), NULL, NULL, NULL,
      G_TYPE_BOOLEAN, 0);

  /**
   * GstGeminiLive::audio-stream-end:
   * @self: the element
   *
   * The microphone is off for a while: sends `audioStreamEnd` so the
   * server flushes what it cached (automatic activity detection only; on
   * Vertex AI, which has no `audioStreamEnd`, enough silence for the
   * server's activity detection to end the turn). EOS on `sink_audio`
   * does this too.
   *
   * Returns: %TRUE if queued.
   */
  signals[SIGNAL_AUDIO_STREAM_END]
      = g_signal_new_class_handler ("audio-stream-end",
          G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
          G_CALLBACK (gst_gemini_live_audio_stream_end), NULL, NULL, NULL,
          G_TYPE_BOOLEAN, 0);

  /**
   * GstGeminiLive::update-context:
   * @self: the element
   * @system_instruction: (nullable): new instructions, or %NULL to keep
   * @tools_json: (nullable): new function declarations (or Tool objects),
   *   "[]" to clear, %NULL to keep
   *
   * Changes instructions or tools mid-session (`contextUpdate`, newest
   * models; refused with a warning on models without it). @tools_json is
   * an array of FunctionDeclaration (as #GstGeminiLive:tools) or of Tool
   * objects; the built-in tools set by properties stay. The result is the
   * new baseline: every later setup, on every resumed connection,
   * carries it.
   *
   * Returns: %TRUE if valid and queued.
   */
  signals[SIGNAL_UPDATE_CONTEXT] = g_signal_new_class_handler ("update-context",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
      G_CALLBACK (gst_gemini_live_update_context), NULL, NULL, NULL,
      G_TYPE_BOOLEAN, 2, G_TYPE_STRING, G_TYPE_STRING);

  element_class->change_state
      = GST_DEBUG_FUNCPTR (gst_gemini_live_change_state);
  element_class->post_message
      = GST_DEBUG_FUNCPTR (gst_gemini_live_post_message);
  element_class->request_new_pad
      = GST_DEBUG_FUNCPTR (gst_gemini_live_request_new_pad);
  element_class->release_pad = GST_DEBUG_FUNCPTR (gst_gemini_live_release_pad);

  gst_element_class_add_static_pad_template (
      element_class, &sink_audio_template);
  gst_element_class_add_static_pad_template (
      element_class, &sink_video_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_add_static_pad_template (
      element_class, &sink_text_template);
  gst_element_class_add_static_pad_template (element_class, &src_text_template);
  gst_element_class_add_static_pad_template (
      element_class, &src_input_text_template);
  gst_element_class_set_static_metadata (element_class, "Gemini Live",
      "Audio/Video/Filter/Network",
      "Talks with Google's Gemini Live API: audio and video in, the model's "
      "audio out, tool calls as signals",
      "gst-gemini-live authors <gst-gemini-live@users.noreply.github.com>");
}
