/* gst-gemini-live
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gstgeminilivehotpath.h"

#include <string.h>

#define BASE64_ALPHABET                                                        \
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

/* ---- the answer's audio chunk, without a JSON tree --------------------- */

typedef struct
{
  const gchar *p, *end;
} Cursor;

static void
skip_space (Cursor *c)
{
  while (c->p < c->end
      && (*c->p == ' ' || *c->p == '\n' || *c->p == '\r' || *c->p == '\t'))
    c->p++;
}

/* Whitespace, then this punctuation. */
static gboolean
take_char (Cursor *c, gchar ch)
{
  skip_space (c);
  if (c->p >= c->end || *c->p != ch)
    return FALSE;
  c->p++;
  return TRUE;
}

/* Past the string whose closing quote is at quote (NULL: none); its
 * bytes between the quotes. */
static gboolean
close_string (Cursor *c, const gchar *quote, const gchar **start, gsize *len)
{
  if (quote == NULL || quote >= c->end)
    return FALSE;
  *start = c->p;
  *len = (gsize)(quote - c->p);
  c->p = quote + 1;
  return TRUE;
}

/* A string of printable ASCII without escapes. */
static gboolean
take_plain_string (Cursor *c, const gchar **start, gsize *len)
{
  const gchar *q;

  if (!take_char (c, '"'))
    return FALSE;
  for (q = c->p; q < c->end && *q != '"'; q++)
    if (*q == '\\' || (guchar)*q < 0x20 || (guchar)*q > 0x7e)
      return FALSE;
  return close_string (c, q, start, len);
}

/* The base64 data: up to the closing quote, found with memchr (SIMD);
 * the strict decoder refuses whatever else is not base64, escapes
 * included. */
static gboolean
take_base64_string (Cursor *c, const gchar **start, gsize *len)
{
  return take_char (c, '"')
      && close_string (
          c, memchr (c->p, '"', (gsize)(c->end - c->p)), start, len);
}

/* "name": */
static gboolean
take_key (Cursor *c, const gchar *name)
{
  const gchar *key;
  gsize len;

  return take_plain_string (c, &key, &len) && len == strlen (name)
      && memcmp (key, name, len) == 0 && take_char (c, ':');
}

gboolean
gst_gemini_live_hotpath_read_audio_chunk (
    const gchar *data, gsize size, const gchar **b64, gsize *b64_len)
{
  Cursor c = { data, data + size };
  const gchar *mime, *role;
  gsize mime_len, role_len;

  if (!(take_char (&c, '{') && take_key (&c, "serverContent")
          && take_char (&c, '{') && take_key (&c, "modelTurn")
          && take_char (&c, '{')))
    return FALSE;
  /* Vertex names the role first. */
  skip_space (&c);
  if (c.end - c.p > 6 && memcmp (c.p, "\"role\"", 6) == 0
      && !(take_key (&c, "role") && take_plain_string (&c, &role, &role_len)
          && take_char (&c, ',')))
    return FALSE;
  if (!(take_key (&c, "parts") && take_char (&c, '[') && take_char (&c, '{')
          && take_key (&c, "inlineData") && take_char (&c, '{')
          && take_key (&c, "mimeType")
          && take_plain_string (&c, &mime, &mime_len) && take_char (&c, ',')
          && take_key (&c, "data") && take_base64_string (&c, b64, b64_len)
          && take_char (&c, '}') && take_char (&c, '}') && take_char (&c, ']')
          && take_char (&c, '}') && take_char (&c, '}') && take_char (&c, '}')))
    return FALSE;
  skip_space (&c);
  return c.p == c.end && mime_len >= 9 && memcmp (mime, "audio/pcm", 9) == 0;
}

/* ---- strict base64 ---------------------------------------------------- */

/* Each character's 6 bits, -1 when it is not base64: both alphabets, as
 * proto3 JSON parsers accept the URL-safe one too. */
static gint8 base64_values[256];

static void
base64_values_init (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    gint c;

    memset (base64_values, -1, sizeof base64_values);
    for (c = 0; c < 64; c++)
      base64_values[(guchar)BASE64_ALPHABET[c]] = c;
    base64_values['-'] = 62;
    base64_values['_'] = 63;
    g_once_init_leave (&done, 1);
  }
}

guint8 *
gst_gemini_live_hotpath_base64_decode (
    const gchar *text, gsize len, gsize *out_len, gchar **problem)
{
  guint8 *out;
  gsize padding = 0, data_len, i, o = 0;
  guint32 acc = 0;
  guint bits = 0;

  if (len > 0 && text[len - 1] == '=')
    padding++;
  if (len > 1 && text[len - 2] == '=')
    padding++;
  if (padding > 0 && len % 4 != 0) {
    *problem = g_strdup_printf (
        "padded length %" G_GSIZE_FORMAT " is not a multiple of 4", len);
    return NULL;
  }
  data_len = len - padding;
  if (data_len % 4 == 1) {
    *problem
        = g_strdup_printf ("length %" G_GSIZE_FORMAT " cannot be base64", len);
    return NULL;
  }

  base64_values_init ();
  out = g_malloc (data_len / 4 * 3 + 3);
  for (i = 0; i < data_len; i++) {
    gint v = base64_values[(guchar)text[i]];

    if (v < 0) {
      *problem = g_strdup_printf (
          "invalid character 0x%02x at offset %" G_GSIZE_FORMAT,
          (guchar)text[i], i);
      g_free (out);
      return NULL;
    }
    acc = (acc << 6) | (guint32)v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  /* Leftover bits must be zero, or the encoding is not canonical. */
  if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) {
    *problem = g_strdup ("non-zero trailing bits");
    g_free (out);
    return NULL;
  }

  *out_len = o;
  return out;
}

/* ---- the input's media messages, without a JSON tree -------------------- */

/* Appends str as the body of a JSON string (no quotes): a MIME type. */
static void
append_json_escaped (GString *out, const gchar *str)
{
  const guchar *p;

  for (p = (const guchar *)str; *p != '\0'; p++) {
    if (*p == '"' || *p == '\\') {
      g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    } else if (*p < 0x20) {
      g_string_append_printf (out, "\\u%04x", *p);
    } else {
      g_string_append_c (out, *p);
    }
  }
}

gchar *
gst_gemini_live_hotpath_build_media (
    const gchar *field, const gchar *mime_type, const guint8 *data, gsize size)
{
  static const gchar suffix[] = "\"}}}";
  gsize b64_len = (size + 2) / 3 * 4;
  gint state = 0, save = 0;
  GString *out;
  gsize start, written;

  /* One allocation; base64 needs no JSON escaping, so GLib's encoder
   * writes straight into the message. */
  out = g_string_sized_new (
      64 + strlen (field) + strlen (mime_type) + b64_len + sizeof (suffix));
  g_string_append (out, "{\"realtimeInput\":{\"");
  append_json_escaped (out, field);
  g_string_append (out, "\":{\"mimeType\":\"");
  append_json_escaped (out, mime_type);
  g_string_append (out, "\",\"data\":\"");

  start = out->len;
  g_string_set_size (out, start + b64_len);
  written = g_base64_encode_step (
      data, size, FALSE, out->str + start, &state, &save);
  written += g_base64_encode_close (
      FALSE, out->str + start + written, &state, &save);
  g_assert (written == b64_len);

  g_string_append_len (out, suffix, sizeof (suffix) - 1);
  return g_string_free (out, FALSE);
}
