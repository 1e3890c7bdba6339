/* gemini-live-sim: the deterministic model (VAD, answers, tools).
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define GLS_OUT_RATE 24000
#define GLS_VAD_RMS 500.0

typedef enum
{
  GLS_VAD_SPEECH_START, /* a user turn started */
  GLS_VAD_TURN_END,     /* trailing silence ended the turn */
} GlsVadEvent;

/* Energy VAD in audio time: 20 ms frames, speech if RMS > GLS_VAD_RMS. */
typedef struct
{
  guint rate;
  guint silence_ms;
  GByteArray *partial; /* bytes of an incomplete frame */
  gboolean in_turn;
  guint64 turn_start;      /* sample index of the first speech frame */
  guint64 last_speech_end; /* sample index after the last speech frame */
  guint64 samples;         /* samples consumed so far */
  guint64 silence;         /* trailing non-speech samples in this turn */
  guint64 turn_samples;    /* length of the last finished turn */
} GlsVad;

void gls_vad_init (GlsVad *vad, guint rate, guint silence_ms);
void gls_vad_clear (GlsVad *vad);
/* Initialises dst as an independent copy of src (state and partial frame). */
void gls_vad_copy (GlsVad *dst, const GlsVad *src);
typedef void (*GlsVadFunc) (GlsVadEvent event, gpointer user_data);

/* Feeds s16le mono PCM; calls func for each event, in audio order. */
void gls_vad_feed (GlsVad *vad, const guint8 *pcm, gsize len, GlsVadFunc func,
    gpointer user_data);
/* Ends the current turn now (audioStreamEnd, activityEnd); FALSE if none. */
gboolean gls_vad_force_end (GlsVad *vad);
gdouble gls_vad_last_turn_seconds (GlsVad *vad);

/* Fills len bytes of the answer's 24 kHz s16le audio starting at byte
 * offset (a 220 Hz tone under a syllable-rate envelope). */
void gls_model_synth (guint8 *out, gsize len, gsize offset);

/* The words of the n-th answer of a session (from 1) to a spoken turn of
 * seconds. The simulator cannot recognise speech: the words say so, in a
 * few variants that follow each other so a conversation reads like one. */
gchar *gls_model_spoken_answer (guint n, gdouble seconds);
/* The user's transcript of a spoken turn: an honest placeholder. */
gchar *gls_model_speech_placeholder (gdouble seconds);

/* The 16-bit PCM of a WAV file (as espeak-ng --stdout writes it: the data
 * size may be unknown), as 24 kHz s16le mono: channels mixed down,
 * resampled linearly. NULL if it is not such a WAV. */
GBytes *gls_model_wav_to_24k (GBytes *wav);
/* Splits text into count roughly equal word groups (deltas with leading
 * spaces, so their concatenation is the text). */
gchar **gls_model_split_words (const gchar *text, guint count);
/* Tokens for a duration of audio (25 tokens per second). */
guint gls_model_audio_tokens (gdouble seconds);
guint gls_model_text_tokens (const gchar *text);

/* A declared function mentioned in text, or NULL. decls is the normalised
 * setup "tools" array. Sets *blocking and *args (deterministic values for
 * declared string parameters). */
JsonObject *gls_model_find_function (
    JsonArray *tools, const gchar *text, gboolean *blocking, JsonObject **args);

G_END_DECLS
