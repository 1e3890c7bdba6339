/* gst-gemini-live
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <json-glib/json-glib.h>

#include "gstgeminilivetools.h"

GST_DEBUG_CATEGORY_STATIC (gst_gemini_live_tools_debug);
#define GST_CAT_DEFAULT gst_gemini_live_tools_debug

typedef struct
{
  GstGeminiLiveTools *tools;
  gchar *id;
  gchar *name;
  gboolean blocking;
  GstClockID timeout;
} Call;

struct _GstGeminiLiveTools
{
  GstGeminiLiveToolsCallbacks callbacks;
  GstObject *owner; /* owns this: not a reference */

  GMutex lock;
  GHashTable *calls;        /* id -> Call */
  GHashTable *non_blocking; /* function names */
  guint blocking;           /* pending blocking calls */
  guint timeout_ms;
  GstClock *clock;
};

static void
call_free (Call *call)
{
  if (call->timeout != NULL) {
    gst_clock_id_unschedule (call->timeout);
    gst_clock_id_unref (call->timeout);
  }
  g_free (call->id);
  g_free (call->name);
  g_free (call);
}

GstGeminiLiveTools *
gst_gemini_live_tools_new (
    const GstGeminiLiveToolsCallbacks *callbacks, GstObject *owner)
{
  GstGeminiLiveTools *tools = g_new0 (GstGeminiLiveTools, 1);

  if (gst_gemini_live_tools_debug == NULL)
    GST_DEBUG_CATEGORY_INIT (gst_gemini_live_tools_debug, "geminilivetools", 0,
        "Gemini Live tool calls");
  tools->callbacks = *callbacks;
  tools->owner = owner;
  g_mutex_init (&tools->lock);
  tools->calls = g_hash_table_new_full (
      g_str_hash, g_str_equal, NULL, (GDestroyNotify)call_free);
  tools->non_blocking
      = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  tools->clock = gst_system_clock_obtain ();
  return tools;
}

void
gst_gemini_live_tools_free (GstGeminiLiveTools *tools)
{
  g_hash_table_unref (tools->calls);
  g_hash_table_unref (tools->non_blocking);
  gst_object_unref (tools->clock);
  g_mutex_clear (&tools->lock);
  g_free (tools);
}

/* Lock held; returns whether the hold changed to `hold`. */
static gboolean
update_blocking (GstGeminiLiveTools *tools, gboolean blocking, gint delta)
{
  guint before = tools->blocking;

  if (!blocking)
    return FALSE;
  tools->blocking += delta;
  return (before == 0) != (tools->blocking == 0);
}

static void learn_declarations_locked (
    GstGeminiLiveTools *tools, const gchar *tools_json);

void
gst_gemini_live_tools_reset (
    GstGeminiLiveTools *tools, const gchar *tools_json, guint timeout_ms)
{
  gboolean release;

  g_mutex_lock (&tools->lock);
  release = tools->blocking > 0;
  g_hash_table_remove_all (tools->calls);
  tools->blocking = 0;
  tools->timeout_ms = timeout_ms;
  learn_declarations_locked (tools, tools_json);
  g_mutex_unlock (&tools->lock);
  if (release)
    tools->callbacks.hold_input (FALSE, tools->owner);
}

void
gst_gemini_live_tools_declare (
    GstGeminiLiveTools *tools, const gchar *tools_json)
{
  g_mutex_lock (&tools->lock);
  learn_declarations_locked (tools, tools_json);
  g_mutex_unlock (&tools->lock);
}

/* Lock held. Which declared functions are NON_BLOCKING. */
static void
learn_declarations_locked (GstGeminiLiveTools *tools, const gchar *tools_json)
{
  JsonParser *parser = json_parser_new ();

  g_hash_table_remove_all (tools->non_blocking);
  /* Declarations were validated before; anything odd is just skipped. */
  if (tools_json != NULL
      && json_parser_load_from_data (parser, tools_json, -1, NULL)
      && JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser))) {
    JsonArray *array = json_node_get_array (json_parser_get_root (parser));
    guint i;

    for (i = 0; i < json_array_get_length (array); i++) {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *decl;
      const gchar *name, *behavior;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      decl = json_node_get_object (node);
      name = json_object_get_string_member_with_default (decl, "name", NULL);
      behavior
          = json_object_get_string_member_with_default (decl, "behavior", NULL);
      if (name != NULL && g_strcmp0 (behavior, "NON_BLOCKING") == 0)
        g_hash_table_add (tools->non_blocking, g_strdup (name));
    }
  }
  g_object_unref (parser);
}

/* What a timeout's clock entry holds: the tools, and their owner (so the
 * tools too) until the entry is gone, since its callback runs in the
 * clock's thread at any time. */
typedef struct
{
  GstGeminiLiveTools *tools;
  GstObject *owner;
} TimeoutData;

static TimeoutData *
timeout_data_new (GstGeminiLiveTools *tools)
{
  TimeoutData *data = g_new (TimeoutData, 1);

  data->tools = tools;
  data->owner = gst_object_ref (tools->owner);
  return data;
}

static void
timeout_data_free (gpointer p)
{
  TimeoutData *data = p;

  gst_object_unref (data->owner);
  g_free (data);
}

static gboolean
on_timeout (
    GstClock *clock, GstClockTime time, GstClockID id, gpointer user_data)
{
  GstGeminiLiveTools *tools = ((TimeoutData *)user_data)->tools;
  gchar *call_id = NULL, *name = NULL;
  gboolean release = FALSE;
  GHashTableIter iter;
  Call *call;

  g_mutex_lock (&tools->lock);
  g_hash_table_iter_init (&iter, tools->calls);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&call)) {
    if (call->timeout == id) {
      call_id = g_strdup (call->id);
      name = g_strdup (call->name);
      release = update_blocking (tools, call->blocking, -1);
      g_hash_table_iter_remove (&iter);
      break;
    }
  }
  g_mutex_unlock (&tools->lock);

  if (call_id != NULL) {
    GST_INFO_OBJECT (
        tools->owner, "tool call %s (%s) timed out", call_id, name);
    tools->callbacks.timed_out (call_id, name, tools->owner);
    if (release)
      tools->callbacks.hold_input (FALSE, tools->owner);
  }
  g_free (call_id);
  g_free (name);
  return TRUE;
}

void
gst_gemini_live_tools_call_started (
    GstGeminiLiveTools *tools, const gchar *id, const gchar *name)
{
  Call *call;
  gboolean hold;

  if (id == NULL)
    return;
  call = g_new0 (Call, 1);
  call->tools = tools;
  call->id = g_strdup (id);
  call->name = g_strdup (name);

  g_mutex_lock (&tools->lock);
  call->blocking = !g_hash_table_contains (tools->non_blocking, name);
  if (tools->timeout_ms > 0) {
    call->timeout = gst_clock_new_single_shot_id (tools->clock,
        gst_clock_get_time (tools->clock)
            + (GstClockTime)tools->timeout_ms * GST_MSECOND);
    gst_clock_id_wait_async (
        call->timeout, on_timeout, timeout_data_new (tools), timeout_data_free);
  }
  /* A repeated id replaces the old call. */
  if (g_hash_table_lookup (tools->calls, id) != NULL) {
    Call *old = g_hash_table_lookup (tools->calls, id);
    update_blocking (tools, old->blocking, -1);
    g_hash_table_remove (tools->calls, id);
  }
  hold = update_blocking (tools, call->blocking, +1);
  g_hash_table_insert (tools->calls, call->id, call);
  g_mutex_unlock (&tools->lock);

  if (hold)
    tools->callbacks.hold_input (TRUE, tools->owner);
}

gboolean
gst_gemini_live_tools_is_pending (GstGeminiLiveTools *tools, const gchar *id)
{
  gboolean pending;

  g_mutex_lock (&tools->lock);
  pending = g_hash_table_contains (tools->calls, id);
  g_mutex_unlock (&tools->lock);
  return pending;
}

gboolean
gst_gemini_live_tools_is_blocking (GstGeminiLiveTools *tools, const gchar *id)
{
  Call *call;
  gboolean blocking;

  g_mutex_lock (&tools->lock);
  call = g_hash_table_lookup (tools->calls, id);
  blocking = call != NULL && call->blocking;
  g_mutex_unlock (&tools->lock);
  return blocking;
}

gboolean
gst_gemini_live_tools_call_finished (GstGeminiLiveTools *tools, const gchar *id)
{
  gboolean release = FALSE, found = FALSE;
  Call *call;

  g_mutex_lock (&tools->lock);
  call = g_hash_table_lookup (tools->calls, id);
  if (call != NULL) {
    found = TRUE;
    release = update_blocking (tools, call->blocking, -1);
    g_hash_table_remove (tools->calls, id);
  }
  g_mutex_unlock (&tools->lock);
  if (release)
    tools->callbacks.hold_input (FALSE, tools->owner);
  return found;
}

GStrv
gst_gemini_live_tools_take_all (GstGeminiLiveTools *tools)
{
  GStrvBuilder *builder = g_strv_builder_new ();
  GHashTableIter iter;
  gboolean release;
  Call *call;
  GStrv ids;

  g_mutex_lock (&tools->lock);
  g_hash_table_iter_init (&iter, tools->calls);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&call))
    g_strv_builder_add (builder, call->id);
  release = tools->blocking > 0;
  tools->blocking = 0;
  g_hash_table_remove_all (tools->calls);
  g_mutex_unlock (&tools->lock);
  ids = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  if (release)
    tools->callbacks.hold_input (FALSE, tools->owner);
  return ids;
}
