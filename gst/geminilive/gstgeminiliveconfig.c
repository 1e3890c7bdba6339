/* gst-gemini-live
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gstgeminiliveconfig.h"
#include "gstgeminilivejson.h"

#include <stdarg.h>
#include <string.h>
#include <json-glib/json-glib.h>

GQuark
gst_gemini_live_config_error_quark (void)
{
  return g_quark_from_static_string ("gst-gemini-live-config-error-quark");
}

/* Keys shorter than this are not redacted: replacing every occurrence of a
 * one- or two-letter "key" would garble the message and hide nothing. */
#define MIN_REDACTED_KEY_LEN 6

#define MAX_FUNCTION_NAME_LEN 64

static gboolean
is_set (const gchar *str)
{
  return str != NULL && *str != '\0';
}

/* Shorter runs of a secret's characters are left alone: they are too
 * common to hide anything and too short to be of use. */
#define MIN_REDACTED_RUN 8

/* Length of the longest run starting at str that also occurs somewhere in
 * secret. */
static gsize
secret_run (const gchar *str, const gchar *secret)
{
  gsize best = 0;
  const gchar *s;

  for (s = secret; *s != '\0'; s++) {
    gsize n = 0;

    while (str[n] != '\0' && s[n] != '\0' && str[n] == s[n])
      n++;
    best = MAX (best, n);
  }
  return best;
}

/* Takes message, returns it with the secret replaced, and also any long
 * piece of it: parser errors quote a truncated string constant. */
static gchar *
redact (gchar *message, const gchar *secret)
{
  GString *out;
  const gchar *p;

  if (secret == NULL || strlen (secret) < MIN_REDACTED_KEY_LEN)
    return message;
  out = g_string_sized_new (strlen (message));
  for (p = message; *p != '\0';) {
    gsize run = secret_run (p, secret);

    if (run >= MIN (MIN_REDACTED_RUN, strlen (secret))) {
      g_string_append (out, "<redacted>");
      p += run;
    } else {
      g_string_append_c (out, *p++);
    }
  }
  g_free (message);
  return g_string_free (out, FALSE);
}

/* Sets the error, with the API key and access token scrubbed: values such as
 * the URI or the tools JSON are quoted in messages and may contain it by
 * mistake. */
G_GNUC_PRINTF (3, 4)
static void
set_error (
    GError **error, const GstGeminiLiveConfig *config, const gchar *format, ...)
{
  va_list args;
  gchar *message;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  message = redact (message, config->api_key);
  message = redact (message, config->access_token);

  g_set_error_literal (error, GST_GEMINI_LIVE_CONFIG_ERROR,
      GST_GEMINI_LIVE_CONFIG_ERROR_INVALID, message);
  g_free (message);
}

static gboolean
validate_uri (const GstGeminiLiveConfig *config, GError **error)
{
  GError *parse_error = NULL;
  GUri *uri;
  const gchar *scheme;
  const gchar *host;
  const gchar *p;
  gboolean ok = FALSE;

  /* Unset: derived from backend, api-version and vertex-location. */
  if (!is_set (config->uri))
    return TRUE;

  /* g_uri_parse() lets spaces through ("wss://exa mple.com"); the
   * WebSocket handshake would not. */
  for (p = config->uri; *p != '\0'; p++) {
    if ((guchar)*p <= 0x20 || *p == 0x7f) {
      set_error (error, config,
          "Property 'uri': must not contain spaces or control "
          "characters");
      return FALSE;
    }
  }

  uri = g_uri_parse (config->uri, G_URI_FLAGS_NONE, &parse_error);
  if (uri == NULL) {
    set_error (error, config, "Property 'uri': not a valid URI: %s",
        parse_error->message);
    g_error_free (parse_error);
    return FALSE;
  }

  scheme = g_uri_get_scheme (uri);
  host = g_uri_get_host (uri);
  if (g_ascii_strcasecmp (scheme, "ws") != 0
      && g_ascii_strcasecmp (scheme, "wss") != 0)
    set_error (error, config,
        "Property 'uri': scheme must be ws or wss, got '%s'", scheme);
  else if (!is_set (host))
    set_error (error, config, "Property 'uri': no host");
  else
    ok = TRUE;

  g_uri_unref (uri);
  return ok;
}

static gboolean
validate_model (const GstGeminiLiveConfig *config, GError **error)
{
  const gchar *p;

  if (!is_set (config->model)) {
    set_error (error, config, "Property 'model': not set");
    return FALSE;
  }
  for (p = config->model; *p != '\0'; p++) {
    if (g_ascii_isspace (*p)) {
      set_error (error, config,
          "Property 'model': must not contain whitespace, got '%s'",
          config->model);
      return FALSE;
    }
  }
  return TRUE;
}

static gboolean
validate_voice (const GstGeminiLiveConfig *config, GError **error)
{
  const gchar *p;

  if (!is_set (config->voice))
    return TRUE;
  /* Prebuilt voice names are single words ("Puck", "Kore"); anything else
   * is a typo the server would only report as a bare 1007. */
  for (p = config->voice; *p != '\0'; p++) {
    if (!g_ascii_isalpha (*p)) {
      gchar *shown = g_utf8_make_valid (config->voice, -1);

      set_error (error, config,
          "Property 'voice': must contain only letters, got '%s'", shown);
      g_free (shown);
      return FALSE;
    }
  }
  return TRUE;
}

static gboolean
is_valid_function_name (const gchar *name)
{
  gsize len = strlen (name);
  const gchar *p;

  if (len == 0 || len > MAX_FUNCTION_NAME_LEN)
    return FALSE;
  for (p = name; *p != '\0'; p++) {
    if (!g_ascii_isalnum (*p) && *p != '_' && *p != ':' && *p != '.'
        && *p != '-')
      return FALSE;
  }
  return TRUE;
}

/* The strict parse, with the error naming the property. */
static JsonNode *
parse_property_json (const GstGeminiLiveConfig *config, const gchar *property,
    const gchar *text, GError **error)
{
  GError *parse_error = NULL;
  JsonNode *root = gst_gemini_live_json_parse (text, &parse_error);

  if (root == NULL) {
    set_error (
        error, config, "Property '%s': %s", property, parse_error->message);
    g_error_free (parse_error);
  }
  return root;
}

gboolean
gst_gemini_live_config_validate_tools (const GstGeminiLiveConfig *config,
    const gchar *property, const gchar *tools_json, GError **error)
{
  JsonNode *root;
  JsonArray *array;
  guint i, n;
  gboolean ok = FALSE;

  if (!is_set (tools_json))
    return TRUE;
  root = parse_property_json (config, property, tools_json, error);
  if (root == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_ARRAY (root)) {
    set_error (error, config,
        "Property '%s': must be a JSON array of function declarations",
        property);
    goto out;
  }

  array = json_node_get_array (root);
  n = json_array_get_length (array);
  for (i = 0; i < n; i++) {
    JsonNode *element = json_array_get_element (array, i);
    JsonObject *object;
    JsonNode *name_node;
    const gchar *name;

    if (!JSON_NODE_HOLDS_OBJECT (element)) {
      set_error (error, config, "Property '%s': element %u is not an object",
          property, i);
      goto out;
    }
    object = json_node_get_object (element);
    name_node = json_object_get_member (object, "name");
    if (name_node == NULL) {
      set_error (error, config, "Property '%s': element %u has no \"name\"",
          property, i);
      goto out;
    }
    if (!JSON_NODE_HOLDS_VALUE (name_node)
        || json_node_get_value_type (name_node) != G_TYPE_STRING) {
      set_error (error, config,
          "Property '%s': element %u: \"name\" must be a string", property, i);
      goto out;
    }
    name = json_node_get_string (name_node);
    if (!is_valid_function_name (name)) {
      set_error (error, config,
          "Property '%s': element %u: name '%s' must be 1 to %d of "
          "a-z A-Z 0-9 _ : . -",
          property, i, name, MAX_FUNCTION_NAME_LEN);
      goto out;
    }
  }
  ok = TRUE;

out:
  json_node_unref (root);
  return ok;
}

static gboolean
validate_tools (const GstGeminiLiveConfig *config, GError **error)
{
  return gst_gemini_live_config_validate_tools (
      config, "tools", config->tools_json, error);
}

static gboolean
validate_setup_extra (const GstGeminiLiveConfig *config, GError **error)
{
  JsonNode *root;
  gboolean ok = TRUE;

  if (!is_set (config->setup_extra_json))
    return TRUE;
  root = parse_property_json (
      config, "setup-extra", config->setup_extra_json, error);
  if (root == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_OBJECT (root)) {
    set_error (error, config,
        "Property 'setup-extra': must be a JSON object (merged into "
        "\"setup\")");
    ok = FALSE;
  }
  json_node_unref (root);
  return ok;
}

/* Characters that could smuggle a second header line or break the
 * query: credentials are refused, never quoted, when they have any. */
static gboolean
has_space_or_control (const gchar *str)
{
  const gchar *p;

  for (p = str; *p != '\0'; p++) {
    if ((guchar)*p <= 0x20 || *p == 0x7f)
      return TRUE;
  }
  return FALSE;
}

/* A BCP-47-like tag: "en", "en-US", "cmn-Hans-CN". */
static gboolean
is_language_tag (const gchar *str)
{
  const gchar *p = str;
  guint n = 0;

  for (; g_ascii_isalpha (*p); p++)
    n++;
  if (n < 2 || n > 8)
    return FALSE;
  while (*p == '-') {
    p++;
    n = 0;
    for (; g_ascii_isalnum (*p); p++)
      n++;
    if (n < 1 || n > 8)
      return FALSE;
  }
  return *p == '\0';
}

static gboolean
validate_language (const GstGeminiLiveConfig *config, const gchar *property,
    const gchar *value, GError **error)
{
  gchar *shown;

  if (!is_set (value) || is_language_tag (value))
    return TRUE;
  shown = g_utf8_make_valid (value, -1);
  set_error (error, config,
      "Property '%s': '%s' is not a language code such as 'en-US'", property,
      shown);
  g_free (shown);
  return FALSE;
}

/* A comma-separated list of language codes (spaces around commas are
 * allowed). */
static gboolean
validate_language_list (const GstGeminiLiveConfig *config,
    const gchar *property, const gchar *value, GError **error)
{
  gchar **codes;
  gboolean ok = TRUE;
  guint i;

  if (!is_set (value))
    return TRUE;
  codes = g_strsplit (value, ",", -1);
  for (i = 0; ok && codes[i] != NULL; i++) {
    g_strstrip (codes[i]);
    if (*codes[i] == '\0') {
      set_error (error, config,
          "Property '%s': empty entry in the comma-separated list", property);
      ok = FALSE;
    } else {
      ok = validate_language (config, property, codes[i], error);
    }
  }
  g_strfreev (codes);
  return ok;
}

/* Project ids and locations end up in the URI and the model path. */
static gboolean
validate_path_segment (const GstGeminiLiveConfig *config, const gchar *property,
    const gchar *value, const gchar *extra_chars, GError **error)
{
  const gchar *p;

  if (!is_set (value))
    return TRUE;
  for (p = value; *p != '\0'; p++) {
    if (!g_ascii_isalnum (*p) && *p != '-'
        && strchr (extra_chars, *p) == NULL) {
      gchar *shown = g_utf8_make_valid (value, -1);

      set_error (error, config,
          "Property '%s': '%s' may only contain letters, digits and -%s",
          property, shown, extra_chars);
      g_free (shown);
      return FALSE;
    }
  }
  return TRUE;
}

static gboolean
check_enum (const GstGeminiLiveConfig *config, const gchar *property,
    gint value, gint max, GError **error)
{
  if (value >= 0 && value <= max)
    return TRUE;
  set_error (error, config, "Property '%s': unknown value %d", property, value);
  return FALSE;
}

static gboolean
validate_enums (const GstGeminiLiveConfig *config, GError **error)
{
  return check_enum (config, "response-modality", config->response_modality,
             GST_GEMINI_LIVE_RESPONSE_MODALITY_TEXT, error)
      && check_enum (config, "api-version", config->api_version,
          GST_GEMINI_LIVE_API_VERSION_V1ALPHA, error)
      && check_enum (config, "backend", config->backend,
          GST_GEMINI_LIVE_BACKEND_VERTEX_AI, error)
      && check_enum (config, "media-resolution", config->media_resolution,
          GST_GEMINI_LIVE_MEDIA_RESOLUTION_HIGH, error)
      && check_enum (config, "thinking-level", config->thinking_level,
          GST_GEMINI_LIVE_THINKING_LEVEL_HIGH, error)
      && check_enum (config, "start-sensitivity", config->start_sensitivity,
          GST_GEMINI_LIVE_SENSITIVITY_LOW, error)
      && check_enum (config, "end-sensitivity", config->end_sensitivity,
          GST_GEMINI_LIVE_SENSITIVITY_LOW, error)
      && check_enum (config, "activity-handling", config->activity_handling,
          GST_GEMINI_LIVE_ACTIVITY_HANDLING_NO_INTERRUPTION, error)
      && check_enum (config, "turn-coverage", config->turn_coverage,
          GST_GEMINI_LIVE_TURN_COVERAGE_AUDIO_ACTIVITY_AND_ALL_VIDEO, error);
}

static gboolean
validate_credentials (const GstGeminiLiveConfig *config, GError **error)
{
  if (is_set (config->api_key) && has_space_or_control (config->api_key)) {
    set_error (error, config,
        "Property 'api-key': must not contain spaces or control characters");
    return FALSE;
  }
  if (is_set (config->access_token)
      && has_space_or_control (config->access_token)) {
    set_error (error, config,
        "Property 'access-token': must not contain spaces or control "
        "characters");
    return FALSE;
  }
  if (!validate_path_segment (
          config, "vertex-project", config->vertex_project, ".:", error)
      || !validate_path_segment (
          config, "vertex-location", config->vertex_location, "", error))
    return FALSE;

  if (config->backend == GST_GEMINI_LIVE_BACKEND_GEMINI_API) {
    if (!is_set (config->api_key) && !is_set (config->access_token)) {
      set_error (error, config,
          "No API key: set the 'api-key' property or the GEMINI_API_KEY "
          "(or GOOGLE_API_KEY) environment variable");
      return FALSE;
    }
    return TRUE;
  }

  /* Vertex AI: a project with an OAuth token, or express mode (key). */
  if (is_set (config->vertex_project)) {
    if (!is_set (config->access_token)) {
      set_error (error, config,
          "Property 'access-token': Vertex AI with 'vertex-project' needs "
          "an OAuth access token (gcloud auth print-access-token)");
      return FALSE;
    }
    return TRUE;
  }
  if (!is_set (config->api_key)) {
    set_error (error, config,
        "Property 'backend': Vertex AI needs 'vertex-project' and "
        "'access-token', or an 'api-key' for express mode");
    return FALSE;
  }
  if (g_str_has_prefix (config->api_key, "auth_tokens/")) {
    set_error (error, config,
        "Property 'api-key': ephemeral tokens (auth_tokens/...) are only "
        "available on the Gemini API, not with backend Vertex AI");
    return FALSE;
  }
  return TRUE;
}

/* NaN fails every comparison, so ranges are written to refuse it. */
static gboolean
check_double_range (const GstGeminiLiveConfig *config, const gchar *property,
    gdouble value, gdouble min, gdouble max, GError **error)
{
  if (value >= min && value <= max)
    return TRUE;
  set_error (error, config, "Property '%s': %g is out of range %g to %g",
      property, value, min, max);
  return FALSE;
}

static gboolean
validate_generation (const GstGeminiLiveConfig *config, GError **error)
{
  gboolean audio
      = config->response_modality == GST_GEMINI_LIVE_RESPONSE_MODALITY_AUDIO;

  /* Negative means unset; NaN is not. */
  if (!(config->temperature < 0)
      && !check_double_range (
          config, "temperature", config->temperature, 0, 2, error))
    return FALSE;
  if (!(config->top_p < 0)
      && !check_double_range (config, "top-p", config->top_p, 0, 1, error))
    return FALSE;
  if (config->top_k == 0) {
    set_error (error, config, "Property 'top-k': must be at least 1");
    return FALSE;
  }
  /* Zero means unset; NaN is not. */
  if (config->presence_penalty != 0
      && !check_double_range (
          config, "presence-penalty", config->presence_penalty, -2, 2, error))
    return FALSE;
  if (config->frequency_penalty != 0
      && !check_double_range (
          config, "frequency-penalty", config->frequency_penalty, -2, 2, error))
    return FALSE;
  if (!validate_language (
          config, "language-code", config->language_code, error))
    return FALSE;

  /* The server refuses a request with both (Gemini 3 thinking docs). */
  if (config->thinking_level != GST_GEMINI_LIVE_THINKING_LEVEL_UNSET
      && config->thinking_budget >= -1) {
    set_error (error, config,
        "Properties 'thinking-level' and 'thinking-budget' cannot both be "
        "set");
    return FALSE;
  }
  if (config->include_thoughts && config->thinking_budget == 0) {
    set_error (error, config,
        "Property 'include-thoughts' needs thinking, but 'thinking-budget' "
        "is 0 (off)");
    return FALSE;
  }

  /* Native-audio features: a TEXT session could never use them. */
  if (config->affective_dialog && !audio) {
    set_error (error, config,
        "Property 'affective-dialog' needs 'response-modality' audio");
    return FALSE;
  }
  if (config->proactive_audio && !audio) {
    set_error (error, config,
        "Property 'proactive-audio' needs 'response-modality' audio");
    return FALSE;
  }
  if (!validate_language (config, "translation-target-language",
          config->translation_target_language, error))
    return FALSE;
  if (is_set (config->translation_target_language) && !audio) {
    set_error (error, config,
        "Property 'translation-target-language' needs 'response-modality' "
        "audio (speech-to-speech translation)");
    return FALSE;
  }
  if (config->translation_echo_target
      && !is_set (config->translation_target_language)) {
    set_error (error, config,
        "Property 'translation-echo-target' needs "
        "'translation-target-language'");
    return FALSE;
  }
  return TRUE;
}

static gboolean
validate_activity (const GstGeminiLiveConfig *config, GError **error)
{
  const gchar *tuned = NULL;

  /* Tuning the server's VAD while turning it off is a contradiction. */
  if (config->start_sensitivity != GST_GEMINI_LIVE_SENSITIVITY_UNSET)
    tuned = "start-sensitivity";
  else if (config->end_sensitivity != GST_GEMINI_LIVE_SENSITIVITY_UNSET)
    tuned = "end-sensitivity";
  else if (config->prefix_padding_ms >= 0)
    tuned = "prefix-padding";
  else if (config->silence_duration_ms >= 0)
    tuned = "silence-duration";
  if (!config->automatic_activity_detection && tuned != NULL) {
    set_error (error, config,
        "Properties 'automatic-activity-detection' and '%s' contradict: "
        "'%s' tunes the automatic activity detection that is disabled",
        tuned, tuned);
    return FALSE;
  }
  return TRUE;
}

static gboolean
validate_session (const GstGeminiLiveConfig *config, GError **error)
{
  if (is_set (config->resumption_handle) && !config->session_resumption) {
    set_error (error, config,
        "Property 'resumption-handle' needs 'session-resumption'");
    return FALSE;
  }
  if (config->transparent_resumption
      && config->backend != GST_GEMINI_LIVE_BACKEND_VERTEX_AI) {
    set_error (error, config,
        "Property 'transparent-resumption' is only available on Vertex AI");
    return FALSE;
  }
  if (config->transparent_resumption && !config->session_resumption) {
    set_error (error, config,
        "Property 'transparent-resumption' needs 'session-resumption'");
    return FALSE;
  }

  if (config->compression_trigger_tokens < 0) {
    set_error (error, config,
        "Property 'compression-trigger-tokens': must not be negative");
    return FALSE;
  }
  if (config->compression_target_tokens < 0) {
    set_error (error, config,
        "Property 'compression-target-tokens': must not be negative");
    return FALSE;
  }
  if (!config->context_window_compression
      && (config->compression_trigger_tokens > 0
          || config->compression_target_tokens > 0)) {
    set_error (error, config,
        "Property '%s' needs 'context-window-compression'",
        config->compression_trigger_tokens > 0 ? "compression-trigger-tokens"
                                               : "compression-target-tokens");
    return FALSE;
  }
  if (config->compression_trigger_tokens > 0
      && config->compression_target_tokens
          > config->compression_trigger_tokens) {
    set_error (error, config,
        "Property 'compression-target-tokens' (%" G_GINT64_FORMAT
        ") must not exceed 'compression-trigger-tokens' (%" G_GINT64_FORMAT
        "): compression cuts the context down to the target",
        config->compression_target_tokens, config->compression_trigger_tokens);
    return FALSE;
  }

  if (is_set (config->input_transcription_languages)
      && !config->input_transcription) {
    set_error (error, config,
        "Property 'input-transcription-languages' needs "
        "'input-transcription'");
    return FALSE;
  }
  if (is_set (config->output_transcription_languages)
      && !config->output_transcription) {
    set_error (error, config,
        "Property 'output-transcription-languages' needs "
        "'output-transcription'");
    return FALSE;
  }
  return validate_language_list (config, "input-transcription-languages",
             config->input_transcription_languages, error)
      && validate_language_list (config, "output-transcription-languages",
          config->output_transcription_languages, error);
}

gboolean
gst_gemini_live_config_validate (
    const GstGeminiLiveConfig *config, GError **error)
{
  g_return_val_if_fail (config != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return validate_enums (config, error) && validate_uri (config, error)
      && validate_credentials (config, error) && validate_model (config, error)
      && validate_voice (config, error) && validate_generation (config, error)
      && validate_activity (config, error) && validate_session (config, error)
      && validate_tools (config, error) && validate_setup_extra (config, error);
}

gchar *
gst_gemini_live_config_resolve_api_key (const gchar *property_value)
{
  const gchar *value;

  if (is_set (property_value))
    return g_strdup (property_value);
  value = g_getenv ("GEMINI_API_KEY");
  if (is_set (value))
    return g_strdup (value);
  value = g_getenv ("GOOGLE_API_KEY");
  if (is_set (value))
    return g_strdup (value);
  return NULL;
}
