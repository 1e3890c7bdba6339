/* gemini-live-sim: the deterministic model (VAD, answers, tools).
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gls-model.h"

#include <math.h>
#include <string.h>

void
gls_vad_init (GlsVad *vad, guint rate, guint silence_ms)
{
  memset (vad, 0, sizeof *vad);
  vad->rate = rate ? rate : 16000;
  vad->silence_ms = silence_ms;
  vad->partial = g_byte_array_new ();
}

void
gls_vad_clear (GlsVad *vad)
{
  g_clear_pointer (&vad->partial, g_byte_array_unref);
}

void
gls_vad_copy (GlsVad *dst, const GlsVad *src)
{
  *dst = *src;
  dst->partial = g_byte_array_new ();
  if (src->partial)
    g_byte_array_append (dst->partial, src->partial->data, src->partial->len);
}

static void
end_turn (GlsVad *vad)
{
  vad->in_turn = FALSE;
  vad->turn_samples = vad->last_speech_end > vad->turn_start
      ? vad->last_speech_end - vad->turn_start
      : 0;
  vad->silence = 0;
}

static void
frame (GlsVad *vad, const guint8 *pcm, guint n, GlsVadFunc func,
    gpointer user_data)
{
  gdouble sum = 0;

  for (guint i = 0; i < n; i++) {
    gint16 s = (gint16)GUINT16_FROM_LE (pcm[2 * i] | (pcm[2 * i + 1] << 8));
    sum += (gdouble)s * s;
  }
  if (sqrt (sum / n) > GLS_VAD_RMS) {
    vad->silence = 0;
    if (!vad->in_turn) {
      vad->in_turn = TRUE;
      vad->turn_start = vad->samples;
      vad->samples += n;
      vad->last_speech_end = vad->samples;
      func (GLS_VAD_SPEECH_START, user_data);
      return;
    }
    vad->last_speech_end = vad->samples + n;
  } else if (vad->in_turn) {
    vad->silence += n;
    if (vad->silence * 1000 >= (guint64)vad->silence_ms * vad->rate) {
      vad->samples += n;
      end_turn (vad);
      func (GLS_VAD_TURN_END, user_data);
      return;
    }
  }
  vad->samples += n;
}

void
gls_vad_feed (GlsVad *vad, const guint8 *pcm, gsize len, GlsVadFunc func,
    gpointer user_data)
{
  guint frame_bytes = vad->rate / 50 * 2;
  gsize off = 0;

  /* complete a frame left over from the previous buffer first */
  if (vad->partial->len > 0) {
    gsize take = MIN (len, frame_bytes - vad->partial->len);

    g_byte_array_append (vad->partial, pcm, take);
    off = take;
    if (vad->partial->len < frame_bytes)
      return;
    frame (vad, vad->partial->data, frame_bytes / 2, func, user_data);
    g_byte_array_set_size (vad->partial, 0);
  }
  for (; off + frame_bytes <= len; off += frame_bytes)
    frame (vad, pcm + off, frame_bytes / 2, func, user_data);
  if (off < len)
    g_byte_array_append (vad->partial, pcm + off, len - off);
}

gboolean
gls_vad_force_end (GlsVad *vad)
{
  if (!vad->in_turn)
    return FALSE;
  end_turn (vad);
  return TRUE;
}

gdouble
gls_vad_last_turn_seconds (GlsVad *vad)
{
  return (gdouble)vad->turn_samples / vad->rate;
}

void
gls_model_synth (guint8 *out, gsize len, gsize offset)
{
  for (gsize i = 0; i + 1 < len; i += 2) {
    gdouble t = (gdouble)((offset + i) / 2) / GLS_OUT_RATE;
    /* 4 syllables per second, never fully silent */
    gdouble env = 0.55 - 0.45 * cos (2 * G_PI * 4.0 * t);
    gint16 s = (gint16)(9000.0 * env * sin (2 * G_PI * 220.0 * t));
    guint16 u = GUINT16_TO_LE ((guint16)s);

    out[i] = u & 0xff;
    out[i + 1] = u >> 8;
  }
}

gchar *
gls_model_spoken_answer (guint n, gdouble seconds)
{
  switch (n % 3) {
    case 1:
      return g_strdup_printf (
          "Hello! This is a simulated answer: I heard you speak for %.1f "
          "seconds, but as a simulator I cannot understand the words.",
          seconds);
    case 2:
      return g_strdup_printf (
          "Thanks. Another simulated answer: that was %.1f seconds of "
          "speech. A real model would answer what you said.",
          seconds);
    default:
      return g_strdup_printf (
          "I am still listening. This simulated answer is all I can give: "
          "you spoke for %.1f seconds this time.",
          seconds);
  }
}

gchar *
gls_model_speech_placeholder (gdouble seconds)
{
  return g_strdup_printf (
      "(you spoke for %.1f seconds; the simulator does not recognise words)",
      seconds);
}

static guint32
le32 (const guint8 *d)
{
  return d[0] | d[1] << 8 | d[2] << 16 | (guint32)d[3] << 24;
}

GBytes *
gls_model_wav_to_24k (GBytes *wav)
{
  gsize len;
  const guint8 *d = g_bytes_get_data (wav, &len);
  gsize off = 12;
  guint rate = 0, channels = 0, bits = 0;
  const guint8 *pcm = NULL;
  gsize pcm_len = 0, frames, out_frames;
  gint16 *out;

  if (len < 12 || memcmp (d, "RIFF", 4) != 0 || memcmp (d + 8, "WAVE", 4))
    return NULL;
  while (off + 8 <= len) {
    guint32 size = le32 (d + off + 4);

    if (memcmp (d + off, "fmt ", 4) == 0 && size >= 16 && off + 24 <= len) {
      if ((d[off + 8] | d[off + 9] << 8) != 1) /* PCM */
        return NULL;
      channels = d[off + 10] | d[off + 11] << 8;
      rate = le32 (d + off + 12);
      bits = d[off + 22] | d[off + 23] << 8;
    } else if (memcmp (d + off, "data", 4) == 0) {
      pcm = d + off + 8;
      /* written to a pipe, the size is not known: up to the end */
      pcm_len = MIN ((gsize)size, len - off - 8);
      break;
    }
    off += 8 + (gsize)size + (size & 1);
  }
  if (!pcm || bits != 16 || channels == 0 || rate == 0)
    return NULL;
  frames = pcm_len / 2 / channels;
  if (frames == 0)
    return NULL;
  out_frames = (gsize)((guint64)frames * GLS_OUT_RATE / rate);
  out = g_new (gint16, out_frames);
  for (gsize i = 0; i < out_frames; i++) {
    gdouble pos = (gdouble)i * rate / GLS_OUT_RATE;
    gsize a = (gsize)pos, b = MIN (a + 1, frames - 1);
    gdouble frac = pos - a, va = 0, vb = 0;

    for (guint ch = 0; ch < channels; ch++) {
      va += (gint16)(pcm[2 * (a * channels + ch)]
          | pcm[2 * (a * channels + ch) + 1] << 8);
      vb += (gint16)(pcm[2 * (b * channels + ch)]
          | pcm[2 * (b * channels + ch) + 1] << 8);
    }
    out[i] = GINT16_TO_LE (
        (gint16)CLAMP ((va + (vb - va) * frac) / channels, -32768, 32767));
  }
  return g_bytes_new_take (out, out_frames * 2);
}

gchar **
gls_model_split_words (const gchar *text, guint count)
{
  gchar **words = g_strsplit (text, " ", -1);
  guint n = g_strv_length (words);
  GPtrArray *out = g_ptr_array_new ();
  guint w = 0;

  count = MAX (1, MIN (count, n));
  for (guint i = 0; i < count; i++) {
    guint end = (i + 1) * n / count;
    GString *s = g_string_new (NULL);

    for (; w < end; w++) {
      /* deltas concatenate: every word but the first gets its space */
      if (w > 0)
        g_string_append_c (s, ' ');
      g_string_append (s, words[w]);
    }
    g_ptr_array_add (out, g_string_free (s, FALSE));
  }
  g_ptr_array_add (out, NULL);
  g_strfreev (words);
  return (gchar **)g_ptr_array_free (out, FALSE);
}

guint
gls_model_audio_tokens (gdouble seconds)
{
  return (guint)ceil (seconds * 25.0);
}

guint
gls_model_text_tokens (const gchar *text)
{
  /* about four characters per token */
  return MAX (1, (guint)(strlen (text) + 3) / 4);
}

JsonObject *
gls_model_find_function (
    JsonArray *tools, const gchar *text, gboolean *blocking, JsonObject **args)
{
  for (guint i = 0; tools && i < json_array_get_length (tools); i++) {
    JsonObject *tool = json_array_get_object_element (tools, i);
    JsonArray *decls;

    if (!json_object_has_member (tool, "functionDeclarations"))
      continue;
    decls = json_object_get_array_member (tool, "functionDeclarations");
    for (guint j = 0; j < json_array_get_length (decls); j++) {
      JsonObject *d = json_array_get_object_element (decls, j);
      const gchar *name = json_object_get_string_member (d, "name");
      JsonObject *params, *props;

      if (!strstr (text, name))
        continue;
      *blocking = !g_strcmp0 (json_object_get_string_member_with_default (
                                  d, "behavior", "BLOCKING"),
                      "NON_BLOCKING")
          ? FALSE
          : TRUE;
      *args = json_object_new ();
      params = json_object_has_member (d, "parameters")
          ? json_object_get_object_member (d, "parameters")
          : NULL;
      props = params && json_object_has_member (params, "properties")
          ? json_object_get_object_member (params, "properties")
          : NULL;
      if (props) {
        GList *members = json_object_get_members (props);

        for (GList *l = members; l; l = l->next) {
          JsonObject *p = json_object_get_object_member (props, l->data);
          const gchar *type
              = json_object_get_string_member_with_default (p, "type", "");

          if (g_ascii_strcasecmp (type, "STRING") != 0)
            continue;
          if (json_object_has_member (p, "enum")
              && json_array_get_length (
                     json_object_get_array_member (p, "enum"))
                  > 0)
            json_object_set_string_member (*args, l->data,
                json_array_get_string_element (
                    json_object_get_array_member (p, "enum"), 0));
          else {
            gchar *v = g_strdup_printf ("sim-%s", (gchar *)l->data);
            json_object_set_string_member (*args, l->data, v);
            g_free (v);
          }
        }
        g_list_free (members);
      }
      return d;
    }
  }
  return NULL;
}
