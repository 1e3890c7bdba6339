/* gst-gemini-live
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "recording.h"

#include <string.h>

#define SUFFIX ".websocket.log"

const gchar *
recording_data_dir (void)
{
  const gchar *dir = g_getenv ("GEMINI_LIVE_TEST_DATA");

  if (dir != NULL && *dir != '\0')
    return dir;
#ifdef GEMINI_LIVE_TEST_DATA_DIR
  return GEMINI_LIVE_TEST_DATA_DIR;
#else
  return "tests/data";
#endif
}

gchar *
recording_path (const gchar *name)
{
  gchar *path = g_build_filename (recording_data_dir (), name, NULL);
  gchar *with_suffix;

  if (g_str_has_suffix (name, ".log"))
    return path;
  with_suffix = g_strconcat (path, SUFFIX, NULL);
  g_free (path);
  return with_suffix;
}

static void
frame_free (RecordingFrame *frame)
{
  g_free (frame->json);
  g_free (frame);
}

/* ">123 " or "<123 " at p; returns the byte count and where the payload
 * starts. */
static gboolean
parse_header (const gchar *p, const gchar *end, gboolean *from_server,
    guint64 *count, const gchar **body)
{
  const gchar *q;
  guint64 n = 0;

  if (p >= end || (*p != '<' && *p != '>'))
    return FALSE;
  for (q = p + 1; q < end && g_ascii_isdigit (*q); q++) {
    if (n > G_MAXUINT32)
      return FALSE;
    n = n * 10 + (guint64)(*q - '0');
  }
  if (q == p + 1 || q >= end || *q != ' ')
    return FALSE;

  if (from_server)
    *from_server = (*p == '<');
  if (count)
    *count = n;
  if (body)
    *body = q + 1;
  return TRUE;
}

static const gchar *
skip_newlines (const gchar *p, const gchar *end)
{
  while (p < end && (*p == '\n' || *p == '\r'))
    p++;
  return p;
}

GPtrArray *
recording_load_frames (const gchar *name, GError **error)
{
  gchar *path = recording_path (name);
  gchar *contents = NULL;
  gsize length = 0;
  const gchar *p, *end;
  GPtrArray *frames;

  if (!g_file_get_contents (path, &contents, &length, error)) {
    g_free (path);
    return NULL;
  }

  frames = g_ptr_array_new_with_free_func ((GDestroyNotify)frame_free);
  p = contents;
  end = contents + length;
  for (p = skip_newlines (p, end); p < end; p = skip_newlines (p, end)) {
    RecordingFrame *frame;
    gboolean from_server;
    guint64 count;
    const gchar *body, *stop;

    if (!parse_header (p, end, &from_server, &count, &body)) {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
          "%s: no frame header at byte %" G_GSIZE_FORMAT, path,
          (gsize)(p - contents));
      g_ptr_array_unref (frames);
      frames = NULL;
      break;
    }

    /* The count covers the payload and the entry's final newline. When it
     * does not land on the next header (a recorder counting UTF-16 units,
     * say), fall back to the next line that starts with a header: JSON
     * lines never do. */
    if (count >= 1 && count <= (guint64)(end - body) && body[count - 1] == '\n'
        && (skip_newlines (body + count, end) == end
            || parse_header (
                skip_newlines (body + count, end), end, NULL, NULL, NULL))) {
      stop = body + count - 1;
      p = body + count;
    } else {
      const gchar *q = body;

      stop = NULL;
      while ((q = memchr (q, '\n', end - q)) != NULL) {
        if (parse_header (q + 1, end, NULL, NULL, NULL)) {
          stop = q;
          break;
        }
        q++;
      }
      if (stop == NULL) {
        stop = end;
        if (stop > body && stop[-1] == '\n')
          stop--;
      }
      p = stop < end ? stop + 1 : end;
    }

    frame = g_new0 (RecordingFrame, 1);
    frame->from_server = from_server;
    frame->size = stop - body;
    frame->json = g_strndup (body, frame->size);
    g_ptr_array_add (frames, frame);
  }

  g_free (contents);
  g_free (path);
  return frames;
}

GPtrArray *
recording_load (const gchar *name, gboolean server_frames_only)
{
  GError *error = NULL;
  GPtrArray *frames = recording_load_frames (name, &error);
  GPtrArray *json;
  guint i;

  if (frames == NULL) {
    g_printerr ("Cannot load recording %s: %s\n", name, error->message);
    g_error_free (error);
    return NULL;
  }

  json = g_ptr_array_new_with_free_func (g_free);
  for (i = 0; i < frames->len; i++) {
    RecordingFrame *frame = g_ptr_array_index (frames, i);

    if (server_frames_only && !frame->from_server)
      continue;
    g_ptr_array_add (json, g_strdup (frame->json));
  }
  g_ptr_array_unref (frames);
  return json;
}

static gint
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const gchar *const *)a, *(const gchar *const *)b);
}

GPtrArray *
recording_list (void)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  GDir *dir = g_dir_open (recording_data_dir (), 0, NULL);
  const gchar *name;

  if (dir == NULL)
    return names;
  while ((name = g_dir_read_name (dir)) != NULL) {
    if (g_str_has_suffix (name, ".log"))
      g_ptr_array_add (names, g_strdup (name));
  }
  g_dir_close (dir);
  g_ptr_array_sort (names, compare_strings);
  return names;
}
