/* gst-gemini-live
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The session setup as a plain struct, filled from the element's
 * properties, validated before anything is sent.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

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

#define GST_GEMINI_LIVE_CONFIG_ERROR gst_gemini_live_config_error_quark ()
GQuark gst_gemini_live_config_error_quark (void);

typedef enum
{
  GST_GEMINI_LIVE_CONFIG_ERROR_INVALID, /* a property has a bad value */
} GstGeminiLiveConfigError;

void gst_gemini_live_config_init (GstGeminiLiveConfig *config);
void gst_gemini_live_config_clear (GstGeminiLiveConfig *config);
/* Deep copy; dest is overwritten without being freed (clear it first). */
void gst_gemini_live_config_copy (
    GstGeminiLiveConfig *dest, const GstGeminiLiveConfig *src);

/* Checks everything that can be checked before connecting; the error
 * (GST_GEMINI_LIVE_CONFIG_ERROR_INVALID) names the property at fault and
 * never contains the API key. Empty optional strings count as unset. */
gboolean gst_gemini_live_config_validate (
    const GstGeminiLiveConfig *config, GError **error);

/* "models/<id>" on the Gemini API, the full
 * "projects/P/locations/L/publishers/google/models/<id>" on Vertex AI
 * ("publishers/google/models/<id>" in express mode, without a project),
 * unchanged if the model is already a resource path. */
gchar *gst_gemini_live_config_model_path (const GstGeminiLiveConfig *config);

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
gchar *gst_gemini_live_config_endpoint (const GstGeminiLiveConfig *config,
    gchar **header_name, gchar **header_value);

/* The API key from the property, else GEMINI_API_KEY, else GOOGLE_API_KEY. */
gchar *gst_gemini_live_config_resolve_api_key (const gchar *property_value);

G_END_DECLS
