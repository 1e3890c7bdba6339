/* tools: an application that gives the model functions to call.
 *
 *   tools [--uri URI] [--timeout S]
 *   bash examples/run.sh tools        # against the simulator
 *
 * Two functions are declared with the `tools` property. get_weather is
 * answered synchronously: the `tool-call` handler returns the result.
 * book_table is answered asynchronously: the handler returns NULL and the
 * main loop answers later with the `send-tool-response` action signal, as
 * an application waiting on a slow service would. The conversation itself
 * is typed (`send-text`): one prompt per turn, the next sent when the bus
 * says the turn is complete. The model's voice plays on the speakers
 * (fakesink with GEMINILIVE_EXAMPLE_TEST=1).
 *
 * `tool-call` is emitted from the element's network thread: the handler
 * must not block, and touches nothing the main loop owns. Everything else
 * (bus messages, the delayed answer) happens in the main loop.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/gst.h>
#include <string.h>

static const gchar *tools_json
    = "["
      "{\"name\": \"get_weather\","
      " \"description\": \"Current weather in a city\","
      " \"parameters\": {\"type\": \"OBJECT\", \"properties\":"
      "   {\"city\": {\"type\": \"STRING\"}}, \"required\": [\"city\"]}},"
      "{\"name\": \"book_table\","
      " \"description\": \"Book a restaurant table\","
      " \"parameters\": {\"type\": \"OBJECT\", \"properties\":"
      "   {\"restaurant\": {\"type\": \"STRING\"},"
      "    \"time\": {\"type\": \"STRING\"}}}}"
      "]";

/* The simulator calls a function when the prompt names it; the real
 * model decides from the descriptions. */
static const gchar *prompts[] = {
  "What is the weather in Paris? Please use get_weather.",
  "Book a table for two at Chez Gemini at eight, with book_table.",
};

typedef struct
{
  GMainLoop *loop;
  GstElement *gemini;
  guint turn;
  guint calls_answered;
  GHashTable *cancelled; /* main loop only */
  int status;
} App;

typedef struct
{
  App *app;
  gchar *id;
  gchar *name;
} PendingCall;

/* Main loop: the "slow service" has answered. */
static gboolean
answer_later (gpointer data)
{
  PendingCall *call = data;
  gboolean queued = FALSE;

  if (g_hash_table_contains (call->app->cancelled, call->id)) {
    g_print (
        "tool: %s (%s) was cancelled, not answering\n", call->name, call->id);
  } else {
    g_signal_emit_by_name (call->app->gemini, "send-tool-response", call->id,
        call->name, "{\"confirmation\": \"CG-1234\", \"table_for\": 2}", NULL,
        &queued);
    g_print ("tool: answered %s asynchronously (%s)\n", call->name,
        queued ? "queued" : "refused");
    call->app->calls_answered++;
  }
  g_free (call->id);
  g_free (call->name);
  g_free (call);
  return G_SOURCE_REMOVE;
}

/* Network thread: answer at once, or hand the call to the main loop. */
static gchar *
on_tool_call (GstElement *gemini, const gchar *id, const gchar *name,
    const gchar *args_json, gpointer user_data)
{
  App *app = user_data;

  if (g_str_equal (name, "get_weather")) {
    /* Returning a JSON object sends it as the function's response. */
    return g_strdup ("{\"temperature_c\": 21, \"sky\": \"sunny\"}");
  }
  if (g_str_equal (name, "book_table")) {
    PendingCall *call = g_new0 (PendingCall, 1);

    call->app = app;
    call->id = g_strdup (id);
    call->name = g_strdup (name);
    /* g_timeout_add is thread-safe: it runs in the main loop. */
    g_timeout_add (300, answer_later, call);
    return NULL;
  }
  return g_strdup ("{\"error\": \"unknown function\"}");
}

static void
next_prompt (App *app)
{
  gboolean queued = FALSE;

  if (app->turn >= G_N_ELEMENTS (prompts)) {
    g_print ("done: %u turns, %u tool calls answered\n", app->turn,
        app->calls_answered);
    g_main_loop_quit (app->loop);
    return;
  }
  g_print ("you (typed): %s\n", prompts[app->turn]);
  g_signal_emit_by_name (app->gemini, "send-text", prompts[app->turn], &queued);
  app->turn++;
}

static void
on_element_message (App *app, const GstStructure *s)
{
  const gchar *name = gst_structure_get_name (s);

  if (g_str_equal (name, "geminilive/setup-complete")) {
    next_prompt (app);
  } else if (g_str_equal (name, "geminilive/tool-call")) {
    /* Posted after the handler ran: for the log only. */
    g_print ("tool: model called %s(%s) id=%s\n",
        gst_structure_get_string (s, "name"),
        gst_structure_get_string (s, "args"),
        gst_structure_get_string (s, "id"));
    if (g_str_equal (gst_structure_get_string (s, "name"), "get_weather")) {
      g_print ("tool: answered get_weather synchronously\n");
      app->calls_answered++;
    }
  } else if (g_str_equal (name, "geminilive/tool-call-cancellation")) {
    const GValue *v = gst_structure_get_value (s, "ids");
    const gchar *const *ids = v ? g_value_get_boxed (v) : NULL;

    for (; ids != NULL && *ids != NULL; ids++)
      g_hash_table_add (app->cancelled, g_strdup (*ids));
  } else if (g_str_equal (name, "geminilive/output-transcription")) {
    g_print ("gemini: %s\n", gst_structure_get_string (s, "text"));
  } else if (g_str_equal (name, "geminilive/text")) {
    g_print ("gemini (text): %s\n", gst_structure_get_string (s, "text"));
  } else if (g_str_equal (name, "geminilive/turn-complete")) {
    g_print ("-- turn complete\n");
    next_prompt (app);
  }
}

static gboolean
on_bus (GstBus *bus, GstMessage *msg, gpointer user_data)
{
  App *app = user_data;

  switch (GST_MESSAGE_TYPE (msg)) {
    case GST_MESSAGE_ELEMENT:
      on_element_message (app, gst_message_get_structure (msg));
      break;
    case GST_MESSAGE_ERROR: {
      GError *err;

      gst_message_parse_error (msg, &err, NULL);
      g_printerr ("error: %s\n", err->message);
      g_error_free (err);
      app->status = 1;
      g_main_loop_quit (app->loop);
      break;
    }
    case GST_MESSAGE_WARNING: {
      GError *err;

      gst_message_parse_warning (msg, &err, NULL);
      g_printerr ("warning: %s\n", err->message);
      g_error_free (err);
      break;
    }
    default:
      break;
  }
  return G_SOURCE_CONTINUE;
}

static gboolean
on_timeout (gpointer user_data)
{
  App *app = user_data;

  g_printerr ("timed out\n");
  app->status = 1;
  g_main_loop_quit (app->loop);
  return G_SOURCE_REMOVE;
}

int
main (int argc, char **argv)
{
  App app = {
    0,
  };
  GstElement *pipeline;
  GError *error = NULL;
  GstBus *bus;
  gchar *uri = NULL;
  gint timeout_s = 60;
  const gchar *sink;
  gchar *desc;
  GOptionEntry entries[] = {
    { "uri", 0, 0, G_OPTION_ARG_STRING, &uri, "Live API endpoint", "URI" },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout_s,
        "Give up after this many seconds (default 60)", "S" },
    { NULL },
  };
  GOptionContext *ctx = g_option_context_new ("- function calling example");

  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
    g_printerr ("%s\n", error->message);
    return 2;
  }
  g_option_context_free (ctx);

  /* Silence keeps the audio stream (and the server's VAD) going; replace
   * audiotestsrc with autoaudiosrc to talk as well as type. */
  sink = g_getenv ("GEMINILIVE_EXAMPLE_TEST") ? "fakesink sync=true"
                                              : "autoaudiosink";
  desc = g_strdup_printf ("audiotestsrc is-live=true wave=silence "
                          "! geminilive name=gemini output-transcription=true "
                          "! audioconvert ! audioresample ! %s",
      sink);
  pipeline = gst_parse_launch (desc, &error);
  g_free (desc);
  if (error != NULL) {
    g_printerr ("pipeline: %s\n", error->message);
    return 1;
  }
  app.gemini = gst_bin_get_by_name (GST_BIN (pipeline), "gemini");
  g_object_set (app.gemini, "tools", tools_json, "system-instruction",
      "You are a concise concierge. Use the functions you are given.", NULL);
  if (uri != NULL)
    g_object_set (app.gemini, "uri", uri, NULL);
  g_signal_connect (app.gemini, "tool-call", G_CALLBACK (on_tool_call), &app);

  app.loop = g_main_loop_new (NULL, FALSE);
  app.cancelled = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  bus = gst_element_get_bus (pipeline);
  gst_bus_add_watch (bus, on_bus, &app);
  g_timeout_add_seconds (timeout_s, on_timeout, &app);

  if (gst_element_set_state (pipeline, GST_STATE_PLAYING)
      == GST_STATE_CHANGE_FAILURE)
    app.status = 1;
  else
    g_main_loop_run (app.loop);

  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_bus_remove_watch (bus);
  gst_object_unref (bus);
  gst_object_unref (app.gemini);
  gst_object_unref (pipeline);
  g_main_loop_unref (app.loop);
  g_hash_table_unref (app.cancelled);
  g_free (uri);
  return app.status;
}
