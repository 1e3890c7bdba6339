/* gst-gemini-live
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gstgeminilivejson.h"

#include <math.h>
#include <string.h>

GQuark
gst_gemini_live_json_error_quark (void)
{
  return g_quark_from_static_string ("gst-gemini-live-json-error-quark");
}

/* ---- reading ----------------------------------------------------------- */

static gint
hex4 (const gchar *p, gsize left)
{
  gint v = 0, i;

  if (left < 4)
    return -1;
  for (i = 0; i < 4; i++) {
    gint d = g_ascii_xdigit_value (p[i]);
    if (d < 0)
      return -1;
    v = v * 16 + d;
  }
  return v;
}

/* json-glib skips comments (which could hide nesting) and turns C escapes
 * and lone surrogates into bytes that are not UTF-8: refused here. */
gboolean
gst_gemini_live_json_is_strict (const gchar *data, gsize size, guint max_depth)
{
  gboolean in_string = FALSE, closed_top = FALSE, top_scalar = FALSE;
  guint depth = 0;
  gsize i;

  g_return_val_if_fail (data != NULL || size == 0, FALSE);

  for (i = 0; i < size; i++) {
    gchar c = data[i];

    if (in_string) {
      if (c == '\\') {
        gchar e = i + 1 < size ? data[i + 1] : '\0';

        if (e == 'u') {
          gint u = hex4 (data + i + 2, size - i - 2);

          if (u < 0 || (u >= 0xDC00 && u <= 0xDFFF))
            return FALSE;
          if (u >= 0xD800 && u <= 0xDBFF) {
            /* A high surrogate needs its low half right after. */
            gint low = i + 7 < size && data[i + 6] == '\\' && data[i + 7] == 'u'
                ? hex4 (data + i + 8, size - i - 8)
                : -1;
            if (low < 0xDC00 || low > 0xDFFF)
              return FALSE;
            i += 6;
          }
          i += 5;
        } else if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f'
            && e != 'n' && e != 'r' && e != 't') {
          return FALSE;
        } else {
          i++;
        }
      } else if (c == '"') {
        in_string = FALSE;
        if (depth == 0)
          closed_top = TRUE;
      }
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      if (top_scalar)
        closed_top = TRUE;
      continue;
    }
    /* Anything after the first complete top-level value. */
    if (closed_top || c == '/')
      return FALSE;
    if (depth == 0 && c != '{' && c != '[' && c != '"') {
      /* A bare number, true, false or null as the whole text. */
      top_scalar = TRUE;
      continue;
    }
    if (top_scalar)
      return FALSE;
    if (c == '"') {
      in_string = TRUE;
    } else if (c == '{' || c == '[') {
      if (++depth > max_depth)
        return FALSE;
    } else if (c == '}' || c == ']') {
      if (depth == 0)
        return FALSE;
      if (--depth == 0)
        closed_top = TRUE;
    }
  }
  return TRUE;
}

JsonNode *
gst_gemini_live_json_parse (const gchar *text, GError **error)
{
  JsonParser *parser;
  JsonNode *root = NULL;
  GError *parse_error = NULL;
  gsize len = strlen (text);

  if (!gst_gemini_live_json_is_strict (
          text, len, GST_GEMINI_LIVE_JSON_MAX_DEPTH)) {
    g_set_error (error, GST_GEMINI_LIVE_JSON_ERROR,
        GST_GEMINI_LIVE_JSON_ERROR_INVALID,
        "not strict JSON (nested deeper than %d levels, a comment, several "
        "values or a non-JSON escape)",
        GST_GEMINI_LIVE_JSON_MAX_DEPTH);
    return NULL;
  }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, text, len, &parse_error)) {
    g_set_error (error, GST_GEMINI_LIVE_JSON_ERROR,
        GST_GEMINI_LIVE_JSON_ERROR_INVALID, "not valid JSON: %s",
        parse_error->message);
    g_error_free (parse_error);
  } else if (json_parser_get_root (parser) == NULL) {
    g_set_error_literal (error, GST_GEMINI_LIVE_JSON_ERROR,
        GST_GEMINI_LIVE_JSON_ERROR_INVALID, "empty JSON");
  } else {
    root = json_node_ref (json_parser_get_root (parser));
  }
  g_object_unref (parser);
  return root;
}

/* ---- writing ----------------------------------------------------------- */

/* json-glib prints doubles with 17 digits (0.7 becomes
 * 0.69999999999999996); the shortest text that reads back as the same
 * double is what a user set and expects to see on the wire. */
static void
write_double (GString *out, gdouble value)
{
  gchar buf[G_ASCII_DTOSTR_BUF_SIZE];
  gint precision;

  if (!isfinite (value)) {
    /* JSON has no NaN or infinity; validation keeps them out. */
    g_string_append (out, "null");
    return;
  }
  for (precision = 15; precision <= 17; precision++) {
    g_ascii_formatd (buf, sizeof (buf),
        precision == 15       ? "%.15g"
            : precision == 16 ? "%.16g"
                              : "%.17g",
        value);
    if (g_ascii_strtod (buf, NULL) == value)
      break;
  }
  g_string_append (out, buf);
  /* Keep it a JSON number that reads as a double, as json-glib does. */
  if (strpbrk (buf, ".eE") == NULL)
    g_string_append (out, ".0");
}

/* Strings through json-glib, so that escaping is identical to the other
 * messages. */
static void
write_string (GString *out, const gchar *str)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);
  gchar *valid = NULL;
  gchar *json;

  /* json-glib turns escapes such as a lone \ud800 into bytes that are not
   * UTF-8; nothing invalid leaves this writer. */
  if (!g_utf8_validate (str, -1, NULL))
    str = valid = g_utf8_make_valid (str, -1);
  json_node_set_string (node, str);
  json = json_to_string (node, FALSE);
  g_string_append (out, json);
  g_free (json);
  g_free (valid);
  json_node_unref (node);
}

static void
write_node (GString *out, JsonNode *node)
{
  switch (JSON_NODE_TYPE (node)) {
    case JSON_NODE_OBJECT: {
      JsonObject *object = json_node_get_object (node);
      GList *members = json_object_get_members (object), *l;

      g_string_append_c (out, '{');
      for (l = members; l != NULL; l = l->next) {
        if (l != members)
          g_string_append_c (out, ',');
        write_string (out, l->data);
        g_string_append_c (out, ':');
        write_node (out, json_object_get_member (object, l->data));
      }
      g_string_append_c (out, '}');
      g_list_free (members);
      break;
    }
    case JSON_NODE_ARRAY: {
      JsonArray *array = json_node_get_array (node);
      guint i, n = json_array_get_length (array);

      g_string_append_c (out, '[');
      for (i = 0; i < n; i++) {
        if (i > 0)
          g_string_append_c (out, ',');
        write_node (out, json_array_get_element (array, i));
      }
      g_string_append_c (out, ']');
      break;
    }
    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node)) {
        case G_TYPE_DOUBLE:
          write_double (out, json_node_get_double (node));
          break;
        case G_TYPE_INT64:
          g_string_append_printf (
              out, "%" G_GINT64_FORMAT, json_node_get_int (node));
          break;
        case G_TYPE_BOOLEAN:
          g_string_append (
              out, json_node_get_boolean (node) ? "true" : "false");
          break;
        default:
          write_string (out, json_node_get_string (node));
          break;
      }
      break;
    case JSON_NODE_NULL:
      g_string_append (out, "null");
      break;
  }
}

gchar *
gst_gemini_live_json_write (JsonNode *node)
{
  GString *out = g_string_new (NULL);

  write_node (out, node);
  return g_string_free (out, FALSE);
}

gchar *
gst_gemini_live_json_write_object (JsonObject *object)
{
  JsonNode *node = json_node_init_object (json_node_alloc (), object);
  gchar *json = gst_gemini_live_json_write (node);

  json_node_unref (node);
  return json;
}

gchar *
gst_gemini_live_json_write_take (JsonNode *root)
{
  gchar *json = gst_gemini_live_json_write (root);

  json_node_unref (root);
  return json;
}
