/* gst-gemini-live
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <gst/base/gstadapter.h>

#include "gstgeminiliveaudioinput.h"
#include "gstgeminiliveprotocol.h"

GST_DEBUG_CATEGORY_STATIC (gst_gemini_live_audio_input_debug);
#define GST_CAT_DEFAULT gst_gemini_live_audio_input_debug

#define BYTES_PER_MS (GST_GEMINI_LIVE_INPUT_RATE * 2 / 1000)

struct _GstGeminiLiveAudioInput
{
  GstGeminiLiveAudioInputCallbacks callbacks;
  GstObject *owner; /* owns the input: not a reference; callbacks get it */

  /* The lock orders activity changes from other threads (signals) with
   * the audio from the streaming thread. */
  GMutex lock;
  GstGeminiLiveAudioInputSettings settings;
  GstAdapter *adapter;
  gsize chunk_bytes;
  GstAudioInfo in_info;         /* the input's format */
  GstAudioConverter *converter; /* NULL: the input is the API's format */
  gboolean active;              /* between activityStart and activityEnd */
  GQueue preroll;               /* gchar*: recent audio messages */
  guint preroll_max;
  guint quiet_ms; /* ENERGY: silence since the last speech */
};

GstGeminiLiveAudioInput *
gst_gemini_live_audio_input_new (
    const GstGeminiLiveAudioInputCallbacks *callbacks, GstObject *owner)
{
  GstGeminiLiveAudioInput *input = g_new0 (GstGeminiLiveAudioInput, 1);

  if (gst_gemini_live_audio_input_debug == NULL)
    GST_DEBUG_CATEGORY_INIT (gst_gemini_live_audio_input_debug,
        "geminiliveaudioinput", 0, "Gemini Live audio input");
  input->callbacks = *callbacks;
  input->owner = owner;
  input->adapter = gst_adapter_new ();
  gst_audio_info_init (&input->in_info);
  g_mutex_init (&input->lock);
  g_queue_init (&input->preroll);
  return input;
}

void
gst_gemini_live_audio_input_free (GstGeminiLiveAudioInput *input)
{
  g_clear_pointer (&input->converter, gst_audio_converter_free);
  g_queue_clear_full (&input->preroll, g_free);
  g_object_unref (input->adapter);
  g_mutex_clear (&input->lock);
  g_free (input);
}

void
gst_gemini_live_audio_input_reset (GstGeminiLiveAudioInput *input,
    const GstGeminiLiveAudioInputSettings *settings)
{
  g_mutex_lock (&input->lock);
  input->settings = *settings;
  input->chunk_bytes = (gsize)settings->chunk_ms * BYTES_PER_MS;
  input->preroll_max = settings->chunk_ms
      ? (settings->preroll_ms + settings->chunk_ms - 1) / settings->chunk_ms
      : 0;
  input->active = FALSE;
  input->quiet_ms = 0;
  gst_adapter_clear (input->adapter);
  g_queue_clear_full (&input->preroll, g_free);
  g_mutex_unlock (&input->lock);
}

gboolean
gst_gemini_live_audio_input_is_manual (GstGeminiLiveAudioInput *input)
{
  gboolean manual;

  g_mutex_lock (&input->lock);
  manual = input->settings.manual;
  g_mutex_unlock (&input->lock);
  return manual;
}

/* Lock held. */
static void
start_activity (GstGeminiLiveAudioInput *input)
{
  gchar *json;

  GST_DEBUG_OBJECT (input->owner, "activity starts (%u pre-roll chunks)",
      g_queue_get_length (&input->preroll));
  input->active = TRUE;
  input->quiet_ms = 0;
  input->callbacks.heard (input->owner);
  input->callbacks.send (
      gst_gemini_live_protocol_build_activity_start (), input->owner);
  /* The start of the speech, which came before the decision. */
  while ((json = g_queue_pop_head (&input->preroll)))
    input->callbacks.send (json, input->owner);
}

/* Lock held. */
static void
end_activity (GstGeminiLiveAudioInput *input)
{
  GST_DEBUG_OBJECT (input->owner, "activity ends");
  input->active = FALSE;
  input->callbacks.send (
      gst_gemini_live_protocol_build_activity_end (), input->owner);
}

static gdouble
level_db (const guint8 *data, gsize size)
{
  const gint16 *s = (const gint16 *)data;
  gsize i, n = size / 2;
  gdouble sum = 0;

  for (i = 0; i < n; i++)
    sum += (gdouble)s[i] * s[i];
  if (n == 0 || sum == 0)
    return -120;
  return 10 * log10 (sum / n / (32768.0 * 32768.0));
}

/* Lock held. One chunk of audio, as a message, to the server or held. */
static void
handle_chunk (GstGeminiLiveAudioInput *input, const guint8 *data, gsize size)
{
  gchar *json = gst_gemini_live_protocol_build_audio (
      data, size, GST_GEMINI_LIVE_INPUT_RATE);

  if (!input->settings.manual) {
    if (level_db (data, size) > input->settings.threshold_db)
      input->callbacks.heard (input->owner);
    input->callbacks.send (json, input->owner);
    return;
  }
  if (input->settings.source == GST_GEMINI_LIVE_ACTIVITY_SOURCE_ENERGY) {
    gboolean speech = level_db (data, size) > input->settings.threshold_db;

    if (speech && !input->active)
      start_activity (input);
    if (speech)
      input->quiet_ms = 0;
    else if (input->active)
      input->quiet_ms += size / BYTES_PER_MS;
  }
  if (input->active) {
    input->callbacks.send (json, input->owner);
    if (input->settings.source == GST_GEMINI_LIVE_ACTIVITY_SOURCE_ENERGY
        && input->quiet_ms >= input->settings.hangover_ms)
      end_activity (input);
    return;
  }
  /* Outside activity the server must not get audio: keep a pre-roll. */
  g_queue_push_tail (&input->preroll, json);
  while (g_queue_get_length (&input->preroll) > input->preroll_max)
    g_free (g_queue_pop_head (&input->preroll));
}

static void
drain (GstGeminiLiveAudioInput *input, gsize chunk_bytes)
{
  while (chunk_bytes > 0
      && gst_adapter_available (input->adapter) >= chunk_bytes) {
    const guint8 *data = gst_adapter_map (input->adapter, chunk_bytes);
    handle_chunk (input, data, chunk_bytes);
    gst_adapter_unmap (input->adapter);
    gst_adapter_flush (input->adapter, chunk_bytes);
  }
}

/* Lock held. in_frames of the input (NULL: silence, to drain the
 * resampler) converted to the API's format. */
static GstBuffer *
convert (GstGeminiLiveAudioInput *input, gpointer *in, gsize in_frames)
{
  gsize out_frames
      = gst_audio_converter_get_out_frames (input->converter, in_frames);
  GstBuffer *out = gst_buffer_new_allocate (NULL, out_frames * 2, NULL);
  GstMapInfo map;
  gpointer planes[1];

  gst_buffer_map (out, &map, GST_MAP_WRITE);
  planes[0] = map.data;
  if (!gst_audio_converter_samples (
          input->converter, 0, in, in_frames, planes, out_frames))
    out_frames = 0;
  gst_buffer_unmap (out, &map);
  gst_buffer_set_size (out, out_frames * 2);
  return out;
}

/* Lock held. What the resampler still holds, sent before a new format or
 * the end. */
static void
drain_converter (GstGeminiLiveAudioInput *input)
{
  gsize latency;

  if (input->converter == NULL)
    return;
  latency = gst_audio_converter_get_max_latency (input->converter);
  if (latency > 0)
    gst_adapter_push (input->adapter, convert (input, NULL, latency));
  gst_audio_converter_reset (input->converter);
}

static gboolean
is_api_format (const GstAudioInfo *info)
{
  return GST_AUDIO_INFO_FORMAT (info) == GST_AUDIO_FORMAT_S16LE
      && GST_AUDIO_INFO_LAYOUT (info) == GST_AUDIO_LAYOUT_INTERLEAVED
      && GST_AUDIO_INFO_RATE (info) == GST_GEMINI_LIVE_INPUT_RATE
      && GST_AUDIO_INFO_CHANNELS (info) == 1;
}

gboolean
gst_gemini_live_audio_input_set_caps (
    GstGeminiLiveAudioInput *input, GstCaps *caps)
{
  GstAudioInfo in, out;
  GstAudioConverter *converter = NULL;

  if (!gst_audio_info_from_caps (&in, caps))
    return FALSE;
  if (!is_api_format (&in)) {
    gst_audio_info_set_format (
        &out, GST_AUDIO_FORMAT_S16LE, GST_GEMINI_LIVE_INPUT_RATE, 1, NULL);
    converter = gst_audio_converter_new (0, &in, &out, NULL);
    if (converter == NULL)
      return FALSE;
  }
  g_mutex_lock (&input->lock);
  if (!gst_audio_info_is_equal (&in, &input->in_info)) {
    drain_converter (input);
    drain (input, input->chunk_bytes);
    g_clear_pointer (&input->converter, gst_audio_converter_free);
    input->converter = g_steal_pointer (&converter);
    input->in_info = in;
    GST_DEBUG_OBJECT (input->owner, "input %" GST_PTR_FORMAT ": %s", caps,
        input->converter ? "converted" : "the API's format, untouched");
  }
  g_mutex_unlock (&input->lock);
  g_clear_pointer (&converter, gst_audio_converter_free);
  return TRUE;
}

void
gst_gemini_live_audio_input_flush (GstGeminiLiveAudioInput *input)
{
  g_mutex_lock (&input->lock);
  gst_adapter_clear (input->adapter);
  if (input->converter != NULL)
    gst_audio_converter_reset (input->converter);
  g_mutex_unlock (&input->lock);
}

void
gst_gemini_live_audio_input_push (
    GstGeminiLiveAudioInput *input, GstBuffer *buffer)
{
  GstMapInfo map;

  g_mutex_lock (&input->lock);
  if (input->converter != NULL) {
    GstAudioBuffer abuf;

    if (!gst_audio_buffer_map (&abuf, &input->in_info, buffer, GST_MAP_READ)) {
      g_mutex_unlock (&input->lock);
      gst_buffer_unref (buffer);
      return;
    }
    gst_adapter_push (
        input->adapter, convert (input, abuf.planes, abuf.n_samples));
    gst_audio_buffer_unmap (&abuf);
    gst_buffer_unref (buffer);
    drain (input, input->chunk_bytes);
    g_mutex_unlock (&input->lock);
    return;
  }
  /* A buffer of exactly one chunk with nothing before it, the usual case
   * when the source's buffers match chunk-duration: no adapter. */
  if (input->chunk_bytes > 0 && gst_adapter_available (input->adapter) == 0
      && gst_buffer_get_size (buffer) == input->chunk_bytes
      && gst_buffer_map (buffer, &map, GST_MAP_READ)) {
    handle_chunk (input, map.data, map.size);
    gst_buffer_unmap (buffer, &map);
    gst_buffer_unref (buffer);
  } else {
    gst_adapter_push (input->adapter, buffer);
    drain (input, input->chunk_bytes);
  }
  g_mutex_unlock (&input->lock);
}

/* Lock held, automatic mode. */
static void
end_stream (GstGeminiLiveAudioInput *input)
{
  gsize chunk = input->chunk_bytes, left;
  guint8 *silence;

  if (input->settings.end_silence_ms == 0 || chunk == 0) {
    input->callbacks.send (
        gst_gemini_live_protocol_build_audio_stream_end (), input->owner);
    return;
  }
  silence = g_malloc0 (chunk);
  for (left = (gsize)input->settings.end_silence_ms * BYTES_PER_MS; left > 0;
       left -= MIN (left, chunk))
    input->callbacks.send (gst_gemini_live_protocol_build_audio (silence,
                               MIN (left, chunk), GST_GEMINI_LIVE_INPUT_RATE),
        input->owner);
  g_free (silence);
}

void
gst_gemini_live_audio_input_eos (GstGeminiLiveAudioInput *input)
{
  g_mutex_lock (&input->lock);
  drain_converter (input);
  drain (input, gst_adapter_available (input->adapter) & ~(gsize)1);
  gst_adapter_clear (input->adapter);
  if (!input->settings.manual)
    end_stream (input);
  else if (input->active)
    end_activity (input);
  g_mutex_unlock (&input->lock);
}

gboolean
gst_gemini_live_audio_input_end_stream (GstGeminiLiveAudioInput *input)
{
  gboolean manual;

  g_mutex_lock (&input->lock);
  manual = input->settings.manual;
  if (!manual)
    end_stream (input);
  g_mutex_unlock (&input->lock);
  return !manual;
}

gboolean
gst_gemini_live_audio_input_set_activity (
    GstGeminiLiveAudioInput *input, gboolean active)
{
  gboolean ok;

  g_mutex_lock (&input->lock);
  ok = input->settings.manual && input->active != active;
  if (ok && active)
    start_activity (input);
  else if (ok)
    end_activity (input);
  g_mutex_unlock (&input->lock);
  return ok;
}

void
gst_gemini_live_audio_input_voice_activity (
    GstGeminiLiveAudioInput *input, gboolean voice)
{
  g_mutex_lock (&input->lock);
  if (input->settings.manual
      && input->settings.source
          == GST_GEMINI_LIVE_ACTIVITY_SOURCE_VOICE_ACTIVITY
      && input->active != voice) {
    /* Audio before this point belongs to the old state. */
    drain (input, input->chunk_bytes);
    if (voice)
      start_activity (input);
    else
      end_activity (input);
  }
  g_mutex_unlock (&input->lock);
}
