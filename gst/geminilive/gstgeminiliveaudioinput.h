/* gst-gemini-live
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Microphone audio into realtimeInput messages: converted to 16 kHz mono
 * S16LE (audio already in that format goes through untouched), cut into
 * fixed size chunks, and, when the server's activity detection is off,
 * activityStart/activityEnd around the speech with the audio before a
 * start held back (a short pre-roll is sent after it, never before).
 */
#pragma once

#include <gst/audio/audio.h>

G_BEGIN_DECLS

typedef enum
{
  /* The application emits activity-start / activity-end. */
  GST_GEMINI_LIVE_ACTIVITY_SOURCE_SIGNALS = 0,
  /* The element's own input energy decides. */
  GST_GEMINI_LIVE_ACTIVITY_SOURCE_ENERGY = 1,
  /* Upstream voice activity (webrtcdsp voice-detection=true meta). */
  GST_GEMINI_LIVE_ACTIVITY_SOURCE_VOICE_ACTIVITY = 2,
} GstGeminiLiveActivitySource;

typedef struct _GstGeminiLiveAudioInput GstGeminiLiveAudioInput;

/* Called from the thread that fed the input (or emitted the signal). */
typedef struct
{
  /* Takes the JSON message. */
  void (*send) (gchar *json, gpointer user_data);
  /* Speech went to the model: a chunk louder than the threshold, or (with
   * manual activity) an activity started. */
  void (*heard) (gpointer user_data);
} GstGeminiLiveAudioInputCallbacks;

typedef struct
{
  guint chunk_ms;
  gboolean manual; /* automatic activity detection is off */
  GstGeminiLiveActivitySource source;
  gdouble threshold_db; /* speech above this level (ENERGY: activity) */
  guint hangover_ms;    /* ENERGY: silence that ends activity */
  guint preroll_ms;     /* audio kept from before a start */
  guint end_silence_ms; /* 0: the end of the stream is audioStreamEnd; else
                         * this much silence, for the server's own activity
                         * detection to end the turn (Vertex AI has no
                         * audioStreamEnd) */
} GstGeminiLiveAudioInputSettings;

GstGeminiLiveAudioInput *gst_gemini_live_audio_input_new (
    const GstGeminiLiveAudioInputCallbacks *callbacks, GstObject *owner);
void gst_gemini_live_audio_input_free (GstGeminiLiveAudioInput *input);

void gst_gemini_live_audio_input_reset (GstGeminiLiveAudioInput *input,
    const GstGeminiLiveAudioInputSettings *settings);
/* The input's format (any raw audio): FALSE if it cannot be converted.
 * Audio converted for the previous format is sent first. */
gboolean gst_gemini_live_audio_input_set_caps (
    GstGeminiLiveAudioInput *input, GstCaps *caps);
/* Takes buffer, in the format of the last caps. */
void gst_gemini_live_audio_input_push (
    GstGeminiLiveAudioInput *input, GstBuffer *buffer);
/* A flush: audio not yet sent is forgotten. */
void gst_gemini_live_audio_input_flush (GstGeminiLiveAudioInput *input);
/* Sends what is left; then the end of the stream, or activityEnd in
 * manual mode. */
void gst_gemini_live_audio_input_eos (GstGeminiLiveAudioInput *input);
/* The microphone pauses (automatic mode only; FALSE otherwise): the
 * server is told the stream ended, as at EOS, and may hear more later. */
gboolean gst_gemini_live_audio_input_end_stream (
    GstGeminiLiveAudioInput *input);
/* FALSE if the transition makes no sense (automatic mode, already in it). */
gboolean gst_gemini_live_audio_input_set_activity (
    GstGeminiLiveAudioInput *input, gboolean active);
/* Upstream voice activity, for GST_GEMINI_LIVE_ACTIVITY_SOURCE_VOICE_ACTIVITY. */
void gst_gemini_live_audio_input_voice_activity (
    GstGeminiLiveAudioInput *input, gboolean voice);
gboolean gst_gemini_live_audio_input_is_manual (GstGeminiLiveAudioInput *input);

G_END_DECLS
