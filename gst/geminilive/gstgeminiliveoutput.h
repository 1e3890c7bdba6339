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

typedef enum
{
  /* The model's text, or the transcript of its speech: aligned with the
   * audio it belongs to. */
  GST_GEMINI_LIVE_TEXT_MODEL = 0,
  /* The transcript of the user's speech, stamped when it arrives. */
  GST_GEMINI_LIVE_TEXT_USER = 1,
} GstGeminiLiveTextKind;

GstGeminiLiveOutput *gst_gemini_live_output_new (
    GstElement *element, GstPad *srcpad);
void gst_gemini_live_output_free (GstGeminiLiveOutput *output);

/* Pad activation: starts or stops the streaming task. */
gboolean gst_gemini_live_output_activate (
    GstGeminiLiveOutput *output, gboolean active);
/* Data only flows in PLAYING, like any live source. */
void gst_gemini_live_output_set_playing (
    GstGeminiLiveOutput *output, gboolean playing);

void gst_gemini_live_output_set_latency (
    GstGeminiLiveOutput *output, GstClockTime latency);
GstClockTime gst_gemini_live_output_get_latency (GstGeminiLiveOutput *output);

/* s16le mono 24 kHz from the model. Any thread. */
void gst_gemini_live_output_push_audio (
    GstGeminiLiveOutput *output, GBytes *pcm);
/* Adds (or with NULL removes) a text src pad; it gets its own stream-start,
 * caps (text/x-raw, format=utf8), segment and GAP events. */
void gst_gemini_live_output_set_text_pad (
    GstGeminiLiveOutput *output, GstGeminiLiveTextKind kind, GstPad *pad);
/* UTF-8 text for a text pad; dropped when that pad does not exist. */
void gst_gemini_live_output_push_text (
    GstGeminiLiveOutput *output, GstGeminiLiveTextKind kind, const gchar *text);
/* Barge-in: drop what is queued, the next buffer is DISCONT; the answer
 * is over. */
void gst_gemini_live_output_interrupt (GstGeminiLiveOutput *output);
/* The model's turn ended: the answer is complete and the next audio
 * starts a new turn. */
void gst_gemini_live_output_end_turn (GstGeminiLiveOutput *output);

/* The end of the conversation. After end_of_input() src (and the text
 * pads) end with EOS once everything queued has been pushed and the
 * model owes nothing: no answer under way, and none owed for what the
 * user said (input_heard()) since the last one began. An owed or
 * unfinished answer is waited for until the model has been silent for
 * the EOS timeout (running time); a blocking tool call or a
 * reconnection holds that clock. */
void gst_gemini_live_output_end_of_input (GstGeminiLiveOutput *output);
/* Speech or text went to the model: an answer is owed. */
void gst_gemini_live_output_input_heard (GstGeminiLiveOutput *output);
/* The model produced part of an answer that is not queued here (a tool
 * call, a thought); queued audio and model text count by themselves. */
void gst_gemini_live_output_answer_progress (GstGeminiLiveOutput *output);
/* The model stopped answering without ending a turn (waitingForInput):
 * owed says whether it still owes one. */
void gst_gemini_live_output_answer_done (
    GstGeminiLiveOutput *output, gboolean owed);
void gst_gemini_live_output_set_tool_pending (
    GstGeminiLiveOutput *output, gboolean pending);
/* TRUE when the connection was lost (the answer under way is owed again),
 * FALSE once a new one carries the conversation. */
void gst_gemini_live_output_set_reconnecting (
    GstGeminiLiveOutput *output, gboolean reconnecting);
void gst_gemini_live_output_set_eos_timeout (
    GstGeminiLiveOutput *output, GstClockTime timeout);
GstClockTime gst_gemini_live_output_get_eos_timeout (
    GstGeminiLiveOutput *output);

gboolean gst_gemini_live_output_query (
    GstGeminiLiveOutput *output, GstQuery *query);

G_END_DECLS
