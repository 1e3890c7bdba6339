/* gst-gemini-live
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Fuzz target: one server frame, as the session thread hands it to
 * gst_gemini_live_protocol_parse(). The input is the frame's bytes, as
 * received (text or binary frame, no NUL terminator).
 *
 * Checked beyond memory safety (ASan/UBSan/valgrind):
 *  - NULL with a GError, or an event array and no error;
 *  - every event has a known type; strings that reach GstStructures,
 *    signals and the application are valid UTF-8;
 *  - JSON handed to the application (tool-call args, usage) parses back;
 *  - audio is a non-empty, even number of bytes (s16le);
 *  - goAway durations, frame depth checks and event freeing hold up.
 */
#include "fuzz-common.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "gstgeminilivejson.h"
#include "gstgeminiliveprotocol.h"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_init_glib ();
  return 0;
}

static void
check_utf8 (const gchar *str, const gchar *what)
{
  if (str != NULL && fuzz_semantic_checks ())
    FUZZ_CHECK (g_utf8_validate (str, -1, NULL), "%s is not valid UTF-8", what);
}

static void
check_json (const gchar *json, const gchar *what)
{
  JsonParser *parser;
  GError *error = NULL;

  FUZZ_CHECK (json != NULL, "%s is NULL", what);
  if (!fuzz_semantic_checks ())
    return;
  /* F1: json-glib writes some numbers as "inf.0" or "2e+17.0". */
  if (fuzz_skip_known () && fuzz_json_known_bad_number (json))
    return;
  check_utf8 (json, what);
  parser = json_parser_new_immutable ();
  FUZZ_CHECK (json_parser_load_from_data (parser, json, -1, &error),
      "%s does not parse back: %s: %.200s", what, error ? error->message : "",
      json);
  FUZZ_CHECK (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)),
      "%s is not an object: %.200s", what, json);
  g_object_unref (parser);
}

/* Every string field, in lists too, is UTF-8 (GVariant demands it). */
static void
check_fields (const GstGeminiLiveEvent *event)
{
  GVariantIter iter;
  const gchar *name;
  GVariant *value;

  FUZZ_CHECK (event->fields != NULL
          && g_variant_is_of_type (event->fields, G_VARIANT_TYPE_VARDICT),
      "event fields are not a{sv}");
  g_variant_iter_init (&iter, event->fields);
  while (g_variant_iter_next (&iter, "{&sv}", &name, &value)) {
    if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
      check_utf8 (g_variant_get_string (value, NULL), name);
    g_variant_unref (value);
  }
}

static void
check_event (const GstGeminiLiveEvent *event)
{
  const gchar *nick = gst_gemini_live_event_type_nick (event->type);
  const gchar *name;
  GStrv ids;
  gsize size;

  FUZZ_CHECK (strcmp (nick, "unknown") != 0, "event type %d", (int)event->type);
  check_fields (event);

  switch (event->type) {
    case GST_GEMINI_LIVE_EVENT_AUDIO:
      FUZZ_CHECK (event->audio != NULL, "audio event without audio");
      size = g_bytes_get_size (event->audio);
      FUZZ_CHECK (size > 0 && size % 2 == 0,
          "audio event of %" G_GSIZE_FORMAT " bytes", size);
      break;
    case GST_GEMINI_LIVE_EVENT_TOOL_CALL:
      name = gst_gemini_live_event_get_string (event, "name");
      FUZZ_CHECK (name != NULL && *name != '\0', "tool call without a name");
      check_json (
          gst_gemini_live_event_get_string (event, "args"), "tool-call args");
      break;
    case GST_GEMINI_LIVE_EVENT_USAGE:
      check_json (
          gst_gemini_live_event_get_string (event, "json"), "usage json");
      break;
    case GST_GEMINI_LIVE_EVENT_TOOL_CALL_CANCELLATION: {
      guint i;

      ids = gst_gemini_live_event_dup_strv (event, "ids");
      FUZZ_CHECK (ids != NULL && ids[0] != NULL, "cancellation without ids");
      for (i = 0; ids != NULL && ids[i] != NULL; i++)
        check_utf8 (ids[i], "cancelled id");
      g_strfreev (ids);
      break;
    }
    case GST_GEMINI_LIVE_EVENT_WARNING:
      FUZZ_CHECK (gst_gemini_live_event_get_string (event, "text") != NULL,
          "warning without text");
      break;
    default:
      FUZZ_CHECK (event->audio == NULL, "%s event carries audio", nick);
      break;
  }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  GError *error = NULL;
  GPtrArray *events;
  gchar *str;
  guint64 ns;

  if (fuzz_skip_known () && fuzz_json_known_issue ((const gchar *)data, size))
    return 0;

  events = gst_gemini_live_protocol_parse ((const gchar *)data, size, &error);
  if (events == NULL) {
    FUZZ_CHECK (error != NULL, "NULL without an error");
    FUZZ_CHECK (error->domain == GST_GEMINI_LIVE_PROTOCOL_ERROR,
        "error domain %s", g_quark_to_string (error->domain));
    /* F5: json-glib's message may cut a UTF-8 sequence. */
    if (!fuzz_skip_known ())
      check_utf8 (error->message, "error message");
    g_error_free (error);
  } else {
    guint i;

    FUZZ_CHECK (error == NULL, "events and an error: %s", error->message);
    for (i = 0; i < events->len; i++)
      check_event (g_ptr_array_index (events, i));
    g_ptr_array_unref (events);
  }

  /* The helpers the parser builds on, on the same bytes. */
  gst_gemini_live_json_is_strict ((const gchar *)data, size, 0);
  gst_gemini_live_json_is_strict (
      (const gchar *)data, size, GST_GEMINI_LIVE_JSON_MAX_DEPTH);
  if (size < 64) {
    str = g_strndup ((const gchar *)data, size);
    if (gst_gemini_live_protocol_parse_duration (str, &ns))
      FUZZ_CHECK (g_str_has_suffix (str, "s"), "duration '%s'", str);
    g_free (str);
  }
  return 0;
}
