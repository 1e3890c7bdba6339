/* gst-gemini-live
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The Live API wire protocol as pure functions: the setup config (the
 * session's settings as plain data) and where it connects to, client
 * messages built from the config or a payload, server messages parsed
 * into events. No I/O, no GStreamer objects, no global state; of this
 * project it uses only the JSON module.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define GST_GEMINI_LIVE_INPUT_RATE 16000
#define GST_GEMINI_LIVE_OUTPUT_RATE 24000

#define GST_GEMINI_LIVE_PROTOCOL_ERROR gst_gemini_live_protocol_error_quark ()
GQuark gst_gemini_live_protocol_error_quark (void);

typedef enum
{
  GST_GEMINI_LIVE_PROTOCOL_ERROR_MALFORMED, /* not JSON, not an object */
  GST_GEMINI_LIVE_PROTOCOL_ERROR_INVALID,   /* well-formed, wrong content */
} GstGeminiLiveProtocolError;

/* ---- the setup config ------------------------------------------------ */

typedef enum
{
  GST_GEMINI_LIVE_RESPONSE_MODALITY_AUDIO = 0,
  GST_GEMINI_LIVE_RESPONSE_MODALITY_TEXT = 1,
} GstGeminiLiveResponseModality;

typedef enum
{
  GST_GEMINI_LIVE_API_VERSION_V1 = 0,
  GST_GEMINI_LIVE_API_VERSION_V1BETA = 1,
  GST_GEMINI_LIVE_API_VERSION_V1ALPHA = 2,
} GstGeminiLiveApiVersion;

typedef enum
{
  GST_GEMINI_LIVE_BACKEND_GEMINI_API = 0,
  GST_GEMINI_LIVE_BACKEND_VERTEX_AI = 1,
} GstGeminiLiveBackend;

/* For every enum below, 0 means "not sent: the server's default". */
typedef enum
{
  GST_GEMINI_LIVE_MEDIA_RESOLUTION_UNSET = 0,
  GST_GEMINI_LIVE_MEDIA_RESOLUTION_LOW,
  GST_GEMINI_LIVE_MEDIA_RESOLUTION_MEDIUM,
  GST_GEMINI_LIVE_MEDIA_RESOLUTION_HIGH,
} GstGeminiLiveMediaResolution;

typedef enum
{
  GST_GEMINI_LIVE_THINKING_LEVEL_UNSET = 0,
  GST_GEMINI_LIVE_THINKING_LEVEL_MINIMAL,
  GST_GEMINI_LIVE_THINKING_LEVEL_LOW,
  GST_GEMINI_LIVE_THINKING_LEVEL_MEDIUM,
  GST_GEMINI_LIVE_THINKING_LEVEL_HIGH,
} GstGeminiLiveThinkingLevel;

typedef enum
{
  GST_GEMINI_LIVE_SENSITIVITY_UNSET = 0,
  GST_GEMINI_LIVE_SENSITIVITY_HIGH,
  GST_GEMINI_LIVE_SENSITIVITY_LOW,
} GstGeminiLiveSensitivity;

typedef enum
{
  GST_GEMINI_LIVE_ACTIVITY_HANDLING_UNSET = 0,
  GST_GEMINI_LIVE_ACTIVITY_HANDLING_INTERRUPTS, /* START_OF_ACTIVITY_INTERRUPTS */
  GST_GEMINI_LIVE_ACTIVITY_HANDLING_NO_INTERRUPTION,
} GstGeminiLiveActivityHandling;

typedef enum
{
  GST_GEMINI_LIVE_TURN_COVERAGE_UNSET = 0,
  GST_GEMINI_LIVE_TURN_COVERAGE_ONLY_ACTIVITY,
  GST_GEMINI_LIVE_TURN_COVERAGE_ALL_INPUT,
  GST_GEMINI_LIVE_TURN_COVERAGE_AUDIO_ACTIVITY_AND_ALL_VIDEO,
} GstGeminiLiveTurnCoverage;

typedef enum
{
  GST_GEMINI_LIVE_SCHEDULING_UNSET = 0,
  GST_GEMINI_LIVE_SCHEDULING_SILENT,
  GST_GEMINI_LIVE_SCHEDULING_WHEN_IDLE,
  GST_GEMINI_LIVE_SCHEDULING_INTERRUPT,
} GstGeminiLiveScheduling;

#define GST_GEMINI_LIVE_DEFAULT_HOST "generativelanguage.googleapis.com"
#define GST_GEMINI_LIVE_DEFAULT_URI                                            \
  "wss://" GST_GEMINI_LIVE_DEFAULT_HOST                                        \
  "/ws/google.ai.generativelanguage.v1.GenerativeService.BidiGenerateContent"
#define GST_GEMINI_LIVE_DEFAULT_MODEL "gemini-3.1-flash-live-preview"
#define GST_GEMINI_LIVE_DEFAULT_VERTEX_LOCATION "us-central1"

typedef struct
{
  /* Endpoint and credentials. uri NULL: derived from backend, api_version
   * and vertex_location (GST_GEMINI_LIVE_DEFAULT_URI by default). */
  gchar *uri;
  gchar *api_key; /* never logged; "auth_tokens/..." is an
                                 * ephemeral token */
  GstGeminiLiveApiVersion api_version;
  GstGeminiLiveBackend backend;
  gchar *vertex_project;
  gchar *vertex_location;
  gchar *access_token; /* Vertex OAuth token; never logged */

  gchar *model; /* bare id or models/... or projects/... */
  gchar *system_instruction;

  /* generationConfig */
  GstGeminiLiveResponseModality response_modality;
  gchar *voice; /* NULL: the server's default voice */
  gchar *language_code;
  gdouble temperature;       /* < 0: unset */
  gdouble top_p;             /* < 0: unset */
  gint top_k;                /* < 0: unset */
  gint max_output_tokens;    /* <= 0: unset */
  gint seed;                 /* -1: unset */
  gint candidate_count;      /* <= 0: unset */
  gdouble presence_penalty;  /* 0: unset */
  gdouble frequency_penalty; /* 0: unset */
  GstGeminiLiveMediaResolution media_resolution;
  GstGeminiLiveThinkingLevel thinking_level;
  gint thinking_budget; /* < -1: unset; -1 dynamic; 0 off */
  gboolean include_thoughts;
  gboolean affective_dialog;          /* FALSE: not sent */
  gchar *translation_target_language; /* NULL: no translationConfig */
  gboolean translation_echo_target;

  /* realtimeInputConfig */
  gboolean automatic_activity_detection; /* FALSE: disabled=true */
  GstGeminiLiveSensitivity start_sensitivity;
  GstGeminiLiveSensitivity end_sensitivity;
  gint prefix_padding_ms;   /* < 0: unset */
  gint silence_duration_ms; /* < 0: unset */
  GstGeminiLiveActivityHandling activity_handling;
  GstGeminiLiveTurnCoverage turn_coverage;

  /* Session */
  gboolean session_resumption;
  gchar *resumption_handle;        /* resume this session when set */
  gboolean transparent_resumption; /* Vertex only */
  gboolean context_window_compression;
  gint64 compression_trigger_tokens; /* 0: server default */
  gint64 compression_target_tokens;  /* 0: server default */
  gboolean input_transcription;
  gboolean output_transcription;
  gchar *input_transcription_languages; /* comma-separated BCP-47 hints */
  gchar *output_transcription_languages;
  gboolean proactive_audio; /* FALSE: not sent */
  gboolean initial_history_in_client_content;

  /* Tools */
  gchar *tools_json; /* JSON array of FunctionDeclaration */
  gboolean google_search;
  gboolean code_execution;
  gboolean url_context;

  /* A JSON object deep-merged into "setup" last: fields newer than this
   * release. */
  gchar *setup_extra_json;

  /* Check what a known model accepts (gstgeminilivecapabilities.h). */
  gboolean model_checks;
} GstGeminiLiveConfig;

void gst_gemini_live_config_init (GstGeminiLiveConfig *config);
void gst_gemini_live_config_clear (GstGeminiLiveConfig *config);
/* Deep copy; dest is overwritten without being freed (clear it first). */
void gst_gemini_live_config_copy (
    GstGeminiLiveConfig *dest, const GstGeminiLiveConfig *src);

/* "models/<id>" on the Gemini API, the full
 * "projects/P/locations/L/publishers/google/models/<id>" on Vertex AI
 * ("publishers/google/models/<id>" in express mode, without a project),
 * unchanged if the model is already a resource path. */
gchar *gst_gemini_live_protocol_model_path (const GstGeminiLiveConfig *config);

/* The WebSocket URI to connect to and the one authentication header to
 * send (name and value, both NULL when the credential travels in the
 * URI, as an ephemeral token's access_token does):
 * - Gemini API key: x-goog-api-key, method BidiGenerateContent;
 * - ephemeral token (api_key "auth_tokens/..."): method
 *   BidiGenerateContentConstrained with ?access_token=;
 * - Vertex AI with access_token: Authorization: Bearer, LlmBidiService on
 *   {location}-aiplatform.googleapis.com (aiplatform.googleapis.com for
 *   "global"); Vertex express mode (api_key, no project): x-goog-api-key.
 * An explicit uri is kept (an ephemeral token still adds access_token).
 * Ephemeral tokens are documented on v1alpha only: api_version V1 (the
 * default, indistinguishable from an explicit v1) means v1alpha for them,
 * V1BETA is honoured. Vertex maps V1 to v1 and the others to v1beta1. */
gchar *gst_gemini_live_protocol_endpoint (const GstGeminiLiveConfig *config,
    gchar **header_name, gchar **header_value);

/* ---- client -> server ---------------------------------------------- */

/* Every field of the config at its place, unset ones omitted, then
 * setup_extra_json deep-merged into "setup" (objects merge recursively,
 * any other value replaces). Build only from a validated config: invalid
 * tools or setup-extra JSON are left out here. */
gchar *gst_gemini_live_protocol_build_setup (const GstGeminiLiveConfig *config);
/* realtimeInput.audio, mimeType audio/pcm;rate=<rate> */
gchar *gst_gemini_live_protocol_build_audio (
    const guint8 *pcm, gsize size, guint rate);
/* realtimeInput.video, mimeType e.g. image/jpeg */
gchar *gst_gemini_live_protocol_build_video (
    const guint8 *data, gsize size, const gchar *mime_type);
gchar *gst_gemini_live_protocol_build_audio_stream_end (void);
/* realtimeInput.text */
gchar *gst_gemini_live_protocol_build_realtime_text (const gchar *text);
/* toolResponse with one functionResponse; response_json must be a JSON
 * object (a non-object value is wrapped as {"result": value}). Same as
 * build_tool_response_full() with no scheduling, willContinue or error. */
gchar *gst_gemini_live_protocol_build_tool_response (const gchar *id,
    const gchar *name, const gchar *response_json, GError **error);
/* toolResponse with one functionResponse. id NULL: none (Vertex). The
 * response is response_json as above; with is_error it reports a failure:
 * a JSON object with an "error" member goes as is, other JSON is wrapped
 * as {"error": value}, text that is not JSON (a plain message) as
 * {"error": "text"}, NULL as {"error": "failed"}. scheduling (UNSET: not
 * sent) and willContinue (sent only when TRUE) are siblings of
 * "response" (PROTOCOL.md §3.4); both are for NON_BLOCKING functions. */
gchar *gst_gemini_live_protocol_build_tool_response_full (const gchar *id,
    const gchar *name, const gchar *response_json,
    GstGeminiLiveScheduling scheduling, gboolean will_continue,
    gboolean is_error, GError **error);
/* clientContent. turns_json is a JSON array of Content objects, one
 * Content object, or, when it does not start with '[' or '{', plain text
 * sent as one user turn ({"parts":[{"text":...}],"role":"user"}, as the
 * SDKs send a string). NULL or
 * empty: no turns (with turn_complete, "generate now"). turnComplete is
 * sent only when TRUE. NULL and error for JSON that is malformed or not
 * Content. */
gchar *gst_gemini_live_protocol_build_client_content (
    const gchar *turns_json, gboolean turn_complete, GError **error);
/* realtimeInput.activityStart / activityEnd ({}), for manual activity
 * detection (automatic-activity-detection=false). */
gchar *gst_gemini_live_protocol_build_activity_start (void);
gchar *gst_gemini_live_protocol_build_activity_end (void);
/* contextUpdate (PROTOCOL.md §0.1, §3.5) from a config: its system
 * instruction and/or all its tools (function declarations and built-in
 * tools, an empty list clearing them), as a setup would carry them. */
gchar *gst_gemini_live_protocol_build_context_update (
    const GstGeminiLiveConfig *config, gboolean system_instruction,
    gboolean tools);
/* Reads a JSON array of FunctionDeclaration (as the "tools" property) or
 * of Tool objects ({"functionDeclarations":[...]}, {"googleSearch":{}},
 * ...) into the declarations (a JSON array, new) and the built-in tools
 * it names. FALSE and error for bad JSON or an unknown kind of tool. */
gboolean gst_gemini_live_protocol_read_tools (const gchar *tools_json,
    gchar **declarations_json, gboolean *google_search,
    gboolean *code_execution, gboolean *url_context, GError **error);

/* ---- server -> client ---------------------------------------------- */

/* Each kind's named fields, in this order (GVariant type in brackets; a
 * NULL string is "ms" Nothing). The names are those of the element's
 * geminilive/<kind> bus messages. */
typedef enum
{
  /* session-id (ms: Vertex's sessionId), json (s: the whole object, only
   * when it has more than sessionId) */
  GST_GEMINI_LIVE_EVENT_SETUP_COMPLETE,
  /* no fields: the PCM (s16le mono 24 kHz) is in audio */
  GST_GEMINI_LIVE_EVENT_AUDIO,
  /* text (s): a model text part */
  GST_GEMINI_LIVE_EVENT_TEXT,
  /* text (s), finished (b), language-code (s, when sent) */
  GST_GEMINI_LIVE_EVENT_INPUT_TRANSCRIPTION,
  GST_GEMINI_LIVE_EVENT_OUTPUT_TRANSCRIPTION,
  /* id (ms: Vertex may leave it out), name (s), args (s: a JSON object),
   * will-continue (b: Vertex streams the arguments, more follows) */
  GST_GEMINI_LIVE_EVENT_TOOL_CALL,
  /* ids (as) */
  GST_GEMINI_LIVE_EVENT_TOOL_CALL_CANCELLATION,
  GST_GEMINI_LIVE_EVENT_INTERRUPTED,
  GST_GEMINI_LIVE_EVENT_GENERATION_COMPLETE,
  /* reason (ms: turnCompleteReason) */
  GST_GEMINI_LIVE_EVENT_TURN_COMPLETE,
  /* prompt-token-count, response-token-count (Vertex:
   * candidatesTokenCount), total-token-count, thoughts-token-count,
   * cached-content-token-count, tool-use-prompt-token-count (x, -1 when
   * absent), json (s: usageMetadata with the per-modality details) */
  GST_GEMINI_LIVE_EVENT_USAGE,
  /* time-left (t: nanoseconds, G_MAXUINT64 when absent) */
  GST_GEMINI_LIVE_EVENT_GO_AWAY,
  /* handle (ms: NULL when not resumable), resumable (b),
   * last-consumed-client-message-index (x, -1 when absent) */
  GST_GEMINI_LIVE_EVENT_SESSION_RESUMPTION_UPDATE,
  /* text (s): a part of the message was ignored, and why */
  GST_GEMINI_LIVE_EVENT_WARNING,
  /* text (s): a thought-summary part */
  GST_GEMINI_LIVE_EVENT_THOUGHT,
  /* language (ms), code (s) */
  GST_GEMINI_LIVE_EVENT_EXECUTABLE_CODE,
  /* outcome (ms), output (s) */
  GST_GEMINI_LIVE_EVENT_CODE_EXECUTION_RESULT,
  /* json (s) */
  GST_GEMINI_LIVE_EVENT_GROUNDING_METADATA,
  GST_GEMINI_LIVE_EVENT_URL_CONTEXT_METADATA,
  /* text (s), finished (b), language-code (s, when sent) */
  GST_GEMINI_LIVE_EVENT_INTERIM_INPUT_TRANSCRIPTION,
  GST_GEMINI_LIVE_EVENT_WAITING_FOR_INPUT,
  /* text (s): IN_PROGRESS, ... */
  GST_GEMINI_LIVE_EVENT_INTERACTION_STATUS,
  /* type (s: ACTIVITY_START, ...), audio-offset (t: ns, G_MAXUINT64 when
   * absent) */
  GST_GEMINI_LIVE_EVENT_VOICE_ACTIVITY,
  /* text (s: VAD_SIGNAL_TYPE_SOS, ...) */
  GST_GEMINI_LIVE_EVENT_VAD_SIGNAL,
  /* json (ms: the error, unless it was a bare string), message (ms),
   * code (x, -1 when absent) */
  GST_GEMINI_LIVE_EVENT_SERVER_ERROR,
} GstGeminiLiveEventType;

typedef struct
{
  GstGeminiLiveEventType type;
  GVariant *fields; /* a{sv}, the kind's named fields; never NULL */
  GBytes *audio;    /* AUDIO only */
} GstGeminiLiveEvent;

void gst_gemini_live_event_free (GstGeminiLiveEvent *event);
/* "setup-complete", "tool-call", ...: the kind's name. */
const gchar *gst_gemini_live_event_type_nick (GstGeminiLiveEventType type);

/* A named field: the string (NULL when absent or Nothing; valid as long
 * as the event), the boolean (FALSE when absent), the integer (-1 when
 * absent) or the duration (G_MAXUINT64 when absent). */
const gchar *gst_gemini_live_event_get_string (
    const GstGeminiLiveEvent *event, const gchar *name);
gboolean gst_gemini_live_event_get_boolean (
    const GstGeminiLiveEvent *event, const gchar *name);
gint64 gst_gemini_live_event_get_int64 (
    const GstGeminiLiveEvent *event, const gchar *name);
guint64 gst_gemini_live_event_get_uint64 (
    const GstGeminiLiveEvent *event, const gchar *name);
/* A string list field, new (NULL when absent). */
GStrv gst_gemini_live_event_dup_strv (
    const GstGeminiLiveEvent *event, const gchar *name);

/* Parses one server frame (text or binary, compact or pretty-printed).
 * Every top-level field is handled, unknown ones are ignored. Returns an
 * array of events (free func set) in this order: setupComplete (json: the
 * object when it has more than sessionId), voiceActivity,
 * voiceActivityDetectionSignal, then serverContent's interrupted,
 * interimInputTranscription, inputTranscription, modelTurn parts in
 * order (audio, text, thought, executableCode, codeExecutionResult),
 * outputTranscription, groundingMetadata, urlContextMetadata,
 * generationComplete, waitingForInput, interactionStatus, turnComplete
 * (the turn's flags come before it, so a turnComplete handler knows
 * them), then toolCall (flag: Vertex willContinue), toolCallCancellation,
 * usageMetadata, sessionResumptionUpdate, goAway, error. A frame with
 * none of the known members but an error payload ({"code":..,
 * "message":..}) is a SERVER_ERROR too. Audio in a message that also says
 * interrupted is dropped; thought parts never come out as TEXT or AUDIO.
 * Returns NULL and sets error when the frame is not a JSON object. */
GPtrArray *gst_gemini_live_protocol_parse (
    const gchar *data, gsize size, GError **error);

/* The same events for the one shape most server frames have, an answer's
 * audio chunk ({"serverContent":{"modelTurn":{["role":..,]"parts":
 * [{"inlineData":{"mimeType":"audio/pcm..","data":..}}]}}}, any
 * whitespace), read without a JSON tree. NULL for anything else, which
 * gst_gemini_live_protocol_parse() then parses in full. */
GPtrArray *gst_gemini_live_protocol_parse_plain_audio (
    const gchar *data, gsize size);

/* "50s", "9.5s" -> nanoseconds; FALSE if not a Duration. */
gboolean gst_gemini_live_protocol_parse_duration (
    const gchar *str, guint64 *out_ns);

G_END_DECLS
