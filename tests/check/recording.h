/* gst-gemini-live
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Reader for the recorded Live API sessions in tests/data (the js-genai
 * system-test format: ">N <json>" client frame, "<N <json>" server frame,
 * N = payload bytes plus the newline that ends the entry).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  gboolean from_server;
  gchar *json; /* the payload, NUL-terminated */
  gsize size;  /* strlen (json) */
} RecordingFrame;

/* The directory holding the recordings: $GEMINI_LIVE_TEST_DATA, else the
 * compile-time GEMINI_LIVE_TEST_DATA_DIR, else "tests/data". */
const gchar *recording_data_dir (void);

/* Full path of a recording; name is a file name in the data directory,
 * with or without the ".websocket.log" suffix. */
gchar *recording_path (const gchar *name);

/* All frames in order (RecordingFrame, freed with the array), or NULL and
 * error. */
GPtrArray *recording_load_frames (const gchar *name, GError **error);

/* The frames' JSON strings in order (freed with the array); only the
 * server's when server_frames_only. NULL (and a message on stderr) when
 * the file cannot be read or parsed. */
GPtrArray *recording_load (const gchar *name, gboolean server_frames_only);

/* Every *.log file name in the data directory, sorted. */
GPtrArray *recording_list (void);

G_END_DECLS
