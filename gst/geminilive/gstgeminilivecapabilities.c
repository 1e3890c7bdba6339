/* gst-gemini-live
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <json-glib/json-glib.h>
#include <string.h>

#include "gstgeminilivecapabilities.h"

#define GEMINI (1u << GST_GEMINI_LIVE_BACKEND_GEMINI_API)
#define VERTEX (1u << GST_GEMINI_LIVE_BACKEND_VERTEX_AI)

typedef enum
{
  NO,      /* refused */
  YES,     /* accepted */
  V1ALPHA, /* on the Gemini API only with api-version=v1alpha */
} Support;

typedef enum
{
  THINKING_NONE,   /* no thinkingConfig */
  THINKING_BUDGET, /* thinking-budget (and include-thoughts) */
  THINKING_LEVEL,  /* thinking-level, minimal to high */
  THINKING_LEVEL_NO_MINIMAL,
} Thinking;

#define TOOL_SEARCH (1u << 0)
#define TOOL_CODE (1u << 1)
#define TOOL_URL (1u << 2)

typedef struct
{
  const gchar *id; /* as after models/ */
  guint backends;
  gboolean text;           /* answers in text (response-modality=text) */
  Support proactive_audio; /* proactive-audio=true */
  Support affective_dialog;
  gboolean non_blocking; /* NON_BLOCKING functions, scheduling, willContinue */
  Thinking thinking;
  gboolean seed_only; /* clientContent only as initial history */
  guint tools;        /* built-in tools: google-search, ... */
  gboolean translation;
  gboolean context_update;
  const gchar *source;
} Model;

/* Half-cascade models: text or audio, code execution, no native-audio
 * features. */
#define HALF_CASCADE                                                           \
  TRUE, NO, NO, FALSE, THINKING_NONE, FALSE, TOOL_SEARCH | TOOL_CODE, FALSE,   \
      FALSE
/* 2.5 native audio: audio only, async functions, thinking budget. */
#define NATIVE_25(features)                                                    \
  FALSE, features, features, TRUE, THINKING_BUDGET, FALSE, TOOL_SEARCH, FALSE, \
      FALSE

/* Sources: "doc" the service's documentation, "sdk" the official SDKs'
 * converters, "rec" recorded traffic, "3p" third-party reports (all as
 * collected in the project's protocol notes). Where nothing is known the
 * row refuses, as the simulator does. */
static const Model models[] = {
  { "gemini-2.0-flash-live-001", GEMINI, HALF_CASCADE,
      "doc: half-cascade, text or audio, code execution" },
  { "gemini-live-2.5-flash-preview", GEMINI, HALF_CASCADE,
      "rec: text answers; doc: code execution on half-cascade models" },
  { "gemini-2.5-flash-preview-native-audio-dialog", GEMINI, NATIVE_25 (V1ALPHA),
      "doc: native audio, proactive audio and affective dialog on v1alpha" },
  { "gemini-2.5-flash-exp-native-audio-thinking-dialog", GEMINI,
      NATIVE_25 (V1ALPHA), "doc: as the 2.5 native-audio dialog model" },
  { "gemini-2.5-flash-native-audio-preview-09-2025", GEMINI,
      NATIVE_25 (V1ALPHA), "doc: as the 2.5 native-audio dialog model" },
  { "gemini-2.5-flash-native-audio-preview-12-2025", GEMINI,
      NATIVE_25 (V1ALPHA),
      "doc: async functions, proactive audio and affective dialog (v1alpha)" },
  { "gemini-2.5-flash-native-audio-latest", GEMINI, NATIVE_25 (V1ALPHA),
      "3p: alias of the latest 2.5 native-audio model" },
  { "gemini-3.1-flash-live-preview", GEMINI, FALSE, NO, NO, FALSE,
      THINKING_LEVEL, TRUE, TOOL_SEARCH, FALSE, FALSE,
      "doc: audio only, no proactive audio or affective dialog, synchronous "
      "functions only, thinking-level, clientContent only as initial "
      "history; 3p: 1007 for clientContent without historyConfig" },
  { "gemini-3.8-live", GEMINI | VERTEX, FALSE, YES, NO, TRUE, THINKING_NONE,
      FALSE, TOOL_SEARCH, FALSE, TRUE,
      "doc: audio, proactive audio always on, affective dialog removed, "
      "NON_BLOCKING by default, no thinking settings, contextUpdate" },
  { "gemini-3.8-live-extended-thinking", GEMINI, FALSE, YES, NO, TRUE,
      THINKING_LEVEL_NO_MINIMAL, FALSE, TOOL_SEARCH, FALSE, TRUE,
      "doc: as gemini-3.8-live, thinking-level low to high" },
  { "gemini-3.5-live-translate-preview", GEMINI, FALSE, NO, NO, FALSE,
      THINKING_NONE, FALSE, 0, TRUE, FALSE,
      "3p: speech-to-speech translation with translationConfig" },
  { "gemini-3.5-transcribe-live", GEMINI, TRUE, NO, NO, FALSE, THINKING_NONE,
      FALSE, 0, FALSE, FALSE, "3p citing doc: streaming transcription" },
  { "gemini-2.0-flash-live-preview-04-09", VERTEX, HALF_CASCADE,
      "rec: Vertex AI recordings, text or audio" },
  { "gemini-live-2.5-flash", VERTEX, HALF_CASCADE,
      "doc: Vertex AI half-cascade model" },
  { "gemini-live-2.5-flash-preview-native-audio-09-2025", VERTEX,
      NATIVE_25 (YES),
      "doc: Vertex AI native audio, proactive audio, affective dialog" },
  { "gemini-live-2.5-flash-native-audio", VERTEX, NATIVE_25 (YES),
      "doc: Vertex AI native audio, as the 09-2025 preview" },
  { "gemini-3.5-transcribe-live-preview", VERTEX, TRUE, NO, NO, FALSE,
      THINKING_NONE, FALSE, 0, FALSE, FALSE,
      "3p: Vertex AI streaming transcription" },
};

static gboolean
is_set (const gchar *str)
{
  return str != NULL && *str != '\0';
}

static gboolean
on_vertex (const GstGeminiLiveConfig *config)
{
  return config->backend == GST_GEMINI_LIVE_BACKEND_VERTEX_AI;
}

/* The bare model id of any of the forms the model property takes. */
static const gchar *
model_id (const GstGeminiLiveConfig *config)
{
  const gchar *model
      = is_set (config->model) ? config->model : GST_GEMINI_LIVE_DEFAULT_MODEL;
  const gchar *slash = g_strrstr (model, "models/");

  return slash != NULL ? slash + strlen ("models/") : model;
}

/* The known model's row; NULL when unknown or the checks are off. */
static const Model *
lookup (const GstGeminiLiveConfig *config)
{
  const gchar *id = model_id (config);
  guint backend = 1u << config->backend;
  guint i;

  if (!config->model_checks)
    return NULL;
  for (i = 0; i < G_N_ELEMENTS (models); i++)
    if ((models[i].backends & backend) && g_str_equal (models[i].id, id))
      return &models[i];
  return NULL;
}

static gboolean refuse (GError **error, const gchar *format, ...)
    G_GNUC_PRINTF (2, 3);

static gboolean
refuse (GError **error, const gchar *format, ...)
{
  va_list args;
  gchar *message;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, GST_GEMINI_LIVE_CONFIG_ERROR,
      GST_GEMINI_LIVE_CONFIG_ERROR_INVALID, message);
  g_free (message);
  return FALSE;
}

/* Whether the function declarations ask for NON_BLOCKING behaviour. */
static gboolean
declares_non_blocking (const GstGeminiLiveConfig *config)
{
  JsonParser *parser;
  gboolean found = FALSE;

  if (!is_set (config->tools_json))
    return FALSE;
  parser = json_parser_new ();
  if (json_parser_load_from_data (parser, config->tools_json, -1, NULL)
      && JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser))) {
    JsonArray *array = json_node_get_array (json_parser_get_root (parser));
    guint i;

    for (i = 0; i < json_array_get_length (array) && !found; i++) {
      JsonNode *node = json_array_get_element (array, i);

      found = JSON_NODE_HOLDS_OBJECT (node)
          && g_strcmp0 (json_object_get_string_member_with_default (
                            json_node_get_object (node), "behavior", NULL),
                 "NON_BLOCKING")
              == 0;
    }
  }
  g_object_unref (parser);
  return found;
}

/* Fields the Gemini API has and Vertex AI refuses (the SDKs' Vertex
 * converters raise on them; peers report the service's refusals). */
static gboolean
check_backend (const GstGeminiLiveConfig *config, GError **error)
{
  const gchar *vertex = "on Vertex AI (backend=vertex-ai): Gemini API only";

  if (!on_vertex (config))
    return TRUE;
  if (is_set (config->translation_target_language))
    return refuse (error,
        "Property 'translation-target-language' is not "
        "available %s",
        vertex);
  if (config->initial_history_in_client_content)
    return refuse (error,
        "Property 'initial-history-in-client-content' is not available %s",
        vertex);
  if (declares_non_blocking (config))
    return refuse (error,
        "Property 'tools': NON_BLOCKING functions are not available %s",
        vertex);
  return TRUE;
}

static gboolean
check_support (const GstGeminiLiveConfig *config, const Model *m,
    Support support, const gchar *property, GError **error)
{
  if (support == NO)
    return refuse (error,
        "Property '%s': model '%s' does not support it (%s; set "
        "model-checks=false to send it anyway)",
        property, m->id, m->source);
  if (support == V1ALPHA && !on_vertex (config)
      && config->api_version != GST_GEMINI_LIVE_API_VERSION_V1ALPHA)
    return refuse (error,
        "Property '%s': model '%s' takes it only with api-version=v1alpha "
        "on the Gemini API",
        property, m->id);
  return TRUE;
}

static gboolean
check_model (const GstGeminiLiveConfig *config, GError **error)
{
  const Model *m = lookup (config);
  const gchar *property = NULL;

  if (m == NULL)
    return TRUE;
  if (config->response_modality == GST_GEMINI_LIVE_RESPONSE_MODALITY_TEXT
      && !m->text)
    return refuse (error,
        "Property 'response-modality': model '%s' answers only with audio "
        "(%s)",
        m->id, m->source);
  if (config->proactive_audio
      && !check_support (
          config, m, m->proactive_audio, "proactive-audio", error))
    return FALSE;
  if (config->affective_dialog
      && !check_support (
          config, m, m->affective_dialog, "affective-dialog", error))
    return FALSE;

  if (config->thinking_level != GST_GEMINI_LIVE_THINKING_LEVEL_UNSET
      && m->thinking != THINKING_LEVEL
      && m->thinking != THINKING_LEVEL_NO_MINIMAL)
    property = "thinking-level";
  else if (config->thinking_level == GST_GEMINI_LIVE_THINKING_LEVEL_MINIMAL
      && m->thinking == THINKING_LEVEL_NO_MINIMAL)
    property = "thinking-level";
  else if (config->thinking_budget >= -1 && m->thinking != THINKING_BUDGET)
    property = "thinking-budget";
  else if (config->include_thoughts && m->thinking == THINKING_NONE)
    property = "include-thoughts";
  if (property != NULL)
    return check_support (config, m, NO, property, error);

  if (!m->non_blocking && declares_non_blocking (config))
    return refuse (error,
        "Property 'tools': model '%s' takes no NON_BLOCKING functions (%s)",
        m->id, m->source);
  if (config->google_search && !(m->tools & TOOL_SEARCH))
    property = "google-search";
  else if (config->code_execution && !(m->tools & TOOL_CODE))
    property = "code-execution";
  else if (config->url_context && !(m->tools & TOOL_URL))
    property = "url-context";
  else if (is_set (config->translation_target_language) && !m->translation)
    property = "translation-target-language";
  if (property != NULL)
    return check_support (config, m, NO, property, error);
  return TRUE;
}

gboolean
gst_gemini_live_capabilities_check (
    const GstGeminiLiveConfig *config, GError **error)
{
  return check_backend (config, error) && check_model (config, error);
}

gboolean
gst_gemini_live_capabilities_client_content (
    const GstGeminiLiveConfig *config, gboolean history_over, const gchar **why)
{
  const Model *m = lookup (config);

  if (m == NULL || !m->seed_only)
    return TRUE;
  if (!config->initial_history_in_client_content) {
    *why = "this model takes client content only as the initial history: "
           "set initial-history-in-client-content=true and send it before "
           "any other input";
    return FALSE;
  }
  if (history_over) {
    *why = "this model takes client content only as the initial history, "
           "before any other input and up to the first complete turn";
    return FALSE;
  }
  return TRUE;
}

gboolean
gst_gemini_live_capabilities_context_update (
    const GstGeminiLiveConfig *config, const gchar **why)
{
  const Model *m = lookup (config);

  if (m == NULL || m->context_update)
    return TRUE;
  *why = "this model takes no contextUpdate (set model-checks=false to send "
         "it anyway)";
  return FALSE;
}

gboolean
gst_gemini_live_capabilities_non_blocking (const GstGeminiLiveConfig *config)
{
  const Model *m = lookup (config);

  if (on_vertex (config))
    return FALSE;
  return m == NULL || m->non_blocking;
}

gboolean
gst_gemini_live_capabilities_audio_stream_end (
    const GstGeminiLiveConfig *config)
{
  return !on_vertex (config);
}
