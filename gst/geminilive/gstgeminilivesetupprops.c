/* gst-gemini-live
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>

#include "gstgeminilivesetupprops.h"
#include "gstgeminiliveenums.h"

#define FLAGS                                                                  \
  (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY)

typedef enum
{
  KIND_STRING,
  KIND_SECRET, /* a string that can be written, never read */
  KIND_BOOLEAN,
  KIND_INT,
  KIND_INT64,
  KIND_DOUBLE,
  KIND_ENUM,
} Kind;

typedef struct
{
  const gchar *name;
  const gchar *nick;
  const gchar *blurb;
  Kind kind;
  gsize offset;
  gdouble min, max, def; /* numbers, booleans (def) */
  const gchar *def_string;
  GType (*enum_type) (void);
} SetupProp;

#define OFF(field) G_STRUCT_OFFSET (GstGeminiLiveConfig, field)
#define STR(n, k, b, f)                                                        \
  {                                                                            \
    n, k, b, KIND_STRING, OFF (f), 0, 0, 0, NULL, NULL                         \
  }
#define STRD(n, k, b, f, d)                                                    \
  {                                                                            \
    n, k, b, KIND_STRING, OFF (f), 0, 0, 0, d, NULL                            \
  }
#define BOOL(n, k, b, f, d)                                                    \
  {                                                                            \
    n, k, b, KIND_BOOLEAN, OFF (f), 0, 1, d, NULL, NULL                        \
  }
#define INT(n, k, b, f, lo, hi, d)                                             \
  {                                                                            \
    n, k, b, KIND_INT, OFF (f), lo, hi, d, NULL, NULL                          \
  }
#define INT64(n, k, b, f, lo, hi, d)                                           \
  {                                                                            \
    n, k, b, KIND_INT64, OFF (f), lo, hi, d, NULL, NULL                        \
  }
#define DBL(n, k, b, f, lo, hi, d)                                             \
  {                                                                            \
    n, k, b, KIND_DOUBLE, OFF (f), lo, hi, d, NULL, NULL                       \
  }
#define ENUM(n, k, b, f, t, d)                                                 \
  {                                                                            \
    n, k, b, KIND_ENUM, OFF (f), 0, 0, d, NULL, t                              \
  }

/* Order matters only for the property ids; append new ones at the end. */
static const SetupProp props[] = {
  { "api-key", "API key",
      "Gemini API key, or an ephemeral token (auth_tokens/...), or a Vertex "
      "AI express-mode key (default: $GEMINI_API_KEY, else "
      "$GOOGLE_API_KEY); write-only, never logged",
      KIND_SECRET, OFF (api_key), 0, 0, 0, NULL, NULL },
  STR ("uri", "URI",
      "Live API WebSocket endpoint (default NULL: derived from backend, "
      "api-version and vertex-location; for the Gemini API "
      "v1: " GST_GEMINI_LIVE_DEFAULT_URI ")",
      uri),
  ENUM ("api-version", "API version", "API version of the endpoint",
      api_version, gst_gemini_live_api_version_get_type,
      GST_GEMINI_LIVE_API_VERSION_V1),
  ENUM ("backend", "Backend", "Gemini API or Vertex AI", backend,
      gst_gemini_live_backend_get_type, GST_GEMINI_LIVE_BACKEND_GEMINI_API),
  STR ("vertex-project", "Vertex project", "Google Cloud project for Vertex AI",
      vertex_project),
  STRD ("vertex-location", "Vertex location",
      "Vertex AI location, e.g. us-central1 or global", vertex_location,
      GST_GEMINI_LIVE_DEFAULT_VERTEX_LOCATION),
  { "access-token", "Access token",
      "OAuth 2 access token for Vertex AI (sent as Authorization: Bearer); "
      "write-only, never logged",
      KIND_SECRET, OFF (access_token), 0, 0, 0, NULL, NULL },
  STRD ("model", "Model",
      "Live model id (sent as models/<id>, or the full Vertex resource name) "
      "or a resource name",
      model, GST_GEMINI_LIVE_DEFAULT_MODEL),
  STR ("system-instruction", "System instruction",
      "Instructions that steer the model for the whole session",
      system_instruction),
  ENUM ("response-modality", "Response modality", "What the model answers with",
      response_modality, gst_gemini_live_response_modality_get_type,
      GST_GEMINI_LIVE_RESPONSE_MODALITY_AUDIO),
  STR ("voice", "Voice",
      "Prebuilt voice name (e.g. Puck, Kore, Zephyr); NULL: the model's "
      "default",
      voice),
  STR ("language-code", "Language code",
      "Speech language (BCP-47, e.g. en-US); native-audio models choose "
      "themselves",
      language_code),
  DBL ("temperature", "Temperature",
      "Sampling temperature (-1: server default)", temperature, -1, 2, -1),
  DBL ("top-p", "Top P", "Nucleus sampling (-1: server default)", top_p, -1, 1,
      -1),
  INT ("top-k", "Top K", "Top-k sampling (-1: server default)", top_k, -1,
      G_MAXINT, -1),
  INT ("max-output-tokens", "Max output tokens",
      "Longest answer in tokens (0: server default)", max_output_tokens, 0,
      G_MAXINT, 0),
  INT ("seed", "Seed", "Sampling seed (-1: not sent)", seed, -1, G_MAXINT, -1),
  INT ("candidate-count", "Candidate count",
      "Number of candidates (0: server default)", candidate_count, 0, 8, 0),
  DBL ("presence-penalty", "Presence penalty", "Presence penalty (0: not sent)",
      presence_penalty, -2, 2, 0),
  DBL ("frequency-penalty", "Frequency penalty",
      "Frequency penalty (0: not sent)", frequency_penalty, -2, 2, 0),
  ENUM ("media-resolution", "Media resolution", "Tokens spent per video frame",
      media_resolution, gst_gemini_live_media_resolution_get_type,
      GST_GEMINI_LIVE_MEDIA_RESOLUTION_UNSET),
  ENUM ("thinking-level", "Thinking level",
      "How much the model thinks (3.x models)", thinking_level,
      gst_gemini_live_thinking_level_get_type,
      GST_GEMINI_LIVE_THINKING_LEVEL_UNSET),
  INT ("thinking-budget", "Thinking budget",
      "Thinking tokens (2.5 models; -2: not sent, -1: dynamic, 0: off)",
      thinking_budget, -2, G_MAXINT, -2),
  BOOL ("include-thoughts", "Include thoughts",
      "Ask for thought summaries (posted as geminilive/thought, never "
      "played or shown as the answer)",
      include_thoughts, FALSE),
  BOOL ("affective-dialog", "Affective dialog",
      "Let the model adapt its tone to the user's (2.5 native audio, "
      "v1alpha)",
      affective_dialog, FALSE),
  STR ("translation-target-language", "Translation target language",
      "Speech-to-speech translation into this language (translate models)",
      translation_target_language),
  BOOL ("translation-echo-target", "Translation echo target",
      "Also repeat speech already in the target language",
      translation_echo_target, FALSE),
  BOOL ("automatic-activity-detection", "Automatic activity detection",
      "The server detects when the user speaks; FALSE: activityStart and "
      "activityEnd come from the element (see manual-activity-source)",
      automatic_activity_detection, TRUE),
  ENUM ("start-sensitivity", "Start of speech sensitivity",
      "How readily the server detects the start of speech", start_sensitivity,
      gst_gemini_live_sensitivity_get_type, GST_GEMINI_LIVE_SENSITIVITY_UNSET),
  ENUM ("end-sensitivity", "End of speech sensitivity",
      "How readily the server detects the end of speech", end_sensitivity,
      gst_gemini_live_sensitivity_get_type, GST_GEMINI_LIVE_SENSITIVITY_UNSET),
  INT ("prefix-padding", "Prefix padding",
      "Speech in ms needed before a start is committed (-1: server "
      "default)",
      prefix_padding_ms, -1, 10000, -1),
  INT ("silence-duration", "Silence duration",
      "Silence in ms that ends the user's turn (-1: server default)",
      silence_duration_ms, -1, 60000, -1),
  ENUM ("activity-handling", "Activity handling",
      "Whether user speech interrupts the model", activity_handling,
      gst_gemini_live_activity_handling_get_type,
      GST_GEMINI_LIVE_ACTIVITY_HANDLING_UNSET),
  ENUM ("turn-coverage", "Turn coverage",
      "Which input counts as part of the user's turn", turn_coverage,
      gst_gemini_live_turn_coverage_get_type,
      GST_GEMINI_LIVE_TURN_COVERAGE_UNSET),
  BOOL ("session-resumption", "Session resumption",
      "Receive resumption handles from the server (needed to reconnect "
      "without losing the conversation)",
      session_resumption, TRUE),
  BOOL ("transparent-resumption", "Transparent resumption",
      "Vertex AI only: the server reports which input it has consumed, so "
      "exactly the rest is resent after a reconnect",
      transparent_resumption, FALSE),
  BOOL ("context-window-compression", "Context window compression",
      "Slide the context window so sessions can outlast the context limit "
      "(15 min audio, 2 min video)",
      context_window_compression, FALSE),
  INT64 ("compression-trigger-tokens", "Compression trigger tokens",
      "Context size that triggers compression (0: server default)",
      compression_trigger_tokens, 0, G_MAXINT64, 0),
  INT64 ("compression-target-tokens", "Compression target tokens",
      "Context size compression cuts down to (0: server default)",
      compression_target_tokens, 0, G_MAXINT64, 0),
  BOOL ("input-transcription", "Input transcription",
      "Transcribe the user's speech", input_transcription, FALSE),
  BOOL ("output-transcription", "Output transcription",
      "Transcribe the model's speech", output_transcription, FALSE),
  STR ("input-transcription-languages", "Input transcription languages",
      "Comma-separated BCP-47 language hints for the user's transcript",
      input_transcription_languages),
  STR ("output-transcription-languages", "Output transcription languages",
      "Comma-separated BCP-47 language hints for the model's transcript",
      output_transcription_languages),
  BOOL ("proactive-audio", "Proactive audio",
      "Let the model stay silent when the input is not for it", proactive_audio,
      FALSE),
  BOOL ("initial-history-in-client-content", "Initial history",
      "The first clientContent turns seed the history without an answer "
      "(needed for clientContent on 3.1 models)",
      initial_history_in_client_content, FALSE),
  STR ("tools", "Tools",
      "Function declarations as a JSON array of FunctionDeclaration objects "
      "(a \"behavior\" of NON_BLOCKING makes a call asynchronous)",
      tools_json),
  BOOL ("google-search", "Google Search",
      "Let the model search the web (grounding metadata is posted)",
      google_search, FALSE),
  BOOL ("code-execution", "Code execution",
      "Let the model run code (older models)", code_execution, FALSE),
  BOOL ("url-context", "URL context", "Let the model read web pages",
      url_context, FALSE),
  STR ("setup-extra", "Setup extra",
      "A JSON object deep-merged into the setup message, for fields newer "
      "than this element",
      setup_extra_json),
  BOOL ("model-checks", "Model checks",
      "Refuse settings a known model does not take (unknown models are "
      "never checked; the backend's own rules always are)",
      model_checks, TRUE),
};

void
gst_gemini_live_setup_props_install (GObjectClass *klass)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (props); i++) {
    const SetupProp *p = &props[i];
    GParamSpec *pspec = NULL;

    switch (p->kind) {
      case KIND_STRING:
        pspec = g_param_spec_string (
            p->name, p->nick, p->blurb, p->def_string, FLAGS);
        break;
      case KIND_SECRET:
        pspec = g_param_spec_string (p->name, p->nick, p->blurb, NULL,
            G_PARAM_WRITABLE | G_PARAM_STATIC_STRINGS
                | GST_PARAM_MUTABLE_READY);
        break;
      case KIND_BOOLEAN:
        pspec = g_param_spec_boolean (
            p->name, p->nick, p->blurb, p->def != 0, FLAGS);
        break;
      case KIND_INT:
        pspec = g_param_spec_int (p->name, p->nick, p->blurb, (gint)p->min,
            (gint)p->max, (gint)p->def, FLAGS);
        break;
      case KIND_INT64:
        pspec = g_param_spec_int64 (p->name, p->nick, p->blurb, (gint64)p->min,
            p->max >= (gdouble)G_MAXINT64 ? G_MAXINT64 : (gint64)p->max,
            (gint64)p->def, FLAGS);
        break;
      case KIND_DOUBLE:
        pspec = g_param_spec_double (
            p->name, p->nick, p->blurb, p->min, p->max, p->def, FLAGS);
        break;
      case KIND_ENUM:
        pspec = g_param_spec_enum (
            p->name, p->nick, p->blurb, p->enum_type (), (gint)p->def, FLAGS);
        break;
    }
    g_object_class_install_property (
        klass, GST_GEMINI_LIVE_SETUP_PROP_BASE + i, pspec);
  }
}

static const SetupProp *
lookup (guint prop_id)
{
  if (prop_id < GST_GEMINI_LIVE_SETUP_PROP_BASE
      || prop_id >= GST_GEMINI_LIVE_SETUP_PROP_BASE + G_N_ELEMENTS (props))
    return NULL;
  return &props[prop_id - GST_GEMINI_LIVE_SETUP_PROP_BASE];
}

gboolean
gst_gemini_live_setup_props_set (
    GstGeminiLiveConfig *config, guint prop_id, const GValue *value)
{
  const SetupProp *p = lookup (prop_id);
  gpointer field;

  if (p == NULL)
    return FALSE;
  field = G_STRUCT_MEMBER_P (config, p->offset);
  switch (p->kind) {
    case KIND_STRING:
    case KIND_SECRET:
      g_free (*(gchar **)field);
      *(gchar **)field = g_value_dup_string (value);
      /* An unset string goes back to its default. */
      if (*(gchar **)field == NULL && p->def_string != NULL)
        *(gchar **)field = g_strdup (p->def_string);
      break;
    case KIND_BOOLEAN:
      *(gboolean *)field = g_value_get_boolean (value);
      break;
    case KIND_INT:
      *(gint *)field = g_value_get_int (value);
      break;
    case KIND_INT64:
      *(gint64 *)field = g_value_get_int64 (value);
      break;
    case KIND_DOUBLE:
      *(gdouble *)field = g_value_get_double (value);
      break;
    case KIND_ENUM:
      *(gint *)field = g_value_get_enum (value);
      break;
  }
  return TRUE;
}

gboolean
gst_gemini_live_setup_props_get (
    const GstGeminiLiveConfig *config, guint prop_id, GValue *value)
{
  const SetupProp *p = lookup (prop_id);
  gconstpointer field;

  if (p == NULL)
    return FALSE;
  field = G_STRUCT_MEMBER_P ((gpointer)config, p->offset);
  switch (p->kind) {
    case KIND_STRING:
      g_value_set_string (value, *(gchar *const *)field);
      break;
    case KIND_SECRET:
      /* Never handed out. */
      g_value_set_string (value, NULL);
      break;
    case KIND_BOOLEAN:
      g_value_set_boolean (value, *(const gboolean *)field);
      break;
    case KIND_INT:
      g_value_set_int (value, *(const gint *)field);
      break;
    case KIND_INT64:
      g_value_set_int64 (value, *(const gint64 *)field);
      break;
    case KIND_DOUBLE:
      g_value_set_double (value, *(const gdouble *)field);
      break;
    case KIND_ENUM:
      g_value_set_enum (value, *(const gint *)field);
      break;
  }
  return TRUE;
}
