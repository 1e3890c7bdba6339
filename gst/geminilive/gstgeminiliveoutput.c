/* gst-gemini-live
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "gstgeminiliveoutput.h"
#include "gstgeminiliveprotocol.h"

GST_DEBUG_CATEGORY_STATIC (gst_gemini_live_output_debug);
#define GST_CAT_DEFAULT gst_gemini_live_output_debug

#define BYTES_PER_SECOND (GST_GEMINI_LIVE_OUTPUT_RATE * 2)
/* How often silence is announced downstream with GAP events. Each GAP
 * costs the task a wake-up; a live consumer of src (a sink, a mixer) does
 * not wait for them, so src gets few. The text pads get them often: a
 * text overlay holds its video until the text's timeline has passed it. */
#define SRC_GAP_INTERVAL (500 * GST_MSECOND)
#define TEXT_GAP_INTERVAL (100 * GST_MSECOND)
#define N_TEXT 2
#define AUDIO (-1)
/* The end of a model turn, in its place behind the turn's audio. */
#define TURN_END (-2)

typedef struct
{
  gint kind;      /* AUDIO, TURN_END or a GstGeminiLiveTextKind */
  GstBuffer *buf; /* NULL for TURN_END */
} Item;

typedef struct
{
  GstPad *pad;
  gboolean need_events;
  GstClockTime position; /* pushed up to here (text or GAP) */
  GstClockTime last_pts; /* keeps text in order */
} TextPad;

struct _GstGeminiLiveOutput
{
  GstElement *element;
  GstPad *srcpad;

  GMutex lock;
  GCond cond;
  GQueue queue;     /* Item*: audio and the model's text */
  GQueue user_text; /* Item*: pushed as soon as possible */
  TextPad text[N_TEXT];
  GstClockID clock_id; /* the task's current wait, if any */
  gboolean flushing;
  gboolean playing;
  gboolean need_events;
  gboolean in_turn;
  gboolean discont;
  GstClockTime position; /* running time up to which we pushed */
  GstClockTime latency;
  gchar stream_id_base[17];

  /* The end of the conversation, after the end of input: src ends once
   * the model owes nothing, or has been silent for eos_timeout. */
  gboolean input_ended;     /* end of input; cleared by the EOS pushed */
  gboolean answer_owed;     /* the user spoke or typed since the model's
                               * last answer began */
  gboolean answering;       /* an answer has begun and not ended */
  gboolean tool_pending;    /* a blocking tool call waits for its answer */
  gboolean reconnecting;    /* no connection carries the conversation */
  GstClockTime quiet_since; /* running time the model's silence counts
                               * from; NONE: from the task's next look */
  GstClockTime eos_timeout;
};

static void
item_free (Item *item)
{
  gst_clear_buffer (&item->buf);
  g_free (item);
}

GstGeminiLiveOutput *
gst_gemini_live_output_new (GstElement *element, GstPad *srcpad)
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
  output->eos_timeout = 5 * GST_SECOND;
  output->quiet_since = GST_CLOCK_TIME_NONE;
  g_snprintf (output->stream_id_base, sizeof (output->stream_id_base),
      "%08x%08x", g_random_int (), g_random_int ());
  g_mutex_init (&output->lock);
  g_cond_init (&output->cond);
  g_queue_init (&output->queue);
  g_queue_init (&output->user_text);
  return output;
}

void
gst_gemini_live_output_free (GstGeminiLiveOutput *output)
{
  guint i;

  g_queue_clear_full (&output->queue, (GDestroyNotify)item_free);
  g_queue_clear_full (&output->user_text, (GDestroyNotify)item_free);
  for (i = 0; i < N_TEXT; i++)
    gst_clear_object (&output->text[i].pad);
  g_mutex_clear (&output->lock);
  g_cond_clear (&output->cond);
  g_free (output);
}

/* Called with the lock held; releases it, then ends the task's wait. The
 * wake-up comes after the unlock: a task woken while the lock is still
 * held blocks on it at once, and on a busy machine it may preempt the
 * holder and wait for a core twice. */
static void
wake_unlock (GstGeminiLiveOutput *output)
{
  GstClockID id = output->clock_id ? gst_clock_id_ref (output->clock_id) : NULL;

  g_mutex_unlock (&output->lock);
  if (id != NULL) {
    gst_clock_id_unschedule (id);
    gst_clock_id_unref (id);
  }
  g_cond_broadcast (&output->cond);
}

static GstClockTime
running_time (GstGeminiLiveOutput *output)
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
push_initial_events (GstGeminiLiveOutput *output, GstPad *pad,
    const gchar *stream, GstCaps *caps)
{
  gchar *stream_id;
  GstSegment segment;
  GstEvent *event;

  /* Built by hand: gst_pad_create_stream_id() wants to look upstream,
   * which an element with several sink pads cannot answer. */
  stream_id = g_strdup_printf ("%s/%s", output->stream_id_base, stream);
  event = gst_event_new_stream_start (stream_id);
  gst_event_set_group_id (event, gst_util_group_id_next ());
  gst_pad_push_event (pad, event);
  g_free (stream_id);
  gst_pad_push_event (pad, gst_event_new_caps (caps));
  gst_caps_unref (caps);
  /* Running time is the timeline: a segment from 0 with base 0. */
  gst_segment_init (&segment, GST_FORMAT_TIME);
  gst_pad_push_event (pad, gst_event_new_segment (&segment));
}

/* Lock held. Gives an audio buffer its place on the timeline. */
static void
stamp_audio (GstGeminiLiveOutput *output, GstBuffer *buf, GstClockTime now)
{
  GstClockTime pts;

  if (!output->in_turn) {
    pts = MAX (now, output->position);
    output->in_turn = TRUE;
  } else if (now > output->position + output->latency) {
    /* The network fell behind for longer than the latency can hide: the
     * sink would get it after its render time, so restart from now. (A
     * sync sink downstream blocks each push for up to the latency; that
     * alone is not lateness.) */
    GST_INFO ("underrun of %" GST_TIME_FORMAT ", resyncing",
        GST_TIME_ARGS (now - output->position));
    pts = now;
    output->discont = TRUE;
  } else {
    pts = output->position;
  }

  GST_BUFFER_PTS (buf) = pts;
  GST_BUFFER_DURATION (buf) = gst_util_uint64_scale_int (
      gst_buffer_get_size (buf), GST_SECOND, BYTES_PER_SECOND);
  GST_BUFFER_OFFSET (buf) = gst_util_uint64_scale_int (
      pts, GST_GEMINI_LIVE_OUTPUT_RATE, GST_SECOND);
  GST_BUFFER_OFFSET_END (buf)
      = GST_BUFFER_OFFSET (buf) + gst_buffer_get_size (buf) / 2;
  if (output->discont) {
    GST_BUFFER_FLAG_SET (buf, GST_BUFFER_FLAG_DISCONT);
    output->discont = FALSE;
  }
}

/* Lock held. A caption lasts as long as the speech queued behind it (a
 * transcript usually leads its audio), within sane bounds. */
static GstClockTime
text_duration (GstGeminiLiveOutput *output, Item *item)
{
  GstClockTime d = 0;
  GList *l;

  if (item->kind == GST_GEMINI_LIVE_TEXT_MODEL) {
    for (l = output->queue.head; l != NULL; l = l->next) {
      Item *next = l->data;
      if (next->kind != AUDIO)
        break;
      d += gst_util_uint64_scale_int (
          gst_buffer_get_size (next->buf), GST_SECOND, BYTES_PER_SECOND);
    }
  }
  return CLAMP (d, GST_SECOND, 5 * GST_SECOND);
}

/* Lock held. Text sits where the audio around it plays. */
static void
stamp_text (GstGeminiLiveOutput *output, Item *item, GstClockTime now)
{
  TextPad *t = &output->text[item->kind];
  GstClockTime pts;

  if (item->kind == GST_GEMINI_LIVE_TEXT_MODEL)
    pts = output->in_turn ? output->position : MAX (now, output->position);
  else
    pts = now;
  if (GST_CLOCK_TIME_IS_VALID (t->last_pts))
    pts = MAX (pts, t->last_pts);
  GST_BUFFER_PTS (item->buf) = pts;
  GST_BUFFER_DURATION (item->buf) = text_duration (output, item);
}

static void
handle_flow (GstGeminiLiveOutput *output, GstFlowReturn ret)
{
  /* An unlinked src pad is not an error for a conversation. */
  if (ret == GST_FLOW_OK || ret == GST_FLOW_NOT_LINKED)
    return;
  GST_DEBUG_OBJECT (
      output->srcpad, "pausing task: %s", gst_flow_get_name (ret));
  if (ret == GST_FLOW_FLUSHING || ret == GST_FLOW_EOS) {
    gst_pad_pause_task (output->srcpad);
    return;
  }
  GST_ELEMENT_FLOW_ERROR (output->element, ret);
  gst_pad_pause_task (output->srcpad);
}

/* Lock held; returns with it released after pushing one text item. */
static void
push_text_unlock (GstGeminiLiveOutput *output, Item *item)
{
  TextPad *t = &output->text[item->kind];
  GstPad *pad = t->pad ? gst_object_ref (t->pad) : NULL;

  t->last_pts = GST_BUFFER_PTS (item->buf);
  t->position = GST_BUFFER_PTS (item->buf) + GST_BUFFER_DURATION (item->buf);
  g_mutex_unlock (&output->lock);
  if (pad != NULL) {
    /* Downstream text flow problems never stop the audio. */
    gst_pad_push (pad, gst_buffer_ref (item->buf));
    gst_object_unref (pad);
  }
  item_free (item);
}

/* Lock held. How far silence may be announced: a sync sink waits for a
 * GAP until its start plus the latency, so GAPs end that far behind now
 * and never hold the task (the next answer would wait behind them). */
static GstClockTime
gap_horizon (GstGeminiLiveOutput *output, GstClockTime now)
{
  return now > output->latency ? now - output->latency : 0;
}

/* When a pad announced up to position needs its next GAP: once the
 * horizon is an interval past it. */
static GstClockTime
gap_due (
    GstGeminiLiveOutput *output, GstClockTime position, GstClockTime interval)
{
  return position + interval + output->latency;
}

/* Lock held; returns TRUE (lock released) if it pushed GAP events. */
static gboolean
push_gaps_unlock (GstGeminiLiveOutput *output, GstClockTime now)
{
  GstClockTime horizon = gap_horizon (output, now);
  GstEvent *gaps[N_TEXT + 1] = {
    NULL,
  };
  GstPad *pads[N_TEXT + 1] = {
    NULL,
  };
  guint i, n = 0;

  if (g_queue_is_empty (&output->queue)
      && now >= gap_due (output, output->position, SRC_GAP_INTERVAL)) {
    gaps[n] = gst_event_new_gap (output->position, horizon - output->position);
    pads[n++] = gst_object_ref (output->srcpad);
    output->position = horizon;
  }
  for (i = 0; i < N_TEXT; i++) {
    TextPad *t = &output->text[i];
    if (t->pad == NULL || !GST_CLOCK_TIME_IS_VALID (t->position)
        || now < gap_due (output, t->position, TEXT_GAP_INTERVAL))
      continue;
    gaps[n] = gst_event_new_gap (t->position, horizon - t->position);
    pads[n++] = gst_object_ref (t->pad);
    t->position = horizon;
  }
  if (n == 0)
    return FALSE;
  g_mutex_unlock (&output->lock);
  for (i = 0; i < n; i++) {
    gst_pad_push_event (pads[i], gaps[i]);
    gst_object_unref (pads[i]);
  }
  return TRUE;
}

/* Lock held; returns TRUE (lock released) if a pad needed its events. */
static gboolean
push_pending_events_unlock (GstGeminiLiveOutput *output, GstClockTime now)
{
  GstPad *pad = NULL;
  guint i;

  if (output->need_events) {
    output->need_events = FALSE;
    g_mutex_unlock (&output->lock);
    push_initial_events (output, output->srcpad, "audio",
        gst_caps_new_simple ("audio/x-raw", "format", G_TYPE_STRING, "S16LE",
            "layout", G_TYPE_STRING, "interleaved", "rate", G_TYPE_INT,
            GST_GEMINI_LIVE_OUTPUT_RATE, "channels", G_TYPE_INT, 1, NULL));
    return TRUE;
  }
  for (i = 0; i < N_TEXT; i++) {
    if (output->text[i].pad != NULL && output->text[i].need_events) {
      output->text[i].need_events = FALSE;
      output->text[i].position = now;
      pad = gst_object_ref (output->text[i].pad);
      break;
    }
  }
  if (pad == NULL)
    return FALSE;
  g_mutex_unlock (&output->lock);
  push_initial_events (output, pad, i == 0 ? "text" : "user-text",
      gst_caps_new_simple (
          "text/x-raw", "format", G_TYPE_STRING, "utf8", NULL));
  gst_object_unref (pad);
  return TRUE;
}

static void
push_eos_unlock (GstGeminiLiveOutput *output)
{
  GstPad *pads[N_TEXT];
  guint i;

  output->input_ended = FALSE;
  for (i = 0; i < N_TEXT; i++)
    pads[i] = output->text[i].pad ? gst_object_ref (output->text[i].pad) : NULL;
  g_mutex_unlock (&output->lock);
  GST_DEBUG_OBJECT (output->srcpad, "drained, pushing EOS");
  for (i = 0; i < N_TEXT; i++) {
    if (pads[i] != NULL) {
      gst_pad_push_event (pads[i], gst_event_new_eos ());
      gst_object_unref (pads[i]);
    }
  }
  gst_pad_push_event (output->srcpad, gst_event_new_eos ());
  gst_pad_pause_task (output->srcpad);
}

/* Lock held, input ended and nothing queued. When src may end: 0 at
 * once (nothing is owed), a running time (the model has been silent
 * for eos_timeout by then), or NONE (no deadline: a reconnection or a
 * tool call bounds the wait with its own timeout). */
static GstClockTime
eos_deadline (GstGeminiLiveOutput *output, GstClockTime now)
{
  if (output->reconnecting || output->tool_pending)
    return GST_CLOCK_TIME_NONE;
  if (!output->answering && !output->answer_owed)
    return 0;
  if (!GST_CLOCK_TIME_IS_VALID (output->quiet_since))
    output->quiet_since = now;
  return output->quiet_since + output->eos_timeout;
}

/* Whether the clock waits as GstSystemClock does (its subclasses, such as
 * audio and network clocks, mostly do): for the clock-time difference, on
 * the monotonic clock. Such a wait is done on the task's own condition
 * instead: GstSystemClock's wait and unschedule take one lock shared by
 * every pipeline in the process, and its unschedule wakes the task while
 * still holding the entry's lock. */
static gboolean
waits_like_system_clock (GstClock *clock)
{
  static GstClockClass *system_class;

  if (g_once_init_enter (&system_class))
    g_once_init_leave (&system_class,
        GST_CLOCK_CLASS (g_type_class_ref (GST_TYPE_SYSTEM_CLOCK)));
  return GST_CLOCK_GET_CLASS (clock)->wait == system_class->wait;
}

/* Lock held; returns with it released. Waits until the clock reaches
 * target, or until woken, as gst_clock_id_wait() on such a clock would:
 * a clock that moved meanwhile is looked at again by the next loop. */
static void
wait_on_cond_unlock (
    GstGeminiLiveOutput *output, GstClock *clock, GstClockTime target)
{
  GstClockTime now = gst_clock_get_time (clock);
  gint64 until = g_get_monotonic_time ();

  /* Rounded up: waking a microsecond early costs one more wait. */
  if (target > now)
    until += (target - now + GST_USECOND - 1) / GST_USECOND;
  g_cond_wait_until (&output->cond, &output->lock, until);
  g_mutex_unlock (&output->lock);
}

static void
output_loop (gpointer user_data)
{
  GstGeminiLiveOutput *output = user_data;
  GstClockTime now, target, eos_at = GST_CLOCK_TIME_NONE;
  GstClock *clock;
  Item *head;
  guint i;

  g_mutex_lock (&output->lock);
  while (!output->flushing && !output->playing && !output->need_events)
    g_cond_wait (&output->cond, &output->lock);
  if (output->flushing) {
    g_mutex_unlock (&output->lock);
    gst_pad_pause_task (output->srcpad);
    return;
  }

  now = running_time (output);
  if (push_pending_events_unlock (output, now))
    return;
  if (!output->playing) {
    g_mutex_unlock (&output->lock);
    return;
  }
  if (now == GST_CLOCK_TIME_NONE) {
    /* PLAYING without a clock does not happen in a pipeline; stay idle. */
    gint64 until = g_get_monotonic_time () + 100 * G_TIME_SPAN_MILLISECOND;
    g_cond_wait_until (&output->cond, &output->lock, until);
    g_mutex_unlock (&output->lock);
    return;
  }
  if (output->position == GST_CLOCK_TIME_NONE)
    output->position = now;

  /* The user's transcript goes out when it arrives. */
  head = g_queue_pop_head (&output->user_text);
  if (head != NULL) {
    stamp_text (output, head, now);
    push_text_unlock (output, head);
    return;
  }

  head = g_queue_peek_head (&output->queue);
  if (head != NULL && head->kind == TURN_END) {
    /* The next audio starts a new turn at "now", not a resync. */
    g_queue_pop_head (&output->queue);
    item_free (head);
    output->in_turn = FALSE;
    g_mutex_unlock (&output->lock);
    return;
  }
  if (head != NULL && head->kind != AUDIO) {
    g_queue_pop_head (&output->queue);
    stamp_text (output, head, now);
    push_text_unlock (output, head);
    return;
  }
  if (head != NULL) {
    if (!GST_BUFFER_PTS_IS_VALID (head->buf))
      stamp_audio (output, head->buf, now);
    if (GST_BUFFER_PTS (head->buf) <= now) {
      GstBuffer *buf = gst_buffer_ref (head->buf);

      g_queue_pop_head (&output->queue);
      item_free (head);
      output->position = GST_BUFFER_PTS (buf) + GST_BUFFER_DURATION (buf);
      g_mutex_unlock (&output->lock);
      GST_LOG_OBJECT (output->srcpad, "pushing %" GST_PTR_FORMAT, buf);
      handle_flow (output, gst_pad_push (output->srcpad, buf));
      return;
    }
  } else if (output->input_ended) {
    eos_at = eos_deadline (output, now);
    if (eos_at != GST_CLOCK_TIME_NONE && now >= eos_at) {
      if (eos_at > 0)
        GST_INFO_OBJECT (output->srcpad,
            "the model said nothing for %" GST_TIME_FORMAT
            " after the end of input: ending",
            GST_TIME_ARGS (output->eos_timeout));
      push_eos_unlock (output);
      return;
    }
  }
  if (push_gaps_unlock (output, now))
    return;

  /* Sleep until the next buffer is due, a pad needs a GAP or src may
   * end. */
  target = head ? GST_BUFFER_PTS (head->buf)
                : gap_due (output, output->position, SRC_GAP_INTERVAL);
  if (eos_at != GST_CLOCK_TIME_NONE)
    target = MIN (target, eos_at);
  for (i = 0; i < N_TEXT; i++)
    if (output->text[i].pad != NULL
        && GST_CLOCK_TIME_IS_VALID (output->text[i].position))
      target = MIN (target,
          gap_due (output, output->text[i].position, TEXT_GAP_INTERVAL));

  clock = gst_element_get_clock (output->element);
  target += gst_element_get_base_time (output->element);
  if (waits_like_system_clock (clock)) {
    wait_on_cond_unlock (output, clock, target);
    gst_object_unref (clock);
    return;
  }
  output->clock_id = gst_clock_new_single_shot_id (clock, target);
  gst_object_unref (clock);
  g_mutex_unlock (&output->lock);

  gst_clock_id_wait (output->clock_id, NULL);

  g_mutex_lock (&output->lock);
  gst_clock_id_unref (output->clock_id);
  output->clock_id = NULL;
  g_mutex_unlock (&output->lock);
}

static void
task_done (GstGeminiLiveOutput *output)
{
  gst_object_unref (output->element);
}

/* Stops the pad's task. From the task's own thread (an application that
 * stops the pipeline from a probe or a sync handler on src) it cannot be
 * joined: it is told to stop and runs out when the push returns, still
 * holding the element. */
static void
stop_task (GstPad *pad)
{
  GstTask *task;
  gboolean own_thread;

  GST_OBJECT_LOCK (pad);
  task = GST_PAD_TASK (pad) ? gst_object_ref (GST_PAD_TASK (pad)) : NULL;
  GST_OBJECT_UNLOCK (pad);
  if (task == NULL)
    return;
  GST_OBJECT_LOCK (task);
  own_thread = task->thread == g_thread_self ();
  GST_OBJECT_UNLOCK (task);
  if (!own_thread) {
    gst_object_unref (task);
    gst_pad_stop_task (pad);
    return;
  }
  GST_DEBUG_OBJECT (pad, "stopped from its own thread: not joined");
  GST_OBJECT_LOCK (pad);
  if (GST_PAD_TASK (pad) == task) {
    GST_PAD_TASK (pad) = NULL;
    gst_object_unref (task); /* the pad's */
  }
  GST_OBJECT_UNLOCK (pad);
  gst_task_stop (task);
  gst_object_unref (task);
}

gboolean
gst_gemini_live_output_activate (GstGeminiLiveOutput *output, gboolean active)
{
  guint i;

  if (active) {
    gst_object_ref (output->element);
    g_mutex_lock (&output->lock);
    output->flushing = FALSE;
    output->need_events = TRUE;
    for (i = 0; i < N_TEXT; i++) {
      output->text[i].need_events = TRUE;
      output->text[i].last_pts = GST_CLOCK_TIME_NONE;
    }
    output->input_ended = FALSE;
    output->answer_owed = FALSE;
    output->answering = FALSE;
    output->tool_pending = FALSE;
    output->reconnecting = FALSE;
    output->quiet_since = GST_CLOCK_TIME_NONE;
    output->in_turn = FALSE;
    output->discont = FALSE;
    output->position = GST_CLOCK_TIME_NONE;
    g_mutex_unlock (&output->lock);
    /* The task holds the element (and so this output and the pads) until
     * its thread is done with them, which may be after a stop made from
     * that thread. */
    return gst_pad_start_task (
        output->srcpad, output_loop, output, (GDestroyNotify)task_done);
  }

  g_mutex_lock (&output->lock);
  output->flushing = TRUE;
  output->playing = FALSE;
  wake_unlock (output);
  stop_task (output->srcpad);

  g_mutex_lock (&output->lock);
  g_queue_clear_full (&output->queue, (GDestroyNotify)item_free);
  g_queue_clear_full (&output->user_text, (GDestroyNotify)item_free);
  g_mutex_unlock (&output->lock);
  return TRUE;
}

void
gst_gemini_live_output_set_playing (
    GstGeminiLiveOutput *output, gboolean playing)
{
  g_mutex_lock (&output->lock);
  output->playing = playing;
  /* Running time stands still in PAUSED: continue from "now" after it. */
  if (!playing)
    output->in_turn = FALSE;
  wake_unlock (output);
}

void
gst_gemini_live_output_set_latency (
    GstGeminiLiveOutput *output, GstClockTime latency)
{
  g_mutex_lock (&output->lock);
  output->latency = latency;
  g_mutex_unlock (&output->lock);
}

GstClockTime
gst_gemini_live_output_get_latency (GstGeminiLiveOutput *output)
{
  GstClockTime latency;

  g_mutex_lock (&output->lock);
  latency = output->latency;
  g_mutex_unlock (&output->lock);
  return latency;
}

/* Lock held. Part of the model's answer arrived: nothing is owed now
 * but the rest of it. Returns whether the task must look again. */
static gboolean
answer_progress_locked (GstGeminiLiveOutput *output)
{
  output->answering = TRUE;
  output->answer_owed = FALSE;
  if (!output->input_ended)
    return FALSE;
  output->quiet_since = GST_CLOCK_TIME_NONE;
  return TRUE;
}

static void
enqueue (GstGeminiLiveOutput *output, GQueue *queue, gint kind, GstBuffer *buf)
{
  Item *item;
  gboolean wake = FALSE;

  g_mutex_lock (&output->lock);
  if (kind != GST_GEMINI_LIVE_TEXT_USER)
    wake = answer_progress_locked (output);
  if (output->flushing || (kind != AUDIO && output->text[kind].pad == NULL)) {
    if (wake)
      wake_unlock (output);
    else
      g_mutex_unlock (&output->lock);
    gst_buffer_unref (buf);
    return;
  }
  /* The task sleeps until the head of the queue is due: audio joining a
   * queue that has a head changes nothing it waits for (an answer's
   * chunks arrive faster than they play). */
  wake |= queue == &output->user_text || g_queue_is_empty (queue);
  item = g_new (Item, 1);
  item->kind = kind;
  item->buf = buf;
  g_queue_push_tail (queue, item);
  if (wake)
    wake_unlock (output);
  else
    g_mutex_unlock (&output->lock);
}

void
gst_gemini_live_output_push_audio (GstGeminiLiveOutput *output, GBytes *pcm)
{
  if (g_bytes_get_size (pcm) == 0)
    return;
  /* Zero-copy: the buffer keeps the decoded bytes alive. */
  enqueue (output, &output->queue, AUDIO, gst_buffer_new_wrapped_bytes (pcm));
}

void
gst_gemini_live_output_push_text (
    GstGeminiLiveOutput *output, GstGeminiLiveTextKind kind, const gchar *text)
{
  gsize len;

  if (text == NULL || (len = strlen (text)) == 0)
    return;
  enqueue (output,
      kind == GST_GEMINI_LIVE_TEXT_MODEL ? &output->queue : &output->user_text,
      kind, gst_buffer_new_memdup (text, len));
}

void
gst_gemini_live_output_set_text_pad (
    GstGeminiLiveOutput *output, GstGeminiLiveTextKind kind, GstPad *pad)
{
  g_mutex_lock (&output->lock);
  gst_clear_object (&output->text[kind].pad);
  if (pad != NULL)
    output->text[kind].pad = gst_object_ref (pad);
  output->text[kind].need_events = TRUE;
  output->text[kind].position = GST_CLOCK_TIME_NONE;
  output->text[kind].last_pts = GST_CLOCK_TIME_NONE;
  wake_unlock (output);
}

void
gst_gemini_live_output_interrupt (GstGeminiLiveOutput *output)
{
  GList *l, *next;
  guint dropped = 0;

  g_mutex_lock (&output->lock);
  /* The answer's audio and text go; nothing else is queued there. */
  for (l = output->queue.head; l != NULL; l = next) {
    next = l->next;
    item_free (l->data);
    g_queue_delete_link (&output->queue, l);
    dropped++;
  }
  output->in_turn = FALSE;
  output->discont = TRUE;
  output->answering = FALSE;
  output->quiet_since = GST_CLOCK_TIME_NONE;
  wake_unlock (output);
  GST_DEBUG_OBJECT (
      output->srcpad, "interrupted: dropped %u queued items", dropped);
}

void
gst_gemini_live_output_end_turn (GstGeminiLiveOutput *output)
{
  g_mutex_lock (&output->lock);
  /* generationComplete comes right after the last chunk, which may still
   * wait in the queue: the turn ends when the task gets there. */
  if (g_queue_is_empty (&output->queue)) {
    output->in_turn = FALSE;
  } else {
    Item *item = g_new (Item, 1);

    item->kind = TURN_END;
    item->buf = NULL;
    g_queue_push_tail (&output->queue, item);
  }
  output->answering = FALSE;
  output->quiet_since = GST_CLOCK_TIME_NONE;
  if (output->input_ended)
    wake_unlock (output);
  else
    g_mutex_unlock (&output->lock);
}

void
gst_gemini_live_output_end_of_input (GstGeminiLiveOutput *output)
{
  g_mutex_lock (&output->lock);
  output->input_ended = TRUE;
  output->quiet_since = GST_CLOCK_TIME_NONE;
  wake_unlock (output);
}

void
gst_gemini_live_output_input_heard (GstGeminiLiveOutput *output)
{
  g_mutex_lock (&output->lock);
  output->answer_owed = TRUE;
  g_mutex_unlock (&output->lock);
}

void
gst_gemini_live_output_answer_progress (GstGeminiLiveOutput *output)
{
  g_mutex_lock (&output->lock);
  if (answer_progress_locked (output))
    wake_unlock (output);
  else
    g_mutex_unlock (&output->lock);
}

void
gst_gemini_live_output_answer_done (GstGeminiLiveOutput *output, gboolean owed)
{
  g_mutex_lock (&output->lock);
  output->answering = FALSE;
  output->answer_owed = owed;
  output->quiet_since = GST_CLOCK_TIME_NONE;
  wake_unlock (output);
}

void
gst_gemini_live_output_set_tool_pending (
    GstGeminiLiveOutput *output, gboolean pending)
{
  g_mutex_lock (&output->lock);
  output->tool_pending = pending;
  output->quiet_since = GST_CLOCK_TIME_NONE;
  wake_unlock (output);
}

void
gst_gemini_live_output_set_reconnecting (
    GstGeminiLiveOutput *output, gboolean reconnecting)
{
  g_mutex_lock (&output->lock);
  /* An answer cut by a lost connection is owed again: the input behind
   * it is resent on the next one. */
  if (reconnecting && output->answering) {
    output->answering = FALSE;
    output->answer_owed = TRUE;
  }
  output->reconnecting = reconnecting;
  output->quiet_since = GST_CLOCK_TIME_NONE;
  wake_unlock (output);
}

void
gst_gemini_live_output_set_eos_timeout (
    GstGeminiLiveOutput *output, GstClockTime timeout)
{
  g_mutex_lock (&output->lock);
  output->eos_timeout = timeout;
  wake_unlock (output);
}

GstClockTime
gst_gemini_live_output_get_eos_timeout (GstGeminiLiveOutput *output)
{
  GstClockTime timeout;

  g_mutex_lock (&output->lock);
  timeout = output->eos_timeout;
  g_mutex_unlock (&output->lock);
  return timeout;
}

gboolean
gst_gemini_live_output_query (GstGeminiLiveOutput *output, GstQuery *query)
{
  if (GST_QUERY_TYPE (query) == GST_QUERY_LATENCY) {
    /* Output is not derived from input timestamps, so upstream latency
     * does not add up here. Downstream may buffer as much as it likes. */
    gst_query_set_latency (query, TRUE,
        gst_gemini_live_output_get_latency (output), GST_CLOCK_TIME_NONE);
    return TRUE;
  }
  return gst_pad_query_default (
      output->srcpad, GST_OBJECT (output->element), query);
}
