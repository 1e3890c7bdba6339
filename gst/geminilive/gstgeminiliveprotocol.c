/* gst-gemini-live
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gstgeminiliveprotocol.h"
#include "gstgeminilivehotpath.h"
#include "gstgeminilivejson.h"

#include <string.h>
#include <json-glib/json-glib.h>

/* How much of a bad frame is quoted in an error message. */
#define SNIPPET_CHARS 64

#define NSEC_PER_SEC G_GUINT64_CONSTANT (1000000000)

GQuark
gst_gemini_live_protocol_error_quark (void)
{
  return g_quark_from_static_string ("gst-gemini-live-protocol-error-quark");
}

static gboolean
is_set (const gchar *str)
{
  return str != NULL && *str != '\0';
}

/* ---- the setup config ------------------------------------------------ */

static void
free_secret (gchar *secret)
{
  if (secret != NULL)
    memset (secret, 0, strlen (secret));
  g_free (secret);
}

void
gst_gemini_live_config_init (GstGeminiLiveConfig *config)
{
  g_return_if_fail (config != NULL);

  memset (config, 0, sizeof (*config));
  /* uri NULL: derived by gst_gemini_live_protocol_endpoint(). */
  config->api_version = GST_GEMINI_LIVE_API_VERSION_V1;
  config->backend = GST_GEMINI_LIVE_BACKEND_GEMINI_API;
  config->vertex_location = g_strdup (GST_GEMINI_LIVE_DEFAULT_VERTEX_LOCATION);
  config->model = g_strdup (GST_GEMINI_LIVE_DEFAULT_MODEL);
  config->response_modality = GST_GEMINI_LIVE_RESPONSE_MODALITY_AUDIO;
  config->temperature = -1;
  config->top_p = -1;
  config->top_k = -1;
  config->seed = -1;
  config->thinking_budget = -2;
  config->automatic_activity_detection = TRUE;
  config->prefix_padding_ms = -1;
  config->silence_duration_ms = -1;
  config->session_resumption = TRUE;
  config->model_checks = TRUE;
}

void
gst_gemini_live_config_clear (GstGeminiLiveConfig *config)
{
  g_return_if_fail (config != NULL);

  g_free (config->uri);
  /* Credentials should not linger in freed heap memory. */
  free_secret (config->api_key);
  free_secret (config->access_token);
  g_free (config->vertex_project);
  g_free (config->vertex_location);
  g_free (config->model);
  g_free (config->system_instruction);
  g_free (config->voice);
  g_free (config->language_code);
  g_free (config->translation_target_language);
  g_free (config->resumption_handle);
  g_free (config->input_transcription_languages);
  g_free (config->output_transcription_languages);
  g_free (config->tools_json);
  g_free (config->setup_extra_json);
  memset (config, 0, sizeof (*config));
}

void
gst_gemini_live_config_copy (
    GstGeminiLiveConfig *dest, const GstGeminiLiveConfig *src)
{
  g_return_if_fail (dest != NULL);
  g_return_if_fail (src != NULL);
  g_return_if_fail (dest != src);

  *dest = *src;
  dest->uri = g_strdup (src->uri);
  dest->api_key = g_strdup (src->api_key);
  dest->vertex_project = g_strdup (src->vertex_project);
  dest->vertex_location = g_strdup (src->vertex_location);
  dest->access_token = g_strdup (src->access_token);
  dest->model = g_strdup (src->model);
  dest->system_instruction = g_strdup (src->system_instruction);
  dest->voice = g_strdup (src->voice);
  dest->language_code = g_strdup (src->language_code);
  dest->translation_target_language
      = g_strdup (src->translation_target_language);
  dest->resumption_handle = g_strdup (src->resumption_handle);
  dest->input_transcription_languages
      = g_strdup (src->input_transcription_languages);
  dest->output_transcription_languages
      = g_strdup (src->output_transcription_languages);
  dest->tools_json = g_strdup (src->tools_json);
  dest->setup_extra_json = g_strdup (src->setup_extra_json);
}

static gboolean
is_ephemeral_token (const gchar *key)
{
  return key != NULL && g_str_has_prefix (key, "auth_tokens/");
}

/* Vertex with a project (OAuth); without one it is express mode (key). */
static gboolean
is_vertex_express (const GstGeminiLiveConfig *config)
{
  return config->backend == GST_GEMINI_LIVE_BACKEND_VERTEX_AI
      && !is_set (config->vertex_project);
}

static const gchar *
vertex_location (const GstGeminiLiveConfig *config)
{
  return is_set (config->vertex_location)
      ? config->vertex_location
      : GST_GEMINI_LIVE_DEFAULT_VERTEX_LOCATION;
}

gchar *
gst_gemini_live_protocol_model_path (const GstGeminiLiveConfig *config)
{
  const gchar *model;

  g_return_val_if_fail (config != NULL, NULL);

  model
      = is_set (config->model) ? config->model : GST_GEMINI_LIVE_DEFAULT_MODEL;
  /* A resource path given by the user is passed through as given. */
  if (g_str_has_prefix (model, "models/")
      || g_str_has_prefix (model, "projects/")
      || g_str_has_prefix (model, "publishers/"))
    return g_strdup (model);
  if (config->backend == GST_GEMINI_LIVE_BACKEND_VERTEX_AI) {
    if (is_vertex_express (config))
      return g_strconcat ("publishers/google/models/", model, NULL);
    return g_strdup_printf ("projects/%s/locations/%s/publishers/google/"
                            "models/%s",
        config->vertex_project, vertex_location (config), model);
  }
  return g_strconcat ("models/", model, NULL);
}

static const gchar *
gemini_api_version (GstGeminiLiveApiVersion version)
{
  switch (version) {
    case GST_GEMINI_LIVE_API_VERSION_V1BETA:
      return "v1beta";
    case GST_GEMINI_LIVE_API_VERSION_V1ALPHA:
      return "v1alpha";
    case GST_GEMINI_LIVE_API_VERSION_V1:
    default:
      return "v1";
  }
}

static gchar *
vertex_host (const GstGeminiLiveConfig *config)
{
  const gchar *location = vertex_location (config);

  /* Express mode and the global location have no regional host; the
   * multi-regions have their own (§1.2). */
  if (is_vertex_express (config)
      || g_ascii_strcasecmp (location, "global") == 0)
    return g_strdup ("aiplatform.googleapis.com");
  if (g_ascii_strcasecmp (location, "us") == 0
      || g_ascii_strcasecmp (location, "eu") == 0)
    return g_strdup_printf ("aiplatform.%s.rep.googleapis.com", location);
  return g_strdup_printf ("%s-aiplatform.googleapis.com", location);
}

/* Appends access_token=<token> to the query. The token is put in
 * verbatim: the '/' of "auth_tokens/..." is not escaped (§0.1); anything
 * that would break the query is. */
static gchar *
add_access_token (const gchar *uri, const gchar *token)
{
  gchar *escaped = g_uri_escape_string (token, "/", FALSE);
  const gchar *hash = strchr (uri, '#');
  gsize base_len = hash != NULL ? (gsize)(hash - uri) : strlen (uri);
  gchar *base = g_strndup (uri, base_len);
  const gchar *sep;
  gchar *result;

  if (strchr (base, '?') == NULL)
    sep = "?";
  else if (g_str_has_suffix (base, "?") || g_str_has_suffix (base, "&"))
    sep = "";
  else
    sep = "&";
  result = g_strconcat (
      base, sep, "access_token=", escaped, hash != NULL ? hash : "", NULL);
  g_free (base);
  g_free (escaped);
  return result;
}

gchar *
gst_gemini_live_protocol_endpoint (const GstGeminiLiveConfig *config,
    gchar **header_name, gchar **header_value)
{
  gboolean ephemeral;
  gchar *uri = NULL;
  gchar *name = NULL;
  gchar *value = NULL;

  g_return_val_if_fail (config != NULL, NULL);

  ephemeral = config->backend == GST_GEMINI_LIVE_BACKEND_GEMINI_API
      && is_ephemeral_token (config->api_key);

  if (config->backend == GST_GEMINI_LIVE_BACKEND_VERTEX_AI) {
    gchar *host = vertex_host (config);
    /* Vertex has v1 and v1beta1; v1beta and v1alpha both mean the
     * preview surface. */
    const gchar *version = config->api_version == GST_GEMINI_LIVE_API_VERSION_V1
        ? "v1"
        : "v1beta1";

    if (!is_set (config->uri))
      uri = g_strdup_printf ("wss://%s/ws/google.cloud.aiplatform.%s."
                             "LlmBidiService/BidiGenerateContent",
          host, version);
    g_free (host);
    if (!is_vertex_express (config) && is_set (config->access_token)) {
      name = g_strdup ("Authorization");
      value = g_strconcat ("Bearer ", config->access_token, NULL);
    } else if (is_set (config->api_key)) {
      name = g_strdup ("x-goog-api-key");
      value = g_strdup (config->api_key);
    }
  } else if (ephemeral) {
    /* Ephemeral tokens are documented on v1alpha only (§1.1); the
     * default version (v1, which cannot be told from an explicit v1)
     * therefore means v1alpha here, an explicit v1beta is honoured. */
    const gchar *version
        = config->api_version == GST_GEMINI_LIVE_API_VERSION_V1BETA ? "v1beta"
                                                                    : "v1alpha";

    if (!is_set (config->uri))
      uri = g_strdup_printf ("wss://" GST_GEMINI_LIVE_DEFAULT_HOST
                             "/ws/google.ai.generativelanguage.%s."
                             "GenerativeService."
                             "BidiGenerateContentConstrained",
          version);
  } else {
    if (!is_set (config->uri))
      uri = g_strdup_printf ("wss://" GST_GEMINI_LIVE_DEFAULT_HOST
                             "/ws/google.ai.generativelanguage.%s."
                             "GenerativeService.BidiGenerateContent",
          gemini_api_version (config->api_version));
    if (is_set (config->api_key)) {
      name = g_strdup ("x-goog-api-key");
      value = g_strdup (config->api_key);
    } else if (is_set (config->access_token)) {
      name = g_strdup ("Authorization");
      value = g_strconcat ("Bearer ", config->access_token, NULL);
    }
  }

  if (uri == NULL)
    uri = g_strdup (config->uri);
  if (ephemeral) {
    gchar *with_token = add_access_token (uri, config->api_key);

    g_free (uri);
    uri = with_token;
  }

  if (header_name != NULL)
    *header_name = name;
  else
    g_free (name);
  if (header_value != NULL)
    *header_value = value;
  else
    free_secret (value);
  return uri;
}

/* ---- client -> server ---------------------------------------------- */

/* json-glib copies bytes as they are; the server would reject a frame that
 * is not UTF-8, so bad input is repaired rather than sent. */
static void
add_utf8_string_value (JsonBuilder *builder, const gchar *str)
{
  if (g_utf8_validate (str, -1, NULL)) {
    json_builder_add_string_value (builder, str);
  } else {
    gchar *valid = g_utf8_make_valid (str, -1);

    json_builder_add_string_value (builder, valid);
    g_free (valid);
  }
}

/* -- setup -- */

/* The message built, and the builder gone. */
static gchar *
finish_builder (JsonBuilder *builder)
{
  gchar *json
      = gst_gemini_live_json_write_take (json_builder_get_root (builder));

  g_object_unref (builder);
  return json;
}

static void
begin_member_object (JsonBuilder *builder, const gchar *name)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_object (builder);
}

static void
add_empty_object (JsonBuilder *builder, const gchar *name)
{
  begin_member_object (builder, name);
  json_builder_end_object (builder);
}

static void
add_string_member (JsonBuilder *builder, const gchar *name, const gchar *value)
{
  json_builder_set_member_name (builder, name);
  add_utf8_string_value (builder, value);
}

static void
add_boolean_member (JsonBuilder *builder, const gchar *name, gboolean value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_boolean_value (builder, value);
}

static void
add_text_content (JsonBuilder *builder, const gchar *text)
{
  /* The shape the SDKs send for a plain-string instruction. */
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "parts");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  add_string_member (builder, "text", text);
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  add_string_member (builder, "role", "user");
  json_builder_end_object (builder);
}

static const gchar *
enum_nick (gint value, const gchar *const *names, guint n_names)
{
  return value > 0 && (guint)value < n_names ? names[value] : NULL;
}

#define ENUM_NAME(value, names)                                                \
  enum_nick ((gint)(value), names, G_N_ELEMENTS (names))

static const gchar *const media_resolution_names[] = { NULL,
  "MEDIA_RESOLUTION_LOW", "MEDIA_RESOLUTION_MEDIUM", "MEDIA_RESOLUTION_HIGH" };

static const gchar *const thinking_level_names[]
    = { NULL, "MINIMAL", "LOW", "MEDIUM", "HIGH" };

static const gchar *const start_sensitivity_names[]
    = { NULL, "START_SENSITIVITY_HIGH", "START_SENSITIVITY_LOW" };

static const gchar *const end_sensitivity_names[]
    = { NULL, "END_SENSITIVITY_HIGH", "END_SENSITIVITY_LOW" };

static const gchar *const activity_handling_names[]
    = { NULL, "START_OF_ACTIVITY_INTERRUPTS", "NO_INTERRUPTION" };

static const gchar *const turn_coverage_names[]
    = { NULL, "TURN_INCLUDES_ONLY_ACTIVITY", "TURN_INCLUDES_ALL_INPUT",
        "TURN_INCLUDES_AUDIO_ACTIVITY_AND_ALL_VIDEO" };

static const gchar *const scheduling_names[]
    = { NULL, "SILENT", "WHEN_IDLE", "INTERRUPT" };

static void
build_generation_config (
    JsonBuilder *builder, const GstGeminiLiveConfig *config)
{
  const gchar *name;

  begin_member_object (builder, "generationConfig");
  /* Always sent: Vertex needs it, and it is explicit on the Gemini API. */
  json_builder_set_member_name (builder, "responseModalities");
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder,
      config->response_modality == GST_GEMINI_LIVE_RESPONSE_MODALITY_TEXT
          ? "TEXT"
          : "AUDIO");
  json_builder_end_array (builder);

  if (is_set (config->voice) || is_set (config->language_code)) {
    begin_member_object (builder, "speechConfig");
    if (is_set (config->voice)) {
      begin_member_object (builder, "voiceConfig");
      begin_member_object (builder, "prebuiltVoiceConfig");
      add_string_member (builder, "voiceName", config->voice);
      json_builder_end_object (builder);
      json_builder_end_object (builder);
    }
    if (is_set (config->language_code))
      add_string_member (builder, "languageCode", config->language_code);
    json_builder_end_object (builder);
  }

  /* Sampling knobs: negative (or zero, per field) means unset. */
  if (!(config->temperature < 0)) {
    json_builder_set_member_name (builder, "temperature");
    json_builder_add_double_value (builder, config->temperature);
  }
  if (!(config->top_p < 0)) {
    json_builder_set_member_name (builder, "topP");
    json_builder_add_double_value (builder, config->top_p);
  }
  if (config->top_k >= 0) {
    json_builder_set_member_name (builder, "topK");
    json_builder_add_int_value (builder, config->top_k);
  }
  if (config->max_output_tokens > 0) {
    json_builder_set_member_name (builder, "maxOutputTokens");
    json_builder_add_int_value (builder, config->max_output_tokens);
  }
  if (config->seed != -1) {
    json_builder_set_member_name (builder, "seed");
    json_builder_add_int_value (builder, config->seed);
  }
  if (config->candidate_count > 0) {
    json_builder_set_member_name (builder, "candidateCount");
    json_builder_add_int_value (builder, config->candidate_count);
  }
  if (config->presence_penalty != 0) {
    json_builder_set_member_name (builder, "presencePenalty");
    json_builder_add_double_value (builder, config->presence_penalty);
  }
  if (config->frequency_penalty != 0) {
    json_builder_set_member_name (builder, "frequencyPenalty");
    json_builder_add_double_value (builder, config->frequency_penalty);
  }

  name = ENUM_NAME (config->media_resolution, media_resolution_names);
  if (name != NULL)
    add_string_member (builder, "mediaResolution", name);

  name = ENUM_NAME (config->thinking_level, thinking_level_names);
  if (name != NULL || config->thinking_budget >= -1
      || config->include_thoughts) {
    begin_member_object (builder, "thinkingConfig");
    if (name != NULL)
      add_string_member (builder, "thinkingLevel", name);
    if (config->thinking_budget >= -1) {
      json_builder_set_member_name (builder, "thinkingBudget");
      json_builder_add_int_value (builder, config->thinking_budget);
    }
    if (config->include_thoughts) {
      add_boolean_member (builder, "includeThoughts", TRUE);
    }
    json_builder_end_object (builder);
  }

  if (config->affective_dialog) {
    add_boolean_member (builder, "enableAffectiveDialog", TRUE);
  }

  if (is_set (config->translation_target_language)) {
    begin_member_object (builder, "translationConfig");
    add_string_member (
        builder, "targetLanguageCode", config->translation_target_language);
    /* Sent either way: the translate model's documented setup has it. */
    add_boolean_member (
        builder, "echoTargetLanguage", config->translation_echo_target);
    json_builder_end_object (builder);
  }
  json_builder_end_object (builder);
}

static void
build_realtime_input_config (
    JsonBuilder *builder, const GstGeminiLiveConfig *config)
{
  const gchar *start
      = ENUM_NAME (config->start_sensitivity, start_sensitivity_names);
  const gchar *end = ENUM_NAME (config->end_sensitivity, end_sensitivity_names);
  const gchar *handling
      = ENUM_NAME (config->activity_handling, activity_handling_names);
  const gchar *coverage
      = ENUM_NAME (config->turn_coverage, turn_coverage_names);
  gboolean detection = !config->automatic_activity_detection || start != NULL
      || end != NULL || config->prefix_padding_ms >= 0
      || config->silence_duration_ms >= 0;

  if (!detection && handling == NULL && coverage == NULL)
    return;

  begin_member_object (builder, "realtimeInputConfig");
  if (detection) {
    begin_member_object (builder, "automaticActivityDetection");
    if (!config->automatic_activity_detection) {
      add_boolean_member (builder, "disabled", TRUE);
    }
    if (start != NULL)
      add_string_member (builder, "startOfSpeechSensitivity", start);
    if (end != NULL)
      add_string_member (builder, "endOfSpeechSensitivity", end);
    if (config->prefix_padding_ms >= 0) {
      json_builder_set_member_name (builder, "prefixPaddingMs");
      json_builder_add_int_value (builder, config->prefix_padding_ms);
    }
    if (config->silence_duration_ms >= 0) {
      json_builder_set_member_name (builder, "silenceDurationMs");
      json_builder_add_int_value (builder, config->silence_duration_ms);
    }
    json_builder_end_object (builder);
  }
  if (handling != NULL)
    add_string_member (builder, "activityHandling", handling);
  if (coverage != NULL)
    add_string_member (builder, "turnCoverage", coverage);
  json_builder_end_object (builder);
}

/* int64 fields go as strings, like the SDKs send them (§2). */
static void
add_int64_string_member (JsonBuilder *builder, const gchar *name, gint64 value)
{
  gchar buf[32];

  g_snprintf (buf, sizeof (buf), "%" G_GINT64_FORMAT, value);
  add_string_member (builder, name, buf);
}

static void
add_transcription_config (
    JsonBuilder *builder, const gchar *name, const gchar *languages)
{
  begin_member_object (builder, name);
  if (is_set (languages)) {
    gchar **codes = g_strsplit (languages, ",", -1);
    guint i;

    json_builder_set_member_name (builder, "languageCodes");
    json_builder_begin_array (builder);
    for (i = 0; codes[i] != NULL; i++) {
      g_strstrip (codes[i]);
      if (*codes[i] != '\0')
        add_utf8_string_value (builder, codes[i]);
    }
    json_builder_end_array (builder);
    g_strfreev (codes);
  }
  json_builder_end_object (builder);
}

/* Objects merge member by member, recursively; anything else in src
 * replaces what dest has. dest must be mutable; src is only read. */
static void
deep_merge (JsonObject *dest, JsonObject *src)
{
  GList *members = json_object_get_members (src), *l;

  for (l = members; l != NULL; l = l->next) {
    const gchar *name = l->data;
    JsonNode *value = json_object_get_member (src, name);
    JsonNode *existing = json_object_get_member (dest, name);

    if (existing != NULL && JSON_NODE_HOLDS_OBJECT (existing)
        && JSON_NODE_HOLDS_OBJECT (value)
        && !json_object_is_immutable (json_node_get_object (existing)))
      deep_merge (
          json_node_get_object (existing), json_node_get_object (value));
    else
      json_object_set_member (dest, name, json_node_copy (value));
  }
  g_list_free (members);
}

/* The Tool objects of a config: its function declarations (tools, a
 * parsed array, or NULL; taken), then its built-in tools. */
static void
add_tools (
    JsonBuilder *builder, const GstGeminiLiveConfig *config, JsonNode *tools)
{
  json_builder_begin_array (builder);
  if (tools != NULL) {
    json_builder_begin_object (builder);
    json_builder_set_member_name (builder, "functionDeclarations");
    json_builder_add_value (builder, tools); /* takes ownership */
    json_builder_end_object (builder);
  }
  if (config->google_search) {
    json_builder_begin_object (builder);
    add_empty_object (builder, "googleSearch");
    json_builder_end_object (builder);
  }
  if (config->code_execution) {
    json_builder_begin_object (builder);
    add_empty_object (builder, "codeExecution");
    json_builder_end_object (builder);
  }
  if (config->url_context) {
    json_builder_begin_object (builder);
    add_empty_object (builder, "urlContext");
    json_builder_end_object (builder);
  }
  json_builder_end_array (builder);
}

/* A config's function declarations as a parsed array, or NULL. */
static JsonNode *
declarations_of (const GstGeminiLiveConfig *config)
{
  JsonNode *tools;

  /* Validation reports bad JSON; here it is only left out. */
  if (!is_set (config->tools_json))
    return NULL;
  tools = gst_gemini_live_json_parse (config->tools_json, NULL);
  if (tools != NULL && !JSON_NODE_HOLDS_ARRAY (tools))
    g_clear_pointer (&tools, json_node_unref);
  return tools;
}

gchar *
gst_gemini_live_protocol_build_setup (const GstGeminiLiveConfig *config)
{
  JsonBuilder *builder;
  JsonNode *tools = NULL, *extra = NULL, *root;
  gchar *model;

  g_return_val_if_fail (config != NULL, NULL);

  tools = declarations_of (config);
  if (is_set (config->setup_extra_json)) {
    extra = gst_gemini_live_json_parse (config->setup_extra_json, NULL);
    if (extra != NULL && !JSON_NODE_HOLDS_OBJECT (extra))
      g_clear_pointer (&extra, json_node_unref);
  }

  model = gst_gemini_live_protocol_model_path (config);
  /* Mutable: setup-extra is merged into the tree afterwards. */
  builder = json_builder_new ();

  json_builder_begin_object (builder);
  begin_member_object (builder, "setup");

  add_string_member (builder, "model", model);
  build_generation_config (builder, config);

  if (is_set (config->system_instruction)) {
    json_builder_set_member_name (builder, "systemInstruction");
    add_text_content (builder, config->system_instruction);
  }

  if (tools != NULL || config->google_search || config->code_execution
      || config->url_context) {
    json_builder_set_member_name (builder, "tools");
    add_tools (builder, config, tools);
  }

  build_realtime_input_config (builder, config);

  if (config->session_resumption) {
    begin_member_object (builder, "sessionResumption");
    if (is_set (config->resumption_handle))
      add_string_member (builder, "handle", config->resumption_handle);
    if (config->transparent_resumption) {
      add_boolean_member (builder, "transparent", TRUE);
    }
    json_builder_end_object (builder);
  }

  if (config->context_window_compression) {
    begin_member_object (builder, "contextWindowCompression");
    if (config->compression_trigger_tokens > 0)
      add_int64_string_member (
          builder, "triggerTokens", config->compression_trigger_tokens);
    /* {"slidingWindow":{}} selects the sliding window with defaults. */
    begin_member_object (builder, "slidingWindow");
    if (config->compression_target_tokens > 0)
      add_int64_string_member (
          builder, "targetTokens", config->compression_target_tokens);
    json_builder_end_object (builder);
    json_builder_end_object (builder);
  }

  /* Members of setup: inside generationConfig the server closes with 1007. */
  if (config->input_transcription)
    add_transcription_config (builder, "inputAudioTranscription",
        config->input_transcription_languages);
  if (config->output_transcription)
    add_transcription_config (builder, "outputAudioTranscription",
        config->output_transcription_languages);

  if (config->proactive_audio) {
    begin_member_object (builder, "proactivity");
    add_boolean_member (builder, "proactiveAudio", TRUE);
    json_builder_end_object (builder);
  }
  if (config->initial_history_in_client_content) {
    begin_member_object (builder, "historyConfig");
    add_boolean_member (builder, "initialHistoryInClientContent", TRUE);
    json_builder_end_object (builder);
  }

  json_builder_end_object (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  g_object_unref (builder);
  if (extra != NULL) {
    deep_merge (
        json_object_get_object_member (json_node_get_object (root), "setup"),
        json_node_get_object (extra));
    json_node_unref (extra);
  }

  g_free (model);
  return gst_gemini_live_json_write_take (root);
}

gchar *
gst_gemini_live_protocol_build_audio (const guint8 *pcm, gsize size, guint rate)
{
  gchar mime[32];

  g_return_val_if_fail (pcm != NULL || size == 0, NULL);
  g_return_val_if_fail (rate > 0, NULL);

  g_snprintf (mime, sizeof (mime), "audio/pcm;rate=%u", rate);
  return gst_gemini_live_hotpath_build_media ("audio", mime, pcm, size);
}

gchar *
gst_gemini_live_protocol_build_video (
    const guint8 *data, gsize size, const gchar *mime_type)
{
  g_return_val_if_fail (data != NULL || size == 0, NULL);
  g_return_val_if_fail (is_set (mime_type), NULL);

  return gst_gemini_live_hotpath_build_media ("video", mime_type, data, size);
}

gchar *
gst_gemini_live_protocol_build_audio_stream_end (void)
{
  return g_strdup ("{\"realtimeInput\":{\"audioStreamEnd\":true}}");
}

gchar *
gst_gemini_live_protocol_build_realtime_text (const gchar *text)
{
  JsonBuilder *builder;

  g_return_val_if_fail (text != NULL, NULL);

  builder = json_builder_new_immutable ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "realtimeInput");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "text");
  add_utf8_string_value (builder, text);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  return finish_builder (builder);
}

/* The "response" of a failed call: see the header. Takes ownership of
 * nothing; returns a new node. */
static JsonNode *
error_response (const gchar *response_json)
{
  JsonNode *parsed = NULL, *wrapped;
  JsonObject *object;

  if (response_json != NULL)
    parsed = gst_gemini_live_json_parse (response_json, NULL);
  if (parsed != NULL && JSON_NODE_HOLDS_OBJECT (parsed)
      && json_object_has_member (json_node_get_object (parsed), "error"))
    return parsed;

  object = json_object_new ();
  if (parsed != NULL) {
    json_object_set_member (object, "error", parsed);
  } else {
    gchar *text = g_utf8_make_valid (
        response_json != NULL ? response_json : "failed", -1);

    json_object_set_string_member (object, "error", text);
    g_free (text);
  }
  wrapped = json_node_init_object (json_node_alloc (), object);
  json_object_unref (object);
  return wrapped;
}

gchar *
gst_gemini_live_protocol_build_tool_response_full (const gchar *id,
    const gchar *name, const gchar *response_json,
    GstGeminiLiveScheduling scheduling, gboolean will_continue,
    gboolean is_error, GError **error)
{
  JsonBuilder *builder;
  JsonNode *response;
  GError *parse_error = NULL;
  const gchar *scheduling_name = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!is_set (name)) {
    g_set_error_literal (error, GST_GEMINI_LIVE_PROTOCOL_ERROR,
        GST_GEMINI_LIVE_PROTOCOL_ERROR_INVALID,
        "A tool response needs the function name");
    return NULL;
  }
  if (scheduling != GST_GEMINI_LIVE_SCHEDULING_UNSET) {
    scheduling_name = ENUM_NAME (scheduling, scheduling_names);
    if (scheduling_name == NULL) {
      g_set_error (error, GST_GEMINI_LIVE_PROTOCOL_ERROR,
          GST_GEMINI_LIVE_PROTOCOL_ERROR_INVALID,
          "Unknown tool response scheduling %d", (gint)scheduling);
      return NULL;
    }
  }

  if (is_error) {
    response = error_response (response_json);
  } else if (response_json == NULL) {
    JsonObject *empty = json_object_new ();

    response = json_node_init_object (json_node_alloc (), empty);
    json_object_unref (empty);
  } else {
    response = gst_gemini_live_json_parse (response_json, &parse_error);
    if (response == NULL) {
      gchar *shown = g_utf8_make_valid (name, -1);

      g_set_error (error, GST_GEMINI_LIVE_PROTOCOL_ERROR,
          GST_GEMINI_LIVE_PROTOCOL_ERROR_INVALID,
          "Response for tool call '%s': %s", shown, parse_error->message);
      g_free (shown);
      g_error_free (parse_error);
      return NULL;
    }
  }

  builder = json_builder_new_immutable ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "toolResponse");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "functionResponses");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  /* Vertex calls may come without an id; the answer then has none. */
  if (id != NULL)
    add_string_member (builder, "id", id);
  add_string_member (builder, "name", name);
  json_builder_set_member_name (builder, "response");
  if (JSON_NODE_HOLDS_OBJECT (response)) {
    json_builder_add_value (builder, response);
  } else {
    /* FunctionResponse.response is a Struct: wrap scalars and arrays. */
    json_builder_begin_object (builder);
    json_builder_set_member_name (builder, "result");
    json_builder_add_value (builder, response);
    json_builder_end_object (builder);
  }
  /* Siblings of response (proto, SDK), not members of it (§3.4). */
  if (scheduling_name != NULL)
    add_string_member (builder, "scheduling", scheduling_name);
  if (will_continue) {
    add_boolean_member (builder, "willContinue", TRUE);
  }
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  return finish_builder (builder);
}

gchar *
gst_gemini_live_protocol_build_tool_response (const gchar *id,
    const gchar *name, const gchar *response_json, GError **error)
{
  return gst_gemini_live_protocol_build_tool_response_full (id, name,
      response_json, GST_GEMINI_LIVE_SCHEDULING_UNSET, FALSE, FALSE, error);
}

/* Checks one Content object of clientContent.turns. */
static gboolean
check_content (JsonNode *node, guint index, GError **error)
{
  JsonObject *content;
  JsonNode *member;

  if (!JSON_NODE_HOLDS_OBJECT (node)) {
    g_set_error (error, GST_GEMINI_LIVE_PROTOCOL_ERROR,
        GST_GEMINI_LIVE_PROTOCOL_ERROR_INVALID,
        "Client content turn %u: not a Content object", index);
    return FALSE;
  }
  content = json_node_get_object (node);
  member = json_object_get_member (content, "parts");
  if (member == NULL || !JSON_NODE_HOLDS_ARRAY (member)) {
    g_set_error (error, GST_GEMINI_LIVE_PROTOCOL_ERROR,
        GST_GEMINI_LIVE_PROTOCOL_ERROR_INVALID,
        "Client content turn %u: needs a \"parts\" array", index);
    return FALSE;
  }
  member = json_object_get_member (content, "role");
  if (member != NULL
      && (!JSON_NODE_HOLDS_VALUE (member)
          || json_node_get_value_type (member) != G_TYPE_STRING
          || (g_strcmp0 (json_node_get_string (member), "user") != 0
              && g_strcmp0 (json_node_get_string (member), "model") != 0))) {
    g_set_error (error, GST_GEMINI_LIVE_PROTOCOL_ERROR,
        GST_GEMINI_LIVE_PROTOCOL_ERROR_INVALID,
        "Client content turn %u: \"role\" must be \"user\" or \"model\"",
        index);
    return FALSE;
  }
  return TRUE;
}

static gboolean
looks_like_json (const gchar *text)
{
  while (g_ascii_isspace (*text))
    text++;
  return *text == '[' || *text == '{';
}

gchar *
gst_gemini_live_protocol_build_client_content (
    const gchar *turns_json, gboolean turn_complete, GError **error)
{
  JsonBuilder *builder;
  JsonNode *turns = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (is_set (turns_json) && looks_like_json (turns_json)) {
    GError *parse_error = NULL;

    turns = gst_gemini_live_json_parse (turns_json, &parse_error);
    if (turns == NULL) {
      g_set_error (error, GST_GEMINI_LIVE_PROTOCOL_ERROR,
          GST_GEMINI_LIVE_PROTOCOL_ERROR_INVALID, "Client content: %s",
          parse_error->message);
      g_error_free (parse_error);
      return NULL;
    }
    if (JSON_NODE_HOLDS_ARRAY (turns)) {
      JsonArray *array = json_node_get_array (turns);
      guint i, n = json_array_get_length (array);

      for (i = 0; i < n; i++) {
        if (!check_content (json_array_get_element (array, i), i, error)) {
          json_node_unref (turns);
          return NULL;
        }
      }
    } else if (!check_content (turns, 0, error)) {
      json_node_unref (turns);
      return NULL;
    }
  }

  builder = json_builder_new_immutable ();
  json_builder_begin_object (builder);
  begin_member_object (builder, "clientContent");
  if (turns != NULL) {
    json_builder_set_member_name (builder, "turns");
    if (JSON_NODE_HOLDS_ARRAY (turns)) {
      json_builder_add_value (builder, turns);
    } else {
      json_builder_begin_array (builder);
      json_builder_add_value (builder, turns);
      json_builder_end_array (builder);
    }
  } else if (is_set (turns_json)) {
    /* Plain text: one user turn, as the SDKs send a string. */
    json_builder_set_member_name (builder, "turns");
    json_builder_begin_array (builder);
    add_text_content (builder, turns_json);
    json_builder_end_array (builder);
  }
  if (turn_complete) {
    add_boolean_member (builder, "turnComplete", TRUE);
  }
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  return finish_builder (builder);
}

gchar *
gst_gemini_live_protocol_build_activity_start (void)
{
  return g_strdup ("{\"realtimeInput\":{\"activityStart\":{}}}");
}

gchar *
gst_gemini_live_protocol_build_activity_end (void)
{
  return g_strdup ("{\"realtimeInput\":{\"activityEnd\":{}}}");
}

/* TRUE if every element has a "name": FunctionDeclarations rather than
 * Tool objects. Sets error for elements that are not objects or have a
 * bad name. */
static gboolean
check_tools_array (JsonArray *array, gboolean *declarations, GError **error)
{
  guint i, n = json_array_get_length (array);
  guint named = 0;

  for (i = 0; i < n; i++) {
    JsonNode *element = json_array_get_element (array, i);
    JsonNode *name;

    if (!JSON_NODE_HOLDS_OBJECT (element)) {
      g_set_error (error, GST_GEMINI_LIVE_PROTOCOL_ERROR,
          GST_GEMINI_LIVE_PROTOCOL_ERROR_INVALID,
          "Tools: element %u is not an object", i);
      return FALSE;
    }
    name = json_object_get_member (json_node_get_object (element), "name");
    if (name == NULL)
      continue;
    if (!JSON_NODE_HOLDS_VALUE (name)
        || json_node_get_value_type (name) != G_TYPE_STRING
        || !is_set (json_node_get_string (name))) {
      g_set_error (error, GST_GEMINI_LIVE_PROTOCOL_ERROR,
          GST_GEMINI_LIVE_PROTOCOL_ERROR_INVALID,
          "Tools: element %u: \"name\" must be a non-empty string", i);
      return FALSE;
    }
    named++;
  }
  if (named != 0 && named != n) {
    g_set_error_literal (error, GST_GEMINI_LIVE_PROTOCOL_ERROR,
        GST_GEMINI_LIVE_PROTOCOL_ERROR_INVALID,
        "Tools: mixes function declarations (with \"name\") and Tool "
        "objects");
    return FALSE;
  }
  *declarations = named > 0;
  return TRUE;
}

gboolean
gst_gemini_live_protocol_read_tools (const gchar *tools_json,
    gchar **declarations_json, gboolean *google_search,
    gboolean *code_execution, gboolean *url_context, GError **error)
{
  GError *parse_error = NULL;
  JsonNode *tools, *decls;
  JsonArray *array, *all;
  gboolean declarations = FALSE;
  guint i;

  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  tools = gst_gemini_live_json_parse (tools_json, &parse_error);
  if (tools == NULL) {
    g_set_error (error, GST_GEMINI_LIVE_PROTOCOL_ERROR,
        GST_GEMINI_LIVE_PROTOCOL_ERROR_INVALID, "Tools: %s",
        parse_error->message);
    g_error_free (parse_error);
    return FALSE;
  }
  if (!JSON_NODE_HOLDS_ARRAY (tools)) {
    g_set_error_literal (error, GST_GEMINI_LIVE_PROTOCOL_ERROR,
        GST_GEMINI_LIVE_PROTOCOL_ERROR_INVALID, "Tools: must be a JSON array");
    json_node_unref (tools);
    return FALSE;
  }
  array = json_node_get_array (tools);
  if (!check_tools_array (array, &declarations, error)) {
    json_node_unref (tools);
    return FALSE;
  }
  *google_search = *code_execution = *url_context = FALSE;
  if (declarations) {
    *declarations_json = gst_gemini_live_json_write (tools);
    json_node_unref (tools);
    return TRUE;
  }
  /* Tool objects: their function declarations, in order, and the
   * built-in tools they name. */
  all = json_array_new ();
  for (i = 0; i < json_array_get_length (array); i++) {
    JsonObject *tool = json_array_get_object_element (array, i);
    GList *members = json_object_get_members (tool), *l;

    for (l = members; l != NULL; l = l->next) {
      const gchar *name = l->data;
      JsonNode *value = json_object_get_member (tool, name);

      if (g_str_equal (name, "functionDeclarations")
          && JSON_NODE_HOLDS_ARRAY (value)) {
        JsonArray *d = json_node_get_array (value);
        guint j;

        for (j = 0; j < json_array_get_length (d); j++)
          json_array_add_element (
              all, json_node_copy (json_array_get_element (d, j)));
      } else if (g_str_equal (name, "googleSearch")) {
        *google_search = TRUE;
      } else if (g_str_equal (name, "codeExecution")) {
        *code_execution = TRUE;
      } else if (g_str_equal (name, "urlContext")) {
        *url_context = TRUE;
      } else {
        g_set_error (error, GST_GEMINI_LIVE_PROTOCOL_ERROR,
            GST_GEMINI_LIVE_PROTOCOL_ERROR_INVALID,
            "Tools: element %u: unknown tool \"%s\"", i, name);
        g_list_free (members);
        json_array_unref (all);
        json_node_unref (tools);
        return FALSE;
      }
    }
    g_list_free (members);
  }
  decls = json_node_init_array (json_node_alloc (), all);
  *declarations_json = gst_gemini_live_json_write (decls);
  json_node_unref (decls);
  json_array_unref (all);
  json_node_unref (tools);
  return TRUE;
}

gchar *
gst_gemini_live_protocol_build_context_update (
    const GstGeminiLiveConfig *config, gboolean system_instruction,
    gboolean tools)
{
  JsonBuilder *builder;

  g_return_val_if_fail (system_instruction || tools, NULL);

  builder = json_builder_new_immutable ();
  json_builder_begin_object (builder);
  begin_member_object (builder, "contextUpdate");
  if (system_instruction) {
    json_builder_set_member_name (builder, "systemInstruction");
    add_text_content (builder,
        is_set (config->system_instruction) ? config->system_instruction : "");
  }
  if (tools) {
    /* The wrapper object tells "no change" from "clear all" (§3.5). */
    JsonNode *declarations = declarations_of (config);

    /* No declarations at all: an empty list clears them. */
    if (declarations != NULL
        && json_array_get_length (json_node_get_array (declarations)) == 0)
      g_clear_pointer (&declarations, json_node_unref);
    begin_member_object (builder, "tools");
    json_builder_set_member_name (builder, "tools");
    add_tools (builder, config, declarations);
    json_builder_end_object (builder);
  }
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  return finish_builder (builder);
}

/* ---- server -> client ---------------------------------------------- */

void
gst_gemini_live_event_free (GstGeminiLiveEvent *event)
{
  if (event == NULL)
    return;
  g_variant_unref (event->fields);
  if (event->audio != NULL)
    g_bytes_unref (event->audio);
  g_free (event);
}

static const gchar *const event_kinds[] = {
  [GST_GEMINI_LIVE_EVENT_SETUP_COMPLETE] = "setup-complete",
  [GST_GEMINI_LIVE_EVENT_AUDIO] = "audio",
  [GST_GEMINI_LIVE_EVENT_TEXT] = "text",
  [GST_GEMINI_LIVE_EVENT_INPUT_TRANSCRIPTION] = "input-transcription",
  [GST_GEMINI_LIVE_EVENT_OUTPUT_TRANSCRIPTION] = "output-transcription",
  [GST_GEMINI_LIVE_EVENT_TOOL_CALL] = "tool-call",
  [GST_GEMINI_LIVE_EVENT_TOOL_CALL_CANCELLATION] = "tool-call-cancellation",
  [GST_GEMINI_LIVE_EVENT_INTERRUPTED] = "interrupted",
  [GST_GEMINI_LIVE_EVENT_GENERATION_COMPLETE] = "generation-complete",
  [GST_GEMINI_LIVE_EVENT_TURN_COMPLETE] = "turn-complete",
  [GST_GEMINI_LIVE_EVENT_USAGE] = "usage",
  [GST_GEMINI_LIVE_EVENT_GO_AWAY] = "go-away",
  [GST_GEMINI_LIVE_EVENT_SESSION_RESUMPTION_UPDATE]
  = "session-resumption-update",
  [GST_GEMINI_LIVE_EVENT_WARNING] = "warning",
  [GST_GEMINI_LIVE_EVENT_THOUGHT] = "thought",
  [GST_GEMINI_LIVE_EVENT_EXECUTABLE_CODE] = "executable-code",
  [GST_GEMINI_LIVE_EVENT_CODE_EXECUTION_RESULT] = "code-execution-result",
  [GST_GEMINI_LIVE_EVENT_GROUNDING_METADATA] = "grounding-metadata",
  [GST_GEMINI_LIVE_EVENT_URL_CONTEXT_METADATA] = "url-context-metadata",
  [GST_GEMINI_LIVE_EVENT_INTERIM_INPUT_TRANSCRIPTION]
  = "interim-input-transcription",
  [GST_GEMINI_LIVE_EVENT_WAITING_FOR_INPUT] = "waiting-for-input",
  [GST_GEMINI_LIVE_EVENT_INTERACTION_STATUS] = "interaction-status",
  [GST_GEMINI_LIVE_EVENT_VOICE_ACTIVITY] = "voice-activity",
  [GST_GEMINI_LIVE_EVENT_VAD_SIGNAL] = "vad-signal",
  [GST_GEMINI_LIVE_EVENT_SERVER_ERROR] = "server-error",
};
G_STATIC_ASSERT (
    G_N_ELEMENTS (event_kinds) == GST_GEMINI_LIVE_EVENT_SERVER_ERROR + 1);

const gchar *
gst_gemini_live_event_type_nick (GstGeminiLiveEventType type)
{
  if ((guint)type >= G_N_ELEMENTS (event_kinds) || event_kinds[type] == NULL)
    return "unknown";
  return event_kinds[type];
}

/* The field, read with a g_variant_get() format into out; FALSE, with
 * nothing written, when it is absent or of another type. */
static gboolean
lookup (const GstGeminiLiveEvent *event, const gchar *name, const gchar *format,
    gpointer out)
{
  g_return_val_if_fail (event != NULL, FALSE);

  return g_variant_lookup (event->fields, name, format, out);
}

const gchar *
gst_gemini_live_event_get_string (
    const GstGeminiLiveEvent *event, const gchar *name)
{
  const gchar *str = NULL;

  /* Borrowed from the fields, which the event holds. */
  if (!lookup (event, name, "&s", &str))
    lookup (event, name, "m&s", &str);
  return str;
}

gboolean
gst_gemini_live_event_get_boolean (
    const GstGeminiLiveEvent *event, const gchar *name)
{
  gboolean value;

  return lookup (event, name, "b", &value) && value;
}

gint64
gst_gemini_live_event_get_int64 (
    const GstGeminiLiveEvent *event, const gchar *name)
{
  gint64 value;

  return lookup (event, name, "x", &value) ? value : -1;
}

guint64
gst_gemini_live_event_get_uint64 (
    const GstGeminiLiveEvent *event, const gchar *name)
{
  guint64 value;

  return lookup (event, name, "t", &value) ? value : G_MAXUINT64;
}

GStrv
gst_gemini_live_event_dup_strv (
    const GstGeminiLiveEvent *event, const gchar *name)
{
  GStrv value;

  return lookup (event, name, "^as", &value) ? value : NULL;
}

gboolean
gst_gemini_live_protocol_parse_duration (const gchar *str, guint64 *out_ns)
{
  const gchar *p = str;
  guint64 seconds = 0, nanos = 0, scale = NSEC_PER_SEC;
  guint frac_digits = 0;

  if (str == NULL || !g_ascii_isdigit (*p))
    return FALSE;

  for (; g_ascii_isdigit (*p); p++) {
    guint digit = *p - '0';

    if (seconds > (G_MAXUINT64 / NSEC_PER_SEC - digit) / 10)
      return FALSE;
    seconds = seconds * 10 + digit;
  }
  if (*p == '.') {
    p++;
    if (!g_ascii_isdigit (*p))
      return FALSE;
    /* proto3 Durations carry at most nanosecond precision. */
    for (; g_ascii_isdigit (*p); p++) {
      if (++frac_digits > 9)
        return FALSE;
      scale /= 10;
      nanos += (guint64)(*p - '0') * scale;
    }
  }
  if (p[0] != 's' || p[1] != '\0')
    return FALSE;
  if (seconds * NSEC_PER_SEC > G_MAXUINT64 - nanos)
    return FALSE;

  if (out_ns != NULL)
    *out_ns = seconds * NSEC_PER_SEC + nanos;
  return TRUE;
}

/* -- parsing helpers -- */

typedef struct
{
  GPtrArray *events;
} ParseContext;

/* An event with its named fields: name, GVariant format, value, ...,
 * NULL. */
static GstGeminiLiveEvent *
add_event (ParseContext *ctx, GstGeminiLiveEventType type,
    const gchar *first_field, ...)
{
  GstGeminiLiveEvent *event = g_new0 (GstGeminiLiveEvent, 1);
  GVariantBuilder fields;
  const gchar *name;
  va_list args;

  /* Audio, most events, has none: one shared empty dictionary. */
  if (first_field == NULL) {
    static GVariant *none = NULL;

    if (g_once_init_enter (&none))
      g_once_init_leave (&none,
          g_variant_ref_sink (
              g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0)));
    event->type = type;
    event->fields = g_variant_ref (none);
    g_ptr_array_add (ctx->events, event);
    return event;
  }
  g_variant_builder_init (&fields, G_VARIANT_TYPE_VARDICT);
  va_start (args, first_field);
  for (name = first_field; name != NULL; name = va_arg (args, const gchar *)) {
    const gchar *format = va_arg (args, const gchar *);

    g_variant_builder_add (
        &fields, "{sv}", name, g_variant_new_va (format, NULL, &args));
  }
  va_end (args);
  event->type = type;
  event->fields = g_variant_ref_sink (g_variant_builder_end (&fields));
  g_ptr_array_add (ctx->events, event);
  return event;
}

/* One more field, after those given to add_event(). */
static void
add_field (GstGeminiLiveEvent *event, const gchar *name, GVariant *value)
{
  GVariantBuilder fields;
  GVariantIter iter;
  GVariant *entry;

  g_variant_builder_init (&fields, G_VARIANT_TYPE_VARDICT);
  g_variant_iter_init (&iter, event->fields);
  while ((entry = g_variant_iter_next_value (&iter)) != NULL) {
    g_variant_builder_add_value (&fields, entry);
    g_variant_unref (entry);
  }
  g_variant_builder_add (&fields, "{sv}", name, value);
  g_variant_unref (event->fields);
  event->fields = g_variant_ref_sink (g_variant_builder_end (&fields));
}

G_GNUC_PRINTF (2, 3)
static void
add_warning (ParseContext *ctx, const gchar *format, ...)
{
  va_list args;
  gchar *text;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  add_event (ctx, GST_GEMINI_LIVE_EVENT_WARNING, "text", "s", text, NULL);
  g_free (text);
}

typedef enum
{
  KIND_OBJECT,
  KIND_ARRAY,
  KIND_STRING,
  KIND_BOOLEAN,
  KIND_INT64,
} MemberKind;

static const gchar *
kind_name (MemberKind kind)
{
  switch (kind) {
    case KIND_OBJECT:
      return "an object";
    case KIND_ARRAY:
      return "an array";
    case KIND_STRING:
      return "a string";
    case KIND_BOOLEAN:
      return "a boolean";
    case KIND_INT64:
      return "an integer";
  }
  return "?";
}

static gboolean
node_is_kind (JsonNode *node, MemberKind kind)
{
  switch (kind) {
    case KIND_OBJECT:
      return JSON_NODE_HOLDS_OBJECT (node);
    case KIND_ARRAY:
      return JSON_NODE_HOLDS_ARRAY (node);
    case KIND_STRING:
      return JSON_NODE_HOLDS_VALUE (node)
          && json_node_get_value_type (node) == G_TYPE_STRING;
    case KIND_BOOLEAN:
      return JSON_NODE_HOLDS_VALUE (node)
          && json_node_get_value_type (node) == G_TYPE_BOOLEAN;
    case KIND_INT64:
      /* proto3 JSON sends int64 as a string; numbers are accepted too. */
      return JSON_NODE_HOLDS_VALUE (node)
          && (json_node_get_value_type (node) == G_TYPE_INT64
              || json_node_get_value_type (node) == G_TYPE_DOUBLE
              || json_node_get_value_type (node) == G_TYPE_STRING);
  }
  return FALSE;
}

/* The member if present and of the expected kind. A JSON null counts as
 * absent (proto3 JSON); any other wrong type gives a WARNING. */
static JsonNode *
get_member (ParseContext *ctx, JsonObject *object, const gchar *parent,
    const gchar *name, MemberKind kind)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;
  if (!node_is_kind (node, kind)) {
    add_warning (ctx, "Ignored %s%s%s: expected %s", parent, *parent ? "." : "",
        name, kind_name (kind));
    return NULL;
  }
  return node;
}

static JsonObject *
get_object (ParseContext *ctx, JsonObject *object, const gchar *parent,
    const gchar *name)
{
  JsonNode *node = get_member (ctx, object, parent, name, KIND_OBJECT);

  return node ? json_node_get_object (node) : NULL;
}

static JsonArray *
get_array (ParseContext *ctx, JsonObject *object, const gchar *parent,
    const gchar *name)
{
  JsonNode *node = get_member (ctx, object, parent, name, KIND_ARRAY);

  return node ? json_node_get_array (node) : NULL;
}

static const gchar *
get_string (ParseContext *ctx, JsonObject *object, const gchar *parent,
    const gchar *name)
{
  JsonNode *node = get_member (ctx, object, parent, name, KIND_STRING);

  return node ? json_node_get_string (node) : NULL;
}

static gboolean
get_boolean (ParseContext *ctx, JsonObject *object, const gchar *parent,
    const gchar *name)
{
  JsonNode *node = get_member (ctx, object, parent, name, KIND_BOOLEAN);

  return node ? json_node_get_boolean (node) : FALSE;
}

/* -1 when absent or unusable. */
static gint64
get_int64 (ParseContext *ctx, JsonObject *object, const gchar *parent,
    const gchar *name)
{
  JsonNode *node = get_member (ctx, object, parent, name, KIND_INT64);
  GType type;

  if (node == NULL)
    return -1;

  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    return json_node_get_int (node);
  if (type == G_TYPE_DOUBLE) {
    gdouble d = json_node_get_double (node);

    /* 1.0 is a fine integer; 1.5, NaN or 1e300 are not. */
    if (d >= -9.2e18 && d <= 9.2e18 && d == (gdouble)(gint64)d)
      return (gint64)d;
  } else {
    const gchar *str = json_node_get_string (node);
    gint64 value;

    if (g_ascii_string_to_signed (
            str, 10, G_MININT64, G_MAXINT64, &value, NULL))
      return value;
  }
  add_warning (ctx, "Ignored %s.%s: not an integer", parent, name);
  return -1;
}

/* -- message parts -- */

static void
parse_transcription (ParseContext *ctx, JsonObject *server_content,
    const gchar *name, GstGeminiLiveEventType type)
{
  JsonObject *object = get_object (ctx, server_content, "serverContent", name);
  const gchar *text, *language;
  gboolean finished;
  GstGeminiLiveEvent *event;
  gchar *parent;

  if (object == NULL)
    return;

  parent = g_strconcat ("serverContent.", name, NULL);
  text = get_string (ctx, object, parent, "text");
  finished = get_boolean (ctx, object, parent, "finished");
  language = get_string (ctx, object, parent, "languageCode");
  g_free (parent);

  /* Vertex sends empty {} transcriptions: nothing to report. */
  if (!is_set (text) && !finished)
    return;

  event = add_event (ctx, type, "text", "s", text ? text : "", "finished", "b",
      finished, NULL);
  if (is_set (language))
    add_field (event, "language-code", g_variant_new_string (language));
}

static void
parse_audio_part (ParseContext *ctx, JsonObject *inline_data, guint index,
    gboolean interrupted)
{
  const gchar *data;
  gsize len, size = 0;
  guint8 *pcm;
  gchar *problem = NULL;

  /* The client flushes on interrupted; audio of that message is stale. */
  if (interrupted)
    return;

  data = get_string (ctx, inline_data, "modelTurn.parts[].inlineData", "data");
  if (data == NULL)
    return;

  len = strlen (data);
  pcm = gst_gemini_live_hotpath_base64_decode (data, len, &size, &problem);
  if (pcm == NULL) {
    add_warning (
        ctx, "Dropped audio part %u: invalid base64 (%s)", index, problem);
    g_free (problem);
    return;
  }

  /* s16le samples are 2 bytes; a stray byte would shift every later
   * sample by half a sample. */
  if (size % 2 != 0) {
    add_warning (ctx,
        "Audio part %u has an odd size (%" G_GSIZE_FORMAT
        " bytes): dropped the last byte",
        index, size);
    size--;
  }
  if (size == 0) {
    g_free (pcm);
    return;
  }

  add_event (ctx, GST_GEMINI_LIVE_EVENT_AUDIO, NULL)->audio
      = g_bytes_new_take (pcm, size);
}

static void
parse_model_turn (
    ParseContext *ctx, JsonObject *server_content, gboolean interrupted)
{
  JsonObject *model_turn
      = get_object (ctx, server_content, "serverContent", "modelTurn");
  JsonArray *parts;
  guint i, n;

  if (model_turn == NULL)
    return;
  parts = get_array (ctx, model_turn, "serverContent.modelTurn", "parts");
  if (parts == NULL)
    return;

  n = json_array_get_length (parts);
  for (i = 0; i < n; i++) {
    JsonNode *node = json_array_get_element (parts, i);
    JsonObject *part;
    JsonObject *inline_data;
    JsonObject *code;
    const gchar *text;

    if (!JSON_NODE_HOLDS_OBJECT (node)) {
      add_warning (ctx,
          "Ignored serverContent.modelTurn.parts[%u]: expected an object", i);
      continue;
    }
    part = json_node_get_object (node);

    /* Thought summaries are not part of the answer: never TEXT or
     * AUDIO, only THOUGHT. */
    if (get_boolean (ctx, part, "serverContent.modelTurn.parts[]", "thought")) {
      text = get_string (ctx, part, "serverContent.modelTurn.parts[]", "text");
      if (is_set (text))
        add_event (ctx, GST_GEMINI_LIVE_EVENT_THOUGHT, "text", "s", text, NULL);
      continue;
    }

    inline_data = get_object (
        ctx, part, "serverContent.modelTurn.parts[]", "inlineData");
    if (inline_data != NULL) {
      const gchar *mime_type = get_string (
          ctx, inline_data, "modelTurn.parts[].inlineData", "mimeType");

      /* "audio/pcm;rate=24000" or plain "audio/pcm" (Vertex): 24 kHz. */
      if (mime_type != NULL && g_str_has_prefix (mime_type, "audio/pcm"))
        parse_audio_part (ctx, inline_data, i, interrupted);
      continue;
    }

    code = get_object (
        ctx, part, "serverContent.modelTurn.parts[]", "executableCode");
    if (code != NULL) {
      const gchar *source
          = get_string (ctx, code, "modelTurn.parts[].executableCode", "code");
      const gchar *language = get_string (
          ctx, code, "modelTurn.parts[].executableCode", "language");

      add_event (ctx, GST_GEMINI_LIVE_EVENT_EXECUTABLE_CODE, "language", "ms",
          language, "code", "s", source ? source : "", NULL);
      continue;
    }

    code = get_object (
        ctx, part, "serverContent.modelTurn.parts[]", "codeExecutionResult");
    if (code != NULL) {
      const gchar *output = get_string (
          ctx, code, "modelTurn.parts[].codeExecutionResult", "output");
      const gchar *outcome = get_string (
          ctx, code, "modelTurn.parts[].codeExecutionResult", "outcome");

      add_event (ctx, GST_GEMINI_LIVE_EVENT_CODE_EXECUTION_RESULT, "outcome",
          "ms", outcome, "output", "s", output ? output : "", NULL);
      continue;
    }

    text = get_string (ctx, part, "serverContent.modelTurn.parts[]", "text");
    if (is_set (text))
      add_event (ctx, GST_GEMINI_LIVE_EVENT_TEXT, "text", "s", text, NULL);
  }
}

/* An object member surfaced verbatim as compact JSON. */
static void
add_json_event (ParseContext *ctx, JsonObject *object, const gchar *parent,
    const gchar *name, GstGeminiLiveEventType type)
{
  JsonNode *node = get_member (ctx, object, parent, name, KIND_OBJECT);

  if (node != NULL) {
    gchar *json = gst_gemini_live_json_write (node);

    add_event (ctx, type, "json", "s", json, NULL);
    g_free (json);
  }
}

static void
parse_server_content (ParseContext *ctx, JsonObject *server_content)
{
  gboolean interrupted;
  const gchar *status;

  interrupted
      = get_boolean (ctx, server_content, "serverContent", "interrupted");
  if (interrupted)
    add_event (ctx, GST_GEMINI_LIVE_EVENT_INTERRUPTED, NULL);

  parse_transcription (ctx, server_content, "interimInputTranscription",
      GST_GEMINI_LIVE_EVENT_INTERIM_INPUT_TRANSCRIPTION);
  parse_transcription (ctx, server_content, "inputTranscription",
      GST_GEMINI_LIVE_EVENT_INPUT_TRANSCRIPTION);
  parse_model_turn (ctx, server_content, interrupted);
  parse_transcription (ctx, server_content, "outputTranscription",
      GST_GEMINI_LIVE_EVENT_OUTPUT_TRANSCRIPTION);
  add_json_event (ctx, server_content, "serverContent", "groundingMetadata",
      GST_GEMINI_LIVE_EVENT_GROUNDING_METADATA);
  add_json_event (ctx, server_content, "serverContent", "urlContextMetadata",
      GST_GEMINI_LIVE_EVENT_URL_CONTEXT_METADATA);

  if (get_boolean (ctx, server_content, "serverContent", "generationComplete"))
    add_event (ctx, GST_GEMINI_LIVE_EVENT_GENERATION_COMPLETE, NULL);

  /* Before turnComplete, which they qualify. */
  if (get_boolean (ctx, server_content, "serverContent", "waitingForInput"))
    add_event (ctx, GST_GEMINI_LIVE_EVENT_WAITING_FOR_INPUT, NULL);
  status
      = get_string (ctx, server_content, "serverContent", "interactionStatus");
  if (is_set (status))
    add_event (ctx, GST_GEMINI_LIVE_EVENT_INTERACTION_STATUS, "text", "s",
        status, NULL);

  if (get_boolean (ctx, server_content, "serverContent", "turnComplete")) {
    const gchar *reason = get_string (
        ctx, server_content, "serverContent", "turnCompleteReason");

    add_event (
        ctx, GST_GEMINI_LIVE_EVENT_TURN_COMPLETE, "reason", "ms", reason, NULL);
  }
}

static void
parse_tool_call (ParseContext *ctx, JsonObject *tool_call)
{
  JsonArray *calls = get_array (ctx, tool_call, "toolCall", "functionCalls");
  guint i, n;

  if (calls == NULL)
    return;

  n = json_array_get_length (calls);
  for (i = 0; i < n; i++) {
    JsonNode *node = json_array_get_element (calls, i);
    JsonObject *call;
    JsonNode *args;
    const gchar *name, *id;
    gboolean will_continue;
    gchar *json;

    if (!JSON_NODE_HOLDS_OBJECT (node)) {
      add_warning (
          ctx, "Ignored toolCall.functionCalls[%u]: expected an object", i);
      continue;
    }
    call = json_node_get_object (node);
    name = get_string (ctx, call, "toolCall.functionCalls[]", "name");
    if (!is_set (name)) {
      add_warning (ctx, "Ignored toolCall.functionCalls[%u]: no name", i);
      continue;
    }
    args = get_member (
        ctx, call, "toolCall.functionCalls[]", "args", KIND_OBJECT);
    /* Vertex may leave the id out. */
    id = get_string (ctx, call, "toolCall.functionCalls[]", "id");

    /* Vertex streams arguments: more of this call follows. */
    will_continue
        = get_boolean (ctx, call, "toolCall.functionCalls[]", "willContinue");
    json = args ? gst_gemini_live_json_write (args) : g_strdup ("{}");
    add_event (ctx, GST_GEMINI_LIVE_EVENT_TOOL_CALL, "id", "ms", id, "name",
        "s", name, "args", "s", json, "will-continue", "b", will_continue,
        NULL);
    g_free (json);
  }
}

static void
parse_tool_call_cancellation (ParseContext *ctx, JsonObject *cancellation)
{
  JsonArray *ids = get_array (ctx, cancellation, "toolCallCancellation", "ids");
  GPtrArray *strv;
  guint i, n;

  if (ids == NULL)
    return;

  n = json_array_get_length (ids);
  strv = g_ptr_array_sized_new (n + 1);
  for (i = 0; i < n; i++) {
    JsonNode *node = json_array_get_element (ids, i);

    if (node_is_kind (node, KIND_STRING))
      g_ptr_array_add (strv, (gpointer)json_node_get_string (node));
    else
      add_warning (
          ctx, "Ignored toolCallCancellation.ids[%u]: expected a string", i);
  }
  g_ptr_array_add (strv, NULL);
  if (strv->len > 1)
    add_event (ctx, GST_GEMINI_LIVE_EVENT_TOOL_CALL_CANCELLATION, "ids", "^as",
        (gchar **)strv->pdata, NULL);
  g_ptr_array_free (strv, TRUE);
}

static void
parse_usage (ParseContext *ctx, JsonObject *usage)
{
  gint64 prompt, response, total, thoughts, cached, tool_use;
  gchar *json;

  prompt = get_int64 (ctx, usage, "usageMetadata", "promptTokenCount");
  /* Vertex names the response side "candidates". */
  if (json_object_has_member (usage, "responseTokenCount"))
    response = get_int64 (ctx, usage, "usageMetadata", "responseTokenCount");
  else
    response = get_int64 (ctx, usage, "usageMetadata", "candidatesTokenCount");
  total = get_int64 (ctx, usage, "usageMetadata", "totalTokenCount");
  thoughts = get_int64 (ctx, usage, "usageMetadata", "thoughtsTokenCount");
  cached = get_int64 (ctx, usage, "usageMetadata", "cachedContentTokenCount");
  tool_use = get_int64 (ctx, usage, "usageMetadata", "toolUsePromptTokenCount");
  /* Per-modality details stay in the JSON. */
  json = gst_gemini_live_json_write_object (usage);
  add_event (ctx, GST_GEMINI_LIVE_EVENT_USAGE, "prompt-token-count", "x",
      prompt, "response-token-count", "x", response, "total-token-count", "x",
      total, "thoughts-token-count", "x", thoughts,
      "cached-content-token-count", "x", cached, "tool-use-prompt-token-count",
      "x", tool_use, "json", "s", json, NULL);
  g_free (json);
}

static void
parse_setup_complete (ParseContext *ctx, JsonObject *setup_complete)
{
  /* Vertex adds a sessionId; the Gemini API sends {}. */
  const gchar *session_id
      = get_string (ctx, setup_complete, "setupComplete", "sessionId");
  GstGeminiLiveEvent *event
      = add_event (ctx, GST_GEMINI_LIVE_EVENT_SETUP_COMPLETE, "session-id",
          "ms", is_set (session_id) ? session_id : NULL, NULL);

  /* Anything beyond sessionId (voiceConsentSignature, ...). */
  if (json_object_get_size (setup_complete) > (session_id != NULL ? 1u : 0u))
    add_field (event, "json",
        g_variant_new_take_string (
            gst_gemini_live_json_write_object (setup_complete)));
}

static void
parse_resumption_update (ParseContext *ctx, JsonObject *update)
{
  const gchar *handle
      = get_string (ctx, update, "sessionResumptionUpdate", "newHandle");
  gboolean resumable
      = get_boolean (ctx, update, "sessionResumptionUpdate", "resumable");
  gint64 index = get_int64 (
      ctx, update, "sessionResumptionUpdate", "lastConsumedClientMessageIndex");

  /* An empty handle comes with resumable:false; it is not a handle. */
  add_event (ctx, GST_GEMINI_LIVE_EVENT_SESSION_RESUMPTION_UPDATE, "handle",
      "ms", is_set (handle) ? handle : NULL, "resumable", "b", resumable,
      "last-consumed-client-message-index", "x", index, NULL);
}

static void
parse_go_away (ParseContext *ctx, JsonObject *go_away)
{
  const gchar *time_left = get_string (ctx, go_away, "goAway", "timeLeft");
  guint64 ns = G_MAXUINT64;

  if (time_left != NULL
      && !gst_gemini_live_protocol_parse_duration (time_left, &ns)) {
    /* Quoted, but only the start: the server controls its length. */
    gchar *shown = g_utf8_make_valid (time_left, strnlen (time_left, 32));

    add_warning (ctx, "goAway.timeLeft '%s' is not a duration", shown);
    g_free (shown);
    ns = G_MAXUINT64;
  }
  add_event (ctx, GST_GEMINI_LIVE_EVENT_GO_AWAY, "time-left", "t", ns, NULL);
}

static void
parse_voice_activity (ParseContext *ctx, JsonObject *activity)
{
  const gchar *type = get_string (ctx, activity, "voiceActivity", "type");
  const gchar *offset
      = get_string (ctx, activity, "voiceActivity", "audioOffset");
  guint64 ns = G_MAXUINT64;

  /* The SDK's field name, in case the server uses it. */
  if (type == NULL)
    type = get_string (ctx, activity, "voiceActivity", "voiceActivityType");
  if (offset != NULL
      && !gst_gemini_live_protocol_parse_duration (offset, &ns)) {
    add_warning (ctx, "Ignored voiceActivity.audioOffset: not a duration");
    ns = G_MAXUINT64;
  }
  add_event (ctx, GST_GEMINI_LIVE_EVENT_VOICE_ACTIVITY, "type", "s",
      is_set (type) ? type : "TYPE_UNSPECIFIED", "audio-offset", "t", ns, NULL);
}

static void
parse_vad_signal (ParseContext *ctx, JsonObject *signal)
{
  const gchar *type = get_string (
      ctx, signal, "voiceActivityDetectionSignal", "vadSignalType");

  add_event (ctx, GST_GEMINI_LIVE_EVENT_VAD_SIGNAL, "text", "s",
      is_set (type) ? type : "VAD_SIGNAL_TYPE_UNSPECIFIED", NULL);
}

/* {"code": 400, "message": "...", "status": "..."} (google.rpc.Status
 * style), or a bare string. */
static void
parse_error_payload (ParseContext *ctx, JsonNode *node, const gchar *parent)
{
  gchar *json = NULL;
  const gchar *message = NULL;
  gint64 code = -1;

  if (JSON_NODE_HOLDS_OBJECT (node)) {
    JsonObject *object = json_node_get_object (node);

    json = gst_gemini_live_json_write (node);
    message = get_string (ctx, object, parent, "message");
    if (json_object_has_member (object, "code"))
      code = get_int64 (ctx, object, parent, "code");
  } else if (node_is_kind (node, KIND_STRING)) {
    message = json_node_get_string (node);
  } else {
    json = gst_gemini_live_json_write (node);
  }
  add_event (ctx, GST_GEMINI_LIVE_EVENT_SERVER_ERROR, "json", "ms", json,
      "message", "ms", message, "code", "x", code, NULL);
  g_free (json);
}

static const gchar *const known_members[]
    = { "setupComplete", "serverContent", "toolCall", "toolCallCancellation",
        "usageMetadata", "sessionResumptionUpdate", "goAway", "voiceActivity",
        "voiceActivityDetectionSignal", "error" };

static gboolean
has_known_member (JsonObject *message)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (known_members); i++) {
    if (json_object_has_member (message, known_members[i]))
      return TRUE;
  }
  return FALSE;
}

/* The start of a frame for an error message: at most SNIPPET_CHARS
 * characters, one line, valid UTF-8. */
static gchar *
frame_snippet (const gchar *data, gsize size)
{
  gsize n = MIN (size, SNIPPET_CHARS);
  gchar *valid = g_utf8_make_valid (data, n);
  GString *out = g_string_sized_new (n + 8);
  const gchar *p;
  guint chars = 0;
  gboolean space = FALSE;

  for (p = valid; *p != '\0' && chars < SNIPPET_CHARS;
       p = g_utf8_next_char (p)) {
    gunichar c = g_utf8_get_char (p);

    /* Pretty-printed frames: fold the indentation. */
    if (g_unichar_isspace (c) || g_unichar_iscntrl (c)) {
      space = TRUE;
      continue;
    }
    if (space && out->len > 0) {
      g_string_append_c (out, ' ');
      chars++;
    }
    space = FALSE;
    g_string_append_unichar (out, c);
    chars++;
  }
  g_free (valid);
  if (size > n)
    g_string_append (out, "...");
  return g_string_free (out, FALSE);
}

G_GNUC_PRINTF (4, 5)
static void
set_malformed (
    GError **error, const gchar *data, gsize size, const gchar *format, ...)
{
  va_list args;
  gchar *reason, *snippet;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);
  snippet = frame_snippet (data, size);
  /* json-glib's messages can cut a UTF-8 sequence in half. */
  if (!g_utf8_validate (reason, -1, NULL)) {
    gchar *valid = g_utf8_make_valid (reason, -1);
    g_free (reason);
    reason = valid;
  }
  g_set_error (error, GST_GEMINI_LIVE_PROTOCOL_ERROR,
      GST_GEMINI_LIVE_PROTOCOL_ERROR_MALFORMED,
      "Malformed server message (%s): '%s'", reason, snippet);
  g_free (snippet);
  g_free (reason);
}

static const struct
{
  const gchar *name;
  void (*parse) (ParseContext *ctx, JsonObject *object);
} top_level_members[] = {
  { "setupComplete", parse_setup_complete },
  { "voiceActivity", parse_voice_activity },
  { "voiceActivityDetectionSignal", parse_vad_signal },
  { "serverContent", parse_server_content },
  { "toolCall", parse_tool_call },
  { "toolCallCancellation", parse_tool_call_cancellation },
  { "usageMetadata", parse_usage },
  { "sessionResumptionUpdate", parse_resumption_update },
  { "goAway", parse_go_away },
};

GPtrArray *
gst_gemini_live_protocol_parse_plain_audio (const gchar *data, gsize size)
{
  const gchar *b64;
  gsize b64_len, pcm_size = 0;
  guint8 *pcm;
  gchar *problem = NULL;
  ParseContext ctx;

  if (!gst_gemini_live_hotpath_read_audio_chunk (data, size, &b64, &b64_len))
    return NULL;
  /* Bad or odd-sized audio gets the full parse's warning. */
  pcm = gst_gemini_live_hotpath_base64_decode (
      b64, b64_len, &pcm_size, &problem);
  if (pcm == NULL || pcm_size == 0 || pcm_size % 2 != 0) {
    g_free (problem);
    g_free (pcm);
    return NULL;
  }
  ctx.events = g_ptr_array_new_with_free_func (
      (GDestroyNotify)gst_gemini_live_event_free);
  add_event (&ctx, GST_GEMINI_LIVE_EVENT_AUDIO, NULL)->audio
      = g_bytes_new_take (pcm, pcm_size);
  return ctx.events;
}

GPtrArray *
gst_gemini_live_protocol_parse (const gchar *data, gsize size, GError **error)
{
  GPtrArray *events;
  JsonParser *parser;
  JsonNode *root;
  JsonObject *message, *object;
  JsonNode *node;
  GError *parse_error = NULL;
  const gchar *invalid;
  ParseContext ctx;
  guint i;

  g_return_val_if_fail (data != NULL || size == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (size == 0) {
    set_malformed (error, "", 0, "empty");
    return NULL;
  }
  if (size > G_MAXSSIZE) {
    set_malformed (error, data, size, "too large");
    return NULL;
  }
  events = gst_gemini_live_protocol_parse_plain_audio (data, size);
  if (events != NULL)
    return events;
  /* Also refuses NUL bytes, which json-glib would treat as the end. */
  if (!g_utf8_validate_len (data, size, &invalid)) {
    set_malformed (error, data, size,
        "not valid UTF-8 at byte %" G_GSIZE_FORMAT, (gsize)(invalid - data));
    return NULL;
  }
  if (!gst_gemini_live_json_is_strict (
          data, size, GST_GEMINI_LIVE_JSON_MAX_DEPTH)) {
    set_malformed (error, data, size,
        "not strict JSON: nested deeper "
        "than %d levels, a comment, several values or a non-JSON escape",
        GST_GEMINI_LIVE_JSON_MAX_DEPTH);
    return NULL;
  }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize)size, &parse_error)) {
    set_malformed (error, data, size, "%s", parse_error->message);
    g_error_free (parse_error);
    g_object_unref (parser);
    return NULL;
  }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root)) {
    set_malformed (error, data, size, "%s",
        root == NULL ? "no JSON value" : "not a JSON object");
    g_object_unref (parser);
    return NULL;
  }
  message = json_node_get_object (root);

  ctx.events = g_ptr_array_new_with_free_func (
      (GDestroyNotify)gst_gemini_live_event_free);

  /* Every top-level member independently, in the documented order;
   * usageMetadata in particular rides along with serverContent. */
  for (i = 0; i < G_N_ELEMENTS (top_level_members); i++) {
    object = get_object (&ctx, message, "", top_level_members[i].name);
    if (object != NULL)
      top_level_members[i].parse (&ctx, object);
  }

  /* Some peers report errors in-band rather than as a close frame. */
  node = json_object_get_member (message, "error");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    parse_error_payload (&ctx, node, "error");
  else if (!has_known_member (message)
      && json_object_has_member (message, "message")
      && (json_object_has_member (message, "code")
          || json_object_has_member (message, "status")))
    parse_error_payload (&ctx, root, "");

  g_object_unref (parser);
  return ctx.events;
}
