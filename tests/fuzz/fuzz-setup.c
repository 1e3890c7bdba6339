/* gst-gemini-live
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Fuzz target: everything an application can put into the element's
 * properties and actions, through the pure config and protocol layers:
 * gst_gemini_live_config_validate(), _build_setup(), _build_tool_response(),
 * _build_realtime_text(), _build_audio() and _build_video().
 *
 * Input layout (make-corpus.py writes seeds in it): byte 0 holds flags,
 * the rest is fields separated by NUL bytes, in this order:
 *
 *   uri, api_key, model, voice, system_instruction, tools_json,
 *   resumption_handle, tool_id, tool_name, response_json, text
 *
 * A field missing at the end is NULL (an unset property); a present but
 * empty one is "". Flags: bit 0 TEXT modality, 1 input transcription,
 * 2 output transcription, 3 session resumption, 4 tool id NULL,
 * 5 response NULL.
 *
 * Checked beyond memory safety: validate() returns FALSE exactly when it
 * sets an error; the error never quotes the API key; every message built
 * is valid UTF-8 and parses back as a JSON object of the expected shape.
 */
#include "fuzz-common.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "gstgeminiliveconfig.h"
#include "gstgeminilivejson.h"
#include "gstgeminiliveprotocol.h"

enum
{
  F_URI,
  F_API_KEY,
  F_MODEL,
  F_VOICE,
  F_SYSTEM_INSTRUCTION,
  F_TOOLS_JSON,
  F_RESUMPTION_HANDLE,
  F_TOOL_ID,
  F_TOOL_NAME,
  F_RESPONSE_JSON,
  F_TEXT,
  N_FIELDS
};

#define FLAG_TEXT_MODALITY (1 << 0)
#define FLAG_INPUT_TRANSCRIPTION (1 << 1)
#define FLAG_OUTPUT_TRANSCRIPTION (1 << 2)
#define FLAG_SESSION_RESUMPTION (1 << 3)
#define FLAG_TOOL_ID_NULL (1 << 4)
#define FLAG_RESPONSE_NULL (1 << 5)

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_init_glib ();
  return 0;
}

/* Parses a message we built: valid UTF-8, a JSON object with the member
 * `top`. Returns the top member's object (owned by *parser). */
static JsonObject *
check_message (const gchar *json, const gchar *top, JsonParser **parser)
{
  GError *error = NULL;
  JsonNode *root;
  JsonObject *object;

  *parser = NULL;
  FUZZ_CHECK (json != NULL, "no %s message", top);
  if (!fuzz_semantic_checks ())
    return NULL;
  FUZZ_CHECK (g_utf8_validate (json, -1, NULL),
      "%s message is not valid UTF-8: %.200s", top, json);
  *parser = json_parser_new_immutable ();
  /* F1: json-glib writes some numbers as "inf.0" or "2e+17.0". */
  if (fuzz_skip_known () && fuzz_json_known_bad_number (json))
    return NULL;
  FUZZ_CHECK (json_parser_load_from_data (*parser, json, -1, &error),
      "%s message does not parse: %s: %.200s", top, error ? error->message : "",
      json);
  root = json_parser_get_root (*parser);
  FUZZ_CHECK (root != NULL && JSON_NODE_HOLDS_OBJECT (root),
      "%s message is not an object", top);
  object = json_node_get_object (root);
  FUZZ_CHECK (json_object_has_member (object, top)
          && JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, top)),
      "no object member %s: %.200s", top, json);
  return json_object_get_object_member (object, top);
}

static void
fuzz_config (const guint8 flags, gchar **fields)
{
  GstGeminiLiveConfig config, copy;
  GError *error = NULL;
  JsonParser *parser;
  JsonObject *setup;
  gboolean valid;
  gchar *json, *model_path, *key;

  gst_gemini_live_config_init (&config);
  /* NULL uri/model fields keep the defaults, as unset properties do. */
  if (fields[F_URI] != NULL) {
    g_free (config.uri);
    config.uri = g_strdup (fields[F_URI]);
  }
  if (fields[F_MODEL] != NULL) {
    g_free (config.model);
    config.model = g_strdup (fields[F_MODEL]);
  }
  config.api_key = g_strdup (fields[F_API_KEY]);
  config.voice = g_strdup (fields[F_VOICE]);
  config.system_instruction = g_strdup (fields[F_SYSTEM_INSTRUCTION]);
  config.tools_json = g_strdup (fields[F_TOOLS_JSON]);
  config.resumption_handle = g_strdup (fields[F_RESUMPTION_HANDLE]);
  config.response_modality = (flags & FLAG_TEXT_MODALITY)
      ? GST_GEMINI_LIVE_RESPONSE_MODALITY_TEXT
      : GST_GEMINI_LIVE_RESPONSE_MODALITY_AUDIO;
  config.input_transcription = (flags & FLAG_INPUT_TRANSCRIPTION) != 0;
  config.output_transcription = (flags & FLAG_OUTPUT_TRANSCRIPTION) != 0;
  config.session_resumption = (flags & FLAG_SESSION_RESUMPTION) != 0;

  /* The element validates a copy of its settings. */
  gst_gemini_live_config_copy (&copy, &config);
  gst_gemini_live_config_clear (&config);

  valid = gst_gemini_live_config_validate (&copy, &error);
  FUZZ_CHECK (valid == (error == NULL), "validate returned %d, error %s", valid,
      error ? error->message : "none");
  if (error != NULL) {
    FUZZ_CHECK (error->domain == GST_GEMINI_LIVE_CONFIG_ERROR,
        "error domain %s", g_quark_to_string (error->domain));
    /* Keys shorter than 6 bytes are deliberately not redacted. */
    if (copy.api_key != NULL && strlen (copy.api_key) >= 6)
      FUZZ_CHECK (strstr (error->message, copy.api_key) == NULL,
          "the API key is in the error: %s", error->message);
    g_clear_error (&error);
  }

  model_path = gst_gemini_live_protocol_model_path (&copy);
  FUZZ_CHECK (model_path != NULL && *model_path != '\0', "no model path");
  g_free (model_path);

  key = gst_gemini_live_config_resolve_api_key (copy.api_key);
  g_free (key);

  json = gst_gemini_live_protocol_build_setup (&copy);
  setup = check_message (json, "setup", &parser);
  if (setup != NULL) {
    FUZZ_CHECK (
        json_object_has_member (setup, "model"), "no model: %.200s", json);
    /* Tools that passed validation are sent, never dropped silently. */
    if (valid && copy.tools_json != NULL && *copy.tools_json != '\0')
      FUZZ_CHECK (json_object_has_member (setup, "tools"),
          "valid tools left out: %.200s", json);
    FUZZ_CHECK (json_object_has_member (setup, "sessionResumption")
            == copy.session_resumption,
        "sessionResumption: %.200s", json);
  }
  g_clear_object (&parser);
  g_free (json);

  gst_gemini_live_config_clear (&copy);
}

static void
fuzz_messages (const guint8 flags, gchar **fields)
{
  const gchar *id = (flags & FLAG_TOOL_ID_NULL) ? NULL : fields[F_TOOL_ID];
  const gchar *response
      = (flags & FLAG_RESPONSE_NULL) ? NULL : fields[F_RESPONSE_JSON];
  const gchar *text = fields[F_TEXT] ? fields[F_TEXT] : "";
  GError *error = NULL;
  JsonParser *parser;
  JsonObject *object;
  gchar *json;

  json = gst_gemini_live_protocol_build_tool_response (
      id, fields[F_TOOL_NAME], response, &error);
  FUZZ_CHECK ((json == NULL) == (error != NULL),
      "tool response %p with error %s", (void *)json,
      error ? error->message : "none");
  if (json != NULL) {
    object = check_message (json, "toolResponse", &parser);
    if (object != NULL)
      FUZZ_CHECK (json_object_has_member (object, "functionResponses"),
          "no functionResponses: %.200s", json);
    g_clear_object (&parser);
    g_free (json);
  } else {
    FUZZ_CHECK (error->domain == GST_GEMINI_LIVE_PROTOCOL_ERROR,
        "error domain %s", g_quark_to_string (error->domain));
    if (fuzz_semantic_checks ())
      FUZZ_CHECK (g_utf8_validate (error->message, -1, NULL),
          "error message is not UTF-8");
    g_clear_error (&error);
  }

  json = gst_gemini_live_protocol_build_realtime_text (text);
  object = check_message (json, "realtimeInput", &parser);
  g_clear_object (&parser);
  g_free (json);

  /* The same bytes as PCM (odd counts included) and as a video frame. */
  json = gst_gemini_live_protocol_build_audio (
      (const guint8 *)text, strlen (text), 16000);
  object = check_message (json, "realtimeInput", &parser);
  g_clear_object (&parser);
  g_free (json);

  /* The element passes a MIME type from caps: UTF-8, never empty. */
  json = gst_gemini_live_protocol_build_video ((const guint8 *)text,
      strlen (text),
      fields[F_VOICE] && *fields[F_VOICE]
              && g_utf8_validate (fields[F_VOICE], -1, NULL)
          ? fields[F_VOICE]
          : "image/jpeg");
  object = check_message (json, "realtimeInput", &parser);
  g_clear_object (&parser);
  g_free (json);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  gchar *fields[N_FIELDS] = { NULL };
  gchar *copy;
  const gchar *p, *end;
  guint8 flags;
  guint i;

  if (size == 0)
    return 0;
  flags = data[0];

  /* Split the rest on NUL; the copy keeps every field NUL-terminated. */
  copy = g_malloc (size);
  memcpy (copy, data + 1, size - 1);
  copy[size - 1] = '\0';
  p = copy;
  end = copy + size - 1;
  for (i = 0; i < N_FIELDS && p <= end && size > 1; i++) {
    fields[i] = (gchar *)p;
    p += strlen (p) + 1;
  }

  if (fuzz_skip_known ()) {
    const gchar *json[] = { fields[F_TOOLS_JSON], fields[F_RESPONSE_JSON] };

    for (i = 0; i < G_N_ELEMENTS (json); i++)
      if (json[i] != NULL
          && fuzz_json_known_issue (json[i], strlen (json[i]))) {
        g_free (copy);
        return 0;
      }
  }

  fuzz_config (flags, fields);
  fuzz_messages (flags, fields);

  g_free (copy);
  return 0;
}
