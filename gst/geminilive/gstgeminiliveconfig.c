/* gst-gemini-live
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gstgeminiliveconfig.h"
#include "gstgeminiliveprotocol.h"

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

void
gst_gemini_live_config_init (GstGeminiLiveConfig *config)
{
  g_return_if_fail (config != NULL);

  memset (config, 0, sizeof (*config));
  config->uri = g_strdup (GST_GEMINI_LIVE_DEFAULT_URI);
  config->model = g_strdup (GST_GEMINI_LIVE_DEFAULT_MODEL);
  config->response_modality = GST_GEMINI_LIVE_RESPONSE_MODALITY_AUDIO;
  config->session_resumption = TRUE;
}

void
gst_gemini_live_config_clear (GstGeminiLiveConfig *config)
{
  g_return_if_fail (config != NULL);

  g_free (config->uri);
  /* The key should not linger in freed heap memory. */
  if (config->api_key != NULL)
    memset (config->api_key, 0, strlen (config->api_key));
  g_free (config->api_key);
  g_free (config->model);
  g_free (config->voice);
  g_free (config->system_instruction);
  g_free (config->resumption_handle);
  g_free (config->tools_json);
  memset (config, 0, sizeof (*config));
}

void
gst_gemini_live_config_copy (GstGeminiLiveConfig *dest,
                             const GstGeminiLiveConfig *src)
{
  g_return_if_fail (dest != NULL);
  g_return_if_fail (src != NULL);
  g_return_if_fail (dest != src);

  *dest = *src;
  dest->uri = g_strdup (src->uri);
  dest->api_key = g_strdup (src->api_key);
  dest->model = g_strdup (src->model);
  dest->voice = g_strdup (src->voice);
  dest->system_instruction = g_strdup (src->system_instruction);
  dest->resumption_handle = g_strdup (src->resumption_handle);
  dest->tools_json = g_strdup (src->tools_json);
}

/* Sets the error, with the API key scrubbed: values such as the URI or the
 * tools JSON are quoted in messages and may contain it by mistake. */
G_GNUC_PRINTF (3, 4)
static void
set_error (GError **error, const GstGeminiLiveConfig *config,
           const gchar *format, ...)
{
  va_list args;
  gchar *message;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  if (config->api_key != NULL
      && strlen (config->api_key) >= MIN_REDACTED_KEY_LEN
      && strstr (message, config->api_key) != NULL)
    {
      gchar **pieces = g_strsplit (message, config->api_key, -1);

      g_free (message);
      message = g_strjoinv ("<redacted>", pieces);
      g_strfreev (pieces);
    }

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

  if (!is_set (config->uri))
    {
      set_error (error, config, "Property 'uri': not set");
      return FALSE;
    }

  /* g_uri_parse() lets spaces through ("wss://exa mple.com"); the
   * WebSocket handshake would not. */
  for (p = config->uri; *p != '\0'; p++)
    {
      if ((guchar)*p <= 0x20 || *p == 0x7f)
        {
          set_error (error, config,
                     "Property 'uri': must not contain spaces or control "
                     "characters");
          return FALSE;
        }
    }

  uri = g_uri_parse (config->uri, G_URI_FLAGS_NONE, &parse_error);
  if (uri == NULL)
    {
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

  if (!is_set (config->model))
    {
      set_error (error, config, "Property 'model': not set");
      return FALSE;
    }
  for (p = config->model; *p != '\0'; p++)
    {
      if (g_ascii_isspace (*p))
        {
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
  for (p = config->voice; *p != '\0'; p++)
    {
      if (!g_ascii_isalpha (*p))
        {
          gchar *shown = g_utf8_make_valid (config->voice, -1);

          set_error (error, config,
                     "Property 'voice': must contain only letters, got '%s'",
                     shown);
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
  for (p = name; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p) && *p != '_' && *p != ':' && *p != '.'
          && *p != '-')
        return FALSE;
    }
  return TRUE;
}

static gboolean
validate_tools (const GstGeminiLiveConfig *config, GError **error)
{
  JsonParser *parser;
  JsonNode *root;
  JsonArray *array;
  GError *parse_error = NULL;
  gsize len;
  guint i, n;
  gboolean ok = FALSE;

  if (!is_set (config->tools_json))
    return TRUE;

  len = strlen (config->tools_json);
  if (!gst_gemini_live_protocol_check_depth (
          config->tools_json, len, GST_GEMINI_LIVE_PROTOCOL_MAX_DEPTH))
    {
      set_error (error, config,
                 "Property 'tools': JSON nested deeper than %d levels",
                 GST_GEMINI_LIVE_PROTOCOL_MAX_DEPTH);
      return FALSE;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, config->tools_json, len,
                                   &parse_error))
    {
      set_error (error, config, "Property 'tools': not valid JSON: %s",
                 parse_error->message);
      g_error_free (parse_error);
      goto out;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    {
      set_error (
          error, config,
          "Property 'tools': must be a JSON array of function declarations");
      goto out;
    }

  array = json_node_get_array (root);
  n = json_array_get_length (array);
  for (i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *object;
      JsonNode *name_node;
      const gchar *name;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          set_error (error, config,
                     "Property 'tools': element %u is not an object", i);
          goto out;
        }
      object = json_node_get_object (element);
      name_node = json_object_get_member (object, "name");
      if (name_node == NULL)
        {
          set_error (error, config,
                     "Property 'tools': element %u has no \"name\"", i);
          goto out;
        }
      if (!JSON_NODE_HOLDS_VALUE (name_node)
          || json_node_get_value_type (name_node) != G_TYPE_STRING)
        {
          set_error (error, config,
                     "Property 'tools': element %u: \"name\" must be a string",
                     i);
          goto out;
        }
      name = json_node_get_string (name_node);
      if (!is_valid_function_name (name))
        {
          set_error (
              error, config,
              "Property 'tools': element %u: name '%s' must be 1 to %d of "
              "a-z A-Z 0-9 _ : . -",
              i, name, MAX_FUNCTION_NAME_LEN);
          goto out;
        }
    }
  ok = TRUE;

out:
  g_object_unref (parser);
  return ok;
}

gboolean
gst_gemini_live_config_validate (const GstGeminiLiveConfig *config,
                                 GError **error)
{
  g_return_val_if_fail (config != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!validate_uri (config, error))
    return FALSE;

  if (!is_set (config->api_key))
    {
      set_error (error, config,
                 "No API key: set the 'api-key' property or the GEMINI_API_KEY "
                 "(or GOOGLE_API_KEY) environment variable");
      return FALSE;
    }

  if (!validate_model (config, error))
    return FALSE;
  if (!validate_voice (config, error))
    return FALSE;
  if (!validate_tools (config, error))
    return FALSE;

  if (is_set (config->resumption_handle) && !config->session_resumption)
    {
      set_error (error, config,
                 "Property 'resumption-handle' needs 'session-resumption'");
      return FALSE;
    }

  return TRUE;
}

gchar *
gst_gemini_live_config_model_path (const GstGeminiLiveConfig *config)
{
  const gchar *model;

  g_return_val_if_fail (config != NULL, NULL);

  model
      = is_set (config->model) ? config->model : GST_GEMINI_LIVE_DEFAULT_MODEL;
  /* Vertex wants the full resource name; it is passed through as given. */
  if (g_str_has_prefix (model, "models/")
      || g_str_has_prefix (model, "projects/")
      || g_str_has_prefix (model, "publishers/"))
    return g_strdup (model);
  return g_strconcat ("models/", model, NULL);
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
