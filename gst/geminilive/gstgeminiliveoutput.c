/* gst-gemini-live
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstgeminiliveoutput.h"
#include "gstgeminiliveprotocol.h"

GST_DEBUG_CATEGORY_STATIC (gst_gemini_live_output_debug);
#define GST_CAT_DEFAULT gst_gemini_live_output_debug

#define BYTES_PER_SECOND (GST_GEMINI_LIVE_OUTPUT_RATE * 2)
/* How often silence is announced downstream with GAP events. */
#define GAP_INTERVAL (100 * GST_MSECOND)

struct _GstGeminiLiveOutput
{
  GstElement *element;
  GstPad *srcpad;

  GMutex lock;
  GCond cond;
  GQueue queue;                 /* unstamped GstBuffers from the model */
  GstClockID clock_id;          /* the task's current wait, if any */
  gboolean flushing;
  gboolean playing;
  gboolean need_events;
  gboolean eos_pending;
  gboolean in_turn;
  gboolean discont;
  GstClockTime position;        /* running time up to which we pushed */
  GstClockTime latency;
};

GstGeminiLiveOutput *
gst_gemini_live_output_new (GstElement * element, GstPad * srcpad)
{
  GstGeminiLiveOutput *output = g_new0 (GstGeminiLiveOutput, 1);

  if (gst_gemini_live_output_debug == NULL)
    GST_DEBUG_CATEGORY_INIT (gst_gemini_live_output_debug, "geminiliveoutput",
        0, "Gemini Live output timing");
  output->element = element;
  output->srcpad = srcpad;
  output->flushing = TRUE;
  output->position = GST_CLOCK_TIME_NONE;
  output->latency = 200 * GST_MSECOND;
  g_mutex_init (&output->lock);
  g_cond_init (&output->cond);
  g_queue_init (&output->queue);
  return output;
}

void
gst_gemini_live_output_free (GstGeminiLiveOutput * output)
{
  g_queue_clear_full (&output->queue, (GDestroyNotify) gst_buffer_unref);
  g_mutex_clear (&output->lock);
  g_cond_clear (&output->cond);
  g_free (output);
}

/* Called with the lock held: ends the task's clock wait early. */
static void
wake (GstGeminiLiveOutput * output)
{
  if (output->clock_id != NULL)
    gst_clock_id_unschedule (output->clock_id);
  g_cond_broadcast (&output->cond);
}

static GstClockTime
running_time (GstGeminiLiveOutput * output)
{
  GstClock *clock = gst_element_get_clock (output->element);
  GstClockTime now, base;

  if (clock == NULL)
    return GST_CLOCK_TIME_NONE;
  now = gst_clock_get_time (clock);
  base = gst_element_get_base_time (output->element);
  gst_object_unref (clock);
  return now > base ? now - base : 0;
}

static void
push_initial_events (GstGeminiLiveOutput * output)
{
  gchar *stream_id;
  GstCaps *caps;
  GstSegment segment;
  GstEvent *event;

  stream_id = gst_pad_create_stream_id (output->srcpad, output->element,
      "audio");
  event = gst_event_new_stream_start (stream_id);
  gst_event_set_group_id (event, gst_util_group_id_next ());
  gst_pad_push_event (output->srcpad, event);
  g_free (stream_id);

  caps = gst_caps_new_simple ("audio/x-raw", "format", G_TYPE_STRING, "S16LE",
      "layout", G_TYPE_STRING, "interleaved", "rate", G_TYPE_INT,
      GST_GEMINI_LIVE_OUTPUT_RATE, "channels", G_TYPE_INT, 1, NULL);
  gst_pad_push_event (output->srcpad, gst_event_new_caps (caps));
  gst_caps_unref (caps);

  /* Running time is the timeline: a segment from 0 with base 0. */
  gst_segment_init (&segment, GST_FORMAT_TIME);
  gst_pad_push_event (output->srcpad, gst_event_new_segment (&segment));
}

/* Lock held. Gives the head buffer its place on the timeline. */
static void
stamp (GstGeminiLiveOutput * output, GstBuffer * buf, GstClockTime now)
{
  GstClockTime pts;

  if (!output->in_turn) {
    pts = MAX (now, output->position);
    output->in_turn = TRUE;
  } else if (now > output->position + output->latency / 2) {
    /* The network fell behind for longer than the latency can hide:
     * restart from now rather than send late audio. */
    GST_INFO ("underrun of %" GST_TIME_FORMAT ", resyncing",
        GST_TIME_ARGS (now - output->position));
    pts = now;
    output->discont = TRUE;
  } else {
    pts = output->position;
  }

  GST_BUFFER_PTS (buf) = pts;
  GST_BUFFER_DURATION (buf) = gst_util_uint64_scale_int (gst_buffer_get_size
      (buf), GST_SECOND, BYTES_PER_SECOND);
  GST_BUFFER_OFFSET (buf) = gst_util_uint64_scale_int (pts,
      GST_GEMINI_LIVE_OUTPUT_RATE, GST_SECOND);
  GST_BUFFER_OFFSET_END (buf) = GST_BUFFER_OFFSET (buf) +
      gst_buffer_get_size (buf) / 2;
  if (output->discont) {
    GST_BUFFER_FLAG_SET (buf, GST_BUFFER_FLAG_DISCONT);
    output->discont = FALSE;
  }
}

static void
handle_flow (GstGeminiLiveOutput * output, GstFlowReturn ret)
{
  /* An unlinked src pad is not an error for a conversation. */
  if (ret == GST_FLOW_OK || ret == GST_FLOW_NOT_LINKED)
    return;
  GST_DEBUG_OBJECT (output->srcpad, "pausing task: %s",
      gst_flow_get_name (ret));
  if (ret == GST_FLOW_FLUSHING || ret == GST_FLOW_EOS) {
    gst_pad_pause_task (output->srcpad);
    return;
  }
  GST_ELEMENT_FLOW_ERROR (output->element, ret);
  gst_pad_pause_task (output->srcpad);
}

static void
output_loop (gpointer user_data)
{
  GstGeminiLiveOutput *output = user_data;
  GstClockTime now, target;
  GstClock *clock;
  GstBuffer *head;

  g_mutex_lock (&output->lock);
  if (output->need_events) {
    output->need_events = FALSE;
    g_mutex_unlock (&output->lock);
    push_initial_events (output);
    return;
  }

  while (!output->flushing && !output->playing)
    g_cond_wait (&output->cond, &output->lock);
  if (output->flushing) {
    g_mutex_unlock (&output->lock);
    gst_pad_pause_task (output->srcpad);
    return;
  }

  now = running_time (output);
  if (now == GST_CLOCK_TIME_NONE) {
    /* PLAYING without a clock does not happen in a pipeline; stay idle. */
    gint64 until = g_get_monotonic_time () + 100 * G_TIME_SPAN_MILLISECOND;
    g_cond_wait_until (&output->cond, &output->lock, until);
    g_mutex_unlock (&output->lock);
    return;
  }
  if (output->position == GST_CLOCK_TIME_NONE)
    output->position = now;

  head = g_queue_peek_head (&output->queue);
  if (head != NULL) {
    if (!GST_BUFFER_PTS_IS_VALID (head))
      stamp (output, head, now);
    if (GST_BUFFER_PTS (head) <= now) {
      g_queue_pop_head (&output->queue);
      output->position = GST_BUFFER_PTS (head) + GST_BUFFER_DURATION (head);
      g_mutex_unlock (&output->lock);
      GST_LOG_OBJECT (output->srcpad, "pushing %" GST_PTR_FORMAT, head);
      handle_flow (output, gst_pad_push (output->srcpad, head));
      return;
    }
    target = GST_BUFFER_PTS (head);
  } else if (output->eos_pending) {
    output->eos_pending = FALSE;
    g_mutex_unlock (&output->lock);
    GST_DEBUG_OBJECT (output->srcpad, "drained, pushing EOS");
    gst_pad_push_event (output->srcpad, gst_event_new_eos ());
    gst_pad_pause_task (output->srcpad);
    return;
  } else if (now >= output->position + GAP_INTERVAL) {
    GstEvent *gap = gst_event_new_gap (output->position,
        now - output->position);
    output->position = now;
    g_mutex_unlock (&output->lock);
    gst_pad_push_event (output->srcpad, gap);
    return;
  } else {
    target = output->position + GAP_INTERVAL;
  }

  clock = gst_element_get_clock (output->element);
  output->clock_id = gst_clock_new_single_shot_id (clock,
      gst_element_get_base_time (output->element) + target);
  gst_object_unref (clock);
  g_mutex_unlock (&output->lock);

  gst_clock_id_wait (output->clock_id, NULL);

  g_mutex_lock (&output->lock);
  gst_clock_id_unref (output->clock_id);
  output->clock_id = NULL;
  g_mutex_unlock (&output->lock);
}

gboolean
gst_gemini_live_output_activate (GstGeminiLiveOutput * output,
    gboolean active)
{
  if (active) {
    g_mutex_lock (&output->lock);
    output->flushing = FALSE;
    output->need_events = TRUE;
    output->eos_pending = FALSE;
    output->in_turn = FALSE;
    output->discont = FALSE;
    output->position = GST_CLOCK_TIME_NONE;
    g_mutex_unlock (&output->lock);
    return gst_pad_start_task (output->srcpad, output_loop, output, NULL);
  }

  g_mutex_lock (&output->lock);
  output->flushing = TRUE;
  output->playing = FALSE;
  wake (output);
  g_mutex_unlock (&output->lock);
  gst_pad_stop_task (output->srcpad);

  g_mutex_lock (&output->lock);
  g_queue_clear_full (&output->queue, (GDestroyNotify) gst_buffer_unref);
  g_mutex_unlock (&output->lock);
  return TRUE;
}

void
gst_gemini_live_output_set_playing (GstGeminiLiveOutput * output,
    gboolean playing)
{
  g_mutex_lock (&output->lock);
  output->playing = playing;
  /* Running time stands still in PAUSED: continue from "now" after it. */
  if (!playing)
    output->in_turn = FALSE;
  wake (output);
  g_mutex_unlock (&output->lock);
}

void
gst_gemini_live_output_set_latency (GstGeminiLiveOutput * output,
    GstClockTime latency)
{
  g_mutex_lock (&output->lock);
  output->latency = latency;
  g_mutex_unlock (&output->lock);
}

GstClockTime
gst_gemini_live_output_get_latency (GstGeminiLiveOutput * output)
{
  GstClockTime latency;

  g_mutex_lock (&output->lock);
  latency = output->latency;
  g_mutex_unlock (&output->lock);
  return latency;
}

void
gst_gemini_live_output_push_audio (GstGeminiLiveOutput * output, GBytes * pcm)
{
  GstBuffer *buf;

  if (g_bytes_get_size (pcm) == 0)
    return;
  /* Zero-copy: the buffer keeps the decoded bytes alive. */
  buf = gst_buffer_new_wrapped_bytes (pcm);
  g_mutex_lock (&output->lock);
  if (output->flushing) {
    g_mutex_unlock (&output->lock);
    gst_buffer_unref (buf);
    return;
  }
  g_queue_push_tail (&output->queue, buf);
  wake (output);
  g_mutex_unlock (&output->lock);
}

void
gst_gemini_live_output_interrupt (GstGeminiLiveOutput * output)
{
  guint dropped;

  g_mutex_lock (&output->lock);
  dropped = g_queue_get_length (&output->queue);
  g_queue_clear_full (&output->queue, (GDestroyNotify) gst_buffer_unref);
  output->in_turn = FALSE;
  output->discont = TRUE;
  wake (output);
  g_mutex_unlock (&output->lock);
  GST_DEBUG_OBJECT (output->srcpad, "interrupted: dropped %u queued buffers",
      dropped);
}

void
gst_gemini_live_output_end_turn (GstGeminiLiveOutput * output)
{
  g_mutex_lock (&output->lock);
  output->in_turn = FALSE;
  g_mutex_unlock (&output->lock);
}

void
gst_gemini_live_output_drain_and_eos (GstGeminiLiveOutput * output)
{
  g_mutex_lock (&output->lock);
  output->eos_pending = TRUE;
  wake (output);
  g_mutex_unlock (&output->lock);
}

gboolean
gst_gemini_live_output_query (GstGeminiLiveOutput * output, GstQuery * query)
{
  if (GST_QUERY_TYPE (query) == GST_QUERY_LATENCY) {
    /* Output is not derived from input timestamps, so upstream latency
     * does not add up here. Downstream may buffer as much as it likes. */
    gst_query_set_latency (query, TRUE,
        gst_gemini_live_output_get_latency (output), GST_CLOCK_TIME_NONE);
    return TRUE;
  }
  return gst_pad_query_default (output->srcpad, GST_OBJECT (output->element),
      query);
}
