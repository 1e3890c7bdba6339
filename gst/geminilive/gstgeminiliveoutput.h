/* gst-gemini-live
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Output timing for the model's audio: a live source on the element's src
 * pad. Audio is stamped in pipeline running time, contiguous within a
 * model turn, held until its time comes (so barge-in can drop it), and
 * GAP events keep downstream moving during silence.
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

typedef struct _GstGeminiLiveOutput GstGeminiLiveOutput;

GstGeminiLiveOutput *gst_gemini_live_output_new (GstElement * element,
    GstPad * srcpad);
void gst_gemini_live_output_free (GstGeminiLiveOutput * output);

/* Pad activation: starts or stops the streaming task. */
gboolean gst_gemini_live_output_activate (GstGeminiLiveOutput * output,
    gboolean active);
/* Data only flows in PLAYING, like any live source. */
void gst_gemini_live_output_set_playing (GstGeminiLiveOutput * output,
    gboolean playing);

void gst_gemini_live_output_set_latency (GstGeminiLiveOutput * output,
    GstClockTime latency);
GstClockTime gst_gemini_live_output_get_latency (GstGeminiLiveOutput *
    output);

/* s16le mono 24 kHz from the model. Any thread. */
void gst_gemini_live_output_push_audio (GstGeminiLiveOutput * output,
    GBytes * pcm);
/* Barge-in: drop what is queued, the next buffer is DISCONT. */
void gst_gemini_live_output_interrupt (GstGeminiLiveOutput * output);
/* The model's turn ended: the next audio starts a new turn. */
void gst_gemini_live_output_end_turn (GstGeminiLiveOutput * output);
/* EOS once everything queued has been pushed. */
void gst_gemini_live_output_drain_and_eos (GstGeminiLiveOutput * output);

gboolean gst_gemini_live_output_query (GstGeminiLiveOutput * output,
    GstQuery * query);

G_END_DECLS
