/* gst-gemini-live: what the element's tests share: a fixture of the
 * element between two harnesses against the in-process simulator, and
 * helpers to speak, listen and look at the wire.
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <json-glib/json-glib.h>

#include "gls-sim.h"

#define TEST_KEY "test-key-5up3r-53cr3t"
#define WAIT_MS 10000
#define IN_CAPS                                                                \
  "audio/x-raw,format=S16LE,layout=interleaved,rate=16000,channels=1"

typedef struct
{
  GlsSim *sim;
  GstElement *element;
  GstBus *bus;
  GstHarness *in;  /* pushes into sink_audio */
  GstHarness *out; /* pulls from src */
  gboolean vertex;
  gboolean invalid_on_purpose; /* keep out of the conformance log */
} Fixture;

/* Which of the simulator's endpoints the next fixture talks to. */
typedef enum
{
  ENDPOINT_GEMINI,
  ENDPOINT_VERTEX,
  ENDPOINT_CONSTRAINED,
} Endpoint;

#define TOOLS                                                                  \
  "[{\"name\":\"get_weather\",\"description\":\"Weather\","                    \
  "\"parameters\":{\"type\":\"OBJECT\",\"properties\":{\"city\":"              \
  "{\"type\":\"STRING\"}}}}]"

#define TOOLS_NON_BLOCKING                                                     \
  "[{\"name\":\"get_weather\",\"description\":\"Weather\","                    \
  "\"behavior\":\"NON_BLOCKING\",\"parameters\":{\"type\":\"OBJECT\","         \
  "\"properties\":{\"city\":{\"type\":\"STRING\"}}}}]"

typedef struct
{
  gchar *id;
  gchar *name;
  gchar *args;
  gboolean answer_now;
} ToolCallSeen;

extern Endpoint fixture_endpoint;

GlsSimOptions default_sim_options (void);
void fixture_setup_full (
    Fixture *f, const GlsSimOptions *options, const gchar *first_property, ...);
void fixture_setup (Fixture *f, const gchar *first_property, ...);
/* The fixture's simulator is now sim (the old one is gone or given). */
void fixture_replace_sim (Fixture *f, GlsSim *sim);
void fixture_teardown (Fixture *f);
void teardown_leftovers (void);
GstMessage *wait_message (Fixture *f, const gchar *name);
GBytes *make_tone (guint ms, gint amplitude);
/* Takes bytes. */
GstBuffer *buffer_of (GBytes *bytes);
void push_bytes (Fixture *f, GBytes *bytes);
void speak (Fixture *f, guint speech_ms);
JsonObject *parse_object (const gchar *json, JsonParser **parser);
GPtrArray *pull_audio (Fixture *f, gsize bytes);
GBytes *concat (GPtrArray *bufs);
GPtrArray *client_messages_of (Fixture *f, const gchar *kind);
GBytes *make_speech (guint ms, guint seed);
void say (Fixture *f, GByteArray *said, GBytes *audio);
void check_heard_exactly (Fixture *f, GByteArray *said);
void start_with_handle (Fixture *f);
/* A counter of the element's stats property. */
guint64 stat_u64 (Fixture *f, const gchar *name);
GstMessage *error_of_state_change (
    GstElement *element, GstState state, GstStateChangeReturn *ret);
GError *state_change_error (
    GstElement *element, GstState state, gboolean refused, const gchar *names);
gchar *setup_handle (const gchar *json);
guint message_uint (GstMessage *msg, const gchar *field);
gchar *on_tool_call (GstElement *element, const gchar *id, const gchar *name,
    const gchar *args, ToolCallSeen *seen);
