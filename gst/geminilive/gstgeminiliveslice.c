/* gst-gemini-live
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstgeminiliveslice.h"

#ifdef __linux__
#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#if defined(__linux__) && defined(SYS_sched_setattr)                           \
    && defined(SYS_sched_getattr)
#define HAVE_SCHED_ATTR 1

GST_DEBUG_CATEGORY_STATIC (gst_gemini_live_slice_debug);
#define GST_CAT_DEFAULT gst_gemini_live_slice_debug

/* struct sched_attr, first version (SCHED_ATTR_SIZE_VER0): glibc 2.36
 * has no wrapper, and <linux/sched/types.h> clashes with <sched.h>. */
typedef struct
{
  guint32 size;
  guint32 policy;
  guint64 flags;
  gint32 nice;
  guint32 priority;
  guint64 runtime; /* for the normal policy: the slice, in ns (6.12+) */
  guint64 deadline;
  guint64 period;
} SchedAttr;

#define POLICY_NORMAL 0
#define FLAG_RESET_ON_FORK 0x01

/* What the thread had before it entered the task (SchedAttr *). */
static GPrivate saved_attr = G_PRIVATE_INIT (g_free);

static gboolean
get_attr (SchedAttr *attr)
{
  memset (attr, 0, sizeof *attr);
  if (syscall (SYS_sched_getattr, 0, attr, sizeof *attr, 0) != 0)
    return FALSE;
  /* Only what this version of the struct carries can be given back. */
  attr->size = sizeof *attr;
  attr->flags &= FLAG_RESET_ON_FORK;
  return TRUE;
}

static gboolean
set_attr (const SchedAttr *attr)
{
  return syscall (SYS_sched_setattr, 0, attr, 0) == 0;
}

static void
init_debug (void)
{
  static gsize debug_done = 0;

  if (g_once_init_enter (&debug_done)) {
    GST_DEBUG_CATEGORY_INIT (gst_gemini_live_slice_debug, "geminiliveslice", 0,
        "Gemini Live streaming thread scheduler slice");
    g_once_init_leave (&debug_done, 1);
  }
}
#endif

void
gst_gemini_live_slice_enter (guint slice_us)
{
#ifdef HAVE_SCHED_ATTR
  SchedAttr attr, saved;

  init_debug ();
  if (slice_us == 0)
    return;
  if (!get_attr (&attr)) {
    GST_DEBUG ("sched_getattr: %s", g_strerror (errno));
    return;
  }
  if (attr.policy != POLICY_NORMAL) {
    GST_DEBUG ("policy %u: left as it is", attr.policy);
    return;
  }
  saved = attr;
  attr.runtime = (guint64)CLAMP (slice_us, GST_GEMINI_LIVE_SLICE_MIN_US,
                     GST_GEMINI_LIVE_SLICE_MAX_US)
      * 1000;
  if (!set_attr (&attr)) {
    GST_DEBUG ("sched_setattr: %s", g_strerror (errno));
    return;
  }
  g_private_replace (&saved_attr, g_memdup2 (&saved, sizeof saved));
  GST_DEBUG ("slice %u us", slice_us);
#endif
}

void
gst_gemini_live_slice_leave (void)
{
#ifdef HAVE_SCHED_ATTR
  SchedAttr *saved = g_private_get (&saved_attr);

  if (saved == NULL)
    return;
  /* The thread goes back to its pool as it came. */
  if (!set_attr (saved))
    GST_DEBUG ("restoring: %s", g_strerror (errno));
  g_private_replace (&saved_attr, NULL);
#endif
}
