/* gst-gemini-live
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The Live API wire protocol as pure functions: client messages built from
 * a setup config or a payload, server messages parsed into typed events.
 * No I/O, no GStreamer objects, no global state.
 */
#pragma once

#include <glib.h>
#include "gstgeminiliveconfig.h"

G_BEGIN_DECLS

#define GST_GEMINI_LIVE_INPUT_RATE 16000
#define GST_GEMINI_LIVE_OUTPUT_RATE 24000

#define GST_GEMINI_LIVE_PROTOCOL_ERROR gst_gemini_live_protocol_error_quark ()
GQuark gst_gemini_live_protocol_error_quark (void);

typedef enum
{
  GST_GEMINI_LIVE_PROTOCOL_ERROR_MALFORMED,     /* not JSON, not an object */
  GST_GEMINI_LIVE_PROTOCOL_ERROR_INVALID,       /* well-formed, wrong content */
} GstGeminiLiveProtocolError;

/* ---- client -> server ---------------------------------------------- */

gchar *gst_gemini_live_protocol_build_setup (const GstGeminiLiveConfig * config);
/* realtimeInput.audio, mimeType audio/pcm;rate=<rate> */
gchar *gst_gemini_live_protocol_build_audio (const guint8 * pcm, gsize size,
    guint rate);
/* realtimeInput.video, mimeType e.g. image/jpeg */
gchar *gst_gemini_live_protocol_build_video (const guint8 * data, gsize size,
    const gchar * mime_type);
gchar *gst_gemini_live_protocol_build_audio_stream_end (void);
/* realtimeInput.text */
gchar *gst_gemini_live_protocol_build_realtime_text (const gchar * text);
/* toolResponse with one functionResponse; response_json must be a JSON
 * object (a non-object value is wrapped as {"result": value}). */
gchar *gst_gemini_live_protocol_build_tool_response (const gchar * id,
    const gchar * name, const gchar * response_json, GError ** error);

/* ---- server -> client ---------------------------------------------- */

typedef enum
{
  GST_GEMINI_LIVE_EVENT_SETUP_COMPLETE,  /* text: sessionId or NULL */
  GST_GEMINI_LIVE_EVENT_AUDIO,           /* audio: s16le mono 24 kHz */
  GST_GEMINI_LIVE_EVENT_TEXT,            /* text: a model text part */
  GST_GEMINI_LIVE_EVENT_INPUT_TRANSCRIPTION,     /* text, flag: finished */
  GST_GEMINI_LIVE_EVENT_OUTPUT_TRANSCRIPTION,    /* text, flag: finished */
  GST_GEMINI_LIVE_EVENT_TOOL_CALL,       /* id, text: name, json: args */
  GST_GEMINI_LIVE_EVENT_TOOL_CALL_CANCELLATION,  /* ids */
  GST_GEMINI_LIVE_EVENT_INTERRUPTED,
  GST_GEMINI_LIVE_EVENT_GENERATION_COMPLETE,
  GST_GEMINI_LIVE_EVENT_TURN_COMPLETE,   /* text: turnCompleteReason or NULL */
  GST_GEMINI_LIVE_EVENT_USAGE,           /* json: usageMetadata, counts */
  GST_GEMINI_LIVE_EVENT_GO_AWAY,         /* time_left */
  GST_GEMINI_LIVE_EVENT_SESSION_RESUMPTION_UPDATE,       /* text: handle,
                                                         * flag: resumable,
                                                         * index */
  GST_GEMINI_LIVE_EVENT_WARNING,         /* text: a non-fatal problem */
} GstGeminiLiveEventType;

typedef struct
{
  GstGeminiLiveEventType type;
  gchar *text;
  gchar *id;
  gchar *json;
  GBytes *audio;
  GStrv ids;
  gboolean flag;
  gint64 index;                 /* -1 when absent */
  guint64 time_left;            /* GO_AWAY: nanoseconds, GST_CLOCK_TIME_NONE-like G_MAXUINT64 when absent */
  gint64 prompt_tokens;         /* USAGE; -1 when absent */
  gint64 response_tokens;       /* USAGE: responseTokenCount or Vertex candidatesTokenCount */
  gint64 total_tokens;
} GstGeminiLiveEvent;

void gst_gemini_live_event_free (GstGeminiLiveEvent * event);
const gchar *gst_gemini_live_event_type_nick (GstGeminiLiveEventType type);

/* Parses one server frame (text or binary, compact or pretty-printed).
 * Every top-level field is handled, unknown ones are ignored. Returns an
 * array of events (free func set) in this order: setupComplete,
 * interrupted, inputTranscription, modelTurn parts, outputTranscription,
 * generationComplete, turnComplete, toolCall, toolCallCancellation,
 * usageMetadata, sessionResumptionUpdate, goAway. Audio in a message that
 * also says interrupted is dropped. Returns NULL and sets error when the
 * frame is not a JSON object. */
GPtrArray *gst_gemini_live_protocol_parse (const gchar * data, gsize size,
    GError ** error);

/* Deepest nesting of arrays/objects accepted in any JSON handled here. */
#define GST_GEMINI_LIVE_PROTOCOL_MAX_DEPTH 64

/* TRUE if the JSON text nests at most max_depth arrays/objects. A cheap
 * scan (brackets outside strings) that keeps hostile input away from
 * json-glib's recursive parser; it does not validate the JSON. */
gboolean gst_gemini_live_protocol_check_depth (const gchar * data, gsize size,
    guint max_depth);

/* "50s", "9.5s" -> nanoseconds; FALSE if not a Duration. */
gboolean gst_gemini_live_protocol_parse_duration (const gchar * str,
    guint64 * out_ns);

G_END_DECLS
